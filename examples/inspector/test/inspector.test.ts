import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSample } from '../make-sample.mjs';
import { inspect } from '../inspect.mjs';

function capture() {
  const o = { out: '', err: '' };
  return { o, io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s) } };
}

/** Rewrite the bundle line (1-based) chosen by `pick` with `edit`; returns the new file's path. */
function tamper(bundle: string, name: string, pick: (line: string) => boolean, edit: (line: string) => string): string {
  const lines = readFileSync(bundle, 'utf8').split('\n');
  const i = lines.findIndex(pick);
  if (i < 0) throw new Error('no line to tamper with');
  lines[i] = edit(lines[i]!);
  const out = join(bundle, '..', name);
  writeFileSync(out, lines.join('\n'));
  return out;
}

describe('examples/inspector', () => {
  let dir: string;
  let sample: Awaited<ReturnType<typeof makeSample>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-inspector-'));
    sample = await makeSample(dir);
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the clean sample year: exit 0, a plain verdict, the HTML report written', async () => {
    const { o, io } = capture();
    const html = join(dir, 'report.html');
    const code = await inspect([sample.bundle, '--trust', sample.trust, '--report', html, '--workers', '0'], io);
    expect(o.err).toBe('');
    expect(code).toBe(0);
    expect(o.out).toContain('Verdict: VERIFIED / ĐẠT');
    expect(o.out).toContain(`${sample.size} events of hoso/thpt-mau`);
    expect(o.out).toContain('held checkpoint of size');
    expect(o.out).toMatch(/checkpoint of size \d+: ok \(sealed by hoso\/thpt-mau; cosigned by so-gddt\.example\)/);
    expect(o.out).toContain('Findings: none');
    const text = readFileSync(html, 'utf8');
    expect(text).toMatch(/^<!doctype html>/i);
    expect(text).toContain('hoso/thpt-mau');
  });

  it('finds a changed mark: exit 1, the finding codes named', async () => {
    // The end-of-term score that was later corrected: change it in place, as a forger would.
    const bad = tamper(
      sample.bundle,
      'changed.hoso',
      (l) => l.includes('"type":"ScoreEntered"') && l.includes('"student":"hs-002"') && l.includes('"column":"gk"'),
      (l) => l.replace(/"value":"[0-9.]+"/, '"value":"10"'),
    );
    const { o, io } = capture();
    expect(await inspect([bad, '--trust', sample.trust, '--workers', '0'], io)).toBe(1);
    expect(o.out).toContain('NOT VERIFIED / KHÔNG ĐẠT');
    expect(o.out).toMatch(/ERROR signature-invalid \(event #\d+, markbook\/2024-2025\/10A1\/toan/);
    expect(o.out).toContain('ERROR checkpoint-root-mismatch');
    expect(o.out).toContain('integrity (toàn vẹn): FAILED');
  });

  it('finds a history whose founder is not the root key the inspector trusts: exit 1, genesis-untrusted', async () => {
    const trust = JSON.parse(readFileSync(sample.trust, 'utf8')) as Record<string, unknown>;
    const other = join(dir, 'other-root.json');
    writeFileSync(other, JSON.stringify({ ...trust, rootKeys: ['AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'] }));
    const { o, io } = capture();
    expect(await inspect([sample.bundle, '--trust', other, '--workers', '0'], io)).toBe(1);
    expect(o.out).toContain('ERROR genesis-untrusted');
  });

  it('says so when the inspector brought no trust anchors: exit 3, UNANCHORED, with the warnings', async () => {
    const empty = join(dir, 'empty-trust.json');
    writeFileSync(empty, '{}');
    const { o, io } = capture();
    expect(await inspect([sample.bundle, '--trust', empty, '--workers', '0'], io)).toBe(3);
    expect(o.out).toContain('UNANCHORED / CHƯA ĐỐI CHIẾU');
    expect(o.out).not.toContain('Verdict: VERIFIED');
    expect(o.out).toContain('warning trust-unanchored');
    expect(o.out).toContain('warning checkpoint-unverified');
  });

  it('exits 2 on unusable input, naming the argument or field', async () => {
    const run = async (argv: string[]) => {
      const { o, io } = capture();
      return { code: await inspect(argv, io), ...o };
    };
    const notBundle = join(dir, 'notes.txt');
    writeFileSync(notBundle, 'these are not the events you are looking for\n');
    const r1 = await run([notBundle, '--trust', sample.trust, '--workers', '0']);
    expect(r1.code).toBe(2);
    expect(r1.out).toContain('UNUSABLE INPUT');

    const badTrust = join(dir, 'bad-trust.json');
    writeFileSync(badTrust, JSON.stringify({ sealKeys: 'not-an-array' }));
    const r2 = await run([sample.bundle, '--trust', badTrust]);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('trust.sealKeys');
    expect(r2.err).toContain('[invalid-trust]');

    writeFileSync(badTrust, JSON.stringify({ sealKeys: ['hoso/x+00+not-a-key'] }));
    const r3 = await run([sample.bundle, '--trust', badTrust]);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/trust\.sealKeys/);

    const r4 = await run([sample.bundle]);
    expect(r4.code).toBe(2);
    expect(r4.err).toContain('--trust');
    expect(existsSync(join(dir, 'never.html'))).toBe(false);
  });

  it('sets the process exit code when run as a program (built packages)', () => {
    const script = fileURLToPath(new URL('../inspect.mjs', import.meta.url));
    const bad = tamper(
      sample.bundle,
      'term-changed.hoso',
      (l) => l.includes('"type":"SubjectSignedOff"'),
      (l) => l.replace('"term":"HK1"', '"term":"HK2"'),
    );
    const r = spawnSync(process.execPath, [script, bad, '--trust', sample.trust, '--workers', '0'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('signature-invalid');
  });
});
