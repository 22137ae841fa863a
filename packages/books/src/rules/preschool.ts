/**
 * Preschool growth monitoring (Thông tư 52/2020 charter; *theo dõi cân nặng, chiều cao*): the
 * measurement schedule and classification against the WHO Child Growth Standards (2006).
 *
 * What is covered, honestly: hoso does NOT ship the WHO tables. The caller supplies the WHO
 * reference for the child's sex and age (or length/height) as its L, M, S values (the WHO
 * publishes them per day/month and per 0.5 cm); hoso computes the z-score with the WHO formula
 * — including the WHO's restricted computation beyond ±3 SD for weight-based indicators — and
 * classifies it with the WHO cut-offs below. A z-score is a measurement statistic, not a mark
 * average, so it is computed in binary floating point and compared only against whole-SD cut-offs.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import type { BooksError } from '../errors.js';

/** The three WHO indicators a preschool book records. */
export type GrowthIndicator = 'weight-for-age' | 'height-for-age' | 'weight-for-height';

/**
 * Nutrition status: *bình thường*, *suy dinh dưỡng nhẹ cân* (underweight), *thấp còi* (stunted),
 * *gầy còm* (wasted), *thừa cân* (overweight), *béo phì* (obese); "severe" below −3 SD.
 */
export type GrowthStatus =
  | 'normal'
  | 'underweight'
  | 'severely-underweight'
  | 'stunted'
  | 'severely-stunted'
  | 'wasted'
  | 'severely-wasted'
  | 'possible-risk-of-overweight'
  | 'overweight'
  | 'obese';

/** A WHO reference point: Box-Cox power L, median M, coefficient of variation S. */
export interface Lms {
  readonly L: number;
  readonly M: number;
  readonly S: number;
}

/** Preschool parameters: the WHO cut-offs and the measuring schedule. */
export interface PreschoolParams {
  /** Below −moderate SD: moderate; below −severe SD: severe (WHO 2006: 2 and 3). */
  readonly lowModerate: number;
  readonly lowSevere: number;
  /** Weight-for-height above +risk / +overweight / +obese SD (WHO 2006 under-5: 1, 2, 3). */
  readonly highRisk: number;
  readonly highOverweight: number;
  readonly highObese: number;
  /** Measure monthly below this age in months, then every `laterEveryMonths` months. */
  readonly monthlyUntilMonths: number;
  readonly laterEveryMonths: number;
}

/** WHO 2006 cut-offs; the measuring schedule as docs/grading.md#preschool-who gives it (check). */
export const PRESCHOOL_DEFAULTS: PreschoolParams = {
  lowModerate: 2,
  lowSevere: 3,
  highRisk: 1,
  highOverweight: 2,
  highObese: 3,
  monthlyUntilMonths: 24,
  laterEveryMonths: 3,
};

/** Where each parameter comes from. */
export const PRESCHOOL_SOURCES: { readonly [K in keyof PreschoolParams]: string } = {
  lowModerate: 'WHO Child Growth Standards 2006, training course module C (interpreting indicators)',
  lowSevere: 'WHO Child Growth Standards 2006, training course module C',
  highRisk: 'WHO Child Growth Standards 2006, training course module C (weight-for-length/height > +1)',
  highOverweight: 'WHO Child Growth Standards 2006, training course module C',
  highObese: 'WHO Child Growth Standards 2006, training course module C',
  monthlyUntilMonths: 'TT52/2020 charter; schedule per docs/grading.md#preschool-who (check)',
  laterEveryMonths: 'TT52/2020 charter; schedule per docs/grading.md#preschool-who (check)',
};

function lmsZ(x: number, r: Lms): number {
  return r.L === 0 ? Math.log(x / r.M) / r.S : (Math.pow(x / r.M, r.L) - 1) / (r.L * r.S);
}

function lmsValue(z: number, r: Lms): number {
  return r.L === 0 ? r.M * Math.exp(r.S * z) : r.M * Math.pow(1 + r.L * r.S * z, 1 / r.L);
}

/**
 * The WHO z-score of measurement `x` against reference `r`. For weight-based indicators the WHO
 * restricts the LMS curve beyond ±3 SD and extends it linearly with the 2-to-3 SD distance
 * (WHO Child Growth Standards, methods and development, 2006, ch. 7); height-for-age uses the
 * plain formula. Bad input (non-positive, non-finite) is a typed error.
 */
export function whoZScore(
  indicator: GrowthIndicator,
  x: number,
  r: Lms,
  path: ReadonlyArray<string | number> = [],
): Either<BooksError, number> {
  if (!Number.isFinite(x) || x <= 0)
    return left(hosoError('invalid-input', `measurement ${x} must be a positive number`, { path }));
  if (![r.L, r.M, r.S].every(Number.isFinite) || r.M <= 0 || r.S <= 0) {
    return left(
      hosoError('invalid-input', 'reference L, M, S must be finite with M, S > 0', { path: [...path, 'reference'] }),
    );
  }
  const z = lmsZ(x, r);
  if (indicator === 'height-for-age' || Math.abs(z) <= 3) return right(z);
  if (z > 3) {
    const sd3 = lmsValue(3, r);
    const sd23 = sd3 - lmsValue(2, r);
    return right(3 + (x - sd3) / sd23);
  }
  const sdm3 = lmsValue(-3, r);
  const sd23 = lmsValue(-2, r) - sdm3;
  return right(-3 + (x - sdm3) / sd23);
}

/** Classify a z-score with the WHO cut-offs (strictly below −2 is moderate, below −3 severe). */
export function classifyGrowth(p: PreschoolParams, indicator: GrowthIndicator, z: number): GrowthStatus {
  const low = {
    'weight-for-age': ['underweight', 'severely-underweight'],
    'height-for-age': ['stunted', 'severely-stunted'],
    'weight-for-height': ['wasted', 'severely-wasted'],
  } as const;
  const [moderate, severe] = low[indicator];
  if (z < -p.lowSevere) return severe;
  if (z < -p.lowModerate) return moderate;
  if (indicator === 'weight-for-height') {
    if (z > p.highObese) return 'obese';
    if (z > p.highOverweight) return 'overweight';
    if (z > p.highRisk) return 'possible-risk-of-overweight';
  }
  return 'normal';
}

/** Whether a child of `ageMonths` is due a measurement in month `ageMonths` of the schedule. */
export function measurementDue(p: PreschoolParams, ageMonths: number): boolean {
  if (ageMonths < p.monthlyUntilMonths) return true;
  return (ageMonths - p.monthlyUntilMonths) % p.laterEveryMonths === 0;
}
