import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { headerGrid, markbookDocument, renderHtml, type PrintDocument, type TableBlock } from '../src/index.js';
import { catalogueForms, everyForm, ok } from './all-forms.js';
import { META, markbook } from './fixtures.js';
import { readPdf } from './pdf-text.js';
import { CHROMIUM, hasChromium, hasTool, launchChromium } from './tools.js';

// CI must exercise the browser; a developer machine without it skips, saying why.
if (!hasChromium && process.env['CI'])
  throw new Error(`browser-layout.test: ${CHROMIUM} is missing and CI is set (apt-get install -y chromium)`);
if (!hasChromium)
  console.warn(`browser-layout.test: skipped — ${CHROMIUM} not found (apt-get install -y chromium); CI fails instead`);

const squash = (s: string): string => s.normalize('NFC').replace(/\s+/g, '');
const words = (s: string): string[] =>
  s
    .normalize('NFC')
    .split(/\s+/)
    .filter((w) => w !== '');

/** Every header label of a document, in the order the HTML writes its `th` cells. */
function headerLabels(doc: PrintDocument): string[] {
  return doc.sections.flatMap((s) =>
    s.blocks
      .filter((b): b is TableBlock => b.kind === 'table')
      .flatMap((t) => {
        const g = headerGrid(t.columns);
        return Array.from({ length: g.depth }, (_, r) => g.cells.filter((c) => c.row === r).map((c) => c.label)).flat();
      }),
  );
}

/** What Chromium laid out for one header cell: its words and whether each sits on one line inside the cell. */
interface HeaderBox {
  /** Per word: its number of line boxes (2 or more: broken inside the word) and whether it stays in the cell. */
  readonly words: ReadonlyArray<{ readonly word: string; readonly boxes: number; readonly inside: boolean }>;
}

/**
 * Run in the page (as text: the tests are typed without the DOM library): for every header cell,
 * each word's line boxes (a word broken across lines has two) and whether they lie inside the cell.
 */
const MEASURE_HEADERS = `[...document.querySelectorAll('table.grid > thead th')].map((th) => {
  const cell = th.getBoundingClientRect();
  const words = [];
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    for (const m of (n.textContent || '').matchAll(/\\S+/g)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const boxes = [...r.getClientRects()].filter((b) => b.width > 0 && b.height > 0);
      const inside = boxes.every((b) => b.left >= cell.left - 1 && b.right <= cell.right + 1 &&
        b.top >= cell.top - 1 && b.bottom <= cell.bottom + 1);
      words.push({ word: m[0], boxes: boxes.length, inside });
    }
  }
  return { words };
})`;

/** Run in the page: the small print's text, then the page's text without it. */
const SPLIT_FINE_PRINT = `(() => {
  const fine = [...document.querySelectorAll('.screen-footer .fine')];
  const text = fine.map((e) => e.textContent || '').join(' ');
  fine.forEach((e) => e.remove());
  return [text, document.body.innerText];
})()`;

/** Rasterise one page of a PDF as grey pixels (poppler's pdftoppm, PGM). */
function pixels(pdf: Uint8Array, page: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-px-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', [
      '-r',
      '50',
      '-gray',
      '-f',
      String(page),
      '-l',
      String(page),
      join(dir, 'in.pdf'),
      join(dir, 'p'),
    ]);
    return readFileSync(
      join(
        dir,
        readdirSync(dir).find((f) => f.endsWith('.pgm'))!,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasChromium)('the HTML forms as Chromium lays them out and prints them', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The header cells of a page as laid out (on screen a sheet is as wide as the printed page's body). */
  async function headerBoxes(html: string): Promise<HeaderBox[]> {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      await page.setContent(html, { waitUntil: 'load' });
      return await page.evaluate<HeaderBox[]>(MEASURE_HEADERS);
    } finally {
      await page.close();
    }
  }

  it('breaks column headers only between words, inside their cells, with the catalogue’s longest names, in both fonts', async () => {
    let checked = 0;
    for (const f of [...everyForm(), ...catalogueForms()])
      for (const embedFonts of [false, true]) {
        const labels = headerLabels(f.doc);
        const boxes = await headerBoxes(renderHtml(f.doc, { embedFonts }));
        expect(boxes.length, f.name).toBe(labels.length);
        boxes.forEach((b, i) => {
          const where = `${f.name} (${embedFonts ? 'DejaVu embedded' : 'system serif'}), header "${labels[i]}"`;
          expect(
            b.words.map((w) => w.word.normalize('NFC')),
            where,
          ).toEqual(words(labels[i]!));
          for (const w of b.words) {
            expect(w.boxes, `${where}: "${w.word}" is broken across lines`).toBe(1);
            expect(w.inside, `${where}: "${w.word}" runs out of its cell`).toBe(true);
          }
          checked++;
        });
      }
    expect(checked).toBeGreaterThan(600);
  });

  /** Chromium's PDF of an HTML document. */
  async function print(html: string): Promise<Uint8Array> {
    const page = await browser.newPage();
    try {
      await page.setContent(html, { waitUntil: 'load' });
      return new Uint8Array(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
    } finally {
      await page.close();
    }
  }

  it('keeps a markbook’s signature with the last rows, whatever the class size', async () => {
    for (let n = 14; n <= 44; n += 2) {
      const d = markbook(n);
      const doc = ok(markbookDocument({ ...d, subjects: [d.subjects[0]!], summary: undefined }, META));
      const pages = (await readPdf(await print(renderHtml(doc)))).pages.map((p) => squash(p.text));
      const last = squash(d.subjects[0]!.students[n - 1]!.name);
      const withSignature = pages.filter((t) => t.includes('GIÁOVIÊNBỘMÔN'));
      expect(withSignature, `${n} students`).toHaveLength(1);
      expect(withSignature[0], `${n} students: the signature's page lacks the last row`).toContain(last);
    }
  });

  it.skipIf(!hasTool('pdftoppm'))(
    'shows the book’s heading on continuation pages only: the first page looks as without it',
    async () => {
      const d = markbook(40);
      const doc = ok(markbookDocument({ ...d, subjects: [d.subjects[0]!], summary: undefined }, META));
      const html = renderHtml(doc);
      const pdf = await print(html);
      const info = await readPdf(pdf);
      expect(info.pages.length).toBeGreaterThanOrEqual(2);
      const head = squash(`${doc.sections[0]!.runningHead!} (tiếp theo)`);
      for (const p of info.pages.slice(1)) expect(squash(p.text)).toContain(head);
      // The same document with an empty heading: page 1 must not change, page 2 must.
      const bare = await print(html.replace(/<div class="runhead">[^<]*<\/div>/g, '<div class="runhead"></div>'));
      expect(pixels(bare, 1).equals(pixels(pdf, 1))).toBe(true);
      expect(pixels(bare, 2).equals(pixels(pdf, 2))).toBe(false);
    },
  );

  it('shows no ISO timestamp, stream id or UUID on the page, only in the footer’s small print', async () => {
    const page = await browser.newPage();
    try {
      for (const f of everyForm()) {
        await page.setContent(renderHtml(f.doc), { waitUntil: 'load' });
        const [fine, shown] = await page.evaluate<[string, string]>(SPLIT_FINE_PRINT);
        for (const bad of [
          /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/,
          /\b\d{4}-\d{2}-\d{2}\b/,
          /\b(markbook|student|hocba|summary|minutes|register)\/[\w-]/i,
          /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i,
        ])
          expect(shown, f.name).not.toMatch(bad);
        expect(fine, f.name).toContain(f.doc.verification.origin);
      }
    } finally {
      await page.close();
    }
  });
});
