import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  backend,
  decodeForVerification,
  encodeEnvelope,
  GROUP_ORDER_LE,
  localSigner,
  newEventId,
  signEnvelope,
  toBase64Url,
} from '@hoso/core';
import {
  checkEventBatch,
  checkEventsHere,
  EVENT_INVALID,
  nodeWorkers,
  packEvents,
  servePool,
  verificationWorkerPath,
  verifyBundle,
  WorkerPool,
  type EventBatch,
  type EventBatchResult,
  type PoolWorker,
  type Transferable,
  type WorkerFactory,
} from '../src/index.js';
import { buildFixture, bundleText } from './fixture.js';

/**
 * Workers in this thread, over the pool's own message format: `servePool` answers each job after
 * a turn of the event loop, as a Web Worker or a worker thread would. This is the transport a page
 * injects, minus the thread.
 */
function inProcess<B, R>(
  handle: (body: B) => Transferable<R>,
  watch: { inFlight: number[]; peak: number[]; terminated: number; posted: number } = {
    inFlight: [],
    peak: [],
    terminated: 0,
    posted: 0,
  },
): { factory: WorkerFactory; watch: typeof watch } {
  const factory: WorkerFactory = (index) => {
    watch.inFlight[index] = 0;
    watch.peak[index] = 0;
    let toPool: ((m: unknown) => void) | null = null;
    let toWorker: ((m: unknown) => void) | null = null;
    servePool<B, R>(
      {
        post: (reply) =>
          setTimeout(() => {
            watch.inFlight[index]!--;
            toPool?.(structuredClone(reply));
          }, 1),
        onMessage: (h) => (toWorker = h),
      },
      handle,
    );
    const w: PoolWorker = {
      post: (m) => {
        watch.posted++;
        watch.inFlight[index]!++;
        watch.peak[index] = Math.max(watch.peak[index]!, watch.inFlight[index]!);
        const copy = structuredClone(m);
        setTimeout(() => toWorker?.(copy), 1);
      },
      listen: (onMessage) => (toPool = onMessage),
      terminate: () => {
        watch.terminated++;
        return Promise.resolve();
      },
    };
    return w;
  };
  return { factory, watch };
}

const double = (n: number): Transferable<number> => ({ value: 2 * n, transfer: [] });

