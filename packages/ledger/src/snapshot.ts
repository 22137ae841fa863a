/**
 * State snapshots (*ảnh trạng thái*): the folded {@link LedgerState} at ledger size n, written as
 * bytes so that opening a large ledger folds only the events after n instead of all of them.
 *
 * Layout (little-endian, format version 3):
 *
 * | bytes | what |
 * |---|---|
 * | 8 | magic `HOSOSTAT` |
 * | 4 | format version (u32) |
 * | 4 + H | header length, header JSON `{ "ledger", "size", "root" }` (root: hex Merkle root at `size`) |
 * | 4 + S | state JSON: genesis, the maps as `[key, value]` pairs in insertion order, the cells' strings |
 * | 4 + X | event index strings JSON: interned streams, types, cells and the non-UUID ids |
 * | 6 × (4 + L) | u32 index columns: stream, rev, type, cell (`size` each), ids (4 words each), positions |
 * | 4 + C | cell rows (u32, 17 per cell; see {@link encodeCells}) |
 * | 32 | SHA-256 of every byte before it |
 *
 * The snapshot is a cache of what the events already say, not evidence: its hash catches a torn or
 * damaged file and its root (checked against the store by `openLedger`) catches a snapshot of another
 * or a rewritten history; the verifier never reads it.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { bytesEqual, fromHex, fromUtf8, hosoError, sha256, toHex, utf8, type HosoError } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import type { StateSnapshots } from './snapshot-files.js';
import { reindexWindows } from './window-index.js';
import type { LayerMap } from './layer-map.js';
import { eventIndexFromParts, eventIndexParts, type EventIndexParts } from './event-index.js';
import { initialState, type CellMap, type CellState, type LedgerState } from './state.js';
import { AbsenceKind, AttendanceMark } from './codecs.js';
import {
  CommentLevel,
  ConductLevel,
  HeightCm,
  QualityLevel,
  Score10,
  SubjectLevel,
  TestScore10,
  WeightKg,
} from './values.js';
import type { CellRef } from './cells.js';

/**
 * The snapshot format this code writes and reads. 3: the state maps of certificates and acts
 * (`certificates`, `acts`) and of the school year's facts were added; a format-2 snapshot lacks
 * them and is refused (the ledger is then folded from its events), so no snapshot silently misses
 * a bound certificate or an exemption.
 */
export const STATE_SNAPSHOT_VERSION = 3;

const MAGIC = utf8('HOSOSTAT');
const HASH_BYTES = 32;

/** The stable codes of {@link SnapshotProblem}. */
export type SnapshotProblemCode =
  | 'snapshot-format'
  | 'snapshot-version'
  | 'snapshot-hash'
  | 'snapshot-wrong-ledger'
  | 'snapshot-beyond-store'
  | 'snapshot-wrong-root'
  | 'snapshot-unreadable'
  | 'snapshot-store-error'
  | 'snapshot-not-root-state'
  | 'snapshot-no-place'
  | 'snapshot-empty-ledger'
  | 'snapshot-save-failed';

/**
 * Why a snapshot was refused, ignored or not written: a {@link HosoError} whose `path` names the
 * part of the snapshot at fault (e.g. `['header', 'root']`; empty for the snapshot as a whole).
 */
export type SnapshotProblem = HosoError<SnapshotProblemCode>;

/** What a snapshot's header says. */
export interface SnapshotHeader {
  readonly version: number;
  readonly ledger: string;
  /** The ledger size the state was folded to. */
  readonly size: number;
  /** The Merkle root of the ledger at `size` (32 bytes). */
  readonly root: Uint8Array;
}

const problem = (code: SnapshotProblemCode, message: string, path?: ReadonlyArray<string | number>): SnapshotProblem =>
  hosoError(code, message, path === undefined ? {} : { path });

/**
 * Cell value codecs by a fixed name: a cell's reference carries its codec (a function object), and
 * a snapshot names it instead. A new codec in cells.ts must be added here (the snapshot tests fold
 * every cell event type and would fail to encode it).
 */
