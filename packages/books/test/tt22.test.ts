import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { dec, toDecimalString, type Decimal } from '../src/decimal.js';
import {
  TT22_DEFAULTS as P,
  award,
  commentTermResult,
  conductYear,
  isIncomplete,
  learningAfterRetest,
  learningResult,
  promotion,
  regularAssessmentCount,
  retestSubjects,
  termAverage,
  yearAverage,
  yearAverageFromScores,
  type LearningOutcome,
  type Level4,
  type SubjectResult,
} from '../src/rules/index.js';

const s = (subject: string, avg: string): SubjectResult => ({ subject, kind: 'scored', average: dec(avg) });
const c = (subject: string, result: 'Đ' | 'CĐ'): SubjectResult => ({ subject, kind: 'comment', result });
const str = (d: unknown) => toDecimalString(d as Decimal);
const level = (r: unknown) => (r as LearningOutcome).level;

describe('regular assessments per term (TT22 Điều 6.2)', () => {
  it.each([
    [35, false, 2],
    [36, false, 3],
    [70, false, 3],
    [71, false, 4],
    [105, false, 4],
    [70, true, 2],
  ])('%i periods, comment-only %s → %i', (periods, comment, n) => {
    expect(regularAssessmentCount(P, periods, comment)).toBe(n);
  });
});

describe('term and year averages', () => {
  it('worked example 1: 5.0 5.0 5.3 | 7.0 | 8.5 → 54.8 / 8 = 6.85 → 6.9', () => {
    const r = termAverage(P, { regular: [dec('5.0'), dec('5.0'), dec('5.3')], mid: dec('7.0'), end: dec('8.5') }, 3);
    expect(str(r)).toBe('6.9');
  });
  it('worked example 2: 8 7.5 | 6.5 | 7 → (15.5 + 13 + 21) / 7 = 7.0714… → 7.1', () => {
    const r = termAverage(P, { regular: [dec('8'), dec('7.5')], mid: dec('6.5'), end: dec('7') }, 2);
    expect(str(r)).toBe('7.1');
  });
  it('a missing regular or periodic mark gives incomplete, naming the slot', () => {
    const r = termAverage(P, { regular: [dec('8'), null, dec('7')], mid: dec('6'), end: undefined }, 3);
    expect(isIncomplete(r) && r.missing).toEqual([['regular', 1], ['end']]);
  });
  it('a mark of 0 (missed test without reason) is a mark, not a gap', () => {
    const r = termAverage(P, { regular: [dec('0'), dec('6')], mid: dec('5'), end: dec('5') }, 2);
    expect(str(r)).toBe('4.4'); // (0 + 6 + 2·5 + 3·5) / 7 = 31 / 7 = 4.428… → 4.4
  });
  it('worked example 3: year from rounded terms 6.9 and 7.2 → (6.9 + 14.4) / 3 = 7.1', () => {
    expect(str(yearAverage(P, dec('6.9'), dec('7.2')))).toBe('7.1');
  });
  it('worked example 4: rounding the terms first changes the year (the (check) parameter)', () => {
    // Term I: 5.0 5.0 5.3 | 7.0 | 8.5 = 6.85 (printed 6.9). Term II: 6 6 6 | 6 | 6.2 = 48.6/8 = 6.075 (printed 6.1).
    const t1 = { regular: [dec('5.0'), dec('5.0'), dec('5.3')], mid: dec('7.0'), end: dec('8.5') };
    const t2 = { regular: [dec('6'), dec('6'), dec('6')], mid: dec('6'), end: dec('6.2') };
    // rounded: (6.9 + 12.2) / 3 = 6.366… → 6.4 ; exact: (6.85 + 12.15) / 3 = 6.333… → 6.3
    expect(str(yearAverageFromScores(P, t1, t2, 3))).toBe('6.4');
    expect(str(yearAverageFromScores({ ...P, yearUsesRoundedTerms: false }, t1, t2, 3))).toBe('6.3');
  });
  it('year average of an incomplete term is incomplete', () => {
    const r = yearAverage(P, dec('7'), { tag: 'incomplete', missing: [['end']] });
    expect(isIncomplete(r) && r.missing).toEqual([['term2', 'end']]);
  });
});

describe('comment-only subjects (TT22 Điều 9.1a)', () => {
  it('Đ only when every required assessment is present and Đ', () => {
    expect(commentTermResult(['Đ', 'Đ', 'Đ', 'Đ'], 4)).toBe('Đ');
    expect(commentTermResult(['Đ', 'CĐ', 'Đ', 'Đ'], 4)).toBe('CĐ');
    const r = commentTermResult(['Đ', undefined, 'Đ'], 4);
    expect(isIncomplete(r) && r.missing).toEqual([[1], [3]]);
  });
});

