/**
 * The ledger state's index of every event id (idempotent retries find their events' positions; a
 * correction finds its target's cell, stream and type). It is the part of the policy state that
 * grows with every event whatever its type, so it is kept compact: an open-addressing hash table of the ids'
 * 128 bits (UUIDs, 16 bytes) to positions, and per-position columns of small numbers (stream,
 * revision, type, cell) whose strings are interned once. About 60 bytes per event instead of the
 * ~175 a `Map` of per-event objects costs (docs/performance.md). {@link EventIndexMap.fork} gives
 * the O(1) copy-on-write child a trial decision needs, as `LayerMap` does for the rest of the state.
 */

/** What the state remembers of each event: enough for idempotency and correction targets. */
export interface EventIndex {
  readonly position: number;
  readonly stream: string;
  readonly rev: number;
  readonly type: string;
  /** Cell key for cell events and corrections. */
  readonly cell?: string;
}

/** The id index of a {@link LedgerState}: read, write, and fork for trial decisions. */
export interface EventIndexMap {
  /** The event with id `id`, or undefined. */
  get(id: string): EventIndex | undefined;
  /** True when an event with id `id` was recorded. */
  has(id: string): boolean;
  /** Record (or, for an id seen before, replace) the event with id `id`. */
  set(id: string, e: EventIndex): this;
  /** A child index: reads fall through to this one, writes stay in the child. */
  fork(): EventIndexMap;
}

/** A new, empty, compact id index. */
export function eventIndexMap(): EventIndexMap {
  return new CompactEventIndex();
}

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
/** Largest position a column holds (the hash table stores position + 1 in a uint32). */
const MAX_POSITION = 0xfffffffe;

const HEX: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[97 + i] = 10 + i;
  return t;
})();

/** The 128 bits of a lowercase UUID into `out[0..4]`; false for any other string. */
function uuidWords(id: string, out: Uint32Array): boolean {
  if (id.length !== 36) return false;
  let w = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
      continue;
    }
    const v = c < 128 ? HEX[c]! : -1;
    if (v < 0) return false;
    w = (w << 4) | v;
    if (++digits % 8 === 0) {
      out[digits / 8 - 1] = w >>> 0;
      w = 0;
    }
  }
  return true;
}

/** Strings numbered in order of first appearance (streams, types, cells: few distinct values). */
class Interned {
  private readonly numbers = new Map<string, number>();
  private readonly names: string[] = [];
  number(s: string): number {
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.names.push(s) - 1;
      this.numbers.set(s, n);
    }
    return n;
  }
  name(n: number): string {
    return this.names[n]!;
  }
}

/** Per-position columns in fixed-size chunks (no copying as the ledger grows). */
class Columns {
  private readonly stream: Uint32Array[] = [];
  private readonly rev: Uint32Array[] = [];
  private readonly type: Uint32Array[] = [];
  /** Cell number + 1; 0: the event wrote no cell. */
  private readonly cell: Uint32Array[] = [];

  write(p: number, stream: number, rev: number, type: number, cell: number): void {
    const c = p >>> CHUNK_BITS;
    while (this.stream.length <= c) {
      this.stream.push(new Uint32Array(CHUNK));
      this.rev.push(new Uint32Array(CHUNK));
      this.type.push(new Uint32Array(CHUNK));
      this.cell.push(new Uint32Array(CHUNK));
    }
    const i = p & (CHUNK - 1);
    this.stream[c]![i] = stream;
    this.rev[c]![i] = rev;
    this.type[c]![i] = type;
    this.cell[c]![i] = cell;
  }

  read(p: number): { stream: number; rev: number; type: number; cell: number } {
    const c = p >>> CHUNK_BITS;
    const i = p & (CHUNK - 1);
    return { stream: this.stream[c]![i]!, rev: this.rev[c]![i]!, type: this.type[c]![i]!, cell: this.cell[c]![i]! };
  }
}

