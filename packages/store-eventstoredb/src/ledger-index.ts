import { toHex, treeRoot, type NodeSource } from '@hoso/core';
import type { StreamHead } from '@hoso/store';
import { HashLevels } from './hash-levels.js';
import { IdTable, uuidString, uuidWords } from './id-table.js';
import { PagedInts } from './paged.js';

/** The indexed fields of one event. */
export interface IndexedEvent {
  readonly id: string;
  readonly stream: string;
  readonly rev: number;
  readonly leafHash: Uint8Array;
}

/**
 * Words of a position's record in {@link LedgerIndex}: its stream's number, its rev, the stream's previous
 * position.
 */
const STREAM = 0;
const REV = 1;
const PREV = 2;

/**
 * The adapter's client-side index of one ledger, rebuilt from the physical stream (or loaded from a
 * snapshot) at first use and kept current by the adapter's own appends and by catching up with other
 * writers' appends. EventStoreDB knows events by stream revision only; the hoso contract also needs
 * the logical stream chains (rev → position, head leaf hash), ids (id → position) and the Merkle
 * tree. It holds no event bytes (reads go to the server).
 *
 * Compact by construction (no object, string or map entry per event): ids as 16 bytes in an
 * open-addressing table ({@link IdTable}, ≈ 22–28 B), per position three int32 words — the logical
 * stream's number, the rev, and the stream's previous position, so a stream's positions are a chain
 * walked back from its head (12 B) — and every leaf and interior hash in one paged byte store
 * ({@link HashLevels}, ≈ 64 B). About 100 bytes per event; measured figures in docs/eventstoredb.md.
 * Positions are int32: a ledger of 2^31 events or more is refused.
 */
export class LedgerIndex {
  private readonly ids = new IdTable();
  private readonly records = new PagedInts(3);
  private readonly hashes = new HashLevels();
  /** Logical stream name → its number; per number: name, event count, last position. */
  private readonly streamNo = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly counts: number[] = [];
  private readonly lasts: number[] = [];

  /** Number of events indexed (= the physical stream's length as far as this index knows). */
  get size(): number {
    return this.ids.size;
  }

  /**
   * Index the next event (at position `size`). The caller has checked the chain; this only
   * refuses what would corrupt the index itself (a repeated or non-UUID id, a rev out of order).
   */
  add(e: IndexedEvent): void {
    const w = uuidWords(e.id);
    if (w === undefined) throw new Error(`ledger index: id ${e.id} is not a lowercase UUID`);
    this.addWords(w, e.stream, e.rev, e.leafHash);
  }

  /** {@link add} with the id as its four words (loading a snapshot: no string made and parsed back). */
  addWords(id: readonly [number, number, number, number], stream: string, rev: number, leafHash: Uint8Array): void {
    const e = { stream, rev, leafHash };
    const position = this.ids.size;
    if (position >= 0x7fffffff) throw new Error('ledger index: a ledger holds fewer than 2^31 events');
    const no = this.streamNo.get(e.stream);
    const count = no === undefined ? 0 : this.counts[no]!;
    if (e.rev !== count) throw new Error(`ledger index: stream ${e.stream} rev ${e.rev} out of order`);
    if (e.leafHash.length !== 32) throw new Error('ledger index: a leaf hash is 32 bytes');
    if (!this.ids.addWords(id)) throw new Error(`ledger index: id ${uuidString(...id)} indexed twice`);
    let n = no;
    if (n === undefined) {
      n = this.names.length;
      this.streamNo.set(e.stream, n);
      this.names.push(e.stream);
      this.counts.push(0);
      this.lasts.push(-1);
    }
    this.records.push(n, e.rev, this.lasts[n]!);
    this.counts[n] = count + 1;
    this.lasts[n] = position;
    this.hashes.append(e.leafHash);
  }

  /** Position of the event with this id, or undefined. */
  position(id: string): number | undefined {
    return typeof id === 'string' ? this.ids.position(id) : undefined;
  }

  /** The indexed fields of the event at `position` (which must be < size). */
  at(position: number): IndexedEvent {
    if (!(Number.isSafeInteger(position) && position >= 0 && position < this.size))
      throw new Error(`ledger index: no event at position ${position}`);
    return {
      id: this.ids.at(position),
      stream: this.names[this.records.word(position, STREAM)]!,
      rev: this.records.word(position, REV),
      leafHash: this.hashes.get(0, position)!,
    };
  }

  /** The stream's last event, or null for an empty stream. */
  head(stream: string): StreamHead | null {
    const no = this.streamNo.get(stream);
    if (no === undefined) return null;
    const last = this.lasts[no]!;
    return { rev: this.counts[no]! - 1, position: last, leafHash: this.hashes.get(0, last)! };
  }

  /** What the next event of `stream` must carry: its revision and `prev` (hex leaf hash or null). */
  next(stream: string): { readonly rev: number; readonly prev: string | null } {
    const h = this.head(stream);
    return h === null ? { rev: 0, prev: null } : { rev: h.rev + 1, prev: toHex(h.leafHash) };
  }

  /** Positions of a logical stream's events, by revision (a fresh array, walked back from the head). */
  streamPositions(stream: string): readonly number[] {
    const no = this.streamNo.get(stream);
    if (no === undefined) return [];
    const out = new Array<number>(this.counts[no]!);
    for (let i = out.length - 1, p = this.lasts[no]!; i >= 0; i--) {
      out[i] = p;
      p = this.records.word(p, PREV);
    }
    return out;
  }

  /** Stored Merkle nodes as a core `NodeSource` (throws on a node that is not stored: a plan bug). */
  nodeSource(): NodeSource {
    return {
      node: (level, index) => {
        const h = this.hashes.get(level, index);
        if (h === undefined) throw new Error(`ledger index: no Merkle node at level ${level}, index ${index}`);
        return h;
      },
    };
  }

  /** Root of the whole indexed tree (O(log n), from the stored complete subtrees). */
  root(): Uint8Array {
    return treeRoot(this.size, this.nodeSource());
  }

  /** Logical stream names by number, in order of first appearance (for snapshots). */
  streamNames(): readonly string[] {
    return this.names;
  }

  /** The number of the logical stream of the event at `position` (< size; for snapshots). */
  streamNumber(position: number): number {
    return this.records.word(position, STREAM);
  }

  /** Write the 16 id bytes of the event at `position` into `out` at byte `at` (for snapshots). */
  writeId(position: number, out: DataView, at: number): void {
    this.ids.writeBytes(position, out, at);
  }

  /** A view of the leaf hash at `position` (< size), valid until the next add (for snapshots). */
  leafView(position: number): Uint8Array {
    return this.hashes.leafView(position);
  }

  /** Bytes allocated by the index's typed arrays (ids, table, records, hashes; not the stream names). */
  allocatedBytes(): number {
    return this.ids.allocatedBytes() + this.records.allocatedBytes() + this.hashes.allocatedBytes();
  }
}
