/**
 * Verify every signature of a PDF (ISO 32000-1 §12.8.1, ETSI EN 319 142-1 §5): what each byte
 * range covers — all of its revision but the /Contents hex string — whether later revisions only
 * added signatures, and the CAdES verdict of @hoso/pki over the signed bytes (digest, signature,
 * signing certificate, timestamp, the chain at the timestamp's time).
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { verifyCades, type CadesVerdict, type Certificate, type RevocationEvidence } from '@hoso/pki';
import { changesAfter, type OtherChange } from './changes.js';
import { padesError, type PadesError, type SignPdfError } from './errors.js';
import { PdfStructureError, type PdfFile } from './file.js';
import { openPdf, structureError } from './sign.js';
import { PdfName, PdfRef, PdfString, readText, type PdfDict, type PdfValue } from './syntax.js';
import { parsePdfDate } from './time.js';

export interface VerifyPdfOptions {
  /** The trust list for the signers' chains. */
  readonly roots: readonly Certificate[];
  /** The trust list for TSAs; `roots` unless told. */
  readonly tsaRoots?: readonly Certificate[];
  readonly intermediates?: readonly Certificate[];
  /** CRLs and OCSP responses kept beside the file (merged with those inside each CMS). */
  readonly evidence?: RevocationEvidence;
  /** `require` (default): each certificate below a root needs covering evidence. */
  readonly revocation?: 'require' | 'ignore';
  /** Validate at this time when a signature has no timestamp; now unless told. */
  readonly time?: Date;
  /** Refuse signatures without a signature-time-stamp (B-T). */
  readonly requireTimestamp?: boolean;
}

/** One signature's verdict. */
export interface PdfSignatureVerdict {
  /** 0-based, in the order of the form's fields. */
  readonly index: number;
  /** The field's name (/T). */
  readonly field: string;
  readonly ok: boolean;
  /** Every problem found, each under `['signatures', index, …]`. */
  readonly problems: readonly SignPdfError[];
  readonly signer?: Certificate;
  /** /Name, /Reason, /Location as the signer wrote them. */
  readonly name?: string;
  readonly reason?: string;
  readonly location?: string;
  /** The signer's claim (/M); not proof. */
  readonly claimedTime?: Date;
  /** The RFC 3161 timestamp's time (B-T), when it verified. */
  readonly timestampTime?: Date;
  readonly level: 'B-B' | 'B-T';
  readonly subFilter?: string;
  readonly byteRange: readonly number[];
  /** The revision (1-based) the signature was added in. */
  readonly revision: number;
  /** The byte range is all of that revision but the /Contents string. */
  readonly coversRevision: boolean;
  /** The byte range reaches the end of the file (nothing was added after it). */
  readonly coversWholeFile: boolean;
  /**
   * `none`: no later revision; `signatures-only`: later revisions only added signatures; `other`:
   * they changed more.
   */
  readonly laterChanges: 'none' | 'signatures-only' | 'other';
  readonly otherChanges: readonly OtherChange[];
  /** Where the widget is: page (1-based) and /Rect; no page for an invisible signature. */
  readonly page?: number;
  readonly rect?: readonly number[];
  readonly cades?: CadesVerdict;
}

export interface PdfVerdict {
  /** At least one signature, and every signature ok. */
  readonly ok: boolean;
  readonly revisions: number;
  readonly signatures: readonly PdfSignatureVerdict[];
  /** Every problem of every signature, and `no-signature` for a file without any. */
  readonly problems: readonly SignPdfError[];
}

interface SigField {
  readonly field: PdfDict;
  readonly name: string;
  readonly v: PdfRef;
}

/** The signature fields of the form, depth first (§12.7.3.1: /Kids, inherited /FT). */
function signatureFields(file: PdfFile): SigField[] {
  const out: SigField[] = [];
  const seen = new Set<number>();
  const walk = (ref: PdfValue, inheritedFt: string | undefined, prefix: string): void => {
    if (ref instanceof PdfRef) {
      if (seen.has(ref.num)) return;
      seen.add(ref.num);
    }
    const d = file.dictOf(ref);
    if (!d) return;
    const ftv = d.get('FT');
    const ft = ftv instanceof PdfName ? ftv.name : inheritedFt;
    const t = d.get('T');
    const name = t instanceof PdfString ? (prefix ? `${prefix}.` : '') + readText(t) : prefix;
    const kids = file.resolve(d.get('Kids'));
    if (Array.isArray(kids) && kids.length) kids.forEach((k) => walk(k, ft, name));
    const v = d.get('V');
    if (ft === 'Sig' && v instanceof PdfRef) out.push({ field: d, name, v });
  };
  const fields = file.resolve(file.dictOf(file.catalog().dict.get('AcroForm'))?.get('Fields'));
  if (Array.isArray(fields)) fields.forEach((f) => walk(f, undefined, ''));
  return out;
}

