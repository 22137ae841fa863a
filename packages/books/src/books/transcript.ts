/**
 * The student's transcript (*Học bạ*) across years, the register (*Sổ đăng bộ*), transfers and
 * attendance, and the QC Điều 8.5 cross-check of a class markbook against its students' học bạ
 * pages.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import { homeroomStream } from '@hoso/ledger';
import type { BooksError } from '../errors.js';
import { isIncomplete, type OrIncomplete } from '../rules/index.js';
import type { ShownBiography } from '../records/state.js';
import {
  type BiographyChange,
  type Cell,
  type ExemptionRecord,
  type Records,
  type RosterEntry,
  type TransferRecord,
  type TransferSource,
} from '../records/state.js';
import { circumstancesOf, type StudentCircumstances } from './circumstances.js';
import {
  classMarkbook,
  absencesOf,
  type AbsenceCount,
  type Markbook,
  type MarkbookOptions,
  type StudentSummary,
} from './markbook.js';
import { findClass, indexCells } from './common.js';
import { remarkOf, type Remark } from './remarks.js';
import { isMarkedCell } from './year-notes.js';

/** One subject line of a học bạ page. */
export interface TranscriptSubject {
  readonly subject: string;
  readonly name: string;
  readonly HK1: OrIncomplete<string>;
  readonly HK2: OrIncomplete<string>;
  readonly CN: OrIncomplete<string>;
  /** The summer re-test result (TT22 Điều 14), printed beside `CN`, which stays; absent when none. */
  readonly retest?: string;
  /** The exemption covering the subject this year (the latest decided), or null. */
  readonly exemption: ExemptionRecord | null;
  /** Assessed against the pupil's individual education plan (TT22 Điều 11). */
  readonly individualPlan: boolean;
  /** Where term results brought from another school come from, by term. */
  readonly sources: Partial<Record<'HK1' | 'HK2', TransferSource>>;
  /** Teachers who taught it (they sign beside it on paper). */
  readonly teachers: readonly string[];
}

/** One year's page of the học bạ. */
export interface TranscriptPage {
  readonly year: string;
  readonly class: string;
  readonly grade: number;
  readonly ruleSet: string;
  readonly subjects: readonly TranscriptSubject[];
  readonly results: StudentSummary['year'] & {
    readonly HK1: StudentSummary['HK1'];
    readonly HK2: StudentSummary['HK2'];
  };
  readonly homeroom: readonly string[];
  /** Exemptions, individual plan and the principal's decision, transfer out or in, for the year. */
  readonly circumstances: StudentCircumstances;
  /**
   * The homeroom teacher's remarks (*nhận xét của giáo viên chủ nhiệm*): those written with the
   * conduct of each term and with the conduct re-evaluated after the summer; null where none.
   */
  readonly remarks: { readonly HK1: Remark | null; readonly HK2: Remark | null; readonly reevaluation: Remark | null };
  /** Cells of this student in that class that were ever corrected, with their history. */
  readonly corrections: readonly Cell[];
  /**
   * The student's marks in that class that are make-ups (TT22 Điều 7) or were read from another
   * school's documents (QC Điều 8.2): the page prints only term results, so it lists them.
   */
  readonly marked: readonly Cell[];
  readonly approved: boolean;
  readonly sealed: boolean;
}

/** The học bạ of one student. */
export interface Transcript {
  readonly student: string;
  readonly bio: ShownBiography;
  readonly biographyChanges: readonly BiographyChange[];
  readonly pages: readonly TranscriptPage[];
  /** Classes whose page could not be made (e.g. a year under rules hoso does not implement). */
  readonly skipped: ReadonlyArray<{ readonly year: string; readonly class: string; readonly reason: string }>;
}

