/**
 * Secondary assessment under Thông tư 22/2021/TT-BGDĐT (*đánh giá học sinh THCS, THPT*); the
 * continuing-education rule set (`gdtx.ts`) reuses these functions with its own values. Every threshold lives once, in
 * {@link TT22_DEFAULTS}, with the article it comes from in {@link TT22_SOURCES}; a province may
 * override the values marked (check) through `withOverrides`.
 */
import { add, compare, dec, divRoundHalfUp, mulInt, sum, type Decimal } from '../decimal.js';
import {
  atLeast4,
  collectMissing,
  incomplete,
  isIncomplete,
  LEVELS4,
  rank4,
  type CommentResult,
  type ConductLevel,
  type LearningLevel,
  type OrIncomplete,
} from './levels.js';

/** The parameters of the secondary rule set. Decimal thresholds are strings (`"6.5"`). */
export interface Tt22Params {
  /** ĐĐGtx per term by periods a year: ≤35 → 2, >35..70 → 3, >70 → 4; comment-only subjects. */
  readonly regularCount: {
    readonly upTo35: number;
    readonly upTo70: number;
    readonly above70: number;
    readonly commentOnly: number;
  };
  /**
   * Weights in ĐTBmhk = (ΣĐĐGtx + mid·ĐĐGgk + end·ĐĐGck) / (n + mid + end) and ĐTBmcn = (I + term2·II) / (1 + term2).
   */
  readonly weights: { readonly mid: number; readonly end: number; readonly term2: number };
  /** ĐTBmcn is computed from the term averages already rounded to one decimal. */
  readonly yearUsesRoundedTerms: boolean;
  /** Tốt: every scored subject ≥ floor and at least highCount ≥ high; every comment subject Đ. */
  readonly good: { readonly floor: string; readonly high: string; readonly highCount: number };
  /** Khá: every scored subject ≥ floor and at least highCount ≥ high; every comment subject Đ. */
  readonly fair: { readonly floor: string; readonly high: string; readonly highCount: number };
  /** Đạt: ≤ maxCommentFail comment subjects CĐ, ≥ passCount scored ≥ pass, none < floor. */
  readonly pass: {
    readonly maxCommentFail: number;
    readonly pass: string;
    readonly passCount: number;
    readonly floor: string;
  };
  /** Raise by one level a result dragged down two or more levels by one single subject. */
  readonly oneSubjectAdjustment: boolean;
  /**
   * Most sessions (*buổi*) absent, excused or not, for promotion, counted on a plan of one
   * session a day (see {@link countedAbsences}).
   */
  readonly maxAbsentSessions: number;
  /** Scored subjects below this ĐTBmcn are re-tested (with comment subjects at CĐ). */
  readonly retestBelow: string;
  /** *Học sinh Xuất sắc*: Giỏi and at least count subjects with ĐTBmcn ≥ threshold. */
  readonly excellent: { readonly threshold: string; readonly count: number };
}

/** The values of Thông tư 22/2021 (Điều 6–9, 12, 14, 15), each with its article in TT22_SOURCES. */
export const TT22_DEFAULTS: Tt22Params = {
  regularCount: { upTo35: 2, upTo70: 3, above70: 4, commentOnly: 2 },
  weights: { mid: 2, end: 3, term2: 2 },
  yearUsesRoundedTerms: true,
  good: { floor: '6.5', high: '8.0', highCount: 6 },
  fair: { floor: '5.0', high: '6.5', highCount: 6 },
  pass: { maxCommentFail: 1, pass: '5.0', passCount: 6, floor: '3.5' },
  oneSubjectAdjustment: true,
  maxAbsentSessions: 45,
  retestBelow: '5.0',
  excellent: { threshold: '9.0', count: 6 },
};

/**
 * Where each parameter comes from. "(check)" marks a value read from secondary sources or by
 * analogy: a province may override it.
 */
export const TT22_SOURCES: { readonly [K in keyof Tt22Params]: string } = {
  regularCount: 'TT22 Điều 6.2 (comment-only count: check)',
  weights: 'TT22 Điều 9 (ĐTBmhk, ĐTBmcn formulas)',
  yearUsesRoundedTerms: 'TT22 Điều 9 (check: rounded term averages)',
  good: 'TT22 Điều 9.2a (mức Tốt)',
  fair: 'TT22 Điều 9.2b (mức Khá)',
  pass: 'TT22 Điều 9.2c (mức Đạt)',
  oneSubjectAdjustment: 'TT22 Điều 9.3 (check: reading by analogy with TT58/2011 Điều 13)',
  maxAbsentSessions: 'TT22 Điều 12.1c (nghỉ không quá 45 buổi, tính theo kế hoạch 1 buổi/ngày)',
  retestBelow: 'TT22 Điều 14 (kiểm tra lại: môn CĐ, ĐTBmcn < 5,0)',
  excellent: 'TT22 Điều 15 (khen thưởng: Học sinh Xuất sắc, Học sinh Giỏi)',
};

