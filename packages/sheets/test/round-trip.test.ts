/**
 * Excel out and back in: a class's books written by {@link writeClassWorkbook} (the markbook's
 * subject sheets in the form's column order with the computed averages, the year summary, the
 * register, the proof reference), then the register and every subject sheet imported as they are
 * into a fresh ledger — which then holds the same books: every cell, every average and level.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import ExcelJS from 'exceljs';
import { applyToRecords, classMarkbook, emptyRecords, register, type Markbook, type Records } from '@hoso/books';
import type { EventStore } from '@hoso/store';
import { as, buildSchool } from '@hoso/ledger/testing';
import { importSheet, writeClassWorkbook } from '../src/index.js';
import { sqliteSchool, type SqliteSchool } from './school.js';
import { cellText } from '../src/source.js';

let school: SqliteSchool | undefined;
afterEach(async () => {
  await school?.close();
  school = undefined;
});

async function recordsOf(store: EventStore, ledger: string): Promise<Records> {
  let r = emptyRecords();
  for await (const e of store.read(ledger)) r = applyToRecords(r, e);
  return r;
}

const Y = '2024-2025';
const C = '10A1';
const STUDENTS = [
  { id: 'hs-101', name: 'Nguyễn Trãi', birthDate: '2009-03-15', sex: 'M', birthPlace: 'Hà Nội', ethnicity: 'Kinh' },
  {
    id: 'hs-102',
    name: 'Đặng Thị Nữ',
    birthDate: '2009-07-01',
    sex: 'F',
    guardian: 'Đặng Văn Ba',
    phone: '0912345678',
  },
  {
    id: 'hs-103',
    name: 'Lý Thị Bích Ngọc',
    birthDate: '2009-12-31',
    sex: 'F',
    address: 'Số 5, phố Huế',
    nationality: 'Việt Nam',
  },
] as const;

/** The school of the test: three students with their biographies, marks in three subjects, both terms. */
async function sourceSchool() {
  const s = await buildSchool({ students: 0 });
  const homeroom = as(s.people.homeroom, 'homeroom');
  for (const { id, ...bio } of STUDENTS)
    await s.run({ type: 'EnrollStudent', data: { year: Y, class: C, student: id, date: '2024-09-05', bio } }, [
      homeroom,
    ]);
  const teacher = as(s.people.teacher, 'subject');
  const van = as(s.people.homeroom, 'subject');
  const score = async (subject: string, student: string, term: string, column: string, value: string, index?: number) =>
    s.run(
      {
        type: subject === 'the-duc' ? 'EnterCommentLevel' : 'EnterScore',
        data: { year: Y, class: C, subject, student, term, column, value, ...(index === undefined ? {} : { index }) },
      },
      [subject === 'van' ? van : teacher],
    );
  const marks: Record<string, string[]> = {
    'hs-101': ['8.5', '7', '9.0', '10', '8', '6.5'],
    'hs-102': ['5', '6.5', '7', '4.5', '9', '7.5'],
    'hs-103': ['10', '10', '9.5', '9', '9.5', '10'],
  };
  for (const term of ['HK1', 'HK2'])
    for (const [student, m] of Object.entries(marks)) {
      for (let i = 1; i <= 4; i++) await score('toan', student, term, 'tx', m[i - 1]!, i);
      await score('toan', student, term, 'gk', m[4]!);
      await score('toan', student, term, 'ck', m[5]!);
      for (let i = 1; i <= 2; i++) await score('van', student, term, 'tx', m[i + 1]!, i);
      await score('van', student, term, 'gk', m[0]!);
      if (student !== 'hs-103') await score('van', student, term, 'ck', m[3]!);
      for (let i = 1; i <= 2; i++)
        await score('the-duc', student, term, 'tx', student === 'hs-102' && i === 2 ? 'CĐ' : 'Đ', i);
      await score('the-duc', student, term, 'gk', 'Đ');
      await score('the-duc', student, term, 'ck', 'Đ');
    }
  return s;
}

/** What two markbooks must agree on: every cell's value and every computed result. */
function bookValues(b: Markbook) {
  const v = (c: { value: string } | null) => c?.value ?? null;
  return {
    subjects: b.subjects.map((p) => ({
      subject: p.subject,
      rows: p.rows.map((r) => ({
        student: r.student,
        terms: (['HK1', 'HK2'] as const).map((t) => [r[t].regular.map(v), v(r[t].mid), v(r[t].end), r[t].result]),
        year: r.year,
      })),
    })),
    students: b.students.map((s) => [s.student, s.name, s.HK1.learning, s.HK2.learning, s.year.learning]),
  };
}

