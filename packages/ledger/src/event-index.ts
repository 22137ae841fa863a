/**
 * The ledger state's index of every event id (idempotent retries find their events' positions; a
 * correction finds its target's cell, stream and type). It is the part of the policy state that
 * grows with every event whatever its type, so it is kept compact: an open-addressing hash table of the ids'
 * 128 bits (UUIDs, 16 bytes) to positions, and per-position columns of small numbers (stream,
 * revision, type, cell) whose strings are interned once. About 60 bytes per event instead of the
 * ~175 a `Map` of per-event objects costs (docs/performance.md). {@link EventIndexMap.fork} gives
 * the O(1) copy-on-write child a trial decision needs, as `LayerMap` does for the rest of the state.
 */
import { uuidWords } from '@hoso/core';
import { Interned } from './interned.js';
import { KeyTable } from './key-table.js';

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

  /** Positions `0..n-1` as four flat columns (zeros where nothing was written). */
  flat(n: number): { stream: Uint32Array; rev: Uint32Array; type: Uint32Array; cell: Uint32Array } {
    const out = {
      stream: new Uint32Array(n),
      rev: new Uint32Array(n),
      type: new Uint32Array(n),
      cell: new Uint32Array(n),
    };
    for (let c = 0; c < this.stream.length && c * CHUNK < n; c++) {
      const len = Math.min(CHUNK, n - c * CHUNK);
      out.stream.set(this.stream[c]!.subarray(0, len), c * CHUNK);
      out.rev.set(this.rev[c]!.subarray(0, len), c * CHUNK);
      out.type.set(this.type[c]!.subarray(0, len), c * CHUNK);
      out.cell.set(this.cell[c]!.subarray(0, len), c * CHUNK);
    }
    return out;
  }

  /** Columns holding flat ones (inverse of {@link flat}). */
  static fromFlat(f: { stream: Uint32Array; rev: Uint32Array; type: Uint32Array; cell: Uint32Array }): Columns {
    const cols = new Columns();
    const n = f.stream.length;
    for (let c = 0; c * CHUNK < n; c++) {
      const from = c * CHUNK;
      const to = Math.min(n, from + CHUNK);
      const mk = (src: Uint32Array): Uint32Array => {
        const a = new Uint32Array(CHUNK);
        a.set(src.subarray(from, to));
        return a;
      };
      cols.stream.push(mk(f.stream));
      cols.rev.push(mk(f.rev));
      cols.type.push(mk(f.type));
      cols.cell.push(mk(f.cell));
    }
    return cols;
  }

  read(p: number): { stream: number; rev: number; type: number; cell: number } {
    const c = p >>> CHUNK_BITS;
    const i = p & (CHUNK - 1);
    return { stream: this.stream[c]![i]!, rev: this.rev[c]![i]!, type: this.type[c]![i]!, cell: this.cell[c]![i]! };
  }
}

/**
 * The compact form of a root index, for a state snapshot (snapshot.ts): the interned strings, the
 * ids that are not UUIDs, the four per-position columns (`size` long) and the UUID ids as 128-bit
 * words (4 per id) with their positions. The hash table itself is not kept — most of it is empty
 * slots — and is rebuilt from the ids on load.
 */
export interface EventIndexParts {
  readonly streams: readonly string[];
  readonly types: readonly string[];
  readonly cells: readonly string[];
  readonly others: ReadonlyArray<readonly [string, number]>;
  readonly stream: Uint32Array;
  readonly rev: Uint32Array;
  readonly type: Uint32Array;
  readonly cell: Uint32Array;
  readonly ids: Uint32Array;
  readonly positions: Uint32Array;
}

/**
 * The compact form of `map` over positions `0..size-1`, or null when `map` is a fork (only the
 * ledger's own root index is ever snapshotted; a fork is a trial copy).
 */
export function eventIndexParts(map: EventIndexMap, size: number): EventIndexParts | null {
  return map instanceof CompactEventIndex ? map.parts(size) : null;
}

/**
 * A root index holding `p` (see {@link eventIndexParts}). Throws a RangeError on parts that do not
 * fit together (the snapshot decoder turns it into a refusal of the snapshot).
 */
export function eventIndexFromParts(p: EventIndexParts): EventIndexMap {
  return CompactEventIndex.fromParts(p);
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
  private columns = new Columns();
  private streams = new Interned();
  private types = new Interned();
  /** Cell keys are nearly one per event: numbered as part triples, not kept as strings. */
  private cells = new KeyTable();
  private readonly probe = new Uint32Array(4);

  /** See {@link eventIndexParts}. */
  parts(size: number): EventIndexParts {
    const ids = new Uint32Array(this.used * 4);
    const positions = new Uint32Array(this.used);
    let j = 0;
    for (let s = 0; s < this.slots.length; s++) {
      const v = this.slots[s]!;
      if (v === 0) continue;
      ids.set(this.keys.subarray(s * 4, s * 4 + 4), j * 4);
      positions[j++] = v - 1;
    }
    return {
      streams: this.streams.list(),
      types: this.types.list(),
      cells: this.cells.list(),
      others: [...this.others],
      ...this.columns.flat(size),
      ids,
      positions,
    };
  }

  /** See {@link eventIndexFromParts}. */
  static fromParts(p: EventIndexParts): CompactEventIndex {
    const n = p.stream.length;
    if (p.rev.length !== n || p.type.length !== n || p.cell.length !== n)
      throw new RangeError('index columns differ in length');
    if (p.ids.length !== p.positions.length * 4) throw new RangeError('index ids and positions differ in number');
    const x = new CompactEventIndex();
    x.streams = Interned.of(p.streams);
    x.types = Interned.of(p.types);
    x.cells = KeyTable.of(p.cells);
    // Every number a column holds must name an interned string, or a later get() would return undefined fields.
    for (let i = 0; i < n; i++) {
      if (p.stream[i]! >= p.streams.length || p.type[i]! >= p.types.length || p.cell[i]! > p.cells.length) {
        // Positions no id points at (undecodable events) hold zeros, valid whenever the tables are non-empty.
        if (p.stream[i] !== 0 || p.type[i] !== 0 || p.cell[i] !== 0)
          throw new RangeError(`index column out of range at position ${i}`);
      }
    }
    x.columns = Columns.fromFlat(p);
    for (const [id, pos] of p.others) {
      if (typeof id !== 'string' || !Number.isInteger(pos) || pos < 0 || pos >= n)
        throw new RangeError('index id out of range');
      x.others.set(id, pos);
    }
    const m = p.positions.length;
    let cap = x.slots.length;
    while (m * 10 > cap * 7) cap *= 2;
    x.keys = new Uint32Array(cap * 4);
    x.slots = new Uint32Array(cap);
    const w = x.probe;
    for (let j = 0; j < m; j++) {
      const pos = p.positions[j]!;
      if (pos >= n) throw new RangeError(`index position ${pos} beyond the snapshot's size ${n}`);
      w.set(p.ids.subarray(j * 4, j * 4 + 4));
      const s = x.find(w);
      if (x.slots[s] !== 0) throw new RangeError('index id repeats');
      x.keys.set(w, s * 4);
      x.slots[s] = pos + 1;
      x.used++;
    }
    return x;
  }

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
    if (!Number.isInteger(e.rev) || e.rev < 0 || e.rev > 0xffffffff)
      throw new RangeError(`stream revision out of range: ${e.rev}`);
    this.columns.write(
      p,
      this.streams.number(e.stream),
      e.rev,
      this.types.number(e.type),
      e.cell === undefined ? 0 : this.cells.number(e.cell) + 1,
    );
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
