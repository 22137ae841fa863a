import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { dec } from '../src/decimal.js';
import {
  GDTX,
  PRESCHOOL_DEFAULTS,
  TT22,
  TT27,
  TT27_DEFAULTS,
  classifyGrowth,
  isIncomplete,
  learningResult,
  measurementDue,
  parseLevel,
  parseScore,
  periodicTests,
  primaryYearResult,
  ruleSetFor,
  whoZScore,
  withOverrides,
  type PrimarySubjectYear,
} from '../src/rules/index.js';

describe('ruleSetFor: TT22 phased in grade by grade', () => {
  it.each([
    ['2021-2022', 6, true],
    ['2021-2022', 7, false],
    ['2022-2023', 10, true],
    ['2022-2023', 8, false],
    ['2023-2024', 11, true],
    ['2023-2024', 9, false],
    ['2023-2024', 12, false],
    ['2024-2025', 9, true],
    ['2024-2025', 12, true],
    ['2030-2031', 12, true],
    ['2020-2021', 6, false],
  ])('%s grade %i → TT22: %s', (year, grade, tt22) => {
    const r = ruleSetFor('secondary', grade, year);
    if (tt22) expect(isRight(r) && r.right.id).toBe('tt22');
    else expect(isLeft(r) && r.left).toMatchObject({ code: 'rule-set-not-implemented', path: ['year'] });
  });
  it('primary follows TT27 from grade 1 in 2020-21 upward', () => {
    const r1 = ruleSetFor('primary', 5, '2023-2024');
    expect(isLeft(r1) && r1.left.code).toBe('rule-set-not-implemented');
    const r2 = ruleSetFor('primary', 5, '2024-2025');
    expect(isRight(r2) && r2.right.id).toBe('tt27');
  });
  it('preschool and GDTX', () => {
    const p = ruleSetFor('preschool', 0, '2019-2020');
    expect(isRight(p) && p.right.id).toBe('preschool');
    const g = ruleSetFor('gdtx', 10, '2024-2025');
    expect(isRight(g) && g.right.id).toBe('gdtx');
  });
  it('GDTX follows TT43 on the same schedule as TT22: grade 10 from 2022-23, grade 9 only from 2024-25', () => {
    const g10 = ruleSetFor('gdtx', 10, '2022-2023');
    expect(isRight(g10) && g10.right.regulation).toBe('Thông tư 43/2021/TT-BGDĐT');
    const g9 = ruleSetFor('gdtx', 9, '2023-2024');
    expect(isLeft(g9) && g9.left).toMatchObject({ code: 'rule-set-not-implemented', path: ['year'] });
  });
});

describe('GDTX (Thông tư 43/2021): its own values', () => {
  const scored = (values: readonly number[]) =>
    values.map((v, i) => ({ subject: `s${i}`, kind: 'scored' as const, average: dec(v.toFixed(1)) }));
  const level = (p: typeof GDTX.params, values: readonly number[]) => {
    const r = learningResult(p, scored(values));
    return isIncomplete(r) ? null : r.level;
  };
  it('mức Tốt asks for five subjects ≥ 8.0 (TT43 Điều 9.2a), where TT22 asks for six', () => {
    // Five at 8.0 and three at 7.0: Tốt for a learner, Khá for a pupil of a secondary school.
    const marks = [8, 8, 8, 8, 8, 7, 7, 7];
    expect(level(GDTX.params, marks)).toBe('Tốt');
    expect(level(TT22.params, marks)).toBe('Khá');
    // Four at 8.0: Khá for both.
    expect(level(GDTX.params, [8, 8, 8, 8, 7, 7, 7, 7])).toBe('Khá');
  });
  it('mức Khá and Đạt with five subjects (check), and the same weights, 45 sessions and re-test line as TT22', () => {
    expect(level(GDTX.params, [6.5, 6.5, 6.5, 6.5, 6.5, 5, 5, 5])).toBe('Khá');
    expect(level(TT22.params, [6.5, 6.5, 6.5, 6.5, 6.5, 5, 5, 5])).toBe('Đạt');
    expect(level(GDTX.params, [5, 5, 5, 5, 5, 4, 4, 4])).toBe('Đạt');
    expect(level(GDTX.params, [5, 5, 5, 5, 4, 4, 4, 4])).toBe('Chưa đạt');
    expect(GDTX.params.weights).toEqual(TT22.params.weights);
    expect([GDTX.params.maxAbsentSessions, GDTX.params.retestBelow]).toEqual([45, '5.0']);
    expect(GDTX.sources.good).toContain('TT43 Điều 9.2a');
    expect(GDTX.sources.good).not.toContain('(check');
    expect(GDTX.sources.fair).toContain('(check');
    expect(GDTX.sources.maxAbsentSessions).toContain('TT43 Điều 11.1c');
  });
  it("a province's override moves the GDTX set only", () => {
    const centre = withOverrides(GDTX, { good: { highCount: 4 } });
    expect(isRight(centre) && centre.right.params.good).toEqual({ floor: '6.5', high: '8.0', highCount: 4 });
    expect(isRight(centre) && level(centre.right.params, [8, 8, 8, 8, 7, 7, 7, 7])).toBe('Tốt');
    expect([GDTX.params.good.highCount, TT22.params.good.highCount]).toEqual([5, 6]);
    expect(GDTX.params.good).not.toBe(TT22.params.good);
  });
});

