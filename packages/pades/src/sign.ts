/**
 * Sign a PDF with a PAdES baseline signature (ETSI EN 319 142-1: B-B, or B-T with a TSA) as an
 * incremental update (ISO 32000-1 §7.5.6): a signature field whose widget sits in the form's
 * signature place with a visible block, the signature dictionary (§12.8.1, /SubFilter
 * /ETSI.CAdES.detached) and its /ByteRange covering the whole file but the /Contents hex string,
 * which holds the CAdES CMS made by @hoso/pki over those bytes.
 */
import { createHash } from 'node:crypto';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { parseCertificate, signCades, type TimestampAuthority, type X509Signer } from '@hoso/pki';
import type { SignaturePlace } from '@hoso/print';
import { appearanceObjects } from './appearance.js';
import { padesError, type PadesError, type SignPdfError } from './errors.js';
import { PdfFile, PdfStructureError } from './file.js';
import { appendRevision, type UpdateObject } from './incremental.js';
import { pdfDate, vietnamTime } from './time.js';
import { ascii, dict, latin1, name, PdfRef, serialize, textString, type PdfDict, type PdfValue } from './syntax.js';

export interface SignPdfOptions {
  readonly signer: X509Signer;
  /** Where the visible block goes (from `renderPdfWithLayout`'s `layout.signatures`); invisible without one. */
  readonly place?: Pick<SignaturePlace, 'page' | 'x' | 'y' | 'w' | 'h'>;
  /** The signer's name as the block shows it. */
  readonly name: string;
  /** The signer's role as the block shows it, e.g. `"Giáo viên chủ nhiệm"`. */
  readonly role: string;
  /** /Reason, e.g. `"Xác nhận học bạ"`. */
  readonly reason?: string;
  /** /Location, e.g. the school's province. */
  readonly location?: string;
  /** A TSA for a signature-time-stamp (B-T); B-B without one. */
  readonly tsa?: TimestampAuthority;
  /** Revocation evidence to carry inside the CMS (DER), as @hoso/pki's `signCades` `embed`. */
  readonly evidence?: { readonly crls?: readonly Uint8Array[]; readonly ocspResponses?: readonly Uint8Array[] };
  /** The signing time the dictionary (/M) and the block show; now unless told. The timestamp is the proof. */
  readonly time?: Date;
  /** Bytes reserved for the CMS in /Contents (16 KiB unless told). */
  readonly reserve?: number;
}

const DEFAULT_RESERVE = 16_384;
const BYTE_RANGE_WIDTH = 36;
const BYTE_RANGE_PLACEHOLDER = '[0 ' + '0'.repeat(10) + ' ' + '0'.repeat(10) + ' ' + '0'.repeat(10) + ']';

/** Read a file, or say in a typed error why it cannot be. */
export function openPdf(pdf: Uint8Array, path: ReadonlyArray<string | number> = []): Either<SignPdfError, PdfFile> {
  try {
    return right(new PdfFile(pdf));
  } catch (e) {
    if (!(e instanceof PdfStructureError)) throw e;
    return left(structureError(e, path));
  }
}

/** The typed error for a structure the reader could not follow. */
export function structureError(e: PdfStructureError, path: ReadonlyArray<string | number> = []): PadesError {
  return e.reason === 'xref-stream'
    ? padesError(
        'pdf-unsupported',
        e.message,
        'Tệp dùng bảng tham chiếu dạng luồng (cross-reference stream), chưa được hỗ trợ',
        'ISO 32000-1 §7.5.8',
        path,
      )
    : padesError(
        'pdf-unreadable',
        `the PDF cannot be read: ${e.message}`,
        `Không đọc được tệp PDF: ${e.message}`,
        'ISO 32000-1 §7.5',
        path,
        e.offset === undefined ? undefined : { offset: e.offset },
      );
}

/** The names of the signature fields a catalog's form already has (§12.7.3.1 /T). */
function fieldCount(file: PdfFile, acro: PdfDict | undefined): number {
  const fields = file.resolve(acro?.get('Fields'));
  return Array.isArray(fields) ? fields.length : 0;
}

/** Append `ref` to an array that is either inline in `owner` under `key` or an indirect object. */
function appendTo(file: PdfFile, owner: PdfDict, key: string, ref: PdfRef, updates: UpdateObject[]): PdfDict {
  const out: PdfDict = new Map(owner);
  const v = owner.get(key);
  if (v instanceof PdfRef) {
    const arr = file.resolve(v);
    updates.push({ num: v.num, value: [...(Array.isArray(arr) ? arr : []), ref] });
  } else out.set(key, [...(Array.isArray(v) ? v : []), ref]);
  return out;
}

/**
 * Sign `pdf`: returns the signed file, the original bytes unchanged at its start. Nothing is
 * signed when an input is refused (a place off the file, a key the policy refuses, a TSA down).
 */
