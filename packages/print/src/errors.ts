import type { HosoError } from '@hoso/core';

/** Stable codes of the errors `@hoso/print` returns. */
export type PrintErrorCode =
  | 'print-invalid-document'
  | 'print-invalid-verification'
  | 'print-invalid-text'
  | 'print-table-shape'
  | 'print-missing-glyph'
  | 'print-invalid-input'
  | 'proof-ref-invalid'
  | 'print-write-failed';

/** An error of this package (a {@link HosoError} with a {@link PrintErrorCode}). */
export type PrintError = HosoError<PrintErrorCode>;

/** Build a {@link PrintError}; optional fields are omitted when absent so errors compare structurally. */
export function printError(
  code: PrintErrorCode,
  message: string,
  path: ReadonlyArray<string | number>,
  rule: string,
  details?: Record<string, unknown>,
): PrintError {
  return details === undefined ? { code, message, path, rule } : { code, message, path, rule, details };
}

/** An exception carrying a {@link PrintError}, for the async renderers (a rejected promise). */
export class PrintFailure extends Error {
  readonly error: PrintError;
  constructor(error: PrintError) {
    super(`${error.code}: ${error.message}`);
    // Same name as core's HosoFailure so `isHosoFailure` recognises it.
    this.name = 'HosoFailure';
    this.error = error;
  }
  get code(): PrintErrorCode {
    return this.error.code;
  }
}
