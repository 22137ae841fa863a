/**
 * Prints a batch of documents into a folder, PDF and/or HTML, checking and rendering all of them
 * before the first file is written; and the file names made from Vietnamese titles.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import { renderHtml } from './html.js';
import type { PrintDocument } from './model.js';
import { checkGlyphs, renderPdf } from './pdf.js';
import { validateDocument } from './validate.js';

/** One document to print and the base name of its files (`<name>.pdf`, `<name>.html`). */
export interface PrintJob {
  readonly name: string;
  readonly document: PrintDocument;
}

/** Options of {@link printAll}. */
export interface PrintAllOptions {
  /** Which files to write (default both). */
  readonly formats?: ReadonlyArray<'pdf' | 'html'>;
  /** PDF creation date (default now). */
  readonly creationDate?: Date;
  /** Embed the fonts in the HTML files (see `HtmlOptions.embedFonts`). */
  readonly embedFonts?: boolean;
  /** Write the PDFs as PDF/A-2b (default `true`; see `PdfOptions.pdfa`). */
  readonly pdfa?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/;

/**
 * A file name from a Vietnamese title: diacritics removed (`đ` → `d`), lowercase, words joined
 * by `-`, e.g. `"Học bạ — Nguyễn Thị Hồng Nhung"` → `"hoc-ba-nguyen-thi-hong-nhung"`.
 */
export function slugify(title: string): string {
  const s = title
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return (s === '' ? 'document' : s).slice(0, 120);
}

/**
 * Print a batch of documents into folder `dir` (created if needed): `<name>.pdf` and/or
 * `<name>.html` for each job. Every document is checked (shape, verification data, glyphs) and
 * rendered before the first file is written, so bad input writes nothing. Returns the paths written.
 */
export async function printAll(
  dir: string,
  jobs: ReadonlyArray<PrintJob>,
  options: PrintAllOptions = {},
): Promise<Either<PrintError, string[]>> {
  const formats = options.formats ?? ['pdf', 'html'];
  if (formats.length === 0 || formats.some((f) => f !== 'pdf' && f !== 'html'))
    return left(
      printError(
        'print-invalid-input',
        'formats must name pdf and/or html',
        ['formats'],
        'hoso print (docs/printing.md)',
      ),
    );
  const names = new Set<string>();
  for (const [i, j] of jobs.entries()) {
    if (typeof j.name !== 'string' || !NAME.test(j.name))
      return left(
        printError(
          'print-invalid-input',
          'a file name is letters, digits, ".", "_" and "-" (no folders)',
          [i, 'name'],
          'hoso print (docs/printing.md)',
        ),
      );
    if (names.has(j.name))
      return left(
        printError(
          'print-invalid-input',
          `file name ${j.name} is used twice`,
          [i, 'name'],
          'hoso print (docs/printing.md)',
        ),
      );
    names.add(j.name);
    const checked = validateDocument(j.document);
    if (isLeft(checked)) return left({ ...checked.left, path: [i, 'document', ...checked.left.path] });
    const glyphs = checkGlyphs(j.document);
    if (isLeft(glyphs)) return left({ ...glyphs.left, path: [i, 'document', ...glyphs.left.path] });
  }
  const files: Array<[string, Uint8Array | string]> = [];
  for (const j of jobs) {
    if (formats.includes('pdf')) {
      const opts = {
        ...(options.creationDate ? { creationDate: options.creationDate } : {}),
        ...(options.pdfa === false ? { pdfa: false } : {}),
      };
      files.push([join(dir, `${j.name}.pdf`), await renderPdf(j.document, opts)]);
    }
    if (formats.includes('html'))
      files.push([join(dir, `${j.name}.html`), renderHtml(j.document, { embedFonts: options.embedFonts ?? false })]);
  }
  try {
    await mkdir(dir, { recursive: true });
    for (const [path, data] of files) await writeFile(path, data);
  } catch (e) {
    return left(
      printError(
        'print-write-failed',
        `cannot write into ${dir}: ${(e as Error).message}`,
        ['dir'],
        'hoso print (docs/printing.md)',
        { dir },
      ),
    );
  }
  return right(files.map(([p]) => p));
}
