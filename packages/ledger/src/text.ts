/**
 * One form of Vietnamese text (docs/events.md, "Text"). Vietnamese letters have two Unicode
 * spellings — precomposed ("ữ", NFC) and decomposed ("ư" + combining tilde, NFD, as Unikey's
 * "Unicode tổ hợp" and macOS type them) — which look alike but compare, sort and hash differently.
 * The ledger keeps NFC only: commands, not yet signed, are normalised before they are decided
 * ({@link normaliseText}); events that arrive signed cannot be changed, so the catalogue refuses
 * text that is not NFC ({@link textProblem}). Text also refuses what can rewrite a terminal or
 * reorder what a reader sees: C0 controls (LF only in multi-line fields), DEL, C1 controls and the
 * bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069).
 */

/** Why a text value is refused: not NFC, or a character that is not allowed in text. */
export type TextProblem =
  | { readonly kind: 'text-not-nfc' }
  | { readonly kind: 'control-character'; readonly char: number; readonly index: number };

// One regular expression each, tested without allocating: this runs on every text field written.
// Matching control characters is their whole point.
/* eslint-disable no-control-regex */
const FORBIDDEN_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const FORBIDDEN_MULTILINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const NOT_ASCII = /[^\u0000-\u007f]/;
/* eslint-enable no-control-regex */

/**
 * The first problem of `s` as ledger text, or null when it is clean. `multiline` allows LF (and
 * only LF) for fields that are multi-line by nature: minutes, reasons, comments.
 */
export function textProblem(s: string, multiline: boolean): TextProblem | null {
  const bad = (multiline ? FORBIDDEN_MULTILINE : FORBIDDEN_LINE).exec(s);
  if (bad !== null) return { kind: 'control-character', char: s.charCodeAt(bad.index), index: bad.index };
  // ASCII is NFC: only text with other letters needs the normalisation test.
  if (NOT_ASCII.test(s) && s.normalize('NFC') !== s) return { kind: 'text-not-nfc' };
  return null;
}

/** `U+000D` for 13. */
export function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The plain-words reason for a {@link TextProblem}. */
export function describeTextProblem(p: TextProblem): string {
  if (p.kind === 'text-not-nfc')
    return 'text must be in Unicode NFC (precomposed letters, e.g. "ữ" as one character, not "ư" + a combining tilde)';
  const c = p.char;
  const what =
    c >= 0x202a && c <= 0x202e
      ? 'a bidirectional embedding or override'
      : c >= 0x2066 && c <= 0x2069
        ? 'a bidirectional isolate'
        : c === 0x0a
          ? 'a line break (this field is one line)'
          : 'a control character';
  return `${what} (${codePoint(c)}) at character ${p.index + 1} is not allowed in text`;
}

/** Deepest nesting normalised (a command's payload is a few levels deep; the codecs refuse deeper). */
const MAX_DEPTH = 32;

/**
 * `u` with every string NFC-normalised (object keys are field names and stay as they are). The
 * same value is returned when nothing changes, so a command already in NFC costs no copy.
 */
export function normaliseText(u: unknown, depth = 0): unknown {
  if (typeof u === 'string') return NOT_ASCII.test(u) ? u.normalize('NFC') : u;
  if (typeof u !== 'object' || u === null || depth >= MAX_DEPTH) return u;
  if (Array.isArray(u)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < u.length; i++) {
      const x: unknown = u[i];
      const y = normaliseText(x, depth + 1);
      if (y !== x) (out ??= u.slice())[i] = y;
    }
    return out ?? u;
  }
  // Only plain data: anything else is left for the codec to refuse.
  const proto: unknown = Object.getPrototypeOf(u);
  if (proto !== Object.prototype && proto !== null) return u;
  let out: Record<string, unknown> | null = null;
  const o = u as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const x = o[k];
    const y = normaliseText(x, depth + 1);
    if (y !== x) (out ??= { ...o })[k] = y;
  }
  return out ?? u;
}