export async function signPdf(pdf: Uint8Array, o: SignPdfOptions): Promise<Either<SignPdfError, Uint8Array>> {
  const opened = openPdf(pdf);
  if (isLeft(opened)) return opened;
  const file = opened.right;
  const cert = await parseCertificate(await o.signer.certificate(), ['signer', 'certificate']);
  if (isLeft(cert)) return cert;

  let pages: PdfRef[];
  let catalog: { ref: PdfRef; dict: PdfDict };
  try {
    pages = file.pages();
    catalog = file.catalog();
  } catch (e) {
    if (e instanceof PdfStructureError) return left(structureError(e));
    throw e;
  }
  const place = o.place;
  const pageNo = place?.page ?? 1;
  const pageRef = pages[pageNo - 1];
  if (!pageRef || (place && !(place.w > 0 && place.h > 0)))
    return left(
      padesError(
        'signature-place',
        place && pageRef
          ? `the signature place has no area (${place.w} × ${place.h})`
          : `the signature place is on page ${pageNo}, and the file has ${pages.length}`,
        place && pageRef
          ? `Vị trí ký không có diện tích (${place.w} × ${place.h})`
          : `Vị trí ký ở trang ${pageNo}, nhưng tệp có ${pages.length} trang`,
        'ISO 32000-1 §12.5.2',
        ['place', place && pageRef ? 'w' : 'page'],
      ),
    );
  const time = o.time ?? new Date();
  const updates: UpdateObject[] = [];
  let next = file.size();
  const sigNum = next++;
  const fieldNum = next++;
  const fieldRef = new PdfRef(fieldNum, 0);

  const catalogAcro = catalog.dict.get('AcroForm');
  const acro = file.dictOf(catalogAcro);
  const widget: PdfDict = dict({
    Type: name('Annot'),
    Subtype: name('Widget'),
    FT: name('Sig'),
    T: textString(`Chữ ký ${fieldCount(file, acro) + 1}`),
    TU: textString(`${o.role}: ${o.name}`),
    V: new PdfRef(sigNum, 0),
    // Print | Locked (§12.5.3): PDF/A wants annotations printed; the block is not to be moved.
    F: 132,
    P: pageRef,
    Rect: place ? [place.x, place.y, place.x + place.w, place.y + place.h] : [0, 0, 0, 0],
  });
  if (place) {
    const ap = await appearanceObjects(
      place.w,
      place.h,
      { name: o.name, role: o.role, time: vietnamTime(time), serial: cert.right.serialNumber.toUpperCase() },
      next,
    );
    next = ap.next;
    updates.push(...ap.objects);
    widget.set('AP', dict({ N: ap.xobject }));
  }
  updates.push({ num: fieldNum, value: widget });

  const page = file.dictOf(pageRef);
  if (!page) return left(structureError(new PdfStructureError('syntax', `page ${pageNo} is not a dictionary`)));
  updates.push({ num: pageRef.num, value: appendTo(file, page, 'Annots', fieldRef, updates) });

  // The form: SignaturesExist | AppendOnly (§12.7.2), so readers keep later saves incremental.
  if (catalogAcro instanceof PdfRef && acro) {
    const a = appendTo(file, acro, 'Fields', fieldRef, updates);
    a.set('SigFlags', 3);
    updates.push({ num: catalogAcro.num, value: a });
  } else {
    const a = appendTo(file, acro ?? new Map<string, PdfValue>(), 'Fields', fieldRef, updates);
    a.set('SigFlags', 3);
    const acroNum = next;
    updates.push({ num: acroNum, value: a });
    const c: PdfDict = new Map(catalog.dict);
    c.set('AcroForm', new PdfRef(acroNum, 0));
    updates.push({ num: catalog.ref.num, value: c });
  }

  const reserve = o.reserve ?? DEFAULT_RESERVE;
  const extra: Array<[string, PdfValue]> = [['Name', textString(o.name)]];
  if (o.reason !== undefined) extra.push(['Reason', textString(o.reason)]);
  if (o.location !== undefined) extra.push(['Location', textString(o.location)]);
  const sigDict =
    `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached` +
    ` /ByteRange ${BYTE_RANGE_PLACEHOLDER} /Contents <${'0'.repeat(2 * reserve)}>` +
    ` /M (${pdfDate(time)})` +
    extra.map(([k, v]) => ` /${k} ${serialize(v)}`).join('') +
    `>>`;
  updates.push({ num: sigNum, raw: sigDict });

  const update = appendRevision(file, dedupe(updates));
  const bytes = update.bytes;
  const sigAt = update.offsets.get(sigNum)!;
  const text = latin1(bytes.subarray(sigAt, sigAt + sigDict.length + 64));
  const brAt = sigAt + text.indexOf('/ByteRange ') + '/ByteRange '.length;
  const lt = sigAt + text.indexOf('/Contents <') + '/Contents '.length;
  const gt = lt + 2 * reserve + 2;
  const range = [0, lt, gt, bytes.length - gt];
  const br = `[0 ${range[1]} ${range[2]} ${range[3]}`;
  bytes.set(ascii(br + ' '.repeat(BYTE_RANGE_WIDTH - br.length - 1) + ']'), brAt);

  const h = createHash('sha256');
  h.update(bytes.subarray(0, lt));
  h.update(bytes.subarray(gt));
  const cms = await signCades({
    signer: o.signer,
    contentDigest: new Uint8Array(h.digest()),
    profile: 'pades',
    ...(o.tsa ? { tsa: o.tsa } : {}),
    ...(o.evidence ? { embed: o.evidence } : {}),
  });
  if (isLeft(cms)) return cms;
  const der = cms.right.der;
  if (der.length > reserve)
    return left(
      padesError(
        'signature-too-large',
        `the signature takes ${der.length} bytes and ${reserve} were reserved; sign again with a larger reserve`,
        `Chữ ký cần ${der.length} byte nhưng chỉ dành ${reserve} byte; hãy ký lại với vùng dành lớn hơn`,
        'ISO 32000-1 §12.8.1',
        ['reserve'],
        { needed: der.length, reserved: reserve },
      ),
    );
  bytes.set(ascii(Buffer.from(der).toString('hex').toUpperCase()), lt + 1);
  return right(bytes);
}

/** Keep the last update of each object (a page's annotations array and the page itself are both touched once). */
function dedupe(u: UpdateObject[]): UpdateObject[] {
  const m = new Map<number, UpdateObject>();
  for (const x of u) m.set(x.num, x);
  return [...m.values()];
}