const CELL_CODECS: ReadonlyArray<readonly [string, t.Type<string, unknown, unknown>]> = [
  ['Score10', Score10],
  ['TestScore10', TestScore10],
  ['CommentLevel', CommentLevel as t.Type<string, unknown, unknown>],
  ['SubjectLevel', SubjectLevel as t.Type<string, unknown, unknown>],
  ['ConductLevel', ConductLevel as t.Type<string, unknown, unknown>],
  ['QualityLevel', QualityLevel as t.Type<string, unknown, unknown>],
  ['AbsenceKind', AbsenceKind as t.Type<string, unknown, unknown>],
  ['AttendanceMark', AttendanceMark as t.Type<string, unknown, unknown>],
  ['WeightKg', WeightKg],
  ['HeightCm', HeightCm],
];
const CODEC_NAME = new Map<unknown, string>(CELL_CODECS.map(([n, c]) => [c, n]));
const CODEC_OF = new Map<string, t.Type<string, unknown, unknown>>(CELL_CODECS);

/**
 * The plain maps of the state, snapshotted as `[key, value]` pairs (the ids and cells have their
 * own forms; the window index is derived from `windows` and rebuilt on reading).
 */
const PLAIN_MAPS: ReadonlyArray<readonly [string, (s: LedgerState) => LayerMap<string, unknown>]> = [
  ['heads', (s) => s.heads],
  ['persons', (s) => s.persons],
  ['personKeys', (s) => s.personKeys.items],
  ['personKeyCounts', (s) => s.personKeys.lengths],
  ['keys', (s) => s.keys],
  ['grants', (s) => s.grants.items],
  ['grantCounts', (s) => s.grants.lengths],
  ['held', (s) => s.held],
  ['years', (s) => s.years],
  ['subjects', (s) => s.subjects],
  ['offerings', (s) => s.offerings],
  ['curriculum', (s) => s.curriculum.items],
  ['curriculumSizes', (s) => s.curriculum.lengths],
  ['signedThrough', (s) => s.signedThrough],
  ['classes', (s) => s.classes],
  ['students', (s) => s.students],
  ['enrolment', (s) => s.enrolment],
  ['transfers', (s) => s.transfers],
  ['windows', (s) => s.windows],
  ['marks', (s) => s.marks],
  ['certificates', (s) => s.certificates],
  ['acts', (s) => s.acts],
  ['rosters', (s) => s.rosters.items],
  ['rosterSizes', (s) => s.rosters.lengths],
  ['stays', (s) => s.stays],
  ['exemptions', (s) => s.exemptions.items],
  ['exemptionCounts', (s) => s.exemptions.lengths],
  ['planSubjects', (s) => s.planSubjects],
];

/** Header, state JSON, index strings, six index arrays, cell rows. */
const SECTIONS = 10;

/**
 * Cells are most of a school's state (one per mark, absence, assessment), so they are stored as
 * columns: one row of {@link CELL_FIELDS} u32 numbers per cell, the numbers naming strings of one
 * interned table (a school has few distinct years, classes, values, authors…), and the two strings
 * that are nearly unique per cell (the key and the first entry's id) in lists of their own.
 */
const CELL_FIELDS = 17;
/** Reference fields always present (strings), then optional strings, booleans; and cell fields. */
const REF_STRINGS = ['stream', 'year', 'class', 'student', 'column', 'writer'] as const;
const REF_OPTIONAL = ['subject', 'term', 'date'] as const;
const REF_KNOWN = new Set<string>([...REF_STRINGS, ...REF_OPTIONAL, 'key', 'codec', 'mid', 'windowed', 'summer']);
const CELL_KNOWN = new Set<string>(['ref', 'type', 'value', 'entry', 'author', 'corrections']);

/** The strings of the cell columns (in the state JSON). */
interface CellStrings {
  readonly strings: readonly string[];
  readonly keys: readonly string[];
  readonly entries: readonly string[];
}

