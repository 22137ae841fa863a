import { sha256, nodeHash } from '../hash.js';
import { invalidArgument, requireHash, requireSize, splitPoint } from './args.js';

/**
 * RFC 9162 §2.1 reference functions over an in-memory list of leaf hashes. They follow the RFC's
 * recursive definitions literally so that they can serve as the oracle for the incremental tree
 * (`tree.ts`), which is what stores use. Cost is O(n) per call: never call them per checkpoint on
 * a real ledger.
 */

function checkLeaves(leafHashes: readonly Uint8Array[]): void {
  if (!Array.isArray(leafHashes)) throw invalidArgument('leafHashes', 'must be an array of 32-byte hashes');
  leafHashes.forEach((h, i) => requireHash(`leafHashes[${i}]`, h));
}

/** MTH(D[lo:hi]) over leaf hashes (the leaves are already hashed with the 0x00 prefix). */
function mth(leaves: readonly Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 0) return sha256();
  if (n === 1) return leaves[lo]!;
  const k = splitPoint(n);
  return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

/**
 * Merkle Tree Hash (RFC 9162 §2.1.1) of the given leaf hashes; `SHA-256("")` for none.
 * @throws HosoFailure `invalid-argument` when an element is not a 32-byte hash.
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  checkLeaves(leafHashes);
  return mth(leafHashes, 0, leafHashes.length);
}

/**
 * Inclusion proof PATH(index, D[n]) (RFC 9162 §2.1.3.1), nearest sibling first.
 * @throws HosoFailure `invalid-argument` when `index` is not in [0, leafHashes.length).
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Uint8Array[] {
  checkLeaves(leafHashes);
  requireSize('index', index);
  if (index >= leafHashes.length) {
    throw invalidArgument('index', `must be less than the tree size ${leafHashes.length}, got ${index}`);
  }
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo <= 1) return [];
    const k = splitPoint(hi - lo);
    return m < k
      ? [...path(m, lo, lo + k), mth(leafHashes, lo + k, hi)]
      : [...path(m - k, lo + k, hi), mth(leafHashes, lo, lo + k)];
  };
  return path(index, 0, leafHashes.length);
}

/**
 * Consistency proof PROOF(m, D[n]) (RFC 9162 §2.1.4.1) from the tree of the first `m` leaves to
 * the tree of all of them. Empty when m = n.
 * @throws HosoFailure `invalid-argument` unless 0 < m ≤ leafHashes.length (no proof exists from
 * the empty tree: every tree extends it).
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], m: number): Uint8Array[] {
  checkLeaves(leafHashes);
  requireSize('m', m);
  const n = leafHashes.length;
  if (m === 0 || m > n) throw invalidArgument('m', `must satisfy 0 < m ≤ ${n}, got ${m}`);
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Uint8Array[] => {
    if (m === hi - lo) return complete ? [] : [mth(leafHashes, lo, hi)];
    const k = splitPoint(hi - lo);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), mth(leafHashes, lo + k, hi)]
      : [...subproof(m - k, lo + k, hi, false), mth(leafHashes, lo, lo + k)];
  };
  return subproof(m, 0, n, true);
}