/** Number of regular assessments (ĐĐGtx) per term for a subject (TT22 Điều 6.2). */
export function regularAssessmentCount(p: Tt22Params, periodsPerYear: number, commentOnly: boolean): number {
  if (commentOnly) return p.regularCount.commentOnly;
  if (periodsPerYear <= 35) return p.regularCount.upTo35;
  if (periodsPerYear <= 70) return p.regularCount.upTo70;
  return p.regularCount.above70;
}

/** The marks of one scored subject in one term; `null`/`undefined` where not yet entered. */
export interface TermScores {
  /** ĐĐGtx, slot by slot (slot i is `regular[i]`). */
  readonly regular: ReadonlyArray<Decimal | null | undefined>;
  /** ĐĐGgk (mid-term). */
  readonly mid: Decimal | null | undefined;
  /** ĐĐGck (end of term). */
  readonly end: Decimal | null | undefined;
}

/**
 * ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (number of ĐĐGtx + 5), rounded half up to one
 * decimal. Fewer regular marks than `required`, or a missing mid/end mark, gives
 * {@link Incomplete} naming the empty slots. Extra regular marks beyond `required` count.
 */
export function termAverage(p: Tt22Params, scores: TermScores, required: number): OrIncomplete<Decimal> {
  const missing: Array<ReadonlyArray<string | number>> = [];
  const regular: Decimal[] = [];
  const slots = Math.max(required, scores.regular.length);
  for (let i = 0; i < slots; i++) {
    const r = scores.regular[i];
    if (r === null || r === undefined) {
      if (i < required) missing.push(['regular', i]);
    } else regular.push(r);
  }
  if (scores.mid === null || scores.mid === undefined) missing.push(['mid']);
  if (scores.end === null || scores.end === undefined) missing.push(['end']);
  if (missing.length > 0 || scores.mid == null || scores.end == null) return incomplete(missing);
  const total = add(add(sum(regular), mulInt(scores.mid, p.weights.mid)), mulInt(scores.end, p.weights.end));
  return divRoundHalfUp(total, regular.length + p.weights.mid + p.weights.end, 1);
}

/**
 * ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3, rounded half up to one decimal. With
 * `yearUsesRoundedTerms` the inputs are the printed (rounded) term averages; otherwise pass the
 * exact term averages (e.g. from {@link termAverageExact}).
 */
export function yearAverage(
  p: Tt22Params,
  term1: OrIncomplete<Decimal>,
  term2: OrIncomplete<Decimal>,
): OrIncomplete<Decimal> {
  const inc = collectMissing([
    [['term1'], term1],
    [['term2'], term2],
  ]);
  if (inc !== null || isIncomplete(term1) || isIncomplete(term2)) return inc ?? incomplete([]);
  return divRoundHalfUp(add(term1, mulInt(term2, p.weights.term2)), 1 + p.weights.term2, 1);
}

/** The term average unrounded to 12 decimals, for provinces that set `yearUsesRoundedTerms: false`. */
export function termAverageExact(p: Tt22Params, scores: TermScores, required: number): OrIncomplete<Decimal> {
  const rounded = termAverage(p, scores, required);
  if (isIncomplete(rounded)) return rounded;
  const regular = scores.regular.filter((r): r is Decimal => r !== null && r !== undefined);
  const total = add(
    add(sum(regular), mulInt(scores.mid as Decimal, p.weights.mid)),
    mulInt(scores.end as Decimal, p.weights.end),
  );
  return divRoundHalfUp(total, regular.length + p.weights.mid + p.weights.end, 12);
}

/** ĐTBmcn straight from both terms' marks, honouring `yearUsesRoundedTerms`. */
export function yearAverageFromScores(
  p: Tt22Params,
  term1: TermScores,
  term2: TermScores,
  required: number,
): OrIncomplete<Decimal> {
  const avg = p.yearUsesRoundedTerms ? termAverage : termAverageExact;
  return yearAverage(p, avg(p, term1, required), avg(p, term2, required));
}

