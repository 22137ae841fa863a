import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { createMemoryStore, type EventBytes, type StoredEvent } from '@hoso/store';
import {
  memoryCheckpointStore,
  runProjection,
  type CheckpointRecord,
  type ImperativeProjection,
  type LeanProjection,
  type Projection,
  type TransactionalCheckpoints,
} from '../src/runner/index.js';
import { TestLedger, testKey } from './support/ledger.js';

/** A fold that remembers everything: any skip, duplicate or reorder changes its state. */
interface Seen {
  readonly positions: number[];
  readonly perStream: Record<string, number[]>;
}
const seen = (opts: { failAt?: number } = {}): Projection<Seen> & { failures: number } => {
  const p = {
    name: 'seen',
    version: 1,
    failures: 0,
    init: (): Seen => ({ positions: [], perStream: {} }),
    apply(s: Seen, e: StoredEvent): Seen {
      if (opts.failAt === e.position && p.failures === 0) {
        p.failures++;
        throw new Error(`crash at ${e.position}`);
      }
      s.positions.push(e.position);
      (s.perStream[e.stream] ??= []).push(e.rev);
      return s;
    },
  };
  return p;
};

/** A vendor "database" with real transactions: a snapshot taken at BEGIN is restored on throw. */
function fakeDb() {
  let rows: { positions: number[] } = { positions: [] };
  let cps: Record<string, CheckpointRecord> = {};
  const db: TransactionalCheckpoints & { rows: () => number[] } = {
    transaction(fn) {
      const snap = structuredClone({ rows, cps });
      try {
        fn();
      } catch (e) {
        rows = snap.rows;
        cps = snap.cps;
        throw e;
      }
    },
    read: (name) => cps[name] ?? null,
    write: (name, cp) => {
      cps[name] = cp;
    },
    remove: (name) => {
      delete cps[name];
    },
    rows: () => rows.positions,
  };
  const projection = (failAt?: number): ImperativeProjection => {
    let failed = false;
    return {
      kind: 'imperative',
      name: 'rows',
      version: 1,
      reset: () => {
        rows = { positions: [] };
      },
      apply: (e) => {
        if (e.position === failAt && !failed) {
          failed = true;
          throw new Error('vendor crash');
        }
        rows.positions.push(e.position);
      },
    };
  };
  return { db, projection };
}

async function appendTicks(l: TestLedger, streams: readonly number[]): Promise<void> {
  for (const s of streams)
    l.event(`markbook/2024-2025/10A${s}/toan`, 'Tick', { s }, { key: testKey(1), role: 'subject' });
  await l.flush();
}

