import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  EventStoreDBClient,
  binaryEvent,
  jsonEvent,
  NO_STREAM,
  ANY,
  START,
  END,
  BACKWARDS,
  FORWARDS,
  WrongExpectedVersionError,
  StreamNotFoundError,
  MaxAppendSizeExceededError,
  UnavailableError,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnknownError,
  type ResolvedEvent,
} from '@eventstore/db-client';
import * as grpc from '@grpc/grpc-js';
import { EventStoreDbStandIn } from '../src/testing/standin.js';
import { pb, shared, streamsGrpc, type ReadReq, type ReadResp } from '../src/testing/standin-wire.js';

// The stand-in is checked through the real client: every assertion here is about what
// `@eventstore/db-client` sees on the wire, the same way it would see a real server.

async function collect(it: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const ev = (s: string, id: string = randomUUID()) => binaryEvent({ id, type: 'T', data: bytes(s) });

describe('EventStoreDbStandIn through the real client', () => {
  let standIn: EventStoreDbStandIn;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    standIn = await EventStoreDbStandIn.start();
    client = EventStoreDBClient.connectionString(standIn.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await standIn.stop();
  });

  it('appends with NO_STREAM then an exact revision, and reads back byte-identical data in order', async () => {
    const s = `s-${randomUUID()}`;
    const r1 = await client.appendToStream(s, [ev('a'), ev('bé')], { expectedRevision: NO_STREAM });
    expect(r1.success).toBe(true);
    expect(r1.nextExpectedRevision).toBe(1n);
    const r2 = await client.appendToStream(s, ev('c'), { expectedRevision: 1n });
    expect(r2.nextExpectedRevision).toBe(2n);
    expect(r2.position!.commit).toBeGreaterThan(r1.position!.commit);
    const got = await collect(client.readStream(s));
    expect(got.map((e) => e.event!.revision)).toEqual([0n, 1n, 2n]);
    expect(got.map((e) => Buffer.from(e.event!.data as Uint8Array).toString('utf8'))).toEqual(['a', 'bé', 'c']);
    expect(got[1]!.event!.isJson).toBe(false);
    expect(got.every((e) => e.event!.type === 'T')).toBe(true);
  });

  it('rejects a wrong expected revision with the current revision, writing nothing', async () => {
    const s = `s-${randomUUID()}`;
    await client.appendToStream(s, [ev('a')], { expectedRevision: NO_STREAM });
    const err = await client.appendToStream(s, ev('b'), { expectedRevision: 5n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect((err as WrongExpectedVersionError).actualVersion).toBe(0n);
    expect((err as WrongExpectedVersionError).expectedVersion).toBe(5n);
    const err2 = await client.appendToStream(s, ev('b'), { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(WrongExpectedVersionError);
    expect((err2 as WrongExpectedVersionError).expectedVersion).toBe('no_stream');
    expect(standIn.records(s)).toHaveLength(1);
  });

  it('treats the same ids at the same expected revision as an idempotent success', async () => {
    const s = `s-${randomUUID()}`;
    const ids = [randomUUID(), randomUUID()];
    await client.appendToStream(s, [ev('a', ids[0]), ev('b', ids[1])], { expectedRevision: NO_STREAM });
    await client.appendToStream(s, [ev('c')], { expectedRevision: 1n });
    const again = await client.appendToStream(s, [ev('a', ids[0]), ev('b', ids[1])], { expectedRevision: NO_STREAM });
    expect(again.success).toBe(true);
    expect(again.nextExpectedRevision).toBe(1n);
    expect(standIn.records(s)).toHaveLength(3);
    // Same ids in another order are not a retry.
    const bad = await client
      .appendToStream(s, [ev('b', ids[1]), ev('a', ids[0])], { expectedRevision: NO_STREAM })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('answers a read of a missing stream with StreamNotFound', async () => {
    const err = await collect(client.readStream(`missing-${randomUUID()}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamNotFoundError);
  });

  it('reads from a revision with a count, and backwards', async () => {
    const s = `s-${randomUUID()}`;
    await client.appendToStream(
      s,
      ['0', '1', '2', '3', '4'].map((x) => ev(x)),
      { expectedRevision: NO_STREAM },
    );
    const mid = await collect(client.readStream(s, { fromRevision: 2n, maxCount: 2 }));
    expect(mid.map((e) => e.event!.revision)).toEqual([2n, 3n]);
    const back = await collect(client.readStream(s, { fromRevision: END, direction: BACKWARDS, maxCount: 3 }));
    expect(back.map((e) => e.event!.revision)).toEqual([4n, 3n, 2n]);
    const past = await collect(client.readStream(s, { fromRevision: 9n, direction: FORWARDS }));
    expect(past).toEqual([]);
  });

  it('reads $all forwards and backwards in commit order across streams', async () => {
    const before = standIn.allCount;
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await client.appendToStream(a, ev('x'), { expectedRevision: ANY });
    await client.appendToStream(b, ev('y'), { expectedRevision: ANY });
    const all = await collect(client.readAll({ fromPosition: START, maxCount: before + 2 }));
    expect(all.slice(before).map((e) => e.event!.streamId)).toEqual([a, b]);
    const positions = all.map((e) => e.event!.position!.commit);
    expect([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(positions);
    const last2 = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 2 }));
    expect(last2.map((e) => e.event!.streamId)).toEqual([b, a]);
  });

  it('enforces the maximum append size like the server', async () => {
    const small = await EventStoreDbStandIn.start({ maxAppendSize: 10 });
    const c = EventStoreDBClient.connectionString(small.connectionString);
    try {
      const err = await c
        .appendToStream('big', ev('x'.repeat(11)), { expectedRevision: NO_STREAM })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MaxAppendSizeExceededError);
      expect((err as MaxAppendSizeExceededError).maxAppendSize).toBe(10);
      expect(small.records('big')).toHaveLength(0);
    } finally {
      await c.dispose();
      await small.stop();
    }
  });

  it('keeps JSON events JSON (content type travels in the metadata)', async () => {
    const s = `s-${randomUUID()}`;
    await client.appendToStream(s, jsonEvent({ type: 'J', data: { a: 1 } }), { expectedRevision: NO_STREAM });
    const [e] = await collect(client.readStream(s));
    expect(e!.event!.isJson).toBe(true);
    expect(e!.event!.data).toEqual({ a: 1 });
  });

  it('subscribes: confirmation, catch-up after the given revision, then live events', async () => {
    const s = `s-${randomUUID()}`;
    await client.appendToStream(
      s,
      ['0', '1', '2'].map((x) => ev(x)),
      { expectedRevision: NO_STREAM },
    );
    const sub = client.subscribeToStream(s, { fromRevision: 0n });
    let confirmed = false;
    let caughtUp = false;
    sub.on('confirmation', () => (confirmed = true));
    sub.on('caughtUp', () => (caughtUp = true));
    const seen: bigint[] = [];
    const done = (async () => {
      for await (const e of sub) {
        seen.push(e.event!.revision);
        if (seen.length === 1) await client.appendToStream(s, ev('3'), { expectedRevision: 2n });
        if (seen.length === 3) break;
      }
    })();
    await done;
    await sub.unsubscribe();
    expect(confirmed).toBe(true);
    expect(caughtUp).toBe(true);
    expect(seen).toEqual([1n, 2n, 3n]);
  });

  it('subscribes to a stream that does not exist yet and sees its first event', async () => {
    const s = `s-${randomUUID()}`;
    const sub = client.subscribeToStream(s, { fromRevision: START });
    sub.on('confirmation', () => void client.appendToStream(s, ev('first'), { expectedRevision: NO_STREAM }));
    let first: ResolvedEvent | undefined;
    for await (const e of sub) {
      first = e;
      break;
    }
    await sub.unsubscribe();
    expect(first!.event!.revision).toBe(0n);
  });

  it('injects UNAVAILABLE once, then serves again; survives a restart with its data', async () => {
    const s = `s-${randomUUID()}`;
    standIn.failNext('append');
    const err = await client.appendToStream(s, ev('a'), { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(standIn.records(s)).toHaveLength(0);
    await client.appendToStream(s, ev('a'), { expectedRevision: NO_STREAM });
    await standIn.restart();
    // The client reconnects on the call after a failure (and grpc-js may still be backing off).
    let got: ResolvedEvent[] | undefined;
    for (let i = 0; i < 50 && got === undefined; i++) {
      got = await collect(client.readStream(s)).catch(async (e: unknown) => {
        expect(e instanceof UnavailableError || e instanceof CancelledError).toBe(true);
        await new Promise((r) => setTimeout(r, 20));
        return undefined;
      });
    }
    expect(got).toHaveLength(1);
  });
});

describe('EventStoreDbStandIn at the protocol level', () => {
  it('answers a read asking for structured UUIDs with the id split into signed 64-bit halves', async () => {
    // The client's own generated messages and service definition, as the stand-in loads them.
    const StreamsClient = grpc.makeClientConstructor(streamsGrpc.StreamsService, 'Streams');
    const standIn = await EventStoreDbStandIn.start();
    const id = 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff';
    standIn.write('raw', [{ id, type: 'T', data: bytes('x') }]);
    const raw = new StreamsClient(`127.0.0.1:${standIn.port}`, grpc.credentials.createInsecure()) as unknown as {
      read(req: ReadReq): grpc.ClientReadableStream<ReadResp>;
      close(): void;
    };
    try {
      const so = new pb.ReadReq.Options.StreamOptions()
        .setStreamIdentifier(new shared.StreamIdentifier().setStreamName(Buffer.from('raw')))
        .setStart(new shared.Empty());
      const options = new pb.ReadReq.Options()
        .setStream(so)
        .setCount('10')
        .setReadDirection(pb.ReadReq.Options.ReadDirection.FORWARDS)
        .setNoFilter(new shared.Empty())
        .setUuidOption(new pb.ReadReq.Options.UUIDOption().setStructured(new shared.Empty()));
      const got: Array<{ msb: string; lsb: string }> = [];
      await new Promise<void>((resolve, reject) => {
        const call = raw.read(new pb.ReadReq().setOptions(options));
        call.on('data', (resp: ReadResp) => {
          const st = resp.getEvent()?.getEvent()?.getId()?.getStructured();
          if (st) got.push({ msb: st.getMostSignificantBits(), lsb: st.getLeastSignificantBits() });
        });
        call.on('end', resolve);
        call.on('error', reject);
      });
      expect(got).toEqual([
        {
          msb: BigInt.asIntN(64, 0xf0e1d2c3b4a54697n).toString(),
          lsb: BigInt.asIntN(64, 0x8899aabbccddeeffn).toString(),
        },
      ]);
    } finally {
      raw.close();
      await standIn.stop();
    }
  });
});

describe('EventStoreDbStandIn behaves as a real cluster does (through the real client)', () => {
  const clients: EventStoreDBClient[] = [];
  const connect = (cs: string) => {
    const c = EventStoreDBClient.connectionString(cs);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });

  it('advertises BatchAppend, so the client appends through it; without ServerFeatures it falls back to Append', async () => {
    for (const serverFeatures of [true, false]) {
      const s = await EventStoreDbStandIn.start({ serverFeatures });
      try {
        const c = connect(s.connectionString);
        await c.appendToStream('x', [ev('a'), ev('b')], { expectedRevision: NO_STREAM, requiresLeader: true });
        await c.appendToStream('x', ev('c'), { expectedRevision: 1n });
        expect(s.appendLog.map((a) => [a.via, a.expected, a.events])).toEqual([
          [serverFeatures ? 'batch-append' : 'append', 'no_stream', 2],
          [serverFeatures ? 'batch-append' : 'append', 1n, 1],
        ]);
        // BatchAppend reads the header once, when the shared call opens (the first append's);
        // plain Append per call.
        expect(s.appendLog.map((a) => a.requiresLeader)).toEqual(serverFeatures ? [true, true] : [true, false]);
        expect(s.stats.batchAppends).toBe(serverFeatures ? 2 : 0);
      } finally {
        await s.stop();
      }
    }
  });

  it('recognises a retry by event ids only, never by content (IndexWriter.CheckCommit)', async () => {
    const s = await EventStoreDbStandIn.start();
    try {
      const c = connect(s.connectionString);
      const id = randomUUID();
      await c.appendToStream('x', ev('original', id), { expectedRevision: NO_STREAM });
      await c.appendToStream('x', ev('next'), { expectedRevision: 0n });
      // Same id, other data, at the same expected revision: an idempotent "success", nothing written.
      const again = await c.appendToStream('x', ev('other bytes', id), { expectedRevision: NO_STREAM });
      expect(again.nextExpectedRevision).toBe(0n);
      expect(s.records('x').map((r) => Buffer.from(r.data).toString())).toEqual(['original', 'next']);
      // Another id there: WrongExpectedVersion.
      const wrong = await c.appendToStream('x', ev('x'), { expectedRevision: NO_STREAM }).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
    } finally {
      await s.stop();
    }
  });

  it('keeps `any` idempotency in a bounded cache: an id that has left it is written again', async () => {
    const s = await EventStoreDbStandIn.start({ idempotencyCacheSize: 3 });
    try {
      const c = connect(s.connectionString);
      const id = randomUUID();
      await c.appendToStream('x', ev('a', id), { expectedRevision: ANY });
      await c.appendToStream('x', ev('a', id), { expectedRevision: ANY });
      expect(s.records('x')).toHaveLength(1);
      await c.appendToStream('y', [ev('1'), ev('2'), ev('3')], { expectedRevision: ANY });
      await c.appendToStream('x', ev('a', id), { expectedRevision: ANY });
      expect(s.records('x')).toHaveLength(2);
    } finally {
      await s.stop();
    }
  });

  it('holds writes until replicated: they time out, stay unreadable, a retry is dropped; then they are served', async () => {
    for (const serverFeatures of [true, false]) {
      const s = await EventStoreDbStandIn.start({ serverFeatures, writeTimeoutMs: 150 });
      try {
        const c = connect(s.connectionString);
        await c.appendToStream('x', ev('a'), { expectedRevision: NO_STREAM });
        s.holdReplication();
        const id = randomUUID();
        const timedOut = await c.appendToStream('x', ev('b', id), { expectedRevision: 0n }).catch((e: unknown) => e);
        // BatchAppend answers a Timeout status (DeadlineExceeded in the client), Append ABORTED (Timeout).
        expect(timedOut).toBeInstanceOf(serverFeatures ? DeadlineExceededError : TimeoutError);
        expect(s.records('x')).toHaveLength(2);
        expect(await collect(c.readStream('x'))).toHaveLength(1);
        const retry = await c.appendToStream('x', ev('b', id), { expectedRevision: 0n }).catch((e: unknown) => e);
        expect(retry).toBeInstanceOf(serverFeatures ? DeadlineExceededError : TimeoutError);
        // A write counted but not served: an exact revision behind it is refused.
        const behind = await c.appendToStream('x', ev('c'), { expectedRevision: 0n }).catch((e: unknown) => e);
        expect(behind).toBeInstanceOf(WrongExpectedVersionError);
        expect((behind as WrongExpectedVersionError).actualVersion).toBe(1n);
        s.releaseReplication();
        expect(await collect(c.readStream('x'))).toHaveLength(2);
        expect((await c.appendToStream('x', ev('b', id), { expectedRevision: 0n })).nextExpectedRevision).toBe(1n);
        expect(s.records('x')).toHaveLength(2);
      } finally {
        await s.stop();
      }
    }
  });

  it('lets a write land and loses its answer', async () => {
    const s = await EventStoreDbStandIn.start();
    try {
      const c = connect(s.connectionString);
      s.loseNextAnswers({ as: 'timeout' });
      const e = await c.appendToStream('x', ev('a'), { expectedRevision: NO_STREAM }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DeadlineExceededError);
      expect(await collect(c.readStream('x'))).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });

  it('counts sizes as Event.SizeOnDisk against MaxAppendEventSize and MaxAppendSize', async () => {
    const s = await EventStoreDbStandIn.start({ serverFeatures: false, maxAppendSize: 2047, maxAppendEventSize: 1024 });
    try {
      const c = connect(s.connectionString);
      // 1,000 data bytes + 20 metadata bytes + 2 × 3 (type "Big"): 1,026 > 1,024.
      const big = binaryEvent({ type: 'Big', data: new Uint8Array(1000), metadata: new Uint8Array(20) });
      const e1 = await c.appendToStream('x', big, { expectedRevision: ANY }).catch((x: unknown) => x);
      expect(String((e1 as Error).message)).toMatch(/Size: 1026, exceeds Maximum Append Event Size of 1024/);
      const fits = binaryEvent({ type: 'Big', data: new Uint8Array(1000), metadata: new Uint8Array(18) });
      await c.appendToStream('x', fits, { expectedRevision: ANY });
      // Two of 1,024 each: 2,048 > 2,047 (the limit is on the running sum).
      const e2 = await c.appendToStream('x', [fits, fits], { expectedRevision: ANY }).catch((x: unknown) => x);
      expect(e2).toBeInstanceOf(MaxAppendSizeExceededError);
      expect(s.records('x')).toHaveLength(1);
    } finally {
      await s.stop();
    }
  });

  it('a cluster: followers serve lagging reads, refuse leader-only requests with NotLeader naming the leader, forward writes; no leader is NotReady', async () => {
    const cluster = await EventStoreDbStandIn.startCluster({ nodes: 3 });
    try {
      const [leader, f1] = [cluster.leader, cluster.followers[0]!];
      f1.lag = 1;
      const w = connect(leader.connectionString);
      await w.appendToStream('x', [ev('a'), ev('b')], { expectedRevision: NO_STREAM });
      const onFollower = connect(f1.connectionString);
      expect(await collect(onFollower.readStream('x'))).toHaveLength(1); // its own, lagging copy
      const refused = await collect(onFollower.readStream('x', { requiresLeader: true })).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(NotLeaderError);
      expect((refused as NotLeaderError).leader).toEqual({ address: '127.0.0.1', port: leader.port });
      // The client has switched to the leader the refusal named.
      expect(await collect(onFollower.readStream('x', { requiresLeader: true }))).toHaveLength(2);
      // A write without the header, sent to a follower, is forwarded and decided by the leader.
      const plain = connect(f1.connectionString);
      await plain.appendToStream('x', ev('c'), { expectedRevision: 1n });
      expect(leader.records('x')).toHaveLength(3);
      expect(f1.appendLog).toHaveLength(1);
      // No leader (an election): leader-only reads are NotReady (UNAVAILABLE).
      cluster.elect(null);
      const noLeader = connect(f1.connectionString);
      const nr = await collect(noLeader.readStream('x', { requiresLeader: true })).catch((e: unknown) => e);
      expect(nr).toBeInstanceOf(UnavailableError);
      // …and a BatchAppend is answered "Server Is Not Ready", which client 6.2.1 maps to UnknownError.
      const na = await connect(f1.connectionString)
        .appendToStream('x', ev('d'), { expectedRevision: 2n })
        .catch((e: unknown) => e);
      expect(na).toBeInstanceOf(UnknownError);
      expect(leader.records('x')).toHaveLength(3);
    } finally {
      await cluster.stop();
    }
  });
});
