/**
 * What `hoso print` prints, as print jobs: for each class the book of its level — the TT22 class
 * markbook (grades 6–12), the TT27 class summary (*bảng tổng hợp*, grades 1–5) or the preschool
 * child book (*sổ theo dõi trẻ*, grade 0) — or, with a month, its attendance sheet; for each
 * student named, the page of their level (TT22 học bạ, TT27 học bạ, or the child's page of the
 * preschool book); the register; every correction's minutes. Loaded only by `hoso print` (it
 * pulls in the PDF renderer).
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  attendance,
  holders,
  preschoolBook,
  primarySummary,
  primaryTranscript,
  PRESCHOOL_DEFAULTS,
  type ChildPage,
  type PrimarySummary,
  type Records,
  sexLabel,
} from '@hoso/books';
import {
  attendanceDataFromBook,
  attendanceDataFromChildPages,
  attendanceDocument,
  childBookDataFromBook,
  childBookDocument,
  classSummaryDataFromBook,
  classSummaryDocument,
  correctionMinutesDocument,
  correctionMinutesOfRecords,
  markbookDocument,
  primaryTranscriptDataFromBook,
  primaryTranscriptDocument,
  registerDocument,
  signerOf,
  transcriptDocument,
  type PrintDocument,
  type PrintError,
  type PrintJob,
  type PrintMeta,
  type Signer,
} from '@hoso/print';
import { gradeOrFail, markbookOrFail, studentClassOrFail } from './book-select.js';
import { leaderOf, markbookData, personName, registerData, transcriptData, transcriptOf } from './books-view.js';
import { refused, usage } from './exit.js';
import type { WhoReference } from './who-reference.js';

/** What to print (already resolved from the options). */
export interface PrintSelection {
  readonly year: string;
  /** Classes whose book (or, with `attendanceMonth`, attendance sheet) to print. */
  readonly classes: readonly string[];
  /** Students whose page to print: their học bạ (secondary or primary) or their child-book page (preschool). */
  readonly students: readonly string[];
  readonly register: boolean;
  readonly minutes: boolean;
  /** `YYYY-MM`: print the classes' attendance sheets of this month instead of their books. */
  readonly attendanceMonth?: string;
  /** Classifies preschool measurements; without it they print unclassified, with a note saying so. */
  readonly who?: WhoReference;
}

/** The note under a child book's growth table: which reference classified the measurements, or none. */
export function growthNote(who: WhoReference | undefined): string {
  return who === undefined
    ? 'Chưa phân loại: không có bảng tham chiếu chuẩn tăng trưởng WHO khi in (hoso print --who-reference); cân nặng, chiều cao in theo số đo.'
    : `Phân loại theo chuẩn tăng trưởng WHO, bảng tham chiếu: ${who.source}.`;
}

/** Lower-case file-name part of a class or id (`10A1` → `10a1`). */
const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();

/** The class's homeroom teacher as a signer: who confirmed the year, else the name of who holds the role. */
function homeroomOf(r: Records, year: string, cls: string, names: readonly string[]): Signer | undefined {
  const step = r.signoffs[`${year}/${cls}`]?.confirmed.CN ?? r.signoffs[`${year}/${cls}`]?.confirmed.HK2;
  return signerOf(step, names[0]);
}

/** The school's leader by name, when there is one. */
function leaderName(r: Records): string | undefined {
  const leader = leaderOf(r);
  return leader === undefined ? undefined : personName(r, leader);
}

/** The principal as a signer: who approved the year, else the school's leader. */
function principalOf(r: Records, year: string, cls: string): Signer | undefined {
  return signerOf(r.signoffs[`${year}/${cls}`]?.approved.CN, leaderName(r));
}

const holdersOf = (r: Records, year: string, cls: string): string[] => holders(r, 'homeroom', year, cls);

/** A builder's refusal of the books' data is exit 1 naming the book. */
function built(doc: Either<PrintError, PrintDocument>, where: string): PrintDocument {
  if (isLeft(doc)) throw refused(doc.left.code, doc.left.message, where, doc.left.rule);
  return doc.right;
}

/** The preschool child pages of a class, classified with the WHO reference when one is given. */
function childPages(r: Records, year: string, cls: string, who: WhoReference | undefined, option: string): ChildPage[] {
  const pages = preschoolBook(r, year, cls, PRESCHOOL_DEFAULTS, who?.lookup);
  if (isLeft(pages)) throw refused(pages.left.code, pages.left.message, option, pages.left.rule);
  return pages.right;
}

