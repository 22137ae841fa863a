import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { leafHash, merkleRoot, toHex, utf8 } from '@hoso/core';
import type { AppendResult, EventStore, StoreError } from '@hoso/store';
import { makeTestEvents, testEventId, type TestHeads } from '@hoso/store/testing';
import { openEventStoreDbStore, defaultStreamName, type EventStoreDbStoreOptions } from '../src/index.js';
import { EventStoreDbStandIn, sizeOnDisk, type StandInCluster, type StandInOptions } from '../src/testing/index.js';

// What a real cluster does to an append and a read that a single quiet node never does — answers
// lost after the write landed, writes counted but not yet readable, retries dropped until
// replication, lagging followers, leader changes, size limits counted the server's way — each
// case run with the client appending through BatchAppend, through plain Append, and on a 3-node
// cluster reached through a lagging follower.

const L = 'thcs-nguyen-du';
const PHYSICAL = defaultStreamName(L);
/** The stand-in's write timeout here (the server's default is 2 s). */
const WRITE_TIMEOUT_MS = 300;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function ok<A>(r: Either<StoreError, A>): A {
  if (isLeft(r)) expect.fail(`expected success, got ${JSON.stringify(r.left)}`);
  return r.right;
}

function err<A>(r: Either<StoreError, A>): StoreError {
  if (isRight(r)) expect.fail(`expected an error, got ${JSON.stringify(r.right)}`);
  return r.left;
}

type Mode = 'batch-append' | 'append' | 'follower';

/** The nodes of one case, and where the adapter connects. */
interface Servers {
  readonly nodes: readonly EventStoreDbStandIn[];
  /** The node deciding writes now. */
  leader(): EventStoreDbStandIn;
  /** Where the adapter under test connects: the node itself, or a lagging follower of the cluster. */
  readonly connectionString: string;
  readonly cluster: StandInCluster | null;
  stop(): Promise<void>;
}

async function servers(mode: Mode, options: StandInOptions = {}): Promise<Servers> {
  const o = { writeTimeoutMs: WRITE_TIMEOUT_MS, ...options };
  if (mode !== 'follower') {
    const s = await EventStoreDbStandIn.start({ ...o, serverFeatures: mode === 'batch-append' });
    return { nodes: [s], leader: () => s, connectionString: s.connectionString, cluster: null, stop: () => s.stop() };
  }
  const cluster = await EventStoreDbStandIn.startCluster({ ...o, nodes: 3 });
  for (const n of cluster.nodes) n.lag = 2;
  return {
    nodes: cluster.nodes,
    leader: () => cluster.leader,
    connectionString: cluster.followers[0]!.connectionString,
    cluster,
    stop: () => cluster.stop(),
  };
}

