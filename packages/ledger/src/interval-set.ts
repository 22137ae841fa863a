/**
 * A persistent set of half-open time intervals [lo, hi), answering "does any interval contain t?"
 * in O(log n): the entry windows of one scope, so that an entry is checked against its windows in
 * time that does not grow with how many windows a year (or a forged bundle) has opened.
 *
 * A treap ordered by (lo, id), each node keeping the largest `hi` below it. Every change copies
 * only the path it walks, so the ledger state's copy-on-write forks can share a set and change it
 * without touching their parent. Priorities come from a hash of the id with a per-process random
 * salt: the shape depends only on the set (equal sets are equal trees, however they were built)
 * and nobody choosing window ids can unbalance it.
 */

/** One node; treat as opaque. */
export interface IntervalNode {
  readonly lo: number;
  readonly hi: number;
  readonly id: string;
  readonly priority: number;
  /** The largest `hi` in this subtree. */
  readonly max: number;
  readonly left: IntervalNode | null;
  readonly right: IntervalNode | null;
}

/** A set of intervals; `null` is the empty set. */
export type IntervalSet = IntervalNode | null;

const SALT = Math.floor(Math.random() * 0x1_0000_0000) >>> 0;

/** FNV-1a of the id, salted, mixed (murmur3's finaliser). */
function priorityOf(id: string): number {
  let h = (0x811c9dc5 ^ SALT) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function node(n: IntervalNode, left: IntervalNode | null, right: IntervalNode | null): IntervalNode {
  let max = n.hi;
  if (left !== null && left.max > max) max = left.max;
  if (right !== null && right.max > max) max = right.max;
  return { lo: n.lo, hi: n.hi, id: n.id, priority: n.priority, max, left, right };
}

function before(lo: number, id: string, n: IntervalNode): boolean {
  return lo < n.lo || (lo === n.lo && id < n.id);
}

/** The nodes ordered before (lo, id) and the rest. */
function split(t: IntervalSet, lo: number, id: string): [IntervalSet, IntervalSet] {
  if (t === null) return [null, null];
  if (before(lo, id, t)) {
    const [l, r] = split(t.left, lo, id);
    return [l, node(t, r, t.right)];
  }
  const [l, r] = split(t.right, lo, id);
  return [node(t, t.left, l), r];
}

/** Join two sets, every node of `a` ordered before every node of `b`. */
function merge(a: IntervalSet, b: IntervalSet): IntervalSet {
  if (a === null) return b;
  if (b === null) return a;
  return a.priority > b.priority ? node(a, a.left, merge(a.right, b)) : node(b, merge(a, b.left), b.right);
}

/** `t` with [lo, hi) under `id` added (`id` must not be in `t`). */
export function insertInterval(t: IntervalSet, lo: number, hi: number, id: string): IntervalSet {
  const single: IntervalNode = { lo, hi, id, priority: priorityOf(id), max: hi, left: null, right: null };
  const [l, r] = split(t, lo, id);
  return merge(merge(l, single), r);
}

/** `t` without the interval of `id` that starts at `lo` (unchanged when there is none). */
export function removeInterval(t: IntervalSet, lo: number, id: string): IntervalSet {
  if (t === null) return null;
  if (t.lo === lo && t.id === id) return merge(t.left, t.right);
  if (before(lo, id, t)) {
    const left = removeInterval(t.left, lo, id);
    return left === t.left ? t : node(t, left, t.right);
  }
  const right = removeInterval(t.right, lo, id);
  return right === t.right ? t : node(t, t.left, right);
}

/** Does some interval of `t` contain `at` (lo ≤ at < hi)? */
export function anyContains(t: IntervalSet, at: number): boolean {
  let n = t;
  while (n !== null) {
    if (n.max <= at) return false;
    if (n.lo > at) {
      // This node and everything after it start later.
      n = n.left;
      continue;
    }
    if (n.hi > at) return true;
    // Everything on the left starts no later than this node, so one that ends after `at` holds it.
    if (n.left !== null && n.left.max > at) return true;
    n = n.right;
  }
  return false;
}

/** The number of levels of `t` (for tests of its balance). */
export function intervalDepth(t: IntervalSet): number {
  return t === null ? 0 : 1 + Math.max(intervalDepth(t.left), intervalDepth(t.right));
}
