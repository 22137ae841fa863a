/**
 * The secondary class markbook (*Sổ theo dõi và đánh giá học sinh theo lớp*, TT22 / TT43 for
 * GDTX): per subject and term the regular, mid-term and end-of-term results with every cell's
 * history, ĐTBmhk / ĐTBmcn or Đ/CĐ, sign-off and lock status per column; per student the term
 * and year learning result and conduct, absences, re-test subjects, promotion and award. After the
 * year, re-test results (*kiểm tra lại*) and conduct re-evaluated after summer training (TT22 Điều
 * 12) stand beside the year results — which stay — and replace them for the promotion decision.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import { homeroomStream, markbookStream } from '@hoso/ledger';
import type { BooksError } from '../errors.js';
import { toDecimalString, type Decimal } from '../decimal.js';
import {
  award,
  commentTermResult,
  conductYear,
  incomplete,
  isIncomplete,
  learningAfterRetest,
  learningResult,
  parseScore,
  promotion,
  regularAssessmentCount,
  retestSubjects,
  ruleSetFor,
  termAverage,
  termAverageExact,
  yearAverage,
  type Award,
  type CommentResult,
  type ConductLevel,
  type GdtxRuleSet,
  type LearningOutcome,
  type OrIncomplete,
  type Promotion,
  type RetestResult,
  type RuleSet,
  type SubjectResult,
  type Tt22Params,
  type Tt22RuleSet,
} from '../rules/index.js';
import { classKey, type Cell, type Records, type RosterEntry, type SignStep } from '../records/state.js';
import { findClass, holders, indexCells, lockStatus, stepOrNull, type CellIndex, type LockStatus } from './common.js';

const TERMS = ['HK1', 'HK2'] as const;
/** A term of the school year. */
export type TermId = (typeof TERMS)[number];

/** One subject's cells and result for one student in one term. */
export interface TermCells {
  /** ĐĐGtx slots 1…n (index 0 is slot 1); null where nothing was entered. */
  readonly regular: ReadonlyArray<Cell | null>;
  readonly mid: Cell | null;
  readonly end: Cell | null;
  /** ĐTBmhk (`"7.1"`) for scored subjects, Đ/CĐ for comment subjects. */
  readonly result: OrIncomplete<string>;
}

/** One student's row in one subject. */
export interface SubjectRow {
  readonly student: string;
  readonly HK1: TermCells;
  readonly HK2: TermCells;
  /** ĐTBmcn, or the comment subject's year result (= term II). */
  readonly year: OrIncomplete<string>;
  /**
   * The summer re-test (*kiểm tra lại*, TT22 Điều 12) of this subject, when one was entered; beside `year`, which
   * stays.
   */
  readonly retest: Cell | null;
}

/** Sign-off and lock status of a subject's columns. */
export interface ColumnStatus {
  readonly signedOff: SignStep | null;
  readonly lock: { readonly tx: LockStatus; readonly gk: LockStatus; readonly ck: LockStatus };
}

/** A subject's page of the markbook. */
export interface SubjectPage {
  readonly subject: string;
  readonly name: string;
  readonly assessment: 'scored' | 'comment';
  readonly periodsPerYear: number;
  /** ĐĐGtx per term (TT22 Điều 6.2). */
  readonly regularCount: number;
  readonly teachers: readonly string[];
  readonly status: {
    readonly HK1: ColumnStatus;
    readonly HK2: ColumnStatus;
    readonly CN: { readonly signedOff: SignStep | null };
  };
  readonly rows: readonly SubjectRow[];
}

/** A student's results for a term. */
export interface TermResult {
  readonly learning: OrIncomplete<LearningOutcome>;
  readonly conduct: OrIncomplete<ConductLevel>;
  readonly conductCell: Cell | null;
}

/** Absences in half-day sessions: excused (P), unexcused (K). */
export interface AbsenceCount {
  readonly excused: number;
  readonly unexcused: number;
  readonly total: number;
}

