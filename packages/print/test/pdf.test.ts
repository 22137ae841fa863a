import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import {
  checkGlyphs,
  documentTexts,
  formatProofReference,
  proofReferenceOf,
  markbookDocument,
  renderPdf,
  shortenHex,
  transcriptDocument,
  viDateTime,
  type PrintDocument,
  type PrintError,
} from '../src/index.js';
import { META, NHUNG, ROOT, markbook, transcript } from './fixtures.js';
import { readPdf, type PdfInfo } from './pdf-text.js';

const CREATED = new Date('2025-06-01T00:00:00Z');

function ok<A>(e: Either<PrintError, A>): A {
  if (isLeft(e)) throw new Error(`${e.left.code} at ${JSON.stringify(e.left.path)}: ${e.left.message}`);
  return e.right;
}

describe('renderPdf: class markbook', () => {
  let doc: PrintDocument;
  let bytes: Uint8Array;
  let pdf: PdfInfo;
  beforeAll(async () => {
    doc = ok(markbookDocument(markbook(40), META));
    bytes = await renderPdf(doc, { creationDate: CREATED });
    pdf = await readPdf(bytes);
  });

  it('is a PDF with the document title in its metadata', () => {
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(pdf.title).toBe('Sổ theo dõi và đánh giá học sinh — Lớp 10A1 — Năm học 2024-2025');
  });

  it('carries the proof reference in its document information too', () => {
    expect(pdf.proof).toBe(formatProofReference(proofReferenceOf(META.verification)));
  });

  it('prints landscape A4 pages, the 40-student subjects on two or three pages each plus the summary', () => {
    // Toán (40 rows, a grouped header, a correction note) takes three landscape pages: its note and
    // signature do not fit under row 38, so they take the last two rows with them onto a third.
    // GDTC takes two, the summary two.
    expect(pdf.pages.length).toBe(7);
    for (const p of pdf.pages) {
      expect(p.width).toBeCloseTo(841.89, 1);
      expect(p.height).toBeCloseTo(595.28, 1);
    }
  });

  it('reads back Vietnamese text with its diacritics', () => {
    const all = pdf.pages.map((p) => p.text).join('\n');
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH',
      'TRƯỜNG THPT CHU VĂN AN',
      NHUNG,
      'Giáo dục thể chất',
      'Lê Văn Tám',
      'Gia Nghĩa, ngày 31 tháng 5 năm 2025',
      'TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CẢ NĂM HỌC',
      'Học sinh Giỏi',
    ])
      expect(all).toContain(s);
  });

  it('prints every student name of the class', () => {
    const items = new Set(pdf.pages.flatMap((p) => p.items));
    for (const s of markbook(40).subjects[0]!.students) expect(items.has(s.name)).toBe(true);
  });

  it('repeats the table header on the continuation page', () => {
    expect(pdf.pages[1]!.items).toContain('ĐĐGtx');
    expect(pdf.pages[1]!.items).toContain('Họ và tên');
    expect(pdf.pages[1]!.items).not.toContain('SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH');
  });

  it('shows a correction: old value, new value and the minutes number, and lists it under the table', () => {
    const p1 = pdf.pages[0]!;
    const row = p1.items.indexOf(NHUNG);
    expect(row).toBeGreaterThan(0);
    const after = p1.items.slice(row, row + 30);
    expect(after).toContain('6');
    expect(after).toContain('9');
    const text = pdf.pages.map((p) => p.text).join(' ');
    expect(text).toMatch(/BB\s+03\/BB-\s*SCDL/);
    expect(text).toContain(`BB 03/BB-SCDL (12/01/2025) — ${NHUNG}, ĐĐGtx 3 HK I: 6 → 9; lý do: nhập nhầm`);
  });

  it('prints the verification footer and page number on every page', () => {
    pdf.pages.forEach((p, i) => {
      expect(p.text).toContain('hoso/thpt-chu-van-an');
      expect(p.text).toContain(shortenHex(ROOT));
      expect(p.text).toContain('12345');
      expect(p.text).toContain(`Trang ${i + 1}/${pdf.pages.length}`);
    });
  });

  it('prints signature blocks with names and key fingerprints', () => {
    const text = pdf.pages.map((p) => p.text).join(' ');
    expect(text).toContain('GIÁO VIÊN BỘ MÔN');
    expect(text).toContain('HIỆU TRƯỞNG');
    expect(text).toContain('Phạm Văn Đức');
    expect(text).toMatch(/Khóa\s+[0-9a-f]{4}\s+[0-9a-f]{4}\s+[0-9a-f]{4}\s+[0-9a-f]{4}/);
  });

  it('embeds its fonts (DejaVu subsets, TrueType font files, no standard 14 font)', () => {
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSerif/);
    expect(raw).toContain('/FontFile2');
    expect(raw).not.toMatch(/\/BaseFont \/(Helvetica|Times-Roman|Courier)/);
  });

  it('has a glyph for every character it prints', () => {
    expect(isRight(checkGlyphs(doc))).toBe(true);
    // The round trip too: every cell string comes back from the page text.
    const all = pdf.pages.map((p) => p.text.replace(/\s+/g, '')).join('');
    // (The title is metadata, not page text.)
    for (const [text, path] of documentTexts(doc)) {
      if (path[0] === 'title') continue;
      // Signing times print as dd/MM/yyyy HH:mm.
      const shown = path[path.length - 1] === 'signedAt' ? viDateTime(text) : text;
      const t = shown.normalize('NFC').replace(/\s+/g, '');
      // Ledger decimals ("8.5") print the Vietnamese way ("8,5").
      expect(all.includes(t) || all.includes(t.replace('.', ',')), t).toBe(true);
    }
  });

  it('is reproducible: same document and date, same bytes', async () => {
    const again = await renderPdf(doc, { creationDate: CREATED });
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe('renderPdf: transcript', () => {
  it('prints one portrait A4 page with the student and the results', async () => {
    const bytes = await renderPdf(ok(transcriptDocument(transcript(), META)), { creationDate: CREATED });
    const pdf = await readPdf(bytes);
    expect(pdf.pages.length).toBe(1);
    expect(pdf.pages[0]!.width).toBeCloseTo(595.28, 1);
    expect(pdf.pages[0]!.height).toBeCloseTo(841.89, 1);
    const t = pdf.pages[0]!.text;
    for (const s of [
      'HỌC BẠ',
      NHUNG,
      '15/03/2009',
      'Hoạt động trải nghiệm, hướng nghiệp',
      'Kết quả rèn luyện',
      'Được lên lớp',
      'Chăm ngoan, tiến bộ rõ ở môn Toán.',
    ])
      expect(t).toContain(s);
  });
});

describe('renderPdf: bad input', () => {
  const base = (): PrintDocument => ({
    title: 'T',
    verification: { origin: 'hoso/x', size: 1, root: ROOT },
    sections: [{ orientation: 'portrait', title: 'T', blocks: [{ kind: 'paragraph', text: 'Nguyễn 漢' }] }],
  });

  it('refuses a character the embedded fonts cannot print, naming the field', () => {
    const r = checkGlyphs(base());
    expect(isLeft(r)).toBe(true);
    if (isLeft(r)) {
      expect(r.left.code).toBe('print-missing-glyph');
      expect(r.left.path).toEqual(['sections', 0, 'blocks', 0, 'text']);
      expect(r.left.details).toMatchObject({ codePoint: 0x6f22 });
    }
  });

  it('rejects with the typed error (and renders nothing)', async () => {
    await expect(renderPdf(base())).rejects.toMatchObject({
      name: 'HosoFailure',
      error: { code: 'print-missing-glyph' },
    });
    await expect(
      renderPdf({ ...base(), verification: { origin: 'hoso/x', size: 1, root: 'nope' } }),
    ).rejects.toMatchObject({
      error: { code: 'print-invalid-verification', path: ['verification', 'root'] },
    });
  });

  it('lays out decomposed (NFD) Vietnamese the same as composed text', async () => {
    const nfd = NHUNG.normalize('NFD');
    expect(nfd).not.toBe(NHUNG);
    const pdf = await readPdf(
      await renderPdf({
        ...base(),
        sections: [{ orientation: 'portrait', title: 'T', blocks: [{ kind: 'paragraph', text: nfd }] }],
      }),
    );
    expect(pdf.pages[0]!.items).toContain(NHUNG);
  });
});
