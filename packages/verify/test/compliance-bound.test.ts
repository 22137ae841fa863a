import { describe, it, expect, beforeAll, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Ledger from '@hoso/ledger';
import { verifyBundle, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, type Fixture } from './fixture.js';

// Count the rule replays: the ledger's own `replayCheck`, called once per event the pass replays.
const replays = vi.hoisted(() => ({ n: 0 }));
vi.mock('@hoso/ledger', async (importOriginal) => {
  const ledger = await importOriginal<typeof Ledger>();
  return {
    ...ledger,
    replayCheck: (...args: Parameters<typeof ledger.replayCheck>) => {
      replays.n++;
      return ledger.replayCheck(...args);
    },
  };
});

let f: Fixture;
let dir: string;
beforeAll(async () => {
  // This fixture breaks the school rules at almost every event (nobody holds the roles it acts in).
  f = await buildFixture({ students: 40, changes: 40 });
  dir = mkdtempSync(join(tmpdir(), 'hoso-verify-bound-'));
});

/** `bytes` with its first signature changed: an event edited after it was signed. */
function forge(bytes: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(bytes);
  const sig = /"sig":"([A-Za-z0-9_-]+)"/.exec(text)![1]!;
  return new TextEncoder().encode(text.replace(sig, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)));
}

async function verify(events: Uint8Array[], workers: number): Promise<VerifyReport> {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.hoso`);
  writeFileSync(path, bundleText(f.ledger, events, [f.checkpoint(events.length, events)]));
  replays.n = 0;
  const r = await verifyBundle(path, { trust: f.trust, workers, batchSize: 16 });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const positions = (r: VerifyReport, code: string) => r.findings.filter((x) => x.code === code).map((x) => x.position!);

describe('a bundle whose authenticity fails cannot buy rule replays', () => {
  it('without a forged event every event is replayed and every violation reported', async () => {
    const r = await verify(f.events, 0);
    expect(replays.n).toBe(f.events.length);
    expect(r.passes.compliance).toBe('failed');
    expect(Math.max(...positions(r, 'rule-violation'))).toBe(f.events.length - 1);
    expect(positions(r, 'compliance-stopped')).toEqual([]);
  });

  it('the replay ends with the first event that is not authentic, says so, and replays nothing after it', async () => {
    const at = 30;
    const events = [...f.events];
    events[at] = forge(events[at]!);
    for (const workers of [0, 2]) {
      const r = await verify(events, workers);
      expect(replays.n).toBe(at + 1);
      expect(positions(r, 'signature-invalid')).toEqual([at]);
      expect(positions(r, 'compliance-stopped')).toEqual([at]);
      expect(positions(r, 'rule-violation').every((p) => p <= at)).toBe(true);
      const stopped = r.findings.find((x) => x.code === 'compliance-stopped')!;
      expect(stopped.severity).toBe('warning');
      expect(stopped.message_vi).toContain(`vị trí ${at}`);
      expect(r.verdict).toBe('failed');
    }
  });

  it('a forged first event is the only one replayed: the compliance verdict is incomplete, not passed', async () => {
    const events = [forge(f.events[0]!), ...f.events.slice(1)];
    const r = await verify(events, 0);
    expect(replays.n).toBe(1);
    expect(r.passes.compliance).toBe('incomplete');
    expect(positions(r, 'rule-violation')).toEqual([]);
  });

  it('a signer key that is not registered stops it too (authenticity beyond the signature)', async () => {
    const { signEnvelope, encodeEnvelope, newEventId } = await import('@hoso/core');
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger: f.ledger,
        stream: 'student/new',
        rev: 0,
        prev: null,
        type: 'StudentRegistered',
        data: {
          student: 'new',
          year: '2024-2025',
          class: '10a1',
          bio: { name: 'Học sinh mới', birthDate: '2008-01-01', sex: 'F' },
        },
        at: '2024-09-05T09:00:00.000+07:00',
        by: { key: f.stranger.key, role: 'homeroom' },
      },
      [{ signer: f.stranger.signer, role: 'homeroom' }],
    );
    const events = [...f.events.slice(0, 10), encodeEnvelope(env), ...f.events.slice(10)];
    const r = await verify(events, 1);
    expect(positions(r, 'key-unregistered')).toEqual([10]);
    expect(positions(r, 'compliance-stopped')).toEqual([10]);
    expect(replays.n).toBe(11);
  });
});
