/**
 * Prints a batch of documents into a folder, PDF and/or HTML, checking all of them before the
 * first is rendered and moving the files into place only when all are written; and the file names
 * made from Vietnamese titles.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import { renderHtml } from './html.js';
import { isFileSystemError, stageFiles, type StagedFiles } from './staged.js';
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
  /** Called after each job's files are staged (for progress), with the job's name. */
  readonly onDocument?: (name: string) => void;
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
 * Check a batch before anything of it is rendered: each file name (letters, digits, `.`, `_`, `-`,
 * used once) and each document (shape, verification data, glyphs). The first fault is returned
 * with its path (`[index, 'name']` or `[index, 'document', …]`).
 */
export function checkPrintJobs(jobs: ReadonlyArray<PrintJob>): Either<PrintError, void> {
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
    const valid = validateDocument(j.document);
    if (isLeft(valid)) return left({ ...valid.left, path: [i, 'document', ...valid.left.path] });
    const glyphs = checkGlyphs(j.document);
    if (isLeft(glyphs)) return left({ ...glyphs.left, path: [i, 'document', ...glyphs.left.path] });
  }
  return right(undefined);
}

/**
 * Print a batch of documents into folder `dir` (created if needed): `<name>.pdf` and/or
 * `<name>.html` for each job. Every document is checked (shape, verification data, glyphs) before
 * any is rendered; then each is rendered and written into a hidden staging folder inside `dir` and
 * dropped, so memory holds one document's files at a time, and the files are moved into place when
 * all are written — bad input or a failed write leaves `dir` as it was. Returns the paths written.
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
  const checked = checkPrintJobs(jobs);
  if (isLeft(checked)) return checked;
  const opts = {
    ...(options.creationDate ? { creationDate: options.creationDate } : {}),
    ...(options.pdfa === false ? { pdfa: false } : {}),
  };
  const writeFailed = (e: unknown): Either<PrintError, never> =>
    left(
      printError(
        'print-write-failed',
        `cannot write into ${dir}: ${(e as Error).message}`,
        ['dir'],
        'hoso print (docs/printing.md)',
        { dir },
      ),
    );
  let staged: StagedFiles;
  try {
    staged = await stageFiles(dir);
  } catch (e) {
    return writeFailed(e);
  }
  // One document at a time: rendered, written, dropped — a school's books never sit in memory together.
  try {
    for (const j of jobs) {
      if (formats.includes('pdf')) await staged.write(`${j.name}.pdf`, await renderPdf(j.document, opts));
      if (formats.includes('html'))
        await staged.write(`${j.name}.html`, renderHtml(j.document, { embedFonts: options.embedFonts ?? false }));
      options.onDocument?.(j.name);
    }
    return right(await staged.commit());
  } catch (e) {
    await staged.abort().catch(() => undefined);
    if (isFileSystemError(e)) return writeFailed(e);
    throw e;
  }
}
