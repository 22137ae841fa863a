import { CompactRange, toHex, type NodeSource } from '@hoso/core';
import type { StreamHead } from '@hoso/store';
import { HashLevels } from './hash-levels.js';

/**
 * The adapter's client-side index of one ledger, rebuilt from the physical stream at first use and
 * kept current by the adapter's own appends and by catching up with other writers' appends.
 * EventStoreDB knows events by stream revision only; the hoso contract also needs the logical
 * stream chains (rev → position, head leaf hash), ids (id → position) and the Merkle tree. It
 * holds no event bytes (reads go to the server).
 *
 * Memory, per event (V8, 64-bit): id → position map entry with its 36-character key ≈ 110 bytes;
 * position → id / stream / revision arrays ≈ 24 bytes; the stream's position list ≈ 8 bytes;
 * leaf and interior hashes ≈ 64 bytes (`HashLevels`, up to 2× while a buffer has just doubled).
 * Measured: 221 bytes per event at 200k events, so a 300k-event school year ≈ 66 MB. A process
 * serving a whole province should not keep every ledger's index resident; see
 * docs/eventstoredb.md (per-ledger node cache persisted elsewhere).
 */
export class LedgerIndex {
  private readonly ids: string[] = [];
  private readonly streamOf: string[] = [];
  private readonly revOf: number[] = [];
  private readonly byId = new Map<string, number>();
  /** Positions of each logical stream's events by revision; `name` is the interned stream name. */
  private readonly streams = new Map<string, { readonly name: string; readonly positions: number[] }>();
  private readonly hashes = new HashLevels();
  private readonly range = CompactRange.empty();

  /** Number of events indexed (= the physical stream's length as far as this index knows). */
  get size(): number {
    return this.ids.length;
  }

  /**
   * Index the next event (at position `size`). The caller has checked the chain; this only
   * refuses what would corrupt the index itself.
   */
  add(e: { readonly id: string; readonly stream: string; readonly rev: number; readonly leafHash: Uint8Array }): void {
    const position = this.ids.length;
    if (this.byId.has(e.id)) throw new Error(`ledger index: id ${e.id} indexed twice`);
    let s = this.streams.get(e.stream);
    if (s === undefined) this.streams.set(e.stream, (s = { name: e.stream, positions: [] }));
    if (e.rev !== s.positions.length) throw new Error(`ledger index: stream ${e.stream} rev ${e.rev} out of order`);
    for (const n of this.range.append(e.leafHash)) this.hashes.set(n.id.level, n.id.index, n.hash);
    s.positions.push(position);
    this.ids.push(e.id);
    this.streamOf.push(s.name);
    this.revOf.push(e.rev);
    this.byId.set(e.id, position);
  }

  /** Position of the event with this id, or undefined. */
  position(id: string): number | undefined {
    return this.byId.get(id);
  }

  /** The indexed fields of the event at `position` (which must be < size). */
  at(position: number): { readonly id: string; readonly stream: string; readonly rev: number; readonly leafHash: Uint8Array } {
    const id = this.ids[position];
    if (id === undefined) throw new Error(`ledger index: no event at position ${position}`);
    return { id, stream: this.streamOf[position]!, rev: this.revOf[position]!, leafHash: this.hashes.get(0, position)! };
  }

  /** The stream's last event, or null for an empty stream. */
  head(stream: string): StreamHead | null {
    const positions = this.streams.get(stream)?.positions;
    const last = positions?.[positions.length - 1];
    if (last === undefined) return null;
    return { rev: positions!.length - 1, position: last, leafHash: this.hashes.get(0, last)! };
  }

  /** What the next event of `stream` must carry: its revision and `prev` (hex leaf hash or null). */
  next(stream: string): { readonly rev: number; readonly prev: string | null } {
    const h = this.head(stream);
    return h === null ? { rev: 0, prev: null } : { rev: h.rev + 1, prev: toHex(h.leafHash) };
  }

  /** Positions of a logical stream's events, by revision (do not mutate). */
  streamPositions(stream: string): readonly number[] {
    return this.streams.get(stream)?.positions ?? [];
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

  /** Root of the whole indexed tree (O(log n), from the compact range). */
  root(): Uint8Array {
    return this.range.root();
  }

  /** Bytes held by the Merkle hash buffers. */
  hashBytes(): number {
    return this.hashes.allocatedBytes();
  }
}
