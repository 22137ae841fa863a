/**
 * Text that decoded without error but is not what the clerk typed (*lỗi phông chữ*): UTF-8 bytes
 * read as Windows-1258 or Windows-1252 ("NguyÃªn"), Windows-1258 bytes read as Windows-1252
 * ("NguyêÞn"), and the legacy 8-bit font encodings Vietnamese offices used before Unicode — TCVN3
 * (ABC, the .VnTime fonts: "Hµ Néi") and VNI (the VNI-Times fonts: "Haø Noäi"). Such text is never
 * signed: {@link suspectMojibake} names the encoding it looks like and what the text would read as,
 * and the import refuses the field.
 *
 * The test for each candidate: the field must hold a character Vietnamese text never has where that
 * encoding puts one (a symbol of Latin-1, a C1 control, a letter of another alphabet), every one of
 * its characters must be a byte (or, for VNI, a base letter and its tone bytes) of that encoding,
 * and decoding those bytes the other way must give Vietnamese. Genuine Vietnamese in Unicode fails
 * the second test at its first letter outside Latin-1 (ễ, ư, ộ), so it is never suspected.
 */
import iconv from 'iconv-lite';
import { isVietnameseLetter, nfc } from './text.js';

/** An encoding text can be mistaken in, as the messages name it. */
export type SuspectedEncoding =
  'utf-8-read-as-windows-1258' | 'utf-8-read-as-windows-1252' | 'windows-1258-read-as-windows-1252' | 'tcvn3' | 'vni';

/** A suspicion: the encoding and what the text reads as once decoded that way. */
export interface Mojibake {
  readonly encoding: SuspectedEncoding;
  readonly likely: string;
}

/** Char → byte of a Windows code page, C1 controls passing through as Windows' "best fit" does. */
function reverseTable(codepage: string): ReadonlyMap<string, number> {
  const m = new Map<string, number>();
  for (let b = 0x80; b <= 0xff; b++) {
    const ch = iconv.decode(Buffer.from([b]), codepage);
    m.set(ch === '\ufffd' ? String.fromCharCode(b) : ch, b);
  }
  return m;
}
const CP1252 = reverseTable('windows1252');
const CP1258 = reverseTable('windows1258');

/** The bytes `s` was when read with `table`, or null when a character is not one of its bytes. */
function bytesOf(s: string, table: ReadonlyMap<string, number>): Buffer | null {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x80) out.push(c);
    else {
      const b = table.get(ch);
      if (b === undefined) return null;
      out.push(b);
    }
  }
  return Buffer.from(out);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A character beyond ASCII. */
const NON_ASCII = /[^\p{ASCII}]/u;

function utf8Of(bytes: Buffer | null): string | null {
  if (bytes === null) return null;
  try {
    return nfc(UTF8.decode(bytes));
  } catch {
    return null;
  }
}

/** Text a Vietnamese clerk could have typed: ASCII, Vietnamese letters, spaces and punctuation, one letter at least. */
function readsAsVietnamese(s: string): boolean {
  let letters = 0;
  for (const ch of s) {
    if (isVietnameseLetter(ch)) letters++;
    else if (!/^[\u0020-\u007e\u00a0\u2010-\u206f\s]$/u.test(ch)) return false;
  }
  return letters > 0;
}

/** Latin-1 range characters that are not Vietnamese letters (the traces a wrong code page leaves). */
const foreign = (ch: string): boolean => ch >= '\u0080' && !isVietnameseLetter(ch) && !/[\u2010-\u206f]/u.test(ch);

// VNI writes a toned vowel as the base letter followed by the byte of its marks (read as Latin-1).
const VNI_MARKS: Readonly<Record<string, string>> = (() => {
  const lower: Record<string, string> = {
    ù: '\u0301',
    ø: '\u0300',
    û: '\u0309',
    õ: '\u0303',
    ï: '\u0323',
    â: '\u0302',
    ê: '\u0306',
    á: '\u0302\u0301',
    à: '\u0302\u0300',
    å: '\u0302\u0309',
    ã: '\u0302\u0303',
    ä: '\u0302\u0323',
    é: '\u0306\u0301',
    è: '\u0306\u0300',
    ú: '\u0306\u0309',
    ü: '\u0306\u0303',
    ë: '\u0306\u0323',
  };
  return { ...lower, ...Object.fromEntries(Object.entries(lower).map(([k, v]) => [k.toUpperCase(), v])) };
})();
// …and a few letters as one byte of their own.
const VNI_LETTERS: Readonly<Record<string, string>> = {
  ô: 'ơ',
  ö: 'ư',
  Ô: 'Ơ',
  Ö: 'Ư',
  ñ: 'đ',
  Ñ: 'Đ',
  ì: 'ì',
  í: 'í',
  æ: 'ỉ',
  ó: 'ĩ',
  ò: 'ị',
  Ì: 'Ì',
  Í: 'Í',
  Æ: 'Ỉ',
  Ó: 'Ĩ',
  Ò: 'Ị',
};
/** VNI bytes that are no Vietnamese letter in Unicode: one of them is the evidence. */
const VNI_EVIDENCE = /[øäëïöüûåæñØÄËÏÖÜÛÅÆÑ]/u;

const TCVN3_LETTERS = 'ÐÞð×÷þ';

