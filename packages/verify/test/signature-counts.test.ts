import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeEnvelope,
  formatVerifierKey,
  leafHash,
  localSigner,
  merkleRoot,
  newEventId,
  sha256,
  signCheckpoint,
  signEnvelope,
  toBase64Url,
  utf8,
  type Signer,
} from '@hoso/core';
import { originOf, verifyBundle, type VerifyOptions, type VerifyReport } from '../src/index.js';
import { buildFixture, bundleText, seed, type Fixture } from './fixture.js';

// Issue: the per-event signature count once travelled in a byte, so an event with 256 signatures
// counted 0 (none checked) and every later event of its batch read another event's verdicts.

const signers: Signer[] = [];
let f: Fixture;
let dir: string;
beforeAll(async () => {
  for (let i = 0; i < 257; i++) signers.push(localSigner(sha256(utf8(`co-signer ${i}`))));
  f = await buildFixture();
  dir = mkdtempSync(join(tmpdir(), 'hoso-verify-sigs-'));
});

/** An event of its own stream signed by `n` keys: the author and n − 1 co-signers named in its data. */
async function signedBy(ledger: string, stream: string, n: number, author: Signer = signers[0]!): Promise<Uint8Array> {
  const all = [author, ...signers.slice(1, n)];
  const env = await signEnvelope(
    {
      v: 1,
      id: newEventId(),
      ledger,
      stream,
      rev: 0,
      prev: null,
      type: 'ManySigned',
      data: { cosigners: all.slice(1).map((s) => toBase64Url(s.publicKey)) },
      at: '2024-09-05T08:00:00.000+07:00',
      by: { key: toBase64Url(author.publicKey), role: 'author' },
    },
    all.map((s, i) => ({ signer: s, role: i === 0 ? 'author' : 'co-signer' })),
  );
  return encodeEnvelope(env);
}

/** `bytes` with signature `index` changed (one base64url character of it). */
function spoil(bytes: Uint8Array, index: number): Uint8Array {
  const env = JSON.parse(new TextDecoder().decode(bytes)) as { sigs: Array<{ sig: string }> };
  const sig = env.sigs[index]!.sig;
  const bad = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
  return new TextEncoder().encode(new TextDecoder().decode(bytes).replace(sig, bad));
}

async function verifyEvents(
  ledger: string,
  events: Uint8Array[],
  opts: VerifyOptions,
  seal: { name: string; seed: Uint8Array },
  checkpoint?: string,
): Promise<VerifyReport> {
  const note =
    checkpoint ??
    signCheckpoint(
      { origin: originOf(ledger), size: events.length, root: merkleRoot(events.map((e) => leafHash(e))) },
      seal,
    );
  const path = join(dir, `s${Math.random().toString(36).slice(2)}.hoso`);
  writeFileSync(path, bundleText(ledger, events, [note]));
  const r = await verifyBundle(path, opts);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const invalid = (r: VerifyReport) =>
  r.findings
    .filter((x) => x.code === 'signature-invalid')
    .map((x) => [x.position, (x.details as { signature: number }).signature]);

describe('events with 255, 256 and 257 signatures', () => {
  it('catalogue off: every signature is checked and each verdict stays with its event, inline and on workers', async () => {
    const ledger = 'many-signers';
    const seal = { name: originOf(ledger), seed: seed(90) };
    const sealKeys = [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)];
    const events: Uint8Array[] = [];
    for (const n of [255, 256, 257]) {
      events.push(await signedBy(ledger, `many/${n}`, n));
      events.push(await signedBy(ledger, `one/${n}`, 1));
    }
    const spoiled = [...events];
    spoiled[2] = spoil(events[2]!, 255); // the last signature of the 256
    spoiled[3] = spoil(events[3]!, 0); // the one after it in the same batch
    spoiled[4] = spoil(events[4]!, 256); // the last of the 257
    for (const [workers, batchSize] of [
      [0, 256],
      [1, 6],
      [2, 2],
      [2, 1],
    ] as const) {
      const opts = { trust: { sealKeys }, catalogue: false, workers, batchSize };
      const clean = await verifyEvents(ledger, events, opts, seal);
      expect(clean.stats.signatures).toBe(255 + 256 + 257 + 3);
      expect(clean.findings.filter((x) => x.severity === 'error')).toEqual([]);
      expect(clean.stats.workers).toBe(workers);
      const bad = await verifyEvents(ledger, spoiled, opts, seal);
      expect(bad.stats.signatures).toBe(255 + 256 + 257 + 3);
      expect(invalid(bad)).toEqual([
        [2, 255],
        [3, 0],
        [4, 256],
      ]);
      expect(bad.verdict).toBe('failed');
    }
  });

  it('catalogue on: a 256-signature event among a school ledger’s events is checked signature by signature', async () => {
    const teacher = f.teacher.signer;
    const many = await signedBy(f.ledger, 'many/256', 256, teacher);
    const after = await signedBy(f.ledger, 'one/after', 1, teacher);
    const events = [...f.events, spoil(many, 255), spoil(after, 0)];
    const fixtureSigs = f.events.reduce(
      (n, e) => n + (JSON.parse(new TextDecoder().decode(e)) as { sigs: unknown[] }).sigs.length,
      0,
    );
    for (const [workers, batchSize] of [
      [0, 256],
      [1, 256],
      [2, 3],
    ] as const) {
      const r = await verifyEvents(
        f.ledger,
        events,
        { trust: f.trust, workers, batchSize, compliance: false },
        f.seal,
        f.checkpoint(events.length, events),
      );
      expect(r.stats.signatures).toBe(fixtureSigs + 257);
      expect(invalid(r)).toEqual([
        [f.events.length, 255],
        [f.events.length + 1, 0],
      ]);
      // The catalogue does not know the type: reported once per event, whatever the signatures.
      expect(r.findings.filter((x) => x.code === 'event-invalid').map((x) => x.position)).toEqual([
        f.events.length,
        f.events.length + 1,
      ]);
    }
  });
});