/** A student's summary line of the markbook. */
export interface StudentSummary {
  readonly student: string;
  readonly name: string;
  readonly roster: RosterEntry;
  readonly HK1: TermResult;
  readonly HK2: TermResult;
  readonly year: {
    readonly learning: OrIncomplete<LearningOutcome>;
    readonly conduct: OrIncomplete<ConductLevel>;
    /** Absences in the whole school year, every class of this school included. */
    readonly absences: AbsenceCount;
    /** Subjects to re-test when learning is Chưa đạt (CĐ subjects, ĐTBmcn < 5.0). */
    readonly retest: readonly string[];
    readonly promotion: OrIncomplete<Promotion>;
    readonly award: OrIncomplete<Award>;
    /**
     * After the year (TT22 Điều 12–13), for a student whose learning was Chưa đạt and who sat
     * re-tests: the re-test cells by subject, and the learning result re-classified with them
     * (each re-test replaces that subject's year result; incomplete until every subject of
     * `retest` has its result). Null when no re-test applies.
     */
    readonly afterRetest: {
      readonly retests: Readonly<Record<string, Cell>>;
      readonly learning: OrIncomplete<LearningOutcome>;
    } | null;
    /** Conduct re-evaluated after summer training, when the year conduct was Chưa đạt and it was entered; else null. */
    readonly conductReevaluated: { readonly value: ConductLevel; readonly cell: Cell } | null;
  };
}

/** The class markbook. */
export interface Markbook {
  readonly year: string;
  readonly class: string;
  readonly grade: number;
  readonly name?: string;
  readonly ruleSet: { readonly id: string; readonly regulation: string; readonly overridden: readonly string[] };
  readonly homeroom: readonly string[];
  readonly subjects: readonly SubjectPage[];
  readonly students: readonly StudentSummary[];
  readonly signoffs: {
    readonly confirmed: Partial<Record<'HK1' | 'HK2' | 'CN', SignStep>>;
    readonly approved: Partial<Record<'HK1' | 'HK2' | 'CN', SignStep>>;
    readonly sealed: Partial<Record<'HK1' | 'HK2' | 'CN', SignStep>>;
  };
  /** Ledger positions of cells whose value the rule set could not read. */
  readonly problems: readonly string[];
  /** The records position the book reflects. */
  readonly position: number;
}

/** Options of {@link classMarkbook}. */
export interface MarkbookOptions {
  /** A rule set to use instead of the one `ruleSetFor` picks (a province's overrides). */
  readonly ruleSet?: RuleSet;
  /** `gdtx` for a continuing-education centre (default: from the school's levels). */
  readonly level?: 'secondary' | 'gdtx';
}

/** The rule set a markbook of this class uses. */
export function markbookRuleSet(
  r: Records,
  grade: number,
  year: string,
  options: MarkbookOptions = {},
): Either<BooksError, Tt22RuleSet | GdtxRuleSet> {
  const levels = r.school?.levels ?? [];
  const level =
    options.level ??
    (levels.includes('continuing') && !levels.some((l) => l.endsWith('secondary')) ? 'gdtx' : 'secondary');
  const rs = options.ruleSet ?? ruleSetFor(level, grade, year);
  const picked = 'id' in rs ? right(rs) : rs;
  if (picked._tag === 'Left') return picked;
  const set = picked.right;
  if (set.id !== 'tt22' && set.id !== 'gdtx') {
    return left(
      hosoError('wrong-level', `rule set ${set.id} does not grade a secondary markbook`, { path: ['ruleSet'] }),
    );
  }
  return right(set);
}

interface Ctx {
  readonly p: Tt22Params;
  readonly problems: string[];
}

function score(ctx: Ctx, c: Cell | null): Decimal | null {
  if (c === null) return null;
  const v = parseScore(c.value);
  if (v._tag === 'Left') {
    ctx.problems.push(`${c.key}: ${v.left.message}`);
    return null;
  }
  return v.right;
}

