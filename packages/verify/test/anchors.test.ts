import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cosignCheckpoint,
  formatVerifierKey,
  leafHash,
  localSigner,
  merkleRoot,
  signCheckpoint,
  SIG_TYPE_COSIGNATURE,
} from '@hoso/core';
import { originOf, renderReport, verifyBundle, type VerifyOptions, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, seed, type Fixture } from './fixture.js';

let f: Fixture;
let dir: string;
beforeAll(async () => {
  f = await buildFixture();
  dir = mkdtempSync(join(tmpdir(), 'hoso-verify-anchors-'));
});

async function verifyText(text: string, opts: VerifyOptions): Promise<VerifyReport> {
  const path = join(dir, `a${Math.random().toString(36).slice(2)}.hoso`);
  writeFileSync(path, text);
  const r = await verifyBundle(path, { workers: 0, compliance: false, ...opts });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const clean = () => bundleText(f.ledger, f.events, [f.checkpoint(f.events.length)]);
const errors = (r: VerifyReport) => r.findings.filter((x) => x.severity === 'error').map((x) => x.code);

describe('the verdict says what was established', () => {
  it('verified only against a root key and a seal key; the report lists what it was checked against', async () => {
    const r = await verifyText(clean(), { trust: f.trust });
    expect(r.verdict).toBe('verified');
    expect(r.ok).toBe(true);
    expect(r.anchors).toMatchObject({
      rootKeys: f.trust.rootKeys,
      sealKeys: [expect.stringMatching(/^hoso\/thpt-test\+[0-9a-f]{8}$/)],
      witnessKeys: [expect.stringMatching(/^so-gddt\.example\+[0-9a-f]{8}$/)],
      since: null,
      missing: [],
    });
    const html = renderReport(r);
    expect(html).toContain('✔ VERIFIED / ĐẠT');
    expect(html).toContain(f.trust.rootKeys[0]);
  });

  it('with no trust anchors: UNANCHORED, not VERIFIED, though nothing was found wrong', async () => {
    const r = await verifyText(clean(), { trust: {} });
    expect(r.verdict).toBe('unanchored');
    expect(r.ok).toBe(true); // the --json field of docs/design.md §9 keeps its meaning: no error finding
    expect(r.anchors).toMatchObject({ rootKeys: [], sealKeys: [], witnessKeys: [], missing: ['root-key', 'seal-key'] });
    const html = renderReport(r);
    expect(html).toContain('UNANCHORED / CHƯA ĐỐI CHIẾU');
    expect(html).not.toContain('✔ VERIFIED');
  });

  it('each missing anchor is named: a seal key alone, a root key alone, the catalogue off', async () => {
    expect((await verifyText(clean(), { trust: { sealKeys: f.trust.sealKeys } })).anchors.missing).toEqual([
      'root-key',
    ]);
    const rootOnly = await verifyText(clean(), { trust: { rootKeys: f.trust.rootKeys } });
    expect([rootOnly.verdict, rootOnly.anchors.missing]).toEqual(['unanchored', ['seal-key']]);
    const generic = await verifyText(clean(), { trust: f.trust, catalogue: false });
    expect([generic.verdict, generic.anchors.missing]).toEqual(['unanchored', ['key-registry']]);
  });

  it('a finding fails the verification whatever the anchors; unreadable input is unusable', async () => {
    const lines = clean().split('\n');
    lines[3] = lines[3]!.replace('"rev":', '"rev": ');
    expect((await verifyText(lines.join('\n'), { trust: {} })).verdict).toBe('failed');
    expect((await verifyText('not a bundle\n', { trust: f.trust })).verdict).toBe('unusable');
  });
});

describe('the inspector pins the ledger they expect', () => {
  it('a bundle of another origin is refused when the inspector names theirs', async () => {
    const r = await verifyText(clean(), { trust: f.trust, expectedOrigin: 'hoso/thpt-other' });
    expect(errors(r)).toEqual(['origin-mismatch']);
    expect(r.verdict).toBe('failed');
    expect(r.anchors.origin).toEqual({
      accepted: 'hoso/thpt-test',
      expected: ['hoso/thpt-other'],
      pinnedBy: 'expected-origin',
    });
    const m = r.findings.find((x) => x.code === 'origin-mismatch')!;
    expect(m.rule).toBe('docs/design.md §5');
    expect(m.message_vi).toContain('hoso/thpt-test');
    expect((await verifyText(clean(), { trust: f.trust, expectedOrigin: 'hoso/thpt-test' })).verdict).toBe('verified');
  });

  it("history made up under another ledger id with the school's own root and seal keys is refused by the seal key's name", async () => {
    // Whoever holds the root and seal keys can write a whole other ledger that every signature accepts.
    const fake = await buildFixture({ ledger: 'thpt-test-2' });
    const seal = { name: originOf(f.ledger), seed: f.seal.seed };
    const note = signCheckpoint(
      {
        origin: originOf(fake.ledger),
        size: fake.events.length,
        root: merkleRoot(fake.events.map((e) => leafHash(e))),
      },
      seal,
    );
    const text = bundleText(fake.ledger, fake.events, [note]);
    const trust = { rootKeys: f.trust.rootKeys, sealKeys: f.trust.sealKeys };
    const r = await verifyText(text, { trust });
    expect(errors(r)).toEqual(['origin-mismatch']);
    expect(r.anchors.origin).toEqual({
      accepted: 'hoso/thpt-test-2',
      expected: ['hoso/thpt-test'],
      pinnedBy: 'seal-key',
    });
    // Only the pin catches it: without it every check passes.
    const unnamed = { name: 'school-seal', seed: f.seal.seed };
    const note2 = signCheckpoint(
      {
        origin: originOf(fake.ledger),
        size: fake.events.length,
        root: merkleRoot(fake.events.map((e) => leafHash(e))),
      },
      unnamed,
    );
    const open = await verifyText(bundleText(fake.ledger, fake.events, [note2]), {
      trust: {
        rootKeys: f.trust.rootKeys,
        sealKeys: [formatVerifierKey(unnamed.name, localSigner(unnamed.seed).publicKey)],
      },
    });
    expect(open.verdict).toBe('verified');
    expect(open.anchors.origin).toEqual({ accepted: 'hoso/thpt-test-2', expected: [], pinnedBy: null });
    expect(renderReport(open)).toContain('NOT PINNED');
  });

  it('a witness named after the origin pins it when no seal key does', async () => {
    const witness = { name: originOf('thpt-elsewhere'), seed: seed(12) };
    const seal = { name: 'school-seal', seed: f.seal.seed };
    const root = merkleRoot(f.events.map((e) => leafHash(e)));
    const note = cosignCheckpoint(
      signCheckpoint({ origin: originOf(f.ledger), size: f.events.length, root }, seal),
      witness,
      1_725_600_000,
    );
    const r = await verifyText(bundleText(f.ledger, f.events, [note]), {
      trust: {
        rootKeys: f.trust.rootKeys,
        sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)],
        witnessKeys: [formatVerifierKey(witness.name, localSigner(witness.seed).publicKey, SIG_TYPE_COSIGNATURE)],
      },
    });
    expect(errors(r)).toEqual(['origin-mismatch']);
    expect(r.anchors.origin.pinnedBy).toBe('witness-key');
  });

  it('a malformed expected origin is a bad option, named', async () => {
    for (const bad of ['thpt-test', 'hoso/', 'hoso/a b', 42]) {
      const r = await verifyBundle(join(dir, 'none.hoso'), { expectedOrigin: bad as string });
      expect(r._tag === 'Left' && r.left.path).toEqual(['expectedOrigin']);
    }
  });
});
