/**
 * One sheet of an `.xlsx` workbook, row by row, in bounded memory — exceljs's own parsers, fed in
 * the order they need.
 *
 * exceljs's streaming `WorkbookReader` reads the zip in one pass in stored order, and most writers
 * (exceljs's own, and so the files hoso exports) store `xl/workbook.xml` last; that pass does not
 * reliably deliver the last entry before the worksheets are parsed, so sheets come out unnamed
 * ("Sheet1") or the read fails (exceljs issue #3064, open). Here the zip is opened through its
 * central directory (unzipper, the library exceljs itself unzips with) so every part can be read
 * when it is needed: the relationships, the workbook (sheet names and order), the shared strings
 * and the styles first, then the one worksheet asked for, streamed through exceljs's worksheet
 * reader. Each part is decoded as UTF-8 by a streaming decoder before the XML parser sees it:
 * exceljs decodes every chunk on its own, which turns a Vietnamese letter split across two chunks
 * into U+FFFD.
 */
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';

/** A sheet of the workbook, as its `workbook.xml` lists it. */
export interface SheetEntry {
  readonly name: string;
  /** 1-based position in the workbook. */
  readonly position: number;
  readonly hidden: boolean;
}

/** The parts of exceljs's `WorkbookReader` used here (its parse steps; not in its typings). */
interface ReaderSteps {
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<string>,
    sheetNo: string,
  ): Generator<{ readonly eventType: string; readonly value: unknown }>;
  model?: { sheets?: ReadonlyArray<{ name: string; rId: string; state?: string }> };
  workbookRels?: ReadonlyArray<{ Id: string; Target: string }>;
}

/** An opened workbook: its sheets, and the rows of one. */
export interface XlsxBook {
  readonly sheets: readonly SheetEntry[];
  /** The rows of `sheet`; `onBytes` is told the share of the sheet read so far, in bytes of `size`. */
  rows(sheet: SheetEntry, onBytes?: (read: number) => void): AsyncIterable<ExcelJS.Row>;
}

/** A part of the zip as UTF-8 text chunks, decoded across chunk boundaries. */
function textOf(file: unzipper.File, count?: (n: number) => void): PassThrough {
  const out = new PassThrough();
  out.setEncoding('utf8');
  const counter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      count?.(chunk.length);
      cb(null, chunk);
    },
  });
  const src = file.stream();
  src.on('error', (e: Error) => out.destroy(e));
  src.pipe(counter).pipe(out);
  return out;
}

/** A part's path from a relationship target of `xl/workbook.xml` (relative to `xl/`, or absolute). */
const partPath = (target: string): string => (target.startsWith('/') ? target.slice(1) : `xl/${target}`);

/**
 * Open the workbook at `path` (file size `size`, for progress). Throws on a file that is not a
 * readable workbook.
 */
export async function openXlsx(path: string, size: number): Promise<XlsxBook> {
  const dir = await unzipper.Open.file(path);
  const part = (p: string): unzipper.File | undefined => dir.files.find((f) => f.path === p);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as ReaderSteps;
  const rels = part('xl/_rels/workbook.xml.rels');
  const workbook = part('xl/workbook.xml');
  if (rels === undefined || workbook === undefined) throw new Error('no xl/workbook.xml: not an Excel workbook');
  await reader._parseRels(textOf(rels));
  await reader._parseWorkbook(textOf(workbook));
  const strings = part('xl/sharedStrings.xml');
  if (strings !== undefined) for await (const _ of reader._parseSharedStrings(textOf(strings))) void _;
  const styles = part('xl/styles.xml');
  if (styles !== undefined) await reader._parseStyles(textOf(styles));
  const listed = reader.model?.sheets ?? [];
  const sheets = listed.map((s, i): SheetEntry => ({
    name: s.name,
    position: i + 1,
    hidden: (s.state ?? 'visible') !== 'visible',
  }));
  return {
    sheets,
    async *rows(sheet, onBytes) {
      const rel = reader.workbookRels?.find((r) => r.Id === listed[sheet.position - 1]?.rId);
      const file = rel === undefined ? undefined : part(partPath(rel.Target));
      if (file === undefined) throw new Error(`sheet "${sheet.name}" has no worksheet part`);
      // Progress in the file's bytes: the share of this sheet's uncompressed part read so far.
      let read = 0;
      const total = Math.max(1, file.uncompressedSize);
      const text = textOf(file, (n) => {
        read += n;
        onBytes?.(Math.min(size, Math.round((read / total) * size)));
      });
      for (const ev of reader._parseWorksheet(text, String(sheet.position)))
        if (ev.eventType === 'worksheet') yield* ev.value as AsyncIterable<ExcelJS.Row>;
    },
  };
}
