import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { createMemoryStore, type StoredEvent } from '@hoso/store';
import {
  memoryCheckpointStore,
  runProjection,
  sharedMemoryCheckpointStore,
  type Checkpoint,
  type CheckpointStore,
  type Projection,
} from '../src/runner/index.js';
import { TestLedger, testKey } from './support/ledger.js';

interface Seen {
  readonly positions: number[];
}
/** Remembers every position applied; throws on apply call `failOn` only, or on every call from `failFrom`. */
const seen = ({ failOn = -1, failFrom = Infinity } = {}): Projection<Seen> => {
  let calls = 0;
  return {
    name: 'seen',
    version: 1,
    init: () => ({ positions: [] }),
    apply(s, e: StoredEvent) {
      if (++calls === failOn || calls >= failFrom) throw new Error(`crash on call ${calls}`);
      s.positions.push(e.position);
      return s;
    },
  };
};
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

async function ledgerOf(n: number) {
  const store = createMemoryStore();
  const l = new TestLedger(store);
  const add = async (k: number) => {
    for (let i = 0; i < k; i++)
      l.event('markbook/2024-2025/10A1/toan', 'Tick', { i }, { key: testKey(1), role: 'subject' });
    await l.flush();
  };
  await add(n);
  return { store, ledger: l.ledger, add };
}

describe('memoryCheckpointStore', () => {
  it('keeps the saved state itself, and hands out copies', async () => {
    const cps = memoryCheckpointStore<Seen>();
    expect(cps.keepsState).toBe(true);
    const state = { positions: [0, 1] };
    await cps.save('seen', { version: 1, position: 2, state });
    const a = (await cps.load('seen'))!;
    expect(a).toEqual({ version: 1, position: 2, state: { positions: [0, 1] } });
    expect(a.state).not.toBe(state);
    a.state.positions.push(99);
    expect((await cps.load('seen'))!.state.positions).toEqual([0, 1]);
    await cps.clear('seen');
    expect(await cps.load('seen')).toBeNull();
  });

  it("a run's state is not changed by a later run, which folds on from the checkpoint", async () => {
    const { store, ledger, add } = await ledgerOf(4);
    const cps = memoryCheckpointStore<Seen>();
    const r1 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up', batchSize: 1 });
    await add(3);
    const r2 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up', batchSize: 2 });
    expect(isRight(r1) && r1.right.state?.positions).toEqual(upTo(4));
    expect(isRight(r2) && r2.right).toMatchObject({ applied: 3, rebuilt: false, state: { positions: upTo(7) } });
  });

  it('a batch failing midway: the checkpoint is put back by replay, each event applied once', async () => {
    const { store, ledger } = await ledgerOf(9);
    const cps = memoryCheckpointStore<Seen>();
    // Calls 1–6 apply positions 0–5 (two commits of 3); call 7 pushes position 6 into the saved
    // object itself, call 8 (position 7) throws.
    const r1 = await runProjection(store, ledger, seen({ failOn: 8 }), cps, { mode: 'catch-up', batchSize: 3 });
    expect(isLeft(r1) && r1.left).toMatchObject({ code: 'projection-failed', details: { from: 6, to: 9 } });
    expect(await cps.load('seen')).toEqual({ version: 1, position: 6, state: { positions: upTo(6) } });
    const r2 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up' });
    expect(isRight(r2) && r2.right).toMatchObject({ applied: 3, rebuilt: false, state: { positions: upTo(9) } });
  });

  it('when the replay fails too, the checkpoint is forgotten and the next run rebuilds', async () => {
    const { store, ledger } = await ledgerOf(5);
    const cps = memoryCheckpointStore<Seen>();
    // Call 4 (position 3, in the second batch) throws, and so does every later call: the replay.
    const r1 = await runProjection(store, ledger, seen({ failFrom: 4 }), cps, { mode: 'catch-up', batchSize: 2 });
    expect(isLeft(r1) && r1.left.code).toBe('projection-failed');
    expect(await cps.load('seen')).toBeNull();
    const r2 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up' });
    expect(isRight(r2) && r2.right).toMatchObject({ rebuilt: true, applied: 5, state: { positions: upTo(5) } });
  });

  it('a store that copies (no keepsState) is left alone when a batch fails', async () => {
    const { store, ledger } = await ledgerOf(4);
    const saved: Checkpoint<Seen>[] = [];
    const copying: CheckpointStore<Seen> = {
      load: () => (saved.length === 0 ? null : structuredClone(saved.at(-1)!)),
      save: (_n, c) => void saved.push(structuredClone(c)),
      clear: () => void (saved.length = 0),
    };
    const r = await runProjection(store, ledger, seen({ failOn: 4 }), copying, { mode: 'catch-up', batchSize: 2 });
    expect(isLeft(r) && r.left.code).toBe('projection-failed');
    expect(saved.map((c) => c.position)).toEqual([0, 2]);
    expect(saved.at(-1)!.state.positions).toEqual([0, 1]);
  });
});

describe('sharedMemoryCheckpointStore', () => {
  it('hands out the saved state itself: repeated catch-ups fold on in one object', async () => {
    const { store, ledger, add } = await ledgerOf(3);
    const cps = sharedMemoryCheckpointStore<Seen>();
    expect(cps.keepsState).toBe(true);
    const r1 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up' });
    await add(2);
    const r2 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up' });
    if (isLeft(r1) || isLeft(r2)) throw new Error('run failed');
    expect(r2.right.state).toBe(r1.right.state);
    expect(r2.right).toMatchObject({ applied: 2, rebuilt: false, state: { positions: upTo(5) } });
    expect((await cps.load('seen'))!.state).toBe(r2.right.state);
  });

  it('a batch failing midway is repaired by replay', async () => {
    const { store, ledger } = await ledgerOf(6);
    const cps = sharedMemoryCheckpointStore<Seen>();
    const r1 = await runProjection(store, ledger, seen({ failOn: 5 }), cps, { mode: 'catch-up', batchSize: 3 });
    expect(isLeft(r1) && r1.left.code).toBe('projection-failed');
    expect(await cps.load('seen')).toEqual({ version: 1, position: 3, state: { positions: upTo(3) } });
    const r2 = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up', batchSize: 3 });
    expect(isRight(r2) && r2.right.state?.positions).toEqual(upTo(6));
  });

  it('property: catch-ups with crashes at random calls, over either in-memory store, equal a rebuild', async () => {
    const step = fc.record({
      append: fc.integer({ min: 0, max: 6 }),
      batchSize: fc.integer({ min: 1, max: 4 }),
      failOn: fc.integer({ min: 0, max: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(step, { minLength: 1, maxLength: 6 }), async (shared, steps) => {
        const { store, ledger, add } = await ledgerOf(0);
        const cps = shared ? sharedMemoryCheckpointStore<Seen>() : memoryCheckpointStore<Seen>();
        for (const s of steps) {
          await add(s.append);
          const r = await runProjection(store, ledger, seen({ failOn: s.failOn }), cps, {
            mode: 'catch-up',
            batchSize: s.batchSize,
          });
          if (isLeft(r)) expect(r.left.code).toBe('projection-failed');
        }
        const last = await runProjection(store, ledger, seen(), cps, { mode: 'catch-up' });
        expect(isRight(last) && last.right.state?.positions).toEqual(upTo(await store.size(ledger)));
      }),
      { numRuns: 40 },
    );
  });
});
