/**
 * `hoso print --sign … --hoc-ba-so` and `hoso verify-document` through the built command, on the
 * demo's ledger: a student's học bạ signed by the homeroom teacher, the principal and the seal
 * (B-T, with the test TSA served on 127.0.0.1), pdfsig's view of it, the package verified, and
 * the tampering each check catches (a PDF byte, the data file, the proof of another checkpoint).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '@hoso/pki';
import { createTestPki, createTestTsa, serveTsa, type TestIdentity, type TestPki } from '@hoso/pki/testing';
import { hoso } from './run.js';

const run = promisify(execFile);
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hoso-signed-print-'));
  scratch.push(d);
  return d;
};

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END ${label}-----\n`;

/** A `--sign` file: the PKCS #8 key, the certificate, its intermediates. */
function keyFile(dir: string, name: string, who: TestIdentity): string {
  const f = join(dir, `${name}.pem`);
  writeFileSync(
    f,
    pem('PRIVATE KEY', who.key.pkcs8) +
      pem('CERTIFICATE', who.certificate.der) +
      who.chain.map((c: Certificate) => pem('CERTIFICATE', c.der)).join(''),
  );
  return f;
}

describe('hoso print --sign --hoc-ba-so, hoso verify-document', () => {
  const dir = tempDir();
  const out = join(dir, 'print');
  let pki: TestPki;
  let tsaUrl: string;
  let close: () => Promise<void>;
  let trustArgs: string[];
  const pdf = join(out, 'hoc-ba-hs-00001.pdf');

  beforeAll(async () => {
    const demo = await hoso([
      'demo',
      '--dir',
      dir,
      '--students',
      '12',
      '--seed',
      'print-seed',
      '--no-print',
      '--quiet',
    ]);
    expect(demo.code, demo.stderr).toBe(0);
    pki = await createTestPki({ keyType: 'rsa-pss' });
    const served = await serveTsa(createTestTsa({ signer: pki.signer(pki.tsa) }));
    tsaUrl = served.url;
    close = () => served.close();
    const homeroom = await pki.issuePerson({ name: 'Trần Thị Lan', cccd: '066185000123' });
    const principal = await pki.issuePerson({ name: 'Phạm Văn Đức', cccd: '066175000456' });
    const seal = await pki.issueSeal({ name: 'Trường THPT Demo', taxCode: '6400123456' });
    writeFileSync(join(dir, 'root.pem'), pem('CERTIFICATE', pki.root.certificate.der));
    writeFileSync(join(dir, 'inter.crl'), await pki.crl());
    writeFileSync(join(dir, 'root.crl'), await pki.crl(undefined, pki.root));
    trustArgs = [
      '--ca',
      join(dir, 'root.pem'),
      '--crl',
      join(dir, 'inter.crl'),
      '--crl',
      join(dir, 'root.crl'),
      '--seal',
      join(dir, 'seal.vkey'),
    ];
    const r = await hoso([
      'print',
      '--db',
      join(dir, 'ledger.db'),
      '--out',
      out,
      '--student',
      'hs-00001',
      '--format',
      'pdf',
      '--sign',
      `homeroom=${keyFile(dir, 'homeroom', homeroom)}`,
      '--sign',
      `principal=${keyFile(dir, 'principal', principal)}`,
      '--sign',
      `seal=${keyFile(dir, 'seal', seal)}`,
      '--tsa',
      tsaUrl,
      '--hoc-ba-so',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { signed: Array<{ name: string; signedBy: string[] }> };
    expect(j.signed).toEqual([{ name: 'hoc-ba-hs-00001', signedBy: ['homeroom', 'principal', 'seal'], unsigned: [] }]);
  }, 180_000);
  afterAll(async () => close?.());

  it('writes the signed PDF, the data file, its signature and the proof', () => {
    expect(readdirSync(out).sort()).toEqual([
      'hoc-ba-hs-00001.json',
      'hoc-ba-hs-00001.json.p7s',
      'hoc-ba-hs-00001.pdf',
      'hoc-ba-hs-00001.proof',
    ]);
    const data = JSON.parse(readFileSync(join(out, 'hoc-ba-hs-00001.json'), 'utf8')) as Record<string, unknown>;
    expect(data['format']).toBe('hoso-hoc-ba-so');
    expect(data['version']).toBe(1);
    expect(data['book']).toBe('student/hs-00001');
  });

  it('pdfsig: three valid ETSI.CAdES.detached signatures, the last over the whole file', async () => {
    const { stdout } = await run('pdfsig', ['-nocert', pdf]);
    expect(stdout.match(/Signature is Valid\./g)).toHaveLength(3);
    expect(stdout.match(/ETSI\.CAdES\.detached/g)).toHaveLength(3);
    expect(stdout.match(/Total document signed/g)).toHaveLength(1);
  });

  it('verify-document: the package verifies (signatures, data, proof)', async () => {
    const r = await hoso(['verify-document', pdf, ...trustArgs, '--require-timestamp', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as {
      ok: boolean;
      package: boolean;
      signatures: Array<{ ok: boolean; level: string; laterChanges: string }>;
      proof: { signedBy: string[] };
    };
    expect(v.ok).toBe(true);
    expect(v.package).toBe(true);
    expect(v.signatures.map((s) => [s.ok, s.level, s.laterChanges])).toEqual([
      [true, 'B-T', 'signatures-only'],
      [true, 'B-T', 'signatures-only'],
      [true, 'B-T', 'none'],
    ]);
    expect(v.proof.signedBy.length).toBeGreaterThan(0);
    const text = await hoso(['verify-document', join(out, 'hoc-ba-hs-00001.json'), ...trustArgs]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^VERIFIED \/ ĐẠT: .*3 signature\(s\), 4 revision\(s\), học bạ số package/);
  });

  it('verify-document: a changed grade in the data file fails its signature and the match with the PDF', async () => {
    const copy = join(tempDir(), 'hoc-ba-hs-00001');
    for (const ext of ['.pdf', '.json.p7s', '.proof'])
      writeFileSync(copy + ext, readFileSync(join(out, `hoc-ba-hs-00001${ext}`)));
    const json = readFileSync(join(out, 'hoc-ba-hs-00001.json'), 'utf8');
    const changed = json.replace(/"(\d),(\d)"/, (_m, a: string, b: string) => `"${a},${b === '9' ? '8' : '9'}"`);
    expect(changed).not.toBe(json);
    writeFileSync(copy + '.json', changed);
    const r = await hoso(['verify-document', copy + '.pdf', ...trustArgs, '--json']);
    expect(r.code).toBe(1);
    const codes = (JSON.parse(r.stdout) as { problems: Array<{ code: string; path: unknown[] }> }).problems;
    expect(codes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'signature-invalid', path: ['data', 'signature'] }),
        expect.objectContaining({ code: 'data-mismatch', path: ['data', 'document'] }),
      ]),
    );
  });

  it('verify-document: a byte changed in the PDF is caught, naming the signatures', async () => {
    const f = readFileSync(pdf);
    const at = f.indexOf('/Title');
    f[at + 8] = f[at + 8]! ^ 1;
    const bad = join(tempDir(), 'bad.pdf');
    writeFileSync(bad, f);
    const r = await hoso(['verify-document', bad, ...trustArgs.slice(0, 6)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^NOT VERIFIED \/ KHÔNG ĐẠT/);
    expect(r.stdout).toMatch(/signature-invalid: signature "Chữ ký 1" does not verify: content-digest-mismatch/);
  });

  it('verify-document: usage errors for a missing --ca and for a package without the seal key', async () => {
    const a = await hoso(['verify-document', pdf]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--ca/);
    const b = await hoso(['verify-document', pdf, ...trustArgs.slice(0, 6)]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--seal/);
  });

  it('print --sign: a TSA failing at the second document leaves the folder as it was', async () => {
    const o = join(tempDir(), 'out');
    await hoso(['print', '--db', join(dir, 'ledger.db'), '--out', o, '--register', '--format', 'html']);
    const before = readdirSync(o).sort();
    const earlier = readFileSync(join(o, 'so-dang-bo.html'));
    // Three timestamps sign the first học bạ (homeroom, principal, seal); the fourth reply is no reply.
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
    let answered = 0;
    const failing = await serveTsa({
      ...tsa,
      respond: async (b: Uint8Array) => (answered++ < 3 ? tsa.respond(b) : new Uint8Array()),
    });
    try {
      const r = await hoso([
        'print',
        '--db',
        join(dir, 'ledger.db'),
        '--out',
        o,
        '--student',
        'hs-00001',
        '--student',
        'hs-00002',
        '--sign',
        `homeroom=${join(dir, 'homeroom.pem')}`,
        '--sign',
        `principal=${join(dir, 'principal.pem')}`,
        '--sign',
        `seal=${join(dir, 'seal.pem')}`,
        '--tsa',
        failing.url,
      ]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/hoc-ba-hs-00002/);
      expect(answered).toBeGreaterThan(3);
      expect(readdirSync(o).sort()).toEqual(before);
      expect(readFileSync(join(o, 'so-dang-bo.html')).equals(earlier)).toBe(true);
    } finally {
      await failing.close();
    }
  });

  it('print --sign with a key file that is not one: refused, nothing written', async () => {
    const o = join(tempDir(), 'none');
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    const r = await hoso([
      'print',
      '--db',
      join(dir, 'ledger.db'),
      '--out',
      o,
      '--student',
      'hs-00001',
      '--sign',
      `homeroom=${join(dir, 'junk.pem')}`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid-key-file/);
    expect(() => readdirSync(o)).toThrow();
    const role = await hoso([
      'print',
      '--db',
      join(dir, 'ledger.db'),
      '--out',
      o,
      '--student',
      'hs-00001',
      '--sign',
      'nobody=x',
    ]);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/--sign is <role>=<value>/);
  });
});

describe('hoso demo --sign', () => {
  it('writes signed học bạ, register and minutes that pdfsig and verify-document accept', async () => {
    const dir = tempDir();
    const r = await hoso(['demo', '--dir', dir, '--students', '12', '--seed', 'sign-seed', '--sign', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const minutes = join(dir, 'print', 'bien-ban-01-bb-scdl.pdf');
    const { stdout } = await run('pdfsig', ['-nocert', minutes]);
    // The requester, the witness, the approver, then the school's seal.
    expect(stdout.match(/Signature is Valid\./g)).toHaveLength(4);
    const pki = join(dir, 'pki');
    for (const f of [minutes, join(dir, 'print', 'hoc-ba-hs-00001.pdf'), join(dir, 'print', 'so-dang-bo.pdf')]) {
      const v = await hoso([
        'verify-document',
        f,
        '--ca',
        join(pki, 'root.pem'),
        '--crl',
        join(pki, 'ca.crl'),
        '--crl',
        join(pki, 'root.crl'),
        '--require-timestamp',
      ]);
      expect(v.code, v.stdout + v.stderr).toBe(0);
    }
  }, 180_000);
});
