/**
 * Exact decimal arithmetic for marks and averages (*điểm trung bình*): a value is an integer
 * count of units of 10^-scale, held as a bigint. No binary floating point is ever involved, so
 * an average that is exactly x.x5 rounds up as the regulation says (Thông tư 22/2021 Điều 9:
 * "làm tròn đến một chữ số thập phân"), where `Math.round(x * 10) / 10` sometimes sees x.x4999….
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, HosoFailure } from '@hoso/core';
import type { BooksError } from './errors.js';

/** An exact decimal: `units / 10^scale`. Treat as immutable; build it with the functions here. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_RE = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/** Options for {@link parseDecimal}. */
export interface ParseDecimalOptions {
  /** Most digits allowed after the point (default: unlimited). */
  readonly maxScale?: number;
  /** Accept a leading minus sign (default false: marks and sizes are never negative). */
  readonly allowNegative?: boolean;
  /** Path reported in errors. */
  readonly path?: ReadonlyArray<string | number>;
}

/**
 * Parse a decimal string such as `"8.5"`, `"10"` or `"0.25"`. Refused: exponents, a bare or
 * trailing point, leading zeros (`"08"`), `+`, whitespace, and more decimals than `maxScale`.
 */
export function parseDecimal(text: unknown, options: ParseDecimalOptions = {}): Either<BooksError, Decimal> {
  const path = options.path ?? [];
  if (typeof text !== 'string') {
    return left(hosoError('invalid-decimal', 'a decimal must be written as a string such as "8.5"', { path }));
  }
  const m = DECIMAL_RE.exec(text);
  if (m === null) {
    return left(hosoError('invalid-decimal', `"${text}" is not a plain decimal number`, { path }));
  }
  const [, sign = '', whole = '0', frac = ''] = m;
  if (sign === '-' && options.allowNegative !== true) {
    return left(hosoError('invalid-decimal', `"${text}" is negative`, { path }));
  }
  if (options.maxScale !== undefined && frac.length > options.maxScale) {
    return left(
      hosoError('invalid-decimal', `"${text}" has more than ${options.maxScale} digit(s) after the point`, { path }),
    );
  }
  const units = BigInt(whole + frac) * (sign === '-' ? -1n : 1n);
  return right({ units, scale: frac.length });
}

/**
 * A decimal from a literal the program itself wrote (rule-set constants, tests). Throws a
 * {@link HosoFailure} on a malformed literal: that is a programming error, not bad input.
 */
export function dec(text: string): Decimal {
  const r = parseDecimal(text, { allowNegative: true });
  if (r._tag === 'Left') throw new HosoFailure(r.left);
  return r.right;
}

/** The integer `n` as a decimal of scale 0. */
export function fromInteger(n: number | bigint): Decimal {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) {
    throw new HosoFailure(hosoError('arithmetic', `${n} is not a safe integer`));
  }
  return { units: BigInt(n), scale: 0 };
}

const pow10 = (k: number): bigint => 10n ** BigInt(k);

/** The same value written with `scale` digits (scale must not lose digits). */
function widen(d: Decimal, scale: number): bigint {
  return d.units * pow10(scale - d.scale);
}

/** a + b, exactly. */
export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: widen(a, scale) + widen(b, scale), scale };
}

/** The exact sum of `xs` (0 for an empty list). */
export function sum(xs: readonly Decimal[]): Decimal {
  return xs.reduce<Decimal>(add, { units: 0n, scale: 0 });
}

/** a × k for an integer weight k (the coefficients 2 and 3 of the term-average formula). */
export function mulInt(a: Decimal, k: number | bigint): Decimal {
  return { units: a.units * BigInt(k), scale: a.scale };
}

/**
 * a ÷ divisor, rounded half up (half away from zero) to `scale` digits after the point.
 * The regulation's averages are non-negative, where this is the familiar "5 rounds up".
 */
export function divRoundHalfUp(a: Decimal, divisor: number | bigint, scale = 1): Decimal {
  const d = BigInt(divisor);
  if (d === 0n) throw new HosoFailure(hosoError('arithmetic', 'division by zero'));
  // a/d at target scale = a.units * 10^(scale - a.scale) / d; move every power of ten into the
  // numerator or the denominator so the division is exact integers.
  let num = a.units;
  let den = d;
  if (scale >= a.scale) num *= pow10(scale - a.scale);
  else den *= pow10(a.scale - scale);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  const r = abs % den;
  if (r * 2n >= den) q += 1n;
  return { units: negative ? -q : q, scale };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (scale does not matter: 8.0 = 8). */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = widen(a, scale);
  const y = widen(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a ≥ b. */
export const gte = (a: Decimal, b: Decimal): boolean => compare(a, b) >= 0;
/** a < b. */
export const lt = (a: Decimal, b: Decimal): boolean => compare(a, b) < 0;
/** a = b in value. */
export const eq = (a: Decimal, b: Decimal): boolean => compare(a, b) === 0;

/** True when the value has no fractional part (`"8"`, `"8.0"`). */
export function isWhole(d: Decimal): boolean {
  return d.units % pow10(d.scale) === 0n;
}

/**
 * The decimal written out with exactly its scale's digits: `{units: 85n, scale: 1}` → `"8.5"`,
 * `{units: 80n, scale: 1}` → `"8.0"` (the book prints averages with one decimal).
 */
export function toDecimalString(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const frac = digits.slice(digits.length - d.scale);
  return (negative ? '-' : '') + whole + (d.scale > 0 ? '.' + frac : '');
}

/** The same value at a larger scale (`8` → `8.0`); a smaller scale is refused. */
export function withScale(d: Decimal, scale: number): Decimal {
  if (scale < d.scale)
    throw new HosoFailure(hosoError('arithmetic', `cannot narrow scale ${d.scale} to ${scale} without rounding`));
  return { units: widen(d, scale), scale };
}
