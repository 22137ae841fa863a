import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import {
  consistencyProof,
  fromUtf8,
  inclusionProof,
  isHosoFailure,
  leafHash,
  merkleRoot,
  sha256,
  toHex,
  utf8,
  verifyConsistency,
  verifyInclusion,
} from '@hoso/core';
import type {
  AppendResult,
  AppendSession,
  EventBytes,
  EventStore,
  ReadRange,
  StoreError,
  StoredEvent,
} from '../contract.js';
import { makeTestEvents, type TestHeads } from './events.js';

/**
 * The conformance suite of the {@link EventStore} contract. Every adapter registers it once:
 *
 * ```ts
 * eventStoreConformance('sqlite', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'hoso-'));
 *   return { store: openSqliteStore({ path: join(dir, 'ledger.db') }), cleanup: () => rm(dir, { recursive: true }) };
 * });
 * ```
 *
 * Each case gets a fresh store from `factory`; the store is closed (if the case did not) and
 * `cleanup` runs after it. Every case uses the ledger id {@link CONFORMANCE_LEDGER}.
 */

/** The ledger id every conformance case appends to. */
export const CONFORMANCE_LEDGER = 'conformance-school';

/** A second ledger id, for the isolation case. */
export const OTHER_LEDGER = 'conformance-other-school';

/** What an adapter's factory returns. */
export interface ConformanceFixture {
  readonly store: EventStore;
  readonly cleanup?: () => Promise<void>;
}

/** Collect an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** The Right of an Either, or a test failure showing the Left. */
export function expectRight<E, A>(r: Either<E, A>): A {
  if (isLeft(r)) expect.fail(`expected success, got ${JSON.stringify(r.left)}`);
  return r.right;
}

/** The Left of an Either with this code, or a test failure. */
export function expectLeft<A>(r: Either<StoreError, A>, code: StoreError['code']): StoreError {
  if (isRight(r)) expect.fail(`expected ${code}, got success ${JSON.stringify(r.right)}`);
  expect(r.left.code).toBe(code);
  return r.left;
}

/** Run `f` and return the HosoFailure code it throws or rejects with (fails the test if it does not). */
export async function failureCode(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (isHosoFailure(e)) return e.error.code;
    throw e;
  }
  return expect.fail('expected a HosoFailure');
}

/**
 * Collect a lean read ({@link EventStore.readBytes}) into one array, failing the test unless every
 * batch is non-empty and continues the positions of the one before it.
 */
export async function collectBytes(store: EventStore, ledger: string, range?: ReadRange): Promise<EventBytes[]> {
  const out: EventBytes[] = [];
  for await (const batch of store.readBytes(ledger, range)) {
    expect(batch.length, 'readBytes yielded an empty batch').toBeGreaterThan(0);
    for (const e of batch) {
      const last = out[out.length - 1];
      if (last !== undefined) expect(e.position, 'readBytes positions are consecutive').toBe(last.position + 1);
      out.push(e);
    }
  }
  return out;
}

/** What `read` returns, reduced to what `readBytes` returns: [position, hex bytes] pairs. */
async function readPairs(store: EventStore, ledger: string, range?: ReadRange): Promise<Array<[number, string]>> {
  return (await collect(store.read(ledger, range))).map((e) => [e.position, toHex(e.bytes)]);
}

/** The same pairs from `readBytes`. */
async function bytesPairs(store: EventStore, ledger: string, range?: ReadRange): Promise<Array<[number, string]>> {
  return (await collectBytes(store, ledger, range)).map((e) => [e.position, toHex(e.bytes)]);
}

/** A full snapshot of a ledger, to compare byte-for-byte before and after a refused append. */
async function snapshot(
  store: EventStore,
  ledger: string,
): Promise<{ size: number; root: string; events: Array<[number, string, string]> }> {
  const events = await collect(store.read(ledger));
  return {
    size: await store.size(ledger),
    root: toHex(await store.root(ledger)),
    events: events.map((e) => [e.position, e.id, toHex(e.bytes)]),
  };
}

/** What an adapter offers beyond the required contract, so that its cases are run too. */
export interface ConformanceOptions {
  /** The store implements `beginAppend` (streamed atomic appends). */
  readonly streamedAppend?: boolean;
}

