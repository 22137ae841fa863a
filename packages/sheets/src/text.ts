/**
 * One form of Vietnamese text, and comparisons that ignore what a clerk cannot see. Every text
 * read from a file is NFC-normalised as it is read (Unicode UAX #15): Unikey's "Unicode tổ hợp",
 * macOS file names and Windows-1258's combining tone marks all arrive decomposed, and the ledger
 * signs one form only. Headers and coded values (Nam/Nữ, Đ/CĐ, HK1) are then compared folded:
 * case, accents and spacing ignored, where the rule allows it.
 */

/** NFC, the one form the ledger signs. */
export const nfc = (s: string): string => s.normalize('NFC');

/** Without diacritics, đ/Đ as d/D, case and length kept per character (`Lớp 10A1` → `Lop 10A1`). */
export function stripMarks(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === 'đ') out += 'd';
    else if (ch === 'Đ') out += 'D';
    else out += ch.normalize('NFD')[0] ?? ch;
  }
  return out;
}

/**
 * The key two labels or coded values are compared by: no diacritics, lower case, and nothing but
 * letters and digits (`"Họ và tên"`, `"HO VA TEN"`, `"ho_va_ten"` → `"hovaten"`).
 */
export function fold(s: string): string {
  return stripMarks(nfc(s))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The same text with white space runs as one space and no space at either end. */
export const squeeze = (s: string): string => s.replace(/\s+/gu, ' ').trim();

/**
 * Letters of Vietnamese (the 12 vowels with the 5 tones, đ) in NFC, both cases. Used to tell text
 * that is Vietnamese from text that only looks like it once decoded another way (mojibake.ts).
 */
const VOWELS = 'aăâeêioôơuưy';
const TONES = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
export const VIETNAMESE_LETTERS: ReadonlySet<string> = (() => {
  const set = new Set<string>(['đ', 'Đ']);
  for (const v of VOWELS)
    for (const t of TONES) {
      const lower = (v + t).normalize('NFC');
      set.add(lower);
      set.add(lower.toUpperCase());
    }
  return set;
})();

/** A letter of Vietnamese that ASCII lacks (`ễ`, `Đ`, `ư`). */
export const isVietnameseLetter = (ch: string): boolean => VIETNAMESE_LETTERS.has(ch) && ch > '\u007f';

/**
 * Characters text typed by a person never holds: C0 and C1 controls (tab, line feeds and carriage
 * returns excepted — a cell may hold several lines), the replacement character U+FFFD (the mark an
 * earlier conversion left where it could not read a byte), and unpaired surrogates.
 */
export function badCharacter(s: string): { readonly char: string; readonly offset: number } | null {
  // Written as a Unicode property: a class of control characters trips ESLint's no-control-regex.
  const m = /(?![\t\n\r])\p{Cc}|\ufffd|\p{Cs}/u.exec(s);
  return m === null ? null : { char: m[0], offset: m.index };
}

/** A character as `U+XXXX` for messages. */
export const codePoint = (ch: string): string =>
  `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
