import { describe, it, expect } from 'vitest';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  escapeHtml,
  GEOMETRY,
  formatProofReference,
  markbookDocument,
  proofReferenceOf,
  qrMatrix,
  qrSvg,
  renderHtml,
  shortenHex,
  type PrintDocument,
  type PrintError,
} from '../src/index.js';
import { META, NHUNG, ROOT, markbook } from './fixtures.js';

function ok<A>(e: Either<PrintError, A>): A {
  if (isLeft(e)) throw new Error(`${e.left.code} at ${JSON.stringify(e.left.path)}: ${e.left.message}`);
  return e.right;
}

describe('renderHtml', () => {
  const doc = ok(markbookDocument(markbook(12), META));
  const html = renderHtml(doc);

  it('is one self-contained UTF-8 document: no external scripts, styles, images or fonts', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<html lang="vi">');
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\((?!"data:)/i);
  });

  it('has A4 @page rules, a named landscape page and the verification in the page margins', () => {
    expect(html).toContain('size: A4 portrait');
    expect(html).toMatch(/@page landscape \{ size: A4 landscape; \}/);
    expect(html).toContain('section.sheet.landscape { page: landscape; }');
    expect(html).toContain('content: "Trang " counter(page) "/" counter(pages)');
    expect(html).toMatch(/@bottom-left \{ content: url\("data:image\/svg\+xml;base64,/);
    expect(html).toContain(`Mã dữ liệu: nguồn ${META.verification.origin}`);
    expect(html).toContain(shortenHex(ROOT));
  });

  it('carries the full proof reference in a meta tag and the QR code inline as SVG', () => {
    const ref = formatProofReference(proofReferenceOf(META.verification));
    expect(html).toContain(`<meta name="hoso-proof" content="${escapeHtml(ref)}">`);
    const n = qrMatrix(ref).size;
    expect(html).toContain(qrSvg(ref, `${((GEOMETRY.qr * (n + 8)) / n).toFixed(2)}pt`));
  });

  it('prints the values with their diacritics, one section per form part', () => {
    expect(html).toContain(NHUNG);
    expect(html).toContain('SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH');
    expect(html.match(/<section class="sheet landscape">/g)?.length).toBe(3);
  });

  it('marks a correction: old value struck through, new value, minutes number', () => {
    expect(html).toMatch(
      /<td class="a-center corrected"><del class="old" title="Giá trị cũ">6<\/del><span class="new">9<\/span><span class="bb">BB 03\/BB-SCDL<\/span><\/td>/,
    );
  });

  it('escapes text, so a name cannot inject markup', () => {
    const evil: PrintDocument = {
      ...doc,
      sections: [
        {
          orientation: 'portrait',
          title: 'T',
          blocks: [{ kind: 'paragraph', text: '<script>alert("x")</script> & Đ' }],
        },
      ],
    };
    const out = renderHtml(evil);
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Đ');
  });

  it('escapes the page-margin text as a CSS string', () => {
    const out = renderHtml({ ...doc, verification: { ...doc.verification, book: 'a"b\\c' } });
    expect(out).toContain('sổ a\\"b\\\\c');
  });

  it('embeds the fonts on request', () => {
    const out = renderHtml(doc, { embedFonts: true });
    // Regular, bold, italic, bold italic, and the condensed regular and bold of the tables.
    expect(out.match(/@font-face\{font-family:"hoso-serif"/g)?.length).toBe(6);
    expect(out).toContain('font-family: "hoso-serif", "Times New Roman"');
  });

  it('throws the typed error on an invalid document', () => {
    expect(() => renderHtml({ ...doc, sections: [] })).toThrowError(/print-invalid-document/);
  });
});

describe('QR code', () => {
  it('draws the same symbol in SVG as the matrix holds', () => {
    const m = qrMatrix('hoso:proof?v=1');
    const svg = qrSvg('hoso:proof?v=1', '100px');
    let dark = 0;
    for (let r = 0; r < m.size; r++) for (let c = 0; c < m.size; c++) if (m.dark(r, c)) dark++;
    // Every dark module is inside exactly one run of the path; the runs' lengths add up.
    const runs = [...svg.matchAll(/h(\d+)v1/g)].map((x) => Number(x[1]));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(dark);
    expect(svg).toContain(`viewBox="0 0 ${m.size + 8} ${m.size + 8}"`);
  });
});