/** One child's page of the preschool book as a document (the class's teacher and the principal sign). */
function childDocument(
  r: Records,
  year: string,
  cls: string,
  page: ChildPage,
  meta: PrintMeta,
  who: WhoReference | undefined,
  option: string,
): PrintDocument {
  const signers = {
    ...optionalSigner('teacher', homeroomOf(r, year, cls, holdersOf(r, year, cls))),
    ...optionalSigner('leader', principalOf(r, year, cls)),
  };
  const bio = r.students[page.student]?.bio;
  const data = childBookDataFromBook(
    page,
    {
      className: cls,
      schoolYear: year,
      ...(bio === undefined ? {} : { birthDate: bio.birthDate, gender: sexLabel(bio.sex) }),
    },
    signers,
  );
  return built(childBookDocument({ ...data, note: growthNote(who) }, meta), option);
}

/** The preschool child book of a class: one document, a section per child. */
function childBook(
  r: Records,
  year: string,
  cls: string,
  meta: PrintMeta,
  who: WhoReference | undefined,
): PrintDocument | null {
  const pages = childPages(r, year, cls, who, `--class ${cls}`);
  if (pages.length === 0) return null;
  const docs = pages.map((p) => childDocument(r, year, cls, p, meta, who, `--class ${cls}`));
  const first = docs[0]!;
  return {
    title: `Sổ theo dõi trẻ — Lớp ${cls} — Năm học ${year}`,
    ...(first.author === undefined ? {} : { author: first.author }),
    ...(first.subject === undefined ? {} : { subject: first.subject }),
    verification: meta.verification,
    sections: docs.flatMap((d) => d.sections),
  };
}

/**
 * A primary class's summaries (TT27): one document at the end of term I (`CK1`) and one at the end
 * of the year (`CN`), each with the homeroom confirmation and principal's approval of its own point.
 */
function classSummaries(
  r: Records,
  year: string,
  cls: string,
  sum: PrimarySummary,
  meta: (book: string) => PrintMeta,
): PrintJob[] {
  const sign = r.signoffs[`${year}/${cls}`];
  return (
    [
      ['CK1', 'HK1'],
      ['CN', 'CN'],
    ] as const
  ).map(([period, term]) => {
    const homeroom =
      term === 'CN' ? homeroomOf(r, year, cls, sum.homeroom) : signerOf(sign?.confirmed.HK1, sum.homeroom[0]);
    const leader = term === 'CN' ? principalOf(r, year, cls) : signerOf(sign?.approved.HK1, leaderName(r));
    const signers = { ...optionalSigner('homeroom', homeroom), ...optionalSigner('leader', leader) };
    const document = built(
      classSummaryDocument(classSummaryDataFromBook(sum, period, signers), meta(`summary/${year}/${cls}/${period}`)),
      `--class ${cls}`,
    );
    return { name: `bang-tong-hop-${slug(cls)}-${period.toLowerCase()}`, document };
  });
}

/**
 * The page `--student` prints, by the grade of the student's class in `year` (else their last
 * class): the TT22 học bạ (secondary), the TT27 học bạ (primary) or the child's page of the
 * preschool book. A student with no page is exit 1 naming `--student` and why.
 */
function studentJob(
  r: Records,
  id: string,
  year: string,
  meta: (book: string) => PrintMeta,
  ledger: string,
  who: WhoReference | undefined,
): PrintJob {
  const where = `--student ${id}`;
  const c = studentClassOrFail(r, id, year, ledger);
  if (c === null)
    throw refused('no-class-page', `student ${id} is on no class list, so there is no page to print`, '--student');
  if (c.grade === 0) {
    const page = childPages(r, c.year, c.class, who, where).find((p) => p.student === id);
    if (page === undefined)
      throw refused('no-class-page', `child ${id} is not on the list of ${c.class} in ${c.year}`, '--student');
    return {
      name: `so-theo-doi-tre-${slug(id)}`,
      document: childDocument(r, c.year, c.class, page, meta(`children/${c.year}/${c.class}/${id}`), who, where),
    };
  }
  if (c.grade <= 5) {
    const t = primaryTranscript(r, id);
    if (isLeft(t)) throw refused(t.left.code, t.left.message, '--student', t.left.rule);
    const page = t.right.pages.find((p) => p.year === c.year) ?? t.right.pages[t.right.pages.length - 1];
    if (page === undefined) {
      const why =
        t.right.skipped.find((x) => x.year === c.year)?.reason ?? 'no year of it is graded by Thông tư 27/2020';
      throw refused(
        'no-class-page',
        `pupil ${id} has no primary học bạ page for ${c.year} (class ${c.class}): ${why}`,
        '--student',
      );
    }
    const signers = {
      ...optionalSigner('homeroom', homeroomOf(r, page.year, page.class, page.homeroom)),
      ...optionalSigner('principal', principalOf(r, page.year, page.class)),
    };
    return {
      name: `hoc-ba-${id}`,
      document: built(
        primaryTranscriptDocument(primaryTranscriptDataFromBook(t.right, page, signers), meta(`student/${id}`)),
        where,
      ),
    };
  }
  const t = transcriptOf(r, id);
  if (t === null) throw usage('unknown-student', `no student "${id}" in ${ledger}`, '--student');
  const d = transcriptData(r, t, year);
  if (d === null) {
    const why = t.skipped.find((x) => x.year === c.year)?.reason ?? 'no class of it has a TT22 markbook';
    throw refused(
      'no-class-page',
      `student ${id} has no học bạ page for ${c.year} (class ${c.class}): ${why}`,
      '--student',
    );
  }
  return { name: `hoc-ba-${id}`, document: built(transcriptDocument(d, meta(`student/${id}`)), where) };
}

