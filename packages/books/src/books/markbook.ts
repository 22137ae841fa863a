/**
 * The secondary class markbook (*Sổ theo dõi và đánh giá học sinh theo lớp*, TT22 / TT43 for
 * GDTX): per subject and term the regular, mid-term and end-of-term results with every cell's
 * history, ĐTBmhk / ĐTBmcn or Đ/CĐ, sign-off and lock status per column; per student the term
 * and year learning result and conduct, absences, re-test subjects, promotion and award. After the
 * year, re-test results (*kiểm tra lại*, TT22 Điều 14) and conduct re-evaluated after summer
 * training (Điều 13) stand beside the year results — which stay — and replace them for the
 * promotion decision (Điều 12). Exempt subjects, subjects on a pupil's individual plan, make-ups
 * owed and transfers give the empty cells their reasons (see `circumstances.ts`).
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
  countedAbsences,
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
import {
  classKey,
  sessionsPerDay,
  type Cell,
  type ExemptionRecord,
  type Records,
  type RosterEntry,
  type SignStep,
} from '../records/state.js';
import {
  circumstancesOf,
  exemptInTerm,
  exemptionFor,
  gapReason,
  onPlan,
  type Gap,
  type StudentCircumstances,
} from './circumstances.js';
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
  /**
   * The term result brought from another school (*chuyển đến*, with its source on the cell), used
   * instead of the marks.
   */
  readonly transferred: Cell | null;
  /**
   * The exemption covering this subject in the term, if any (`practice`: assessed on the theory;
   * `subject`: not assessed).
   */
  readonly exemption: ExemptionRecord | null;
  /** ĐTBmhk (`"7.1"`) for scored subjects, Đ/CĐ for comment subjects, `Miễn` when not assessed (TT22 Điều 11). */
  readonly result: OrIncomplete<string>;
  /** The cells the rules ask for that are empty, each with the reason the rules allow it or null. */
  readonly gaps: readonly Gap[];
}

