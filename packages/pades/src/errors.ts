/**
 * The errors and verification problems of @hoso/pades: core's {@link HosoError} shape with a
 * Vietnamese message beside the English one (as @hoso/pki's, whose errors pass through unchanged:
 * a refused key, an unreachable TSA, a broken chain).
 */
import type { HosoError } from '@hoso/core';
import type { PkiError } from '@hoso/pki';

/** Every code this package produces; docs/printing.md lists what each means. */
export type PadesErrorCode =
  /** The file is not a PDF this package can read (no trailer, broken cross-reference table). */
  | 'pdf-unreadable'
  /** The file uses what this package does not read (a cross-reference stream). */
  | 'pdf-unsupported'
  /** The signature place is not on a page of the file, or has no area. */
  | 'signature-place'
  /** The CMS is larger than the room reserved for /Contents. */
  | 'signature-too-large'
  /** A signature dictionary lacks /ByteRange or /Contents, or they do not fit together. */
  | 'byte-range-invalid'
  /** The byte range leaves out bytes of the revision the signature belongs to. */
  | 'byte-range-incomplete'
  /** The CMS does not verify over the signed bytes, or its chain does not hold. */
  | 'signature-invalid'
  /** A later revision changed the document other than by adding signatures. */
  | 'modified-after-signing'
  /** The file carries no signature at all. */
  | 'no-signature'
  /** A học bạ số data file that is not of its format (or not canonical JSON). */
  | 'data-invalid'
  /** The data file and the PDF do not show the same content, or not the same checkpoint. */
  | 'data-mismatch';

export interface PadesError extends HosoError<PadesErrorCode> {
  readonly message_vi: string;
  readonly rule: string;
}

/** Anything signing or verifying can fail with. */
export type SignPdfError = PadesError | PkiError;

export function padesError(
  code: PadesErrorCode,
  message: string,
  message_vi: string,
  rule: string,
  path: ReadonlyArray<string | number> = [],
  details?: Record<string, unknown>,
): PadesError {
  return details === undefined
    ? { code, message, message_vi, rule, path }
    : { code, message, message_vi, rule, path, details };
}
