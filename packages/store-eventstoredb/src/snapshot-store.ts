import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import { bytesEqual, leafHash, sha256, toHex, treeRoot } from '@hoso/core';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  StreamNotFoundError,
  binaryEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { LEADER, onLeader } from './calls.js';
import { readMetadata, updateMetadata } from './metadata.js';
import { parseHeader } from './header.js';
import type { LedgerIndex } from './ledger-index.js';
import { readPhysical } from './physical.js';
import {
  CHUNK_TYPE,
  MANIFEST_TYPE,
  decodeChunk,
  decodeManifest,
  decodeSegments,
  encodeChunk,
  encodeManifest,
  encodeSegment,
  type SegmentRef,
  type SnapshotManifest,
} from './snapshot.js';

/**
 * Index snapshots kept in EventStoreDB itself, on one side stream per ledger (default
 * `hoso-index-<ledger>`): segment chunks, then a manifest event listing the segments of the
 * snapshot (see `snapshot.ts`). A loaded snapshot is checked against the ledger before it is used;
 * anything wrong with it is reported and ignored, never an error for the caller.
 *
 * Writing is incremental (docs/eventstoredb.md §2): a snapshot reuses the segments of the one
 * before it and adds one *tail* segment of the events since; every so often a new *base* segment
 * of the whole index replaces them, and the side stream's `$tb` (truncate before) is moved up to
 * the previous base, so everything older expires and a scavenge reclaims it. `$maxCount` is never
 * set, and never lowered where someone else set it: only raised, when it would hide a live segment.
 */

/**
 * What the adapter reports about its index snapshots through `onDiagnostic` (none of these is an
 * error for a caller: a rejected or unreadable snapshot means a full rebuild, a failed write means
 * the next first use reads more of the ledger).
 */
export type EsdbDiagnostic =
  | {
      readonly code: 'snapshot-loaded';
      readonly ledger: string;
      readonly size: number;
      readonly segments: number;
      readonly chunks: number;
      readonly bytes: number;
    }
  | { readonly code: 'snapshot-rejected'; readonly ledger: string; readonly size?: number; readonly reason: string }
  | { readonly code: 'snapshot-read-failed'; readonly ledger: string; readonly reason: string }
  | {
      readonly code: 'snapshot-written';
      readonly ledger: string;
      readonly size: number;
      /** `base`: a segment of the whole index; `tail`: a segment of the events since the last snapshot. */
      readonly kind: 'base' | 'tail';
      /** Positions the new segment covers. */
      readonly from: number;
      readonly segments: number;
      /** Chunk events written (the manifest not counted). */
      readonly chunks: number;
      /** Event bytes written to the side stream, chunks and manifest, as the server counts them. */
      readonly bytes: number;
      /** The side stream's `$tb` after a base moved it, or undefined. */
      readonly truncateBefore?: number;
      /** Why `$tb` could not be moved (the snapshot itself was written). */
      readonly expiryFailed?: string;
    }
  | { readonly code: 'snapshot-write-failed'; readonly ledger: string; readonly size: number; readonly reason: string };

/** Where one ledger's snapshots live and what they describe. */
export interface SnapshotTarget {
  readonly client: EventStoreDBClient;
  readonly ledger: string;
  /** The ledger's physical stream. */
  readonly physical: string;
  /** The side stream holding its snapshots. */
  readonly side: string;
}

/** The newest snapshot a process loaded or wrote: what the next one may reuse. */
export interface SnapshotState {
  readonly size: number;
  /** Its segments (empty for a format-1 snapshot, which is never reused). */
  readonly segments: readonly SegmentRef[];
}

/** How snapshots are written. */
export interface SnapshotPolicy {
  /** Payload bytes per chunk event. */
  readonly chunkBytes: number;
  /** Tail segments a snapshot may have before the next regular snapshot writes a new base. */
  readonly maxTails: number;
}

/** Defaults of the snapshot options (docs/eventstoredb.md §2). */
export const SNAPSHOT_DEFAULTS = {
  every: 10_000,
  everyFraction: 0.05,
  onCloseMin: 1_000,
  chunkBytes: 900 * 1024,
  maxTails: 16,
} as const;