describe('runProjection', () => {
  it('rebuild, catch-up and version bump', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1, 2, 1, 3]);
    const cps = memoryCheckpointStore<Seen>();
    const r1 = await runProjection(store, l.ledger, seen(), cps, { mode: 'catch-up', batchSize: 3 });
    expect(isRight(r1) && r1.right).toMatchObject({ position: 4, applied: 4, rebuilt: true });
    await appendTicks(l, [2, 2]);
    const r2 = await runProjection(store, l.ledger, seen(), cps, { mode: 'catch-up' });
    expect(isRight(r2) && r2.right).toMatchObject({ position: 6, applied: 2, rebuilt: false });
    expect(isRight(r2) && r2.right.state?.positions).toEqual([0, 1, 2, 3, 4, 5]);
    const r3 = await runProjection(store, l.ledger, { ...seen(), version: 2 }, cps, { mode: 'catch-up' });
    expect(isRight(r3) && r3.right).toMatchObject({ position: 6, applied: 6, rebuilt: true });
    const r4 = await runProjection(store, l.ledger, { ...seen(), version: 2 }, cps, { mode: 'rebuild' });
    expect(isRight(r4) && r4.right).toMatchObject({ applied: 6, rebuilt: true });
  });

  it('refuses bad options and a checkpoint past the ledger end', async () => {
    const store = createMemoryStore();
    const cps = memoryCheckpointStore<Seen>();
    const a = await runProjection(store, 'x', seen(), cps, { mode: 'catch-up', batchSize: 0 });
    expect(isLeft(a) && a.left).toMatchObject({ code: 'invalid-input', path: ['options', 'batchSize'] });
    const b = await runProjection(store, 'x', { ...seen(), version: 0 }, cps, { mode: 'catch-up' });
    expect(isLeft(b) && b.left).toMatchObject({ code: 'invalid-input', path: ['projection', 'version'] });
    await cps.save('seen', { version: 1, position: 5, state: { positions: [], perStream: {} } });
    const c = await runProjection(store, 'x', seen(), cps, { mode: 'catch-up' });
    expect(isLeft(c) && c.left).toMatchObject({ code: 'checkpoint-ahead', details: { position: 5, size: 0 } });
  });

  it('a crash inside a batch leaves the previous checkpoint; the restart applies each event once', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1, 1, 1, 1, 1, 1, 1]);
    const cps = memoryCheckpointStore<Seen>();
    const r1 = await runProjection(store, l.ledger, seen({ failAt: 5 }), cps, { mode: 'catch-up', batchSize: 2 });
    expect(isLeft(r1) && r1.left).toMatchObject({ code: 'projection-failed', details: { from: 4, to: 6 } });
    expect((await cps.load('seen'))?.position).toBe(4);
    const r2 = await runProjection(store, l.ledger, seen(), cps, { mode: 'catch-up', batchSize: 2 });
    expect(isRight(r2) && r2.right.state?.positions).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('live mode follows appends until aborted', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1]);
    const ac = new AbortController();
    const commits: number[] = [];
    const waiters = new Map<number, () => void>();
    const reached = (p: number) => new Promise<void>((resolve) => waiters.set(p, resolve));
    const at1 = reached(1);
    const at2 = reached(2);
    const run = runProjection(store, l.ledger, seen(), memoryCheckpointStore<Seen>(), {
      mode: 'live',
      signal: ac.signal,
      onCommit: (p) => {
        commits.push(p);
        waiters.get(p)?.();
        if (p === 3) ac.abort();
      },
    });
    await at1; // caught up; now following live
    await appendTicks(l, [2]);
    await at2;
    await appendTicks(l, [3]);
    const r = await run;
    expect(isRight(r) && r.right.state?.positions).toEqual([0, 1, 2]);
    expect(commits).toEqual([1, 2, 3]);
  });

  it('live mode commits a burst of appends together, and the result equals a rebuild', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1]);
    const ac = new AbortController();
    const commits: number[] = [];
    let caughtUp!: () => void;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    const run = runProjection(store, l.ledger, seen(), memoryCheckpointStore<Seen>(), {
      mode: 'live',
      signal: ac.signal,
      liveCommitMs: 20,
      onCommit: (p) => {
        commits.push(p);
        if (p === 1) caughtUp();
        if (p === 41) ac.abort();
      },
    });
    await ready;
    await appendTicks(
      l,
      Array.from({ length: 40 }, (_, i) => i + 2),
    );
    const r = await run;
    const rebuilt = await runProjection(store, l.ledger, seen(), memoryCheckpointStore<Seen>(), { mode: 'rebuild' });
    expect(isRight(r) && isRight(rebuilt) && r.right.state).toEqual(isRight(rebuilt) && rebuilt.right.state);
    expect(commits.at(-1)).toBe(41);
    expect(commits.length).toBeLessThan(41); // not one commit per event
  });

  it('imperative: model rows and checkpoint move together; a vendor crash rolls both back', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1, 2, 3, 4, 5]);
    const { db, projection } = fakeDb();
    const r1 = await runProjection(store, l.ledger, projection(3), db, { mode: 'catch-up', batchSize: 2 });
    expect(isLeft(r1) && r1.left.code).toBe('projection-failed');
    expect(db.read('rows')).toEqual({ version: 1, position: 2 });
    expect(db.rows()).toEqual([0, 1]);
    const r2 = await runProjection(store, l.ledger, projection(), db, { mode: 'catch-up', batchSize: 2 });
    expect(isRight(r2) && r2.right.position).toBe(5);
    expect(db.rows()).toEqual([0, 1, 2, 3, 4]);
  });

  it('property: any split into batches, with crashes and restarts, equals a rebuild', async () => {
    const step = fc.record({
      append: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 8 }),
      batchSize: fc.integer({ min: 1, max: 6 }),
      crashAt: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      imperative: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const store = createMemoryStore();
        const l = new TestLedger(store);
        const cps = memoryCheckpointStore<Seen>();
        const { db, projection } = fakeDb();
        for (const s of steps) {
          await appendTicks(l, s.append);
          // Pure and imperative read models advance on the same schedule of crashes and restarts.
          const pure = await runProjection(store, l.ledger, seen({ failAt: s.crashAt }), cps, {
            mode: 'catch-up',
            batchSize: s.batchSize,
          });
          if (isLeft(pure)) expect(pure.left.code).toBe('projection-failed');
          if (s.imperative) {
            const imp = await runProjection(store, l.ledger, projection(s.crashAt), db, {
              mode: 'catch-up',
              batchSize: s.batchSize,
            });
            if (isLeft(imp)) expect(imp.left.code).toBe('projection-failed');
          }
        }
        const last = await runProjection(store, l.ledger, seen(), cps, { mode: 'catch-up' });
        const rebuilt = await runProjection(store, l.ledger, seen(), memoryCheckpointStore<Seen>(), {
          mode: 'rebuild',
          batchSize: 1000,
        });
        expect(isRight(last) && isRight(rebuilt)).toBe(true);
        if (isRight(last) && isRight(rebuilt)) expect(last.right.state).toEqual(rebuilt.right.state);
        const size = await store.size(l.ledger);
        expect(isRight(rebuilt) && rebuilt.right.state?.positions).toEqual(Array.from({ length: size }, (_, i) => i));
        await runProjection(store, l.ledger, projection(), db, { mode: 'catch-up' });
        expect(db.rows()).toEqual(Array.from({ length: size }, (_, i) => i));
      }),
      { numRuns: 60 },
    );
  });
});

