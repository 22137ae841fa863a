import { nodeHash } from '@hoso/core';
import { PagedBytes } from './paged.js';

/** Number of 1-bits of a non-negative safe integer (53 bits: split, since `>>>` works on 32). */
function popcount(x: number): number {
  let n = 0;
  for (let v of [x % 2 ** 32, Math.floor(x / 2 ** 32)]) {
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

/**
 * Where node `{ level, index }` sits in completion order. Appending leaf L completes the leaf and
 * then one node per trailing 1-bit of L; before leaf L, 2L − popcount(L) nodes were completed. The
 * node `{ level, index }` is completed by leaf L = (index + 1)·2^level − 1, as the level-th of them.
 */
export function completionOrder(level: number, index: number): number {
  const last = (index + 1) * 2 ** level - 1;
  return 2 * last - popcount(last) + level;
}

/**
 * The Merkle nodes of one ledger, kept client-side: every leaf hash and every complete perfect
 * subtree's hash, 32 bytes each, in ONE paged byte store in the order they are completed (no
 * per-node object, map entry or per-level buffer). A tree of n leaves holds 2n − popcount(n)
 * hashes: about 64 bytes per event, with at most one partly filled 128 KiB page of slack.
 */
export class HashLevels {
  private readonly store = new PagedBytes(32);
  private leaves = 0;

  /** Number of leaves. */
  get size(): number {
    return this.leaves;
  }

  /** Append the next leaf hash and store the interior nodes it completes (RFC 9162, left to right). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== 32) throw new Error('hash levels: a leaf hash is 32 bytes');
    let index = this.leaves;
    let level = 0;
    let h = leafHash;
    this.store.push(h);
    while (index % 2 === 1) {
      h = nodeHash(this.store.view(completionOrder(level, index - 1)), h);
      level += 1;
      index = (index - 1) / 2;
      this.store.push(h);
    }
    this.leaves += 1;
  }

  /** A copy of the hash of node `{ level, index }`, or undefined when it is not (yet) complete. */
  get(level: number, index: number): Uint8Array | undefined {
    if (!Number.isSafeInteger(level) || !Number.isSafeInteger(index) || level < 0 || index < 0 || level > 52)
      return undefined;
    if ((index + 1) * 2 ** level > this.leaves) return undefined;
    return this.store.get(completionOrder(level, index));
  }

  /** A view of leaf `i` (< size), valid until the next append. */
  leafView(i: number): Uint8Array {
    return this.store.view(completionOrder(0, i));
  }

  /** Number of nodes stored at `level`. */
  count(level: number): number {
    return Math.floor(this.leaves / 2 ** level);
  }

  /** Bytes allocated (for the memory figures in the docs). */
  allocatedBytes(): number {
    return this.store.allocatedBytes();
  }
}