/**
 * Result of a comment-only subject in a term: Đ when every required assessment is present and
 * every one is Đ, else CĐ (TT22 Điều 9.1a). A missing required assessment gives Incomplete.
 */
export function commentTermResult(
  assessments: ReadonlyArray<CommentResult | null | undefined>,
  required: number,
): OrIncomplete<CommentResult> {
  const missing: Array<ReadonlyArray<string | number>> = [];
  for (let i = 0; i < Math.max(required, assessments.length); i++) {
    const a = assessments[i];
    if ((a === null || a === undefined) && i < required) missing.push([i]);
  }
  if (missing.length > 0) return incomplete(missing);
  return assessments.every((a) => a === null || a === undefined || a === 'Đ') ? 'Đ' : 'CĐ';
}

/** The year result of a comment-only subject is the term II result (TT22 Điều 9.1a). */
export function commentYearResult(term2: OrIncomplete<CommentResult>): OrIncomplete<CommentResult> {
  return term2;
}

/** One subject's result for a term or the year, as the learning-result rules read it. */
export type SubjectResult =
  | { readonly subject: string; readonly kind: 'scored'; readonly average: OrIncomplete<Decimal> }
  | { readonly subject: string; readonly kind: 'comment'; readonly result: OrIncomplete<CommentResult> };

type Complete =
  | { readonly subject: string; readonly kind: 'scored'; readonly average: Decimal }
  | { readonly subject: string; readonly kind: 'comment'; readonly result: CommentResult };

/** True when the subjects meet every condition of `level` (no adjustment). */
function meets(p: Tt22Params, subjects: readonly Complete[], level: LearningLevel): boolean {
  const scored = subjects.filter((s): s is Extract<Complete, { kind: 'scored' }> => s.kind === 'scored');
  const commentFails = subjects.filter((s) => s.kind === 'comment' && s.result === 'CĐ').length;
  const countAtLeast = (t: string) => scored.filter((s) => compare(s.average, dec(t)) >= 0).length;
  const allAtLeast = (t: string) => scored.every((s) => compare(s.average, dec(t)) >= 0);
  switch (level) {
    case 'Tốt':
      return commentFails === 0 && allAtLeast(p.good.floor) && countAtLeast(p.good.high) >= p.good.highCount;
    case 'Khá':
      return commentFails === 0 && allAtLeast(p.fair.floor) && countAtLeast(p.fair.high) >= p.fair.highCount;
    case 'Đạt':
      return (
        commentFails <= p.pass.maxCommentFail &&
        countAtLeast(p.pass.pass) >= p.pass.passCount &&
        allAtLeast(p.pass.floor)
      );
    case 'Chưa đạt':
      return true;
  }
}

function rawLevel(p: Tt22Params, subjects: readonly Complete[]): LearningLevel {
  return LEVELS4.find((l) => meets(p, subjects, l)) ?? 'Chưa đạt';
}

/** The per-subject floor of a level: what "meeting the level" asks of one subject. */
function liftToFloor(p: Tt22Params, s: Complete, level: 'Tốt' | 'Khá'): Complete {
  if (s.kind === 'comment') return { ...s, result: 'Đ' };
  const floor = dec(level === 'Tốt' ? p.good.floor : p.fair.floor);
  return compare(s.average, floor) >= 0 ? s : { ...s, average: floor };
}

/** A learning result with how it was reached, so the book can show the adjustment. */
export interface LearningOutcome {
  readonly level: LearningLevel;
  /** The level before the Điều 9.3 adjustment. */
  readonly raw: LearningLevel;
  /** Set when Điều 9.3 raised the result: the subject that dragged it and the level it would have had. */
  readonly adjustedFor?: { readonly subject: string; readonly wouldBe: LearningLevel };
}

/**
 * Learning result (*kết quả học tập*) of a term or the year (TT22 Điều 9.2), with the
 * one-subject adjustment (Điều 9.3): if the student meets every condition of Tốt (or Khá) save
 * for one single subject — that subject lifted to the level's floor (6.5 / 5.0, or Đ), but not
 * counted towards the "at least 6" — and the result is two or more levels lower, it is raised
 * one level. Any incomplete subject makes the result Incomplete.
 */