/** The root index: see the module comment. Not forked directly; {@link fork} layers a child over it. */
class CompactEventIndex implements EventIndexMap {
  /** 4 words per slot: the id's 128 bits. */
  private keys = new Uint32Array(1024 * 4);
  /** Position + 1 per slot; 0: empty. */
  private slots = new Uint32Array(1024);
  private used = 0;
  /** Ids that are not UUIDs (core admits only UUID v7 ids; hand-made test envelopes may differ). */
  private readonly others = new Map<string, number>();
  private readonly columns = new Columns();
  private readonly streams = new Interned();
  private readonly types = new Interned();
  private readonly cells = new Interned();
  private readonly probe = new Uint32Array(4);

  get(id: string): EventIndex | undefined {
    const p = this.positionOf(id);
    if (p === undefined) return undefined;
    const c = this.columns.read(p);
    const e = { position: p, stream: this.streams.name(c.stream), rev: c.rev, type: this.types.name(c.type) };
    return c.cell === 0 ? e : { ...e, cell: this.cells.name(c.cell - 1) };
  }

  has(id: string): boolean {
    return this.positionOf(id) !== undefined;
  }

  set(id: string, e: EventIndex): this {
    const p = e.position;
    if (!Number.isInteger(p) || p < 0 || p > MAX_POSITION) throw new RangeError(`event position out of range: ${p}`);
    if (!Number.isInteger(e.rev) || e.rev < 0 || e.rev > 0xffffffff) throw new RangeError(`stream revision out of range: ${e.rev}`);
    this.columns.write(p, this.streams.number(e.stream), e.rev, this.types.number(e.type), e.cell === undefined ? 0 : this.cells.number(e.cell) + 1);
    const w = this.probe;
    if (!uuidWords(id, w)) {
      this.others.set(id, p);
      return this;
    }
    if ((this.used + 1) * 10 > this.slots.length * 7) this.grow();
    const s = this.find(w);
    if (this.slots[s] === 0) {
      this.used++;
      this.keys.set(w, s * 4);
    }
    this.slots[s] = p + 1;
    return this;
  }

  fork(): EventIndexMap {
    return new ForkedEventIndex(this);
  }

  private positionOf(id: string): number | undefined {
    const w = this.probe;
    if (!uuidWords(id, w)) return this.others.get(id);
    const v = this.slots[this.find(w)]!;
    return v === 0 ? undefined : v - 1;
  }

  /** The slot holding `w`, or the empty slot where it would go (linear probing). */
  private find(w: Uint32Array): number {
    const mask = this.slots.length - 1;
    // UUID v7's last 64 bits are random (or, for derived ids, SHA-256 output): a fine hash.
    let s = (Math.imul(w[3]! ^ w[2]!, 0x9e3779b1) >>> 0) & mask;
    const k = this.keys;
    for (;;) {
      if (this.slots[s] === 0) return s;
      const o = s * 4;
      if (k[o] === w[0] && k[o + 1] === w[1] && k[o + 2] === w[2] && k[o + 3] === w[3]) return s;
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Uint32Array(oldKeys.length * 2);
    this.slots = new Uint32Array(oldSlots.length * 2);
    const w = new Uint32Array(4);
    for (let s = 0; s < oldSlots.length; s++) {
      if (oldSlots[s] === 0) continue;
      w.set(oldKeys.subarray(s * 4, s * 4 + 4));
      const t = this.find(w);
      this.keys.set(w, t * 4);
      this.slots[t] = oldSlots[s]!;
    }
  }
}

/** A trial layer over an index: its own writes in a small map, reads falling through. */
class ForkedEventIndex implements EventIndexMap {
  private readonly own = new Map<string, EventIndex>();
  constructor(private readonly parent: EventIndexMap) {}

  get(id: string): EventIndex | undefined {
    return this.own.get(id) ?? this.parent.get(id);
  }

  has(id: string): boolean {
    return this.own.has(id) || this.parent.has(id);
  }

  set(id: string, e: EventIndex): this {
    this.own.set(id, e);
    return this;
  }

  fork(): EventIndexMap {
    return new ForkedEventIndex(this);
  }
}