function termCells(byKey: ReadonlyMap<string, Cell>, stream: string, student: string, term: TermId, required: number) {
  const at = (col: string) => byKey.get(`${stream}#${student}/${term}/${col}`) ?? null;
  let slots = required;
  for (let i = required + 1; i <= 4; i++) if (at(`tx${i}`) !== null) slots = i;
  const regular = Array.from({ length: slots }, (_, i) => at(`tx${i + 1}`));
  return { regular, mid: at('gk'), end: at('ck') };
}

function subjectPage(
  r: Records,
  ctx: Ctx,
  cells: CellIndex,
  year: string,
  cls: string,
  grade: number,
  roster: readonly RosterEntry[],
  offering: { subject: string; periodsPerYear: number; assessment: 'scored' | 'comment' },
): { page: SubjectPage; results: Map<string, { HK1: SubjectResult; HK2: SubjectResult; CN: SubjectResult }> } {
  const { subject, assessment } = offering;
  const stream = markbookStream(year, cls, subject);
  const byKey = new Map((cells.get(stream) ?? []).map((c) => [c.key, c] as const));
  const required = regularAssessmentCount(ctx.p, offering.periodsPerYear, assessment === 'comment');
  const results = new Map<string, { HK1: SubjectResult; HK2: SubjectResult; CN: SubjectResult }>();
  const rows = roster.map((entry): SubjectRow => {
    const terms = {} as Record<TermId, TermCells>;
    const exact = {} as Record<TermId, OrIncomplete<Decimal>>;
    const subjectResults = {} as Record<TermId, SubjectResult>;
    for (const term of TERMS) {
      const tc = termCells(byKey, stream, entry.student, term, required);
      if (assessment === 'scored') {
        const scores = {
          regular: tc.regular.map((c) => score(ctx, c)),
          mid: score(ctx, tc.mid),
          end: score(ctx, tc.end),
        };
        const avg = termAverage(ctx.p, scores, required);
        exact[term] = ctx.p.yearUsesRoundedTerms ? avg : termAverageExact(ctx.p, scores, required);
        terms[term] = { ...tc, result: isIncomplete(avg) ? avg : toDecimalString(avg) };
        subjectResults[term] = { subject, kind: 'scored', average: avg };
      } else {
        const levels = [...tc.regular, tc.mid, tc.end].map((c) => (c === null ? null : (c.value as CommentResult)));
        // Regular slots first, then mid and end: the required ones are the first required + 2.
        const ordered = [
          ...levels.slice(0, tc.regular.length),
          levels[tc.regular.length] ?? null,
          levels[tc.regular.length + 1] ?? null,
        ];
        const res = commentTermResult(ordered, required + 2);
        const named = isIncomplete(res)
          ? incomplete(
              res.missing.map(([i]) =>
                i === tc.regular.length ? ['mid'] : i === tc.regular.length + 1 ? ['end'] : ['regular', i as number],
              ),
            )
          : res;
        terms[term] = { ...tc, result: named };
        subjectResults[term] = { subject, kind: 'comment', result: named as OrIncomplete<CommentResult> };
      }
    }
    let yearResult: OrIncomplete<string>;
    let yearSubject: SubjectResult;
    if (assessment === 'scored') {
      const y = yearAverage(ctx.p, exact.HK1, exact.HK2);
      yearResult = isIncomplete(y) ? y : toDecimalString(y);
      yearSubject = { subject, kind: 'scored', average: y };
    } else {
      const t2 = (subjectResults.HK2 as Extract<SubjectResult, { kind: 'comment' }>).result;
      yearResult = isIncomplete(t2) ? incomplete(t2.missing.map((m) => ['HK2', ...m])) : t2;
      yearSubject = { subject, kind: 'comment', result: yearResult as OrIncomplete<CommentResult> };
    }
    results.set(entry.student, { HK1: subjectResults.HK1, HK2: subjectResults.HK2, CN: yearSubject });
    return {
      student: entry.student,
      HK1: terms.HK1,
      HK2: terms.HK2,
      year: yearResult,
      retest: byKey.get(`${stream}#${entry.student}/retest`) ?? null,
    };
  });
  const signs = r.signoffs[classKey(year, cls)]?.subjects[subject] ?? {};
  const status = (term: TermId): ColumnStatus => {
    const scope = { year, grade, class: cls, subject, term };
    return {
      signedOff: stepOrNull(signs[term]),
      lock: {
        tx: lockStatus(r, { ...scope, column: 'tx', mid: false }),
        gk: lockStatus(r, { ...scope, column: 'gk', mid: true }),
        ck: lockStatus(r, { ...scope, column: 'ck', mid: false }),
      },
    };
  };
  return {
    page: {
      subject,
      name: r.subjects[subject] ?? subject,
      assessment,
      periodsPerYear: offering.periodsPerYear,
      regularCount: required,
      teachers: holders(r, 'subject', year, cls, subject),
      status: { HK1: status('HK1'), HK2: status('HK2'), CN: { signedOff: stepOrNull(signs.CN) } },
      rows,
    },
    results,
  };
}

