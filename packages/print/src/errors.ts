/**
 * The errors of `@hoso/print`: core's one error shape ({@link HosoError}) with this package's codes,
 * `path` and `rule` always present, and `details` typed per code.
 */
import { HosoFailure, type HosoError } from '@hoso/core';
import type { FontRole } from './fonts.js';

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

/** Where in the input a problem is: keys and indexes from the root; `[]` for the input as a whole. */
export type PrintErrorPath = ReadonlyArray<string | number>;

/**
 * The machine-readable extras of each code (`undefined`: the code carries none). Type aliases, not
 * interfaces, so that they stay assignable to core's `Readonly<Record<string, unknown>>`.
 */
export type PrintErrorDetails = {
  readonly 'print-invalid-document': undefined;
  readonly 'print-invalid-verification': undefined;
  readonly 'print-invalid-text': undefined;
  /** A row not as wide as the header: the header's leaf column count. */
  readonly 'print-table-shape': { readonly expected: number; readonly actual: number } | undefined;
  /** The code point that has no glyph and the font that lacks it. */
  readonly 'print-missing-glyph': { readonly codePoint: number; readonly font: FontRole };
  /** A correction whose last new value is not the value in force. */
  readonly 'print-invalid-input': { readonly value: string; readonly lastNew: string } | undefined;
  readonly 'proof-ref-invalid': undefined;
  /** The folder that could not be written. */
  readonly 'print-write-failed': { readonly dir: string };
};

/** The error of one code: `path` and `rule` required, `details` as {@link PrintErrorDetails} says. */
export type PrintErrorOf<C extends PrintErrorCode> = Omit<HosoError<C>, 'path' | 'rule' | 'details'> & {
  readonly path: PrintErrorPath;
  readonly rule: string;
} & (undefined extends PrintErrorDetails[C]
    ? { readonly details?: Exclude<PrintErrorDetails[C], undefined> }
    : { readonly details: PrintErrorDetails[C] });

/** An error of this package: a {@link HosoError} with a {@link PrintErrorCode}, discriminated by `code`. */
export type PrintError = { [C in PrintErrorCode]: PrintErrorOf<C> }[PrintErrorCode];

/**
 * Build a {@link PrintError}. `details` is omitted when absent, so errors compare structurally;
 * codes whose details are required take them.
 */
export function printError<C extends PrintErrorCode>(
  code: C,
  message: string,
  path: PrintErrorPath,
  rule: string,
  ...details: undefined extends PrintErrorDetails[C]
    ? [details?: Exclude<PrintErrorDetails[C], undefined>]
    : [details: PrintErrorDetails[C]]
): PrintErrorOf<C> {
  const d = details[0];
  return (
    d === undefined ? { code, message, path, rule } : { code, message, path, rule, details: d }
  ) as PrintErrorOf<C>;
}

/**
 * An exception carrying a {@link PrintError}, for the renderers (a rejected promise, a throw from
 * `renderHtml`). It is core's `HosoFailure`, so `isHosoFailure` recognises it.
 */
export class PrintFailure extends HosoFailure<PrintError> {}