/** Register the conformance cases for an adapter. */
export function eventStoreConformance(
  name: string,
  factory: () => Promise<ConformanceFixture>,
  options: ConformanceOptions = {},
): void {
  describe(`EventStore conformance: ${name}`, () => {
    const L = CONFORMANCE_LEDGER;
    let fixture: ConformanceFixture;
    let store: EventStore;
    let heads: TestHeads;
    /** Signed, chained events continuing from what this case appended so far. */
    const events = (specs: Parameters<typeof makeTestEvents>[1]): Promise<Uint8Array[]> =>
      makeTestEvents(L, specs, { heads });
    /** Append with the current size as expected, failing the test on a Left. */
    const appendOk = async (batch: Uint8Array[]): Promise<AppendResult> =>
      expectRight(await store.append(L, batch, { expected: await store.size(L) }));

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
      heads = new Map();
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup?.();
    });

    it('an empty ledger has size 0, reads nothing and has the root SHA-256("")', async () => {
      expect(await store.size(L)).toBe(0);
      expect(await collect(store.read(L))).toEqual([]);
      expect(await collect(store.readBytes(L))).toEqual([]);
      expect(await collect(store.readBytes(L, { from: 0, to: 10 }))).toEqual([]);
      expect(await collect(store.readStream(L, 'any'))).toEqual([]);
      expect(await store.streamHead(L, 'any')).toBeNull();
      expect(await store.getById(L, '01890a5d-ac96-774b-bcce-b302099a8057')).toBeNull();
      expect(toHex(await store.root(L))).toBe(toHex(sha256()));
      expect(toHex(await store.root(L, 0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    });

    it('appends one event and returns it with its position, header fields and leaf hash', async () => {
      const [e] = await events([
        { stream: 'school/setup', type: 'SchoolRegistered', data: { name: 'THPT Chu Văn An' } },
      ]);
      const r = expectRight(await store.append(L, [e!], { expected: 0 }));
      expect(r).toEqual({ from: 0, size: 1, written: 1 });
      expect(await store.size(L)).toBe(1);
      const [got] = await collect(store.read(L));
      const env = JSON.parse(fromUtf8(e!)!) as { id: string; type: string };
      expect(got).toMatchObject({ position: 0, id: env.id, stream: 'school/setup', rev: 0, type: 'SchoolRegistered' });
      expect(toHex(got!.bytes)).toBe(toHex(e!));
      expect(toHex(got!.leafHash)).toBe(toHex(leafHash(e!)));
    });

    it('appends a batch across streams at consecutive positions', async () => {
      const batch = await events([{ stream: 'a' }, { stream: 'b' }, { stream: 'a' }, { stream: 'c' }, { stream: 'a' }]);
      expect(expectRight(await store.append(L, batch, { expected: 0 }))).toEqual({ from: 0, size: 5, written: 5 });
      const read = await collect(store.read(L));
      expect(read.map((e) => [e.position, e.stream, e.rev])).toEqual([
        [0, 'a', 0],
        [1, 'b', 0],
        [2, 'a', 1],
        [3, 'c', 0],
        [4, 'a', 2],
      ]);
      expect(read.map((e) => toHex(e.bytes))).toEqual(batch.map(toHex));
    });

    it('keeps positions gapless over many appends of different sizes', async () => {
      let expected = 0;
      for (const n of [1, 3, 1, 7, 2, 1, 5]) {
        const batch = await events(Array.from({ length: n }, (_, i) => ({ stream: `s${(expected + i) % 3}` })));
        const r = expectRight(await store.append(L, batch, { expected }));
        expect(r).toEqual({ from: expected, size: expected + n, written: n });
        expected += n;
      }
      const read = await collect(store.read(L));
      expect(read.map((e) => e.position)).toEqual(Array.from({ length: expected }, (_, i) => i));
      expect(await store.size(L)).toBe(expected);
    });

    it('writes nothing of a batch with a bad event in the middle (byte-for-byte)', async () => {
      await appendOk(await events([{ stream: 'a' }, { stream: 'b' }]));
      const before = await snapshot(store, L);
      // A stream-chain error in the middle: the third event skips a revision.
      const good1 = await makeTestEvents(L, [{ stream: 'a' }, { stream: 'c' }], { heads: new Map(heads) });
      const skip = await makeTestEvents(L, [{ stream: 'b', rev: 5 }], { heads: new Map(heads) });
      const good2 = await makeTestEvents(L, [{ stream: 'd' }], { heads: new Map(heads) });
      expectLeft(await store.append(L, [...good1, ...skip, ...good2], { expected: 2 }), 'stream-conflict');
      expect(await snapshot(store, L)).toEqual(before);
      // Garbage bytes in the middle.
      const r = expectLeft(
        await store.append(L, [good1[0]!, utf8('not json at all'), good2[0]!], { expected: 2 }),
        'invalid-event',
      );
      expect(r.details?.['index']).toBe(1);
      expect(await snapshot(store, L)).toEqual(before);
      for (const e of [...good1, ...good2]) {
        const id = (JSON.parse(fromUtf8(e)!) as { id: string }).id;
        expect(await store.getById(L, id)).toBeNull();
      }
      // The good events still append afterwards: nothing was half-applied to the stream heads.
      expect(expectRight(await store.append(L, [...good1, ...good2], { expected: 2 }))).toEqual({
        from: 2,
        size: 5,
        written: 3,
      });
    });

    it('refuses an append whose expected size is stale or ahead, with expected and actual', async () => {
      await appendOk(await events([{ stream: 'a' }, { stream: 'a' }]));
      const next = await makeTestEvents(L, [{ stream: 'b' }], { heads: new Map(heads) });
      for (const expected of [0, 1, 3, 100]) {
        const e = expectLeft(await store.append(L, next, { expected }), 'concurrency-conflict');
        expect(e.details).toMatchObject({ expected, actual: 2 });
      }
      expect(await store.size(L)).toBe(2);
      expectRight(await store.append(L, next, { expected: 2 }));
    });

    it('refuses a malformed expected size without writing', async () => {
      const next = await events([{ stream: 'b' }]);
      for (const expected of [-1, 1.5, Number.NaN]) {
        const e = expectLeft(await store.append(L, next, { expected }), 'invalid-argument');
        expect(e.path).toEqual(['options', 'expected']);
      }
      expect(await store.size(L)).toBe(0);
    });

    it('refuses a revision gap, a reused revision and a wrong prev (stream-conflict)', async () => {
      await appendOk(await events([{ stream: 'book' }, { stream: 'book' }]));
      const probe = (): TestHeads => new Map(heads);
      const gap = expectLeft(
        await store.append(L, await makeTestEvents(L, [{ stream: 'book', rev: 3 }], { heads: probe() }), {
          expected: 2,
        }),
        'stream-conflict',
      );
      expect(gap.details).toMatchObject({ stream: 'book', expectedRev: 3, actualRev: 2 });
      const reuse = expectLeft(
        await store.append(L, await makeTestEvents(L, [{ stream: 'book', rev: 1 }], { heads: probe() }), {
          expected: 2,
        }),
        'stream-conflict',
      );
      expect(reuse.details).toMatchObject({ stream: 'book', expectedRev: 1, actualRev: 2 });
      const elsewhere = toHex(sha256(utf8('elsewhere')));
      const fresh = expectLeft(
        await store.append(
          L,
          await makeTestEvents(L, [{ stream: 'new', rev: 1, prev: elsewhere }], { heads: probe() }),
          { expected: 2 },
        ),
        'stream-conflict',
      );
      expect(fresh.details).toMatchObject({ stream: 'new', expectedRev: 1, actualRev: 0 });
      const wrongPrev = await makeTestEvents(L, [{ stream: 'book', prev: elsewhere }], { heads: probe() });
      expect(expectLeft(await store.append(L, wrongPrev, { expected: 2 }), 'stream-conflict').details).toMatchObject({
        stream: 'book',
        expectedRev: 2,
        actualRev: 2,
      });
      // Inside one batch, later events chain to earlier ones: a reused revision and a wrong prev are refused.
      const twice = await makeTestEvents(L, [{ stream: 'x' }, { stream: 'x', rev: 0, prev: null }], { heads: probe() });
      expect(expectLeft(await store.append(L, twice, { expected: 2 }), 'stream-conflict').details).toMatchObject({
        index: 1,
        stream: 'x',
      });
      const badLink = await makeTestEvents(L, [{ stream: 'x' }, { stream: 'x', prev: elsewhere }], { heads: probe() });
      expect(expectLeft(await store.append(L, badLink, { expected: 2 }), 'stream-conflict').details).toMatchObject({
        index: 1,
        stream: 'x',
      });
      expect(await store.size(L)).toBe(2);
      expect((await store.streamHead(L, 'book'))?.rev).toBe(1);
      expect(await store.streamHead(L, 'x')).toBeNull();
    });

    it('accepts a whole batch appended again as a no-op (written 0), even with a stale expected', async () => {
      const first = await events([{ stream: 'a' }]);
      const batch = await events([{ stream: 'a' }, { stream: 'b' }, { stream: 'a' }]);
      await appendOk(first);
      await appendOk(batch);
      await appendOk(await events([{ stream: 'c' }]));
      const before = await snapshot(store, L);
      for (const expected of [1, 0, 5, 42]) {
        expect(expectRight(await store.append(L, batch, { expected }))).toEqual({ from: 1, size: 4, written: 0 });
      }
      expect(expectRight(await store.append(L, first, { expected: 0 }))).toEqual({ from: 0, size: 1, written: 0 });
      expect(await snapshot(store, L)).toEqual(before);
    });

    it('refuses a batch that is partly stored (partial-batch)', async () => {
      const batch = await events([{ stream: 'a' }, { stream: 'a' }]);
      await appendOk(batch.slice(0, 1));
      const before = await snapshot(store, L);
      expectLeft(await store.append(L, batch, { expected: 1 }), 'partial-batch');
      const more = await events([{ stream: 'b' }]);
      expectLeft(await store.append(L, [...more, batch[0]!], { expected: 1 }), 'partial-batch');
      expect(await snapshot(store, L)).toEqual(before);
    });

    it('refuses an id already stored with other bytes (duplicate-id)', async () => {
      const [e] = await events([{ stream: 'a', data: { score: '8.5' } }]);
      await appendOk([e!]);
      const id = (JSON.parse(fromUtf8(e!)!) as { id: string }).id;
      const other = await makeTestEvents(L, [{ stream: 'b', id, data: { score: '9' } }], { heads: new Map(heads) });
      const err = expectLeft(await store.append(L, other, { expected: 1 }), 'duplicate-id');
      expect(err.details).toMatchObject({ id, position: 0 });
      expect(await store.size(L)).toBe(1);
      expect(toHex((await store.getById(L, id))!.bytes)).toBe(toHex(e!));
    });

    it('returns the exact bytes appended, Vietnamese text included', async () => {
      const data = {
        hoTen: 'Nguyễn Thị Thu Hằng',
        nhanXet: 'Học sinh chăm ngoan, tiến bộ rõ rệt ở môn Ngữ văn; cần cố gắng hơn môn Toán.',
        lop: '10A1',
        diem: '8.75',
        ghiChu: 'ĐẠT — “Tốt” 🎓 \u0000\u001f "quoted" \\ back',
      };
      const batch = await events([
        { stream: 'student/hs-001', type: 'StudentEnrolled', data },
        { stream: 'student/hs-001', type: 'Note', data: { text: 'Ổn định' } },
      ]);
      await appendOk(batch);
      const read = await collect(store.read(L));
      expect(read.map((e) => toHex(e.bytes))).toEqual(batch.map(toHex));
      expect((JSON.parse(fromUtf8(read[0]!.bytes)!) as { data: unknown }).data).toEqual(data);
      const byId = await store.getById(L, read[1]!.id);
      expect(toHex(byId!.bytes)).toBe(toHex(batch[1]!));
      const stream = await collect(store.readStream(L, 'student/hs-001'));
      expect(stream.map((e) => toHex(e.bytes))).toEqual(batch.map(toHex));
    });

    it('reads position ranges, clamps `to` at the size and refuses bad ranges', async () => {
      const batch = await events(Array.from({ length: 10 }, (_, i) => ({ stream: `s${i % 2}` })));
      await appendOk(batch);
      const positions = async (range?: { from?: number; to?: number }): Promise<number[]> =>
        (await collect(store.read(L, range))).map((e) => e.position);
      expect(await positions()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await positions({ from: 3 })).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(await positions({ from: 3, to: 6 })).toEqual([3, 4, 5]);
      expect(await positions({ to: 2 })).toEqual([0, 1]);
      expect(await positions({ from: 8, to: 1000 })).toEqual([8, 9]);
      expect(await positions({ from: 10 })).toEqual([]);
      expect(await positions({ from: 50, to: 60 })).toEqual([]);
      expect(await positions({ from: 5, to: 5 })).toEqual([]);
      expect(await positions({ from: 6, to: 2 })).toEqual([]);
      for (const bad of [
        { from: -1 },
        { to: -3 },
        { from: 1.5 },
        { to: Number.NaN },
        { from: Number.POSITIVE_INFINITY },
      ]) {
        expect(await failureCode(() => collect(store.read(L, bad)))).toBe('invalid-argument');
      }
      for (const from of [-1, 2.5])
        expect(await failureCode(() => collect(store.subscribe(L, { from })))).toBe('invalid-argument');
    });

    it('readBytes returns what read returns (positions and bytes) on every range, and refuses the same bad ranges', async () => {
      const batch = await events(Array.from({ length: 10 }, (_, i) => ({ stream: `s${i % 3}` })));
      await appendOk(batch.slice(0, 4));
      await appendOk(batch.slice(4));
      expect(await bytesPairs(store, L)).toEqual(batch.map((b, i) => [i, toHex(b)]));
      // Every range over a 10-event ledger, `to` beyond the size and `to < from` included.
      const bounds = [undefined, 0, 1, 3, 5, 9, 10, 11, 50];
      for (const from of bounds) {
        for (const to of bounds) {
          const range = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
          expect(await bytesPairs(store, L, range), JSON.stringify(range)).toEqual(await readPairs(store, L, range));
        }
      }
      for (const bad of [
        { from: -1 },
        { to: -3 },
        { from: 1.5 },
        { to: Number.NaN },
        { from: Number.POSITIVE_INFINITY },
        { from: '2' },
      ]) {
        const code = await failureCode(() => collect(store.readBytes(L, bad as ReadRange)));
        expect(code, JSON.stringify(bad)).toBe('invalid-argument');
        expect(await failureCode(() => collect(store.read(L, bad as ReadRange)))).toBe(code);
      }
      try {
        await collect(store.readBytes(L, { from: 2, to: -1 }));
        expect.fail('a negative `to` was accepted');
      } catch (e) {
        if (!isHosoFailure(e)) throw e;
        expect(e.error.path).toEqual(['range', 'to']);
        expect(e.error.rule).toBe('non-negative-integer');
      }
    });

    it('read and readBytes stop at the size when they started, while appends land during the iteration', async () => {
      // More events than an adapter's batch (512 in each), so the iteration spans several store reads.
      const first = await events(Array.from({ length: 530 }, (_, i) => ({ stream: `s${i % 7}` })));
      await appendOk(first.slice(0, 265));
      await appendOk(first.slice(265));
      const later = await events([{ stream: 's0' }, { stream: 'late' }]);
      for (const [name, range] of [
        ['whole ledger', undefined],
        ['from 10', { from: 10 }],
      ] as const) {
        const expected = await readPairs(store, L, range);
        const lean = store.readBytes(L, range)[Symbol.asyncIterator]();
        const full = store.read(L, range)[Symbol.asyncIterator]();
        // Both have started (their end is fixed) before the appends.
        const firstBatch = await lean.next();
        const firstEvent = await full.next();
        expect(firstBatch.done, name).toBe(false);
        expect(firstEvent.done, name).toBe(false);
        await appendOk([later.shift()!]);
        const leanGot: Array<[number, string]> = (firstBatch.value as readonly EventBytes[]).map((e) => [
          e.position,
          toHex(e.bytes),
        ]);
        for (let r = await lean.next(); r.done !== true; r = await lean.next()) {
          for (const e of r.value) leanGot.push([e.position, toHex(e.bytes)]);
        }
        const fullGot: Array<[number, string]> = [
          [(firstEvent.value as StoredEvent).position, toHex((firstEvent.value as StoredEvent).bytes)],
        ];
        for (let r = await full.next(); r.done !== true; r = await full.next())
          fullGot.push([r.value.position, toHex(r.value.bytes)]);
        expect(leanGot, name).toEqual(expected);
        expect(fullGot, name).toEqual(expected);
        expect(expected.length, name).toBeGreaterThan(512);
      }
      // A read started after the appends sees them.
      expect((await collectBytes(store, L)).length).toBe(532);
    });

    it('reads one stream by revision, among interleaved streams, with ranges', async () => {
      const specs = Array.from({ length: 12 }, (_, i) => ({ stream: ['book/toan', 'book/van', 'book/anh'][i % 3]! }));
      const batch = await events(specs);
      await appendOk(batch.slice(0, 5));
      await appendOk(batch.slice(5));
      const van = await collect(store.readStream(L, 'book/van'));
      expect(van.map((e) => [e.rev, e.position])).toEqual([
        [0, 1],
        [1, 4],
        [2, 7],
        [3, 10],
      ]);
      expect(van.map((e) => toHex(e.bytes))).toEqual([1, 4, 7, 10].map((i) => toHex(batch[i]!)));
      const revs = async (range: { fromRev?: number; toRev?: number }): Promise<number[]> =>
        (await collect(store.readStream(L, 'book/toan', range))).map((e) => e.rev);
      expect(await revs({ fromRev: 1 })).toEqual([1, 2, 3]);
      expect(await revs({ fromRev: 1, toRev: 3 })).toEqual([1, 2]);
      expect(await revs({ toRev: 1 })).toEqual([0]);
      expect(await revs({ fromRev: 4 })).toEqual([]);
      expect(await revs({ fromRev: 3, toRev: 99 })).toEqual([3]);
      expect(await collect(store.readStream(L, 'book/su'))).toEqual([]);
      expect(await collect(store.readStream(L, 'book/to'))).toEqual([]);
      for (const bad of [{ fromRev: -1 }, { toRev: 0.5 }]) {
        expect(await failureCode(() => collect(store.readStream(L, 'book/toan', bad)))).toBe('invalid-argument');
      }
    });

    it('reports stream heads', async () => {
      const batch = await events([{ stream: 'a' }, { stream: 'b' }, { stream: 'a' }]);
      await appendOk(batch);
      expect(await store.streamHead(L, 'a')).toEqual({ rev: 1, position: 2, leafHash: leafHash(batch[2]!) });
      expect(await store.streamHead(L, 'b')).toEqual({ rev: 0, position: 1, leafHash: leafHash(batch[1]!) });
      expect(await store.streamHead(L, 'c')).toBeNull();
      await appendOk(await events([{ stream: 'b' }]));
      expect((await store.streamHead(L, 'b'))?.rev).toBe(1);
      expect((await store.streamHead(L, 'b'))?.position).toBe(3);
    });

    it('finds events by id', async () => {
      const batch = await events([{ stream: 'a' }, { stream: 'b' }]);
      await appendOk(batch);
      for (const [i, bytes] of batch.entries()) {
        const id = (JSON.parse(fromUtf8(bytes)!) as { id: string }).id;
        const got = await store.getById(L, id);
        expect(got?.position).toBe(i);
        expect(got?.id).toBe(id);
        expect(toHex(got!.bytes)).toBe(toHex(bytes));
      }
      expect(await store.getById(L, '01890a5d-ac96-774b-bcce-b302099a8057')).toBeNull();
    });

    it('subscription catches up and then follows live appends with no gap or duplicate; close() ends it', async () => {
      const initial = await events(Array.from({ length: 7 }, (_, i) => ({ stream: `s${i % 2}` })));
      await appendOk(initial);
      const later: Uint8Array[][] = [];
      for (let i = 0; i < 12; i++)
        later.push(await events(Array.from({ length: 1 + (i % 3) }, () => ({ stream: `s${i % 4}` }))));
      const total = initial.length + later.reduce((s, b) => s + b.length, 0);
      const sub = store.subscribe(L);
      const got: StoredEvent[] = [];
      const consumer = (async () => {
        for await (const e of sub) {
          got.push(e);
          if (got.length === total) await sub.close();
        }
      })();
      // The writer races the consumer's catch-up: appends interleave with its reads.
      for (const b of later) {
        await appendOk(b);
        await new Promise((r) => setImmediate(r));
      }
      await consumer;
      expect(got.map((e) => e.position)).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(got.map((e) => toHex(e.bytes))).toEqual([...initial, ...later.flat()].map(toHex));
    });

    it('subscription from a position, several subscribers, and close() while waiting', async () => {
      await appendOk(await events(Array.from({ length: 5 }, () => ({ stream: 'a' }))));
      const subs = [store.subscribe(L, { from: 3 }), store.subscribe(L, { from: 0 }), store.subscribe(L, { from: 5 })];
      const seen: number[][] = [[], [], []];
      const wanted = [4, 7, 2];
      const firstDelivered: Array<() => void> = [];
      const started = subs.map((_, i) => new Promise<void>((r) => (firstDelivered[i] = r)));
      const running = subs.map(async (s, i) => {
        for await (const e of s) {
          seen[i]!.push(e.position);
          firstDelivered[i]!();
          if (seen[i]!.length === wanted[i]) await s.close();
        }
      });
      await appendOk(await events([{ stream: 'b' }, { stream: 'b' }]));
      await Promise.all(running);
      await Promise.all(started);
      expect(seen).toEqual([
        [3, 4, 5, 6],
        [0, 1, 2, 3, 4, 5, 6],
        [5, 6],
      ]);
      // A subscriber waiting for events that never come ends as soon as it is closed.
      const idle = store.subscribe(L, { from: 7 });
      const idleSeen: number[] = [];
      const idleRun = (async () => {
        for await (const e of idle) idleSeen.push(e.position);
      })();
      await new Promise((r) => setTimeout(r, 20));
      await idle.close();
      await idleRun;
      expect(idleSeen).toEqual([]);
    });

    it('lets exactly one of several writers racing with the same expected size win', async () => {
      await appendOk(await events([{ stream: 'setup' }]));
      const batches = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          makeTestEvents(L, [{ stream: `writer-${i}` }, { stream: `writer-${i}` }], { heads: new Map() }),
        ),
      );
      const results = await Promise.all(batches.map((b) => store.append(L, b, { expected: 1 })));
      const wins = results.filter(isRight);
      expect(wins).toHaveLength(1);
      for (const r of results.filter(isLeft)) {
        expect(r.left.code).toBe('concurrency-conflict');
        expect(r.left.details).toMatchObject({ expected: 1, actual: 3 });
      }
      expect(await store.size(L)).toBe(3);
      const positions = (await collect(store.read(L))).map((e) => e.position);
      expect(positions).toEqual([0, 1, 2]);
    });

    it('computes roots and proofs equal to the RFC 9162 reference for every size and index up to 70', async () => {
      const leaves: Uint8Array[] = [];
      const N = 70;
      for (let i = 0; i < N; i++) {
        const [e] = await events([{ stream: `s${i % 5}`, data: { i } }]);
        await store.append(L, [e!], { expected: i });
        leaves.push(leafHash(e!));
        expect(toHex(await store.root(L))).toBe(toHex(merkleRoot(leaves)));
      }
      const hex = (xs: Uint8Array[]): string[] => xs.map(toHex);
      const roots: Uint8Array[] = [];
      for (let n = 0; n <= N; n++) {
        const r = await store.root(L, n);
        expect(toHex(r)).toBe(toHex(merkleRoot(leaves.slice(0, n))));
        roots.push(r);
      }
      for (let n = 1; n <= N; n++) {
        const prefix = leaves.slice(0, n);
        for (let i = 0; i < n; i++) {
          const p = await store.inclusionProof(L, i, n);
          expect(hex(p)).toEqual(hex(inclusionProof(prefix, i)));
          expect(verifyInclusion(leaves[i]!, i, n, p, roots[n]!)).toBe(true);
        }
        for (let m = 1; m <= n; m++) {
          const p = await store.consistencyProof(L, m, n);
          expect(hex(p)).toEqual(hex(consistencyProof(prefix, m)));
          expect(verifyConsistency(m, n, roots[m]!, roots[n]!, p)).toBe(true);
        }
      }
      expect(await failureCode(() => store.root(L, N + 1))).toBe('invalid-argument');
      expect(await failureCode(() => store.root(L, -1))).toBe('invalid-argument');
      expect(await failureCode(() => store.inclusionProof(L, N, N))).toBe('invalid-argument');
      expect(await failureCode(() => store.inclusionProof(L, 0, N + 1))).toBe('invalid-argument');
      expect(await failureCode(() => store.consistencyProof(L, 0, N))).toBe('invalid-argument');
      expect(await failureCode(() => store.consistencyProof(L, 5, 4))).toBe('invalid-argument');
      expect(await failureCode(() => store.consistencyProof(L, 5, N + 1))).toBe('invalid-argument');
    });

    it('keeps ledgers apart (another ledger is isolated or refused as unknown-ledger)', async () => {
      const mine = await events([{ stream: 'a' }, { stream: 'b' }]);
      await appendOk(mine);
      const before = await snapshot(store, L);
      const theirs = await makeTestEvents(OTHER_LEDGER, [{ stream: 'a' }], { heads: new Map() });
      const r = await store.append(OTHER_LEDGER, theirs, { expected: 0 });
      if (isLeft(r)) {
        expect(r.left.code).toBe('unknown-ledger');
        expect(await store.size(OTHER_LEDGER)).toBe(0);
        expect(await collect(store.readBytes(OTHER_LEDGER))).toEqual([]);
      } else {
        expect(r.right).toEqual({ from: 0, size: 1, written: 1 });
        expect(await store.size(OTHER_LEDGER)).toBe(1);
        const other = await collect(store.read(OTHER_LEDGER));
        expect(other.map((e) => toHex(e.bytes))).toEqual(theirs.map(toHex));
        expect(await bytesPairs(store, OTHER_LEDGER)).toEqual([[0, toHex(theirs[0]!)]]);
        expect(toHex(await store.root(OTHER_LEDGER))).toBe(toHex(merkleRoot([leafHash(theirs[0]!)])));
      }
      expect(await snapshot(store, L)).toEqual(before);
      const otherId = (JSON.parse(fromUtf8(theirs[0]!)!) as { id: string }).id;
      expect(await store.getById(L, otherId)).toBeNull();
      const mineId = (JSON.parse(fromUtf8(mine[0]!)!) as { id: string }).id;
      expect(await store.getById(OTHER_LEDGER, mineId)).toBeNull();
      expect(await store.streamHead(OTHER_LEDGER, 'b')).toBeNull();
      expect(await collect(store.readStream(OTHER_LEDGER, 'b'))).toEqual([]);
    });

    it('refuses invalid events: garbage, not canonical, wrong ledger, not bytes, empty batch', async () => {
      const [good] = await makeTestEvents(L, [{ stream: 'a' }], { heads: new Map() });
      const text = fromUtf8(good!)!;
      const pretty = utf8(JSON.stringify(JSON.parse(text), null, 1));
      const reordered = utf8(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse())));
      const [foreign] = await makeTestEvents(OTHER_LEDGER, [{ stream: 'a' }], { heads: new Map() });
      const cases: Array<[string, unknown[]]> = [
        ['garbage', [utf8('\u0000\u0001garbage')]],
        ['not JSON', [utf8('{"v":1,')]],
        ['a JSON array', [utf8('[]')]],
        ['not canonical (whitespace)', [pretty]],
        ['not canonical (key order)', [reordered]],
        ['trailing newline', [utf8(text + '\n')]],
        ['wrong ledger', [foreign!]],
        ['a string, not bytes', [text]],
        ['empty bytes', [new Uint8Array(0)]],
      ];
      for (const [what, batch] of cases) {
        const r = await store.append(L, batch as Uint8Array[], { expected: 0 });
        expect(isLeft(r) ? r.left.code : 'accepted', what).toBe('invalid-event');
        if (isLeft(r)) expect(r.left.details?.['index'], what).toBe(0);
      }
      expectLeft(await store.append(L, [], { expected: 0 }), 'invalid-event');
      const dup = expectLeft(await store.append(L, [good!, good!], { expected: 0 }), 'invalid-event');
      expect(dup.details?.['index']).toBe(1);
      const second = expectLeft(await store.append(L, [good!, pretty], { expected: 0 }), 'invalid-event');
      expect(second.details?.['index']).toBe(1);
      expect(await store.size(L)).toBe(0);
      expect(toHex(await store.root(L))).toBe(toHex(sha256()));
    });

    it('keeps its own copy of appended bytes (mutating the caller buffer or a read result changes nothing)', async () => {
      const batch = await events([{ stream: 'a', data: { x: 'y' } }]);
      const copy = new Uint8Array(batch[0]!);
      await appendOk(batch);
      batch[0]!.fill(0x20);
      const [first] = await collect(store.read(L));
      first!.bytes.fill(0x21);
      const [lean] = await collectBytes(store, L);
      lean!.bytes.fill(0x22);
      const [again] = await collect(store.read(L));
      expect(toHex(again!.bytes)).toBe(toHex(copy));
      expect(toHex((await collectBytes(store, L))[0]!.bytes)).toBe(toHex(copy));
    });

    it('random sequences of appends, retries, stale and broken batches agree with a model (property)', async () => {
      type Cmd =
        | { readonly t: 'append'; readonly streams: number[]; readonly skew: number }
        | { readonly t: 'retry'; readonly pick: number; readonly expected: number }
        | { readonly t: 'broken'; readonly streams: number[]; readonly bad: number };
      const streams = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 });
      const cmd: fc.Arbitrary<Cmd> = fc.oneof(
        {
          arbitrary: fc.record({ t: fc.constant('append' as const), streams, skew: fc.constantFrom(0, 0, 0, -1, 1) }),
          weight: 4,
        },
        {
          arbitrary: fc.record({ t: fc.constant('retry' as const), pick: fc.nat(), expected: fc.nat({ max: 40 }) }),
          weight: 1,
        },
        { arbitrary: fc.record({ t: fc.constant('broken' as const), streams, bad: fc.nat() }), weight: 1 },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 12 }), async (cmds) => {
          const fx = await factory();
          try {
            const s = fx.store;
            const model: Uint8Array[] = [];
            const batches: Array<{ events: Uint8Array[]; from: number }> = [];
            const modelHeads: TestHeads = new Map();
            for (const c of cmds) {
              if (c.t === 'append') {
                const probe = new Map(modelHeads);
                const evs = await makeTestEvents(
                  L,
                  c.streams.map((i) => ({ stream: `p${i}` })),
                  { heads: probe },
                );
                const expected = model.length + c.skew;
                const r = await s.append(L, evs, { expected });
                if (c.skew !== 0) {
                  expect(isLeft(r) ? r.left.code : 'ok').toBe(
                    expected < 0 ? 'invalid-argument' : 'concurrency-conflict',
                  );
                  continue;
                }
                expect(expectRight(r)).toEqual({
                  from: model.length,
                  size: model.length + evs.length,
                  written: evs.length,
                });
                batches.push({ events: evs, from: model.length });
                model.push(...evs);
                for (const [k, v] of probe) modelHeads.set(k, v);
              } else if (c.t === 'retry') {
                const b = batches.length === 0 ? undefined : batches[c.pick % batches.length];
                if (b === undefined) continue;
                const r = await s.append(L, b.events, { expected: c.expected });
                expect(expectRight(r)).toEqual({ from: b.from, size: b.from + b.events.length, written: 0 });
              } else {
                const specs = c.streams.map((i) => ({ stream: `p${i}` }));
                const bad = c.bad % specs.length;
                const probe = new Map(modelHeads);
                const before = await makeTestEvents(L, specs.slice(0, bad), { heads: probe });
                const head = probe.get(`p${c.streams[bad]!}`);
                const [broken] = await makeTestEvents(L, [
                  { stream: `p${c.streams[bad]!}`, rev: (head?.rev ?? -1) + 2, prev: toHex(sha256(utf8('gap'))) },
                ]);
                const r = await s.append(L, [...before, broken!], { expected: model.length });
                expect(isLeft(r) ? r.left.code : 'ok').toBe('stream-conflict');
              }
            }
            const read = await collect(s.read(L));
            expect(read.map((e) => toHex(e.bytes))).toEqual(model.map(toHex));
            expect(await bytesPairs(s, L)).toEqual(model.map((e, i) => [i, toHex(e)]));
            expect(toHex(await s.root(L))).toBe(toHex(merkleRoot(model.map((e) => leafHash(e)))));
            for (const [stream, h] of modelHeads) {
              const got = await s.streamHead(L, stream);
              expect(got?.rev).toBe(h.rev);
              expect(toHex(got!.leafHash)).toBe(toHex(h.leafHash));
            }
          } finally {
            await fx.store.close();
            await fx.cleanup?.();
          }
        }),
        { numRuns: 15 },
      );
    });

    if (options.streamedAppend === true) {
      /** The store's `beginAppend` at the current size, failing the test on a Left. */
      const begin = async (): Promise<AppendSession> => {
        expect(typeof store.beginAppend, 'the adapter says it implements beginAppend').toBe('function');
        return expectRight(await store.beginAppend!(L, { expected: await store.size(L) }));
      };

      it('streamed append: chunks chain to each other, nobody sees them before commit, all of them after', async () => {
        await appendOk(await events([{ stream: 'a' }, { stream: 'b' }]));
        const before = await snapshot(store, L);
        const session = await begin();
        expect(session.from).toBe(2);
        const one = await events([{ stream: 'a' }, { stream: 'x' }, { stream: 'x' }]);
        const two = await events([{ stream: 'x' }, { stream: 'b' }]);
        expect(expectRight(await session.chunk(one))).toEqual({ from: 2, size: 5 });
        expect(expectRight(await session.chunk(two))).toEqual({ from: 5, size: 7 });
        // Not committed: no read, head, id or root shows any of it.
        expect(await snapshot(store, L)).toEqual(before);
        expect(await store.streamHead(L, 'x')).toBeNull();
        expect((await store.streamHead(L, 'a'))?.rev).toBe(0);
        expect(await store.getById(L, (JSON.parse(fromUtf8(one[1]!)!) as { id: string }).id)).toBeNull();
        expect(await collect(store.readStream(L, 'a'))).toHaveLength(1);
        expect(expectRight(await session.commit())).toEqual({ from: 2, size: 7, written: 5 });
        const read = await collect(store.read(L));
        expect(read.map((e) => [e.position, e.stream, e.rev])).toEqual([
          [0, 'a', 0],
          [1, 'b', 0],
          [2, 'a', 1],
          [3, 'x', 0],
          [4, 'x', 1],
          [5, 'x', 2],
          [6, 'b', 1],
        ]);
        expect(read.slice(2).map((e) => toHex(e.bytes))).toEqual([...one, ...two].map(toHex));
        expect(toHex(await store.root(L))).toBe(toHex(merkleRoot(read.map((e) => leafHash(e.bytes)))));
        expect((await store.streamHead(L, 'x'))?.rev).toBe(2);
        // The ledger goes on as after any append.
        expect(expectRight(await store.append(L, await events([{ stream: 'x' }]), { expected: 7 }))).toEqual({
          from: 7,
          size: 8,
          written: 1,
        });
      });

      it('streamed append: a refusal in the last chunk, or an abort, writes nothing of the session (byte-for-byte)', async () => {
        await appendOk(await events([{ stream: 'a' }, { stream: 'b' }]));
        const before = await snapshot(store, L);
        const saved = new Map(heads);
        const session = await begin();
        expectRight(await session.chunk(await events([{ stream: 'a' }, { stream: 'c' }])));
        expectRight(await session.chunk(await events([{ stream: 'c' }, { stream: 'a' }])));
        const gap = await makeTestEvents(L, [{ stream: 'b', rev: 5 }], { heads: new Map(heads) });
        expect(
          expectLeft(await session.chunk([...(await events([{ stream: 'd' }])), ...gap]), 'stream-conflict').details,
        ).toMatchObject({ index: 1, stream: 'b' });
        expect(await snapshot(store, L)).toEqual(before);
        // The session is over: neither a commit nor another chunk writes anything.
        expect(isLeft(await session.commit())).toBe(true);
        expect(await snapshot(store, L)).toEqual(before);
        // Garbage in a chunk, and an abort, the same.
        heads = new Map(saved);
        const again = await begin();
        expectRight(await again.chunk(await events([{ stream: 'a' }])));
        expectLeft(await again.chunk([utf8('not json at all')]), 'invalid-event');
        expect(await snapshot(store, L)).toEqual(before);
        heads = new Map(saved);
        const aborted = await begin();
        expectRight(await aborted.chunk(await events([{ stream: 'a' }, { stream: 'e' }])));
        await aborted.abort();
        await aborted.abort();
        expect(await snapshot(store, L)).toEqual(before);
        // Nothing was half-applied to the heads: the ledger appends from where it was.
        heads = new Map(saved);
        const last = await begin();
        expectRight(await last.chunk(await events([{ stream: 'a' }, { stream: 'b' }])));
        expect(expectRight(await last.commit())).toEqual({ from: 2, size: 4, written: 2 });
        const empty = await begin();
        expect(expectRight(await empty.commit())).toEqual({ from: 4, size: 4, written: 0 });
      });

      it('streamed append: refuses a stale or malformed expected, and ids already stored', async () => {
        const first = await events([{ stream: 'a' }, { stream: 'b' }]);
        await appendOk(first);
        const before = await snapshot(store, L);
        for (const expected of [0, 3]) {
          const e = expectLeft(await store.beginAppend!(L, { expected }), 'concurrency-conflict');
          expect(e.details).toMatchObject({ expected, actual: 2 });
        }
        expectLeft(await store.beginAppend!(L, { expected: -1 }), 'invalid-argument');
        // The same bytes again: a session writes new events only.
        const s1 = await begin();
        expectLeft(await s1.chunk(first), 'partial-batch');
        const s2 = await begin();
        expectRight(await s2.chunk(await events([{ stream: 'c' }])));
        expectLeft(await s2.chunk([first[0]!]), 'partial-batch');
        const s3 = await begin();
        const id = (JSON.parse(fromUtf8(first[0]!)!) as { id: string }).id;
        const other = await makeTestEvents(L, [{ stream: 'z', id }], { heads: new Map() });
        expectLeft(await s3.chunk(other), 'duplicate-id');
        expect(await snapshot(store, L)).toEqual(before);
      });

      it('streamed append: exactly one of a session and an append made meanwhile lands, positions stay gapless', async () => {
        await appendOk(await events([{ stream: 'a' }]));
        const saved = new Map(heads);
        const session = await begin();
        const streamed = await events([{ stream: 'a' }, { stream: 's' }]);
        expectRight(await session.chunk(streamed));
        heads = new Map(saved);
        const plain = await events([{ stream: 'a' }, { stream: 'p' }]);
        // A store may make the append wait for the session (SQLite) or let it land first (memory).
        const appended = store.append(L, plain, { expected: 1 });
        const committed = await session.commit();
        const other = await appended;
        expect([isRight(committed), isRight(other)].filter(Boolean)).toHaveLength(1);
        const winner = isRight(committed) ? streamed : plain;
        const read = await collect(store.read(L));
        expect(read.map((e) => e.position)).toEqual([0, 1, 2]);
        expect(read.slice(1).map((e) => toHex(e.bytes))).toEqual(winner.map(toHex));
        expect(toHex(await store.root(L))).toBe(toHex(merkleRoot(read.map((e) => leafHash(e.bytes)))));
      });
    }

    it('fails every call after close() with store-closed', async () => {
      const batch = await events([{ stream: 'a' }]);
      await appendOk(batch);
      const live = store.subscribe(L);
      const liveSeen: number[] = [];
      const liveRun = (async () => {
        for await (const e of live) liveSeen.push(e.position);
      })();
      await store.close();
      // An open subscription ends (store-closed or a plain end of iteration are both acceptable).
      await liveRun.catch((e: unknown) => {
        if (!isHosoFailure(e) || e.error.code !== 'store-closed') throw e;
      });
      const more = await events([{ stream: 'b' }]);
      expectLeft(await store.append(L, more, { expected: 1 }), 'store-closed');
      expect(await failureCode(() => store.size(L))).toBe('store-closed');
      expect(await failureCode(() => collect(store.read(L)))).toBe('store-closed');
      expect(await failureCode(() => collect(store.readBytes(L)))).toBe('store-closed');
      expect(await failureCode(() => collect(store.readStream(L, 'a')))).toBe('store-closed');
      expect(await failureCode(() => store.streamHead(L, 'a'))).toBe('store-closed');
      expect(await failureCode(() => store.getById(L, 'x'))).toBe('store-closed');
      expect(await failureCode(() => store.root(L))).toBe('store-closed');
      expect(await failureCode(() => store.inclusionProof(L, 0, 1))).toBe('store-closed');
      expect(await failureCode(() => store.consistencyProof(L, 1, 1))).toBe('store-closed');
      expect(await failureCode(() => collect(store.subscribe(L)))).toBe('store-closed');
      await store.close();
    });
  });
}
