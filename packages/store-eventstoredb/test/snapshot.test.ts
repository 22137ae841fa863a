import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import { isHosoFailure, sha256, toHex, utf8 } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { makeTestEvents, testEventId, type TestHeads } from '@hoso/store/testing';
import {
  openEventStoreDbStore,
  defaultSnapshotStreamName,
  type EsdbDiagnostic,
  type EventStoreDbStoreOptions,
} from '../src/index.js';
import { EventStoreDbStandIn, type StandInRecord } from '../src/testing/index.js';
import { CHUNK_TYPE, MANIFEST_TYPE, decodeManifest, type SegmentRef, type SnapshotManifest } from '../src/snapshot.js';

const L = 'thpt-le-quy-don';
const SIDE = defaultSnapshotStreamName(L);
const STREAMS = ['school/setup', 'markbook/2024-2025/10A1/toan', 'markbook/2024-2025/10A1/van', 'student/hs-0001'];

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Everything a caller can observe of the ledger through the index: sizes, roots, proofs, heads, ids, streams. */
async function observe(s: EventStore, ids: readonly string[]) {
  const n = await s.size(L);
  return {
    n,
    root: toHex(await s.root(L)),
    root7: toHex(await s.root(L, 7)),
    proofs: await Promise.all(
      [0, Math.floor(n / 2), n - 1].map(async (i) => (await s.inclusionProof(L, i, n)).map(toHex)),
    ),
    consistency: (await s.consistencyProof(L, 5, n)).map(toHex),
    heads: await Promise.all(
      STREAMS.map(async (st) => {
        const h = await s.streamHead(L, st);
        return h && { ...h, leafHash: toHex(h.leafHash) };
      }),
    ),
    byId: await Promise.all(ids.map(async (id) => (await s.getById(L, id))?.position ?? null)),
    streams: await Promise.all(STREAMS.map(async (st) => (await collect(s.readStream(L, st))).map((e) => e.position))),
  };
}

/** A snapshot as found on a side stream: its manifest and, per segment, its chunks' data. */
interface FoundSnapshot {
  manifest: SnapshotManifest;
  chunks: Uint8Array[][];
}

/** The newest manifest on a side stream and its segments' chunk data. */
function newestSnapshot(records: readonly StandInRecord[]): FoundSnapshot {
  const rec = [...records].reverse().find((r) => r.type === MANIFEST_TYPE);
  if (rec === undefined) return expect.fail('no manifest on the side stream');
  const m = decodeManifest(rec.data);
  if (isLeft(m)) return expect.fail(m.left);
  return { manifest: m.right, chunks: m.right.segments.map((s) => s.chunks.map((r) => records[r]!.data)) };
}

/**
 * Publish (another writer's way: bypassing the adapter) a snapshot on `standIn`'s side stream: every
 * segment's chunks, then the manifest with their new revisions (or `raw` manifest bytes). With
 * `hideOthers`, a `$tb` leaves only this snapshot visible.
 */
function publish(
  standIn: EventStoreDbStandIn,
  snap: { manifest: SnapshotManifest; chunks: Uint8Array[][]; raw?: Uint8Array; keepRevisions?: boolean },
  hideOthers: boolean,
): void {
  const base = standIn.records(SIDE).length;
  standIn.write(
    SIDE,
    snap.chunks.flat().map((data) => ({ id: randomUUID(), type: CHUNK_TYPE, data })),
  );
  let next = base;
  const manifest: SnapshotManifest = snap.keepRevisions
    ? snap.manifest
    : {
        ...snap.manifest,
        segments: snap.manifest.segments.map((s, k) => ({ ...s, chunks: snap.chunks[k]!.map(() => next++) })),
      };
  standIn.write(SIDE, [{ id: randomUUID(), type: MANIFEST_TYPE, data: snap.raw ?? utf8(JSON.stringify(manifest)) }]);
  if (hideOthers) {
    standIn.write(`$$${SIDE}`, [
      {
        id: randomUUID(),
        type: '$metadata',
        data: utf8(JSON.stringify({ $tb: base })),
        contentType: 'application/json',
      },
    ]);
  }
}

/** Re-cut a segment payload into chunks the way the adapter does (header: magic, segment id words, chunk number). */
function payloadOf(chunks: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(chunks.flatMap((c) => [...c.subarray(28)]));
}
function rechunk(template: Uint8Array, payload: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let k = 0, at = 0; at < payload.length; k++, at += size) {
    const c = new Uint8Array(28 + Math.min(size, payload.length - at));
    c.set(template.subarray(0, 24));
    new DataView(c.buffer).setUint32(24, k);
    c.set(payload.subarray(at, at + size), 28);
    out.push(c);
  }
  return out;
}

