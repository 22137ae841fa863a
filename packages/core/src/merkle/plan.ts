import { hosoError, HosoFailure } from '../errors.js';
import { sha256, nodeHash } from '../hash.js';
import { invalidArgument, requireSize, splitPoint } from './args.js';

/**
 * Node plans for a tree kept as stored perfect subtrees. A store persists every complete perfect
 * subtree ("node") as it appears (see `CompactRange.append`); any RFC 9162 root or proof element
 * is then the fold of O(log n) stored nodes. The plan functions say *which* nodes, so that a
 * synchronous store (SQLite) and an asynchronous one (EventStoreDB) both fetch them in one batch.
 */

/**
 * A perfect subtree: level 0 is a leaf hash; `{ level, index }` covers leaves
 * `[index·2^level, (index+1)·2^level)`.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** 2^level as an exact number (level ≤ 53). */
const pow2 = (level: number): number => 2 ** level;

/** First leaf covered by a node. */
export function nodeStart(id: NodeId): number {
  return id.index * pow2(id.level);
}

/** One past the last leaf covered by a node. */
export function nodeEnd(id: NodeId): number {
  return (id.index + 1) * pow2(id.level);
}

/**
 * Decomposition of the leaf range [begin, end) into maximal aligned perfect subtrees, left to
 * right. For begin = 0 this is the binary expansion of `end`, largest subtree first.
 * @throws HosoFailure `invalid-argument` unless 0 ≤ begin ≤ end < 2^53.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  requireSize('begin', begin);
  requireSize('end', end);
  if (begin > end) throw invalidArgument('begin', `must not exceed end (${end}), got ${begin}`);
  const out: NodeId[] = [];
  let pos = begin;
  while (pos < end) {
    // Grow the subtree while it stays aligned at `pos` and inside the range.
    let level = 0;
    while (pos % pow2(level + 1) === 0 && pos + pow2(level + 1) <= end) level++;
    out.push({ level, index: pos / pow2(level) });
    pos += pow2(level);
  }
  return out;
}

/**
 * MTH of a range from the hashes of its `rangeNodes`, left to right. The ranges RFC 9162 splits
 * off are always aligned so that their perfect subtrees shrink left to right, and the RFC's
 * recursion pairs the rightmost ones first: fold right to left. `SHA-256("")` for no nodes.
 */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256();
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

/** The nodes whose fold is the root of the tree of `size` leaves (none for the empty tree). */
export function rootPlan(size: number): NodeId[] {
  return rangeNodes(0, requireSize('size', size));
}

/**
 * For each element of the inclusion proof of leaf `index` in the tree of `size` leaves (nearest
 * sibling first), the nodes to fold into it.
 * @throws HosoFailure `invalid-argument` unless 0 ≤ index < size.
 */
export function inclusionPlan(index: number, size: number): NodeId[][] {
  requireSize('index', index);
  requireSize('size', size);
  if (index >= size) throw invalidArgument('index', `must be less than size (${size}), got ${index}`);
  const outerFirst: NodeId[][] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      outerFirst.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      outerFirst.push(rangeNodes(lo, lo + k));
      lo += k;
    }
  }
  return outerFirst.reverse();
}

/**
 * For each element of the consistency proof from size `m` to size `n` (RFC 9162 §2.1.4.1 order),
 * the nodes to fold into it. Empty when m = n.
 * @throws HosoFailure `invalid-argument` unless 0 < m ≤ n.
 */
export function consistencyPlan(m: number, n: number): NodeId[][] {
  requireSize('m', m);
  requireSize('n', n);
  if (m === 0 || m > n) throw invalidArgument('m', `must satisfy 0 < m ≤ n (${n}), got ${m}`);
  const outerFirst: NodeId[][] = [];
  let lo = 0;
  let hi = n;
  let complete = true;
  for (;;) {
    if (m === hi) {
      if (!complete) outerFirst.push(rangeNodes(lo, hi));
      break;
    }
    const k = splitPoint(hi - lo);
    if (m <= lo + k) {
      outerFirst.push(rangeNodes(lo + k, hi));
      hi = lo + k;
    } else {
      outerFirst.push(rangeNodes(lo, lo + k));
      lo += k;
      complete = false;
    }
  }
  return outerFirst.reverse();
}

/** All node ids of a plan in one flat list, in plan order (the batch a store fetches). */
export function flattenPlan(plan: readonly (readonly NodeId[])[]): NodeId[] {
  return plan.flat();
}

/**
 * Fold a plan's fetched hashes (`hashes[i]` is the hash of `flattenPlan(plan)[i]`) into one hash
 * per plan element.
 * @throws HosoFailure `invalid-node` when the count or a hash length is wrong.
 */
export function foldPlan(plan: readonly (readonly NodeId[])[], hashes: readonly Uint8Array[]): Uint8Array[] {
  const total = plan.reduce((s, ids) => s + ids.length, 0);
  if (hashes.length !== total) {
    throw invalidNode(`node source returned ${hashes.length} hashes for ${total} nodes`);
  }
  const out: Uint8Array[] = [];
  let at = 0;
  for (const ids of plan) {
    const part = hashes.slice(at, at + ids.length);
    part.forEach((h, i) => {
      if (!(h instanceof Uint8Array) || h.length !== 32) {
        const id = ids[i]!;
        throw invalidNode(`node (level ${id.level}, index ${id.index}) is not a 32-byte hash`);
      }
    });
    out.push(foldRange(part));
    at += ids.length;
  }
  return out;
}

function invalidNode(message: string): HosoFailure {
  return new HosoFailure(hosoError('invalid-node', message, { rule: 'RFC 9162 §2.1' }));
}