/**
 * Whether a ledger's index of `size` events is due a snapshot, the newest being of `snapshotSize`:
 * grown by max(`every`, `everyFraction` × `snapshotSize`) events since.
 */
export function snapshotDue(size: number, snapshotSize: number, every: number, everyFraction: number): boolean {
  return size - snapshotSize >= Math.max(every, Math.floor(everyFraction * snapshotSize));
}

/** Manifests looked at, newest first, when loading; and events scanned back to find them. */
const MAX_MANIFESTS = 3;
const MAX_SCAN = 16;

interface SideRecord {
  readonly revision: number;
  readonly type: string;
  readonly data: Uint8Array | null;
}

/** Up to `count` side stream records from `from` in `direction` (nothing for a missing stream). */
function readSide(
  client: EventStoreDBClient,
  stream: string,
  from: bigint | typeof END,
  direction: typeof FORWARDS | typeof BACKWARDS,
  count: number,
): Promise<SideRecord[]> {
  return onLeader(async () => {
    const out: SideRecord[] = [];
    try {
      // Read to the end of the bounded call: leaving early would leave the call open (see physical.ts).
      for await (const r of client.readStream(stream, { fromRevision: from, direction, maxCount: count, ...LEADER })) {
        const ev = r.event;
        if (ev === undefined) continue;
        out.push({
          revision: Number(ev.revision),
          type: ev.type,
          data: !ev.isJson && ev.data instanceof Uint8Array ? new Uint8Array(ev.data) : null,
        });
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
    return out;
  });
}

/** Reassemble a segment's payload from its chunks; a reason string when a chunk is missing or foreign. */
async function readSegment(t: SnapshotTarget, seg: SegmentRef): Promise<Uint8Array | string> {
  const parts: Uint8Array[] = [];
  let k = 0;
  while (k < seg.chunks.length) {
    // Consecutive revisions (one writer at a time) are read in one call.
    let run = 1;
    while (k + run < seg.chunks.length && seg.chunks[k + run] === seg.chunks[k]! + run) run++;
    const recs = await readSide(t.client, t.side, BigInt(seg.chunks[k]!), FORWARDS, run);
    for (let i = 0; i < run; i++) {
      const rec = recs[i];
      if (rec === undefined || rec.revision !== seg.chunks[k + i] || rec.type !== CHUNK_TYPE || rec.data === null) {
        return `chunk ${k + i} (revision ${seg.chunks[k + i]}) is missing`;
      }
      const slice = decodeChunk(rec.data, seg.id, k + i);
      if (isLeft(slice)) return slice.left;
      parts.push(slice.right);
    }
    k += run;
  }
  const payload = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    payload.set(p, at);
    at += p.length;
  }
  return payload;
}

/**
 * Check a decoded snapshot against the ledger itself: the event at position size − 1, read from the
 * physical stream, must hash to the snapshot's leaf size − 1 and carry its id, stream and rev. With
 * the root recomputed from the leaves (in `decodeSegments`) this ties the snapshot to this very
 * stream: a snapshot of another ledger, or of a stream rewritten since, is refused.
 */
async function checkAgainstLedger(t: SnapshotTarget, index: LedgerIndex): Promise<string | undefined> {
  const last = index.size - 1;
  let bytes: Uint8Array | undefined;
  for await (const rec of readPhysical(t.client, t.physical, last, 1)) bytes = rec.bytes;
  if (bytes === undefined) return `the physical stream has no event at position ${last}`;
  const want = index.at(last);
  if (!bytesEqual(leafHash(bytes), want.leafHash))
    return `the event at position ${last} does not hash to the snapshot's leaf`;
  const h = parseHeader(bytes);
  if (isLeft(h)) return `the event at position ${last} is not a hoso envelope: ${h.left}`;
  if (
    h.right.ledger !== t.ledger ||
    h.right.id !== want.id ||
    h.right.stream !== want.stream ||
    h.right.rev !== want.rev
  ) {
    return `the event at position ${last} differs from the snapshot's entry`;
  }
  return undefined;
}

/** Why a manifest's snapshot cannot be used, or the index it gives. */
async function tryManifest(t: SnapshotTarget, m: SnapshotManifest): Promise<LedgerIndex | string> {
  if (m.ledger !== t.ledger || m.physicalStream !== t.physical)
    return `the snapshot is of ledger ${JSON.stringify(m.ledger)} in ${JSON.stringify(m.physicalStream)}`;
  const payloads: Uint8Array[] = [];
  for (const seg of m.segments) {
    const p = await readSegment(t, seg);
    if (typeof p === 'string') return p;
    payloads.push(p);
  }
  const index = decodeSegments(payloads, m);
  if (isLeft(index)) return index.left;
  return (await checkAgainstLedger(t, index.right)) ?? index.right;
}

/**
 * The index and state from the newest snapshot that passes every check, or null (no usable
 * snapshot: rebuild from the stream). Scans the side stream back from its end, one event at a time:
 * the newest manifest is tried first; when it is refused the scan goes on below the chunks written
 * with it, trying at most {@link MAX_MANIFESTS} manifests within {@link MAX_SCAN} events read.
 * Never throws: every problem is reported through `report`.
 */
export async function loadSnapshot(
  t: SnapshotTarget,
  report: (d: EsdbDiagnostic) => void,
): Promise<{ index: LedgerIndex; state: SnapshotState } | null> {
  try {
    let from: bigint | typeof END = END;
    for (let scanned = 0, tried = 0; scanned < MAX_SCAN && tried < MAX_MANIFESTS; scanned++) {
      const [rec] = await readSide(t.client, t.side, from, BACKWARDS, 1);
      if (rec === undefined) break;
      let next = rec.revision - 1;
      if (rec.type === MANIFEST_TYPE) {
        tried++;
        const m = rec.data === null ? undefined : decodeManifest(rec.data);
        if (m === undefined || isLeft(m)) {
          report({
            code: 'snapshot-rejected',
            ledger: t.ledger,
            reason: `manifest at revision ${rec.revision}: ${m === undefined ? 'not binary' : m.left}`,
          });
        } else {
          const got = await tryManifest(t, m.right);
          const segs = m.right.segments;
          if (typeof got !== 'string') {
            report({
              code: 'snapshot-loaded',
              ledger: t.ledger,
              size: m.right.size,
              segments: segs.length,
              chunks: segs.reduce((s, g) => s + g.chunks.length, 0),
              bytes: segs.reduce((s, g) => s + g.bytes, 0),
            });
            return { index: got, state: { size: m.right.size, segments: m.right.legacy ? [] : segs } };
          }
          report({ code: 'snapshot-rejected', ledger: t.ledger, size: m.right.size, reason: got });
          // The chunks written with it come just before it: skip them rather than download them again.
          const lowest = Math.min(...segs[segs.length - 1]!.chunks);
          if (lowest < rec.revision) next = Math.min(next, lowest - 1);
        }
      }
      if (next < 0) break;
      from = BigInt(next);
    }
  } catch (err) {
    report({
      code: 'snapshot-read-failed',
      ledger: t.ledger,
      reason: err instanceof Error ? err.message : String(err),
    });
  }
  return null;
}

/** Side stream events a live snapshot spans, doubled with room for other writers: what `$maxCount` must allow. */
function neededCount(span: number): number {
  return 2 * span + 64;
}

/** Server-counted size of a side stream event (data + 2 × type length; no metadata). */
function eventSize(type: string, data: Uint8Array): number {
  return data.length + 2 * type.length;
}

/**
 * Write a snapshot of `index` as of its size now, reusing the segments of `prev` (the newest
 * snapshot this process loaded or wrote) when they are still readable: a tail segment of the events
 * since, or — when `mode` is `regular` and the tails reach `policy.maxTails` or hold as many events
 * as the base — a new base of the whole index, after which `$tb` moves up to the previous base.
 * `close` never writes a base unless nothing can be reused. Throws on a client error before the
 * manifest is written (the caller reports it); a failure to move `$tb` afterwards is returned.
 */
export async function writeSnapshot(
  t: SnapshotTarget,
  index: LedgerIndex,
  prev: SnapshotState | null,
  policy: SnapshotPolicy,
  mode: 'regular' | 'close',
): Promise<{
  state: SnapshotState;
  written: Omit<Extract<EsdbDiagnostic, { code: 'snapshot-written' }>, 'code' | 'ledger'>;
}> {
  // A consistent picture at one size, taken before the first await: appends may land meanwhile.
  const size = index.size;
  const streams = index.streamNames().length;
  const root = toHex(treeRoot(size, index.nodeSource()));

  let meta = await readMetadata(t.client, t.side);
  const readable = (s: SegmentRef) => s.chunks.every((r) => r >= meta.truncateBefore);
  const reuse = prev !== null && prev.size < size && prev.segments.every(readable) ? prev.segments : [];
  const base = reuse[0];
  const tails = reuse.length - 1;
  const newBase =
    base === undefined || (mode === 'regular' && (tails + 1 > policy.maxTails || size - base.to >= base.to));
  const from = newBase ? 0 : reuse[reuse.length - 1]!.to;
  const streamsBefore = newBase ? 0 : reuse[reuse.length - 1]!.streams;
  const payload = encodeSegment(index, from, streamsBefore, size, streams);
  const count = Math.max(1, Math.ceil(payload.length / policy.chunkBytes));

  if (meta.maxCount !== undefined) {
    // Someone set `$maxCount`: raise it (never lower it) before it could hide a live segment.
    const [last] = await readSide(t.client, t.side, END, BACKWARDS, 1);
    const end = (last?.revision ?? -1) + count + 1;
    const oldest = newBase ? end - count : Math.min(...reuse.flatMap((s) => s.chunks));
    const need = neededCount(end - oldest + 1);
    meta = await updateMetadata(t.client, t.side, meta, (m) =>
      m.maxCount !== undefined && m.maxCount < need ? { $maxCount: need } : null,
    );
  }

  const segment = randomUUID();
  const chunks: number[] = [];
  let bytes = 0;
  for (let k = 0; k < count; k++) {
    const data = encodeChunk(segment, k, payload.subarray(k * policy.chunkBytes, (k + 1) * policy.chunkBytes));
    // ANY: snapshots are not the ledger; several writers may add theirs, the manifest lists its own chunks.
    // Repeated after NotLeader: a chunk that did land is then written twice, and only the revision
    // answered is listed.
    const res = await onLeader(() =>
      t.client.appendToStream(t.side, binaryEvent({ type: CHUNK_TYPE, data }), { expectedRevision: ANY, ...LEADER }),
    );
    chunks.push(Number(res.nextExpectedRevision));
    bytes += eventSize(CHUNK_TYPE, data);
  }
  const ref: SegmentRef = {
    id: segment,
    from,
    to: size,
    streams,
    bytes: payload.length,
    sha256: toHex(sha256(payload)),
    chunks,
  };
  const segments = newBase ? [ref] : [...reuse, ref];
  const manifest: SnapshotManifest = {
    v: 2,
    ledger: t.ledger,
    physicalStream: t.physical,
    snapshot: randomUUID(),
    size,
    root,
    segments,
  };
  const manifestData = encodeManifest(manifest);
  await onLeader(() =>
    t.client.appendToStream(t.side, binaryEvent({ type: MANIFEST_TYPE, data: manifestData }), {
      expectedRevision: ANY,
      ...LEADER,
    }),
  );
  bytes += eventSize(MANIFEST_TYPE, manifestData);

  const written = {
    size,
    kind: newBase ? ('base' as const) : ('tail' as const),
    from,
    segments: segments.length,
    chunks: count,
    bytes,
  };
  const state = { size, segments };
  // After a new base, everything before the previous base expires: the previous generation stays
  // readable for a process loading it right now, and as the fallback if the newest is refused.
  const expireBefore = newBase && base !== undefined ? Math.min(...base.chunks) : undefined;
  if (expireBefore === undefined) return { state, written };
  try {
    const after = await updateMetadata(t.client, t.side, meta, (m) =>
      m.truncateBefore < expireBefore ? { $tb: expireBefore } : null,
    );
    return { state, written: { ...written, truncateBefore: after.truncateBefore } };
  } catch (err) {
    return { state, written: { ...written, expiryFailed: err instanceof Error ? err.message : String(err) } };
  }
}