describe('ruleSetFor: bad input', () => {
  it('refuses a malformed year and a grade outside the level', () => {
    const a = ruleSetFor('secondary', 6, '2024-2026');
    expect(isLeft(a) && a.left).toMatchObject({ code: 'invalid-school-year', path: ['year'] });
    const b = ruleSetFor('secondary', 5, '2024-2025');
    expect(isLeft(b) && b.left).toMatchObject({ code: 'invalid-grade', path: ['grade'] });
  });
});

describe('withOverrides', () => {
  it('replaces (check) values and records them', () => {
    const r = withOverrides(GDTX, { regularCount: { commentOnly: 3 }, maxAbsentSessions: 40 });
    expect(isRight(r) && r.right.params.regularCount).toEqual({ upTo35: 2, upTo70: 3, above70: 4, commentOnly: 3 });
    expect(isRight(r) && r.right.overridden).toEqual(['regularCount.commentOnly', 'maxAbsentSessions']);
    expect(GDTX.params.maxAbsentSessions).toBe(45); // the national set is untouched
  });
  it('refuses unknown parameters and wrong shapes', () => {
    const a = withOverrides(TT22, { nope: 1 } as never);
    expect(isLeft(a) && a.left).toMatchObject({ code: 'invalid-override', path: ['nope'] });
    const b = withOverrides(TT22, { good: { floor: '6,5' } });
    expect(isLeft(b) && b.left).toMatchObject({ code: 'invalid-override', path: ['good', 'floor'] });
    const c = withOverrides(TT22, { maxAbsentSessions: 4.5 });
    expect(isLeft(c) && c.left.code).toBe('invalid-override');
    const d = withOverrides(TT27, { midTermTestGrades: ['4'] } as never);
    expect(isLeft(d) && d.left.code).toBe('invalid-override');
  });
});

describe('scores', () => {
  it('secondary: 0–10 with one decimal', () => {
    expect(isRight(parseScore('0'))).toBe(true);
    expect(isRight(parseScore('10.0'))).toBe(true);
    for (const bad of ['11', '7.25', 'X', '-1', 8.5]) {
      const r = parseScore(bad, { path: ['score'] });
      expect(isLeft(r) && r.left).toMatchObject({ code: 'invalid-score', path: ['score'], rule: 'TT22 Điều 5.2' });
    }
  });
  it('primary: whole numbers 0–10 (TT27 asks for no decimals and does not exclude 0)', () => {
    const o = { whole: true, min: TT27_DEFAULTS.minTestScore };
    expect(isRight(parseScore('8', o))).toBe(true);
    expect(isRight(parseScore('8.0', o))).toBe(true);
    expect(isRight(parseScore('0', o))).toBe(true);
    const r = parseScore('8.5', o);
    expect(isLeft(r) && r.left).toMatchObject({ code: 'invalid-score', rule: 'TT27 Điều 7.1d' });
    expect(isLeft(parseScore('11', o))).toBe(true);
    // A province that keeps the older practice of no 0 overrides it.
    expect(isLeft(parseScore('0', { whole: true, min: 1 }))).toBe(true);
  });
  it('levels', () => {
    expect(isRight(parseLevel('Đ', ['Đ', 'CĐ'], ['x'], 'TT22 Điều 9.1'))).toBe(true);
    const r = parseLevel('D', ['Đ', 'CĐ'], ['x'], 'TT22 Điều 9.1');
    expect(isLeft(r) && r.left).toMatchObject({ code: 'invalid-level', path: ['x'] });
  });
});

