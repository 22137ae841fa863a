import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { verifyBundle, verifyTranscript, type VerifyReport } from '@hoso/verify';
import { buildVerifierPage } from '../../packages/verify-web/build.mjs';
import { CHROMIUM, launchChromium, openVerifier } from '../../packages/verify-web/test/driver.mjs';
import { pdSchool, type PdSchool } from '../../packages/cli/test/pd-school.js';
import { hoso } from '../../packages/cli/test/run.js';

/**
 * The inspector's page with a disclosure file (docs/personal-data.md §6): in Debian's Chromium it
 * gives the per-field account `hoso verify --disclosure` gives, verifies a transcript with no
 * bundle, and refuses a disclosure that is not one, naming the field — without a network request.
 */
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env['CI'])
  throw new Error(`browser-disclosure.test: ${CHROMIUM} is missing and CI is set (apt-get install -y chromium)`);

const PUPILS = [
  { student: 'hs-1', bio: { name: 'Trịnh Thị Webone', birthDate: '2007-03-01', sex: 'F', guardian: 'Trịnh Văn Gone' } },
  { student: 'hs-2', bio: { name: 'Đỗ Văn Webtwo', birthDate: '2007-04-02', sex: 'M', guardian: 'Đỗ Thị Gtwo' } },
] as const;

/** The parts of a report the page and the library must agree on. */
const account = (r: VerifyReport) => ({ verdict: r.verdict, findings: r.findings, personalData: r.personalData });

describe.skipIf(!hasChromium)('hoso-verify.html with a disclosure file', () => {
  let d: string;
  let school: PdSchool;
  let html: string;
  let browser: Browser;
  const exported = (scope: string, out: string, ...more: string[]) =>
    hoso([
      ...['export', '--db', school.db, '--out', out, '--scope', scope, '--key', school.key('hieu-truong')],
      ...['--audience', 'Sở GD&ĐT — thanh tra', '--purpose', 'thanh tra hồ sơ', ...more],
    ]);
  const trust = () => ({ root: [school.trust[0]!], seal: [school.trust[1]!] });
  const anchors = () => ({
    rootKeys: [readFileSync(school.trust[0]!, 'utf8').trim()],
    sealKeys: [readFileSync(school.trust[1]!, 'utf8').trim()],
  });

  beforeAll(async () => {
    d = mkdtempSync(join(tmpdir(), 'hoso-web-disclosure-'));
    school = await pdSchool(d, PUPILS);
    const r = await hoso(['checkpoint', '--db', school.db, '--key', school.key('hoso/thpt-a')]);
    expect(r.code, r.stderr).toBe(0);
    html = (await buildVerifierPage({ outFile: join(d, 'hoso-verify.html') })).file;
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    if (d !== undefined) rmSync(d, { recursive: true, force: true });
  });

  it('inspector scope: the page opens and checks the disclosed fields as the library does', async () => {
    const out = join(d, 'insp.hoso');
    const r = await exported('inspector', out, '--pupil', 'hs-1', '--field', 'name', '--field', 'birthDate');
    expect(r.code, r.stderr).toBe(0);
    const disclosure = `${out}.disclosure.json`;
    const lib = await verifyBundle(out, { trust: anchors(), disclosure: readFileSync(disclosure, 'utf8') });
    if (lib._tag === 'Left') throw new Error(lib.left.message);
    const v = await openVerifier(browser, html);
    const page = await v.verify({ bundle: out, disclosure, ...trust() });
    expect(page.state).toBe('done');
    if (page.state !== 'done') return;
    expect(page.report.verdict).toBe('verified');
    expect(account(page.report)).toEqual(account(lib.right));
    const fields = page.report.personalData?.fields ?? [];
    expect(fields.find((f) => f.field === 'name')).toMatchObject({ opened: 1, failed: 0 });
    expect(fields.find((f) => f.field === 'guardian')).toMatchObject({ opened: 0 });
    // The account is in the report the inspector sees, in Vietnamese.
    expect(await v.page.locator('#report').getAttribute('srcdoc')).toContain('họ và tên');
    expect(v.requests).toEqual([]);
    expect(v.errors).toEqual([]);
    await v.close();
  }, 120_000);

  it('transcript scope: verified on its own, with no bundle; a bundle beside it is refused', async () => {
    const out = join(d, 'hs-2.transcript.json');
    const r = await exported('transcript', out, '--pupil', 'hs-2');
    expect(r.code, r.stderr).toBe(0);
    const lib = await verifyTranscript(readFileSync(out, 'utf8'), { trust: anchors() });
    if (lib._tag === 'Left') throw new Error(lib.left.message);
    const v = await openVerifier(browser, html);
    const page = await v.verify({ disclosure: out, ...trust() });
    expect(page.state).toBe('done');
    if (page.state !== 'done') return;
    expect(page.report.verdict).toBe(lib.right.verdict);
    expect(account(page.report)).toEqual(account(lib.right));
    expect(page.report.personalData).toMatchObject({ partial: true, disclosure: { accepted: true } });
    const both = await v.verify({ bundle: join(d, 'insp.hoso'), disclosure: out, ...trust() });
    expect(both.state).toBe('refused');
    if (both.state === 'refused') expect(both.path).toEqual(['disclosure']);
    expect(v.requests).toEqual([]);
    await v.close();
  }, 120_000);

  it('a file that is not a disclosure is refused, naming the field', async () => {
    const v = await openVerifier(browser, html);
    const out = await v.verify({ bundle: join(d, 'insp.hoso'), disclosure: school.trust[0]!, ...trust() });
    expect(out.state).toBe('refused');
    if (out.state === 'refused') expect(out.path[0]).toBe('disclosure');
    await v.close();
  });
});