function encodeCells(cells: CellMap): Either<SnapshotProblem, { strings: CellStrings; rows: Uint32Array }> {
  const table = new Map<string, number>();
  const strings: string[] = [];
  const num = (x: string): number => {
    let n = table.get(x);
    if (n === undefined) {
      n = strings.push(x) - 1;
      table.set(x, n);
    }
    return n;
  };
  const keys: string[] = [];
  const entries: string[] = [];
  let rows = new Uint32Array(CELL_FIELDS * 1024);
  let at = 0;
  for (const [key, c] of cells.entries()) {
    const ref = c.ref;
    // A field this format does not know would be lost on the way back: refuse rather than drop it.
    // (Counted without allocating: this loop runs once per cell of the school.)
    let fields = 0;
    for (const k in ref) if (REF_KNOWN.has(k)) fields++;
    let own = 0;
    for (const k in ref) if (k.length >= 0) own++;
    let cellOwn = 0;
    for (const k in c) if (CELL_KNOWN.has(k)) cellOwn++;
    let cellAll = 0;
    for (const k in c) if (k.length >= 0) cellAll++;
    if (fields !== own || cellOwn !== cellAll) {
      const unknown = Object.keys(ref).find((k) => !REF_KNOWN.has(k)) ?? Object.keys(c).find((k) => !CELL_KNOWN.has(k));
      return left(
        problem('snapshot-format', `cell ${key} has a field "${unknown}" the snapshot format does not know`, [
          'cells',
          key,
          String(unknown),
        ]),
      );
    }
    const codec = CODEC_NAME.get(ref.codec);
    if (codec === undefined)
      return left(
        problem('snapshot-format', `cell ${key} has a value codec the snapshot format does not know`, [
          'cells',
          key,
          'ref',
          'codec',
        ]),
      );
    if (ref.key !== key)
      return left(
        problem('snapshot-format', `cell ${key} is filed under another key than its own`, ['cells', key, 'ref', 'key']),
      );
    keys.push(key);
    entries.push(c.entry);
    if (at + CELL_FIELDS > rows.length) {
      const bigger = new Uint32Array(rows.length * 2);
      bigger.set(rows);
      rows = bigger;
    }
    for (const f of REF_STRINGS) rows[at++] = num(ref[f]);
    for (const f of REF_OPTIONAL) {
      const v = ref[f];
      rows[at++] = v === undefined ? 0 : num(v) + 1;
    }
    rows[at++] = ref.mid ? 1 : 0;
    rows[at++] = ref.windowed ? 1 : 0;
    rows[at++] = ref.summer === undefined ? 0 : ref.summer ? 2 : 1;
    rows[at++] = num(codec);
    rows[at++] = num(c.type);
    rows[at++] = num(c.value);
    rows[at++] = num(c.author);
    rows[at++] = c.corrections;
  }
  return right({ strings: { strings, keys, entries }, rows: rows.slice(0, at) });
}

