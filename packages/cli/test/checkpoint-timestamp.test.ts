/**
 * `hoso checkpoint --tsa URL`: the seal's checkpoint is timestamped by an RFC 3161 TSA (the
 * in-process test TSA served on 127.0.0.1), the token kept in the note with the TSA's CRLs
 * inside; `openssl ts -verify` accepts it with the signed note as data; `hoso verify` shows the
 * time it proves; a TSA that cannot be reached keeps nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noteTimestamps } from '@hoso/core';
import { encodePem } from '@hoso/pki';
import { createTestPki, createTestTsa, serveTsa, type Served, type TestPki } from '@hoso/pki/testing';
import { buildSchool } from '@hoso/ledger/testing';
import { openSqliteStore } from '@hoso/store-sqlite';
import { hoso } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'hoso-cli-tst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let pki: TestPki;
let served: Served;
const db = join(dir, 'ledger.db');

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'rsa-pss' });
  served = await serveTsa(createTestTsa({ signer: pki.signer(pki.tsa) }));
  const store = openSqliteStore({ path: db, ledger: 'thpt-test' });
  await buildSchool({ store, ledger: 'thpt-test' });
  await store.flush();
  await store.close();
  writeFileSync(join(dir, 'ca.crl'), await pki.crl());
  writeFileSync(join(dir, 'root.crl'), encodePem('X509 CRL', await pki.crl(undefined, pki.root)));
  writeFileSync(join(dir, 'ca-root.pem'), encodePem('CERTIFICATE', pki.root.certificate.der));
  expect((await hoso(['keys', 'generate', '--name', 'hoso/thpt-test', '--out', dir])).code).toBe(0);
}, 60_000);
afterAll(() => served.close());

function openssl(args: readonly string[]): string {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

describe('hoso checkpoint --tsa', () => {
  it('a TSA that cannot be reached is exit 1 naming --tsa, and no checkpoint is kept', async () => {
    const r = await hoso([
      'checkpoint',
      '--db',
      db,
      '--key',
      join(dir, 'hoso_thpt-test.key'),
      '--tsa',
      'http://127.0.0.1:9/',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('http-error');
    expect(r.stderr).toContain('--tsa');
    expect(readdirSync(dir)).not.toContain('ledger.db.checkpoints');
  });

  it('--tsa-crl without --tsa is a usage error', async () => {
    const r = await hoso([
      'checkpoint',
      '--db',
      db,
      '--key',
      join(dir, 'hoso_thpt-test.key'),
      '--tsa-crl',
      join(dir, 'ca.crl'),
    ]);
    expect(r.code).toBe(2);
  });

  it('keeps the token in the note; OpenSSL accepts it over the signed note; hoso verify shows its time', async () => {
    const r = await hoso([
      'checkpoint',
      '--db',
      db,
      '--key',
      join(dir, 'hoso_thpt-test.key'),
      '--tsa',
      served.url,
      '--tsa-crl',
      join(dir, 'ca.crl'),
      '--tsa-crl',
      join(dir, 'root.crl'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; timestamps: number };
    expect(out.timestamps).toBe(1);
    const note = readFileSync(out.file, 'utf8');
    const [t] = noteTimestamps(note);
    writeFileSync(join(dir, 'token.der'), t!.token);
    writeFileSync(join(dir, 'note.txt'), t!.data);
    expect(
      openssl([
        'ts',
        '-verify',
        '-token_in',
        '-in',
        join(dir, 'token.der'),
        '-data',
        join(dir, 'note.txt'),
        '-CAfile',
        join(dir, 'ca-root.pem'),
      ]),
    ).toContain('Verification: OK');

    const bundle = join(dir, 'ledger.hoso');
    expect((await hoso(['export', '--db', db, '--out', bundle])).code).toBe(0);
    const args = ['verify', bundle, '--trust', join(dir, 'hoso_thpt-test.vkey'), '--trust', join(dir, 'ca-root.pem')];
    const v = await hoso(args);
    expect(v.stdout).toMatch(/timestamped \/ dấu thời gian \d{4}-\d\d-\d\dT[\d:.]+Z \(CN=TSA thử nghiệm hoso/);
    const j = JSON.parse((await hoso([...args, '--json'])).stdout) as {
      findings: { code: string }[];
      checkpoints: { timestamps?: { ok: boolean | null; time: string }[] }[];
    };
    expect(j.findings.filter((f) => f.code.includes('timestamp'))).toEqual([]);
    expect(j.checkpoints[0]!.timestamps![0]!.ok).toBe(true);

    // Without the trust list: shown as not checked.
    const bare = await hoso(['verify', bundle, '--trust', join(dir, 'hoso_thpt-test.vkey')]);
    expect(bare.stdout).toContain('UNCHECKED / CHƯA KIỂM TRA');
    expect(bare.stdout).toContain('checkpoint-timestamp-unchecked');
  });
});