const eight = (n: number, rest: string) => [
  ...Array.from({ length: n }, (_, i) => s(`high${i}`, '8.0')),
  ...Array.from({ length: 8 - n }, (_, i) => s(`other${i}`, rest)),
];

describe('learning result (TT22 Điều 9.2–9.3)', () => {
  it('exactly 6 subjects at 8.0, the rest 6.5, comments Đ → Tốt; 5 at 8.0 → Khá', () => {
    expect(level(learningResult(P, [...eight(6, '6.5'), c('td', 'Đ')]))).toBe('Tốt');
    expect(level(learningResult(P, [...eight(5, '6.5'), c('td', 'Đ')]))).toBe('Khá');
    expect(level(learningResult(P, [...eight(6, '7.9').slice(0, 6), s('x', '6.4'), c('td', 'Đ')]))).toBe('Khá');
  });
  it('Đạt: six subjects ≥ 5.0, none < 3.5, at most one comment CĐ', () => {
    const base = [s('a', '5'), s('b', '5'), s('c', '5'), s('d', '5'), s('e', '5'), s('f', '5'), s('g', '3.5')];
    expect(level(learningResult(P, [...base, c('td', 'CĐ')]))).toBe('Đạt');
    expect(level(learningResult(P, [...base, c('td', 'CĐ'), c('nt', 'CĐ')]))).toBe('Chưa đạt');
    expect(level(learningResult(P, [...base.slice(0, 5), s('f', '4.9'), s('g', '4')]))).toBe('Chưa đạt');
  });
  it('one subject dragging Tốt down to Đạt: raised to Khá', () => {
    const r = learningResult(P, [...eight(6, '7.0').slice(0, 7), s('hoa', '4.0'), c('td', 'Đ')]);
    expect(r).toEqual({ level: 'Khá', raw: 'Đạt', adjustedFor: { subject: 'hoa', wouldBe: 'Tốt' } });
  });
  it('one subject dragging Tốt down to Chưa đạt: raised to Đạt', () => {
    const r = learningResult(P, [...eight(6, '7.0').slice(0, 7), s('hoa', '3.0'), c('td', 'Đ')]);
    expect(r).toEqual({ level: 'Đạt', raw: 'Chưa đạt', adjustedFor: { subject: 'hoa', wouldBe: 'Tốt' } });
  });
  it('one comment subject CĐ dragging Tốt to Đạt: raised to Khá', () => {
    const r = learningResult(P, [...eight(8, '8'), c('td', 'CĐ')]);
    expect(level(r)).toBe('Khá');
  });
  it('Khá dragged to Chưa đạt by one subject: raised to Đạt', () => {
    const r = learningResult(P, [
      ...eight(6, '6.0')
        .map((x) => ({ ...x, average: dec('6.5') }))
        .slice(0, 7),
      s('ly', '2.0'),
    ]);
    expect(r).toEqual({ level: 'Đạt', raw: 'Chưa đạt', adjustedFor: { subject: 'ly', wouldBe: 'Khá' } });
  });
  it('a drop of one level only, or two subjects dragging, is not adjusted', () => {
    // Tốt held at Khá by one 6.0: one level, no adjustment.
    expect(learningResult(P, [...eight(6, '7').slice(0, 7), s('hoa', '6.0')])).toEqual({ level: 'Khá', raw: 'Khá' });
    // two subjects below 5: no single subject is to blame.
    expect(learningResult(P, [...eight(6, '7').slice(0, 6), s('hoa', '4.0'), s('ly', '4.0')])).toEqual({
      level: 'Đạt',
      raw: 'Đạt',
    });
  });
  it('adjustment can be switched off by a province', () => {
    const r = learningResult({ ...P, oneSubjectAdjustment: false }, [...eight(6, '7.0').slice(0, 7), s('hoa', '4.0')]);
    expect(r).toEqual({ level: 'Đạt', raw: 'Đạt' });
  });
  it('a missing assessment makes the result incomplete, not a wrong level', () => {
    const r = learningResult(P, [
      ...eight(8, '8'),
      { subject: 'su', kind: 'scored', average: { tag: 'incomplete', missing: [['end']] } },
    ]);
    expect(isIncomplete(r) && r.missing).toEqual([['su', 'end']]);
  });
  it('property: the adjusted level is never worse than raw and at most one level better', () => {
    const avg = fc.integer({ min: 0, max: 100 }).map((n) => dec((n / 10).toFixed(1)));
    fc.assert(
      fc.property(
        fc.array(avg, { minLength: 6, maxLength: 12 }),
        fc.array(fc.boolean(), { maxLength: 4 }),
        (avgs, comments) => {
          const subjects = [
            ...avgs.map((a, i) => ({ subject: `s${i}`, kind: 'scored' as const, average: a })),
            ...comments.map((ok, i) => c(`c${i}`, ok ? 'Đ' : 'CĐ')),
          ];
          const r = learningResult(P, subjects) as LearningOutcome;
          const rank = (l: Level4) => ['Tốt', 'Khá', 'Đạt', 'Chưa đạt'].indexOf(l);
          expect(rank(r.raw) - rank(r.level)).toBeGreaterThanOrEqual(0);
          expect(rank(r.raw) - rank(r.level)).toBeLessThanOrEqual(1);
          if (r.level !== r.raw) expect(rank(r.raw) - rank(r.adjustedFor!.wouldBe)).toBeGreaterThanOrEqual(2);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('conduct of the year (TT22 Điều 8)', () => {
  // The table of Thông tư 22 Điều 8 written out cell by cell: [term I][term II].
  const T: Record<Level4, Record<Level4, Level4>> = {
    Tốt: { Tốt: 'Tốt', Khá: 'Khá', Đạt: 'Khá', 'Chưa đạt': 'Chưa đạt' },
    Khá: { Tốt: 'Tốt', Khá: 'Khá', Đạt: 'Đạt', 'Chưa đạt': 'Chưa đạt' },
    Đạt: { Tốt: 'Khá', Khá: 'Khá', Đạt: 'Đạt', 'Chưa đạt': 'Chưa đạt' },
    'Chưa đạt': { Tốt: 'Khá', Khá: 'Đạt', Đạt: 'Đạt', 'Chưa đạt': 'Chưa đạt' },
  };
  for (const [i, row] of Object.entries(T)) {
    for (const [ii, y] of Object.entries(row)) {
      it(`I ${i}, II ${ii} → ${y}`, () => expect(conductYear(i as Level4, ii as Level4)).toBe(y));
    }
  }
  it('a missing term is incomplete', () => {
    expect(isIncomplete(conductYear('Tốt', { tag: 'incomplete', missing: [] }))).toBe(true);
  });
});

describe('promotion (TT22 Điều 12–13)', () => {
  it('45 sessions absent → promoted; 46 → retained', () => {
    expect(promotion(P, { conduct: 'Tốt', learning: 'Tốt', absentSessions: 45 })).toEqual({ status: 'promoted' });
    expect(promotion(P, { conduct: 'Tốt', learning: 'Tốt', absentSessions: 46 })).toEqual({
      status: 'retained',
      reasons: ['absences'],
    });
  });
  it('Chưa đạt sends to retraining / re-test; the re-evaluation replaces the year result', () => {
    expect(promotion(P, { conduct: 'Chưa đạt', learning: 'Chưa đạt', absentSessions: 3 })).toEqual({
      status: 'pending',
      needs: ['conduct-retraining', 'learning-retest'],
    });
    expect(
      promotion(P, { conduct: 'Chưa đạt', learning: 'Khá', absentSessions: 3, conductReevaluated: 'Đạt' }),
    ).toEqual({ status: 'promoted' });
    expect(
      promotion(P, { conduct: 'Khá', learning: 'Chưa đạt', absentSessions: 3, learningAfterRetest: 'Chưa đạt' }),
    ).toEqual({
      status: 'retained',
      reasons: ['learning'],
    });
  });
  it('re-test replacing a year result: the re-tested subjects are re-classified', () => {
    const year = [
      s('a', '5'),
      s('b', '5'),
      s('c', '5'),
      s('d', '5'),
      s('e', '5'),
      s('toan', '4.5'),
      s('ly', '3.2'),
      c('td', 'CĐ'),
    ];
    const before = learningResult(P, year) as LearningOutcome;
    expect(before.level).toBe('Chưa đạt');
    expect(retestSubjects(P, year)).toEqual(['toan', 'ly', 'td']);
    const after = learningAfterRetest(P, year, { toan: dec('5.5'), ly: dec('4.0') }) as LearningOutcome;
    expect(after.level).toBe('Đạt');
    expect(
      promotion(P, { conduct: 'Khá', learning: before.level, absentSessions: 0, learningAfterRetest: after.level }),
    ).toEqual({ status: 'promoted' });
  });
  it('incomplete inputs give incomplete', () => {
    expect(
      isIncomplete(promotion(P, { conduct: { tag: 'incomplete', missing: [] }, learning: 'Tốt', absentSessions: 0 })),
    ).toBe(true);
  });
});

describe('awards (TT22 Điều 15)', () => {
  it('Xuất sắc needs six subjects at 9.0; five make Giỏi', () => {
    const six = [...Array.from({ length: 6 }, (_, i) => s(`a${i}`, '9.0')), s('x', '8.9')];
    const five = [...Array.from({ length: 5 }, (_, i) => s(`a${i}`, '9.0')), s('x', '8.9'), s('y', '8.9')];
    expect(award(P, 'Tốt', 'Tốt', six)).toBe('Học sinh Xuất sắc');
    expect(award(P, 'Tốt', 'Tốt', five)).toBe('Học sinh Giỏi');
    expect(award(P, 'Khá', 'Tốt', six)).toBeNull();
  });
});