/** The cells of {@link encodeCells}'s output; throws a RangeError on numbers naming no string. */
function decodeCells(target: CellMap, st: CellStrings, rows: Uint32Array): void {
  const n = st.keys.length;
  if (st.entries.length !== n || rows.length !== n * CELL_FIELDS) throw new RangeError('cell columns differ in length');
  const strs = st.strings;
  const str = (i: number): string => {
    const v = strs[i];
    if (v === undefined) throw new RangeError(`cell string ${i} out of range`);
    return v;
  };
  for (let i = 0; i < n; i++) {
    const r = i * CELL_FIELDS;
    const key = st.keys[i]!;
    const codec = CODEC_OF.get(str(rows[r + 12]!));
    if (codec === undefined) throw new RangeError(`cell ${key} names no known value codec`);
    const ref: { -readonly [K in keyof CellRef]: CellRef[K] } = {
      stream: str(rows[r]!),
      year: str(rows[r + 1]!),
      class: str(rows[r + 2]!),
      student: str(rows[r + 3]!),
      column: str(rows[r + 4]!),
      writer: str(rows[r + 5]!) as CellRef['writer'],
      key,
      mid: rows[r + 9] === 1,
      windowed: rows[r + 10] === 1,
      codec,
    };
    if (rows[r + 6] !== 0) ref.subject = str(rows[r + 6]! - 1);
    if (rows[r + 7] !== 0) ref.term = str(rows[r + 7]! - 1) as CellRef['term'];
    if (rows[r + 8] !== 0) ref.date = str(rows[r + 8]! - 1);
    if (rows[r + 11] !== 0) ref.summer = rows[r + 11] === 2;
    target.set(key, {
      ref,
      type: str(rows[r + 13]!) as CellState['type'],
      value: str(rows[r + 14]!),
      entry: st.entries[i]!,
      author: str(rows[r + 15]!),
      corrections: rows[r + 16]!,
    });
  }
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The snapshot bytes of `state` for ledger `ledger` whose Merkle root at `state.size` is `root`.
 * `state` must be a root state (the one `openLedger` folds), not a fork.
 */
export function encodeStateSnapshot(
  state: LedgerState,
  ledger: string,
  root: Uint8Array,
): Either<SnapshotProblem, Uint8Array> {
  if (!littleEndian)
    return left(problem('snapshot-format', 'state snapshots are written on little-endian machines only'));
  if (!(root instanceof Uint8Array) || root.length !== 32)
    return left(problem('snapshot-format', 'the root is 32 bytes', ['root']));
  const index = eventIndexParts(state.ids, state.size);
  if (index === null)
    return left(problem('snapshot-not-root-state', 'a forked (trial) state cannot be snapshotted', ['ids']));
  const maps: Record<string, unknown[]> = {};
  for (const [name, map] of PLAIN_MAPS) maps[name] = [...map(state).entries()];
  const cells = encodeCells(state.cells);
  if (isLeft(cells)) return cells;
  const body = utf8(JSON.stringify({ school: state.school, ledger: state.ledger, maps, cells: cells.right.strings }));
  const strings = utf8(
    JSON.stringify({ streams: index.streams, types: index.types, cells: index.cells, others: index.others }),
  );
  const header = utf8(JSON.stringify({ ledger, size: state.size, root: toHex(root) }));
  const arrays = [index.stream, index.rev, index.type, index.cell, index.ids, index.positions, cells.right.rows];
  const total =
    MAGIC.length + 4 + [header, body, strings, ...arrays].reduce((n, p) => n + 4 + p.byteLength, 0) + HASH_BYTES;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = MAGIC.length;
  view.setUint32(at, STATE_SNAPSHOT_VERSION, true);
  at += 4;
  for (const p of [header, body, strings, ...arrays]) {
    view.setUint32(at, p.byteLength, true);
    at += 4;
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  out.set(sha256(out.subarray(0, at)), at);
  return right(out);
}

/** Sections in order: their bytes (views into the snapshot). */
interface Sections {
  readonly header: SnapshotHeader;
  readonly parts: readonly Uint8Array[];
}

/** Check magic, version and hash, and split the sections. Cheap but for the hash. */
function sections(bytes: Uint8Array): Either<SnapshotProblem, Sections> {
  if (!(bytes instanceof Uint8Array) || bytes.length < MAGIC.length + 4 + HASH_BYTES)
    return left(problem('snapshot-format', 'too short to be a state snapshot'));
  if (!bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC))
    return left(problem('snapshot-format', 'not a hoso state snapshot (bad magic)', ['magic']));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== STATE_SNAPSHOT_VERSION)
    return left(
      problem('snapshot-version', `snapshot format ${version}; this code reads format ${STATE_SNAPSHOT_VERSION}`, [
        'version',
      ]),
    );
  if (!littleEndian) return left(problem('snapshot-format', 'state snapshots are read on little-endian machines only'));
  const end = bytes.length - HASH_BYTES;
  if (!bytesEqual(sha256(bytes.subarray(0, end)), bytes.subarray(end)))
    return left(
      problem('snapshot-hash', 'the snapshot bytes do not match their hash (damaged or torn file)', ['hash']),
    );
  const parts: Uint8Array[] = [];
  let at = MAGIC.length + 4;
  for (let i = 0; i < SECTIONS; i++) {
    if (at + 4 > end) return left(problem('snapshot-format', 'the snapshot ends early', ['section', i]));
    const len = view.getUint32(at, true);
    at += 4;
    if (at + len > end) return left(problem('snapshot-format', 'a section runs past the end', ['section', i]));
    parts.push(bytes.subarray(at, at + len));
    at += len;
  }
  if (at !== end) return left(problem('snapshot-format', 'bytes after the last section', ['section', SECTIONS]));
  const h = parseJson(parts[0]!);
  if (typeof h !== 'object' || h === null)
    return left(problem('snapshot-format', 'the header is not a JSON object', ['header']));
  const { ledger, size, root } = h as Record<string, unknown>;
  if (typeof ledger !== 'string')
    return left(problem('snapshot-format', 'the header has no ledger id', ['header', 'ledger']));
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    return left(problem('snapshot-format', 'the header size is not a whole number', ['header', 'size']));
  const r = typeof root === 'string' ? fromHex(root) : undefined;
  if (r === undefined || r.length !== 32)
    return left(problem('snapshot-format', 'the header root is not 32 bytes of hex', ['header', 'root']));
  return right({ header: { version, ledger, size, root: r }, parts });
}

