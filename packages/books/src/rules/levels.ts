/**
 * The vocabulary shared by every rule set: levels, comment results, scores and the typed
 * "incomplete" value returned instead of a wrong number when an assessment is missing.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import type { BooksError } from '../errors.js';
import { compare, fromInteger, isWhole, parseDecimal, type Decimal } from '../decimal.js';

/** Result of a comment-only subject (*môn đánh giá bằng nhận xét*): Đạt or Chưa đạt. */
export type CommentResult = 'Đ' | 'CĐ';
/** The four levels of learning (*kết quả học tập*) and conduct (*kết quả rèn luyện*), best first. */
export type Level4 = 'Tốt' | 'Khá' | 'Đạt' | 'Chưa đạt';
/** Alias used where the level is a learning result (*KQHT*). */
export type LearningLevel = Level4;
/** Alias used where the level is a conduct result (*KQRL*). */
export type ConductLevel = Level4;

/** Levels best first; the index is the distance from the top. */
export const LEVELS4: readonly Level4[] = ['Tốt', 'Khá', 'Đạt', 'Chưa đạt'];

/** Rank of a level: 0 for Tốt … 3 for Chưa đạt. */
export const rank4 = (l: Level4): number => LEVELS4.indexOf(l);

/** True when `a` is at least as good as `b`. */
export const atLeast4 = (a: Level4, b: Level4): boolean => rank4(a) <= rank4(b);

/** What is missing for a result to be computed: the path of each absent assessment. */
export interface Incomplete {
  readonly tag: 'incomplete';
  /** Paths of the missing inputs, e.g. `["regular", 1]`, `["subjects", "toan", "year"]`. */
  readonly missing: ReadonlyArray<ReadonlyArray<string | number>>;
}

/** Build an {@link Incomplete}. */
export const incomplete = (missing: ReadonlyArray<ReadonlyArray<string | number>>): Incomplete => ({
  tag: 'incomplete',
  missing,
});

/** Type guard for {@link Incomplete}. */
export function isIncomplete(x: unknown): x is Incomplete {
  return typeof x === 'object' && x !== null && (x as { tag?: unknown }).tag === 'incomplete';
}

/** A value, or the reason it cannot be computed yet. */
export type OrIncomplete<A> = A | Incomplete;

/** Merge the missing lists of several incomplete values, prefixing each with `prefix`. */
export function collectMissing(
  parts: ReadonlyArray<readonly [ReadonlyArray<string | number>, unknown]>,
): Incomplete | null {
  const missing: Array<ReadonlyArray<string | number>> = [];
  let blocked = false;
  for (const [prefix, v] of parts) {
    if (!isIncomplete(v)) continue;
    blocked = true;
    // An incomplete input that lists nothing still blocks the result: report the input itself.
    if (v.missing.length === 0) missing.push([...prefix]);
    for (const m of v.missing) missing.push([...prefix, ...m]);
  }
  return blocked ? incomplete(missing) : null;
}

const TEN = fromInteger(10);
const ZERO = fromInteger(0);

/** Options for {@link parseScore}. */
export interface ScoreOptions {
  readonly path?: ReadonlyArray<string | number>;
  /** Whole numbers only (primary periodic tests, Thông tư 27/2020 Điều 7.1d). */
  readonly whole?: boolean;
  /** Lowest score allowed (default 0). */
  readonly min?: number;
  /** The article the score format comes from, reported when refused. */
  readonly rule?: string;
}

/**
 * A mark on the 10-point scale as the regulation writes it: 0–10 with at most one decimal
 * (Thông tư 22/2021 Điều 5.2), or a whole number where `whole` is set. Input is the string the
 * ledger stores (`"8.5"`).
 */
export function parseScore(text: unknown, options: ScoreOptions = {}): Either<BooksError, Decimal> {
  const path = options.path ?? [];
  const rule = options.rule ?? (options.whole === true ? 'TT27 Điều 7.1d' : 'TT22 Điều 5.2');
  const d = parseDecimal(text, { path });
  if (d._tag === 'Left') return left(hosoError('invalid-score', d.left.message, { path, rule }));
  const v = d.right;
  const min = fromInteger(options.min ?? 0);
  if (compare(v, min) < 0 || compare(v, TEN) > 0 || compare(v, ZERO) < 0) {
    return left(hosoError('invalid-score', `score ${String(text)} is outside ${options.min ?? 0}–10`, { path, rule }));
  }
  if (options.whole === true ? !isWhole(v) : v.scale > 1) {
    const what = options.whole === true ? 'a whole number' : 'at most one decimal';
    return left(hosoError('invalid-score', `score ${String(text)} must be ${what}`, { path, rule }));
  }
  return right(v);
}

/** Check that `x` is one of `allowed`; the error names the path and the rule. */
export function parseLevel<L extends string>(
  x: unknown,
  allowed: readonly L[],
  path: ReadonlyArray<string | number>,
  rule: string,
): Either<BooksError, L> {
  return typeof x === 'string' && (allowed as readonly string[]).includes(x)
    ? right(x as L)
    : left(hosoError('invalid-level', `${JSON.stringify(x)} is not one of ${allowed.join(', ')}`, { path, rule }));
}
