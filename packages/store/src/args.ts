import { HosoFailure, describeValue, hosoError } from '@hoso/core';
import { isIndex } from './batch.js';
import type { ReadRange, StreamRange } from './contract.js';

/**
 * Argument checks shared by the adapters' read side. Reads cannot return an Either (they are
 * async iterables and plain promises), so bad arguments travel as a thrown {@link HosoFailure}
 * with code `invalid-argument`, the `path` of the bad field and the `rule` it broke.
 */

/** Throw `invalid-argument` unless `value` is a non-negative safe integer. */
export function requireIndex(value: unknown, path: ReadonlyArray<string | number>, what: string): number {
  if (!isIndex(value)) {
    throw new HosoFailure(
      hosoError('invalid-argument', `${what} must be a non-negative integer, got ${describeValue(value)}`, {
        path,
        rule: 'non-negative-integer',
        // Only JSON-safe primitives travel as themselves: a hostile object (or a bigint) could
        // break whoever serialises the error.
        details: { value: isJsonPrimitive(value) ? value : describeValue(value) },
      }),
    );
  }
  return value;
}

function isJsonPrimitive(u: unknown): boolean {
  return u === null || u === undefined || typeof u === 'string' || typeof u === 'number' || typeof u === 'boolean';
}

/** Throw `invalid-argument` with a message, path and rule. */
export function invalidArgument(
  message: string,
  path: ReadonlyArray<string | number>,
  rule: string,
  details?: Record<string, unknown>,
): never {
  throw new HosoFailure(
    hosoError('invalid-argument', message, { path, rule, ...(details !== undefined ? { details } : {}) }),
  );
}

/** Throw `store-closed`. */
export function storeClosed(kind: string): never {
  throw new HosoFailure(hosoError('store-closed', `the ${kind} store is closed`, { rule: 'store-open' }));
}

/**
 * Check a {@link ReadRange} against the current `size`: `[from, to)` clamped to the size; `to < from` reads nothing.
 */
export function resolveReadRange(range: ReadRange | undefined, size: number): { from: number; to: number } {
  const from = range?.from === undefined ? 0 : requireIndex(range.from, ['range', 'from'], 'range.from');
  const to = range?.to === undefined ? size : requireIndex(range.to, ['range', 'to'], 'range.to');
  return { from, to: Math.min(to, size) };
}

/** Check a {@link StreamRange}: `[fromRev, toRev)`, `toRev` absent = to the end. */
export function resolveStreamRange(range: StreamRange | undefined): { fromRev: number; toRev: number } {
  const fromRev = range?.fromRev === undefined ? 0 : requireIndex(range.fromRev, ['range', 'fromRev'], 'range.fromRev');
  const toRev =
    range?.toRev === undefined ? Number.MAX_SAFE_INTEGER : requireIndex(range.toRev, ['range', 'toRev'], 'range.toRev');
  return { fromRev, toRev };
}

/** Check a tree size for `root`: `0 ≤ size ≤ ledger size`. */
export function checkTreeSize(size: unknown, ledgerSize: number): number {
  const n = requireIndex(size, ['size'], 'size');
  if (n > ledgerSize)
    invalidArgument(`size ${n} is beyond the ledger size ${ledgerSize}`, ['size'], 'size-within-ledger', {
      size: n,
      ledgerSize,
    });
  return n;
}

/** Check inclusion-proof arguments: `0 ≤ index < size ≤ ledger size`. */
export function checkInclusionArgs(index: unknown, size: unknown, ledgerSize: number): { index: number; size: number } {
  const i = requireIndex(index, ['index'], 'index');
  const n = checkTreeSize(size, ledgerSize);
  if (i >= n)
    invalidArgument(`index ${i} is not in a tree of size ${n}`, ['index'], 'index-below-size', { index: i, size: n });
  return { index: i, size: n };
}

/** Check consistency-proof arguments: `1 ≤ m ≤ n ≤ ledger size` (RFC 9162 §2.1.4 has no proof from the empty tree). */
export function checkConsistencyArgs(m: unknown, n: unknown, ledgerSize: number): { m: number; n: number } {
  const mm = requireIndex(m, ['m'], 'm');
  const nn = checkTreeSize(n, ledgerSize);
  if (mm === 0) invalidArgument('a consistency proof needs m ≥ 1', ['m'], 'consistency-m-positive', { m: mm });
  if (mm > nn) invalidArgument(`m ${mm} is beyond n ${nn}`, ['m'], 'consistency-m-le-n', { m: mm, n: nn });
  return { m: mm, n: nn };
}
