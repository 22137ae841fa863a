import { hosoError, HosoFailure } from '../errors.js';

/**
 * Argument checks shared by the Merkle functions. Tree sizes and indexes are JavaScript numbers,
 * so every size up to 2^53 − 1 is exact; all arithmetic here avoids 32-bit bitwise operators,
 * because a national ledger passes 2^32 leaves.
 */

/** The error every Merkle function throws for a bad size, index or hash. */
export function invalidArgument(name: string, message: string): HosoFailure {
  return new HosoFailure(hosoError('invalid-argument', `${name}: ${message}`, { path: [name], rule: 'RFC 9162 §2.1' }));
}

/** True for an integer in [0, 2^53). */
export function isSize(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Throws unless `x` is a non-negative safe integer. */
export function requireSize(name: string, x: unknown): number {
  if (!isSize(x)) throw invalidArgument(name, `must be an integer in [0, 2^53), got ${String(x)}`);
  return x;
}

/** Throws unless `h` is a 32-byte SHA-256 value. */
export function requireHash(name: string, h: unknown): Uint8Array {
  if (!(h instanceof Uint8Array) || h.length !== 32) throw invalidArgument(name, 'must be a 32-byte SHA-256 hash');
  return h;
}

/** True when `h` is a 32-byte Uint8Array. */
export function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === 32;
}

/** The largest power of two strictly less than `n` (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Whether `n` (≥ 1) is an exact power of two. */
export function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
