import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, type Fixture } from './fixture.js';

/**
 * The worker path (decoding, canonical check, leaf hash and signatures on worker threads, in
 * batches, results applied in ledger order) must reach exactly the verdict of the single-thread
 * path on every input, tampered ones above all: same findings, same roots, same timeline.
 */

let f: Fixture;
let dir: string;
let bytes: Uint8Array;
let counter = 0;

beforeAll(async () => {
  f = await buildFixture({ students: 4, changes: 8 });
  dir = mkdtempSync(join(tmpdir(), 'hoso-parallel-'));
  bytes = new TextEncoder().encode(bundleText(f.ledger, f.events, [f.checkpoint(8), f.checkpoint(f.events.length)]));
});

/** The report without its timing statistics (which differ by construction). */
function verdict(r: VerifyReport): unknown {
  const { stats, ...rest } = r;
  return { ...rest, stats: { events: stats.events, streams: stats.streams, signatures: stats.signatures } };
}

async function run(path: string, workers: number, batchSize: number, compliance: boolean): Promise<VerifyReport> {
  const r = await verifyBundle(path, { trust: f.trust, workers, batchSize, compliance });
  if (r._tag === 'Left') throw new Error(r.left.message);
  expect(r.right.stats.workers).toBe(workers);
  return r.right;
}

async function sameEverywhere(b: Uint8Array, compliance = false): Promise<VerifyReport> {
  const path = join(dir, `p${counter++}.hoso`);
  writeFileSync(path, b);
  const base = await run(path, 0, 256, compliance);
  // Small batches so that several are in flight and both the worker-decoded and the
  // here-decoded batch kinds occur.
  for (const [workers, batchSize] of [
    [1, 2],
    [2, 3],
  ] as const)
    expect(verdict(await run(path, workers, batchSize, compliance))).toEqual(verdict(base));
  return base;
}

describe('worker threads and the calling thread agree', () => {
  it('on the untouched bundle, with and without compliance', async () => {
    expect((await sameEverywhere(bytes)).ok).toBe(true);
    // This fixture is not a history the school rules accept (compliance findings expected): the
    // point is that both paths report the same ones.
    expect(verdict(await sameEverywhere(bytes, true))).not.toEqual(verdict(await sameEverywhere(bytes)));
  });

  it('on bundles with flipped bytes (invalid UTF-8, JSON, fields, canonical form, signatures, chains)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        }),
        async (flips) => {
          const b = bytes.slice();
          for (const [i, x] of flips) b[i] = b[i]! ^ x;
          await sameEverywhere(b);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('on reordered, dropped and duplicated lines, and a checkpoint in the middle', async () => {
    const lines = new TextDecoder().decode(bytes).split('\n').slice(0, -1);
    const n = f.events.length;
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    const dropped = lines.filter((_, i) => i !== 5);
    const duplicated = [...lines.slice(0, 7), lines[6]!, ...lines.slice(7)];
    const layout = [...lines.slice(0, 6), lines[n + 1]!, ...lines.slice(6)];
    for (const ls of [swapped, dropped, duplicated, layout]) {
      const r = await sameEverywhere(new TextEncoder().encode(ls.join('\n') + '\n'));
      expect(r.ok).toBe(false);
    }
  });
});
