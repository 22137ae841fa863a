/**
 * Primary assessment under Thông tư 27/2020/TT-BGDĐT (*đánh giá học sinh tiểu học*): subject
 * levels T/H/C, whole-number periodic tests, qualities and competencies Tốt/Đạt/Cần cố gắng, and
 * the year result (*đánh giá kết quả giáo dục*).
 */
import { compare, fromInteger, type Decimal } from '../decimal.js';
import { collectMissing, isIncomplete, type OrIncomplete } from './levels.js';

/** Subject/activity level: *Hoàn thành tốt* (T), *Hoàn thành* (H), *Chưa hoàn thành* (C). */
export type SubjectLevel = 'T' | 'H' | 'C';
/** Quality or competency level: *Tốt*, *Đạt*, *Cần cố gắng*. */
export type QualityLevel = 'Tốt' | 'Đạt' | 'Cần cố gắng';
/** Year result (*kết quả giáo dục*). */
export type PrimaryYearResult = 'Hoàn thành xuất sắc' | 'Hoàn thành tốt' | 'Hoàn thành' | 'Chưa hoàn thành';

/** The parameters of the primary rule set. */
export interface Tt27Params {
  /**
   * Lowest test score. TT27 asks for the 10-point scale without decimals and, unlike the
   * Thông tư 30/2014 it replaced, does not exclude 0.
   */
  readonly minTestScore: number;
  /** End-of-year test score needed for each result. */
  readonly excellentTest: number;
  readonly goodTest: number;
  readonly completeTest: number;
  /** Grades whose Vietnamese and Maths also have a mid-term test. */
  readonly midTermTestGrades: readonly number[];
}

/** Values of Thông tư 27/2020, each with its article in TT27_SOURCES. */
export const TT27_DEFAULTS: Tt27Params = {
  minTestScore: 0,
  excellentTest: 9,
  goodTest: 7,
  completeTest: 5,
  midTermTestGrades: [4, 5],
};

/** Where each parameter comes from ("(check)": overridable). */
export const TT27_SOURCES: { readonly [K in keyof Tt27Params]: string } = {
  minTestScore: 'TT27 Điều 7.1d (thang điểm 10, không cho điểm thập phân; 0 not excluded) (check)',
  excellentTest: 'TT27 Điều 9.2a (Hoàn thành xuất sắc: bài KTĐK cuối năm ≥ 9)',
  goodTest: 'TT27 Điều 9.2a (Hoàn thành tốt: bài KTĐK cuối năm ≥ 7)',
  completeTest: 'TT27 Điều 9.2a (Hoàn thành: bài KTĐK cuối năm ≥ 5) (check)',
  midTermTestGrades: 'TT27 Điều 7.1b (lớp 4, 5: thêm giữa kì Tiếng Việt, Toán)',
};

/** A subject's end-of-year record as the year result reads it. */
export interface PrimarySubjectYear {
  readonly subject: string;
  readonly level: OrIncomplete<SubjectLevel>;
  /** End-of-year periodic test (whole number), for subjects that have one; null when it has none. */
  readonly test: OrIncomplete<Decimal> | null;
}

/** Everything the year result needs. */
export interface PrimaryYearInput {
  readonly subjects: readonly PrimarySubjectYear[];
  /** Qualities (*phẩm chất*) and competencies (*năng lực*), by name, at the end of the year. */
  readonly qualities: Readonly<Record<string, OrIncomplete<QualityLevel>>>;
}

/**
 * Year result (TT27 Điều 9.2a): *Hoàn thành xuất sắc* — every subject T, every quality and
 * competency Tốt, every end-of-year test ≥ 9; *Hoàn thành tốt* — the same with tests ≥ 7;
 * *Hoàn thành* — every subject ≥ H, qualities and competencies ≥ Đạt, tests ≥ 5; else
 * *Chưa hoàn thành*. A missing level or test gives Incomplete.
 */
export function primaryYearResult(p: Tt27Params, input: PrimaryYearInput): OrIncomplete<PrimaryYearResult> {
  const inc = collectMissing([
    ...input.subjects.flatMap((s) => [
      [[s.subject, 'level'], s.level] as const,
      [[s.subject, 'test'], s.test] as const,
    ]),
    ...Object.entries(input.qualities).map(([k, v]) => [['qualities', k], v] as const),
  ]);
  if (inc !== null) return inc;
  const levels = input.subjects.map((s) => s.level as SubjectLevel);
  const tests = input.subjects.flatMap((s) => (s.test === null || isIncomplete(s.test) ? [] : [s.test]));
  const qualities = Object.values(input.qualities) as QualityLevel[];
  const testsAtLeast = (n: number) => tests.every((t) => compare(t, fromInteger(n)) >= 0);
  const allT = levels.every((l) => l === 'T');
  const allTot = qualities.every((q) => q === 'Tốt');
  if (allT && allTot && testsAtLeast(p.excellentTest)) return 'Hoàn thành xuất sắc';
  if (allT && allTot && testsAtLeast(p.goodTest)) return 'Hoàn thành tốt';
  if (levels.every((l) => l !== 'C') && qualities.every((q) => q !== 'Cần cố gắng') && testsAtLeast(p.completeTest)) {
    return 'Hoàn thành';
  }
  return 'Chưa hoàn thành';
}

/** Which periodic tests a primary grade takes in a subject (TT27 Điều 7.1b). */
export function periodicTests(
  p: Tt27Params,
  grade: number,
  subject: 'tieng-viet' | 'toan' | 'other',
): ReadonlyArray<'mid1' | 'end1' | 'mid2' | 'end2'> {
  if ((subject === 'tieng-viet' || subject === 'toan') && p.midTermTestGrades.includes(grade)) {
    return ['mid1', 'end1', 'mid2', 'end2'];
  }
  return ['end1', 'end2'];
}
