import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEnvelope, encodeEnvelope, signEnvelope, type Envelope } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { verifyBundle, verifyStore, type Finding, type VerifyOptions, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, storeOf, type Fixture } from './fixture.js';

/**
 * Event ids are compared in bounded memory: spilled as sorted runs to a temporary file and merged
 * at the end. With a buffer of a few ids the whole verifier must reach the very verdict it
 * reaches in memory, on either thread layout, and leave no temporary file behind on any path.
 */

let f: Fixture;
let dir: string;
let n: number;
beforeAll(async () => {
  f = await buildFixture({ students: 4, changes: 12 });
  n = f.events.length;
  dir = mkdtempSync(join(tmpdir(), 'hoso-bounded-'));
});

let counter = 0;
async function verify(text: string, opts: VerifyOptions): Promise<VerifyReport> {
  const path = join(dir, `b${counter++}.hoso`);
  writeFileSync(path, text);
  const r = await verifyBundle(path, { trust: f.trust, compliance: false, ...opts });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const envAt = (p: number): Envelope => {
  const d = decodeEnvelope(f.events[p]!);
  if (d._tag === 'Left') throw new Error('fixture event does not decode');
  return d.right;
};
const comparable = (r: VerifyReport) => ({
  ok: r.ok,
  passes: r.passes,
  root: r.root,
  findings: r.findings.map((x: Finding) => ({ ...x })),
});

describe('duplicate ids with a tiny id buffer (spilled runs)', () => {
  it('a duplicated line: the same report as in memory, on 0 and 1 workers; both positions named; no temporary file left', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'hoso-bounded-temp-'));
    for (const p of [0, 4, n - 1]) {
      const events = [...f.events.slice(0, p + 1), f.events[p]!, ...f.events.slice(p + 1)];
      const text = bundleText(f.ledger, events, [f.checkpoint(events.length, events)]);
      const inMemory = await verify(text, { workers: 0 });
      expect(
        inMemory.findings
          .filter((x) => x.code === 'duplicate-id')
          .map((x) => [x.position, x.details?.['first'], x.stream]),
      ).toEqual([[p + 1, p, envAt(p).stream]]);
      for (const workers of [0, 1]) {
        for (const idBuffer of [1, 2, 3]) {
          const spilled = await verify(text, { workers, idBuffer, tempDir: temp });
          expect(comparable(spilled)).toEqual(comparable(inMemory));
        }
      }
    }
    expect(readdirSync(temp)).toEqual([]);
  });

  it('an event re-signed under an earlier id in a fresh stream: duplicate-id is its only integrity finding', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'hoso-bounded-temp-'));
    const env = envAt(7);
    const { sigs: _s, ...unsigned } = env;
    const copy = await signEnvelope({ ...unsigned, stream: 'student/hs-copy', rev: 0, prev: null }, [
      { signer: f.teacher.signer, role: env.by.role },
    ]);
    const events = [...f.events, encodeEnvelope(copy)];
    const r = await verify(bundleText(f.ledger, events, [f.checkpoint(events.length, events)]), {
      workers: 0,
      idBuffer: 2,
      tempDir: temp,
    });
    const integrity = r.findings.filter((x) => x.severity === 'error' && x.code !== 'rule-violation');
    expect(integrity.map((x) => [x.code, x.position, x.event, x.stream, x.details])).toEqual([
      ['duplicate-id', n, env.id, 'student/hs-copy', { first: 7 }],
    ]);
    expect(r.passes.integrity).toBe('failed');
    expect(readdirSync(temp)).toEqual([]);
  });

  it('an untouched bundle verifies clean with every id spilled', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'hoso-bounded-temp-'));
    const r = await verify(bundleText(f.ledger, f.events, [f.checkpoint(n)]), {
      workers: 1,
      idBuffer: 2,
      tempDir: temp,
    });
    expect(r.ok).toBe(true);
    expect(r.findings.filter((x) => x.severity === 'error')).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('removes the temporary file when the store fails half-way', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'hoso-bounded-temp-'));
    const store = await storeOf(f);
    // Whichever read the verifier uses fails after n − 3 events, one event per batch (so the
    // ids have been spilled by then).
    let served = 0;
    const serve = <T>(e: T): T => {
      if (served++ === n - 3) throw new Error('disk gone');
      return e;
    };
    const failing = Object.create(store) as EventStore;
    failing.read = (ledger, range) =>
      (async function* () {
        for await (const e of store.read(ledger, range)) yield serve(e);
      })();
    failing.readBytes = (ledger, range) =>
      (async function* () {
        for await (const batch of store.readBytes(ledger, range)) for (const e of batch) yield [serve(e)];
      })();
    const r = await verifyStore(failing, f.ledger, { trust: f.trust, workers: 0, idBuffer: 2, tempDir: temp });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.findings.map((x) => x.code)).toContain('bundle-unreadable');
    expect(served).toBe(n - 2);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('refuses a bad idBuffer or tempDir, naming the option', async () => {
    const path = join(dir, 'ok.hoso');
    writeFileSync(path, bundleText(f.ledger, f.events, [f.checkpoint(n)]));
    for (const [opts, field] of [
      [{ idBuffer: 0 }, 'idBuffer'],
      [{ idBuffer: 1.5 }, 'idBuffer'],
      [{ tempDir: '' }, 'tempDir'],
      [{ tempDir: join(dir, 'no-such-dir') }, 'tempDir'],
      [{ tempDir: path }, 'tempDir'],
    ] as const) {
      const r = await verifyBundle(path, { trust: f.trust, ...opts });
      expect(r._tag).toBe('Left');
      if (r._tag === 'Left') expect(r.left.path).toEqual([field]);
    }
  });
});