/** The học bạ page of `student` in a markbook already computed. */
export function transcriptPage(book: Markbook, r: Records, student: string): TranscriptPage | null {
  const summary = book.students.find((s) => s.student === student);
  if (summary === undefined) return null;
  const corrections: Cell[] = [];
  const marked: Cell[] = [];
  const subjects = book.subjects.map((p): TranscriptSubject => {
    const row = p.rows.find((x) => x.student === student)!;
    for (const c of [
      ...row.HK1.regular,
      row.HK1.mid,
      row.HK1.end,
      ...row.HK2.regular,
      row.HK2.mid,
      row.HK2.end,
      row.retest,
    ]) {
      if (c !== null && c.history.some((v) => v.correction !== undefined)) corrections.push(c);
      if (isMarkedCell(c)) marked.push(c);
    }
    const sources: Partial<Record<'HK1' | 'HK2', TransferSource>> = {};
    for (const term of ['HK1', 'HK2'] as const) {
      const source = row[term].transferred?.history.at(-1)?.source ?? row[term].transferred?.history[0]?.source;
      if (source !== undefined) sources[term] = source;
    }
    return {
      subject: p.subject,
      name: p.name,
      HK1: row.HK1.result,
      HK2: row.HK2.result,
      CN: row.year,
      ...(row.retest === null ? {} : { retest: row.retest.value }),
      teachers: p.teachers,
      exemption: row.HK2.exemption ?? row.HK1.exemption,
      individualPlan: row.individualPlan,
      sources,
    };
  });
  for (const c of indexCells(r).get(homeroomStream(book.year, book.class)) ?? []) {
    if (c.student === student && c.history.some((v) => v.correction !== undefined)) corrections.push(c);
  }
  return {
    year: book.year,
    class: book.class,
    grade: book.grade,
    ruleSet: book.ruleSet.id,
    subjects,
    results: { ...summary.year, HK1: summary.HK1, HK2: summary.HK2 },
    homeroom: book.homeroom,
    circumstances: summary.circumstances,
    remarks: {
      HK1: remarkOf(summary.HK1.conductCell),
      HK2: remarkOf(summary.HK2.conductCell),
      reevaluation: remarkOf(summary.year.conductReevaluated?.cell),
    },
    corrections,
    marked,
    approved: book.signoffs.approved.CN !== undefined,
    sealed: book.signoffs.sealed.CN !== undefined,
  };
}

/**
 * The học bạ of `student`: biography, then one page per class the student was enrolled in, in
 * enrolment order. A class whose markbook cannot be made (older rules) is listed in `skipped`.
 */
export function transcript(r: Records, student: string, options: MarkbookOptions = {}): Either<BooksError, Transcript> {
  const s = r.students[student];
  if (s === undefined) {
    return left(hosoError('unknown-student', `student ${student} was never registered`, { path: ['student'] }));
  }
  const pages: TranscriptPage[] = [];
  const skipped: Array<{ year: string; class: string; reason: string }> = [];
  for (const key of s.classes) {
    const c = r.classes[key];
    if (c === undefined) continue;
    const book = classMarkbook(r, c.year, c.class, options);
    if (book._tag === 'Left') {
      skipped.push({ year: c.year, class: c.class, reason: book.left.message });
      continue;
    }
    const page = transcriptPage(book.right, r, student);
    if (page !== null) pages.push(page);
  }
  return right({ student, bio: s.bio, biographyChanges: s.changes, pages, skipped });
}

/** One line of the register (*sổ đăng bộ*). */
export interface RegisterEntry {
  readonly number: number;
  readonly student: string;
  readonly bio: ShownBiography;
  readonly registered: { readonly year: string; readonly class: string; readonly at: string };
  readonly enrolments: ReadonlyArray<
    { readonly year: string; readonly class: string; readonly circumstances: StudentCircumstances } & RosterEntry
  >;
  readonly biographyChanges: readonly BiographyChange[];
}

/** The school's register: every student ever registered, numbered in registration order. */
export function register(r: Records): RegisterEntry[] {
  return Object.values(r.students)
    .sort((a, b) => a.registered.position - b.registered.position)
    .map((s, i) => ({
      number: i + 1,
      student: s.student,
      bio: s.bio,
      registered: { year: s.registered.year, class: s.registered.class, at: s.registered.at },
      enrolments: s.classes.flatMap((k) => {
        const c = r.classes[k];
        return c === undefined
          ? []
          : c.roster
              .filter((e) => e.student === s.student)
              .map((e) => ({ year: c.year, class: c.class, ...e, circumstances: circumstancesOf(r, c.year, e) }));
      }),
      biographyChanges: s.changes,
    }));
}

/** Transfers in and out (*sổ theo dõi học sinh chuyển đi, chuyển đến*), optionally of one year. */
export function transfers(r: Records, year?: string): TransferRecord[] {
  return r.transfers.filter((t) => year === undefined || t.year === year);
}

