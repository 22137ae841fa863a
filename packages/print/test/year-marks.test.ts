/**
 * The school year on the printed markbook, read back with pdftotext (poppler): a make-up mark
 * (*kiểm tra bù*, TT22 Điều 7) and a result brought from another school (*chuyển đến*, QC Điều 8.2)
 * are marked `*` with a note saying which, and a subject a pupil is exempt from prints "Miễn".
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { markbookDocument, renderPdf, type MarkbookData } from '../src/index.js';
import { META, markbook } from './fixtures.js';

/** The text of a PDF as pdftotext reads it (layout kept, so a row stays on one line). */
function pdftotext(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-year-marks-'));
  const file = join(dir, 'markbook.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** Three students: a make-up end-of-term mark, a mark brought from another school, an exempt pupil. */
function year(): MarkbookData {
  const m = markbook(3);
  const toan = m.subjects[0]!;
  const [a, b, c] = toan.students as [
    MarkbookData['subjects'][number]['students'][number],
    MarkbookData['subjects'][number]['students'][number],
    MarkbookData['subjects'][number]['students'][number],
  ];
  const term1 = (s: typeof a, change: Partial<(typeof a)['terms'][0]>) => ({
    ...s,
    terms: [{ ...s.terms[0], ...change }, s.terms[1]] as (typeof a)['terms'],
  });
  return {
    ...m,
    subjects: [
      {
        ...toan,
        students: [
          term1(a, { end: { value: '6.5', makeUp: { taken: true } } }),
          term1(b, {
            mid: { value: '8', source: { school: 'THPT Lê Lợi', document: 'Học bạ số 12/HB ngày 20/01/2025' } },
          }),
          {
            ...c,
            terms: [
              { ...c.terms[0], result: 'Miễn' },
              { ...c.terms[1], result: 'Miễn' },
            ],
            year: 'Miễn',
          },
        ],
      },
      ...m.subjects.slice(1),
    ],
  };
}

describe('the printed markbook shows the school year as it ran', () => {
  let text = '';
  beforeAll(async () => {
    const doc = markbookDocument(year(), META);
    if (isLeft(doc)) throw new Error(doc.left.message);
    text = pdftotext(await renderPdf(doc.right, { creationDate: new Date('2025-06-01T08:00:00Z') }));
  });

  it('marks a make-up with * and says so under the table', () => {
    expect(text).toContain('6,5*');
    expect(text).toContain('(*) Kiểm tra bù, kết quả chuyển đến:');
    expect(text).toMatch(/ĐĐGck HK I: 6,5 — điểm kiểm tra bù \(TT22 Điều 7\)/);
  });

  it('marks a result from another school with * and names the school and the document', () => {
    expect(text).toContain('8*');
    expect(text).toMatch(
      /ĐĐGgk HK I: 8 — kết quả chuyển đến từ THPT Lê Lợi, theo Học bạ số 12\/HB ngày 20\/01\/2025 \(QC Điều 8\.2\)/,
    );
  });

  it('prints Miễn for a subject the pupil is exempt from', () => {
    expect(text).toContain('Miễn');
  });

  it('an ordinary markbook has no such note', async () => {
    const doc = markbookDocument(markbook(3), META);
    if (isLeft(doc)) throw new Error(doc.left.message);
    const plain = pdftotext(await renderPdf(doc.right, { creationDate: new Date('2025-06-01T08:00:00Z') }));
    expect(plain).not.toContain('Kiểm tra bù');
    expect(plain).not.toContain('*');
  });
});
