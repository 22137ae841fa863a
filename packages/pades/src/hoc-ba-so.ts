/**
 * The học bạ số package (*học bạ số*): the signed PDF, a data file of the same content in a
 * schema of ours (the Ministry's is not public), its detached CAdES signature over the data's
 * canonical JSON (RFC 8785), and — kept by the caller — the offline proof tying both to the
 * school's checkpoint. Format `hoso-hoc-ba-so` version 1 (docs/printing.md "Học bạ số").
 *
 * "The data equals what the PDF shows" is checked exactly: the data carries the printed document
 * itself and how it was rendered, and rendering is deterministic, so the PDF's first revision
 * (before any signature) must be byte for byte the rendering of the data.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { canonicalize } from '@hoso/core';
import { signCades, verifyCades, type CadesVerdict, type TimestampAuthority, type X509Signer } from '@hoso/pki';
import { renderPdf, type PrintDocument } from '@hoso/print';
import { createHash } from 'node:crypto';
import { padesError, type PadesError, type SignPdfError } from './errors.js';
import { openPdf } from './sign.js';
import { verifyPdf, type PdfVerdict, type VerifyPdfOptions } from './verify.js';

export const HOC_BA_SO_FORMAT = 'hoso-hoc-ba-so';
export const HOC_BA_SO_VERSION = 1;

/**
 * The data file. `document` is every text the pages show, as the renderer takes it; `mappings`
 * is reserved for mappings to other schemas (the national education database's fields, once
 * published): per target, each of its fields → an RFC 6901 JSON Pointer into this file.
 */
export interface HocBaSoData {
  readonly format: typeof HOC_BA_SO_FORMAT;
  readonly version: typeof HOC_BA_SO_VERSION;
  readonly student: { readonly id: string };
  /** The book printed, e.g. `student/hs-0003`. */
  readonly book: string;
  /** The checkpoint the pages were printed against (origin, size, root hex). */
  readonly checkpoint: { readonly origin: string; readonly size: number; readonly root: string };
  readonly rendering: { readonly renderer: '@hoso/print'; readonly creationDate: string; readonly pdfa: boolean };
  /** SHA-256 (hex) of the PDF as rendered, before any signature. */
  readonly pdfSha256: string;
  readonly document: PrintDocument;
  readonly mappings: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The data file of a document rendered at `creationDate` (the same options give the same PDF). */
export function hocBaSoData(
  document: PrintDocument,
  o: { readonly studentId: string; readonly creationDate: Date; readonly pdfa: boolean; readonly pdf: Uint8Array },
): HocBaSoData {
  const v = document.verification;
  return {
    format: HOC_BA_SO_FORMAT,
    version: HOC_BA_SO_VERSION,
    student: { id: o.studentId },
    book: v.book ?? `student/${o.studentId}`,
    checkpoint: { origin: v.origin, size: v.size, root: v.root },
    rendering: { renderer: '@hoso/print', creationDate: o.creationDate.toISOString(), pdfa: o.pdfa },
    pdfSha256: sha256(o.pdf),
    // Through JSON, so the data is exactly what its file will hold (no undefined members).
    document: JSON.parse(JSON.stringify(document)) as PrintDocument,
    mappings: {},
  };
}

/** The data file's text (its RFC 8785 canonical JSON) and a detached CAdES signature over it. */
export async function signHocBaSoData(
  data: HocBaSoData,
  o: { readonly signer: X509Signer; readonly tsa?: TimestampAuthority },
): Promise<Either<SignPdfError, { readonly json: string; readonly p7s: Uint8Array }>> {
  const json = canonicalize(data);
  const sig = await signCades({
    signer: o.signer,
    content: new TextEncoder().encode(json),
    ...(o.tsa ? { tsa: o.tsa } : {}),
  });
  if (isLeft(sig)) return sig;
  return right({ json, p7s: sig.right.der });
}

/** What {@link verifyHocBaSo} found. */
export interface HocBaSoVerdict {
  readonly ok: boolean;
  readonly problems: readonly SignPdfError[];
  readonly pdf: PdfVerdict;
  readonly data?: HocBaSoData;
  readonly dataSignature: CadesVerdict;
  /** The PDF's first revision is the rendering of the data. */
  readonly dataMatchesPdf: boolean;
}

const problem = (code: 'data-invalid' | 'data-mismatch', message: string, message_vi: string, path: string[]) =>
  padesError(code, message, message_vi, `${HOC_BA_SO_FORMAT} v${HOC_BA_SO_VERSION} (docs/printing.md)`, path);

/** Read a data file: canonical JSON of format `hoso-hoc-ba-so` v1. */
export function parseHocBaSoData(json: string): Either<PadesError, HocBaSoData> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return left(problem('data-invalid', 'the data file is not JSON', 'Tệp dữ liệu không phải JSON', ['data']));
  }
  const d = v as Partial<HocBaSoData> | null;
  if (typeof d !== 'object' || d === null || d.format !== HOC_BA_SO_FORMAT || d.version !== HOC_BA_SO_VERSION)
    return left(
      problem(
        'data-invalid',
        `the data file is not ${HOC_BA_SO_FORMAT} version ${HOC_BA_SO_VERSION}`,
        `Tệp dữ liệu không theo định dạng ${HOC_BA_SO_FORMAT} phiên bản ${HOC_BA_SO_VERSION}`,
        ['data', 'format'],
      ),
    );
  if (
    typeof d.document !== 'object' ||
    typeof d.rendering?.creationDate !== 'string' ||
    typeof d.rendering.pdfa !== 'boolean' ||
    typeof d.pdfSha256 !== 'string'
  )
    return left(
      problem(
        'data-invalid',
        'the data file lacks document, rendering or pdfSha256',
        'Tệp dữ liệu thiếu document, rendering hoặc pdfSha256',
        ['data'],
      ),
    );
  if (canonicalize(v) !== json)
    return left(
      problem(
        'data-invalid',
        'the data file is not in canonical JSON (RFC 8785), so its signature cannot be over exactly it',
        'Tệp dữ liệu không ở dạng JSON chuẩn tắc (RFC 8785)',
        ['data'],
      ),
    );
  return right(d as HocBaSoData);
}

