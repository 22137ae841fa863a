import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRight } from 'fp-ts/lib/Either.js';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  canonicalize as coreCanonicalize,
  decodeEnvelope,
  localSigner,
  verifyEnvelopeSignatures,
  type Envelope,
} from '@hoso/core';
import { canonicalize as pageCanonicalize } from '../public/canonical.js';
import { startServer } from '../server.mjs';
import { DEMO_PEOPLE, demoSeed } from '../school.mjs';

describe('the page canonicalizer (public/canonical.js)', () => {
  it('writes the same RFC 8785 text as @hoso/core for every JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(pageCanonicalize(v)).toBe(coreCanonicalize(v));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses what JSON cannot hold exactly, naming where', () => {
    expect(() => pageCanonicalize({ a: [1, Number.NaN] })).toThrow(/a\.1/);
    expect(() => pageCanonicalize({ a: undefined })).toThrow(/undefined/);
    expect(() => pageCanonicalize({ s: 'x\uD800' })).toThrow(/surrogate/);
    expect(() => pageCanonicalize(new Map())).toThrow(/plain objects/);
    expect(pageCanonicalize({ b: -0, a: 'é', '\u20ac': 1e21 })).toBe('{"a":"é","b":0,"€":1e+21}');
  });
});

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.log(
    `embed-web browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI they fail instead`,
  );
}

type App = Awaited<ReturnType<typeof startServer>>;

