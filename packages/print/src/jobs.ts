/**
 * Every printable book of a school's records as print jobs (what `hoso demo` and `hoso print`
 * write), with the books a form refused listed and why.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { classMarkbook, primarySummary, primaryTranscript, register, transcript, type Records } from '@hoso/books';
import { printError, type PrintError } from './errors.js';
import { correctionMinutesDocument } from './forms/correction-minutes.js';
import type { PrintMeta } from './forms/common.js';
import { classSummaryDocument } from './forms/class-summary.js';
import { primaryTranscriptDocument } from './forms/primary-transcript.js';
import { markbookDocument } from './forms/markbook.js';
import { registerDocument } from './forms/register.js';
import { transcriptDocument } from './forms/transcript.js';
import {
  classSummaryDataFromBook,
  markbookDataFromBook,
  markbookHead,
  primaryTranscriptDataFromBook,
  registerDataFromBook,
  signerOf,
  transcriptDataFromBook,
} from './from-books.js';
import { correctionMinutesOfRecords } from './minutes-from-records.js';
import { slugify, type PrintJob } from './print-all.js';

/** What {@link printJobsFromRecords} made, and what it left out with the reason. */
export interface PrintJobs {
  readonly jobs: PrintJob[];
  readonly skipped: ReadonlyArray<{ readonly book: string; readonly reason: string }>;
}

/**
 * Every printable book of a school's records as print jobs for {@link printAll}: each class's
 * markbook (secondary) or class summaries at the end of term I and of the year (primary, TT27),
 * each student's học bạ page per year (the TT22 form, or the TT27 one for primary years), the
 * register, and one correction minutes document per minutes number. Each document's verification
 * is `meta.verification` with the book's id (and, for markbooks, its head event). `year` limits
 * classes, học bạ pages and minutes to one school year (the register is always whole). Classes no
 * rule set grades are listed in `skipped`.
 */
export function printJobsFromRecords(
  r: Records,
  meta: PrintMeta,
  options: { year?: string } = {},
): Either<PrintError, PrintJobs> {
  if (typeof r !== 'object' || r === null || typeof r.classes !== 'object')
    return left(
      printError(
        'print-invalid-input',
        'expected the records of @hoso/books',
        ['records'],
        'hoso print (docs/printing.md)',
      ),
    );
  const jobs: PrintJob[] = [];
  const skipped: Array<{ book: string; reason: string }> = [];
  const names = new Set<string>();
  const add = (base: string, doc: Either<PrintError, PrintJob['document']>, book: string): void => {
    if (doc._tag === 'Left') {
      skipped.push({ book, reason: `${doc.left.code}: ${doc.left.message}` });
      return;
    }
    // Distinct ids can slug to one file name ("10A1" and "10a1"): number the later ones.
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
    names.add(name);
    jobs.push({ name, document: doc.right });
  };
  const v = meta.verification;
  const metaFor = (book: string, index?: number): PrintMeta => ({
    ...meta,
    verification: { ...v, book, ...(index !== undefined && index < v.size ? { index } : {}) },
  });

  const classes = Object.values(r.classes)
    .filter((c) => options.year === undefined || c.year === options.year)
    .sort((a, b) => (a.year === b.year ? (a.class < b.class ? -1 : 1) : a.year < b.year ? -1 : 1));
  for (const c of classes) {
    const id = `markbook/${c.year}/${c.class}`;
    const mb = classMarkbook(r, c.year, c.class);
    if (mb._tag === 'Right') {
      add(
        `so-theo-doi-${slugify(c.year)}-${slugify(c.class)}`,
        markbookDocument(markbookDataFromBook(mb.right), metaFor(id, markbookHead(mb.right))),
        id,
      );
      continue;
    }
    const ps = primarySummary(r, c.year, c.class);
    if (ps._tag === 'Right') {
      // TT27 fills the class summary twice: end of term I and end of year, each signed at its own point.
      const sign = r.signoffs[`${c.year}/${c.class}`];
      for (const [period, term] of [
        ['CK1', 'HK1'],
        ['CN', 'CN'],
      ] as const) {
        const homeroom = signerOf(sign?.confirmed[term], ps.right.homeroom.join(', ') || undefined);
        const leader = signerOf(sign?.approved[term]);
        const book = `summary/${c.year}/${c.class}/${period}`;
        const data = classSummaryDataFromBook(ps.right, period, {
          ...(homeroom ? { homeroom } : {}),
          ...(leader ? { leader } : {}),
        });
        add(
          `bang-tong-hop-${slugify(c.year)}-${slugify(c.class)}-${period.toLowerCase()}`,
          classSummaryDocument(data, metaFor(book)),
          book,
        );
      }
      continue;
    }
    skipped.push({ book: id, reason: `${mb.left.message}; ${ps.left.message}` });
  }

  for (const student of Object.keys(r.students).sort()) {
    const t = transcript(r, student);
    if (t._tag === 'Left') {
      skipped.push({ book: `hocba/${student}`, reason: t.left.message });
      continue;
    }
    // Primary classes are not TT22 pages: their học bạ is the TT27 one below.
    const primaryClass = (year: string, cls: string): boolean => {
      const g = r.classes[`${year}/${cls}`]?.grade;
      return g !== undefined && g >= 1 && g <= 5;
    };
    for (const s of t.right.skipped)
      if (!primaryClass(s.year, s.class)) skipped.push({ book: `hocba/${student}/${s.year}`, reason: s.reason });
    for (const page of t.right.pages) {
      if (options.year !== undefined && page.year !== options.year) continue;
      const approved = r.signoffs[`${page.year}/${page.class}`]?.approved.CN;
      const principal = signerOf(approved);
      add(
        `hoc-ba-${slugify(student)}-${slugify(page.year)}`,
        transcriptDocument(
          transcriptDataFromBook(t.right, page, principal ? { principal } : {}),
          metaFor(`hocba/${student}/${page.year}`),
        ),
        `hocba/${student}/${page.year}`,
      );
    }
    const p = primaryTranscript(r, student);
    if (p._tag === 'Right') {
      for (const s of p.right.skipped) skipped.push({ book: `hocba/${student}/${s.year}`, reason: s.reason });
      for (const page of p.right.pages) {
        if (options.year !== undefined && page.year !== options.year) continue;
        const book = `hocba/${student}/${page.year}`;
        add(
          `hoc-ba-${slugify(student)}-${slugify(page.year)}`,
          primaryTranscriptDocument(primaryTranscriptDataFromBook(p.right, page), metaFor(book)),
          book,
        );
      }
    }
  }

  const entries = register(r);
  if (entries.length > 0)
    add(
      'so-dang-bo',
      registerDocument(
        registerDataFromBook(entries, r.school ? `Trường ${r.school.name}` : 'Sổ đăng bộ', undefined, r.subjects),
        metaFor('register'),
      ),
      'register',
    );

  // One minutes document per minutes number, listing every value it changed.
  for (const data of correctionMinutesOfRecords(r, options))
    add(
      `bien-ban-${slugify(data.number)}`,
      correctionMinutesDocument(data, metaFor(`minutes/${data.number}`, data.event?.index)),
      `minutes/${data.number}`,
    );

  return right({ jobs, skipped });
}