/** A lean fold: positions, and the stream each event's own bytes name (what it can see is all it gets). */
interface LeanSeen {
  readonly positions: number[];
  readonly streams: string[];
  readonly keys: string[];
}
const leanSeen = (opts: { failAt?: number } = {}): LeanProjection<LeanSeen> => {
  let failed = false;
  return {
    kind: 'lean',
    name: 'lean-seen',
    version: 1,
    init: () => ({ positions: [], streams: [], keys: [] }),
    apply(s, e: EventBytes) {
      if (opts.failAt === e.position && !failed) {
        failed = true;
        throw new Error(`crash at ${e.position}`);
      }
      s.positions.push(e.position);
      s.streams.push((JSON.parse(new TextDecoder().decode(e.bytes)) as { stream: string }).stream);
      s.keys.push(Object.keys(e).sort().join(','));
      return s;
    },
  };
};

describe('runProjection: a lean projection', () => {
  it('catches up from the lean read, in the batches asked for, with a crash and a restart applying each event once', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1, 2, 1, 3, 2, 2, 1]);
    const cps = memoryCheckpointStore<LeanSeen>();
    const commits: number[] = [];
    const r1 = await runProjection(store, l.ledger, leanSeen({ failAt: 5 }), cps, {
      mode: 'catch-up',
      batchSize: 2,
      onCommit: (p) => commits.push(p),
    });
    expect(isLeft(r1) && r1.left).toMatchObject({ code: 'projection-failed', details: { from: 4, to: 6 } });
    expect(commits).toEqual([2, 4]);
    const r2 = await runProjection(store, l.ledger, leanSeen(), cps, { mode: 'catch-up', batchSize: 2 });
    expect(isRight(r2) && r2.right).toMatchObject({ position: 7, applied: 3, rebuilt: false });
    const state = isRight(r2) ? r2.right.state : undefined;
    expect(state?.positions).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const plain = await runProjection(store, l.ledger, seen(), memoryCheckpointStore<Seen>(), { mode: 'rebuild' });
    const streams = Object.entries(isRight(plain) ? (plain.right.state?.perStream ?? {}) : {});
    // The streams the lean fold read from the bytes are the ones the store indexed.
    expect(new Set(state?.streams)).toEqual(new Set(streams.map(([k]) => k)));
    // Handed positions and bytes only: no StoredEvent was built for the catch-up.
    expect(new Set(state?.keys)).toEqual(new Set(['bytes,position']));
  });

  it('a store that fails while being read is store-failure, the checkpoint as of the last commit', async () => {
    const store = createMemoryStore();
    const l = new TestLedger(store);
    await appendTicks(l, [1, 1, 1, 1]);
    const failing = {
      ...store,
      // eslint-disable-next-line require-yield
      async *readBytes(): AsyncGenerator<readonly EventBytes[]> {
        throw new Error('disk gone');
      },
    };
    const cps = memoryCheckpointStore<LeanSeen>();
    const r = await runProjection(failing, l.ledger, leanSeen(), cps, { mode: 'catch-up' });
    expect(isLeft(r) && r.left).toMatchObject({ code: 'store-failure' });
    expect((await cps.load('lean-seen'))?.position).toBe(0);
  });
});