function parseJson(b: Uint8Array): unknown {
  const s = fromUtf8(b);
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** A snapshot's header, after checking its magic, version and hash. */
export function readSnapshotHeader(bytes: Uint8Array): Either<SnapshotProblem, SnapshotHeader> {
  const s = sections(bytes);
  return s._tag === 'Left' ? s : right(s.right.header);
}

/** An aligned copy of a u32 section. */
function u32(b: Uint8Array, i: number): Uint32Array {
  if (b.byteLength % 4 !== 0) throw new RangeError(`section ${i} is not whole 32-bit words`);
  return new Uint32Array(b.slice().buffer);
}

const isPairs = (x: unknown): x is Array<[string, unknown]> =>
  Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string');

/**
 * The header and state a snapshot holds (checking its magic, version, hash and structure; not the
 * store — `openLedger` checks the ledger id and root against it).
 */
export function decodeStateSnapshot(
  bytes: Uint8Array,
): Either<SnapshotProblem, { readonly header: SnapshotHeader; readonly state: LedgerState }> {
  const s = sections(bytes);
  return s._tag === 'Left' ? s : decodeSections(s.right);
}

/**
 * A snapshot checked once (magic, version, hash) and its header read, with the state decoded only
 * on demand: `openLedger` checks the header against the store before paying for the decode, and
 * hashes the bytes once.
 */
export function readStateSnapshot(bytes: Uint8Array): Either<
  SnapshotProblem,
  {
    readonly header: SnapshotHeader;
    decode(): Either<SnapshotProblem, { readonly header: SnapshotHeader; readonly state: LedgerState }>;
  }
> {
  const s = sections(bytes);
  return s._tag === 'Left' ? s : right({ header: s.right.header, decode: () => decodeSections(s.right) });
}

function decodeSections(
  s: Sections,
): Either<SnapshotProblem, { readonly header: SnapshotHeader; readonly state: LedgerState }> {
  const { header, parts } = s;
  const body = parseJson(parts[1]!) as
    { school?: unknown; ledger?: unknown; maps?: Record<string, unknown>; cells?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || typeof body.maps !== 'object' || body.maps === null)
    return left(problem('snapshot-format', 'the state section is not the expected JSON', ['state']));
  const strings = parseJson(parts[2]!) as
    { streams?: unknown; types?: unknown; cells?: unknown; others?: unknown } | undefined;
  const strList = (x: unknown): x is string[] => Array.isArray(x) && x.every((v) => typeof v === 'string');
  if (
    typeof strings !== 'object' ||
    strings === null ||
    !strList(strings.streams) ||
    !strList(strings.types) ||
    !strList(strings.cells) ||
    !Array.isArray(strings.others)
  ) {
    return left(problem('snapshot-format', 'the index strings section is not the expected JSON', ['index']));
  }
  const state = initialState();
  state.size = header.size;
  state.school = (body.school ?? null) as LedgerState['school'];
  state.ledger = typeof body.ledger === 'string' ? body.ledger : null;
  for (const [name, map] of PLAIN_MAPS) {
    const pairs = body.maps[name];
    if (!isPairs(pairs))
      return left(
        problem('snapshot-format', `map ${name} is not a list of [key, value] pairs`, ['state', 'maps', name]),
      );
    const m = map(state);
    for (const [k, v] of pairs) m.set(k, v);
  }
  reindexWindows(state);
  try {
    const cs = body.cells as Partial<CellStrings> | undefined;
    if (typeof cs !== 'object' || cs === null || !strList(cs.strings) || !strList(cs.keys) || !strList(cs.entries)) {
      return left(problem('snapshot-format', 'the cells are not the expected JSON', ['state', 'cells']));
    }
    const parts6 = parts.slice(3).map((b, i) => u32(b, i + 3));
    decodeCells(state.cells, cs as CellStrings, parts6[6]!);
    const index: EventIndexParts = {
      streams: strings.streams,
      types: strings.types,
      cells: strings.cells,
      others: strings.others as Array<[string, number]>,
      stream: parts6[0]!,
      rev: parts6[1]!,
      type: parts6[2]!,
      cell: parts6[3]!,
      ids: parts6[4]!,
      positions: parts6[5]!,
    };
    if (index.stream.length !== header.size)
      return left(
        problem(
          'snapshot-format',
          `the index columns hold ${index.stream.length} positions, the header says ${header.size}`,
          ['index'],
        ),
      );
    const ids = eventIndexFromParts(index);
    return right({ header, state: { ...state, ids } });
  } catch (e) {
    return left(
      problem(
        'snapshot-format',
        `the event index does not fit together: ${e instanceof Error ? e.message : String(e)}`,
        ['index'],
      ),
    );
  }
}

/** What `openLedger` tells `onSnapshot`. */
export type SnapshotEvent =
  /** No snapshot was found: the whole ledger was folded. */
  | { readonly kind: 'absent' }
  /** A snapshot at `size` was used; `tail` events after it were folded. */
  | { readonly kind: 'loaded'; readonly size: number; readonly tail: number }
  /** A snapshot was found but not used (the reason is in `problem`); the whole ledger was folded. */
  | { readonly kind: 'ignored'; readonly problem: SnapshotProblem }
  /** A snapshot at `size` (`bytes` long) was saved. */
  | { readonly kind: 'saved'; readonly size: number; readonly bytes: number }
  /** An automatic save failed (an explicit `saveSnapshot()` returns its problem instead). */
  | { readonly kind: 'save-failed'; readonly problem: SnapshotProblem };

/** What `saveSnapshot` wrote. */
export interface SnapshotSaved {
  /** The ledger size the saved state was folded to. */
  readonly size: number;
  /** The snapshot's length in bytes. */
  readonly bytes: number;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The state folded up to the snapshot `snapshots` holds for `ledger`, when it belongs to this
 * store's ledger (same id, and the store's root at its size is the snapshot's root); otherwise
 * null, said through `tell`. Never throws for a bad or unreadable snapshot.
 */
export async function loadStateSnapshot(
  store: EventStore,
  ledger: string,
  snapshots: StateSnapshots,
  tell: (e: SnapshotEvent) => void,
): Promise<LedgerState | null> {
  const ignored = (code: SnapshotProblem['code'], message: string, path?: ReadonlyArray<string | number>): null => {
    tell({ kind: 'ignored', problem: problem(code, message, path) });
    return null;
  };
  let bytes: Uint8Array | null;
  try {
    bytes = await snapshots.load(ledger);
  } catch (e) {
    return ignored('snapshot-unreadable', `cannot read the snapshot: ${messageOf(e)}`);
  }
  if (bytes === null) {
    tell({ kind: 'absent' });
    return null;
  }
  // The cheap checks first: a snapshot of another ledger or history is not worth decoding.
  const snapshot = readStateSnapshot(bytes);
  if (isLeft(snapshot)) return ignored(snapshot.left.code, snapshot.left.message, snapshot.left.path);
  const h = snapshot.right.header;
  if (h.ledger !== ledger)
    return ignored('snapshot-wrong-ledger', `the snapshot is of ledger "${h.ledger}", not "${ledger}"`, [
      'header',
      'ledger',
    ]);
  let root: Uint8Array;
  try {
    const size = await store.size(ledger);
    if (h.size > size)
      return ignored('snapshot-beyond-store', `the snapshot is at size ${h.size} but the ledger holds ${size} events`, [
        'header',
        'size',
      ]);
    root = await store.root(ledger, h.size);
  } catch (e) {
    return ignored('snapshot-store-error', `cannot check the snapshot against the store: ${messageOf(e)}`);
  }
  if (!bytesEqual(root, h.root))
    return ignored(
      'snapshot-wrong-root',
      `the ledger's root at size ${h.size} is not the snapshot's: it is of another or a rewritten history`,
      ['header', 'root'],
    );
  const decoded = snapshot.right.decode();
  if (isLeft(decoded)) return ignored(decoded.left.code, decoded.left.message, decoded.left.path);
  return decoded.right.state;
}

/**
 * Save a snapshot of `current()` (the live state of an open ledger, caught up by the caller) at
 * its size to `snapshots`: the root read from the store must be of that very size, so the state is
 * read again if it moved meanwhile.
 */
export async function saveStateSnapshot(
  store: EventStore,
  ledger: string,
  snapshots: StateSnapshots,
  current: () => LedgerState,
): Promise<Either<SnapshotProblem, SnapshotSaved>> {
  for (;;) {
    const size = current().size;
    if (size === 0) return left(problem('snapshot-empty-ledger', 'the ledger has no events yet'));
    let root: Uint8Array;
    try {
      root = await store.root(ledger, size);
    } catch (e) {
      return left(problem('snapshot-store-error', `cannot read the ledger's root: ${messageOf(e)}`));
    }
    const state = current();
    if (state.size !== size) continue;
    const bytes = encodeStateSnapshot(state, ledger, root);
    if (isLeft(bytes)) return bytes;
    try {
      await snapshots.save(ledger, bytes.right);
    } catch (e) {
      return left(problem('snapshot-save-failed', `cannot save the snapshot: ${messageOf(e)}`));
    }
    return right({ size, bytes: bytes.right.length });
  }
}