describe.skipIf(!haveChromium && !process.env.CI)(
  'embed-web in headless Chromium: the browser signs, ledger.submit decides',
  () => {
    let dir: string;
    let app: App;
    let browser: Browser;
    let page: Page;
    const ledgerId = 'thpt-embed-test';
    const teacher = DEMO_PEOPLE.teacher;

    const size = () => app.store.size(ledgerId);
    async function lastEnvelope(): Promise<Envelope> {
      let last: Uint8Array | undefined;
      for await (const e of app.store.read(ledgerId)) last = e.bytes;
      const env = decodeEnvelope(last!);
      if (!isRight(env)) throw new Error(env.left.message);
      return env.right;
    }
    async function lastEntryOf(student: string, column: string): Promise<string> {
      let id = '';
      for await (const e of app.store.readStream(ledgerId, 'markbook/2024-2025/10A1/toan')) {
        const env = decodeEnvelope(e.bytes);
        if (
          isRight(env) &&
          env.right.type === 'ScoreEntered' &&
          env.right.data['student'] === student &&
          env.right.data['column'] === column
        )
          id = env.right.id;
      }
      return id;
    }
    async function enter(student: string, term: string, column: string, value: string): Promise<string> {
      await page.selectOption('#student', student);
      await page.selectOption('#term', term);
      await page.selectOption('#column', column);
      await page.fill('#value', value);
      await page.click('#submit');
      await page.waitForSelector('#result.ok, #result.refused');
      return (await page.textContent('#result')) ?? '';
    }
    async function loadSeed(hex: string): Promise<string> {
      await page.fill('#seed', hex);
      await page.click('#load-key');
      return (await page.textContent('#key-status')) ?? '';
    }

    beforeAll(async () => {
      if (!haveChromium)
        throw new Error(`CI is set and ${CHROMIUM} is missing: install chromium (apt-get install -y chromium)`);
      dir = mkdtempSync(join(tmpdir(), 'hoso-embed-web-'));
      app = await startServer({
        db: join(dir, 'ledger.db'),
        ledger: ledgerId,
        port: 0,
        clock: () => new Date('2024-10-01T08:00:00+07:00'),
      });
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
      page = await browser.newPage();
      await page.goto(app.url);
      await page.waitForSelector('body[data-ready="true"]');
    });

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('records a mark signed in the page with the teacher key, and shows it in the markbook', async () => {
      expect(await loadSeed(Buffer.from(teacher.seed).toString('hex'))).toContain('khớp khóa đã đăng ký');
      const before = await size();
      const text = await enter('hs-002', 'HK1', 'gk', '8.5');
      expect(text).toContain('Đã ghi');
      expect(await size()).toBe(before + 1);

      const env = await lastEnvelope();
      expect(env.type).toBe('ScoreEntered');
      expect(env.stream).toBe('markbook/2024-2025/10A1/toan');
      expect(env.data).toEqual({
        year: '2024-2025',
        class: '10A1',
        subject: 'toan',
        student: 'hs-002',
        term: 'HK1',
        column: 'gk',
        value: '8.5',
      });
      expect(env.by).toEqual({ key: teacher.key, role: 'subject' });
      expect(env.sigs).toHaveLength(1);
      expect(env.sigs[0]!.key).toBe(teacher.key);
      expect(isRight(verifyEnvelopeSignatures(env))).toBe(true);
      expect(env.at).toBe('2024-10-01T08:00:00.000+07:00');

      const cell = page.locator('[data-cell="hs-002/HK1/gk"]');
      await expect.poll(() => cell.locator('.value').textContent()).toBe('8.5');
      expect(await cell.locator('li').allTextContents()).toEqual([
        expect.stringMatching(new RegExp(`^8\\.5 — Lê Văn Toán, 2024-10-01 08:00, #${before}$`)),
      ]);

      // A regular-assessment column (tx3: column "tx", index 3) goes the same way.
      expect(await enter('hs-003', 'HK1', 'tx3', '7')).toContain('Đã ghi');
      expect((await lastEnvelope()).data).toMatchObject({ column: 'tx', index: 3, value: '7' });
    });

    it('refuses a mark signed with a key that is not the teacher’s; nothing is written', async () => {
      const stranger = Buffer.from(demoSeed('ke-la')).toString('hex');
      expect(await loadSeed(stranger)).toContain('KHÔNG khớp');
      const before = await size();
      const text = await enter('hs-001', 'HK1', 'ck', '7.0');
      expect(text).toContain('[bad-signature]');
      expect(text).toContain('Không có gì được ghi');
      expect(await size()).toBe(before);
      expect(await page.locator('[data-cell="hs-001/HK1/ck"] .value').count()).toBe(0);
    });

    it('refuses an event changed after signing (tampered in transit); nothing is written', async () => {
      await loadSeed(Buffer.from(teacher.seed).toString('hex'));
      const before = await size();
      let seen = '';
      await page.route('**/api/submit', async (route) => {
        seen = route.request().postData() ?? '';
        // Same canonical form, another value: the signature no longer covers these bytes.
        await route.continue({ postData: seen.replace('"value":"6.0"', '"value":"9.0"') });
      });
      try {
        const text = await enter('hs-004', 'HK1', 'ck', '6.0');
        expect(seen).toContain('"value":"6.0"');
        expect(text).toContain('[bad-signature]');
      } finally {
        await page.unroute('**/api/submit');
      }
      expect(await size()).toBe(before);
    });

    it('signs again when the markbook moved between prepare and submit (stream-conflict)', async () => {
      await loadSeed(Buffer.from(teacher.seed).toString('hex'));
      const before = await size();
      let submits = 0;
      let conflict: unknown = null;
      await page.route('**/api/submit', async (route) => {
        submits += 1;
        if (submits === 1) {
          // Another of the teacher's devices writes to the same markbook stream first.
          const r = await app.ledger.execute(
            {
              type: 'EnterScore',
              data: {
                year: '2024-2025',
                class: '10A1',
                subject: 'toan',
                student: 'hs-003',
                term: 'HK1',
                column: 'tx',
                index: 1,
                value: '5.5',
              },
            },
            [{ signer: localSigner(teacher.seed), role: 'subject' }],
          );
          conflict = isRight(r);
        }
        await route.continue();
      });
      try {
        const text = await enter('hs-004', 'HK1', 'tx1', '6.5');
        expect(conflict).toBe(true);
        expect(submits).toBe(2);
        expect(text).toContain('Đã ghi');
        expect(text).toContain('signed 2 times');
      } finally {
        await page.unroute('**/api/submit');
      }
      expect(await size()).toBe(before + 2);
      const env = await lastEnvelope();
      expect(env.data).toMatchObject({ student: 'hs-004', column: 'tx', index: 1, value: '6.5' });
      expect(isRight(verifyEnvelopeSignatures(env))).toBe(true);
    });

    it('shows the rule broken for a mark the regulation refuses; nothing is written', async () => {
      const before = await size();
      const again = await enter('hs-002', 'HK1', 'gk', '9.0');
      expect(again).toContain('[cell-already-entered]');
      expect(again).toContain('QC Điều 12.3');
      const tooHigh = await enter('hs-001', 'HK1', 'ck', '11');
      expect(tooHigh).toContain('[invalid-data]');
      expect(tooHigh).toContain('field data.value');
      expect(await size()).toBe(before);
      await expect.poll(() => page.locator('[data-cell="hs-002/HK1/gk"] .value').textContent()).toBe('8.5');
    });

    it('shows a correction (three signatures, QC Điều 12.3) beside the original entry', async () => {
      // The correction is made by the teacher's own software (here: the test, with the teacher's
      // seed), approved by the principal and witnessed by the vice-principal.
      const entry = await lastEntryOf('hs-002', 'gk');
      const r = await app.ledger.execute(
        {
          type: 'Correct',
          data: {
            target: entry,
            old: '8.5',
            new: '9.0',
            reason: 'Cộng sót điểm câu 4',
            minutes: { number: '01/BB', date: '2024-10-01', text: 'Biên bản điều chỉnh điểm' },
          },
        },
        [
          { signer: localSigner(teacher.seed), role: 'subject' },
          { signer: DEMO_PEOPLE.principal.signer, role: 'leader' },
          { signer: DEMO_PEOPLE.vice.signer, role: 'admin' },
        ],
      );
      expect(isRight(r)).toBe(true);
      await page.selectOption('#term', 'HK1'); // re-renders the markbook
      const cell = page.locator('[data-cell="hs-002/HK1/gk"]');
      await expect.poll(() => cell.locator('.value').textContent()).toBe('9.0');
      const lines = await cell.locator('li').allTextContents();
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^8\.5 — Lê Văn Toán/);
      expect(lines[1]).toMatch(/^8\.5 → 9\.0 \(Cộng sót điểm câu 4\) — Lê Văn Toán/);
      expect(await cell.locator('li .old').textContent()).toBe('8.5');
    });
  },
);
