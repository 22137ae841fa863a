/**
 * What a file is, from its first bytes: an Excel workbook (a ZIP), an old binary `.xls` (refused),
 * or text in one of the encodings Vietnamese offices save CSV in — UTF-8 with or without a
 * byte-order mark, UTF-16 with one (Excel's "Unicode text"), or Windows-1258 (Excel's "CSV" on
 * Vietnamese Windows). A named encoding wins over detection, except that a byte-order mark that
 * contradicts it is refused.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';

/** The text encodings read. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258';

/** Every name `--encoding` accepts for each encoding (compared without case, `-` or `_`). */
const NAMES: ReadonlyArray<readonly [TextEncoding, readonly string[]]> = [
  ['utf-8', ['utf8']],
  ['utf-16le', ['utf16le', 'utf16', 'unicode', 'ucs2']],
  ['utf-16be', ['utf16be']],
  ['windows-1258', ['windows1258', 'cp1258', '1258', 'win1258']],
];

/** The encoding `name` names, or null. */
export function parseEncoding(name: string): TextEncoding | null {
  const k = name.toLowerCase().replace(/[-_\s]/g, '');
  return NAMES.find(([, names]) => names.includes(k))?.[0] ?? null;
}

/** iconv-lite's name of an encoding. */
export const iconvName = (e: TextEncoding): string => e.replace('-', '');

/** What the first bytes say. */
export type FileKind =
  | { readonly kind: 'xlsx' }
  | {
      readonly kind: 'text';
      readonly encoding: TextEncoding;
      /** How the encoding was chosen. */
      readonly how: 'bom' | 'named' | 'detected';
      /** Bytes of the byte-order mark (skipped). */
      readonly bom: number;
    };

/** Why a file cannot be read at all, in both languages; the caller adds the file name. */
export interface KindProblem {
  readonly code: 'unsupported-file' | 'encoding-mismatch' | 'utf-16-without-bom';
  readonly en: string;
  readonly vi: string;
}

const BOMS: ReadonlyArray<readonly [TextEncoding, readonly number[]]> = [
  ['utf-8', [0xef, 0xbb, 0xbf]],
  ['utf-16le', [0xff, 0xfe]],
  ['utf-16be', [0xfe, 0xff]],
];

const startsWith = (b: Uint8Array, prefix: readonly number[]): boolean =>
  b.length >= prefix.length && prefix.every((x, i) => b[i] === x);

/** True when `b` is UTF-8, allowing a sequence cut off at the end of the sample. */
function isUtf8Prefix(b: Uint8Array): boolean {
  const d = new TextDecoder('utf-8', { fatal: true });
  try {
    d.decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** The share of zero bytes at even and odd offsets (UTF-16 text of Latin letters is half zeros). */
function zeroShares(b: Uint8Array): { even: number; odd: number } {
  let even = 0;
  let odd = 0;
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) {
    if (b[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  return { even: even / Math.max(1, n / 2), odd: odd / Math.max(1, n / 2) };
}

/**
 * The kind of a file from `sample`, its first bytes (64 KiB is plenty), and the encoding the user
 * named, if any.
 */
export function detectKind(sample: Uint8Array, named?: TextEncoding): Either<KindProblem, FileKind> {
  if (startsWith(sample, [0x50, 0x4b, 0x03, 0x04])) return right({ kind: 'xlsx' });
  if (startsWith(sample, [0xd0, 0xcf, 0x11, 0xe0]))
    return left({
      code: 'unsupported-file',
      en: 'an Excel 97–2003 workbook (.xls); open it in Excel and save it as .xlsx or as CSV UTF-8',
      vi: 'tệp Excel 97–2003 (.xls); mở bằng Excel và lưu lại dạng .xlsx hoặc CSV UTF-8',
    });
  if (startsWith(sample, [0xff, 0xfe, 0x00, 0x00]) || startsWith(sample, [0x00, 0x00, 0xfe, 0xff]))
    return left({
      code: 'unsupported-file',
      en: 'UTF-32 text; save it as UTF-8 or UTF-16',
      vi: 'văn bản UTF-32; hãy lưu lại dạng UTF-8 hoặc UTF-16',
    });
  const bom = BOMS.find(([, b]) => startsWith(sample, b));
  if (bom !== undefined) {
    if (named !== undefined && named !== bom[0])
      return left({
        code: 'encoding-mismatch',
        en: `the file starts with a ${bom[0].toUpperCase()} byte-order mark but --encoding says ${named}`,
        vi: `tệp bắt đầu bằng dấu BOM của ${bom[0].toUpperCase()} nhưng --encoding ghi ${named}`,
      });
    return right({ kind: 'text', encoding: bom[0], how: 'bom', bom: bom[1].length });
  }
  if (named !== undefined) return right({ kind: 'text', encoding: named, how: 'named', bom: 0 });
  const z = zeroShares(sample);
  if (z.odd > 0.3 || z.even > 0.3) {
    const guess = z.odd > z.even ? 'utf-16le' : 'utf-16be';
    return left({
      code: 'utf-16-without-bom',
      en: `the file looks like ${guess.toUpperCase()} without a byte-order mark; give --encoding ${guess}`,
      vi: `tệp có vẻ là ${guess.toUpperCase()} không có dấu BOM; hãy ghi --encoding ${guess}`,
    });
  }
  // Not UTF-8: the one 8-bit encoding Vietnamese Windows saves CSV in. Its text is still checked
  // field by field for the legacy font encodings (mojibake.ts), which it can also hold. The sample
  // decides only when it is not UTF-8; a reader confirms UTF-8 over the whole file (isUtf8File).
  return right({ kind: 'text', encoding: isUtf8Prefix(sample) ? 'utf-8' : 'windows-1258', how: 'detected', bom: 0 });
}

/** True when the whole of `chunks` (a file read in pieces) is UTF-8; bounded memory. */
export async function isUtf8Stream(chunks: AsyncIterable<Uint8Array>): Promise<boolean> {
  const d = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const c of chunks) d.decode(c, { stream: true });
    d.decode();
    return true;
  } catch {
    return false;
  }
}
