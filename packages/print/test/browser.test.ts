import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Browser } from 'playwright-core';
import {
  correctionMinutesDocument,
  formatProofReference,
  markbookDocument,
  primaryTranscriptDocument,
  proofReferenceOf,
  renderHtml,
  renderPdf,
  shortenHex,
  transcriptDocument,
  type PrintDocument,
  type PrintError,
} from '../src/index.js';
import { META, NHUNG, PRIMARY_META, ROOT, markbook, minutes, primaryTranscript, transcript } from './fixtures.js';
import { readPdf, type PdfInfo } from './pdf-text.js';
import { CHROMIUM, decodeQr, hasChromium, hasTool, launchChromium } from './tools.js';

// CI must exercise the browser; a developer machine without it skips, saying why.
if (!hasChromium && process.env['CI'])
  throw new Error(`browser.test: ${CHROMIUM} is missing and CI is set (apt-get install -y chromium)`);
if (!hasChromium)
  console.warn(`browser.test: skipped — ${CHROMIUM} not found (apt-get install -y chromium); CI fails instead`);

/** When set, the test leaves a screenshot and Chromium's PDF of the sample there (for docs/img). */
const SAMPLES = process.env['HOSO_PRINT_SAMPLES'];

function ok<A>(e: Either<PrintError, A>): A {
  if (isLeft(e)) throw new Error(`${e.left.code} at ${JSON.stringify(e.left.path)}: ${e.left.message}`);
  return e.right;
}

describe.skipIf(!hasChromium)('HTML in a real headless browser (Chromium)', () => {
  let browser: Browser;
  let doc: PrintDocument;
  let html: string;
  let pdf: Uint8Array;
  let info: PdfInfo;
  let t: PrintDocument;
  let m: PrintDocument;

  beforeAll(async () => {
    t = ok(transcriptDocument(transcript(), META));
    m = ok(markbookDocument(markbook(40), META));
    // One portrait section then landscape ones: the named page must switch orientation.
    doc = { ...t, sections: [...t.sections, ...m.sections] };
    html = renderHtml(doc);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    // Any request would mean the file is not self-contained.
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    expect(requests).toEqual([]);
    pdf = new Uint8Array(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    info = await readPdf(pdf);
    if (SAMPLES) {
      mkdirSync(SAMPLES, { recursive: true });
      await page.screenshot({
        path: join(SAMPLES, 'html-screen.png'),
        clip: { x: 0, y: 0, width: 1200, height: 1000 },
      });
      writeFileSync(join(SAMPLES, 'html-chromium.pdf'), pdf);
      writeFileSync(join(SAMPLES, 'sample.html'), html);
      // The pdfkit renderings of the same forms, for docs/printing.md's pictures.
      writeFileSync(join(SAMPLES, 'markbook.pdf'), await renderPdf(m));
      writeFileSync(join(SAMPLES, 'transcript.pdf'), await renderPdf(t));
      writeFileSync(join(SAMPLES, 'minutes.pdf'), await renderPdf(ok(correctionMinutesDocument(minutes(), META))));
      writeFileSync(
        join(SAMPLES, 'primary-transcript.pdf'),
        await renderPdf(ok(primaryTranscriptDocument(primaryTranscript(), PRIMARY_META))),
      );
    }
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lays the text out with its diacritics (DOM text)', async () => {
    const page = await browser.newPage();
    await page.setContent(html);
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain(NHUNG);
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH');
    // On screen each section shows its verification footer.
    expect(await page.locator('section.sheet footer.screen-footer').count()).toBe(doc.sections.length);
    await page.close();
  });

  it('prints A4: the transcript portrait, the markbook landscape', () => {
    expect(info.pages.length).toBeGreaterThanOrEqual(1 + doc.sections.length - 1);
    expect(info.pages[0]!.width).toBeCloseTo(595.3, 0);
    expect(info.pages[0]!.height).toBeCloseTo(841.9, 0);
    const landscape = info.pages.slice(1);
    expect(landscape.length).toBeGreaterThanOrEqual(3);
    for (const p of landscape) {
      expect(p.width).toBeCloseTo(841.9, 0);
      expect(p.height).toBeCloseTo(595.3, 0);
    }
  });

  it('prints the values and the verification footer with page numbers on every page', () => {
    // Chromium positions Vietnamese letters one cluster at a time, so pdf.js splits words; compare without spaces.
    const squash = (s: string): string => s.replace(/\s+/g, '');
    const all = squash(info.pages.map((p) => p.text).join(''));
    for (const s of [
      'HỌC BẠ',
      NHUNG,
      'Độc lập - Tự do - Hạnh phúc',
      'SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH',
      'Đặng Hải Dũng',
    ])
      expect(all).toContain(squash(s));
    info.pages.forEach((p, i) => {
      const t = squash(p.text);
      expect(t).toContain(squash(`Mã dữ liệu: nguồn ${META.verification.origin}`));
      expect(t).toContain(shortenHex(ROOT));
      expect(t).toContain(`Trang${i + 1}/${info.pages.length}`);
    });
  });

  it('prints the primary học bạ as a spread of two A4 portrait pages, each with its footer', async () => {
    const primary = renderHtml(ok(primaryTranscriptDocument(primaryTranscript(), PRIMARY_META)));
    const page = await browser.newPage();
    await page.setContent(primary, { waitUntil: 'load' });
    const printed = await readPdf(new Uint8Array(await page.pdf({ preferCSSPageSize: true, printBackground: true })));
    await page.close();
    expect(printed.pages.map((p) => [Math.round(p.width), Math.round(p.height)])).toEqual([
      [595, 842],
      [595, 842],
    ]);
    const squash = (s: string): string => s.replace(/\s+/g, '');
    const [first, second] = printed.pages.map((p) => squash(p.text));
    for (const s of [
      'HỌC BẠ',
      NHUNG,
      'Tiểu học — Năm học 2024-2025',
      'Ngoại ngữ 1 (Tiếng Anh)',
      'Hoạt động trải nghiệm',
      'Trang1/2',
    ])
      expect(first).toContain(squash(s));
    for (const s of [
      'Những năng lực cốt lõi',
      'Giải quyết vấn đề và sáng tạo',
      'Hoàn thành chương trình tiểu học',
      'HIỆU TRƯỞNG',
      'Trang2/2',
    ])
      expect(second).toContain(squash(s));
    for (const t of [first!, second!])
      expect(t).toContain(squash(`Mã dữ liệu: nguồn ${PRIMARY_META.verification.origin}`));
  });

  it.skipIf(!(hasTool('pdftoppm') && hasTool('zbarimg')))(
    'prints a QR code that scans back to the proof reference',
    () => {
      expect(decodeQr(pdf, 1, 300, 841.89)).toEqual([formatProofReference(proofReferenceOf(META.verification))]);
      expect(decodeQr(pdf, 2, 300, 595.28)).toEqual([formatProofReference(proofReferenceOf(META.verification))]);
    },
  );
});
