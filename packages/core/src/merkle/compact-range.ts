import { nodeHash } from '../hash.js';
import { invalidArgument, requireHash, requireSize } from './args.js';
import { foldRange, rangeNodes, type NodeId } from './plan.js';

/** A node the store must persist: its id and hash. */
export interface CompletedNode {
  readonly id: NodeId;
  readonly hash: Uint8Array;
}

/**
 * Compact range [0, n): the hashes of the maximal perfect subtrees covering the first n leaves
 * (largest first, exactly `rangeNodes(0, n)`). It gives the RFC 9162 root in O(log n) and absorbs
 * one leaf in O(log n) — how a store keeps the tree incrementally instead of recomputing it.
 *
 * A store appends each leaf hash and persists the nodes `append` returns; at open it rebuilds the
 * range with `CompactRange.fromNodes(size, <stored hashes of rangeNodes(0, size)>)`.
 */
export class CompactRange {
  #size: number;
  readonly #hashes: Uint8Array[];

  private constructor(size: number, hashes: Uint8Array[]) {
    this.#size = size;
    this.#hashes = hashes;
  }

  /** The range of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /**
   * Rebuild from stored nodes: `hashes[i]` is the hash of `rangeNodes(0, size)[i]`.
   * @throws HosoFailure `invalid-argument` when the count does not match `size` or a hash is not 32 bytes.
   */
  static fromNodes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    requireSize('size', size);
    const expected = rangeNodes(0, size).length;
    if (!Array.isArray(hashes) || hashes.length !== expected) {
      throw invalidArgument(
        'hashes',
        `a tree of size ${size} needs ${expected} node hashes, got ${Array.isArray(hashes) ? hashes.length : 'none'}`,
      );
    }
    hashes.forEach((h, i) => requireHash(`hashes[${i}]`, h));
    return new CompactRange(
      size,
      (hashes as readonly Uint8Array[]).map((h) => h.slice()), // Array.isArray narrowed it to any[]
    );
  }

  /** Number of leaves covered. */
  get size(): number {
    return this.#size;
  }

  /**
   * Add the next leaf. Returns the nodes this leaf completes, bottom-up: the leaf itself at level 0
   * and then one node per trailing 1-bit of its index (the subtrees it closes).
   * @throws HosoFailure `invalid-argument` when `leafHash` is not 32 bytes or the range is full (2^53 − 1).
   */
  append(leafHash: Uint8Array): CompletedNode[] {
    requireHash('leafHash', leafHash);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw invalidArgument('size', 'tree is full');
    let h: Uint8Array = leafHash.slice();
    let level = 0;
    let index = this.#size;
    const done: CompletedNode[] = [{ id: { level, index }, hash: h }];
    while (index % 2 === 1) {
      // An odd index closes its parent: merge with the subtree to its left.
      h = nodeHash(this.#hashes.pop()!, h);
      level += 1;
      index = (index - 1) / 2;
      done.push({ id: { level, index }, hash: h });
    }
    this.#hashes.push(h);
    this.#size += 1;
    return done;
  }

  /** RFC 9162 Merkle Tree Hash of the covered leaves; `SHA-256("")` when empty. */
  root(): Uint8Array {
    return foldRange(this.#hashes);
  }

  /** The ids of the covering subtrees, largest first (= `rangeNodes(0, size)`). */
  nodes(): NodeId[] {
    return rangeNodes(0, this.#size);
  }

  /** Copies of the covering subtrees' hashes, in `nodes()` order. */
  hashes(): Uint8Array[] {
    return this.#hashes.map((h) => h.slice());
  }

  /** An independent copy (e.g. to compute a tentative root before a batch commits). */
  clone(): CompactRange {
    return new CompactRange(this.#size, this.hashes());
  }
}