export function learningResult(p: Tt22Params, subjects: readonly SubjectResult[]): OrIncomplete<LearningOutcome> {
  const inc = collectMissing(subjects.map((s) => [[s.subject], s.kind === 'scored' ? s.average : s.result] as const));
  if (inc !== null) return inc;
  const complete = subjects as readonly Complete[];
  const raw = rawLevel(p, complete);
  if (!p.oneSubjectAdjustment) return { level: raw, raw };
  for (const target of ['Tốt', 'Khá'] as const) {
    if (rank4(raw) - rank4(target) < 2) continue;
    for (let i = 0; i < complete.length; i++) {
      const s = complete[i] as Complete;
      const lifted = complete.map((x, j) => (j === i ? liftToFloor(p, s, target) : x));
      if (meets(p, lifted, target)) {
        const level = LEVELS4[rank4(raw) - 1] as LearningLevel;
        return { level, raw, adjustedFor: { subject: s.subject, wouldBe: target } };
      }
    }
  }
  return { level: raw, raw };
}

/**
 * Year conduct (*kết quả rèn luyện cả năm*) from the two terms' conduct (TT22 Điều 8.2):
 * Tốt if II Tốt and I ≥ Khá; Khá if (II Khá, I ≥ Đạt) or (II Đạt, I Tốt) or (II Tốt, I ≤ Đạt);
 * Đạt if (II Đạt, I ≤ Khá) or (II Khá, I Chưa đạt); else Chưa đạt.
 */
export function conductYear(
  term1: OrIncomplete<ConductLevel>,
  term2: OrIncomplete<ConductLevel>,
): OrIncomplete<ConductLevel> {
  const inc = collectMissing([
    [['term1'], term1],
    [['term2'], term2],
  ]);
  if (inc !== null || isIncomplete(term1) || isIncomplete(term2)) return inc ?? incomplete([]);
  const i = term1;
  switch (term2) {
    case 'Tốt':
      return atLeast4(i, 'Khá') ? 'Tốt' : 'Khá';
    case 'Khá':
      return atLeast4(i, 'Đạt') ? 'Khá' : 'Đạt';
    case 'Đạt':
      return i === 'Tốt' ? 'Khá' : 'Đạt';
    case 'Chưa đạt':
      return 'Chưa đạt';
  }
}

/** What a student needs before promotion can be decided (TT22 Điều 12–14). */
export type PromotionNeed =
  /** Conduct Chưa đạt: summer training, then conduct re-evaluation (*rèn luyện trong hè*, Điều 13). */
  | 'conduct-retraining'
  /** Learning Chưa đạt: re-test of the CĐ subjects and scored subjects below 5.0 (*kiểm tra lại*, Điều 14). */
  | 'learning-retest'
  /** A pupil with a disability: the principal decides on the assessment against the plan (Điều 12.4). */
  | 'principal-decision';

/** Promotion decision (*xét lên lớp*). */
export type Promotion =
  | { readonly status: 'promoted' }
  /** Not yet decided: the student goes to summer training and/or re-tests. */
  | { readonly status: 'pending'; readonly needs: readonly PromotionNeed[] }
  /** Stays down (*ở lại lớp*), with every reason. */
  | {
      readonly status: 'retained';
      readonly reasons: ReadonlyArray<'absences' | 'conduct' | 'learning' | 'principal-decision'>;
    }
  /** Left the class before the year's end (*chuyển đi*): the school or class the student went to decides. */
  | { readonly status: 'transferred'; readonly date: string };

/** The inputs of a promotion decision; re-evaluations, when present, replace the year results. */
export interface PromotionInput {
  readonly conduct: OrIncomplete<ConductLevel>;
  readonly learning: OrIncomplete<LearningLevel>;
  /** Sessions absent in the year, excused or not, as {@link countedAbsences} counts them (may end in .5). */
  readonly absentSessions: number;
  /** Conduct after summer training, when it took place. */
  readonly conductReevaluated?: ConductLevel;
  /** Learning result re-classified after re-tests, when they took place. */
  readonly learningAfterRetest?: LearningLevel;
  /**
   * A pupil with a disability assessed against an individual education plan (Điều 11): the
   * principal decides promotion (Điều 12.4); `decision` is that decision once recorded.
   */
  readonly individualPlan?: { readonly decision?: 'promoted' | 'retained' };
}

/**
 * Sessions absent as TT22 Điều 12.1c counts them: "theo kế hoạch giáo dục 1 buổi/ngày". At a school
 * teaching one session a day each absent session is one; at two sessions a day a session is half
 * of the day the plan counts, so two absent sessions make one (check: the proportional reading;
 * the circular does not spell out the conversion).
 */