/** The side stream's newest metadata, as the server would read it. */
function metadataOf(standIn: EventStoreDbStandIn): Record<string, unknown> {
  const meta = standIn.records(`$$${SIDE}`);
  const last = meta[meta.length - 1];
  return last === undefined ? {} : (JSON.parse(Buffer.from(last.data).toString('utf8')) as Record<string, unknown>);
}

type Written = Extract<EsdbDiagnostic, { code: 'snapshot-written' }>;

describe('index snapshots in EventStoreDB (stand-in over real gRPC)', () => {
  let standIn: EventStoreDbStandIn;
  let heads: TestHeads;
  let ids: string[];
  const diags: EsdbDiagnostic[] = [];
  const open = (o: Partial<EventStoreDbStoreOptions> = {}): EventStore =>
    openEventStoreDbStore({
      connectionString: standIn.connectionString,
      onDiagnostic: (d) => diags.push(d),
      ...o,
    } as EventStoreDbStoreOptions);
  const codes = () => diags.map((d) => d.code);

  /** Append `n` events over the four streams in batches of 10 through `s`. */
  async function fill(s: EventStore, n: number): Promise<void> {
    for (let done = 0; done < n; done += 10) {
      const batch = await makeTestEvents(
        L,
        Array.from({ length: Math.min(10, n - done) }, (_, j) => ({
          stream: STREAMS[(done + j) % 3 === 0 ? 3 : (done + j) % 3]!,
        })),
        { heads },
      );
      const r = await s.append(L, batch, { expected: await s.size(L) });
      if (isLeft(r)) expect.fail(JSON.stringify(r.left));
      ids.push(...batch.map(testEventId));
    }
  }

  /** The ledger as rebuilt from the whole physical stream (snapshots off). */
  async function reference() {
    const full = open({ snapshots: false });
    try {
      return await observe(full, ids);
    } finally {
      await full.close();
    }
  }

  beforeEach(async () => {
    standIn = await EventStoreDbStandIn.start();
    heads = new Map();
    ids = [];
    diags.length = 0;
  });
  afterEach(async () => {
    await standIn.stop();
  });

  it('snapshots written by one process let another read only the tail at first use, with identical answers', async () => {
    const writer = open({ snapshots: { every: 40, everyFraction: 0, chunkBytes: 700 } });
    await fill(writer, 100);
    await writer.close(); // waits for the background snapshots
    const written = diags.filter((d): d is Written => d.code === 'snapshot-written');
    // At 40 events, and again once 40 more have landed after that write finished (timing decides when).
    expect(written.length).toBeGreaterThanOrEqual(1);
    expect(written[0]).toMatchObject({ size: 40, kind: 'base', from: 0, segments: 1 });
    const newest = written[written.length - 1]!;
    expect(newest.chunks).toBeGreaterThan(1); // cut under chunkBytes
    // Another writer, with snapshots off, adds 7 events the snapshot does not cover.
    const other = open({ snapshots: false });
    await fill(other, 7);
    await other.close();

    diags.length = 0;
    const reader = open();
    standIn.resetStats();
    expect(await reader.size(L)).toBe(107);
    const found = newestSnapshot(standIn.records(SIDE));
    expect(found.manifest.size).toBe(newest.size);
    const chunks = found.manifest.segments.reduce((t, g) => t + g.chunks.length, 0);
    expect(diags).toEqual([
      {
        code: 'snapshot-loaded',
        ledger: L,
        size: newest.size,
        segments: found.manifest.segments.length,
        chunks,
        bytes: found.manifest.segments.reduce((t, g) => t + g.bytes, 0),
      },
    ]);
    // The manifest, each segment's chunks (one call per run of consecutive revisions), the ledger's
    // event size − 1 (the check), then the tail only.
    const runs = found.manifest.segments.reduce(
      (t, g) => t + g.chunks.filter((r, k) => k === 0 || r !== g.chunks[k - 1]! + 1).length,
      0,
    );
    expect(standIn.stats.reads).toBe(1 + runs + 1 + 1);
    expect(standIn.stats.eventsSent).toBe(1 + chunks + 1 + (107 - newest.size));
    const got = await observe(reader, ids);
    await reader.close();
    expect(got).toEqual(await reference());
  });

  it('writes incrementally: a tail segment of what was added, a new base when the tails reach maxTails or the base’s size; older generations expire by $tb', async () => {
    const s = open({ snapshots: { every: 10, everyFraction: 0, maxTails: 3, chunkBytes: 1_000 } });
    const written = () => diags.filter((d): d is Written => d.code === 'snapshot-written');
    for (let n = 10; n <= 100; n += 10) {
      await fill(s, 10);
      // One snapshot per 10 events: wait for this one before the next batch (bounded).
      for (let i = 0; i < 400 && written().length < n / 10; i++) await new Promise((r) => setTimeout(r, 5));
    }
    await s.close();
    const w = written();
    expect(w.map((d) => `${d.kind}@${d.from}-${d.size}`)).toEqual([
      'base@0-10',
      'base@0-20', // the tails would hold as many events as the base
      'tail@20-30',
      'base@0-40',
      'tail@40-50',
      'tail@50-60',
      'tail@60-70',
      'base@0-80', // three tails: maxTails reached
      'tail@80-90',
      'tail@90-100',
    ]);
    // A tail costs what the ledger grew by (10 events, about 52 bytes each), never the whole index.
    for (const d of w.filter((x) => x.kind === 'tail')) {
      expect(d.chunks).toBe(1);
      expect(d.bytes).toBeLessThan(28 + 24 + 52 * 10 + 4 * 60 + 2 * 16 + 1_000 /* manifest */ + 2 * 19);
    }
    const tailBytes = w.filter((x) => x.kind === 'tail').map((x) => x.bytes);
    expect(Math.max(...tailBytes) - Math.min(...tailBytes)).toBeLessThan(600); // the manifest lists more segments
    // After each new base, everything before the previous base is truncated (and scavenged later).
    const side = standIn.records(SIDE);
    const firstChunkOf = (size: number) => {
      const rev = side.findIndex((r) => {
        if (r.type !== MANIFEST_TYPE) return false;
        const m = decodeManifest(r.data);
        return !isLeft(m) && m.right.size === size;
      });
      const m = decodeManifest(side[rev]!.data);
      return isLeft(m) ? -1 : Math.min(...m.right.segments[0]!.chunks);
    };
    expect(w.filter((d) => d.kind === 'base').map((d) => d.truncateBefore)).toEqual([
      undefined,
      firstChunkOf(10),
      firstChunkOf(20),
      firstChunkOf(40),
    ]);
    expect(metadataOf(standIn)).toEqual({ $tb: firstChunkOf(40) });
    expect(metadataOf(standIn)['$maxCount']).toBeUndefined();

    diags.length = 0;
    const reader = open();
    expect(await reader.size(L)).toBe(100);
    expect(diags).toEqual([expect.objectContaining({ code: 'snapshot-loaded', size: 100, segments: 3 })]);
    const got = await observe(reader, ids);
    await reader.close();
    expect(got).toEqual(await reference());
  });

  it('snapshots a large ledger less often: after max(every, everyFraction × the last snapshot size) more events', async () => {
    const s = open({ snapshots: { every: 10, everyFraction: 0.5, chunkBytes: 1_000 } });
    const sizes = () => diags.flatMap((d) => (d.code === 'snapshot-written' ? [d.size] : []));
    for (let n = 10; n <= 100; n += 10) {
      await fill(s, 10);
      // Let a write this batch started finish, so the next decision sees it (a bounded wait: if
      // none was started, the final assertion fails).
      for (let i = 0; i < 400 && [10, 20, 30, 50, 80].includes(n) && !sizes().includes(n); i++)
        await new Promise((r) => setTimeout(r, 5));
    }
    await s.close();
    expect(sizes()).toEqual([10, 20, 30, 50, 80]);
  });

  it('close() writes only a tail of what grew since the newest snapshot, and nothing below onCloseMin', async () => {
    const opts = { snapshots: { every: 1_000, onCloseMin: 5, chunkBytes: 1_000 } };
    // A ledger without any snapshot: its first one, on close, is necessarily a base.
    const first = open(opts);
    await fill(first, 50);
    expect(standIn.records(SIDE)).toEqual([]);
    await first.close();
    expect(diags.filter((d) => d.code === 'snapshot-written')).toEqual([
      expect.objectContaining({ size: 50, kind: 'base', from: 0 }),
    ]);
    // Later processes: each close adds a tail of its own events, never the whole index again.
    for (let i = 0; i < 3; i++) {
      diags.length = 0;
      const s = open(opts);
      await fill(s, 10);
      await s.close();
      expect(diags.filter((d) => d.code === 'snapshot-written')).toEqual([
        expect.objectContaining({ size: 60 + 10 * i, kind: 'tail', from: 50 + 10 * i, segments: 2 + i }),
      ]);
    }
    // Grown by fewer than onCloseMin events: nothing written.
    diags.length = 0;
    const small = open(opts);
    await fill(small, 4);
    const before = standIn.records(SIDE).length;
    await small.close();
    expect(standIn.records(SIDE)).toHaveLength(before);
    expect(codes()).toEqual(['snapshot-loaded']);

    const reader = open();
    expect(await reader.size(L)).toBe(84);
    expect(diags[diags.length - 1]).toMatchObject({ code: 'snapshot-loaded', size: 80, segments: 4 });
    expect(await observe(reader, ids)).toEqual(await reference());
    await reader.close();
  });

  it('never sets $maxCount, and raises one set by someone else (never lowers it) before it could hide a live segment', async () => {
    const opts = { snapshots: { every: 1_000, onCloseMin: 1, chunkBytes: 100 } };
    const writeMeta = (v: Record<string, unknown>) =>
      standIn.write(`$$${SIDE}`, [
        { id: randomUUID(), type: '$metadata', data: utf8(JSON.stringify(v)), contentType: 'application/json' },
      ]);
    const a = open(opts);
    await fill(a, 20);
    await a.close();
    expect(standIn.records(`$$${SIDE}`)).toEqual([]);
    // An operator (or an earlier version of the adapter) set a $maxCount too small for the live segments.
    writeMeta({ $maxCount: 3, $acl: { $w: 'hoso-app' } });
    const b = open(opts);
    await fill(b, 20);
    await b.close();
    const raised = metadataOf(standIn);
    expect(raised['$maxCount']).toBeGreaterThan(standIn.records(SIDE).length);
    expect(raised['$acl']).toEqual({ $w: 'hoso-app' }); // other fields are kept
    // A larger value than needed is left as it is.
    writeMeta({ $maxCount: 100_000 });
    const c = open(opts);
    await fill(c, 10);
    await c.close();
    expect(metadataOf(standIn)).toEqual({ $maxCount: 100_000 });
    const reader = open();
    expect(await reader.size(L)).toBe(50);
    expect(diags[diags.length - 1]).toMatchObject({ code: 'snapshot-loaded', size: 50 });
    await reader.close();
  });

  it('refuses an altered, truncated, foreign or garbled snapshot and rebuilds in full, with identical answers', async () => {
    const writer = open({ snapshots: { every: 40, everyFraction: 0, chunkBytes: 700 } });
    await fill(writer, 100);
    await writer.close();
    const valid = newestSnapshot(standIn.records(SIDE));
    expect(valid.manifest.segments).toHaveLength(1); // a base (80 events: as many as the base of 40 held)
    const expected = await reference();

    // A snapshot of the same ledger id from another history (another server, or the stream rewritten).
    const elsewhere = await EventStoreDbStandIn.start();
    let foreign: FoundSnapshot;
    try {
      const s = openEventStoreDbStore({
        connectionString: elsewhere.connectionString,
        snapshots: { every: 40, chunkBytes: 700 },
      });
      const savedHeads = heads;
      const savedIds = ids;
      heads = new Map();
      ids = [];
      await fill(s, 60);
      await s.close();
      heads = savedHeads;
      ids = savedIds;
      foreign = newestSnapshot(elsewhere.records(SIDE));
    } finally {
      await elsewhere.stop();
    }

    const seg = valid.manifest.segments[0]!;
    const withSeg = (g: Partial<SegmentRef>): SnapshotManifest => ({ ...valid.manifest, segments: [{ ...seg, ...g }] });
    const payload = payloadOf(valid.chunks[0]!);
    const leafFlipped = payload.slice();
    leafFlipped[leafFlipped.length - 1]! ^= 1;
    const altered = [
      valid.chunks[0]!.map((c, k) => (k === 0 ? Uint8Array.from(c, (b, i) => (i === 30 ? b ^ 1 : b)) : c)),
    ];
    const cases: Array<[string, FoundSnapshot & { raw?: Uint8Array; keepRevisions?: boolean }, RegExp]> = [
      ['a chunk altered', { manifest: valid.manifest, chunks: altered }, /hash differs/],
      [
        'a leaf altered, hash recomputed',
        {
          manifest: withSeg({ sha256: toHex(sha256(leafFlipped)) }),
          chunks: [rechunk(valid.chunks[0]![0]!, leafFlipped, 700)],
        },
        /root/,
      ],
      [
        'truncated (last chunk left out)',
        { manifest: valid.manifest, chunks: [valid.chunks[0]!.slice(0, -1)] },
        /bytes/,
      ],
      [
        'a chunk missing from the stream',
        {
          manifest: withSeg({ chunks: [...seg.chunks.slice(0, -1), 10_000] }),
          chunks: valid.chunks,
          keepRevisions: true,
        },
        /missing/,
      ],
      ['of another ledger', { manifest: { ...valid.manifest, ledger: 'thpt-other' }, chunks: valid.chunks }, /ledger/],
      ['of another history of this ledger', foreign, /position 39/],
      ['a garbled manifest', { manifest: valid.manifest, chunks: valid.chunks, raw: utf8('{"v":2,') }, /manifest/],
    ];
    for (const [what, snap, reason] of cases) {
      publish(standIn, snap, true);
      diags.length = 0;
      const reader = open();
      standIn.resetStats();
      const got = await observe(reader, ids);
      await reader.close();
      expect(codes(), what).toEqual(['snapshot-rejected']);
      const d = diags[0];
      expect(d !== undefined && 'reason' in d ? d.reason : '', what).toMatch(reason);
      expect(got, what).toEqual(expected);
      expect(standIn.stats.eventsSent, what).toBeGreaterThanOrEqual(100);
    }
  });

  it('several writers: the newest valid snapshot wins; a refused newest one falls back to the one before it', async () => {
    const a = open({ snapshots: { every: 30, chunkBytes: 700 } });
    await fill(a, 40);
    await a.close();
    const b = open({ snapshots: { every: 30, chunkBytes: 700 } });
    await fill(b, 40);
    await b.close(); // b loaded a's snapshot and wrote its own, larger one after it
    const sizes = diags.filter((d): d is Written => d.code === 'snapshot-written').map((d) => d.size);
    const newest = sizes[sizes.length - 1]!;
    const valid = newestSnapshot(standIn.records(SIDE));
    expect(valid.manifest.size).toBe(newest);
    // A third writer publishes a broken snapshot after it.
    const broken = valid.manifest.segments.map((g, k) =>
      k === 0 ? { ...g, sha256: toHex(sha256(utf8('wrong'))) } : g,
    );
    publish(standIn, { manifest: { ...valid.manifest, segments: broken }, chunks: valid.chunks }, false);

    diags.length = 0;
    const reader = open();
    standIn.resetStats();
    expect(await reader.size(L)).toBe(80);
    expect(codes()).toEqual(['snapshot-rejected', 'snapshot-loaded']);
    expect(diags[1]).toMatchObject({ size: newest });
    const got = await observe(reader, ids);
    await reader.close();
    expect(got).toEqual(await reference());
  });

  it('an unreadable side stream or an unusable side stream name is reported, never an error for the caller', async () => {
    const writer = open({ snapshots: false });
    await fill(writer, 20);
    await writer.close();
    const reader = open();
    standIn.failNext('read'); // the first read at first use is the side stream's
    expect(await reader.size(L)).toBe(20);
    expect(codes()).toEqual(['snapshot-read-failed']);
    await reader.close();

    diags.length = 0;
    const odd = open({ snapshots: { streamName: (l) => `$index-${l}` } });
    expect(await odd.size(L)).toBe(20);
    expect(codes()).toEqual(['snapshot-read-failed']);
    const d = diags[0];
    expect(d !== undefined && 'reason' in d ? d.reason : '').toMatch(/unusable/);
    await odd.close();
  });

  it('refuses bad snapshot options with invalid-argument naming the option', () => {
    const bad = (o: Partial<EventStoreDbStoreOptions>): unknown => {
      try {
        openEventStoreDbStore({ connectionString: 'esdb://127.0.0.1:1?tls=false', ...o } as EventStoreDbStoreOptions);
      } catch (e) {
        if (isHosoFailure(e)) return { code: e.error.code, path: e.error.path };
        throw e;
      }
      return 'accepted';
    };
    expect(bad({ snapshots: { every: 0 } })).toEqual({
      code: 'invalid-argument',
      path: ['options', 'snapshots', 'every'],
    });
    expect(bad({ snapshots: { chunkBytes: 2_000_000 } })).toEqual({
      code: 'invalid-argument',
      path: ['options', 'snapshots', 'chunkBytes'],
    });
    expect(bad({ snapshots: { everyFraction: 2 } })).toEqual({
      code: 'invalid-argument',
      path: ['options', 'snapshots', 'everyFraction'],
    });
    expect(bad({ snapshots: { onCloseMin: -1 } })).toEqual({
      code: 'invalid-argument',
      path: ['options', 'snapshots', 'onCloseMin'],
    });
    expect(bad({ snapshots: 'yes' as unknown as false })).toEqual({
      code: 'invalid-argument',
      path: ['options', 'snapshots'],
    });
    expect(bad({ onDiagnostic: 1 as unknown as () => void })).toEqual({
      code: 'invalid-argument',
      path: ['options', 'onDiagnostic'],
    });
  });
});