describe('TT27 year result', () => {
  const subj = (subject: string, level: 'T' | 'H' | 'C', test: string | null): PrimarySubjectYear => ({
    subject,
    level,
    test: test === null ? null : dec(test),
  });
  const tot = { 'chăm chỉ': 'Tốt', 'trung thực': 'Tốt', 'tự học': 'Tốt' } as const;
  it('Hoàn thành xuất sắc / tốt / Hoàn thành / Chưa hoàn thành', () => {
    expect(
      primaryYearResult(TT27.params, {
        subjects: [subj('toan', 'T', '9'), subj('tv', 'T', '10'), subj('am-nhac', 'T', null)],
        qualities: tot,
      }),
    ).toBe('Hoàn thành xuất sắc');
    expect(
      primaryYearResult(TT27.params, { subjects: [subj('toan', 'T', '8'), subj('tv', 'T', '10')], qualities: tot }),
    ).toBe('Hoàn thành tốt');
    expect(
      primaryYearResult(TT27.params, { subjects: [subj('toan', 'H', '9'), subj('tv', 'T', '10')], qualities: tot }),
    ).toBe('Hoàn thành');
    expect(
      primaryYearResult(TT27.params, {
        subjects: [subj('toan', 'T', '5'), subj('tv', 'T', '10')],
        qualities: { ...tot, 'tự học': 'Đạt' },
      }),
    ).toBe('Hoàn thành');
    expect(
      primaryYearResult(TT27.params, { subjects: [subj('toan', 'T', '4'), subj('tv', 'T', '10')], qualities: tot }),
    ).toBe('Chưa hoàn thành');
    expect(primaryYearResult(TT27.params, { subjects: [subj('toan', 'C', '9')], qualities: tot })).toBe(
      'Chưa hoàn thành',
    );
  });
  it('a missing test or level is incomplete', () => {
    const r = primaryYearResult(TT27.params, {
      subjects: [{ subject: 'toan', level: 'T', test: { tag: 'incomplete', missing: [] } }],
      qualities: { 'tự học': { tag: 'incomplete', missing: [] } },
    });
    expect(isIncomplete(r) && r.missing).toEqual([
      ['toan', 'test'],
      ['qualities', 'tự học'],
    ]);
  });
  it('grades 4–5 have mid-term tests in Vietnamese and Maths', () => {
    expect(periodicTests(TT27.params, 4, 'toan')).toEqual(['mid1', 'end1', 'mid2', 'end2']);
    expect(periodicTests(TT27.params, 3, 'toan')).toEqual(['end1', 'end2']);
    expect(periodicTests(TT27.params, 5, 'other')).toEqual(['end1', 'end2']);
  });
});

describe('preschool growth (WHO)', () => {
  // A reference with L = 1 is a normal distribution: z = (x − M) / (M·S). M = 10, S = 0.1 → SD 1.
  const normal = { L: 1, M: 10, S: 0.1 };
  it('z-scores and the WHO cut-offs', () => {
    const z = (x: number) => {
      const r = whoZScore('weight-for-height', x, normal);
      return isRight(r) ? r.right : NaN;
    };
    expect(z(10)).toBeCloseTo(0, 12);
    expect(z(7.9)).toBeCloseTo(-2.1, 12);
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-height', z(7.9))).toBe('wasted');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-height', -2)).toBe('normal');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-height', -3.01)).toBe('severely-wasted');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-height', 2.5)).toBe('overweight');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-height', 3.5)).toBe('obese');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-age', 3.5)).toBe('normal');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'height-for-age', -2.5)).toBe('stunted');
    expect(classifyGrowth(PRESCHOOL_DEFAULTS, 'weight-for-age', -2.5)).toBe('underweight');
  });
  it('beyond ±3 SD the WHO restricted formula applies to weight, not to height', () => {
    // Skewed reference L = −1: SD3 = M/(1 − 3·L·S)... computed by the formula; the restricted z
    // extends linearly with the SD2–SD3 distance.
    const ref = { L: -1, M: 10, S: 0.1 };
    const sd = (z: number) => 10 * Math.pow(1 + -1 * 0.1 * z, -1);
    const x = sd(3) + 2 * (sd(3) - sd(2));
    const w = whoZScore('weight-for-age', x, ref);
    expect(isRight(w) && w.right).toBeCloseTo(5, 10);
    const h = whoZScore('height-for-age', x, ref);
    expect(isRight(h) && h.right).not.toBeCloseTo(5, 2);
  });
  it('refuses nonsense measurements', () => {
    const r = whoZScore('weight-for-age', -1, normal, ['weight']);
    expect(isLeft(r) && r.left).toMatchObject({ code: 'invalid-input', path: ['weight'] });
    expect(isLeft(whoZScore('weight-for-age', 5, { L: 1, M: 0, S: 0.1 }))).toBe(true);
  });
  it('measured monthly under 24 months, quarterly after', () => {
    expect(measurementDue(PRESCHOOL_DEFAULTS, 23)).toBe(true);
    expect(measurementDue(PRESCHOOL_DEFAULTS, 24)).toBe(true);
    expect(measurementDue(PRESCHOOL_DEFAULTS, 25)).toBe(false);
    expect(measurementDue(PRESCHOOL_DEFAULTS, 27)).toBe(true);
  });
});
