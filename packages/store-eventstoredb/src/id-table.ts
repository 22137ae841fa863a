import { uuidText, uuidWords as coreUuidWords } from '@hoso/core';
import { PagedInts } from './paged.js';

/**
 * Event ids (lowercase UUID strings, as every hoso envelope carries) held as 16 bytes — four int32
 * words — instead of 36-character strings, with id → position lookups in an open-addressing hash
 * table of int32 slots. A UUID string as a `Map` key costs about 110 bytes per entry; this costs
 * 16 bytes plus 4–8 bytes of table.
 */

const scratch = new Int32Array(4);

/** The four (signed int32) words of a lowercase UUID string, or undefined for anything else. */
export function uuidWords(id: string): [number, number, number, number] | undefined {
  return coreUuidWords(id, scratch) ? [scratch[0]!, scratch[1]!, scratch[2]!, scratch[3]!] : undefined;
}

/** The lowercase UUID string of four words. */
export function uuidString(w0: number, w1: number, w2: number, w3: number): string {
  return uuidText([w0, w1, w2, w3]);
}

/** A well-mixed 32-bit hash of the four words (UUID v7 starts with a timestamp: mix them all). */
function mix(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w1 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ w2 ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ w3 ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Ids by position (append-only) and positions by id. */
export class IdTable {
  private readonly ids = new PagedInts(4);
  /** Position + 1 per slot, 0 for an empty slot; capacity a power of two, at most 70 % full. */
  private slots = new Int32Array(16);

  /** Number of ids held (= next position). */
  get size(): number {
    return this.ids.length;
  }

  /** Add the id of the next position; false when it is not a lowercase UUID or already held. */
  add(id: string): boolean {
    const w = uuidWords(id);
    return w !== undefined && this.addWords(w);
  }

  /** Add the id of the next position given as its four words (as a snapshot holds it); false when already held. */
  addWords(w: readonly [number, number, number, number]): boolean {
    if (this.find(w) !== undefined) return false;
    if ((this.ids.length + 1) * 10 > this.slots.length * 7) this.grow();
    const position = this.ids.push(w[0], w[1], w[2], w[3]);
    this.place(w, position);
    return true;
  }

  /** Position of `id`, or undefined. */
  position(id: string): number | undefined {
    const w = uuidWords(id);
    return w === undefined ? undefined : this.find(w);
  }

  /** The id at `position` (< size). */
  at(position: number): string {
    const { page, offset } = this.ids.locate(position);
    return uuidString(page[offset]!, page[offset + 1]!, page[offset + 2]!, page[offset + 3]!);
  }

  /** The 16 bytes (big-endian words) of the id at `position`, written into `out` at `at`. */
  writeBytes(position: number, out: DataView, at: number): void {
    const { page, offset } = this.ids.locate(position);
    for (let k = 0; k < 4; k++) out.setInt32(at + 4 * k, page[offset + k]!);
  }

  /** Bytes allocated (ids and table). */
  allocatedBytes(): number {
    return this.ids.allocatedBytes() + this.slots.byteLength;
  }

  private find(w: readonly number[]): number | undefined {
    const mask = this.slots.length - 1;
    for (let s = mix(w[0]!, w[1]!, w[2]!, w[3]!) & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) return undefined;
      const { page, offset } = this.ids.locate(v - 1);
      if (page[offset] === w[0] && page[offset + 1] === w[1] && page[offset + 2] === w[2] && page[offset + 3] === w[3])
        return v - 1;
    }
  }

  private place(w: readonly number[], position: number): void {
    const mask = this.slots.length - 1;
    let s = mix(w[0]!, w[1]!, w[2]!, w[3]!) & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = position + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let p = 0; p < this.ids.length; p++) {
      const { page, offset } = this.ids.locate(p);
      this.place([page[offset]!, page[offset + 1]!, page[offset + 2]!, page[offset + 3]!], p);
    }
  }
}
