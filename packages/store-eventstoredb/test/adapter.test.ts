import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { EventStoreDBClient } from '@eventstore/db-client';
import { isHosoFailure, leafHash, merkleRoot, toHex, utf8 } from '@hoso/core';
import type { AppendResult, EventStore, StoreError, StoredEvent } from '@hoso/store';
import { makeTestEvents, testEventId, type TestHeads } from '@hoso/store/testing';
import { openEventStoreDbStore, defaultStreamName } from '../src/index.js';
import { EventStoreDbStandIn } from '../src/testing/index.js';
import { spans } from '../src/physical.js';
import { esdbEventId } from '../src/calls.js';

const L = 'thpt-chu-van-an';
const PHYSICAL = defaultStreamName(L);

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

async function thrownCode(
  f: () => Promise<unknown>,
): Promise<{ code: string; details?: Readonly<Record<string, unknown>>; rule?: string }> {
  try {
    await f();
  } catch (e) {
    if (isHosoFailure(e))
      return {
        code: e.error.code,
        ...(e.error.details ? { details: e.error.details } : {}),
        ...(e.error.rule ? { rule: e.error.rule } : {}),
      };
    throw e;
  }
  return expect.fail('expected a HosoFailure');
}

/** Wait until `cond` holds (polling; bounded so a broken test fails instead of hanging). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect.fail(`timed out waiting for ${what}`);
}

describe('EventStoreDB adapter on the stand-in', () => {
  let standIn: EventStoreDbStandIn;
  let store: EventStore;
  let heads: TestHeads;
  const events = (specs: Parameters<typeof makeTestEvents>[1]) => makeTestEvents(L, specs, { heads });
  const appendOk = async (s: EventStore, batch: Uint8Array[]): Promise<AppendResult> =>
    ok(await s.append(L, batch, { expected: await s.size(L) }));

  beforeEach(async () => {
    standIn = await EventStoreDbStandIn.start();
    store = openEventStoreDbStore({ connectionString: standIn.connectionString });
    heads = new Map();
  });
  afterEach(async () => {
    await store.close();
    await standIn.stop();
  });

  it('writes one physical stream per ledger: revision = position, an id from envelope id and bytes, the type, the exact bytes as binary data', async () => {
    const batch = await events([
      { stream: 'school/setup', type: 'SchoolRegistered', data: { name: 'Trường THPT Chu Văn An — Hà Nội' } },
      { stream: 'markbook/2024-2025/10A1/toan', type: 'ScoreEntered', data: { score: '8.5', note: 'điểm miệng' } },
    ]);
    await appendOk(store, batch);
    const recs = standIn.records(PHYSICAL);
    expect(recs.map((r) => r.revision)).toEqual([0n, 1n]);
    // The server's idempotency compares ids only: the id is derived from the envelope id AND the bytes.
    expect(recs.map((r) => r.id)).toEqual(batch.map((b) => esdbEventId(testEventId(b), leafHash(b))));
    expect(new Set(recs.map((r) => r.id)).size).toBe(2);
    expect(recs.every((r) => /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.id))).toBe(
      true,
    );
    expect(recs.map((r) => r.type)).toEqual(['SchoolRegistered', 'ScoreEntered']);
    expect(recs.map((r) => r.contentType)).toEqual(['application/octet-stream', 'application/octet-stream']);
    expect(recs.map((r) => toHex(r.data))).toEqual(batch.map(toHex));
    expect(JSON.parse(Buffer.from(recs[1]!.customMetadata).toString('utf8'))).toEqual({
      id: testEventId(batch[1]!),
      stream: 'markbook/2024-2025/10A1/toan',
      rev: 0,
    });
    const back = await collect(store.read(L));
    expect(back.map((e) => toHex(e.bytes))).toEqual(batch.map(toHex));
    expect(standIn.records(defaultStreamName('another-school'))).toEqual([]);
  });

  it('appends at the exact expected revision, never ANY (NO_STREAM for the first batch)', async () => {
    await appendOk(store, await events([{ stream: 'a' }, { stream: 'b' }]));
    await appendOk(store, await events([{ stream: 'a' }]));
    await appendOk(store, await events([{ stream: 'c' }, { stream: 'c' }, { stream: 'a' }]));
    expect(standIn.appendLog.map((a) => [a.stream, a.expected, a.events])).toEqual([
      [PHYSICAL, 'no_stream', 2],
      [PHYSICAL, 1n, 1],
      [PHYSICAL, 2n, 3],
    ]);
  });

  it('an append at the size the index knows costs one Append call and no read', async () => {
    let size = (await appendOk(store, await events([{ stream: 'a' }]))).size;
    standIn.resetStats();
    for (let i = 0; i < 3; i++)
      size = ok(await store.append(L, await events([{ stream: 'a' }, { stream: 'b' }]), { expected: size })).size;
    expect(size).toBe(7);
    expect(standIn.stats.appends).toBe(3);
    expect(standIn.stats.reads).toBe(0);
  });

  it('decides a refusal on a caught-up index: a stale writer gets concurrency-conflict, not stream-conflict', async () => {
    await appendOk(store, await events([{ stream: 'a' }]));
    // Another process appends the next event of stream a; this store has not looked since.
    const other = openEventStoreDbStore({ connectionString: standIn.connectionString });
    try {
      ok(await other.append(L, await events([{ stream: 'a' }]), { expected: 1 }));
    } finally {
      await other.close();
    }
    // A writer that saw the other event (rev 2 of a) but passes the old size.
    const next = await events([{ stream: 'a' }]);
    expect(err(await store.append(L, next, { expected: 1 }))).toMatchObject({
      code: 'concurrency-conflict',
      details: { expected: 1, actual: 2 },
    });
    expect(ok(await store.append(L, next, { expected: 2 }))).toEqual({ from: 2, size: 3, written: 1 });
  });

  it('a retried batch is idempotent and sends nothing to the server', async () => {
    const batch = await events([{ stream: 'a' }, { stream: 'a' }]);
    await appendOk(store, batch);
    await appendOk(store, await events([{ stream: 'b' }]));
    const before = standIn.appendLog.length;
    expect(ok(await store.append(L, batch, { expected: 0 }))).toEqual({ from: 0, size: 2, written: 0 });
    expect(standIn.appendLog.length).toBe(before);
    expect(standIn.records(PHYSICAL)).toHaveLength(3);
  });

  it('sees what another client appended: size, reads, heads, and a conflict for a stale expected size', async () => {
    const other = openEventStoreDbStore({ connectionString: standIn.connectionString });
    try {
      await appendOk(store, await events([{ stream: 'a' }]));
      const theirs = await events([{ stream: 'a' }, { stream: 'b' }]);
      ok(await other.append(L, theirs, { expected: 1 }));
      expect(await store.size(L)).toBe(3);
      expect((await store.streamHead(L, 'a'))?.rev).toBe(1);
      expect((await collect(store.read(L))).map((e) => toHex(e.bytes)).slice(1)).toEqual(theirs.map(toHex));
      const late = await makeTestEvents(L, [{ stream: 'c' }], { heads: new Map() });
      expect(err(await store.append(L, late, { expected: 1 }))).toMatchObject({
        code: 'concurrency-conflict',
        details: { expected: 1, actual: 3 },
      });
      // The other store's index follows this one's appends too, and both agree on the tree.
      ok(await store.append(L, late, { expected: 3 }));
      expect(toHex(await other.root(L))).toBe(toHex(await store.root(L)));
      expect(await other.size(L)).toBe(4);
    } finally {
      await other.close();
    }
  });

  it('maps WrongExpectedVersion (another writer between catch-up and append) to concurrency-conflict, writing nothing', async () => {
    await appendOk(store, await events([{ stream: 'a' }]));
    const intruder = await makeTestEvents(L, [{ stream: 'z' }], { heads: new Map() });
    standIn.beforeNextCommit = (stream) =>
      standIn.write(stream, [{ id: testEventId(intruder[0]!), type: 'TestEvent', data: intruder[0]! }]);
    const mine = await events([{ stream: 'a' }]);
    const r = err(await store.append(L, mine, { expected: 1 }));
    expect(r).toMatchObject({ code: 'concurrency-conflict', details: { expected: 1, actual: 2 } });
    expect(standIn.records(PHYSICAL)).toHaveLength(2);
    expect(await store.size(L)).toBe(2);
    ok(await store.append(L, mine, { expected: 2 }));
    expect(toHex(await store.root(L))).toBe(toHex(merkleRoot(standIn.records(PHYSICAL).map((x) => leafHash(x.data)))));
  });

  it('an UNAVAILABLE append is a storage-failure with nothing written; the retry succeeds', async () => {
    await appendOk(store, await events([{ stream: 'a' }]));
    const batch = await events([{ stream: 'a' }]);
    standIn.failNext('append');
    const r = err(await store.append(L, batch, { expected: 1 }));
    expect(r.code).toBe('storage-failure');
    expect(r.details).toMatchObject({ esdb: 'unavailable', outcome: 'unknown' });
    expect(standIn.records(PHYSICAL)).toHaveLength(1);
    expect(ok(await store.append(L, batch, { expected: 1 }))).toEqual({ from: 1, size: 2, written: 1 });
  });

  it('repeats an append refused with NotLeader on the leader it names; a timeout is a storage-failure of unknown outcome', async () => {
    await appendOk(store, await events([{ stream: 'a' }]));
    const notLeader = {
      code: 5, // NOT_FOUND, with the server's not-leader exception and the leader's address
      metadata: {
        exception: 'not-leader',
        'leader-endpoint-host': '127.0.0.1',
        'leader-endpoint-port': String(standIn.port),
      },
    };
    // Refused once: the client switches to the leader named, and the adapter tries again there.
    standIn.failNext('append', notLeader);
    standIn.resetStats();
    expect(ok(await store.append(L, await events([{ stream: 'a' }]), { expected: 1 }))).toEqual({
      from: 1,
      size: 2,
      written: 1,
    });
    expect(standIn.stats.appends).toBe(2);
    // Refused every time (an election that does not end): a storage-failure after three attempts.
    const batch = await events([{ stream: 'a' }]);
    standIn.failNext('append', { ...notLeader, count: 3 });
    standIn.resetStats();
    expect(err(await store.append(L, batch, { expected: 2 }))).toMatchObject({
      code: 'storage-failure',
      details: { esdb: 'not-leader', outcome: 'unknown' },
    });
    expect(standIn.stats.appends).toBe(3);
    standIn.failNext('append', { code: 4 }); // DEADLINE_EXCEEDED
    expect(err(await store.append(L, batch, { expected: 2 }))).toMatchObject({
      code: 'storage-failure',
      details: { esdb: 'deadline-exceeded', outcome: 'unknown' },
    });
    // The retry lands once.
    expect(ok(await store.append(L, batch, { expected: 2 }))).toEqual({ from: 2, size: 3, written: 1 });
    expect(standIn.records(PHYSICAL)).toHaveLength(3);
  });

  it('a failed read is a thrown storage-failure; the next call works', async () => {
    await appendOk(store, await events([{ stream: 'a' }]));
    standIn.failNext('read');
    expect(await thrownCode(() => store.size(L))).toMatchObject({
      code: 'storage-failure',
      details: { esdb: 'unavailable' },
    });
    expect(await store.size(L)).toBe(1);
  });

  it('survives a server restart: appends fail while it is down, then succeed, and nothing is lost', async () => {
    const first = await events([{ stream: 'a' }, { stream: 'b' }]);
    await appendOk(store, first);
    await standIn.stop();
    const second = await events([{ stream: 'a' }]);
    const down = err(await store.append(L, second, { expected: 2 }));
    expect(down.code).toBe('storage-failure');
    await standIn.restart();
    // The client reconnects on the call after a failure; the first calls may still see the old
    // channel or its back-off. A caller retries a storage-failure with the same batch.
    let r = await store.append(L, second, { expected: 2 });
    for (let i = 0; i < 50 && isLeft(r) && r.left.code === 'storage-failure'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await store.append(L, second, { expected: 2 });
    }
    expect(ok(r)).toEqual({ from: 2, size: 3, written: 1 });
    expect((await collect(store.read(L))).map((e) => toHex(e.bytes))).toEqual([...first, ...second].map(toHex));
  });

  it('a server whose stream is shorter than what the adapter read (restored from an older backup) is storage-consistent, not a wait', async () => {
    const first = await events([{ stream: 'a' }, { stream: 'b' }, { stream: 'a' }]);
    await appendOk(store, first);
    const port = standIn.port;
    await standIn.stop();
    // The same port, holding only the first event: the database as an older backup had it.
    standIn = await EventStoreDbStandIn.start({ port });
    const rec = { id: esdbEventId(testEventId(first[0]!), leafHash(first[0]!)), type: 'TestEvent', data: first[0]! };
    standIn.write(PHYSICAL, [rec]);
    const next = await events([{ stream: 'b' }]);
    let r = await store.append(L, next, { expected: 3 });
    // The client reconnects on the call after the one that found the server gone.
    for (let i = 0; i < 50 && isLeft(r) && r.left.rule === 'storage-available'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await store.append(L, next, { expected: 3 });
    }
    expect(err(r)).toMatchObject({
      code: 'storage-failure',
      rule: 'storage-consistent',
      details: { outcome: 'not-written', expectedRevision: 2, current: '0' },
    });
    expect(standIn.records(PHYSICAL)).toHaveLength(1);
    // Reads report the missing events instead of returning a shorter ledger.
    expect(await thrownCode(() => collect(store.read(L)))).toMatchObject({
      code: 'storage-failure',
      rule: 'physical-stream-is-ledger',
      details: { position: 1 },
    });
    expect(await thrownCode(() => collect(store.readBytes(L)))).toMatchObject({ rule: 'physical-stream-is-ledger' });
  });

  it('a batch over the server maximum append size is refused as invalid-event and nothing is written', async () => {
    const small = await EventStoreDbStandIn.start({ maxAppendSize: 4000 });
    const s = openEventStoreDbStore({ connectionString: small.connectionString });
    try {
      const batch = await makeTestEvents(
        L,
        Array.from({ length: 10 }, () => ({ stream: 'a', data: { pad: 'x'.repeat(500) } })),
      );
      const r = err(await s.append(L, batch, { expected: 0 }));
      expect(r).toMatchObject({
        code: 'invalid-event',
        rule: 'esdb-max-append-size',
        details: { maxAppendSize: 4000 },
      });
      expect(await s.size(L)).toBe(0);
    } finally {
      await s.close();
      await small.stop();
    }
  });

  it('reports a physical stream that is not a hoso ledger as storage-failure, on reads and appends', async () => {
    await appendOk(store, await events([{ stream: 'a' }]));
    standIn.write(PHYSICAL, [
      {
        id: '0190e0e0-0000-7000-8000-000000000001',
        type: 'Foreign',
        data: utf8('{"hello":"world"}'),
        contentType: 'application/json',
      },
    ]);
    expect(await thrownCode(() => store.size(L))).toMatchObject({
      code: 'storage-failure',
      rule: 'physical-stream-is-ledger',
    });
    const r = err(await store.append(L, await events([{ stream: 'a' }]), { expected: 2 }));
    expect(r).toMatchObject({ code: 'storage-failure', rule: 'physical-stream-is-ledger' });
  });

  it('a new store instance rebuilds the index from the physical stream: heads, ids, roots and proofs agree', async () => {
    const all: Uint8Array[] = [];
    for (let i = 0; i < 6; i++) {
      const b = await events(Array.from({ length: 1 + (i % 3) }, (_, j) => ({ stream: `s${(i + j) % 3}` })));
      await appendOk(store, b);
      all.push(...b);
    }
    const fresh = openEventStoreDbStore({ connectionString: standIn.connectionString });
    try {
      expect(await fresh.size(L)).toBe(all.length);
      expect(toHex(await fresh.root(L))).toBe(toHex(merkleRoot(all.map(leafHash))));
      expect(toHex(await fresh.root(L, 5))).toBe(toHex(await store.root(L, 5)));
      expect((await fresh.inclusionProof(L, 3, all.length)).map(toHex)).toEqual(
        (await store.inclusionProof(L, 3, all.length)).map(toHex),
      );
      for (const s of ['s0', 's1', 's2']) {
        const a = await fresh.streamHead(L, s);
        const b = await store.streamHead(L, s);
        expect(a && { ...a, leafHash: toHex(a.leafHash) }).toEqual(b && { ...b, leafHash: toHex(b.leafHash) });
      }
      const e = await fresh.getById(L, testEventId(all[4]!));
      expect(e?.position).toBe(4);
      expect(toHex(e!.bytes)).toBe(toHex(all[4]!));
    } finally {
      await fresh.close();
    }
  });

  it('readStream reads contiguous runs in one call each and is correct for any span setting (property)', async () => {
    // 60 events over 4 streams, in a random but fixed interleaving.
    const order = Array.from({ length: 60 }, (_, i) => `s${(i * 7 + (i >> 2)) % 4}`);
    const batch = await events(order.map((stream) => ({ stream })));
    await appendOk(store, batch);
    const full = await collect(store.read(L));
    const key = (e: StoredEvent) => `${e.position}:${e.stream}:${e.rev}:${toHex(e.bytes)}`;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('s0', 's1', 's2', 's3', 'none'),
        fc.nat(20),
        fc.option(fc.nat(25), { nil: undefined }),
        fc.constantFrom(1, 2, 5, 64, 10_000),
        fc.constantFrom(1, 3),
        async (stream, fromRev, toRev, maxGap, parallel) => {
          const s = openEventStoreDbStore({
            connectionString: standIn.connectionString,
            readStreamMaxGap: maxGap,
            readStreamParallel: parallel,
          });
          try {
            const got = await collect(s.readStream(L, stream, toRev === undefined ? { fromRev } : { fromRev, toRev }));
            const want = full
              .filter((e) => e.stream === stream)
              .filter((e) => e.rev >= fromRev && (toRev === undefined || e.rev < toRev));
            expect(got.map(key)).toEqual(want.map(key));
          } finally {
            await s.close();
          }
        },
      ),
      { numRuns: 25 },
    );
    // A stream written in one contiguous run is one read (after the catch-up read).
    const runs = await events(Array.from({ length: 10 }, () => ({ stream: 'contiguous' })));
    await appendOk(store, runs);
    const narrow = openEventStoreDbStore({ connectionString: standIn.connectionString, readStreamMaxGap: 1 });
    try {
      await narrow.size(L);
      standIn.resetStats();
      expect(await collect(narrow.readStream(L, 'contiguous'))).toHaveLength(10);
      expect(standIn.stats.reads).toBe(2);
    } finally {
      await narrow.close();
    }
  });

  it('a reader that stops early leaves no call open: close() still returns promptly', async () => {
    const s = openEventStoreDbStore({ connectionString: standIn.connectionString });
    const batch = await events(
      Array.from({ length: 300 }, (_, i) => ({ stream: `s${i % 3}`, data: { pad: 'x'.repeat(200) } })),
    );
    ok(await s.append(L, batch, { expected: 0 }));
    for (let i = 0; i < 3; i++) {
      for await (const e of s.read(L)) {
        expect(e.position).toBe(0);
        break;
      }
      for await (const e of s.readStream(L, 's1')) {
        expect(e.rev).toBe(0);
        break;
      }
    }
    // A one-event read left at its event: the call has usually ended on the server by then.
    for (let i = 0; i < 30; i++) {
      for await (const e of s.read(L, { from: i, to: i + 1 })) {
        expect(e.position).toBe(i);
        break;
      }
    }
    for (let i = 0; i < 30; i++) expect((await s.getById(L, testEventId(batch[i * 7]!)))?.position).toBe(i * 7);
    const closed = await Promise.race([
      s.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('hung'), 5000)),
    ]);
    expect(closed).toBe('closed');
  });

  it('spans() groups sorted positions by the gap allowed', () => {
    expect(spans([], 1)).toEqual([]);
    expect(spans([3, 4, 5, 9], 1)).toEqual([
      { from: 3, count: 3 },
      { from: 9, count: 1 },
    ]);
    expect(spans([3, 4, 5, 9], 4)).toEqual([{ from: 3, count: 7 }]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(500), { maxLength: 60 }), fc.integer({ min: 1, max: 50 }), (raw, gap) => {
        const positions = [...raw].sort((a, b) => a - b);
        const covered = spans(positions, gap).flatMap((s) => Array.from({ length: s.count }, (_, i) => s.from + i));
        expect(positions.every((p) => covered.includes(p))).toBe(true);
        expect(new Set(covered).size).toBe(covered.length);
      }),
      { numRuns: 100 },
    );
  });

  it('a subscription resumes after its stream is killed mid-way, with no skip and no duplicate', async () => {
    const first = await events(Array.from({ length: 30 }, (_, i) => ({ stream: `s${i % 3}` })));
    await appendOk(store, first);
    const sub = store.subscribe(L);
    const got: StoredEvent[] = [];
    const total = 30 + 20;
    const consumer = (async () => {
      for await (const e of sub) {
        got.push(e);
        if (got.length === total) await sub.close();
      }
    })();
    await until(() => got.length >= 10, 'the catch-up to start');
    expect(standIn.dropSubscriptions()).toBe(1);
    const later = await events(Array.from({ length: 10 }, () => ({ stream: 'late' })));
    await appendOk(store, later);
    await until(() => got.length >= 40, 'the resubscription to deliver');
    expect(standIn.dropSubscriptions()).toBeGreaterThanOrEqual(0);
    const last = await events(Array.from({ length: 10 }, () => ({ stream: 'late' })));
    await appendOk(store, last);
    await consumer;
    expect(got.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(got.map((e) => toHex(e.bytes))).toEqual([...first, ...later, ...last].map(toHex));
    expect(standIn.stats.subscriptions).toBeGreaterThanOrEqual(2);
  });

  it('a subscription rides out a server restart and sees events appended by another client afterwards', async () => {
    await appendOk(store, await events([{ stream: 'a' }, { stream: 'b' }]));
    const fast = openEventStoreDbStore({
      connectionString: standIn.connectionString,
      subscriptionRetry: { baseDelayMs: 10, maxDelayMs: 100 },
    });
    const sub = fast.subscribe(L, { from: 1 });
    const got: number[] = [];
    const consumer = (async () => {
      for await (const e of sub) {
        got.push(e.position);
        if (got.length === 3) await sub.close();
      }
    })();
    await until(() => got.length === 1, 'the first event');
    await standIn.stop();
    await new Promise((r) => setTimeout(r, 50));
    await standIn.restart();
    const other = openEventStoreDbStore({ connectionString: standIn.connectionString });
    try {
      // grpc-js shares subchannels between clients: right after the restart a new client may
      // still meet the old connection's back-off and get UNAVAILABLE, which a caller retries.
      const batch = await events([{ stream: 'a' }, { stream: 'c' }]);
      let r = await other.append(L, batch, { expected: 2 });
      for (let i = 0; i < 50 && isLeft(r) && r.left.code === 'storage-failure'; i++) {
        await new Promise((res) => setTimeout(res, 20));
        r = await other.append(L, batch, { expected: 2 });
      }
      ok(r);
      await consumer;
      expect(got).toEqual([1, 2, 3]);
    } finally {
      await other.close();
      await fast.close();
    }
  });

  it('a subscription that cannot reconnect ends with storage-failure after its retries', async () => {
    const s = openEventStoreDbStore({
      connectionString: standIn.connectionString,
      subscriptionRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 },
    });
    try {
      standIn.failNext('subscribe', { count: 10 });
      const sub = s.subscribe(L);
      const failure = await thrownCode(() => collect(sub));
      expect(failure).toMatchObject({ code: 'storage-failure', details: { esdb: 'unavailable' } });
      expect(standIn.stats.subscriptions).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('keeps at most maxLedgersInMemory indexes and rebuilds an evicted one correctly', async () => {
    const s = openEventStoreDbStore({ connectionString: standIn.connectionString, maxLedgersInMemory: 1 });
    const otherHeads: TestHeads = new Map();
    try {
      const mine = await events([{ stream: 'a' }, { stream: 'b' }]);
      ok(await s.append(L, mine, { expected: 0 }));
      const theirs = await makeTestEvents('other-school', [{ stream: 'a' }], { heads: otherHeads });
      ok(await s.append('other-school', theirs, { expected: 0 }));
      standIn.resetStats();
      // L was evicted: its index is rebuilt by reading its whole physical stream again.
      expect(await s.size(L)).toBe(2);
      expect(standIn.stats.eventsSent).toBe(2);
      const more = await events([{ stream: 'a' }]);
      ok(await s.append(L, more, { expected: 2 }));
      expect(toHex(await s.root(L))).toBe(toHex(merkleRoot([...mine, ...more].map(leafHash))));
      expect(
        ok(
          await s.append(
            'other-school',
            await makeTestEvents('other-school', [{ stream: 'a' }], { heads: otherHeads }),
            { expected: 1 },
          ),
        ).size,
      ).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('refuses bad options with invalid-argument naming the option', () => {
    const code = (f: () => unknown): { code: string; path?: ReadonlyArray<string | number> } => {
      try {
        f();
      } catch (e) {
        if (isHosoFailure(e)) return { code: e.error.code, ...(e.error.path ? { path: e.error.path } : {}) };
        throw e;
      }
      return expect.fail('expected a HosoFailure');
    };
    expect(code(() => openEventStoreDbStore({} as never))).toEqual({
      code: 'invalid-argument',
      path: ['options', 'connectionString'],
    });
    expect(code(() => openEventStoreDbStore({ connectionString: 'http://nope' }))).toEqual({
      code: 'invalid-argument',
      path: ['options', 'connectionString'],
    });
    expect(
      code(() => openEventStoreDbStore({ connectionString: standIn.connectionString, readStreamMaxGap: 0 })),
    ).toEqual({
      code: 'invalid-argument',
      path: ['options', 'readStreamMaxGap'],
    });
    expect(
      code(() => openEventStoreDbStore({ connectionString: standIn.connectionString, maxLedgersInMemory: 1.5 })),
    ).toMatchObject({ path: ['options', 'maxLedgersInMemory'] });
    expect(
      code(() =>
        openEventStoreDbStore({ connectionString: standIn.connectionString, subscriptionRetry: { retries: -1 } }),
      ),
    ).toMatchObject({
      path: ['options', 'subscriptionRetry', 'retries'],
    });
    expect(code(() => openEventStoreDbStore({ client: {} as never }))).toMatchObject({ path: ['options', 'client'] });
  });

  it('uses a client it is given without disposing it, and the configured stream names', async () => {
    const client = EventStoreDBClient.connectionString(standIn.connectionString);
    const s = openEventStoreDbStore({ client, streamName: (ledger) => `custom/${ledger}` });
    await appendOk(s, await events([{ stream: 'a' }]));
    await s.close();
    expect(standIn.records(`custom/${L}`)).toHaveLength(1);
    // Still usable: close() did not dispose a client the caller owns.
    expect(await collect(client.readStream(`custom/${L}`))).toHaveLength(1);
    await client.dispose();
  });
});
