/**
 * A file's rows, streamed: CSV through iconv-lite and csv-parse, `.xlsx` through exceljs's
 * worksheet reader (xlsx.ts). Nothing here holds the file: rows come one at a time, as the caller asks for
 * them, with their line (CSV) or row number (Excel) and their cells as text. Interpreting the rows
 * (header, title block, fields) is table.ts's job.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { parse as csvParse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { HosoFailure } from '@hoso/core';
import { detectKind, iconvName, isUtf8Stream, type TextEncoding } from './encoding.js';
import { sheetProblem, type SheetProblem } from './problems.js';
import { openXlsx, type SheetEntry, type XlsxBook } from './xlsx.js';

/** A CSV delimiter: comma, semicolon (Excel where the decimal mark is a comma) or tab (Excel's "Unicode text"). */
export type Delimiter = ',' | ';' | '\t';

/** How to read a file; everything is detected when not given. */
export interface ReadOptions {
  /** CSV: the encoding (default: byte-order mark, else UTF-8 if the whole file is UTF-8, else Windows-1258). */
  readonly encoding?: TextEncoding;
  /** CSV: the delimiter (default: the one the first lines use consistently). */
  readonly delimiter?: Delimiter;
  /** Excel: the sheet, by name or 1-based position in the workbook (default: the first sheet not hidden). */
  readonly sheet?: string | number;
}

/** One row as read: its line or row number and its cells as text (not yet normalised or trimmed). */
export interface RawRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/** What was chosen while opening or reading, for messages and the result. */
export interface SourceInfo {
  readonly format: 'csv' | 'xlsx';
  /** CSV: the encoding and how it was chosen. */
  readonly encoding?: TextEncoding;
  readonly encodingHow?: 'bom' | 'named' | 'detected';
  readonly delimiter?: Delimiter;
  /** Excel: the sheet read (known once reading started) and every sheet's name. */
  sheet?: string;
  sheets?: string[];
}

/** An opened file. */
export interface Source {
  readonly file: string;
  /** Size in bytes (progress is reported against it). */
  readonly size: number;
  readonly info: SourceInfo;
  /**
   * The rows. Throws a `HosoFailure` carrying a {@link SheetProblem} when the file cannot be read
   * on (a quote never closed, a damaged workbook, no such sheet). `onBytes` is told how many bytes
   * of the file have been read so far.
   */
  rows(onBytes?: (read: number) => void): AsyncIterable<RawRow>;
}

const SAMPLE = 64 * 1024;

/** The first bytes of a file. */
async function sample(path: string): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const b = Buffer.alloc(SAMPLE);
    const { bytesRead } = await fh.read(b, 0, SAMPLE, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A byte counter in a pipeline. */
function counter(onBytes?: (n: number) => void): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      n += chunk.length;
      onBytes?.(n);
      cb(null, chunk);
    },
  });
}

/** Open `path` (named `file` in problems) for reading rows. */
export async function openSource(
  path: string,
  file: string,
  options: ReadOptions = {},
): Promise<Either<SheetProblem, Source>> {
  let size: number;
  let head: Buffer;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile())
      return left(
        sheetProblem(
          'unreadable-file',
          { en: 'not a file', vi: 'không phải là tệp' },
          { file },
          'docs/spreadsheets.md#reading',
        ),
      );
    size = st.size;
    head = await sample(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return left(
      sheetProblem(
        'unreadable-file',
        code === 'ENOENT'
          ? { en: 'no such file', vi: 'không có tệp này' }
          : { en: `cannot read the file (${code ?? String(e)})`, vi: `không đọc được tệp (${code ?? String(e)})` },
        { file },
        'docs/spreadsheets.md#reading',
      ),
    );
  }
  if (head.length === 0)
    return left(
      sheetProblem('empty-file', { en: 'the file is empty', vi: 'tệp rỗng' }, { file }, 'docs/spreadsheets.md#reading'),
    );
  const kind = detectKind(head, options.encoding);
  if (kind._tag === 'Left')
    return left(sheetProblem(kind.left.code, kind.left, { file }, 'docs/spreadsheets.md#encodings'));
  if (kind.right.kind === 'xlsx') return right(xlsxSource(path, file, size, options.sheet));
  let encoding = kind.right.encoding;
  if (kind.right.how === 'detected' && encoding === 'utf-8' && !(await isUtf8Stream(createReadStream(path))))
    encoding = 'windows-1258';
  const text = iconv.decode(head, iconvName(encoding));
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  return right(
    csvSource(path, file, size, { format: 'csv', encoding, encodingHow: kind.right.how, delimiter }, encoding),
  );
}

/**
 * The delimiter the first lines use consistently: for each candidate, the count outside quotes on
 * each of the first 50 lines; the winner is the one most lines agree on (a `;` file with decimal
 * commas has a varying number of commas and the same number of semicolons on every line).
 */
