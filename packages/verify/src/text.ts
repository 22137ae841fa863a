/**
 * Text from a ledger made safe to show. Names, reasons, minutes and stream names are written by
 * whoever wrote the ledger and may be hostile: a carriage return repaints a line, ESC starts a
 * terminal command (colours, cursor moves, OSC 52 clipboard writes), a bidi override (U+202E)
 * reverses what follows on screen and in a page. Every report the verifier renders, and every
 * line `hoso` prints from a ledger, passes its text through {@link printable}.
 */

/**
 * Characters never shown as themselves: controls (Cc: C0, DEL, C1 — which holds the 8-bit CSI),
 * format characters (Cf: bidi embeddings, overrides and isolates, zero-width characters, the
 * byte-order mark, soft hyphen), line and paragraph separators (Zl, Zp), and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeOne(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * `s` with every control, format and separator character written as a visible escape (`\x1b`,
 * `\x0d`, `\u{202e}`), so that what a ledger holds is shown and never acted on. Letters with
 * their combining marks (Vietnamese) and every other printable character pass unchanged; a
 * string without an unsafe character is returned as it is.
 */
export function printable(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeOne) : s;
}

/** Whether `s` holds a character {@link printable} would escape. */
export function hasUnprintable(s: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s);
}