describe.each<Mode>(['batch-append', 'append', 'follower'])(
  'EventStoreDB adapter under cluster faults (%s)',
  (mode) => {
    let sv: Servers;
    let store: EventStore;
    let heads: TestHeads;
    const opened: EventStore[] = [];
    const open = (o: Partial<EventStoreDbStoreOptions> = {}): EventStore => {
      const s = openEventStoreDbStore({ connectionString: sv.connectionString, ...o } as EventStoreDbStoreOptions);
      opened.push(s);
      return s;
    };
    const events = (specs: Parameters<typeof makeTestEvents>[1], h: TestHeads = heads) =>
      makeTestEvents(L, specs, { heads: h });
    const appendOk = async (s: EventStore, batch: Uint8Array[]): Promise<AppendResult> =>
      ok(await s.append(L, batch, { expected: await s.size(L) }));
    /** What the ledger must be: the records of the physical stream, replicated or not (one log for all nodes). */
    const stored = () => sv.nodes[0]!.records(PHYSICAL).map((r) => toHex(r.data));
    /** Everything a reader sees agrees with `model`: bytes, size, root. */
    async function expectLedger(s: EventStore, model: readonly Uint8Array[]): Promise<void> {
      expect(await s.size(L)).toBe(model.length);
      expect((await collect(s.read(L))).map((e) => toHex(e.bytes))).toEqual(model.map(toHex));
      expect(toHex(await s.root(L))).toBe(toHex(merkleRoot(model.map((e) => leafHash(e)))));
    }

    beforeEach(async () => {
      sv = await servers(mode);
      heads = new Map();
      store = open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await sv.stop();
    });

    it('a write that landed but whose answer timed out or broke: outcome unknown, the retry finds it stored, the index stays exact', async () => {
      const first = await events([{ stream: 'a' }]);
      await appendOk(store, first);
      for (const as of ['timeout', 'unavailable'] as const) {
        const size = await store.size(L);
        const batch = await events([{ stream: 'a' }, { stream: 'b' }]);
        sv.leader().loseNextAnswers({ as });
        expect(err(await store.append(L, batch, { expected: size })), as).toMatchObject({
          code: 'storage-failure',
          details: { outcome: 'unknown' },
        });
        expect(stored(), as).toHaveLength(size + 2); // it did land
        // The same batch again: found stored, nothing written twice.
        expect(ok(await store.append(L, batch, { expected: size })), as).toEqual({
          from: size,
          size: size + 2,
          written: 0,
        });
        expect(stored(), as).toHaveLength(size + 2);
      }
      // The next append takes the one-round-trip path again and lands at the right place.
      const next = await events([{ stream: 'b' }]);
      expect(ok(await store.append(L, next, { expected: 5 }))).toEqual({ from: 5, size: 6, written: 1 });
      const model = sv
        .leader()
        .records(PHYSICAL)
        .map((r) => r.data);
      await expectLedger(store, model);
      await expectLedger(open(), model);
    });

    it('the same id with other bytes after a lost answer is duplicate-id, never written, never indexed', async () => {
      await appendOk(store, await events([{ stream: 'a' }]));
      const before = new Map(heads);
      const batch = await events([{ stream: 'a' }]);
      sv.leader().loseNextAnswers({ as: 'timeout' });
      expect(err(await store.append(L, batch, { expected: 1 }))).toMatchObject({ details: { outcome: 'unknown' } });
      // A retry that re-signed the event (other `at`, other data): same envelope id, other bytes.
      const other = await events([{ stream: 'a', id: testEventId(batch[0]!), data: { n: 99 } }], new Map(before));
      expect(toHex(other[0]!)).not.toBe(toHex(batch[0]!));
      expect(err(await store.append(L, other, { expected: 1 }))).toMatchObject({ code: 'duplicate-id' });
      expect(stored()).toHaveLength(2);
      expect(stored()[1]).toBe(toHex(batch[0]!));
      expect(toHex((await store.getById(L, testEventId(batch[0]!)))!.bytes)).toBe(toHex(batch[0]!));
    });

    it('another process sending the same id with other bytes on the one-round-trip path gets duplicate-id, not an idempotent success', async () => {
      await appendOk(store, await events([{ stream: 'a' }]));
      const other = open();
      expect(await other.size(L)).toBe(1); // its index is current: its next append at 1 goes straight out
      const before = new Map(heads);
      const mine = await events([{ stream: 'a' }]);
      const theirs = await events([{ stream: 'a', id: testEventId(mine[0]!), data: { n: 7 } }], new Map(before));
      await appendOk(store, mine);
      // The server recognises retries by event id alone: with the envelope id as event id it would
      // call this a retry of `mine` and answer success. The ids the adapter sends depend on the bytes.
      expect(err(await other.append(L, theirs, { expected: 1 }))).toMatchObject({ code: 'duplicate-id' });
      expect(stored()).toHaveLength(2);
      await expectLedger(other, [...(await collect(store.read(L))).map((e) => e.bytes)]);
      expect(toHex(await other.root(L))).toBe(toHex(await store.root(L)));
    });

    it('a write not yet replicated times out, its retry is dropped until replication, and it is then found stored', async () => {
      await appendOk(store, await events([{ stream: 'a' }]));
      const before = new Map(heads);
      const batch = await events([{ stream: 'a' }]);
      sv.leader().holdReplication();
      try {
        expect(err(await store.append(L, batch, { expected: 1 }))).toMatchObject({
          code: 'storage-failure',
          details: { outcome: 'unknown' },
        });
        expect(stored()).toHaveLength(2); // in the leader's log, but not readable
        expect(await store.size(L)).toBe(1);
        // The same batch again: the server drops it (its original is not replicated); only the
        // write timeout answers.
        const sent = sv.leader().appendLog.length;
        expect(err(await store.append(L, batch, { expected: 1 }))).toMatchObject({ details: { outcome: 'unknown' } });
        expect(sv.leader().appendLog.length).toBe(sent + 1);
        expect(stored()).toHaveLength(2);
        // Another event under the same id: refused at its revision although nothing readable is
        // there. The adapter waits for the pending write, then says nothing of its batch was written.
        const other = await events([{ stream: 'a', id: testEventId(batch[0]!), data: { n: 5 } }], new Map(before));
        expect(err(await store.append(L, other, { expected: 1 }))).toMatchObject({
          code: 'storage-failure',
          rule: 'storage-available',
          details: { esdb: 'replication-pending', outcome: 'not-written' },
        });
        // Replicated while the adapter waits: the same refusal becomes the contract's answer.
        setTimeout(() => sv.leader().releaseReplication(), 150);
        expect(err(await store.append(L, other, { expected: 1 }))).toMatchObject({ code: 'duplicate-id' });
      } finally {
        sv.leader().releaseReplication();
      }
      expect(ok(await store.append(L, batch, { expected: 1 }))).toEqual({ from: 1, size: 2, written: 0 });
      expect(stored()).toHaveLength(2);
    });

    it('reads come from the leader, never from a lagging follower; a leader change leaves nothing stale', async () => {
      const writer = openEventStoreDbStore({ connectionString: sv.leader().connectionString });
      opened.push(writer);
      const model: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        const b = await events([{ stream: i === 2 ? 'b' : 'a' }]);
        await appendOk(writer, b);
        model.push(...b);
      }
      // `store` has not made a call yet: in follower mode its first one goes to a follower that lags
      // two events behind. Without requires-leader it would read 1 of 3 events, raise a false
      // corruption alarm on the stream heads or refuse the next append as a conflict.
      await expectLedger(store, model);
      expect((await collect(store.readStream(L, 'a'))).map((e) => e.position)).toEqual([0, 1]);
      expect((await store.getById(L, testEventId(model[2]!)))?.position).toBe(2);
      expect(await store.streamHead(L, 'b')).toMatchObject({ rev: 0, position: 2 });
      const mine = await events([{ stream: 'b' }]);
      expect(ok(await store.append(L, mine, { expected: 3 }))).toEqual({ from: 3, size: 4, written: 1 });
      model.push(...mine);
      if (sv.cluster !== null) {
        // The leadership moves; both clients stay on the node they were on, now a lagging follower.
        const next = sv.cluster.followers[1]!;
        sv.cluster.elect(next);
        const more = await events([{ stream: 'a' }, { stream: 'b' }]);
        expect(ok(await writer.append(L, more, { expected: 4 }))).toMatchObject({ written: 2 });
        model.push(...more);
        await expectLedger(store, model);
        // Every call reaching a follower carried requires-leader (and was refused there).
        for (const n of sv.nodes) expect(n.callLog.every((c) => c.requiresLeader)).toBe(true);
      }
      await expectLedger(open(), model);
    });

    it('counts sizes as the server does (data + metadata + 2 × type length) and refuses before sending what it would refuse', async () => {
      await sv.stop();
      sv = await servers(mode, { maxAppendSize: 16 * 1024, maxAppendEventSize: 4 * 1024 });
      heads = new Map();
      const limits = { serverLimits: { maxAppendSize: 16 * 1024, maxAppendEventSize: 4 * 1024 } };
      const s = open(limits);
      const metaLen = (e: Uint8Array, stream: string) =>
        utf8(JSON.stringify({ id: testEventId(e), stream, rev: 0 })).length;
      const counted = (e: Uint8Array, stream: string) =>
        sizeOnDisk('DiemDaNhap', e, new Uint8Array(metaLen(e, stream)));
      // An event of `bytes` bytes of data (the envelope's own fields included), in stream `stream`.
      const sized = async (stream: string, bytes: number): Promise<Uint8Array> => {
        const probe = (n: number) =>
          events([{ stream, type: 'DiemDaNhap', data: { t: 'a'.repeat(n) } }], new Map()).then((b) => b[0]!);
        const overhead = (await probe(0)).length;
        const e = await probe(bytes - overhead);
        expect(e.length).toBe(bytes);
        return e;
      };
      // Under the event limit by its data alone, over it as the server counts it.
      const big = await sized('a', 4 * 1024 - 10);
      expect(counted(big, 'a')).toBeGreaterThan(4 * 1024);
      expect(err(await s.append(L, [big], { expected: 0 }))).toMatchObject({
        code: 'invalid-event',
        path: ['events', 0],
        rule: 'esdb-max-event-size',
      });
      // Five events: 16 KiB is passed only once metadata and types are counted.
      const five: Uint8Array[] = [];
      for (let i = 0; i < 5; i++) five.push(await sized(`b${i}`, 3_230));
      const dataOnly = five.reduce((t, e) => t + e.length, 0);
      const total = five.reduce((t, e, i) => t + counted(e, `b${i}`), 0);
      expect(dataOnly).toBeLessThanOrEqual(16 * 1024);
      expect(total).toBeGreaterThan(16 * 1024);
      expect(err(await s.append(L, five, { expected: 0 }))).toMatchObject({
        code: 'invalid-event',
        path: ['events'],
        rule: 'esdb-max-append-size',
        details: { size: total, maxAppendSize: 16 * 1024 },
      });
      expect(sv.nodes.flatMap((n) => n.appendLog)).toEqual([]); // nothing was sent
      // Without the limits given, the server refuses the batch itself: the same typed error, nothing written.
      const plain = open();
      expect(err(await plain.append(L, five, { expected: 0 }))).toMatchObject({
        code: 'invalid-event',
        rule: 'esdb-max-append-size',
      });
      expect(stored()).toEqual([]);
      // Snapshot chunks are cut to fit the limits too: written, and loaded by the next process.
      const diags: string[] = [];
      const snap = open({ ...limits, snapshots: { every: 90 }, onDiagnostic: (d) => diags.push(d.code) });
      for (let i = 0; i < 10; i++)
        await appendOk(snap, await events(Array.from({ length: 10 }, () => ({ stream: 'c' }))));
      await snap.close();
      expect(diags).toContain('snapshot-written');
      expect(diags).not.toContain('snapshot-write-failed');
      const side = sv.leader().records(`hoso-index-${L}`);
      expect(side.filter((r) => r.type === 'hoso-index-chunk').length).toBeGreaterThan(1); // 90 × 52 bytes > 4 KiB
      for (const r of side) expect(sizeOnDisk(r.type, r.data, r.customMetadata)).toBeLessThanOrEqual(4 * 1024);
      const loadDiags: string[] = [];
      const reader = open({ ...limits, onDiagnostic: (d) => loadDiags.push(d.code) });
      expect(await reader.size(L)).toBe(100);
      expect(loadDiags).toEqual(['snapshot-loaded']);
    });

    // Only a cluster has elections (registered in that mode alone, rather than skipped in the others).
    if (mode === 'follower')
      it('during an election (no leader) an append fails as storage-failure and nothing lands; once elected, the retry does', async () => {
        await appendOk(store, await events([{ stream: 'a' }]));
        const batch = await events([{ stream: 'a' }]);
        sv.cluster!.elect(null);
        expect(err(await store.append(L, batch, { expected: 1 }))).toMatchObject({ code: 'storage-failure' });
        expect(stored()).toHaveLength(1);
        sv.cluster!.elect(sv.nodes[2]!);
        let r = await store.append(L, batch, { expected: 1 });
        // The client may first reconnect to the node in its connection string (a follower, which names the leader).
        for (let i = 0; i < 20 && isLeft(r) && r.left.code === 'storage-failure'; i++) {
          await new Promise((res) => setTimeout(res, 25));
          r = await store.append(L, batch, { expected: 1 });
        }
        expect(ok(r)).toEqual({ from: 1, size: 2, written: 1 });
      });
  },
);