/** The DER of a CMS inside a zero-padded /Contents (its outer TLV's length). */
function derPrefix(b: Uint8Array): Uint8Array {
  if (b[0] !== 0x30 || b.length < 2) return b;
  const l = b[1]!;
  if (l < 0x80) return b.subarray(0, 2 + l);
  const n = l & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return b;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return b.subarray(0, Math.min(b.length, 2 + n + len));
}

const str = (v: PdfValue | undefined): string | undefined => (v instanceof PdfString ? readText(v) : undefined);

async function verifyOne(
  file: PdfFile,
  f: SigField,
  index: number,
  pageOf: (ref: PdfValue | undefined) => number | undefined,
  o: VerifyPdfOptions,
): Promise<PdfSignatureVerdict> {
  const path = ['signatures', index];
  const problems: SignPdfError[] = [];
  const bytes = file.bytes;
  const sig = file.dictOf(f.v);
  const at = file.locate(f.v.num);
  const revision = at?.revision ?? file.revisions.length;
  const rev = file.revisions[revision - 1]!;
  const brv = sig?.get('ByteRange');
  const br = Array.isArray(brv) && brv.every((x) => typeof x === 'number') ? brv : [];
  const contents = sig?.get('Contents');
  const sf = sig?.get('SubFilter');
  const m = str(sig?.get('M'));
  const claimedTime = m ? parsePdfDate(m) : undefined;
  const rect = f.field.get('Rect');
  const page = pageOf(f.field.get('P'));
  const base = {
    index,
    field: f.name,
    ...(str(sig?.get('Name')) !== undefined ? { name: str(sig?.get('Name'))! } : {}),
    ...(str(sig?.get('Reason')) !== undefined ? { reason: str(sig?.get('Reason'))! } : {}),
    ...(str(sig?.get('Location')) !== undefined ? { location: str(sig?.get('Location'))! } : {}),
    ...(claimedTime ? { claimedTime } : {}),
    ...(sf instanceof PdfName ? { subFilter: sf.name } : {}),
    byteRange: br,
    revision,
    ...(page !== undefined ? { page } : {}),
    ...(Array.isArray(rect) ? { rect: rect.filter((x): x is number => typeof x === 'number') } : {}),
  };
  const [a0, l0, a1, l1] = br;
  const shapeOk =
    br.length === 4 &&
    a0 === 0 &&
    l0 !== undefined &&
    a1 !== undefined &&
    l1 !== undefined &&
    br.every((x) => Number.isInteger(x) && x >= 0) &&
    l0 < a1 &&
    a1 + l1 <= bytes.length &&
    bytes[l0] === 0x3c &&
    bytes[a1 - 1] === 0x3e &&
    contents instanceof PdfString &&
    Buffer.from(bytes.subarray(l0 + 1, a1 - 1))
      .toString('latin1')
      .toLowerCase() === Buffer.from(contents.bytes).toString('hex');
  if (!shapeOk || !(contents instanceof PdfString)) {
    problems.push(
      padesError(
        'byte-range-invalid',
        `signature "${f.name}": its /ByteRange does not leave out exactly its /Contents`,
        `Chữ ký "${f.name}": /ByteRange không chừa ra đúng vùng /Contents của chữ ký`,
        'ISO 32000-1 §12.8.1',
        [...path, 'byteRange'],
        { field: f.name, byteRange: br },
      ),
    );
    return {
      ...base,
      ok: false,
      problems,
      level: 'B-B',
      coversRevision: false,
      coversWholeFile: false,
      laterChanges: 'other',
      otherChanges: [],
    };
  }
  const end = a1 + l1;
  const coversRevision = end === rev.end || end === rev.eofEnd;
  const coversWholeFile = end === bytes.length;
  if (!coversRevision)
    problems.push(
      padesError(
        'byte-range-incomplete',
        `signature "${f.name}" covers bytes up to ${end}, and its revision ends at ${rev.end}`,
        `Chữ ký "${f.name}" chỉ phủ đến byte ${end}, còn phiên bản của nó kết thúc ở byte ${rev.end}`,
        'ETSI EN 319 142-1 §5.1',
        [...path, 'byteRange'],
        { field: f.name, end, revisionEnd: rev.end },
      ),
    );
  if (!(sf instanceof PdfName) || (sf.name !== 'ETSI.CAdES.detached' && sf.name !== 'adbe.pkcs7.detached'))
    problems.push(
      padesError(
        'signature-invalid',
        `signature "${f.name}" has /SubFilter ${sf instanceof PdfName ? sf.name : 'missing'}, not ETSI.CAdES.detached`,
        `Chữ ký "${f.name}" có /SubFilter ${sf instanceof PdfName ? sf.name : '(không có)'}, không phải ETSI.CAdES.detached`,
        'ETSI EN 319 142-1 §5.1',
        [...path, 'subFilter'],
        { field: f.name },
      ),
    );
  const signed = new Uint8Array(l0 + l1);
  signed.set(bytes.subarray(0, l0), 0);
  signed.set(bytes.subarray(a1, end), l0);
  const cades = await verifyCades(derPrefix(contents.bytes), {
    content: signed,
    trustAnchors: o.roots,
    ...(o.tsaRoots ? { tsaTrustAnchors: o.tsaRoots } : {}),
    ...(o.intermediates ? { intermediates: o.intermediates } : {}),
    ...(o.evidence ? { evidence: o.evidence } : {}),
    ...(o.revocation ? { revocation: o.revocation } : {}),
    ...(o.time ? { time: o.time } : {}),
    ...(o.requireTimestamp ? { requireTimestamp: true } : {}),
    profile: sf instanceof PdfName && sf.name === 'ETSI.CAdES.detached' ? 'pades' : 'cades',
  });
  if (!cades.ok)
    problems.push(
      padesError(
        'signature-invalid',
        `signature "${f.name}" does not verify: ${cades.problems.map((p) => p.code).join(', ')}`,
        `Chữ ký "${f.name}" không hợp lệ: ${cades.problems.map((p) => p.message_vi).join('; ')}`,
        'ETSI EN 319 142-1 §5',
        [...path, 'cms'],
        { field: f.name, problems: cades.problems },
      ),
    );
  const other = changesAfter(file, revision);
  if (other.length)
    problems.push(
      padesError(
        'modified-after-signing',
        `after signature "${f.name}" the file was changed other than by adding signatures (objects ${[...new Set(other.map((c) => c.object))].join(', ')})`,
        `Sau chữ ký "${f.name}", tệp đã bị sửa đổi ngoài việc thêm chữ ký (đối tượng ${[...new Set(other.map((c) => c.object))].join(', ')})`,
        'ISO 32000-1 §12.8.2.2.2',
        [...path, 'laterChanges'],
        { field: f.name, changes: other },
      ),
    );
  const genTime = cades.timestamp?.ok ? cades.timestamp.info?.genTime : undefined;
  return {
    ...base,
    ok: problems.length === 0,
    problems,
    ...(cades.signer ? { signer: cades.signer } : {}),
    ...(genTime ? { timestampTime: genTime } : {}),
    level: cades.level,
    coversRevision,
    coversWholeFile,
    laterChanges: revision === file.revisions.length ? 'none' : other.length ? 'other' : 'signatures-only',
    otherChanges: other,
    cades,
  };
}

