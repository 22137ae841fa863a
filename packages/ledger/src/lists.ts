/**
 * Append-only lists inside the ledger state (a person's keys and grants, a grade's curriculum)
 * kept as numbered slots of a {@link LayerMap}: `<owner>#<i>` → item and `<owner>` → length. An
 * append writes two entries whatever the list's length, where copying an array on every change
 * would make a person given 20,000 roles by a forged bundle cost 20,000² copies to replay.
 */
import type { LayerMap } from './layer-map.js';

/** The slots and lengths of every list of one kind. */
export interface Lists<V> {
  /** `<owner>#<i>` → the i-th item. */
  readonly items: LayerMap<string, V>;
  /** `<owner>` → the number of slots used. */
  readonly lengths: LayerMap<string, number>;
}

/** The length of `owner`'s list. */
export function listLength<V>(l: Lists<V>, owner: string): number {
  return l.lengths.get(owner) ?? 0;
}

/** The i-th item of `owner`'s list. */
export function listItem<V>(l: Lists<V>, owner: string, i: number): V | undefined {
  return l.items.get(`${owner}#${i}`);
}

/** Append `v` to `owner`'s list; returns its slot. */
export function listPush<V>(l: Lists<V>, owner: string, v: V): number {
  const n = listLength(l, owner);
  l.items.set(`${owner}#${n}`, v);
  l.lengths.set(owner, n + 1);
  return n;
}

/** Replace the item in slot `i` of `owner`'s list. */
export function listReplace<V>(l: Lists<V>, owner: string, i: number, v: V): void {
  l.items.set(`${owner}#${i}`, v);
}

/** Every item of `owner`'s list, in order. */
export function listValues<V>(l: Lists<V>, owner: string): V[] {
  const n = listLength(l, owner);
  const out: V[] = [];
  for (let i = 0; i < n; i++) {
    const v = l.items.get(`${owner}#${i}`);
    if (v !== undefined) out.push(v);
  }
  return out;
}
