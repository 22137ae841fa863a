import { describe, it, expect, beforeAll } from 'vitest';
import { createReadStream, mkdtempSync, openAsBlob, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkEventBatch,
  checkEventBatchWith,
  packEvents,
  verifyBundle,
  type SignatureJob,
  type VerifyReport,
} from '../src/index.js';
import { backend } from '@hoso/core';
import { buildFixture, bundleText, withChanges, type Fixture } from './fixture.js';

// A Blob (a page's File; here Node's openAsBlob) is read as a file is: its trailing checkpoints
// first, its events again for the roots of earlier checkpoints — so it gives the file's report,
// where a one-shot stream cannot. And the per-event job with an asynchronous signature verifier
// is the same job.
let f: Fixture;
let path: string;

beforeAll(async () => {
  f = await buildFixture({ students: 3, changes: 4 });
  // A far-future signing time: only the trailing checkpoint's cosignature time shows it.
  const events = await withChanges(f, ['2031-01-01T08:00:00.000+07:00']);
  path = join(mkdtempSync(join(tmpdir(), 'hoso-blob-')), 'b.hoso');
  writeFileSync(path, bundleText(f.ledger, events, [f.checkpoint(6, events), f.checkpoint(events.length, events)]));
});

const without = ({ stats: _s, ...r }: VerifyReport): unknown => r;
async function run(source: Parameters<typeof verifyBundle>[0]): Promise<VerifyReport> {
  const r = await verifyBundle(source, { trust: f.trust, workers: 0, compliance: false });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

describe('a Blob source', () => {
  it('gives the report of the file itself', async () => {
    const file = await run(path);
    expect(file.findings.map((x) => x.code)).toContain('time-ahead');
    expect(file.checkpoints.every((c) => c.ok)).toBe(true);
    expect(without(await run(await openAsBlob(path)))).toEqual(without(file));
  });

  it('where a one-shot stream leaves the earlier checkpoint unchecked and misses the time ahead', async () => {
    const stream = await run(createReadStream(path));
    const codes = stream.findings.map((x) => x.code);
    expect(codes).toContain('checkpoint-unchecked');
    expect(codes).not.toContain('time-ahead');
  });
});

describe('checkEventBatchWith', () => {
  it('is checkEventBatch with the signatures verified elsewhere, in order', async () => {
    const ed = backend();
    const seen: SignatureJob[] = [];
    const verify = (jobs: readonly SignatureJob[]): Promise<Uint8Array> => {
      seen.push(...jobs);
      return Promise.resolve(
        Uint8Array.from(jobs.map((j) => (ed.verify(j.publicKey, j.message, j.signature) ? 1 : 0))),
      );
    };
    const lines = f.events.map((e, i) => (i === 4 ? e.map((b, k) => (k === e.length - 5 ? b ^ 1 : b)) : e));
    const sync = checkEventBatch(packEvents(lines, true)).value;
    const async_ = (await checkEventBatchWith(packEvents(lines, true), verify)).value;
    expect(async_).toEqual(sync);
    expect(seen.length).toBe(new Uint32Array(sync.sigCounts).reduce((a, b) => a + b, 0));
    await expect(
      checkEventBatchWith(packEvents(lines, true), () => Promise.resolve(new Uint8Array(0))),
    ).rejects.toThrow(/answered 0 of/);
  });
});
