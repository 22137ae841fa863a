/**
 * Cell keys numbered compactly. A cell key (`<stream>#<student>/<rest>`, cells.ts) is nearly
 * unique per cell, so a `Map` of the key strings costs a string and an entry per mark (~150 bytes,
 * more when the key is a concatenation still holding the event's own strings). Here a key is split
 * at its first `#` and the first `/` after it, each part is interned (a school has few streams,
 * students and rests such as `HK1/tx1`), and the key is the triple of part numbers in an
 * open-addressing hash table: about 20 bytes per key. Splitting and joining are exact, so the text
 * of a key is given back as it came; a key not of that shape is kept whole in a small map.
 */
import { Interned } from './interned.js';

const NONE = 0xffffffff;

/** MurmurHash3's 32-bit finaliser: part numbers are small and sequential, so their low bits need mixing. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** See the module comment. Numbers are dense, in order of first appearance. */
export class KeyTable {
  private readonly heads = new Interned();
  private readonly owners = new Interned();
  private readonly rests = new Interned();
  /** Three part numbers per key (NONE for a key kept whole). */
  private parts = new Uint32Array(3 * 256);
  /** Key number + 1 per slot; 0: empty. */
  private slots = new Uint32Array(512);
  private count = 0;
  private readonly wholeNumbers = new Map<string, number>();
  private readonly wholeKeys = new Map<number, string>();

  /** How many keys are numbered. */
  get size(): number {
    return this.count;
  }

  /** The number of `key`, numbering it if it is new. */
  number(key: string): number {
    const h = key.indexOf('#');
    const o = h < 0 ? -1 : key.indexOf('/', h + 1);
    if (o < 0) {
      let n = this.wholeNumbers.get(key);
      if (n === undefined) {
        n = this.add(NONE, NONE, NONE);
        this.wholeNumbers.set(key, n);
        this.wholeKeys.set(n, key);
      }
      return n;
    }
    const a = this.heads.number(key.slice(0, h));
    const b = this.owners.number(key.slice(h + 1, o));
    const c = this.rests.number(key.slice(o + 1));
    const s = this.slot(a, b, c);
    const v = this.slots[s]!;
    if (v !== 0) return v - 1;
    const n = this.add(a, b, c);
    this.slots[s] = n + 1;
    if (this.count * 10 > this.slots.length * 7) this.grow();
    return n;
  }

  /** The number of `key`, or undefined when it was never numbered. */
  find(key: string): number | undefined {
    const h = key.indexOf('#');
    const o = h < 0 ? -1 : key.indexOf('/', h + 1);
    if (o < 0) return this.wholeNumbers.get(key);
    const a = this.heads.find(key.slice(0, h));
    if (a === undefined) return undefined;
    const b = this.owners.find(key.slice(h + 1, o));
    if (b === undefined) return undefined;
    const c = this.rests.find(key.slice(o + 1));
    if (c === undefined) return undefined;
    const v = this.slots[this.slot(a, b, c)]!;
    return v === 0 ? undefined : v - 1;
  }

  /** The key numbered `n`. */
  name(n: number): string {
    const a = this.parts[n * 3]!;
    if (a === NONE) return this.wholeKeys.get(n)!;
    return `${this.heads.name(a)}#${this.owners.name(this.parts[n * 3 + 1]!)}/${this.rests.name(this.parts[n * 3 + 2]!)}`;
  }

  /** The part between `#` and `/` of key `n` (a cell's student), or undefined for a key kept whole. */
  owner(n: number): string | undefined {
    const b = this.parts[n * 3 + 1]!;
    return b === NONE ? undefined : this.owners.name(b);
  }

  /** The part before `#` of key `n` (a cell's stream), or undefined for a key kept whole. */
  head(n: number): string | undefined {
    const a = this.parts[n * 3]!;
    return a === NONE ? undefined : this.heads.name(a);
  }

  /** Every key, by number. */
  list(): string[] {
    const out = new Array<string>(this.count);
    for (let n = 0; n < this.count; n++) out[n] = this.name(n);
    return out;
  }

  /** A table numbering `keys` by their indices (a snapshot's); a RangeError when one repeats. */
  static of(keys: readonly string[]): KeyTable {
    const t = new KeyTable();
    for (const k of keys) t.number(k);
    if (t.count !== keys.length) throw new RangeError('interned names repeat');
    return t;
  }

  private add(a: number, b: number, c: number): number {
    const n = this.count++;
    if (n * 3 + 3 > this.parts.length) {
      const bigger = new Uint32Array(this.parts.length * 2);
      bigger.set(this.parts);
      this.parts = bigger;
    }
    this.parts[n * 3] = a;
    this.parts[n * 3 + 1] = b;
    this.parts[n * 3 + 2] = c;
    return n;
  }

  /** The slot holding key (a, b, c), or the empty slot where it would go (linear probing). */
  private slot(a: number, b: number, c: number): number {
    const mask = this.slots.length - 1;
    let s = mix(Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ c) & mask;
    const p = this.parts;
    for (;;) {
      const v = this.slots[s]!;
      if (v === 0) return s;
      const o = (v - 1) * 3;
      if (p[o] === a && p[o + 1] === b && p[o + 2] === c) return s;
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    this.slots = new Uint32Array(this.slots.length * 2);
    for (let n = 0; n < this.count; n++) {
      const a = this.parts[n * 3]!;
      if (a === NONE) continue;
      this.slots[this.slot(a, this.parts[n * 3 + 1]!, this.parts[n * 3 + 2]!)] = n + 1;
    }
  }
}