describe('WorkerPool over an injected transport', () => {
  it('runs every job, spreads them over the workers and never holds more than its capacity', async () => {
    const { factory, watch } = inProcess(double);
    const pool = new WorkerPool<number, number>({ workers: 3, factory, perWorker: 2 });
    expect([pool.size, pool.capacity]).toEqual([3, 6]);
    const results: Array<Promise<number>> = [];
    for (let i = 0; i < 100; i++) results.push(pool.run(i));
    expect(await Promise.all(results)).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i));
    expect(watch.posted).toBe(100);
    expect(Math.max(...watch.peak)).toBeLessThanOrEqual(2);
    expect(watch.peak.every((p) => p > 0)).toBe(true);
    await pool.close();
    expect(watch.terminated).toBe(3);
    expect(pool.size).toBe(3);
  });

  it('waits for room: a caller that awaits each run cannot run ahead of the workers', async () => {
    const { factory, watch } = inProcess(double);
    const pool = new WorkerPool<number, number>({ workers: 1, factory, perWorker: 1 });
    const first = pool.run(1);
    let started = false;
    const second = pool.run(2).then((r) => ((started = true), r));
    expect(watch.posted).toBe(1);
    expect(await first).toBe(2);
    expect(await second).toBe(4);
    expect(started).toBe(true);
    expect(watch.peak[0]).toBe(1);
    await pool.close();
  });

  it('a job that throws fails the pool: that job, the jobs in flight and every later run reject with it', async () => {
    const { factory } = inProcess((n: number) => {
      if (n === 3) throw new Error('bad batch');
      return double(n);
    });
    const pool = new WorkerPool<number, number>({ workers: 2, factory, perWorker: 4 });
    const runs = [1, 2, 3, 4, 5].map((n) =>
      pool.run(n).then(
        (v) => ({ v }),
        (e: Error) => ({ e: e.message }),
      ),
    );
    const out = await Promise.all(runs);
    expect(out.some((r) => 'e' in r && r.e.includes('bad batch'))).toBe(true);
    expect(pool.failure?.message).toContain('bad batch');
    await expect(pool.run(6)).rejects.toThrow('bad batch');
    await pool.close();
  });

  it('a worker that dies, or cannot be started, fails the pool', async () => {
    let fail: ((e: Error) => void) | null = null;
    const dying: WorkerFactory = () => ({
      post: () => setTimeout(() => fail?.(new Error('worker 0 exited (code 1)')), 1),
      listen: (_m, onFailure) => (fail = onFailure),
      terminate: () => Promise.resolve(),
    });
    const pool = new WorkerPool<number, number>({ workers: 1, factory: dying });
    await expect(pool.run(1)).rejects.toThrow('exited');
    await pool.close();
    const never = new WorkerPool<number, number>({
      workers: 2,
      factory: () => {
        throw new Error('no Worker here');
      },
    });
    expect(never.failure?.message).toBe('no Worker here');
    await expect(never.run(1)).rejects.toThrow('no Worker here');
    await never.close();
  });

  it('close rejects the jobs still in flight and refuses new ones', async () => {
    const { factory } = inProcess(double);
    const pool = new WorkerPool<number, number>({ workers: 1, factory });
    const pending = pool.run(1);
    await pool.close();
    await expect(pending).rejects.toThrow('closed');
    await expect(pool.run(2)).rejects.toThrow('closed');
    await pool.close();
  });
});

/** S + L: the same signature with a non-canonical scalar (the strict rule refuses it). */
function addOrder(sig: Uint8Array): Uint8Array {
  const out = sig.slice();
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const v = out[32 + i]! + GROUP_ORDER_LE[i]! + carry;
    out[32 + i] = v & 0xff;
    carry = v >> 8;
  }
  return out;
}

type Mutation = 'none' | 'msg' | 'sig' | 'key' | 'non-canonical-s';

/** A generic event signed by `seed`, then spoiled as `mutate` says (its bytes stay a canonical envelope). */
async function eventOf(seed: Uint8Array, note: string, mutate: Mutation): Promise<Uint8Array> {
  const signer = localSigner(seed);
  const key = toBase64Url(signer.publicKey);
  const env = await signEnvelope(
    {
      v: 1,
      id: newEventId(),
      ledger: 'pool-test',
      stream: 'any',
      rev: 0,
      prev: null,
      type: 'Noted',
      data: { note },
      at: '2024-09-05T08:00:00.000+07:00',
      by: { key, role: 'author' },
    },
    [{ signer, role: 'author' }],
  );
  const sig = Uint8Array.from(Buffer.from(env.sigs[0]!.sig, 'base64url'));
  let spoiled = env;
  if (mutate === 'msg') spoiled = { ...env, data: { note: note + '!' } };
  if (mutate === 'sig')
    spoiled = { ...env, sigs: [{ ...env.sigs[0]!, sig: toBase64Url(sig.map((b, i) => (i === 5 ? b ^ 1 : b))) }] };
  if (mutate === 'non-canonical-s') spoiled = { ...env, sigs: [{ ...env.sigs[0]!, sig: toBase64Url(addOrder(sig)) }] };
  if (mutate === 'key') {
    const other = toBase64Url(localSigner(seed.map((b) => b ^ 0xff)).publicKey);
    spoiled = { ...env, by: { key: other, role: 'author' }, sigs: [{ ...env.sigs[0]!, key: other }] };
  }
  return encodeEnvelope(spoiled);
}

