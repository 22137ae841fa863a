import { describe, it, expect, beforeAll } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, type Fixture } from './fixture.js';

let f: Fixture;
let dir: string;
beforeAll(async () => {
  f = await buildFixture();
  dir = mkdtempSync(join(tmpdir(), 'hoso-verify-'));
});

async function verifyText(text: string, opts: Parameters<typeof verifyBundle>[1] = {}): Promise<VerifyReport> {
  const path = join(dir, `b${Math.random().toString(36).slice(2)}.hoso`);
  writeFileSync(path, text);
  const r = await verifyBundle(path, { trust: f.trust, workers: 0, compliance: false, ...opts });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

describe('verifyBundle on an untouched bundle', () => {
  it('verifies clean with all trust anchors', async () => {
    const n = f.events.length;
    const rep = await verifyText(bundleText(f.ledger, f.events, [f.checkpoint(5), f.checkpoint(n)]));
    expect(rep.findings.map((x) => [x.code, x.severity])).toEqual([['compliance-unchecked', 'warning']]);
    expect(rep.ok).toBe(true);
    expect(rep.size).toBe(n);
    expect(rep.passes).toEqual({ integrity: 'passed', authenticity: 'passed', compliance: 'skipped' });
    expect(rep.checkpoints.map((c) => [c.size, c.ok, c.signedBy, c.cosignedBy])).toEqual([
      [5, true, [f.seal.name], [f.witness.name]],
      [n, true, [f.seal.name], [f.witness.name]],
    ]);
    expect(rep.stats.signatures).toBe(n + 2); // two key registrations carry a holder co-signature
    expect(rep.timeline.some((t) => t.type === 'KeyRegistered')).toBe(true);
  });

  it('gives the same report with worker threads and from a one-shot stream', async () => {
    const text = bundleText(f.ledger, f.events, [f.checkpoint(f.events.length)]);
    const a = await verifyText(text, { workers: 2, batchSize: 3 });
    expect(a.findings.filter((x) => x.severity === 'error')).toEqual([]);
    expect(a.stats.workers).toBe(2);
    const r = await verifyBundle(Readable.from([Buffer.from(text)]), { trust: f.trust, workers: 1, compliance: false });
    expect(r._tag === 'Right' && r.right.ok).toBe(true);
  });

  it('warns, but passes, when no trust anchors are given', async () => {
    const rep = await verifyText(bundleText(f.ledger, f.events, [f.checkpoint(f.events.length)]), { trust: {} });
    expect(rep.ok).toBe(true);
    expect(rep.findings.map((x) => x.code).sort()).toEqual([
      'checkpoint-unverified',
      'compliance-unchecked',
      'trust-unanchored',
    ]);
    expect(rep.findings.every((x) => x.severity === 'warning')).toBe(true);
  });

  it('refuses bad options with a typed error naming the field', async () => {
    const r = await verifyBundle(join(dir, 'none'), { trust: { sealKeys: ['nonsense'] } });
    expect(r._tag === 'Left' && r.left.path).toEqual(['trust', 'sealKeys', 0]);
    const w = await verifyBundle(join(dir, 'none'), { workers: -1 });
    expect(w._tag === 'Left' && w.left.path).toEqual(['workers']);
  });

  it('reports an unreadable file as unusable', async () => {
    const r = await verifyBundle(join(dir, 'does-not-exist.hoso'), { trust: f.trust, workers: 0 });
    expect(r._tag).toBe('Right');
    if (r._tag === 'Right') {
      expect(r.right.usable).toBe(false);
      expect(r.right.ok).toBe(false);
      expect(r.right.findings.map((x) => x.code)).toContain('bundle-unreadable');
    }
  });
});

describe('time and reading', () => {
  it('warns when signing time runs backwards beyond the tolerance, and only then', async () => {
    const { encodeEnvelope, signEnvelope, leafHash, toHex, newEventId } = await import('@hoso/core');
    const n = f.events.length;
    const last = JSON.parse(new TextDecoder().decode(f.events[n - 1])) as { stream: string; rev: number; at: string };
    const mk = async (at: string) => {
      const e = await signEnvelope(
        {
          v: 1,
          id: newEventId(),
          ledger: f.ledger,
          stream: last.stream,
          rev: last.rev + 1,
          prev: toHex(leafHash(f.events[n - 1]!)),
          type: 'BiographyChanged',
          data: {
            student: last.stream.split('/')[1]!,
            year: '2024-2025',
            class: '10a1',
            changes: { phone: '0900000000' },
            reason: 'Cập nhật',
          },
          at,
          by: { key: f.teacher.key, role: 'homeroom' },
        },
        [{ signer: f.teacher.signer, role: 'homeroom' }],
      );
      return encodeEnvelope(e);
    };
    const lastAt = Date.parse(last.at);
    const early = await mk(new Date(lastAt - 11 * 60_000).toISOString());
    const slightly = await mk(new Date(lastAt - 5 * 60_000).toISOString());
    for (const [ev, expected] of [
      [early, [n]],
      [slightly, []],
    ] as const) {
      const events = [...f.events, ev];
      const rep = await verifyText(bundleText(f.ledger, events, [f.checkpoint(events.length, events)]));
      expect(rep.findings.filter((x) => x.code === 'time-backwards').map((x) => x.position)).toEqual(expected);
      expect(rep.ok).toBe(true);
    }
  });

  it('readBundle yields the header, events by position and checkpoints, line by line', async () => {
    const { readBundle } = await import('../src/index.js');
    const text = bundleText(f.ledger, f.events.slice(0, 3), [f.checkpoint(3)]);
    const items = [];
    for await (const it of readBundle(Readable.from([Buffer.from(text)]))) items.push(it);
    expect(items.map((i) => i.kind)).toEqual(['header', 'event', 'event', 'event', 'checkpoint']);
    expect(items.map((i) => (i.kind === 'event' ? i.position : null))).toEqual([null, 0, 1, 2, null]);
    expect(items[4]).toMatchObject({ kind: 'checkpoint', line: 5, note: f.checkpoint(3) });
  });
});

describe('bounded checkpoint holding', () => {
  it('keeps the first checkpoints and the latest, and says how many were not checked', async () => {
    const n = f.events.length;
    const notes = [2, 3, 4, 5, n].map((s) => f.checkpoint(s));
    const rep = await verifyText(bundleText(f.ledger, f.events, notes), { maxCheckpoints: 2 });
    expect(rep.ok).toBe(true);
    expect(rep.checkpoints.map((c) => c.size)).toEqual([2, n]);
    expect(rep.findings.filter((x) => x.code === 'checkpoint-unchecked')).toMatchObject([
      { severity: 'warning', details: { dropped: 3 } },
    ]);
  });
});

describe('generic envelopes (catalogue: false)', () => {
  it('verifies the store package’s test events for integrity and signatures, and still catches a bad signature', async () => {
    const { makeTestEvents } = await import('@hoso/store/testing');
    const { formatVerifierKey, leafHash, localSigner, merkleRoot, signCheckpoint } = await import('@hoso/core');
    const { originOf } = await import('../src/index.js');
    const events = await makeTestEvents('generic', [
      { stream: 'a' },
      { stream: 'b' },
      { stream: 'a' },
      { stream: 'a', data: { ghi: 'Điểm 8,5' } },
    ]);
    // The ledger's seal is named after its origin, as `hoso keys generate --name hoso/<ledger>` names it.
    const seal = { name: originOf('generic'), seed: f.seal.seed };
    const cp = (evs: Uint8Array[]) =>
      signCheckpoint(
        { origin: originOf('generic'), size: evs.length, root: merkleRoot(evs.map((e) => leafHash(e))) },
        seal,
      );
    const sealKeys = [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)];
    const opts = { trust: { sealKeys }, catalogue: false };
    const clean = await verifyText(bundleText('generic', events, [cp(events)]), opts);
    expect(clean.findings.map((x) => x.code)).toEqual(['compliance-unchecked']);
    expect(clean.ok).toBe(true);
    expect(clean.passes).toEqual({ integrity: 'passed', authenticity: 'passed', compliance: 'skipped' });
    const text = new TextDecoder().decode(events[2]);
    const sig = /"sig":"([A-Za-z0-9_-]+)"/.exec(text)![1]!;
    const forged = text.replace(sig, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    const bad = [...events];
    bad[2] = new TextEncoder().encode(forged);
    const rep = await verifyText(bundleText('generic', bad, [cp(bad)]), opts);
    expect(rep.findings.filter((x) => x.severity === 'error').map((x) => [x.code, x.position])).toEqual([
      ['signature-invalid', 2],
      ['stream-prev-mismatch', 3],
    ]);
  });
});

describe('every line is canonical (docs/design.md §7)', () => {
  const BOM = '\ufeff';
  it('a byte-order mark or a carriage return makes the header, an event or a checkpoint line invalid', async () => {
    const lines = bundleText(f.ledger, f.events, [f.checkpoint(f.events.length)]).split('\n');
    const cp = f.events.length + 1;
    const at = (i: number, s: string) => lines.map((l, k) => (k === i ? s : l)).join('\n');
    for (const header of [BOM + lines[0]!, lines[0]! + '\r']) {
      const r = await verifyText(at(0, header));
      expect(r.verdict).toBe('unusable');
      expect(r.findings.map((x) => x.code)).toContain('header-invalid');
    }
    for (const event of [BOM + lines[3]!, lines[3]! + '\r']) {
      const r = await verifyText(at(3, event), { workers: 1 });
      const found = r.findings.filter((x) => x.severity === 'error' && x.position === 2).map((x) => x.code);
      expect(found.some((c) => c === 'event-not-canonical' || c === 'event-invalid')).toBe(true);
      expect(r.verdict).toBe('failed');
    }
    for (const checkpoint of [BOM + lines[cp]!, lines[cp]! + '\r']) {
      const r = await verifyText(at(cp, checkpoint));
      expect(r.findings.map((x) => x.code)).toContain('checkpoint-invalid');
      expect(r.verdict).toBe('failed');
    }
  });
});
