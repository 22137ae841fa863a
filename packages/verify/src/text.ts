/**
 * Text from a ledger made safe to show. Names, reasons, minutes and stream names are written by
 * whoever wrote the ledger and may be hostile: a carriage return repaints a line, ESC starts a
 * terminal command (colours, cursor moves, OSC 52 clipboard writes), a bidi override (U+202E)
 * reverses what follows on screen and in a page. Every report the verifier renders, and every
 * line `hoso verify`, `show` and `log` print, passes through {@link printable}.
 */

/**
 * Characters never shown as themselves: controls (Cc: C0, DEL, C1 — which holds the 8-bit CSI),
 * format characters (Cf: bidi embeddings, overrides and isolates, zero-width characters, the
 * byte-order mark, soft hyphen), line and paragraph separators (Zl, Zp), and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** The same, except the line feed that ends each line of a multi-line output. */
const UNSAFE_IN_LINES = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * `\uXXXX` for each UTF-16 unit of `c`: visible in a terminal, and in JSON text exactly the escape
 * JSON itself defines (RFC 8259 §7), so escaped JSON still parses to the very same value.
 */
function escapeOne(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * `s` with every control, format and separator character (line feeds too) written as a visible
 * `\uXXXX` escape (`\u001b`, `\u000d`, `\u202e`), so what a ledger holds is shown and never acted
 * on. Letters with their combining marks (Vietnamese) and every other printable character pass
 * unchanged; a string without an unsafe character is returned as it is.
 */
export function printable(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeOne) : s;
}

/**
 * {@link printable} for a whole output of lines: the same escapes, but the line feeds that end the
 * lines are kept. For JSON text (as `JSON.stringify` writes it) the result is still JSON with the
 * same value: outside strings it holds no other such character, and inside them `\uXXXX` is JSON's own escape.
 */
export function printableLines(text: string): string {
  UNSAFE_IN_LINES.lastIndex = 0;
  return UNSAFE_IN_LINES.test(text) ? text.replace(UNSAFE_IN_LINES, escapeOne) : text;
}
