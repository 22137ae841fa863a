/**
 * The school year as it ran, from the books to the printed markbook, read back with pdftotext: an
 * exemption with its decision's number ("Miễn" in the subject's cells), a pupil on an individual
 * education plan and the principal's decision, a transfer in and a transfer out with the date and
 * the other school, and a make-up mark marked `*` with its note.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { classKey, classMarkbook, foldRecords, studentYearKey, type Actor, type Records } from '@hoso/books';
import { markbookDataFromBook, markbookDocument, renderPdf } from '../src/index.js';
import { CLASS, YEAR, writeSchoolYear } from '../../books/test/support/school.js';
import { META } from './fixtures.js';

const LEADER: Actor = { key: 'k-leader', role: 'leader', person: 'hieu-truong', name: 'Nguyễn Văn Hiệu' };
const TEACHER: Actor = { key: 'k-teacher', role: 'subject', person: 'gvbm', name: 'Phạm Bộ Môn' };

function pdftotext(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-year-books-'));
  const file = join(dir, 'markbook.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** The school year's records with An exempt from and planned in Thể dục, Bình leaving, and a make-up. */
function year(r: Records): Records {
  const mb = (subject: string) => `markbook/${YEAR}/${CLASS}/${subject}`;
  r.plans[studentYearKey(YEAR, 'an')] = {
    year: YEAR,
    student: 'an',
    mode: 'inclusive',
    plan: { number: '07/KH-GDCN', date: '2024-09-20' },
    planSubjects: ['the-duc'],
    position: 900,
    by: LEADER,
  };
  r.exemptions.push({
    year: YEAR,
    student: 'an',
    subject: 'the-duc',
    period: 'CN',
    scope: 'subject',
    decision: { number: '15/QĐ-THPT', date: '2024-09-25' },
    reason: 'khuyết tật vận động',
    position: 901,
    by: LEADER,
  });
  const roster = r.classes[classKey(YEAR, CLASS)]!.roster;
  const binh = roster.findIndex((e) => e.student === 'binh');
  roster[binh] = {
    ...roster[binh]!,
    from: { school: 'THPT Lê Lợi' },
    left: {
      date: '2025-03-10',
      to: { school: 'THPT Chu Văn An, Hà Nội' },
      reason: 'gia đình chuyển nơi ở',
      transcript: { number: '22/GCT', date: '2025-03-10' },
    },
  };
  const ck = `${mb('toan')}#an/HK1/ck`;
  const cell = r.cells[ck];
  if (cell !== undefined) cell.history[0] = { ...cell.history[0]!, makeUp: { taken: true }, by: TEACHER };
  return r;
}

describe('the printed markbook of a year with an exemption, a plan, transfers and a make-up', () => {
  let text = '';
  beforeAll(async () => {
    const records = year(foldRecords((await writeSchoolYear()).events));
    const book = classMarkbook(records, YEAR, CLASS);
    if (isLeft(book)) throw new Error(book.left.message);
    const doc = markbookDocument(markbookDataFromBook(book.right), META);
    if (isLeft(doc)) throw new Error(doc.left.message);
    text = pdftotext(await renderPdf(doc.right, { creationDate: new Date('2025-06-01T08:00:00Z') }));
  });

  it('prints Miễn for the exempt subject and the decision under the summary', () => {
    expect(text).toContain('Miễn');
    expect(text).toContain('Nguyễn Thị An: miễn học môn');
    expect(text).toContain('cả năm, quyết định số 15/QĐ-THPT ngày 25/09/2024');
  });

  it('notes the individual education plan', () => {
    expect(text).toContain(
      'Nguyễn Thị An: học sinh khuyết tật, đánh giá theo kế hoạch giáo dục cá nhân số 07/KH-GDCN ngày 20/09/2024',
    );
  });

  it('notes the transfer in and the transfer out, with the dates and the schools', () => {
    expect(text).toMatch(/Trần Văn Bình: chuyển đến ngày \d\d\/\d\d\/\d{4} từ THPT Lê Lợi/);
    expect(text).toContain(
      'Trần Văn Bình: chuyển đi ngày 10/03/2025 đến THPT Chu Văn An, Hà Nội, hồ sơ số 22/GCT ngày 10/03/2025',
    );
  });

  it('marks the make-up mark and says so', () => {
    expect(text).toMatch(/\d,?\d?\*/);
    expect(text).toMatch(/Nguyễn Thị An, ĐĐGck HK I: [\d,]+ — điểm kiểm tra bù \(TT22 Điều 7\)/);
  });
});