function optionalSigner<K extends string>(k: K, s: Signer | undefined): { [P in K]?: Signer } {
  return (s === undefined ? {} : { [k]: s }) as { [P in K]?: Signer };
}

/**
 * A class's attendance sheet for one month: half-day absences (P/K) for a school class, daily marks for a preschool
 * one.
 */
function attendanceSheet(
  r: Records,
  year: string,
  cls: string,
  grade: number,
  month: string,
  meta: PrintMeta,
): PrintDocument {
  const info = { className: cls, schoolYear: year, month };
  const teacher = homeroomOf(r, year, cls, holdersOf(r, year, cls));
  if (grade === 0) {
    const pages = preschoolBook(r, year, cls, PRESCHOOL_DEFAULTS);
    if (isLeft(pages)) throw refused(pages.left.code, pages.left.message, `--class ${cls}`, pages.left.rule);
    return built(attendanceDocument(attendanceDataFromChildPages(pages.right, info, teacher), meta), `--class ${cls}`);
  }
  const lines = attendance(r, year, cls);
  if (isLeft(lines)) throw refused(lines.left.code, lines.left.message, `--class ${cls}`, lines.left.rule);
  return built(attendanceDocument(attendanceDataFromBook(lines.right, info, teacher), meta), `--class ${cls}`);
}

/**
 * The print jobs of a selection, each page's verification from `meta(book id)`. Unknown classes and
 * students are exit 2 naming the option; a book the forms refuse is exit 1.
 */
export function printJobs(
  r: Records,
  sel: PrintSelection,
  meta: (book: string) => PrintMeta,
  ledger: string,
): PrintJob[] {
  const { year } = sel;
  const jobs: PrintJob[] = [];
  const grades = new Map(sel.classes.map((c) => [c, gradeOrFail(r, year, c)] as const));
  for (const c of sel.classes) {
    const grade = grades.get(c)!;
    if (sel.attendanceMonth !== undefined) {
      jobs.push({
        name: `diem-danh-${slug(c)}-${sel.attendanceMonth}`,
        document: attendanceSheet(
          r,
          year,
          c,
          grade,
          sel.attendanceMonth,
          meta(`attendance/${year}/${c}/${sel.attendanceMonth}`),
        ),
      });
    } else if (grade >= 6) {
      const book = markbookOrFail(r, year, c);
      jobs.push({
        name: `so-theo-doi-danh-gia-${slug(c)}`,
        document: built(markbookDocument(markbookData(r, book), meta(`markbook/${year}/${c}`)), `--class ${c}`),
      });
    } else if (grade >= 1) {
      const sum = primarySummary(r, year, c);
      if (isLeft(sum)) throw refused(sum.left.code, sum.left.message, `--class ${c}`, sum.left.rule);
      jobs.push(...classSummaries(r, year, c, sum.right, meta));
    } else {
      const doc = childBook(r, year, c, meta(`children/${year}/${c}`), sel.who);
      if (doc !== null) jobs.push({ name: `so-theo-doi-tre-${slug(c)}`, document: doc });
    }
  }
  for (const id of sel.students) jobs.push(studentJob(r, id, year, meta, ledger, sel.who));
  if (sel.minutes) {
    for (const m of correctionMinutesOfRecords(r)) {
      jobs.push({
        name: `bien-ban-${slug(m.number)}`,
        document: built(correctionMinutesDocument(m, meta(`minutes/${m.number}`)), '--minutes'),
      });
    }
  }
  if (sel.register)
    jobs.push({
      name: 'so-dang-bo',
      document: built(registerDocument(registerData(r, `Năm học ${year}`), meta('register')), '--register'),
    });
  return jobs;
}
