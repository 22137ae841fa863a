import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle, type VerifyOptions, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, withChanges, type Fixture } from './fixture.js';

let f: Fixture;
let dir: string;
beforeAll(async () => {
  f = await buildFixture();
  dir = mkdtempSync(join(tmpdir(), 'hoso-verify-time-'));
});

/** Minute `m` after the fixture's last event, in the school's offset. */
function minute(m: number): string {
  const last = Date.parse('2024-09-05T00:30:00.000Z') + (f.events.length - 1) * 60_000;
  return new Date(last + m * 60_000 + 7 * 3600_000).toISOString().replace('Z', '+07:00');
}

const FAR = '9999-12-31T23:59:59.000+07:00';

async function run(events: Uint8Array[], opts: VerifyOptions, workers: number): Promise<VerifyReport> {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.hoso`);
  writeFileSync(path, bundleText(f.ledger, events, [f.checkpoint(events.length, events)]));
  const r = await verifyBundle(path, { workers, batchSize: 4, compliance: false, ...opts });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const timeFindings = (r: VerifyReport) =>
  r.findings
    .filter((x) => x.code === 'time-ahead' || x.code === 'time-backwards')
    .map((x) => [x.code, x.position, (x.details as { reference?: string } | undefined)?.reference ?? null]);

describe('signing times (docs/design.md §8)', () => {
  it('a far-future time is one time-ahead finding, measured against the witness cosignature, and flags no later event', async () => {
    const events = await withChanges(f, [minute(1), FAR, ...[2, 3, 4, 5, 6, 7, 8].map(minute)]);
    const far = f.events.length + 1;
    for (const workers of [0, 1]) {
      const r = await run(events, { trust: f.trust }, workers);
      expect(timeFindings(r)).toEqual([['time-ahead', far, 'checkpoint']]);
      expect(r.verdict).toBe('verified');
      const ahead = r.findings.find((x) => x.code === 'time-ahead')!;
      expect(ahead.severity).toBe('warning');
      expect(ahead.message).toContain('so-gddt.example');
    }
  });

  it('without a witness, the events that follow outvote it: still one finding, none after it', async () => {
    const events = await withChanges(f, [minute(1), FAR, ...[2, 3, 4, 5, 6, 7, 8].map(minute)]);
    const r = await run(events, { trust: { rootKeys: f.trust.rootKeys, sealKeys: f.trust.sealKeys } }, 0);
    expect(timeFindings(r)).toEqual([['time-ahead', f.events.length + 1, 'later-events']]);
  });

  it('a backdated event after a far-future one is still found, against the time the log had really reached', async () => {
    const ats = [minute(1), FAR, minute(2), minute(3), minute(4), minute(-30), minute(5), minute(6), minute(7)];
    const events = await withChanges(f, ats);
    const n = f.events.length;
    for (const trust of [f.trust, { rootKeys: f.trust.rootKeys, sealKeys: f.trust.sealKeys }]) {
      const r = await run(events, { trust }, 0);
      expect(timeFindings(r).map(([code, p]) => [code, p])).toEqual([
        ['time-ahead', n + 1],
        ['time-backwards', n + 5],
      ]);
    }
  });

  it('several events a little ahead of the witness, within the tolerance, are not flagged', async () => {
    // The checkpoint of the whole bundle is cosigned at 1_725_500_000 + size seconds (01:33 UTC).
    const cosigned = (1_725_500_000 + f.events.length + 3) * 1000;
    const iso = (ms: number) => new Date(ms + 7 * 3600_000).toISOString().replace('Z', '+07:00');
    const events = await withChanges(f, [
      iso(cosigned - 60_000),
      iso(cosigned + 5 * 60_000),
      iso(cosigned + 9 * 60_000),
    ]);
    const r = await run(events, { trust: f.trust }, 0);
    expect(timeFindings(r)).toEqual([]);
    const late = await withChanges(f, [iso(cosigned - 60_000), iso(cosigned + 11 * 60_000), iso(cosigned)]);
    expect(timeFindings(await run(late, { trust: f.trust }, 0))).toEqual([
      ['time-ahead', f.events.length + 1, 'checkpoint'],
    ]);
  });
});
