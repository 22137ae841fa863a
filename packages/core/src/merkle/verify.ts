import { bytesEqual } from '../bytes.js';
import { nodeHash } from '../hash.js';
import { isHash, isPowerOfTwo, isSize } from './args.js';

/**
 * RFC 9162 proof verification, implemented exactly as the RFC's bit-walking algorithms
 * (§2.1.3.2 and §2.1.4.2): no tree is recomputed, and hostile input (bad sizes, hashes of the
 * wrong length, proofs too short or too long, non-arrays) makes them return `false`, never throw.
 * Shifts and low-bit tests use arithmetic, not 32-bit bitwise operators, so sizes up to 2^53 work.
 */

const lsb = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

function isHashList(proof: unknown): proof is readonly Uint8Array[] {
  return Array.isArray(proof) && proof.every(isHash);
}

/**
 * The root a valid inclusion proof implies for `leafHash` at `index` in a tree of `size`, or
 * `undefined` when the proof has the wrong shape (RFC 9162 §2.1.3.2 steps 1–5 without the final
 * root comparison).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array | undefined {
  if (!isHash(leafHash) || !isSize(index) || !isSize(size) || !isHashList(proof)) return undefined;
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

/**
 * Whether `proof` proves that `leafHash` is the leaf at `index` of the tree of `size` leaves whose
 * root is `root` (RFC 9162 §2.1.3.2).
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(root)) return false;
  const r = rootFromInclusionProof(leafHash, index, size, proof);
  return r !== undefined && bytesEqual(r, root);
}

/**
 * Whether `proof` proves that the tree of size `m` with root `rootM` is a prefix of the tree of
 * size `n` with root `rootN` (RFC 9162 §2.1.4.2). m = n needs an empty proof and equal roots;
 * m = 0 and m > n are always `false` (there is nothing to prove from an empty tree; callers that
 * accept it, like a witness's first checkpoint, decide so explicitly).
 */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSize(m) || !isSize(n) || !isHash(rootM) || !isHash(rootN) || !isHashList(proof)) return false;
  if (m === 0 || m > n) return false;
  if (m === n) return proof.length === 0 && bytesEqual(rootM, rootN);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, rootM) && bytesEqual(sr, rootN);
}
