import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { leafHash, toHex } from '@hoso/core';
import {
  AppendSignal,
  createSubscription,
  delayUnlessClosed,
  subscriptionLoop,
  type SegmentEnd,
  type SubscriptionSegment,
  decodeBatch,
  planAppend,
  resolveReadRange,
  type DecodedEvent,
  type LedgerView,
  type StoredEvent,
} from '@hoso/store';
import { makeTestEvents, type TestHeads } from '@hoso/store/testing';

const L = 'kit-school';

function fakeEvent(position: number): StoredEvent {
  const bytes = new Uint8Array([position & 0xff]);
  return { position, id: `id-${position}`, stream: 's', rev: position, type: 'T', bytes, leafHash: leafHash(bytes) };
}

describe('createSubscription', () => {
  it('picks up events no signal announced, by polling', async () => {
    const log: StoredEvent[] = [fakeEvent(0)];
    const sub = createSubscription({
      from: 0,
      signal: new AppendSignal(),
      pollMs: 5,
      fetch: (p, n) => log.slice(p, p + n),
    });
    const seen: number[] = [];
    const run = (async () => {
      for await (const e of sub) {
        seen.push(e.position);
        if (seen.length === 3) await sub.close();
      }
    })();
    // Appended behind the subscription's back (as another process would): no notify().
    setTimeout(() => log.push(fakeEvent(1), fakeEvent(2)), 15);
    await run;
    expect(seen).toEqual([0, 1, 2]);
  });

  it('without polling, waits for the signal', async () => {
    const log: StoredEvent[] = [];
    const signal = new AppendSignal();
    const sub = createSubscription({ from: 0, signal, fetch: (p, n) => log.slice(p, p + n) });
    const seen: number[] = [];
    const run = (async () => {
      for await (const e of sub) {
        seen.push(e.position);
        if (seen.length === 2) await sub.close();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    log.push(fakeEvent(0), fakeEvent(1));
    signal.notify();
    await run;
    expect(seen).toEqual([0, 1]);
  });

  it('refuses a source that skips a position, and a second iteration', async () => {
    const sub = createSubscription({ from: 0, signal: new AppendSignal(), fetch: () => [fakeEvent(1)] });
    const it1 = sub[Symbol.asyncIterator]();
    await expect(it1.next()).rejects.toThrow(/expected position 0/);
    expect(() => sub[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('closed before iteration: ends at once', async () => {
    const sub = createSubscription({ from: 0, signal: new AppendSignal(), fetch: (p) => [fakeEvent(p)] });
    let closedCalls = 0;
    const s2 = createSubscription({
      from: 0,
      signal: new AppendSignal(),
      fetch: () => [],
      onClose: () => closedCalls++,
    });
    await sub.close();
    const seen: StoredEvent[] = [];
    for await (const e of sub) seen.push(e);
    expect(seen).toEqual([]);
    await s2.close();
    await s2.close();
    expect(closedCalls).toBe(1);
  });
});

describe('subscriptionLoop', () => {
  const events = (positions: number[]): StoredEvent[] => positions.map(fakeEvent);

  it('reopens after each segment at the next position and drops what a resumed segment resends', async () => {
    // Segment 1 delivers 0–2 and fails; segment 2 resends 1–2 and goes on to 4, then ends cleanly.
    const served: number[][] = [
      [0, 1, 2],
      [1, 2, 3, 4],
    ];
    const opened: number[] = [];
    const ends: SegmentEnd[] = [];
    const sub = subscriptionLoop({
      from: 0,
      resends: true,
      open(position) {
        opened.push(position);
        const k = opened.length - 1;
        return {
          events: (async function* () {
            yield* events(served[k] ?? []);
            if (k === 0) throw new Error('connection dropped');
          })(),
        };
      },
      after(end) {
        ends.push(end);
      },
    });
    const seen: number[] = [];
    for await (const e of sub) {
      seen.push(e.position);
      if (seen.length === 5) await sub.close();
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(opened).toEqual([0, 3]);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ delivered: 3, failed: true });
    expect((ends[0]!.error as Error).message).toBe('connection dropped');
  });

  it('refuses an event behind or beyond the next position unless resends are allowed, with the source error', async () => {
    for (const [resends, first, second] of [
      [false, [0, 1], [1, 2]],
      [true, [0, 1], [3]],
    ] as const) {
      let k = 0;
      const after: SegmentEnd[] = [];
      const sub = subscriptionLoop({
        from: 0,
        resends,
        open: () => ({ events: events([...(k++ === 0 ? first : second)]) }),
        after: (end) => void after.push(end),
        gap: (expected, got) => new Error(`gap: wanted ${expected}, got ${got}`),
      });
      const seen: number[] = [];
      await expect(
        (async () => {
          for await (const e of sub) seen.push(e.position);
        })(),
      ).rejects.toThrow(resends ? 'gap: wanted 2, got 3' : 'gap: wanted 2, got 1');
      expect(seen).toEqual([0, 1]);
      // A broken sequence ends the subscription: it is not handed to `after` for a retry.
      expect(after.map((e) => e.delivered)).toEqual([2]);
    }
  });

  it('close() stops a segment that is waiting for events, ends the iteration, and unregisters once', async () => {
    let stops = 0;
    let closes = 0;
    let release: () => void = () => undefined;
    const pending = new Promise<void>((r) => (release = r));
    const sub = subscriptionLoop({
      from: 0,
      open: (): SubscriptionSegment => ({
        events: (async function* () {
          yield fakeEvent(0);
          await pending; // a native read that only ends when stopped
        })(),
        stop: () => {
          stops++;
          release();
        },
      }),
      after: () => expect.fail('a closed subscription must not reopen'),
      onClose: () => closes++,
    });
    const seen: number[] = [];
    const run = (async () => {
      for await (const e of sub) seen.push(e.position);
    })();
    await new Promise((r) => setTimeout(r, 5));
    await sub.close();
    await run;
    await sub.close();
    expect(seen).toEqual([0]);
    expect(stops).toBeGreaterThanOrEqual(1);
    expect(closes).toBe(1);
  });

  it('a back-off between segments ends as soon as the subscription closes', async () => {
    let waited: Promise<void> | undefined;
    const sub = subscriptionLoop({
      from: 0,
      open: () => ({ events: [] }),
      after: (_end, watch) => (waited = delayUnlessClosed(60_000, watch)),
    });
    const run = (async () => {
      for await (const _e of sub) expect.fail('no events');
    })();
    while (waited === undefined) await new Promise((r) => setTimeout(r, 1));
    await sub.close();
    await waited;
    await run;
  });
});

describe('resolveReadRange', () => {
  it('clamps to the size and names the bad field', () => {
    expect(resolveReadRange(undefined, 5)).toEqual({ from: 0, to: 5 });
    expect(resolveReadRange({ from: 2, to: 99 }, 5)).toEqual({ from: 2, to: 5 });
    try {
      resolveReadRange({ to: -1 }, 5);
      expect.fail('expected a throw');
    } catch (e) {
      expect((e as { error: { code: string; path: unknown } }).error).toMatchObject({
        code: 'invalid-argument',
        path: ['range', 'to'],
      });
    }
  });
});

describe('planAppend against a model (property)', () => {
  /** A LedgerView over an in-memory list of decoded events. */
  const viewOf = (stored: readonly DecodedEvent[]): LedgerView => ({
    size: stored.length,
    byId: (id) => {
      const p = stored.findIndex((e) => e.id === id);
      return p < 0 ? null : { position: p, bytes: stored[p]!.bytes };
    },
    head: (stream) => {
      const last = [...stored].reverse().find((e) => e.stream === stream);
      return last === undefined ? null : { rev: last.rev, leafHash: last.leafHash };
    },
  });

  it('accepts exactly the batches that chain from the stored heads at the expected size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        async (batches, stale) => {
          const stored: DecodedEvent[] = [];
          const heads: TestHeads = new Map();
          for (const [i, streams] of batches.entries()) {
            const probe = new Map(heads);
            const bytes = await makeTestEvents(
              L,
              streams.map((s) => ({ stream: `s${s}` })),
              { heads: probe },
            );
            const decoded = decodeBatch(L, bytes);
            if (isLeft(decoded)) return expect.fail(JSON.stringify(decoded.left));
            const expected = stale[i] === true ? stored.length + 1 : stored.length;
            const plan = planAppend(decoded.right, expected, viewOf(stored));
            if (stale[i] === true) {
              expect(isLeft(plan) && plan.left.code).toBe('concurrency-conflict');
              continue;
            }
            if (!isRight(plan) || plan.right.kind !== 'write') return expect.fail('expected a write plan');
            expect(plan.right.events.map((e) => e.position)).toEqual(streams.map((_, k) => stored.length + k));
            stored.push(...plan.right.events);
            for (const [k, v] of probe) heads.set(k, v);
            // The same batch again is a no-op wherever the writer thinks the ledger is.
            const again = planAppend(decoded.right, 0, viewOf(stored));
            expect(isRight(again) && again.right).toEqual({
              kind: 'stored',
              from: stored.length - streams.length,
              size: stored.length,
            });
          }
          expect(stored.map((e) => toHex(e.leafHash))).toEqual(stored.map((e) => toHex(leafHash(e.bytes))));
        },
      ),
      { numRuns: 25 },
    );
  });
});
