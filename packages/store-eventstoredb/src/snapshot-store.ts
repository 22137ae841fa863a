import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import { bytesEqual, leafHash, sha256, toHex } from '@hoso/core';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  StreamNotFoundError,
  binaryEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { parseHeader } from './header.js';
import type { LedgerIndex } from './ledger-index.js';
import { readPhysical } from './physical.js';
import {
  CHUNK_TYPE,
  MANIFEST_TYPE,
  checkPayload,
  decodeChunk,
  decodeManifest,
  decodeSnapshot,
  encodeChunk,
  encodeManifest,
  encodeSnapshot,
  manifestRoot,
  type SnapshotManifest,
} from './snapshot.js';

/**
 * Index snapshots kept in EventStoreDB itself, on one side stream per ledger (default
 * `hoso-index-<ledger>`): chunk events, then a manifest event naming them (see `snapshot.ts`). A
 * loaded snapshot is checked against the ledger before it is used; anything wrong with it is
 * reported and ignored, never an error for the caller.
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
      readonly chunks: number;
      readonly bytes: number;
    }
  | { readonly code: 'snapshot-rejected'; readonly ledger: string; readonly size?: number; readonly reason: string }
  | { readonly code: 'snapshot-read-failed'; readonly ledger: string; readonly reason: string }
  | {
      readonly code: 'snapshot-written';
      readonly ledger: string;
      readonly size: number;
      readonly chunks: number;
      readonly bytes: number;
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

/** Manifests looked at, newest first, when loading; and events scanned back to find them. */
const MAX_MANIFESTS = 3;
const MAX_SCAN = 8;

interface SideRecord {
  readonly revision: number;
  readonly type: string;
  readonly data: Uint8Array | null;
}

/** Up to `count` side stream records from `from` in `direction` (nothing for a missing stream). */
async function readSide(
  client: EventStoreDBClient,
  stream: string,
  from: bigint | typeof END,
  direction: typeof FORWARDS | typeof BACKWARDS,
  count: number,
): Promise<SideRecord[]> {
  const out: SideRecord[] = [];
  try {
    // Read to the end of the bounded call: leaving early would leave the call open (see physical.ts).
    for await (const r of client.readStream(stream, { fromRevision: from, direction, maxCount: count })) {
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
}

/** Reassemble a manifest's payload from its chunks; a reason string when a chunk is missing or foreign. */
async function readPayload(t: SnapshotTarget, m: SnapshotManifest): Promise<Uint8Array | string> {
  const parts: Uint8Array[] = [];
  let k = 0;
  while (k < m.chunks.length) {
    // Consecutive revisions (the usual case: one writer at a time) are read in one call.
    let run = 1;
    while (k + run < m.chunks.length && m.chunks[k + run] === m.chunks[k]! + run) run++;
    const recs = await readSide(t.client, t.side, BigInt(m.chunks[k]!), FORWARDS, run);
    for (let i = 0; i < run; i++) {
      const rec = recs[i];
      if (rec === undefined || rec.revision !== m.chunks[k + i] || rec.type !== CHUNK_TYPE || rec.data === null) {
        return `chunk ${k + i} (revision ${m.chunks[k + i]}) is missing`;
      }
      const slice = decodeChunk(rec.data, m.snapshot, k + i);
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
 * the root recomputed from the leaves (in `decodeSnapshot`) this ties the snapshot to this very
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
  const payload = await readPayload(t, m);
  if (typeof payload === 'string') return payload;
  const checked = checkPayload(payload, m);
  if (isLeft(checked)) return checked.left;
  const index = decodeSnapshot(payload, { size: m.size, root: manifestRoot(m) });
  if (isLeft(index)) return index.left;
  return (await checkAgainstLedger(t, index.right)) ?? index.right;
}

/**
 * The index from the newest snapshot that passes every check, or null (no usable snapshot: rebuild
 * from the stream). Scans the side stream back from its end, one event at a time: the newest manifest
 * is tried first; when it is refused the scan goes on below its chunks, trying at most
 * {@link MAX_MANIFESTS} manifests within {@link MAX_SCAN} events read. Never throws: every problem
 * is reported through `report`.
 */
export async function loadSnapshot(
  t: SnapshotTarget,
  report: (d: EsdbDiagnostic) => void,
): Promise<LedgerIndex | null> {
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
          if (typeof got !== 'string') {
            report({
              code: 'snapshot-loaded',
              ledger: t.ledger,
              size: m.right.size,
              chunks: m.right.chunks.length,
              bytes: m.right.bytes,
            });
            return got;
          }
          report({ code: 'snapshot-rejected', ledger: t.ledger, size: m.right.size, reason: got });
          // Its chunks come before it: skip them rather than download them again.
          const lowest = Math.min(...m.right.chunks);
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

/**
 * Side stream events to keep (`$maxCount`) for snapshots of `events` events each: the newest two
 * (the one in use, and the one before it while a newer one is being written) and a little room for
 * another writer's chunks in between. Anything older is dead weight the server may scavenge.
 */
export function keepCount(events: number): number {
  return Math.max(16, 2 * events + 4);
}

/**
 * Write a snapshot of `index` as of its current size: the chunks (one append each, `chunkBytes` of
 * payload at most), then the manifest. Before the first chunk, raise the side stream's `$maxCount`
 * when `maxCount.value` (what this process last set) is too small to keep this snapshot whole.
 * Throws on any client error (the caller reports it).
 */
export async function writeSnapshot(
  t: SnapshotTarget,
  index: LedgerIndex,
  chunkBytes: number,
  maxCount: { value: number },
): Promise<{ size: number; chunks: number; bytes: number }> {
  // Encoded synchronously: a consistent picture of the index at this size, whatever is appended meanwhile.
  const { payload, size, root } = encodeSnapshot(index);
  const snapshot = randomUUID();
  const count = Math.max(1, Math.ceil(payload.length / chunkBytes));
  const keep = keepCount(count + 1);
  if (maxCount.value < keep) {
    await t.client.setStreamMetadata(t.side, { maxCount: keep });
    maxCount.value = keep;
  }
  const chunks: number[] = [];
  for (let k = 0; k < count; k++) {
    const data = encodeChunk(snapshot, k, payload.subarray(k * chunkBytes, (k + 1) * chunkBytes));
    // ANY: snapshots are not the ledger; several writers may add theirs, the manifest lists its own chunks.
    const res = await t.client.appendToStream(t.side, binaryEvent({ type: CHUNK_TYPE, data }), {
      expectedRevision: ANY,
    });
    chunks.push(Number(res.nextExpectedRevision));
  }
  const manifest: SnapshotManifest = {
    v: 1,
    ledger: t.ledger,
    physicalStream: t.physical,
    snapshot,
    size,
    root: toHex(root),
    sha256: toHex(sha256(payload)),
    bytes: payload.length,
    chunks,
  };
  await t.client.appendToStream(t.side, binaryEvent({ type: MANIFEST_TYPE, data: encodeManifest(manifest) }), {
    expectedRevision: ANY,
  });
  return { size, chunks: count, bytes: payload.length };
}