/** One student's row in one subject. */
export interface SubjectRow {
  readonly student: string;
  readonly HK1: TermCells;
  readonly HK2: TermCells;
  /** ĐTBmcn, or the comment subject's year result (= term II). */
  readonly year: OrIncomplete<string>;
  /** The summer re-test (*kiểm tra lại*, TT22 Điều 14) of this subject, when entered; beside `year`, which stays. */
  readonly retest: Cell | null;
  /** Assessed against the pupil's individual education plan (TT22 Điều 11): the subject stays out of the levels. */
  readonly individualPlan: boolean;
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

/** Absences in sessions (*buổi*) as recorded: excused (P), unexcused (K). */
export interface AbsenceCount {
  readonly excused: number;
  readonly unexcused: number;
  readonly total: number;
  /** Sessions a day the school teaches that year (the school's setting; one by default). */
  readonly sessionsPerDay: 1 | 2;
  /** `total` as promotion counts it, on a plan of one session a day (TT22 Điều 12.1c): `total / sessionsPerDay`. */
  readonly counted: number;
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
     * After the year (TT22 Điều 14), for a student whose learning was Chưa đạt and who sat
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
  /** Exemptions, individual plan and the principal's decision, transfer out or in. */
  readonly circumstances: StudentCircumstances;
  /** Every empty cell the rules ask for, by subject and term, with its reason (null: simply missing). */
  readonly gaps: ReadonlyArray<Gap & { readonly subject: string; readonly term: TermId }>;
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
  return { regular, mid: at('gk'), end: at('ck'), transferred: at('transferred') };
}

/** The column name of a missing path of `termAverage` / `commentTermResult`. */
function columnOf(path: ReadonlyArray<string | number>): string {
  return path[0] === 'regular' ? `tx${Number(path[1]) + 1}` : path[0] === 'mid' ? 'gk' : 'ck';
}

/** A subject's per-term and year results for the levels; null where it does not count (exempt, on the plan). */
type LevelResults = { HK1: SubjectResult | null; HK2: SubjectResult | null; CN: SubjectResult | null };

/** The label of a subject not assessed for this pupil (TT22 Điều 11, check), as the forms print it. */
export const EXEMPT = 'Miễn';

function subjectPage(
  r: Records,
  ctx: Ctx,
  cells: CellIndex,
  year: string,
  cls: string,
  grade: number,
  roster: readonly RosterEntry[],
  circumstances: ReadonlyMap<string, StudentCircumstances>,
  offering: { subject: string; periodsPerYear: number; assessment: 'scored' | 'comment' },
): { page: SubjectPage; results: Map<string, LevelResults> } {
  const { subject, assessment } = offering;
  const stream = markbookStream(year, cls, subject);
  const byKey = new Map((cells.get(stream) ?? []).map((c) => [c.key, c] as const));
  const required = regularAssessmentCount(ctx.p, offering.periodsPerYear, assessment === 'comment');
  const results = new Map<string, LevelResults>();
  const termDates = r.years[year];
  const rows = roster.map((entry): SubjectRow => {
    const c = circumstances.get(entry.student) ?? circumstancesOf(r, year, entry);
    const plan = onPlan(c, subject);
    const terms = {} as Record<TermId, TermCells>;
    const exact = {} as Record<TermId, OrIncomplete<Decimal>>;
    const subjectResults = {} as Record<TermId, SubjectResult>;
    const exempt = { HK1: exemptInTerm(c, subject, 'HK1'), HK2: exemptInTerm(c, subject, 'HK2') };
    for (const term of TERMS) {
      const tc = termCells(byKey, stream, entry.student, term, required);
      const exemption = exemptionFor(c, subject, term);
      const gapsOf = (res: OrIncomplete<unknown>): Gap[] =>
        isIncomplete(res)
          ? res.missing.map((m) => {
              const column = columnOf(m);
              const key = `${stream}#${entry.student}/${term}/${column}`;
              return { column, reason: gapReason(r, c, key, subject, term, termDates?.[term].end) };
            })
          : [];
      if (exempt[term]) {
        // Not assessed (TT22 Điều 11, check): no column is asked for; the term's levels leave the subject out.
        terms[term] = { ...tc, exemption, result: EXEMPT, gaps: [] };
        exact[term] = incomplete([]);
        subjectResults[term] = { subject, kind: 'scored', average: incomplete([]) };
        continue;
      }
      if (assessment === 'scored') {
        const scores = {
          regular: tc.regular.map((x) => score(ctx, x)),
          mid: score(ctx, tc.mid),
          end: score(ctx, tc.end),
        };
        // A term spent at another school counts with that school's term average (QC Điều 8.2).
        const brought = tc.transferred === null ? null : score(ctx, tc.transferred);
        const avg = brought ?? termAverage(ctx.p, scores, required);
        exact[term] = brought ?? (ctx.p.yearUsesRoundedTerms ? avg : termAverageExact(ctx.p, scores, required));
        terms[term] = {
          ...tc,
          exemption,
          result: isIncomplete(avg) ? avg : toDecimalString(avg),
          gaps: brought === null ? gapsOf(avg) : [],
        };
        subjectResults[term] = { subject, kind: 'scored', average: avg };
      } else {
        const levels = [...tc.regular, tc.mid, tc.end].map((x) => (x === null ? null : (x.value as CommentResult)));
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
        const brought = tc.transferred === null ? null : (tc.transferred.value as CommentResult);
        const result = brought ?? named;
        terms[term] = { ...tc, exemption, result, gaps: brought === null ? gapsOf(named) : [] };
        subjectResults[term] = { subject, kind: 'comment', result: result as OrIncomplete<CommentResult> };
      }
    }
    let yearResult: OrIncomplete<string>;
    let yearSubject: SubjectResult;
    if (exempt.HK1 && exempt.HK2) {
      yearResult = EXEMPT;
      yearSubject = { subject, kind: 'scored', average: incomplete([]) };
    } else if (exempt.HK1 || exempt.HK2) {
      // Exempt for one term: the term studied gives the year's result (check: by analogy with the
      // older TT58/2011, which said so for a subject exempt for one term; TT22 is silent).
      const studied = exempt.HK1 ? 'HK2' : 'HK1';
      yearSubject = subjectResults[studied];
      const r0 = yearSubject.kind === 'scored' ? yearSubject.average : yearSubject.result;
      yearResult = isIncomplete(r0)
        ? incomplete(r0.missing.map((m) => [studied, ...m]))
        : typeof r0 === 'string'
          ? r0
          : toDecimalString(r0);
    } else if (assessment === 'scored') {
      const y = yearAverage(ctx.p, exact.HK1, exact.HK2);
      yearResult = isIncomplete(y) ? y : toDecimalString(y);
      yearSubject = { subject, kind: 'scored', average: y };
    } else {
      const t2 = (subjectResults.HK2 as Extract<SubjectResult, { kind: 'comment' }>).result;
      yearResult = isIncomplete(t2) ? incomplete(t2.missing.map((m) => ['HK2', ...m])) : t2;
      yearSubject = { subject, kind: 'comment', result: yearResult as OrIncomplete<CommentResult> };
    }
    // Subjects not assessed, or assessed against the individual plan, stay out of the levels (TT22 Điều 11).
    const counts = (term: TermId | 'CN') => !plan && !(term === 'CN' ? exempt.HK1 && exempt.HK2 : exempt[term]);
    results.set(entry.student, {
      HK1: counts('HK1') ? subjectResults.HK1 : null,
      HK2: counts('HK2') ? subjectResults.HK2 : null,
      CN: counts('CN') ? yearSubject : null,
    });
    return {
      student: entry.student,
      HK1: terms.HK1,
      HK2: terms.HK2,
      year: yearResult,
      retest: byKey.get(`${stream}#${entry.student}/retest`) ?? null,
      individualPlan: plan,
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

/** True when `date` is before the last day of the year's HK2: a student who left then did not finish the year here. */
function leftBeforeYearEnd(r: Records, year: string, date: string): boolean {
  const end = r.years[year]?.HK2.end;
  return end === undefined || date < end;
}

/**
 * Absences of `student` in `year` over every class of the school, by current cell value, with the
 * count promotion reads at `perDay` sessions a day (TT22 Điều 12.1c, {@link countedAbsences}).
 */
export function absencesOf(
  r: Records,
  cells: CellIndex,
  year: string,
  student: string,
  term?: TermId,
  perDay: 1 | 2 = sessionsPerDay(r, year),
): AbsenceCount {
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
  const total = excused + unexcused;
  return { excused, unexcused, total, sessionsPerDay: perDay, counted: countedAbsences(total, perDay) };
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
  const circumstances = new Map(klass.roster.map((e) => [e.student, circumstancesOf(r, year, e)] as const));
  const pages = offerings.map((o) =>
    subjectPage(r, ctx, cells, year, cls, klass.grade, klass.roster, circumstances, o),
  );
  const perDay = sessionsPerDay(r, year);
  const home = new Map((cells.get(homeroomStream(year, cls)) ?? []).map((c) => [c.key, c] as const));
  const hs = homeroomStream(year, cls);
  const students = klass.roster.map((entry): StudentSummary => {
    const circ = circumstances.get(entry.student)!;
    const subjectsAt = (p: 'HK1' | 'HK2' | 'CN') =>
      pages
        .map((pg) => pg.results.get(entry.student)?.[p])
        .filter((x): x is SubjectResult => x !== undefined && x !== null);
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
    const absences = absencesOf(r, cells, year, entry.student, undefined, perDay);
    const learningLevel = isIncomplete(learning) ? learning : learning.level;
    const retest = learningLevel === 'Chưa đạt' ? retestSubjects(ctx.p, yearSubjects) : [];
    /** The date the student left, when that was before the year's end. */
    const leftOn = circ.left !== null && leftBeforeYearEnd(r, year, circ.left.date) ? circ.left.date : null;
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
        promotion:
          leftOn !== null
            ? { status: 'transferred', date: leftOn }
            : promotion(ctx.p, {
                conduct,
                learning: learningLevel,
                absentSessions: absences.counted,
                ...(conductReevaluated === null ? {} : { conductReevaluated: conductReevaluated.value }),
                ...(afterLevel === undefined ? {} : { learningAfterRetest: afterLevel }),
                ...(circ.plan === null
                  ? {}
                  : { individualPlan: circ.decision === null ? {} : { decision: circ.decision.decision } }),
              }),
        // Awards are for the year's own results, not for results after re-tests; a student who left
        // before the year's end has no year here to be awarded for.
        award: leftOn !== null ? null : award(ctx.p, conduct, learningLevel, yearSubjects),
        afterRetest,
        conductReevaluated,
      },
      circumstances: circ,
      gaps: pages.flatMap((pg) => {
        const row = pg.page.rows.find((x) => x.student === entry.student);
        return row === undefined
          ? []
          : TERMS.flatMap((term) => row[term].gaps.map((g) => ({ subject: pg.page.subject, term, ...g })));
      }),
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
