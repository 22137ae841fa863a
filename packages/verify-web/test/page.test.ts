import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { verdictBanner, verifyBundle, type VerifyReport } from '@hoso/verify';
import { buildVerifierPage, checkVerifierPage } from '../build.mjs';
import { CHROMIUM, launchChromium, openVerifier } from './driver.mjs';

// The inspector's page, built from the compiled packages exactly as `npm run build:verifier`
// builds it, opened from disk in Debian's Chromium: the demo year verifies clean with the same
// report as `hoso verify`, without one network request, on WebCrypto and on the pure-JS fallback.
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env['CI'])
  throw new Error(`page.test: ${CHROMIUM} is missing and CI is set (apt-get install -y chromium)`);

const HOSO = fileURLToPath(new URL('../../cli/bin/hoso.mjs', import.meta.url));

/** What must be the same in the page as in `hoso verify` (timings and worker counts differ). */
export function comparable(r: VerifyReport): unknown {
  const { stats: _stats, timeline, ...rest } = r;
  return { ...rest, timeline: timeline.length };
}

describe.skipIf(!hasChromium)('hoso-verify.html in headless Chromium: the demo year', () => {
  let dir: string;
  let html: string;
  let browser: Browser;
  let cli: VerifyReport;
  const files = (name: string): string => join(dir, 'demo', name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-page-'));
    html = (await buildVerifierPage({ outFile: join(dir, 'hoso-verify.html') })).file;
    execFileSync(process.execPath, [
      HOSO,
      'demo',
      '--dir',
      join(dir, 'demo'),
      '--students',
      '12',
      '--no-print',
      '--quiet',
    ]);
    const r = await verifyBundle(files('ledger.hoso'), {
      trust: {
        rootKeys: [readFileSync(files('root.key.pub'), 'utf8').trim()],
        sealKeys: [readFileSync(files('seal.vkey'), 'utf8').trim()],
        witnessKeys: [readFileSync(files('witness.vkey'), 'utf8').trim()],
        certificates: [readFileSync(files('ca-root.pem'))],
      },
    });
    if (r._tag === 'Left') throw new Error(r.left.message);
    cli = r.right;
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const trust = () => ({
    bundle: files('ledger.hoso'),
    root: [files('root.key.pub')],
    seal: [files('seal.vkey')],
    witness: [files('witness.vkey')],
    certificates: [files('ca-root.pem')],
  });

  it('is one file that can fetch nothing: a strict CSP naming its one inline script, no URL loaded', () => {
    expect(checkVerifierPage(readFileSync(html, 'utf8'))).toEqual([]);
    // The check does catch a page that could fetch.
    const loose = readFileSync(html, 'utf8').replace("default-src 'none'", "default-src 'none'; connect-src *");
    expect(checkVerifierPage(loose)).not.toEqual([]);
    expect(checkVerifierPage(readFileSync(html, 'utf8').replace('<script>', '<script>;'))).not.toEqual([]);
  });

  it('verifies the demo bundle clean, with the report `hoso verify` gives, and no request', async () => {
    const v = await openVerifier(browser, html);
    const out = await v.verify(trust());
    expect(out.state).toBe('done');
    if (out.state !== 'done') return;
    expect(out.ed25519).toBe('webcrypto');
    expect(out.report.verdict).toBe('verified');
    expect(out.report.findings).toEqual([]);
    expect(out.report.size).toBeGreaterThan(1000);
    expect(comparable(out.report)).toEqual(comparable(cli));
    expect(out.report.stats.workers).toBeGreaterThan(0);
    // The verdict is on the page, and the report is offered as a file.
    expect(await v.page.textContent('#verdict')).toBe(verdictBanner('verified'));
    const [download] = await Promise.all([v.page.waitForEvent('download'), v.page.click('#download')]);
    const saved = join(dir, 'report.html');
    await download.saveAs(saved);
    const report = readFileSync(saved, 'utf8');
    expect(report).toContain(verdictBanner('verified'));
    expect(report).toContain(cli.root);
    expect(v.errors).toEqual([]);
    expect(v.requests).toEqual([]);
    await v.close();
  });

  it('blocks a request the page would make (the CSP is in force, not only unused)', async () => {
    const v = await openVerifier(browser, html);
    const blocked = await v.page.evaluate(() =>
      fetch('http://127.0.0.1:9/').then(
        () => 'fetched',
        () => 'blocked',
      ),
    );
    expect(blocked).toBe('blocked');
    expect(v.requests).toEqual([]);
    await v.close();
  });

  it('gives the same report on the pure-JS Ed25519 fallback (WebCrypto Ed25519 disabled)', async () => {
    const v = await openVerifier(browser, html, { withoutWebCryptoEd25519: true });
    const out = await v.verify(trust());
    expect(out.state).toBe('done');
    if (out.state !== 'done') return;
    expect(out.ed25519).toBe('js');
    expect(comparable(out.report)).toEqual(comparable(cli));
    expect(v.requests).toEqual([]);
    await v.close();
  });

  it('refuses a bad option as verifyBundle does, naming the field', async () => {
    const v = await openVerifier(browser, html);
    const out = await v.verify({ ...trust(), origin: 'not an origin' });
    expect(out.state).toBe('refused');
    if (out.state === 'refused') expect(out.path).toEqual(['expectedOrigin']);
    await v.close();
  });
});