/**
 * The learning result after re-tests of a student who has some (`retest` non-empty): null when no
 * re-test was entered; incomplete (naming `['retest', subject]`) while a subject to re-test has no
 * result; otherwise the year result re-classified (`learningAfterRetest`).
 */
function summerLearning(
  ctx: Ctx,
  pages: ReadonlyArray<{ page: SubjectPage }>,
  student: string,
  retest: readonly string[],
  yearSubjects: readonly SubjectResult[],
): { retests: Record<string, Cell>; learning: OrIncomplete<LearningOutcome> } | null {
  if (retest.length === 0) return null;
  const retests: Record<string, Cell> = {};
  const values: Record<string, RetestResult> = {};
  for (const { page } of pages) {
    const cell = page.rows.find((x) => x.student === student)?.retest ?? null;
    if (cell === null || !retest.includes(page.subject)) continue;
    retests[page.subject] = cell;
    if (page.assessment === 'comment') values[page.subject] = cell.value as CommentResult;
    else {
      const v = score(ctx, cell);
      if (v !== null) values[page.subject] = v;
    }
  }
  if (Object.keys(retests).length === 0) return null;
  const missing = retest.filter((x) => values[x] === undefined);
  if (missing.length > 0) return { retests, learning: incomplete(missing.map((x) => ['retest', x])) };
  return { retests, learning: learningAfterRetest(ctx.p, yearSubjects, values) };
}

/** Absences of `student` in `year` over every class of the school, by current cell value. */
export function absencesOf(r: Records, cells: CellIndex, year: string, student: string, term?: TermId): AbsenceCount {
  let excused = 0;
  let unexcused = 0;
  const terms = r.years[year];
  for (const c of Object.values(r.classes)) {
    if (c.year !== year) continue;
    for (const cell of cells.get(homeroomStream(year, c.class)) ?? []) {
      if (cell.type !== 'AbsenceRecorded' || cell.student !== student) continue;
      if (term !== undefined) {
        const range = terms?.[term];
        if (range === undefined || cell.date === undefined || cell.date < range.start || cell.date > range.end)
          continue;
      }
      if (cell.value === 'P') excused++;
      else if (cell.value === 'K') unexcused++;
    }
  }
  return { excused, unexcused, total: excused + unexcused };
}

/**
 * The class markbook of `cls` in `year`, computed from the records with the rule set for its grade
 * and year (or `options.ruleSet`). Values not yet entered make the affected results
 * `incomplete`, never a wrong number.
 */