/**
 * Verify every signature of `pdf`. Fails (Left) only when the file cannot be read; a bad
 * signature is a verdict with its problems, naming the signature.
 */
export async function verifyPdf(pdf: Uint8Array, o: VerifyPdfOptions): Promise<Either<SignPdfError, PdfVerdict>> {
  const opened = openPdf(pdf);
  if (isLeft(opened)) return opened;
  const file = opened.right;
  try {
    const pages = file.pages();
    const pageOf = (ref: PdfValue | undefined): number | undefined => {
      if (!(ref instanceof PdfRef)) return undefined;
      const i = pages.findIndex((p) => p.num === ref.num);
      return i < 0 ? undefined : i + 1;
    };
    const signatures: PdfSignatureVerdict[] = [];
    for (const [i, f] of signatureFields(file).entries()) signatures.push(await verifyOne(file, f, i, pageOf, o));
    const problems: (SignPdfError | PadesError)[] = signatures.flatMap((s) => s.problems);
    if (signatures.length === 0)
      problems.push(
        padesError('no-signature', 'the file carries no signature', 'Tệp không có chữ ký số nào', 'ISO 32000-1 §12.8'),
      );
    return right({ ok: problems.length === 0, revisions: file.revisions.length, signatures, problems });
  } catch (e) {
    if (e instanceof PdfStructureError) return left(structureError(e));
    throw e;
  }
}
