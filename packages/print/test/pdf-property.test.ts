import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  leafColumns,
  renderHtml,
  renderPdf,
  type Block,
  type Column,
  type PrintDocument,
  type Section,
} from '../src/index.js';
import { ROOT } from './fixtures.js';
import { readPdf } from './pdf-text.js';

// Letters of Vietnamese (with every tone mark), digits and punctuation, composed and decomposed.
const LETTERS =
  'aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ0123456789.,;:-–—()/ ';
const word = fc.array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 12 }).map((cs) => cs.join(''));
const text = fc.array(word, { minLength: 0, maxLength: 30 }).map((ws) => ws.join(' '));
// Titles and correction minutes must not be blank (the renderer refuses them, see model.test.ts),
// so the generator for short texts keeps only those with a visible character.
const short = fc
  .array(word, { minLength: 1, maxLength: 3 })
  .map((ws) => ws.join(' '))
  .filter((s) => s.trim() !== '');

const columns: fc.Arbitrary<Column[]> = fc.array(
  fc.oneof(
    fc.record({ label: short, width: fc.double({ min: 0.5, max: 4, noNaN: true }) }),
    fc.record({ label: short, children: fc.array(fc.record({ label: short }), { minLength: 1, maxLength: 4 }) }),
  ),
  { minLength: 1, maxLength: 6 },
);

const table: fc.Arbitrary<Block> = columns.chain((cols) => {
  const n = leafColumns(cols).length;
  const cell = fc.oneof(short, text, fc.record({ text: short, correction: fc.record({ old: short, minutes: short }) }));
  return fc.record({
    kind: fc.constant('table' as const),
    columns: fc.constant(cols),
    rows: fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 30 }),
    fontSize: fc.integer({ min: 6, max: 12 }),
  });
});

const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({
    kind: fc.constant('paragraph' as const),
    text,
    size: fc.constantFrom('small' as const, 'normal' as const, 'large' as const),
  }),
  fc.record({
    kind: fc.constant('fields' as const),
    columns: fc.integer({ min: 1, max: 4 }),
    items: fc.array(fc.record({ label: short, value: text }), { maxLength: 6 }),
  }),
  table,
  fc.record({
    kind: fc.constant('signatures' as const),
    items: fc.array(fc.record({ title: short, name: short, fingerprint: fc.constant('1a2b 3c4d 5e6f 7a8b') }), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
);

const section: fc.Arbitrary<Section> = fc.record({
  orientation: fc.constantFrom('portrait' as const, 'landscape' as const),
  title: short,
  blocks: fc.array(block, { maxLength: 4 }),
});

const doc: fc.Arbitrary<PrintDocument> = fc.record({
  title: short,
  verification: fc.constant({ origin: 'hoso/prop', size: 7, root: ROOT }),
  sections: fc.array(section, { minLength: 1, maxLength: 3 }),
});

describe('renderPdf on arbitrary documents', () => {
  it('lays out every document: one page run per section in its orientation, the footer on every page', async () => {
    await fc.assert(
      fc.asyncProperty(doc, async (d) => {
        const pdf = await readPdf(await renderPdf(d));
        expect(pdf.pages.length).toBeGreaterThanOrEqual(d.sections.length);
        expect(pdf.pages[0]!.width).toBeCloseTo(d.sections[0]!.orientation === 'portrait' ? 595.28 : 841.89, 1);
        pdf.pages.forEach((p, i) => {
          expect(p.text).toContain('hoso/prop');
          expect(p.text).toContain(`Trang ${i + 1}/${pdf.pages.length}`);
        });
        expect(() => renderHtml(d)).not.toThrow();
      }),
      { numRuns: 6 },
    );
  });
});