/**
 * Verify a học bạ số package: the PDF's signatures, the data file's signature, and that the PDF
 * shows the data (its first revision is the data's rendering). The proof against the school's
 * checkpoint is checked by the caller (`hoso verify-document`), which holds the ledger's keys.
 */
export async function verifyHocBaSo(
  files: { readonly pdf: Uint8Array; readonly json: string; readonly p7s: Uint8Array },
  o: VerifyPdfOptions,
): Promise<Either<SignPdfError, HocBaSoVerdict>> {
  const pdf = await verifyPdf(files.pdf, o);
  if (isLeft(pdf)) return pdf;
  const problems: SignPdfError[] = [...pdf.right.problems];
  const dataSignature = await verifyCades(files.p7s, {
    content: new TextEncoder().encode(files.json),
    trustAnchors: o.roots,
    ...(o.tsaRoots ? { tsaTrustAnchors: o.tsaRoots } : {}),
    ...(o.intermediates ? { intermediates: o.intermediates } : {}),
    ...(o.evidence ? { evidence: o.evidence } : {}),
    ...(o.revocation ? { revocation: o.revocation } : {}),
    ...(o.time ? { time: o.time } : {}),
  });
  if (!dataSignature.ok)
    problems.push(
      padesError(
        'signature-invalid',
        `the data file's signature does not verify: ${dataSignature.problems.map((p) => p.code).join(', ')}`,
        `Chữ ký của tệp dữ liệu không hợp lệ: ${dataSignature.problems.map((p) => p.message_vi).join('; ')}`,
        'ETSI EN 319 122-1 §5',
        ['data', 'signature'],
        { problems: dataSignature.problems },
      ),
    );
  const parsed = parseHocBaSoData(files.json);
  if (isLeft(parsed)) {
    problems.push(parsed.left);
    return right({ ok: false, problems, pdf: pdf.right, dataSignature, dataMatchesPdf: false });
  }
  const data = parsed.right;
  const file = openPdf(files.pdf);
  if (isLeft(file)) return file;
  const first = files.pdf.subarray(0, file.right.revisions[0]!.end);
  let rendered: Uint8Array | undefined;
  try {
    rendered = await renderPdf(data.document, {
      creationDate: new Date(data.rendering.creationDate),
      pdfa: data.rendering.pdfa,
    });
  } catch {
    rendered = undefined;
  }
  const dataMatchesPdf =
    rendered !== undefined && Buffer.from(rendered).equals(Buffer.from(first)) && sha256(first) === data.pdfSha256;
  if (!dataMatchesPdf)
    problems.push(
      problem(
        'data-mismatch',
        rendered === undefined
          ? 'the data file’s document cannot be rendered'
          : 'the PDF does not show the data file’s content: its first revision is not the rendering of the data',
        'PDF không thể hiện đúng nội dung tệp dữ liệu',
        ['data', 'document'],
      ),
    );
  const v = data.document.verification;
  if (v.origin !== data.checkpoint.origin || v.size !== data.checkpoint.size || v.root !== data.checkpoint.root)
    problems.push(
      problem(
        'data-mismatch',
        'the data file’s checkpoint is not the one its document was printed against',
        'Điểm kiểm chứng trong tệp dữ liệu khác với điểm kiểm chứng in trên tài liệu',
        ['data', 'checkpoint'],
      ),
    );
  return right({ ok: problems.length === 0, problems, pdf: pdf.right, data, dataSignature, dataMatchesPdf });
}