describe('export-xlsx, then import into a fresh ledger', () => {
  it('gives the same books', async () => {
    const a = await sourceSchool();
    const ra = await recordsOf(a.store, a.ledger.id);
    const book = classMarkbook(ra, Y, C);
    if (isLeft(book)) throw new Error(book.left.message);
    const b = (school = await sqliteSchool({ students: 0 }));
    const file = b.path('10a1.xlsx');
    const proof = {
      origin: 'hoso/thpt-test',
      size: a.ledger.state().size,
      root: 'ab'.repeat(32),
      reference: 'hoso:proof?v=1',
    };
    const written = await writeClassWorkbook(ra, file, {
      year: Y,
      class: C,
      proof,
      exportedAt: new Date('2025-06-01T00:00:00Z'),
    });
    if (isLeft(written)) throw new Error(written.left.message);
    expect(written.right.sheets).toEqual([
      'Toán',
      'Ngữ văn',
      'Giáo dục thể chất',
      'Tổng hợp',
      'Sổ đăng bộ',
      'Kiểm chứng',
    ]);

    // What a clerk sees: the form's columns, the computed averages, the proof reference.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const toan = wb.getWorksheet('Toán')!;
    const rowOf = (ws: ExcelJS.Worksheet, n: number) =>
      (ws.getRow(n).values as ExcelJS.CellValue[]).slice(1).map((x) => cellText(x ?? null));
    expect(rowOf(toan, 4)).toEqual(['Môn học: Toán (toan)']);
    expect(rowOf(toan, 7).slice(0, 4)).toEqual(['STT', 'Mã học sinh', 'Họ và tên', 'Học kỳ I']);
    const first = rowOf(toan, 10);
    const page = book.right.subjects[0]!;
    expect(first.slice(0, 3)).toEqual(['1', 'hs-101', 'Nguyễn Trãi']);
    expect(first[9]).toBe(String(Number(page.rows[0]!.HK1.result)));
    expect(toan.getCell(10, 10).numFmt).toBe('0.0');
    const summary = wb.getWorksheet('Tổng hợp')!;
    expect(rowOf(summary, 5).slice(0, 4)).toEqual([
      'STT',
      'Mã học sinh',
      'Họ và tên',
      'Điểm trung bình môn học / mức đánh giá cả năm',
    ]);
    expect(rowOf(summary, 7).slice(0, 3)).toEqual(['1', 'hs-101', 'Nguyễn Trãi']);
    expect(rowOf(summary, 7)).toContain((book.right.students[0]!.year.learning as { level: string }).level);
    const proofRows = [1, 2, 3, 4].map((n) => rowOf(wb.getWorksheet('Kiểm chứng')!, n));
    expect(proofRows.slice(1)).toEqual([
      ['Sổ điện tử (origin)', 'hoso/thpt-test'],
      ['Số sự kiện của checkpoint (size)', String(proof.size)],
      ['Mã gốc Merkle (root)', proof.root],
    ]);

    const students = await importSheet(b.ledger, file, [as(b.people.homeroom, 'homeroom')], {
      kind: 'students',
      sheet: 'Sổ đăng bộ',
      now: b.clock.now,
    });
    if (isLeft(students)) throw new Error(JSON.stringify(students.left, null, 1));
    for (const [sheet, signer] of [
      ['Toán', as(b.people.teacher, 'subject')],
      ['Ngữ văn', as(b.people.homeroom, 'subject')],
      ['Giáo dục thể chất', as(b.people.teacher, 'subject')],
    ] as const) {
      const r = await importSheet(b.ledger, file, [signer], { kind: 'marks', sheet, now: b.clock.now });
      if (isLeft(r)) throw new Error(`${sheet}: ${JSON.stringify(r.left, null, 1)}`);
      expect(r.right.title.subjectCode).toBeDefined();
    }
    const rb = await recordsOf(b.store, b.ledger.id);
    const again = classMarkbook(rb, Y, C);
    if (isLeft(again)) throw new Error(again.left.message);
    expect(bookValues(again.right)).toEqual(bookValues(book.right));
    // The register's lines too: the same biographies, in the same order.
    expect(register(rb).map((e) => [e.student, e.bio])).toEqual(register(ra).map((e) => [e.student, e.bio]));
  });

  it('a class the ledger does not have: refused before anything is written', async () => {
    const s = await buildSchool({ students: 0 });
    const r = await writeClassWorkbook(await recordsOf(s.store, s.ledger.id), '/nonexistent/x.xlsx', {
      year: Y,
      class: '9Z',
    });
    expect(isLeft(r) && r.left.code).toBe('unknown-class');
  });
});
