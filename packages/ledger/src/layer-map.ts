/**
 * A map with O(1) copy-on-write forks. The ledger state is large (every key, role and cell of a
 * school) and a decision must be tried on a scratch copy (a command may emit several events, each
 * checked against the state after the ones before it); a fork reads through to its parent and
 * keeps its own writes, so trying costs only what it changes. Values are treated as immutable:
 * replace them, never mutate them in place.
 */
const GONE: unique symbol = Symbol('gone');

/** A map layered over an optional parent; see the module comment. */
export class LayerMap<K, V> {
  private readonly own = new Map<K, V | typeof GONE>();
  constructor(private readonly parent?: LayerMap<K, V>) {}

  /** The value for `k`, looking through to the parent. */
  get(k: K): V | undefined {
    const v = this.own.get(k);
    if (v !== undefined) return v === GONE ? undefined : v;
    return this.parent?.get(k);
  }

  /** True when `k` has a value here or in the parent (and was not deleted here). */
  has(k: K): boolean {
    return this.get(k) !== undefined;
  }

  /** Set `k` in this layer only. */
  set(k: K, v: V): this {
    this.own.set(k, v);
    return this;
  }

  /** Delete `k` as seen from this layer (the parent is not touched). */
  delete(k: K): void {
    if (this.parent === undefined) this.own.delete(k);
    else this.own.set(k, GONE);
  }

  /** A child layer: reads fall through to this map, writes stay in the child. */
  fork(): LayerMap<K, V> {
    return new LayerMap<K, V>(this);
  }

  /** Every live entry, child values shadowing the parent's. Order: parent's first, then new keys. */
  *entries(): IterableIterator<[K, V]> {
    if (this.parent !== undefined) {
      for (const [k, v] of this.parent.entries()) {
        if (!this.own.has(k)) yield [k, v];
      }
    }
    for (const [k, v] of this.own) {
      if (v !== GONE) yield [k, v];
    }
  }
}
