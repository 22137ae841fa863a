/**
 * RFC 3161 timestamps on seal checkpoints: the token stamps the signed note's exact bytes, rides
 * in the note as a line C2SP verifiers ignore, is checked by the one shared check (imprint, the
 * TSA's chain to the trust list with the timeStamping EKU, evidence inside), and `openssl ts
 * -verify` accepts it with the note as data.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  fromBase64,
  noteTimestamps,
  openCheckpoint,
  signCheckpoint,
  signerVerifier,
  cosignCheckpoint,
  TIMESTAMP_KEY_NAME,
  type Checkpoint,
  type NoteSigner,
} from '@hoso/core';
import { encodePem, type Certificate } from '@hoso/pki';
import { createTestPki, createTestTsa, type TestPki } from '@hoso/pki/testing';
import { checkCheckpointTimestamps, timestampCheckpoint, type TimestampEvidence } from '../src/index.js';

const NOW = new Date('2025-06-01T08:00:00+07:00');

function openssl(args: readonly string[]): { code: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const seal: NoteSigner = { name: 'hoso/thcs-test', seed: new Uint8Array(32).fill(7) };
const witness: NoteSigner = { name: 'so-gddt.example', seed: new Uint8Array(32).fill(9) };
const cp: Checkpoint = { origin: 'hoso/thcs-test', size: 42, root: new Uint8Array(32).fill(3) };

function codes(ps: readonly { code: string }[]): string[] {
  return [...new Set(ps.map((p) => p.code))].sort();
}

describe('timestamps on checkpoints', () => {
  let pki: TestPki;
  let roots: Certificate[];
  let evidence: TimestampEvidence;
  let note: string;
  let stamped: string;
  let dir: string;

  beforeAll(async () => {
    pki = await createTestPki({ keyType: 'ecdsa-p256', now: NOW });
    roots = [pki.root.certificate];
    evidence = { crls: [await pki.crl(NOW), await pki.crl(NOW, pki.root)] };
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: () => NOW });
    note = signCheckpoint(cp, seal);
    const r = await timestampCheckpoint(note, { authority: tsa, evidence, trust: { roots } });
    if (isLeft(r)) throw new Error(r.left.message);
    stamped = r.right;
    dir = mkdtempSync(join(tmpdir(), 'hoso-cp-tst-'));
    writeFileSync(join(dir, 'root.pem'), encodePem('CERTIFICATE', pki.root.certificate.der));
  });

  it('adds one line over the exact note; the seal signature and the body are unchanged', () => {
    expect(stamped.startsWith(note)).toBe(true);
    expect(stamped.slice(note.length)).toMatch(new RegExp(`^— ${TIMESTAMP_KEY_NAME} [A-Za-z0-9+/=]+\n$`));
    const ts = noteTimestamps(stamped);
    expect(ts).toHaveLength(1);
    expect(ts[0]!.data).toBe(note);
    expect(ts[0]!.index).toBe(1);
    // C2SP: a verifier that does not know the line ignores it.
    const opened = openCheckpoint(stamped, [signerVerifier(seal)]);
    expect(isLeft(opened)).toBe(false);
  });

  it('checks: the time it proves, the TSA, no problem', async () => {
    const [c] = await checkCheckpointTimestamps(stamped, { roots });
    expect(c!.problems).toEqual([]);
    expect(c!.ok).toBe(true);
    expect(c!.time!.toISOString()).toBe(NOW.toISOString());
    expect(c!.tsa!.subject.commonName).toBe('TSA thử nghiệm hoso');
  });

  it('still covers the same bytes after a witness cosigns below it', async () => {
    const cosigned = cosignCheckpoint(stamped, witness, 1_750_000_000);
    expect(cosigned.length).toBeGreaterThan(stamped.length);
    const ts = noteTimestamps(cosigned);
    expect(ts[0]!.data).toBe(note);
    const [c] = await checkCheckpointTimestamps(cosigned, { roots });
    expect(c!.ok).toBe(true);
  });

  it('openssl ts -verify accepts the token with the note as data, and refuses another note', () => {
    const token = noteTimestamps(stamped)[0]!.token;
    writeFileSync(join(dir, 'token.der'), token);
    writeFileSync(join(dir, 'note.txt'), note);
    const ok = openssl([
      'ts',
      '-verify',
      '-token_in',
      '-in',
      join(dir, 'token.der'),
      '-data',
      join(dir, 'note.txt'),
      '-CAfile',
      join(dir, 'root.pem'),
    ]);
    expect(ok.out).toContain('Verification: OK');
    writeFileSync(join(dir, 'other.txt'), note.replace('42', '43'));
    const bad = openssl([
      'ts',
      '-verify',
      '-token_in',
      '-in',
      join(dir, 'token.der'),
      '-data',
      join(dir, 'other.txt'),
      '-CAfile',
      join(dir, 'root.pem'),
    ]);
    expect(bad.out).toContain('Verification: FAILED');
  });

  it('a token moved onto another note is for other data', async () => {
    const other = signCheckpoint({ ...cp, size: 43 }, seal);
    const line = stamped.slice(note.length);
    const [c] = await checkCheckpointTimestamps(other + line, { roots });
    expect(c!.ok).toBe(false);
    expect(codes(c!.problems)).toContain('timestamp-mismatch');
    expect(c!.problems.find((p) => p.code === 'timestamp-mismatch')!.path).toEqual([
      'timestamps',
      1,
      'tstInfo',
      'messageImprint',
    ]);
  });

  it('a TSA of another CA, or a certificate without the timeStamping EKU, does not hold', async () => {
    const foreign = await timestampCheckpoint(note, {
      authority: createTestTsa({
        signer: pki.signer(await pki.issuePerson({ name: 'TSA khác', cccd: '001185000901', byOtherCa: true })),
      }),
      evidence,
    });
    if (isLeft(foreign)) throw new Error(foreign.left.message);
    const [f] = await checkCheckpointTimestamps(foreign.right, { roots });
    expect(f!.ok).toBe(false);
    expect(codes(f!.problems)).toEqual(['extended-key-usage', 'issuer-not-found']);

    const teacher = await pki.issuePerson({ name: 'Giáo viên', cccd: '001185000902' });
    const noEku = await timestampCheckpoint(note, {
      authority: createTestTsa({ signer: pki.signer(teacher) }),
      evidence,
    });
    if (isLeft(noEku)) throw new Error(noEku.left.message);
    const [n] = await checkCheckpointTimestamps(noEku.right, { roots });
    expect(codes(n!.problems)).toContain('extended-key-usage');
    // …and, given a trust list, stamping refuses to keep such a token.
    const refused = await timestampCheckpoint(note, {
      authority: createTestTsa({ signer: pki.signer(teacher) }),
      evidence,
      trust: { roots },
    });
    expect(isLeft(refused) && refused.left.code).toBe('extended-key-usage');
  });

  it('without the TSA revocation evidence inside, the TSA cannot be checked (revocation required)', async () => {
    const bare = await timestampCheckpoint(note, { authority: createTestTsa({ signer: pki.signer(pki.tsa) }) });
    if (isLeft(bare)) throw new Error(bare.left.message);
    const [c] = await checkCheckpointTimestamps(bare.right, { roots });
    expect(codes(c!.problems)).toEqual(['revocation-missing']);
    const [ignored] = await checkCheckpointTimestamps(bare.right, { roots, revocation: 'ignore' });
    expect(ignored!.ok).toBe(true);
  });

  it('a damaged token line is reported, not a crash; a line of another key ID is not a timestamp', async () => {
    const line = stamped.slice(note.length);
    const raw = fromBase64(line.split(' ')[2]!.trim())!;
    raw[raw.length - 10] = raw[raw.length - 10]! ^ 0xff;
    const damaged = `${note}— ${TIMESTAMP_KEY_NAME} ${Buffer.from(raw).toString('base64')}\n`;
    const [c] = await checkCheckpointTimestamps(damaged, { roots });
    expect(c!.ok).toBe(false);
    raw[0] = raw[0]! ^ 0xff; // the key ID
    const foreignKey = `${note}— ${TIMESTAMP_KEY_NAME} ${Buffer.from(raw).toString('base64')}\n`;
    expect(noteTimestamps(foreignKey)).toEqual([]);
  });

  it('refuses what is not a signed note', async () => {
    const r = await timestampCheckpoint('hoso/x\n1\nAAAA\n', {
      authority: createTestTsa({ signer: pki.signer(pki.tsa) }),
    });
    expect(isLeft(r) && r.left.code).toBe('invalid-argument');
  });
});
