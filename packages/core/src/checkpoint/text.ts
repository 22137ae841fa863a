import { hosoError, HosoFailure, type HosoError } from '../errors.js';

/** Shared text rules of C2SP signed notes (https://c2sp.org/signed-note). */

/** The rule cited by note errors. */
export const SIGNED_NOTE_RULE = 'C2SP signed-note';

/** Largest note hoso reads; notes are a few hundred bytes, this only bounds hostile input. */
export const MAX_NOTE_LENGTH = 1 << 20;

/** Most signature lines read from one note (the spec requires accepting at least 16). */
export const MAX_NOTE_SIGNATURES = 100;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000B-\u001F]/;
/** Unicode spaces as Go's unicode.IsSpace sees them (JS `\s` lacks U+0085). */
const UNICODE_SPACE = /[\s\u0085]/u;

/** Why `text` is not valid note text (UTF-8 with no control characters but newline), or undefined. */
export function noteTextProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return 'is not valid UTF-8 (lone surrogate)';
  if (CONTROL_BUT_NEWLINE.test(text)) return 'contains a control character other than newline';
  return undefined;
}

/** C2SP key names: non-empty, no Unicode space, no `+`, valid note text. */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !UNICODE_SPACE.test(name) &&
    !name.includes('+') &&
    noteTextProblem(name) === undefined
  );
}

/** A HosoFailure `invalid-argument` for the throwing (string-returning) signers. */
export function invalidArgument(
  path: ReadonlyArray<string | number>,
  message: string,
  rule = SIGNED_NOTE_RULE,
): HosoFailure {
  return new HosoFailure(hosoError('invalid-argument', `${path.join('.')}: ${message}`, { path, rule }));
}

/** Shorthand for a note-format error value. */
export function noteError<C extends string>(
  code: C,
  message: string,
  extra: { path?: ReadonlyArray<string | number>; rule?: string; details?: Record<string, unknown> } = {},
): HosoError<C> {
  return hosoError(code, message, { rule: SIGNED_NOTE_RULE, ...extra });
}

/**
 * Split a signed note at its last blank line: the body (with its final newline) and the text of
 * the signature lines. Undefined when there is no blank line.
 */
export function splitNote(text: string): { body: string; signatures: string } | undefined {
  const i = text.lastIndexOf('\n\n');
  if (i < 0) return undefined;
  return { body: text.slice(0, i + 1), signatures: text.slice(i + 2) };
}

/** A decimal with no leading zeros, within 2^53 − 1; undefined otherwise. */
export function parseDecimal(s: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
