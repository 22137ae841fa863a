import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { cosignCheckpoint, formatVerifierKey, localSigner, signCheckpoint, SIG_TYPE_COSIGNATURE } from '@hoso/core';
import { buildSchool, as } from '@hoso/ledger/testing';
import { exportBundle, originOf, renderReport, verifyBundle, type VerifyReport } from '../src/index.js';
import { seed } from './fixture.js';

// The inspector opens report.html offline in a browser: it must render, and what it shows must be
// the report's own numbers (issue: "tested in a real headless browser — it renders, the numbers
// match the JSON"). Debian's chromium through playwright-core; never a browser download.
const CHROMIUM = process.env['HOSO_CHROMIUM'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env['CI'])
  throw new Error(`report-browser.test: ${CHROMIUM} is missing and CI is set (apt-get install -y chromium)`);
if (!hasChromium)
  console.warn(`report-browser.test: skipped — ${CHROMIUM} not found (apt-get install -y chromium); CI fails instead`);

const LEDGER = 'thpt-test';
const seal = { name: 'hoso/thpt-test', seed: seed(30) };
const witness = { name: 'pgd.example', seed: seed(31) };

describe.skipIf(!hasChromium)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let clean: VerifyReport;
  let tampered: VerifyReport;
  let names: { teacher: string; principal: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-report-'));
    const s = await buildSchool({ students: 3 });
    const { teacher, principal, vice } = s.people;
    names = { teacher: teacher.name, principal: principal.name };
    let target = '';
    for (const [i, student] of s.students.entries()) {
      const r = await s.run(
        {
          type: 'EnterScore',
          data: {
            year: s.year,
            class: s.cls,
            subject: 'toan',
            student,
            term: 'HK1',
            column: 'tx',
            index: 1,
            value: `${6 + i}.5`,
          },
        },
        [as(teacher, 'subject')],
      );
      if (i === 0) target = r.events[0]!.id;
    }
    await s.run(
      {
        type: 'Correct',
        data: {
          target,
          old: '6.5',
          new: '7.0',
          reason: 'Cộng nhầm điểm',
          minutes: { number: '01/BB-SCDL', date: '2024-10-02', text: 'Biên bản sửa chữa dữ liệu' },
        },
      },
      [as(teacher, 'subject'), as(principal, 'leader'), as(vice, 'admin')],
    );
    const size = await s.store.size(LEDGER);
    const note = cosignCheckpoint(
      signCheckpoint({ origin: originOf(LEDGER), size, root: await s.store.root(LEDGER, size) }, seal),
      witness,
      1_730_000_000,
    );
    const path = join(dir, 'ledger.hoso');
    expect((await exportBundle(s.store, LEDGER, path, { checkpoints: [note] }))._tag).toBe('Right');
    const trust = {
      rootKeys: [principal.key],
      sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)],
      witnessKeys: [formatVerifierKey(witness.name, localSigner(witness.seed).publicKey, SIG_TYPE_COSIGNATURE)],
    };
    const r1 = await verifyBundle(path, { trust, workers: 0 });
    if (r1._tag !== 'Right') throw new Error(r1.left.message);
    clean = r1.right;
    // Tamper with one mark after the fact: the score 7.5 of the second student becomes 9.5.
    const lines = readFileSync(path, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"ScoreEntered"') && l.includes('"value":"7.5"'));
    expect(i).toBeGreaterThan(0);
    lines[i] = lines[i]!.replace('"value":"7.5"', '"value":"9.5"');
    writeFileSync(join(dir, 'tampered.hoso'), lines.join('\n'));
    const r2 = await verifyBundle(join(dir, 'tampered.hoso'), { trust, workers: 0 });
    if (r2._tag !== 'Right') throw new Error(r2.left.message);
    tampered = r2.right;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Open the report offline; return what a reader sees. */
  async function open(report: VerifyReport, shot?: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
    });
    await page.setContent(renderReport(report, { source: 'ledger.hoso' }), { waitUntil: 'load' });
    if (shot !== undefined) await page.screenshot({ path: shot, fullPage: false });
    // Run in the page (a string: this program is typed without the DOM): each h2 and the rows of its table.
    const tables = await page.evaluate<
      Array<{ title: string; rows: number }>
    >(`[...document.querySelectorAll('h2')].map((h) => {
      let n = h.nextElementSibling;
      while (n !== null && n.tagName !== 'TABLE' && n.tagName !== 'H2') n = n.nextElementSibling;
      return {
        title: h.textContent ?? '',
        rows: n !== null && n.tagName === 'TABLE' ? n.querySelectorAll('tbody tr').length : 0,
      };
    })`);
    const verdict = (await page.locator('.verdict strong').textContent()) ?? '';
    const visible = await page.locator('.verdict').isVisible();
    const text = await page.locator('body').innerText();
    await page.close();
    return { tables, verdict, visible, text, requests };
  }

  it('a clean ledger: the verdict first, no findings, the timeline and checkpoint chain of the JSON', async () => {
    expect(clean.ok).toBe(true);
    const shot = process.env['HOSO_REPORT_SAMPLE'];
    const seen = await open(clean, shot);
    expect(seen.requests).toEqual([]);
    expect(seen.visible).toBe(true);
    expect(seen.verdict).toContain('VERIFIED / ĐẠT');
    const rows = Object.fromEntries(seen.tables.map((t) => [t.title.split(' / ')[0] ?? '', t] as const));
    expect(rows['Findings']!.title).toContain(`(${clean.findings.length})`);
    expect(rows['Findings']!.rows).toBe(0);
    expect(rows['Timeline of edits']!.rows).toBe(clean.timeline.length);
    expect(clean.timeline.some((t) => t.type === 'CorrectionMade')).toBe(true);
    expect(rows['Checkpoint chain']!.rows).toBe(clean.checkpoints.length);
    expect(seen.text).toContain(clean.root);
    expect(seen.text).toContain(`Events / Sự kiện: ${clean.size}`);
    expect(seen.text).toContain('"6.5" → "7.0"');
  });

  it('a tampered mark: NOT VERIFIED, one row per finding, each with its code and position', async () => {
    expect(tampered.ok).toBe(false);
    const seen = await open(tampered);
    expect(seen.verdict).toContain('NOT VERIFIED / KHÔNG ĐẠT');
    const findings = seen.tables.find((t) => t.title.startsWith('Findings'))!;
    expect(findings.title).toContain(`(${tampered.findings.length})`);
    expect(findings.rows).toBe(tampered.findings.length);
    for (const f of tampered.findings) expect(seen.text).toContain(f.code);
    expect(tampered.findings.map((f) => f.code)).toContain('signature-invalid');
    const errors = tampered.findings.filter((f) => f.severity === 'error').length;
    expect(seen.text).toContain(`Errors / Lỗi: ${errors}`);
  });

  it('names people: the timeline and each problem give the signers by name, and the edited mark by student and line', async () => {
    const seen = await open(clean);
    expect(seen.text).toContain(names.principal);
    expect(seen.text).toContain(names.teacher);
    const t = await open(tampered);
    const p = tampered.problems.find((x) => x.severity === 'error')!;
    expect(p.kind).toBe('event-altered');
    expect(t.text).toContain(p.summary);
    expect(p.summary).toContain('Học sinh 2 (hs-002)');
    expect(p.summary).toContain(names.teacher);
    expect(t.text).toContain(`line / dòng ${p.line}`);
  });

  it('the printable biên bản kiểm tra: what was checked, the verdict, the problems, fields to fill and places to sign, on A4', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent(
      renderReport(tampered, { source: 'tampered.hoso', bytes: statSync(join(dir, 'tampered.hoso')).size }),
      {
        waitUntil: 'load',
      },
    );
    const record = page.locator('#bien-ban');
    const text = (await record.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('BIÊN BẢN KIỂM TRA HỒ SƠ ĐIỆN TỬ');
    expect(text).toContain('Họ và tên:');
    expect(text).toContain('Chức vụ, đơn vị:');
    expect(text).toContain('NGƯỜI KIỂM TRA');
    expect(text).toContain('(Ký, ghi rõ họ tên)');
    expect(text).toContain('KHÔNG ĐẠT');
    expect(text).toContain(tampered.root);
    expect(text).toContain(`Số sự kiện ${tampered.size}`);
    expect(text).toContain('tampered.hoso');
    for (const k of tampered.anchors.sealKeys) expect(text).toContain(k);
    expect(text).toContain(tampered.anchors.rootKeys[0]!);
    // One block per problem (errors, then warnings), each in Vietnamese with its consequences.
    expect(await record.locator('.problem').count()).toBe(tampered.problems.length);
    const first = tampered.problems.find((x) => x.severity === 'error')!;
    expect(text).toContain(first.summary_vi.replace(/\s+/g, ' '));
    for (const i of first.consequences) expect(text).toContain(tampered.findings[i]!.code);
    // Printed: A4, nothing wider than the page, the record on a page of its own.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 680, height: 960 }); // A4's 180 mm between 15 mm margins, at 96 px/in
    const overflow = await page.evaluate<number>(
      `(() => { const e = document.getElementById('bien-ban'); return e.scrollWidth - e.clientWidth; })()`,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const pdf = join(dir, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true, printBackground: true });
    await page.close();
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    const pageTexts = Array.from({ length: pages }, (_, i) =>
      execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), '-layout', pdf, '-'], { encoding: 'utf8' }),
    );
    const at = pageTexts.findIndex((t) => t.includes('BIÊN BẢN KIỂM TRA HỒ SƠ ĐIỆN TỬ'));
    expect(at).toBeGreaterThan(0);
    expect(pageTexts[at]!.trimStart().startsWith('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toBe(true);
    expect(pageTexts.slice(at).join('')).toContain('NGƯỜI KIỂM TRA');
  });
});
