import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  add,
  compare,
  dec,
  divRoundHalfUp,
  fromInteger,
  mulInt,
  parseDecimal,
  sum,
  toDecimalString,
  withScale,
} from '../src/decimal.js';

describe('parseDecimal', () => {
  it('reads plain decimals exactly', () => {
    const r = parseDecimal('8.5');
    expect(isRight(r) && r.right).toEqual({ units: 85n, scale: 1 });
    expect(toDecimalString(dec('10'))).toBe('10');
    expect(toDecimalString(dec('0.25'))).toBe('0.25');
  });
  it.each(['8.', '.5', '+1', '1e3', '08', ' 8', '8,5', '', 'NaN', '-1'])('refuses %j with invalid-decimal', (s) => {
    const r = parseDecimal(s, { path: ['x'] });
    expect(isLeft(r) && r.left).toMatchObject({ code: 'invalid-decimal', path: ['x'] });
  });
  it('refuses non-strings and too many decimals', () => {
    expect(isLeft(parseDecimal(8.5))).toBe(true);
    expect(isLeft(parseDecimal('8.55', { maxScale: 1 }))).toBe(true);
    expect(isRight(parseDecimal('-1.5', { allowNegative: true }))).toBe(true);
  });
});

describe('arithmetic', () => {
  it('adds and compares across scales', () => {
    expect(toDecimalString(add(dec('8.5'), dec('1.25')))).toBe('9.75');
    expect(compare(dec('8'), dec('8.0'))).toBe(0);
    expect(compare(dec('7.9'), dec('8'))).toBe(-1);
    expect(toDecimalString(withScale(dec('8'), 1))).toBe('8.0');
  });
  it('rounds half up, including the halves binary floating point gets wrong', () => {
    // 54.8 / 8 = 6.85 exactly; as a double it is 6.8499999…, so toFixed(1) says 6.8.
    const total = sum([dec('5.0'), dec('5.0'), dec('5.3'), mulInt(dec('7.0'), 2), mulInt(dec('8.5'), 3)]);
    expect(toDecimalString(total)).toBe('54.8');
    expect(((5.0 + 5.0 + 5.3 + 2 * 7.0 + 3 * 8.5) / 8).toFixed(1)).toBe('6.8');
    expect(toDecimalString(divRoundHalfUp(total, 8, 1))).toBe('6.9');
    expect(toDecimalString(divRoundHalfUp(dec('52.4'), 8, 1))).toBe('6.6'); // 6.55 → 6.6
    expect(toDecimalString(divRoundHalfUp(dec('6.84'), 1, 1))).toBe('6.8');
    expect(toDecimalString(divRoundHalfUp(dec('-0.25'), 1, 1))).toBe('-0.3');
  });
  it('refuses division by zero', () => {
    expect(() => divRoundHalfUp(dec('1'), 0)).toThrow(/division by zero/);
  });

  // Model: exact rationals on bigints; round half up = floor((2·num + den) / (2·den)) for num ≥ 0.
  const mark = fc.integer({ min: 0, max: 100 }).map((n) => ({ n, d: dec((n / 10).toFixed(1)) }));
  it('divRoundHalfUp agrees with an exact rational model (property)', () => {
    fc.assert(
      fc.property(fc.array(mark, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 }), (xs, k) => {
        const tenths = xs.reduce((a, x) => a + BigInt(x.n), 0n);
        const expected = (2n * tenths + BigInt(k)) / (2n * BigInt(k)); // tenths/k rounded, in tenths
        const got = divRoundHalfUp(sum(xs.map((x) => x.d)), k, 1);
        expect(got.units).toBe(expected);
        expect(got.scale).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
  it('toDecimalString ∘ parseDecimal is the identity on canonical strings (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 6 }), (units, scale) => {
        const s = toDecimalString({ units, scale });
        const r = parseDecimal(s);
        expect(isRight(r) && compare(r.right, { units, scale })).toBe(0);
        expect(isRight(r) && r.right.scale).toBe(scale);
      }),
      { numRuns: 200 },
    );
  });
  it('fromInteger refuses unsafe numbers', () => {
    expect(toDecimalString(fromInteger(7))).toBe('7');
    expect(() => fromInteger(1.5)).toThrow();
  });
});