export function classMarkbook(
  r: Records,
  year: string,
  cls: string,
  options: MarkbookOptions = {},
): Either<BooksError, Markbook> {
  const found = findClass(r, year, cls);
  if (found._tag === 'Left') return found;
  const klass = found.right;
  const rs = markbookRuleSet(r, klass.grade, year, options);
  if (rs._tag === 'Left') return rs;
  const ctx: Ctx = { p: rs.right.params, problems: [] };
  const cells = indexCells(r);
  const offerings = Object.values(r.offerings[`${year}/${klass.grade}`] ?? {}).filter(
    (o): o is typeof o & { assessment: 'scored' | 'comment' } =>
      o.assessment === 'scored' || o.assessment === 'comment',
  );
  const pages = offerings.map((o) => subjectPage(r, ctx, cells, year, cls, klass.grade, klass.roster, o));
  const home = new Map((cells.get(homeroomStream(year, cls)) ?? []).map((c) => [c.key, c] as const));
  const hs = homeroomStream(year, cls);
  const students = klass.roster.map((entry): StudentSummary => {
    const subjectsAt = (p: 'HK1' | 'HK2' | 'CN') =>
      pages.map((pg) => pg.results.get(entry.student)?.[p]).filter((x): x is SubjectResult => x !== undefined);
    const conductOf = (term: TermId): { conduct: OrIncomplete<ConductLevel>; cell: Cell | null } => {
      const cell = home.get(`${hs}#${entry.student}/${term}/conduct`) ?? null;
      return { conduct: cell === null ? incomplete([['conduct', term]]) : (cell.value as ConductLevel), cell };
    };
    const termResult = (term: TermId): TermResult => {
      const c = conductOf(term);
      return { learning: learningResult(ctx.p, subjectsAt(term)), conduct: c.conduct, conductCell: c.cell };
    };
    const HK1 = termResult('HK1');
    const HK2 = termResult('HK2');
    const yearSubjects = subjectsAt('CN');
    const learning = learningResult(ctx.p, yearSubjects);
    const conduct = conductYear(HK1.conduct, HK2.conduct);
    const absences = absencesOf(r, cells, year, entry.student);
    const learningLevel = isIncomplete(learning) ? learning : learning.level;
    const retest = learningLevel === 'Chưa đạt' ? retestSubjects(ctx.p, yearSubjects) : [];
    const afterRetest = summerLearning(ctx, pages, entry.student, retest, yearSubjects);
    const reCell = home.get(`${hs}#${entry.student}/reevaluation`) ?? null;
    const conductReevaluated =
      conduct === 'Chưa đạt' && reCell !== null ? { value: reCell.value as ConductLevel, cell: reCell } : null;
    const afterLevel =
      afterRetest === null || isIncomplete(afterRetest.learning) ? undefined : afterRetest.learning.level;
    return {
      student: entry.student,
      name: r.students[entry.student]?.bio.name ?? entry.student,
      roster: entry,
      HK1,
      HK2,
      year: {
        learning,
        conduct,
        absences,
        retest,
        promotion: promotion(ctx.p, {
          conduct,
          learning: learningLevel,
          absentSessions: absences.total,
          ...(conductReevaluated === null ? {} : { conductReevaluated: conductReevaluated.value }),
          ...(afterLevel === undefined ? {} : { learningAfterRetest: afterLevel }),
        }),
        // Awards are for the year's own results, not for results after re-tests.
        award: award(ctx.p, conduct, learningLevel, yearSubjects),
        afterRetest,
        conductReevaluated,
      },
    };
  });
  const so = r.signoffs[classKey(year, cls)];
  return right({
    year,
    class: cls,
    grade: klass.grade,
    ...(klass.name !== undefined ? { name: klass.name } : {}),
    ruleSet: { id: rs.right.id, regulation: rs.right.regulation, overridden: rs.right.overridden },
    homeroom: holders(r, 'homeroom', year, cls),
    subjects: pages.map((p) => p.page),
    students,
    signoffs: { confirmed: so?.confirmed ?? {}, approved: so?.approved ?? {}, sealed: so?.sealed ?? {} },
    problems: ctx.problems,
    position: r.applied,
  });
}

/**
 * The continuing-education learners' book (*sổ theo dõi và đánh giá học viên*, TT43/2021): the
 * markbook layout graded with the GDTX rule set, whose (check) values a province may override.
 */
export function learnersBook(
  r: Records,
  year: string,
  cls: string,
  options: Omit<MarkbookOptions, 'level'> = {},
): Either<BooksError, Markbook> {
  return classMarkbook(r, year, cls, { ...options, level: 'gdtx' });
}