/** One student's attendance in a class. */
export interface AttendanceLine {
  readonly student: string;
  readonly name: string;
  /** Each absence cell (with its history), by date and session. */
  readonly absences: readonly Cell[];
  readonly HK1: AbsenceCount;
  readonly HK2: AbsenceCount;
  readonly year: AbsenceCount;
}

/** Absences of a class's students (*theo dõi chuyên cần*), per term and year, in half-day sessions. */
export function attendance(r: Records, year: string, cls: string): Either<BooksError, AttendanceLine[]> {
  const found = findClass(r, year, cls);
  if (found._tag === 'Left') return found;
  const cells = indexCells(r);
  const own = (cells.get(homeroomStream(year, cls)) ?? []).filter((c) => c.type === 'AbsenceRecorded');
  return right(
    found.right.roster.map((e) => ({
      student: e.student,
      name: r.students[e.student]?.bio.name ?? e.student,
      absences: own.filter((c) => c.student === e.student).sort((a, b) => (a.key < b.key ? -1 : 1)),
      HK1: absencesOf(r, cells, year, e.student, 'HK1'),
      HK2: absencesOf(r, cells, year, e.student, 'HK2'),
      year: absencesOf(r, cells, year, e.student),
    })),
  );
}

/** A value where the markbook and a học bạ page disagree. */
export interface Disagreement {
  readonly student: string;
  /** Field path on the page, e.g. `["subjects", "toan", "CN"]`, `["results", "conduct"]`. */
  readonly path: ReadonlyArray<string>;
  readonly markbook: unknown;
  readonly transcript: unknown;
}

const show = (v: OrIncomplete<unknown>): unknown =>
  isIncomplete(v) ? 'incomplete' : typeof v === 'object' && v !== null && 'level' in v ? v.level : v;

/**
 * The homeroom teacher's cross-check before confirming the class (QC Điều 8.5): compare every
 * subject result, learning and conduct result, absences, promotion and award of the markbook with
 * each student's học bạ page (from {@link transcript}, or transcribed from paper) and list every
 * disagreement. A student with no page is reported once with path `["page"]`.
 */
export function crossCheck(
  book: Markbook,
  pages: Readonly<Record<string, TranscriptPage | undefined>>,
): Disagreement[] {
  const out: Disagreement[] = [];
  for (const s of book.students) {
    const page = pages[s.student];
    if (page === undefined || page.year !== book.year || page.class !== book.class) {
      out.push({
        student: s.student,
        path: ['page'],
        markbook: `${book.year}/${book.class}`,
        transcript: page === undefined ? null : `${page.year}/${page.class}`,
      });
      continue;
    }
    const cmp = (path: string[], a: unknown, b: unknown) => {
      const x = show(a);
      const y = show(b);
      if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ student: s.student, path, markbook: x, transcript: y });
    };
    for (const p of book.subjects) {
      const row = p.rows.find((x) => x.student === s.student)!;
      const line = page.subjects.find((x) => x.subject === p.subject);
      if (line === undefined) {
        out.push({ student: s.student, path: ['subjects', p.subject], markbook: show(row.year), transcript: null });
        continue;
      }
      cmp(['subjects', p.subject, 'HK1'], row.HK1.result, line.HK1);
      cmp(['subjects', p.subject, 'HK2'], row.HK2.result, line.HK2);
      cmp(['subjects', p.subject, 'CN'], row.year, line.CN);
    }
    for (const extra of page.subjects) {
      if (!book.subjects.some((p) => p.subject === extra.subject)) {
        out.push({ student: s.student, path: ['subjects', extra.subject], markbook: null, transcript: show(extra.CN) });
      }
    }
    for (const term of ['HK1', 'HK2'] as const) {
      cmp(['results', term, 'learning'], s[term].learning, page.results[term].learning);
      cmp(['results', term, 'conduct'], s[term].conduct, page.results[term].conduct);
    }
    cmp(['results', 'learning'], s.year.learning, page.results.learning);
    cmp(['results', 'conduct'], s.year.conduct, page.results.conduct);
    cmp(['results', 'absences'], s.year.absences, page.results.absences);
    cmp(['results', 'promotion'], s.year.promotion, page.results.promotion);
    cmp(['results', 'award'], s.year.award, page.results.award);
  }
  return out;
}
