/**
 * The entered cells of the ledger state, kept compact. Cells are most of a school's state (one per
 * mark, absence, assessment) and a `Map` of {@link CellState} objects cost ~1 KiB per cell: a
 * reference object of a dozen fields, the state object, and each event's own copies of its
 * strings (stream, year, class, student, author key, value, event id) kept alive by them. Here
 * each cell is one row of eight 32-bit numbers and its key one entry of a {@link KeyTable}:
 *
 * - the cell's *shape*: every field of its reference but the key and the student (the stream,
 *   year, class, subject, column, term, date, writer, codec, flags) and the event type — shared by
 *   the cells of one column of one class, so interned;
 * - its value and its author's key, interned (a school has few of each);
 * - its number of corrections, and the id of the event that first wrote it as 128 bits.
 *
 * {@link CellMap.get} builds the {@link CellState} again (a plain literal) on each call. A cell
 * whose reference the key does not spell (hand-made, never from `cellOf`) is kept as given.
 * {@link CellMap.fork} gives the O(1) copy-on-write child a trial decision needs, as `LayerMap` does.
 */
import type * as t from 'io-ts';
import { uuidText, uuidWords } from '@hoso/core';
import type { CellRef } from './cells.js';
import type { CellEventType } from './events.js';
import { Interned } from './interned.js';
import { KeyTable } from './key-table.js';

/** The current value of a cell and who wrote it. */
export interface CellState {
  readonly ref: CellRef;
  readonly type: CellEventType;
  readonly value: string;
  /** The event that first wrote the cell. */
  readonly entry: string;
  /** The key that wrote the current value (the requester, for a correction). */
  readonly author: string;
  /** Number of corrections applied. */
  readonly corrections: number;
}

/** The cells of a ledger state: read, write, walk in order of first writing, and fork. */
export interface CellMap {
  /** The cell under `key`, or undefined. */
  get(key: string): CellState | undefined;
  /** True when a cell is under `key`. */
  has(key: string): boolean;
  /** Put `c` under `key` (a cell written before keeps its place in {@link entries}). */
  set(key: string, c: CellState): this;
  /** Every cell, in order of first writing (a fork's new cells, and the cells it rewrote, last). */
  entries(): IterableIterator<[string, CellState]>;
  /** A child map: reads fall through to this one, writes stay in the child. */
  fork(): CellMap;
}

/** A new, empty, compact cell map. */
export function cellMap(): CellMap {
  return new CellTable();
}

/** A cell reference without its key and student, and the type of the event that wrote the cell. */
interface Shape {
  readonly stream: string;
  readonly year: string;
  readonly class: string;
  readonly subject: string | undefined;
  readonly column: string;
  readonly term: CellRef['term'];
  readonly mid: boolean;
  readonly date: string | undefined;
  readonly writer: CellRef['writer'];
  readonly codec: t.Type<string, unknown, unknown>;
  readonly windowed: boolean;
  readonly summer: boolean | undefined;
  readonly type: CellState['type'];
}

const STRIDE = 8;
/** In the shape column: the cell is kept whole in `whole`. */
const WHOLE = 0xffffffff;

/** The root map: see the module comment. */
class CellTable implements CellMap {
  private readonly keys = new KeyTable();
  private rows = new Uint32Array(STRIDE * 256);
  private readonly shapeNumbers = new Map<string, number>();
  private readonly shapes: Shape[] = [];
  private readonly codecs = new Map<unknown, number>();
  private readonly values = new Interned();
  private readonly authors = new Interned();
  /** First entries that are not UUIDs, by cell number. */
  private readonly entryText = new Map<number, string>();
  /** Cells whose reference the key does not spell, by cell number. */
  private readonly whole = new Map<number, CellState>();
  private readonly words = new Uint32Array(4);
  private lastShape = 0;

  get(key: string): CellState | undefined {
    const n = this.keys.find(key);
    // A key numbered by `find` alone is never here; `number` is called only by `set`.
    return n === undefined ? undefined : this.cell(n, key);
  }

  has(key: string): boolean {
    return this.keys.find(key) !== undefined;
  }

  set(key: string, c: CellState): this {
    const n = this.keys.number(key);
    if (n * STRIDE + STRIDE > this.rows.length) {
      const bigger = new Uint32Array(this.rows.length * 2);
      bigger.set(this.rows);
      this.rows = bigger;
    }
    const r = n * STRIDE;
    const ref = c.ref;
    this.whole.delete(n);
    this.entryText.delete(n);
    if (
      ref.key !== key ||
      ref.stream !== this.keys.head(n) ||
      ref.student !== this.keys.owner(n) ||
      !Number.isInteger(c.corrections) ||
      c.corrections < 0 ||
      c.corrections > 0xffffffff ||
      !plainRef(ref)
    ) {
      this.rows[r] = WHOLE;
      this.whole.set(n, c);
      return this;
    }
    this.rows[r] = this.shapeOf(ref, c.type);
    this.rows[r + 1] = this.values.number(c.value);
    this.rows[r + 2] = this.authors.number(c.author);
    this.rows[r + 3] = c.corrections;
    if (uuidWords(c.entry, this.words)) this.rows.set(this.words, r + 4);
    else {
      this.rows.fill(0, r + 4, r + 8);
      this.entryText.set(n, c.entry);
    }
    return this;
  }