export function countedAbsences(sessions: number, sessionsPerDay: 1 | 2): number {
  return sessions / sessionsPerDay;
}

/**
 * Promotion (TT22 Điều 12): conduct ≥ Đạt, learning ≥ Đạt and at most `maxAbsentSessions`
 * sessions absent. More absences: retained outright. Otherwise a Chưa đạt sends the student to
 * summer training (Điều 13) or re-tests (Điều 14), whose results replace the year result for this
 * decision (the book keeps both). A pupil with an individual education plan is promoted or not by
 * the principal's decision (Điều 12.4), pending until it is recorded.
 */
export function promotion(p: Tt22Params, input: PromotionInput): OrIncomplete<Promotion> {
  if (input.individualPlan !== undefined) {
    const d = input.individualPlan.decision;
    if (d === undefined) return { status: 'pending', needs: ['principal-decision'] };
    return d === 'promoted' ? { status: 'promoted' } : { status: 'retained', reasons: ['principal-decision'] };
  }
  const inc = collectMissing([
    [['conduct'], input.conduct],
    [['learning'], input.learning],
  ]);
  if (inc !== null || isIncomplete(input.conduct) || isIncomplete(input.learning)) return inc ?? incomplete([]);
  if (input.absentSessions > p.maxAbsentSessions) return { status: 'retained', reasons: ['absences'] };
  const conduct = input.conductReevaluated ?? input.conduct;
  const learning = input.learningAfterRetest ?? input.learning;
  const needs: PromotionNeed[] = [];
  const reasons: Array<'conduct' | 'learning'> = [];
  if (conduct === 'Chưa đạt') {
    if (input.conductReevaluated === undefined) needs.push('conduct-retraining');
    else reasons.push('conduct');
  }
  if (learning === 'Chưa đạt') {
    if (input.learningAfterRetest === undefined) needs.push('learning-retest');
    else reasons.push('learning');
  }
  if (reasons.length > 0) return { status: 'retained', reasons };
  if (needs.length > 0) return { status: 'pending', needs };
  return { status: 'promoted' };
}

/** The subjects to re-test (TT22 Điều 14): comment subjects at CĐ and scored subjects below 5.0. */
export function retestSubjects(p: Tt22Params, year: readonly SubjectResult[]): string[] {
  const below = dec(p.retestBelow);
  return year
    .filter((s) =>
      s.kind === 'comment' ? s.result === 'CĐ' : !isIncomplete(s.average) && compare(s.average, below) < 0,
    )
    .map((s) => s.subject);
}

/** A re-test result for one subject: a score for a scored subject, Đ/CĐ for a comment one. */
export type RetestResult = Decimal | CommentResult;

/**
 * The year learning result re-classified after re-tests (TT22 Điều 14): each re-test result
 * replaces that subject's year result; the others stand.
 */
export function learningAfterRetest(
  p: Tt22Params,
  year: readonly SubjectResult[],
  retests: Readonly<Record<string, RetestResult>>,
): OrIncomplete<LearningOutcome> {
  const replaced = year.map((s): SubjectResult => {
    const r = retests[s.subject];
    if (r === undefined) return s;
    if (s.kind === 'comment') return typeof r === 'string' ? { ...s, result: r } : s;
    return typeof r === 'string' ? s : { ...s, average: r };
  });
  return learningResult(p, replaced);
}

/** Award (*khen thưởng*) at year end. */
export type Award = 'Học sinh Xuất sắc' | 'Học sinh Giỏi' | null;

/**
 * Awards (TT22 Điều 15): *Học sinh Xuất sắc* — conduct Tốt, learning Tốt and at least 6
 * subjects with ĐTBmcn ≥ 9.0; *Học sinh Giỏi* — conduct Tốt and learning Tốt.
 */
export function award(
  p: Tt22Params,
  conduct: OrIncomplete<ConductLevel>,
  learning: OrIncomplete<LearningLevel>,
  year: readonly SubjectResult[],
): OrIncomplete<Award> {
  const inc = collectMissing([
    [['conduct'], conduct],
    [['learning'], learning],
  ]);
  if (inc !== null) return inc;
  if (conduct !== 'Tốt' || learning !== 'Tốt') return null;
  const t = dec(p.excellent.threshold);
  const high = year.filter((s) => s.kind === 'scored' && !isIncomplete(s.average) && compare(s.average, t) >= 0).length;
  return high >= p.excellent.count ? 'Học sinh Xuất sắc' : 'Học sinh Giỏi';
}