const TONE = /[\u0300\u0301\u0303\u0309\u0323]/u;

/** `s` read as VNI, or null when it is not VNI (a mark byte with no vowel before it, two tones on a vowel). */
export function decodeVni(s: string): string | null {
  const out: string[] = [];
  for (const ch of s) {
    const letter = VNI_LETTERS[ch];
    const marks = VNI_MARKS[ch];
    if (letter !== undefined) out.push(letter);
    else if (marks !== undefined) {
      const prev = out[out.length - 1];
      if (prev === undefined) return null;
      const base = prev.normalize('NFD');
      const bare = base[0]!.toLowerCase();
      if (!/[aeiouyơư]/u.test(prev.normalize('NFC').toLowerCase()[0] ?? '')) return null;
      if (marks.includes('\u0302') && !/[aeo]/.test(bare)) return null;
      if (marks.includes('\u0306') && bare !== 'a') return null;
      if (TONE.test(base) && TONE.test(marks)) return null;
      out[out.length - 1] = (base + marks).normalize('NFC');
    } else if (ch < '\u0080') out.push(ch);
    else return null;
  }
  return nfc(out.join(''));
}

/** `text` decoded back as `encoding` would have it (null when it cannot be that encoding). */
function decodeAs(encoding: SuspectedEncoding, text: string): string | null {
  switch (encoding) {
    case 'utf-8-read-as-windows-1258':
      return utf8Of(bytesOf(text, CP1258));
    case 'utf-8-read-as-windows-1252':
      return utf8Of(bytesOf(text, CP1252));
    case 'windows-1258-read-as-windows-1252': {
      const b = bytesOf(text, CP1252);
      return b === null ? null : nfc(iconv.decode(b, 'windows1258'));
    }
    case 'tcvn3': {
      const b = bytesOf(text, CP1252);
      return b === null ? null : nfc(iconv.decode(b, 'tcvn'));
    }
    case 'vni':
      return decodeVni(text);
  }
}

/**
 * The encoding `text` (NFC) looks mistaken in, or null. Checks, in order: UTF-8 read as
 * Windows-1258, as Windows-1252, Windows-1258 read as Windows-1252, TCVN3, VNI.
 *
 * `assumed`: an encoding other fields of the same file were already found in. A file is saved in
 * one encoding, so a field is then suspected on weaker evidence — any non-ASCII text that decodes
 * that way into different Vietnamese ("NguyÔn", whose Ô is a Vietnamese letter, in a TCVN3 file).
 */
export function suspectMojibake(text: string, assumed?: SuspectedEncoding): Mojibake | null {
  if (!NON_ASCII.test(text)) return null;
  if (assumed !== undefined) {
    const likely = decodeAs(assumed, text);
    if (likely !== null && likely !== text && readsAsVietnamese(likely)) return { encoding: assumed, likely };
  }
  const chars = [...text];
  // UTF-8 first (valid multi-byte sequences from Latin-1 pairs do not happen by chance); then
  // Windows-1258's tone bytes read as Windows-1252 (its combining marks must land on vowels to
  // read as Vietnamese, which TCVN3 text does not do); then TCVN3 and VNI.
  const foreignChars = chars.some(foreign);
  if (foreignChars) {
    const found = fromUtf8(text);
    if (found !== null) return found;
  }
  // Ì Ò Þ (and ì ò right after a vowel, Vietnamese letters themselves, so this test does not
  // wait for a foreign character).
  if (/[ÌÒÞÐðþ]/u.test(text) || /[aăâeêioôơuưy][ìò]/iu.test(text)) {
    const bytes = bytesOf(text, CP1252);
    if (bytes !== null) {
      const likely = nfc(iconv.decode(bytes, 'windows1258'));
      if (likely !== text && readsAsVietnamese(likely))
        return { encoding: 'windows-1258-read-as-windows-1252', likely };
    }
  }
  return foreignChars ? fromFonts(text, chars) : null;
}

function fromUtf8(text: string): Mojibake | null {
  for (const [encoding, table] of [
    ['utf-8-read-as-windows-1258', CP1258],
    ['utf-8-read-as-windows-1252', CP1252],
  ] as const) {
    const likely = utf8Of(bytesOf(text, table));
    if (likely !== null && likely !== text && NON_ASCII.test(likely)) return { encoding, likely };
  }
  return null;
}

function fromFonts(text: string, chars: readonly string[]): Mojibake | null {
  // TCVN3 puts its toned letters on the symbols of Latin-1 (µ ¸ ¶ · ¹ ¨ © ª « ¬ ­ ®) and on
  // letters no Western name has (Þ for ị, × for ợ); ü or ö alone (Müller, Björn) are no evidence.
  if (chars.some((c) => (c >= '\u00a1' && c <= '\u00bf') || TCVN3_LETTERS.includes(c))) {
    const bytes = bytesOf(text, CP1252);
    if (bytes !== null) {
      const likely = nfc(iconv.decode(bytes, 'tcvn'));
      if (likely !== text && readsAsVietnamese(likely)) return { encoding: 'tcvn3', likely };
    }
  }
  if (VNI_EVIDENCE.test(text)) {
    const likely = decodeVni(text);
    if (likely !== null && likely !== text && readsAsVietnamese(likely)) return { encoding: 'vni', likely };
  }
  return null;
}