/** The verdict of core's strict backend on each signature, straight from the bytes. */
function strictVerdicts(bytes: Uint8Array): boolean[] | 'invalid' {
  const d = decodeForVerification(bytes);
  if (d._tag === 'Left' || d.right.signatures._tag === 'Left') return 'invalid';
  const { message, checks } = d.right.signatures.right;
  return checks.map((c) => backend().verify(c.publicKey, message, c.signature));
}

function verdictsOf(r: EventBatchResult): Array<boolean[] | 'invalid'> {
  const status = new Uint8Array(r.status);
  const counts = new Uint32Array(r.sigCounts);
  const ok = new Uint8Array(r.sigOk);
  const out: Array<boolean[] | 'invalid'> = [];
  let s = 0;
  for (let i = 0; i < r.count; i++) {
    if (status[i] === EVENT_INVALID) out.push('invalid');
    else out.push(Array.from(ok.subarray(s, s + counts[i]!), (b) => b === 1));
    s += counts[i]!;
  }
  return out;
}

describe('the verification worker (Node worker threads)', () => {
  it('gives core’s strict verdict on every signature, bad ones included, as the calling thread does', async () => {
    const pool = new WorkerPool<EventBatch, EventBatchResult>({
      workers: 2,
      factory: nodeWorkers(verificationWorkerPath()),
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              seed: fc.uint8Array({ minLength: 32, maxLength: 32 }),
              note: fc.string({ maxLength: 40 }),
              mutate: fc.constantFrom<Mutation>('none', 'msg', 'sig', 'key', 'non-canonical-s'),
            }),
            { minLength: 1, maxLength: 30 },
          ),
          async (specs) => {
            const events = await Promise.all(specs.map((s) => eventOf(s.seed, s.note, s.mutate)));
            const expected = events.map(strictVerdicts);
            specs.forEach((s, i) => expect(expected[i]).toEqual(s.mutate === 'none' ? [true] : [false]));
            const batch = packEvents(events, false);
            expect(verdictsOf(await pool.run(batch, [batch.buf]))).toEqual(expected);
            expect(verdictsOf(checkEventsHere(events, false).result)).toEqual(expected);
            expect(verdictsOf(checkEventBatch(packEvents(events, false)).value)).toEqual(expected);
          },
        ),
        { numRuns: 8 },
      );
    } finally {
      await pool.close();
    }
  });

  it('counts every check of 100 jobs on one worker', async () => {
    const pool = new WorkerPool<EventBatch, EventBatchResult>({
      workers: 1,
      factory: nodeWorkers(verificationWorkerPath()),
    });
    const seed = new Uint8Array(32).fill(3);
    const runs: Array<Promise<EventBatchResult>> = [];
    const batches: EventBatch[] = [];
    for (let i = 0; i < 100; i++) {
      const batch = packEvents([await eventOf(seed, `n${i}`, 'none')], false);
      batches.push(batch);
      runs.push(pool.run(batch, [batch.buf]));
    }
    const results = await Promise.all(runs);
    await pool.close();
    expect(batches.every((b) => b.buf.byteLength === 0)).toBe(true); // transferred, not copied
    expect(results.reduce((n, r) => n + new Uint32Array(r.sigCounts)[0]!, 0)).toBe(100);
    expect(results.every((r) => new Uint8Array(r.sigOk)[0] === 1)).toBe(true);
    expect(pool.size).toBe(1);
  });

  it('a worker that fails to start leaves the verification unusable, never a verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-pool-'));
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, 'throw new Error("this worker cannot start");\n');
    const f = await buildFixture();
    const path = join(dir, 'b.hoso');
    writeFileSync(path, bundleText(f.ledger, f.events, [f.checkpoint(f.events.length)]));
    const r = await verifyBundle(path, {
      trust: f.trust,
      workers: 2,
      workerFactory: nodeWorkers(pathToFileURL(broken)),
    });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.verdict).toBe('unusable');
    expect(r.right.ok).toBe(false);
    expect(r.right.findings.map((x) => x.code)).toContain('verifier-failure');
  });
});