export function sniffDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number[]> = { ',': [], ';': [], '\t': [] };
  let quoted = false;
  let line: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let lines = 0;
  const end = (): void => {
    for (const d of [',', ';', '\t'] as const) counts[d].push(line[d]);
    line = { ',': 0, ';': 0, '\t': 0 };
    lines++;
  };
  for (const ch of text) {
    if (lines >= 50) break;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n') end();
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) line[ch]++;
  }
  if (lines < 50) end();
  let best: Delimiter = ',';
  let bestScore = [0, 0];
  for (const d of [',', ';', '\t'] as const) {
    const freq = new Map<number, number>();
    for (const c of counts[d]) if (c > 0) freq.set(c, (freq.get(c) ?? 0) + 1);
    for (const [width, n] of freq) {
      if (n > bestScore[0]! || (n === bestScore[0] && width > bestScore[1]!)) {
        best = d;
        bestScore = [n, width];
      }
    }
  }
  return best;
}

function csvSource(path: string, file: string, size: number, info: SourceInfo, encoding: TextEncoding): Source {
  return {
    file,
    size,
    info,
    async *rows(onBytes) {
      const parser = csvParse({
        delimiter: info.delimiter,
        relax_column_count: true,
        skip_empty_lines: true,
        comment: '#',
        comment_no_infix: true,
        info: true,
      });
      // The pipeline runs while we read the parser; its failure surfaces from the iteration.
      const done = pipeline(createReadStream(path), counter(onBytes), iconv.decodeStream(iconvName(encoding)), parser);
      done.catch(() => undefined);
      try {
        for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)
          yield { line: rec.info.lines, cells: rec.record };
      } catch (e) {
        const line = (e as { lines?: number }).lines;
        throw new HosoFailure(
          sheetProblem(
            'invalid-csv',
            {
              en: `not readable as CSV: ${e instanceof Error ? e.message : String(e)}`,
              vi: `không đọc được dạng CSV (thường do dấu ngoặc kép không đóng): ${e instanceof Error ? e.message : String(e)}`,
            },
            { file, ...(line === undefined ? {} : { line }) },
            'RFC 4180',
          ),
        );
      }
      await done.catch((e: unknown) => {
        throw new HosoFailure(
          sheetProblem(
            'unreadable-file',
            { en: `cannot read the file: ${String(e)}`, vi: `không đọc được tệp: ${String(e)}` },
            { file },
            'docs/spreadsheets.md#reading',
          ),
        );
      });
    },
  };
}

/** A cell's value as the text the clerk sees (numbers as formatted with one decimal where the cell says so). */
export function cellText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value, numFmt);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('error' in value) return String(value.error);
    if ('formula' in value || 'sharedFormula' in value) {
      const r = (value as { result?: ExcelJS.CellValue }).result;
      return r === undefined ? '' : cellText(r, numFmt);
    }
    if ('text' in value) return String((value as { text: unknown }).text);
  }
  return String(value);
}

/** A number as text: with the cell's fixed decimals when it shows exactly one, else the shortest form. */
function numberText(n: number, numFmt?: string): string {
  const section = (numFmt ?? '').split(';')[0] ?? '';
  const m = /^[#,0]*0\.(0+)$/.exec(section.replace(/\\.|"[^"]*"|_.|\*./g, '').trim());
  if (m !== null && m[1]!.length === 1) return n.toFixed(1);
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}

/** Column letters of a 1-based column number (1 → A, 27 → AA). */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

function xlsxSource(path: string, file: string, size: number, sheet: string | number | undefined): Source {
  const info: SourceInfo = { format: 'xlsx', sheets: [] };
  const fail = (code: string, en: string, vi: string): HosoFailure =>
    new HosoFailure(sheetProblem(code, { en, vi }, { file }, 'docs/spreadsheets.md#excel'));
  return {
    file,
    size,
    info,
    async *rows(onBytes) {
      let book: XlsxBook;
      try {
        book = await openXlsx(path, size);
      } catch (e) {
        throw fail(
          'invalid-xlsx',
          `not readable as an Excel workbook: ${e instanceof Error ? e.message : String(e)}`,
          `không đọc được dạng bảng tính Excel: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      info.sheets = book.sheets.map((s) => s.name);
      const wanted = (s: SheetEntry): boolean =>
        sheet === undefined
          ? s === book.sheets.find((x) => !x.hidden)
          : typeof sheet === 'number'
            ? s.position === sheet
            : s.name.normalize('NFC').toLowerCase() === sheet.normalize('NFC').toLowerCase();
      const chosen = book.sheets.find(wanted);
      if (chosen === undefined) {
        const names = book.sheets.map((n) => `"${n.name}"`).join(', ');
        const which = typeof sheet === 'number' ? String(sheet) : `"${String(sheet)}"`;
        throw fail(
          'unknown-sheet',
          `the workbook has no sheet ${typeof sheet === 'number' ? 'number ' : ''}${which} (sheets: ${names})`,
          `bảng tính không có trang ${typeof sheet === 'number' ? 'số ' : ''}${which} (các trang: ${names})`,
        );
      }
      info.sheet = chosen.name;
      try {
        for await (const row of book.rows(chosen, onBytes)) {
          const cells: string[] = [];
          row.eachCell({ includeEmpty: false }, (cell, col) => {
            cells[col - 1] = cellText(cell.value, cell.numFmt);
          });
          for (let i = 0; i < cells.length; i++) cells[i] ??= '';
          yield { line: row.number, cells };
        }
      } catch (e) {
        throw fail(
          'invalid-xlsx',
          `not readable as an Excel workbook: ${e instanceof Error ? e.message : String(e)}`,
          `không đọc được dạng bảng tính Excel: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    },
  };
}