  *entries(): IterableIterator<[string, CellState]> {
    for (let n = 0; n < this.keys.size; n++) {
      const key = this.keys.name(n);
      yield [key, this.cell(n, key)];
    }
  }

  fork(): CellMap {
    return new ForkedCells(this);
  }

  private cell(n: number, key: string): CellState {
    const r = n * STRIDE;
    const shape = this.rows[r]!;
    if (shape === WHOLE) return this.whole.get(n)!;
    const h = this.shapes[shape]!;
    const ref: { -readonly [K in keyof CellRef]: CellRef[K] } = {
      stream: h.stream,
      year: h.year,
      class: h.class,
      student: this.keys.owner(n)!,
      key,
      column: h.column,
      mid: h.mid,
      writer: h.writer,
      codec: h.codec,
      windowed: h.windowed,
    };
    if (h.subject !== undefined) ref.subject = h.subject;
    if (h.term !== undefined) ref.term = h.term;
    if (h.date !== undefined) ref.date = h.date;
    if (h.summer !== undefined) ref.summer = h.summer;
    return {
      ref,
      type: h.type,
      value: this.values.name(this.rows[r + 1]!),
      entry: this.entryText.get(n) ?? uuidText(this.rows, r + 4),
      author: this.authors.name(this.rows[r + 2]!),
      corrections: this.rows[r + 3]!,
    };
  }

  private shapeOf(ref: CellRef, type: CellState['type']): number {
    // A batch writes a column of a class: one shape for every student, so the last one is tried first.
    const last = this.shapes[this.lastShape];
    if (last !== undefined && sameShape(last, ref, type)) return this.lastShape;
    let codec = this.codecs.get(ref.codec);
    if (codec === undefined) {
      codec = this.codecs.size;
      this.codecs.set(ref.codec, codec);
    }
    // Field values are identifiers, dates and fixed words (no NUL); an absent field is `\u0001`.
    const k = `${ref.stream}\0${ref.year}\0${ref.class}\0${ref.subject ?? '\u0001'}\0${ref.column}\0${ref.term ?? '\u0001'}\0${ref.mid ? 1 : 0}\0${ref.date ?? '\u0001'}\0${ref.writer}\0${codec}\0${ref.windowed ? 1 : 0}\0${ref.summer === undefined ? 2 : ref.summer ? 1 : 0}\0${type}`;
    let n = this.shapeNumbers.get(k);
    if (n === undefined) {
      n =
        this.shapes.push({
          stream: ref.stream,
          year: ref.year,
          class: ref.class,
          subject: ref.subject,
          column: ref.column,
          term: ref.term,
          mid: ref.mid,
          date: ref.date,
          writer: ref.writer,
          codec: ref.codec,
          windowed: ref.windowed,
          summer: ref.summer,
          type,
        }) - 1;
      this.shapeNumbers.set(k, n);
    }
    this.lastShape = n;
    return n;
  }
}

function sameShape(h: Shape, ref: CellRef, type: string): boolean {
  return (
    h.stream === ref.stream &&
    h.column === ref.column &&
    h.term === ref.term &&
    h.date === ref.date &&
    h.subject === ref.subject &&
    h.class === ref.class &&
    h.year === ref.year &&
    h.type === type &&
    h.mid === ref.mid &&
    h.writer === ref.writer &&
    h.codec === ref.codec &&
    h.windowed === ref.windowed &&
    h.summer === ref.summer
  );
}

const REF_FIELDS = new Set([
  'key',
  'stream',
  'year',
  'class',
  'student',
  'subject',
  'column',
  'term',
  'mid',
  'date',
  'writer',
  'codec',
  'windowed',
  'summer',
]);

/**
 * True when `ref` has only the fields of {@link CellRef}, each of its type, with no text holding the
 * shape key's separators: then the row gives it back field for field. (Counted without
 * allocating: this runs once per cell written.)
 */
function plainRef(ref: CellRef): boolean {
  for (const k in ref) if (!REF_FIELDS.has(k)) return false;
  const text = (v: unknown): boolean => typeof v === 'string' && !v.includes('\0') && v !== '\u0001';
  const optional = (v: unknown): boolean => v === undefined || text(v);
  return (
    text(ref.year) &&
    text(ref.class) &&
    text(ref.column) &&
    text(ref.writer) &&
    optional(ref.subject) &&
    optional(ref.term) &&
    optional(ref.date) &&
    text(ref.stream) &&
    typeof ref.mid === 'boolean' &&
    typeof ref.windowed === 'boolean' &&
    (ref.summer === undefined || typeof ref.summer === 'boolean')
  );
}

/**
 * A trial layer over a cell map, reads falling through. Its own writes are compact rows too: a
 * streamed import keeps one trial layer for the whole file, a cell per mark.
 */
class ForkedCells implements CellMap {
  private readonly own = new CellTable();
  constructor(private readonly parent: CellMap) {}

  get(key: string): CellState | undefined {
    return this.own.get(key) ?? this.parent.get(key);
  }

  has(key: string): boolean {
    return this.own.has(key) || this.parent.has(key);
  }

  set(key: string, c: CellState): this {
    this.own.set(key, c);
    return this;
  }

  *entries(): IterableIterator<[string, CellState]> {
    for (const [k, v] of this.parent.entries()) if (!this.own.has(k)) yield [k, v];
    yield* this.own.entries();
  }

  fork(): CellMap {
    return new ForkedCells(this);
  }
}
