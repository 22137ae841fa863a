/**
 * Marks as schools keep them, each a real file imported into a real SQLite ledger: an Excel
 * markbook with the form's title block above a three-row header of merged cells (Học kỳ I ›
 * ĐĐGtx › 1 2 3 4), numbers as Excel stores them; a `;` CSV with decimal commas in the long layout
 * (one mark per row); and every bad mark of a file reported at once, at its cell.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import ExcelJS from 'exceljs';
import { as } from '@hoso/ledger/testing';
import { importSheet, type ImportOptions, type SheetProblem } from '../src/index.js';
import { sqliteSchool, type SqliteSchool } from './school.js';

let school: SqliteSchool | undefined;
afterEach(async () => {
  await school?.close();
  school = undefined;
});

const cell = (s: SqliteSchool, subject: string, student: string, term: string, column: string) =>
  s.ledger.state().cells.get(`markbook/2024-2025/10A1/${subject}#${student}/${term}/${column}`)?.value;

/**
 * A markbook sheet as a school's own template lays it out: school, form title, class and year,
 * subject, then STT | Mã học sinh | Họ và tên | Học kỳ I (ĐĐGtx 1–4, ĐĐGgk, ĐĐGck, ĐTBmhkI).
 */
async function markbookXlsx(
  path: string,
  rows: ReadonlyArray<readonly (string | number | null)[]>,
  subject = 'Toán',
): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Hướng dẫn').addRow(['Nhập điểm vào trang "Điểm"']);
  const ws = wb.addWorksheet('Điểm');
  ws.addRow(['TRƯỜNG THPT THỬ NGHIỆM']);
  ws.addRow(['SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH']);
  ws.addRow(['Lớp: 10A1', null, null, 'Năm học: 2024 - 2025']);
  ws.addRow([`Môn học: ${subject}`, null, null, 'Học kỳ I']);
  ws.addRow([]);
  ws.addRow(['STT', 'Mã học sinh', 'Họ và tên', 'Học kỳ I']);
  ws.addRow([null, null, null, 'ĐĐGtx', null, null, null, 'ĐĐGgk', 'ĐĐGck', 'ĐTBmhkI']);
  ws.addRow([null, null, null, 1, 2, 3, 4]);
  ws.mergeCells('A6:A8');
  ws.mergeCells('B6:B8');
  ws.mergeCells('C6:C8');
  ws.mergeCells('D6:J6');
  ws.mergeCells('D7:G7');
  ws.mergeCells('H7:H8');
  ws.mergeCells('I7:I8');
  ws.mergeCells('J7:J8');
  for (const r of rows) ws.addRow([...r]);
  // A number shown with one decimal, as a school's template formats mark cells.
  ws.getColumn(8).numFmt = '0.0';
  await wb.xlsx.writeFile(path);
}

async function refusedWith(s: SqliteSchool, file: string, options: ImportOptions): Promise<SheetProblem[]> {
  const before = s.hash();
  const r = await importSheet(s.ledger, file, [as(s.people.teacher, 'subject')], { now: s.clock.now, ...options });
  expect(isLeft(r)).toBe(true);
  expect(s.hash()).toBe(before);
  return isLeft(r) ? r.left : [];
}

describe('marks from Excel', () => {
  it('an .xlsx with a title block and a merged three-row header: year, class, subject and term from the title', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('diem-toan.xlsx');
    await markbookXlsx(f, [
      [1, 'hs-001', 'Học sinh 1', 8.5, 7, '9', null, 8, 6.5, '=AVERAGE(D9:I9)'],
      [2, 'hs-002', 'Học sinh 2', 10, null, null, null, 7, null, null],
      [3, 'hs-003', 'HỌC SINH 3', null, null, null, null, null, null, null],
    ]);
    const r = await importSheet(s.ledger, f, [as(s.people.teacher, 'subject')], {
      kind: 'marks',
      sheet: 'Điểm',
      now: s.clock.now,
    });
    if (isLeft(r)) throw new Error(JSON.stringify(r.left, null, 1));
    expect(r.right.source).toMatchObject({ format: 'xlsx', sheet: 'Điểm', sheets: ['Hướng dẫn', 'Điểm'] });
    expect(r.right.title).toMatchObject({ year: '2024-2025', class: '10A1', subject: 'Toán', term: 'HK1' });
    expect(r.right.headerLines).toEqual([6, 7, 8]);
    expect(r.right.appended?.events).toBe(7);
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'tx1')).toBe('8.5');
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'tx2')).toBe('7');
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'tx3')).toBe('9');
    // The cell's format shows one decimal: 8 is written as the clerk saw it, 8.0.
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'gk')).toBe('8.0');
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'ck')).toBe('6.5');
    expect(cell(s, 'toan', 'hs-002', 'HK1', 'tx1')).toBe('10');
    expect(cell(s, 'toan', 'hs-003', 'HK1', 'tx1')).toBeUndefined();
  });

  it('every bad mark of the sheet at once, each at its cell (address and column)', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('diem-toan.xlsx');
    await markbookXlsx(f, [
      [1, 'hs-001', 'Học sinh 1', 11, 7, null, null, 8, null, null],
      [2, 'hs-002', 'Học sinh 2', 8.25, 'Đ', null, null, null, null, null],
      [3, 'hs-009', 'Học sinh 9', 8, 7, null, null, null, null, null],
      [4, 'hs-003', 'Học sinh 2', 5, null, null, null, null, null, null],
    ]);
    const problems = await refusedWith(s, f, { kind: 'marks', sheet: 2 });
    expect(problems.map((p) => [p.line, p.cell, p.column, p.code])).toEqual([
      [9, 'D9', 'Học kỳ I / ĐĐGtx / 1', 'invalid-value'],
      [10, 'D10', 'Học kỳ I / ĐĐGtx / 1', 'invalid-value'],
      [10, 'E10', 'Học kỳ I / ĐĐGtx / 2', 'wrong-assessment'],
      // Not on the list: one problem of the row, not one per mark it holds.
      [11, 'B11', 'Mã học sinh', 'student-not-in-class'],
      [12, 'C12', 'Họ và tên', 'name-mismatch'],
    ]);
    expect(problems[3]!.stage).toBe('ledger');
    expect(problems[3]!.message_vi).toContain('không có trong danh sách lớp 10A1');
  });

  it('a sheet that is not there, and a damaged workbook', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('diem.xlsx');
    await markbookXlsx(f, [[1, 'hs-001', 'Học sinh 1', 8, null, null, null, null, null, null]]);
    const [none] = await refusedWith(s, f, { kind: 'marks', sheet: 'Lý' });
    expect(none).toMatchObject({
      code: 'unknown-sheet',
      message: expect.stringContaining('"Hướng dẫn", "Điểm"') as string,
    });
    writeFileSync(f, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)]));
    const [damaged] = await refusedWith(s, f, { kind: 'marks' });
    expect(damaged?.code).toBe('invalid-xlsx');
  });
});

describe('marks from CSV, one mark per row', () => {
  it('a mark given twice (the first one good): the second names the first line, not an event never written', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('diem.csv');
    writeFileSync(
      f,
      [
        'student,subject,term,column,index,value',
        'hs-001,toan,HK1,tx,1,8',
        'hs-002,toan,HK1,tx,1,7',
        'hs-001,toan,HK1,tx,1,9',
      ].join('\n'),
    );
    const problems = await refusedWith(s, f, { kind: 'marks', year: '2024-2025', class: '10A1' });
    expect(problems.map((p) => [p.line, p.column, p.code, p.details?.['first']])).toEqual([
      [4, 'value', 'duplicate-cell', 2],
    ]);
    expect(problems[0]!.message).toBe('this mark is already given on line 2 (value) of this file: one value per cell');
  });

  it('";" separated with decimal commas, Vietnamese headers, subject by name', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('diem.csv');
    writeFileSync(
      f,
      [
        'Mã học sinh;Môn học;Học kỳ;Cột điểm;Lần;Điểm',
        'hs-001;Toán;HK1;tx;1;8,5',
        'hs-002;toan;Học kỳ I;ĐĐGtx;2;7',
        'hs-001;Toán;I;gk;;9,0',
        'hs-001;Giáo dục thể chất;HK1;tx;1;đ',
        'hs-002;the-duc;HK1;ck;;Chưa đạt',
      ].join('\n'),
    );
    const r = await importSheet(s.ledger, f, [as(s.people.teacher, 'subject')], {
      kind: 'marks',
      year: '2024-2025',
      class: '10A1',
      now: s.clock.now,
    });
    if (isLeft(r)) throw new Error(JSON.stringify(r.left, null, 1));
    expect(r.right.source.delimiter).toBe(';');
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'tx1')).toBe('8.5');
    expect(cell(s, 'toan', 'hs-002', 'HK1', 'tx2')).toBe('7');
    expect(cell(s, 'toan', 'hs-001', 'HK1', 'gk')).toBe('9.0');
    expect(cell(s, 'the-duc', 'hs-001', 'HK1', 'tx1')).toBe('Đ');
    expect(cell(s, 'the-duc', 'hs-002', 'HK1', 'ck')).toBe('CĐ');
  });

  it('every rule one row breaks, each at its column: a cell already in the ledger, and its window closed since', async () => {
    const s = (school = await sqliteSchool());
    const first = s.path('diem-1.csv');
    writeFileSync(first, ['student,subject,term,column,index,value', 'hs-001,toan,HK1,tx,1,8'].join('\n'));
    const ok = await importSheet(s.ledger, first, [as(s.people.teacher, 'subject')], {
      kind: 'marks',
      year: '2024-2025',
      class: '10A1',
      now: s.clock.now,
    });
    expect(isLeft(ok)).toBe(false);
    const closed = await s.ledger.execute({ type: 'CloseWindow', data: { window: 'nam-hoc' } }, [
      as(s.people.principal, 'leader'),
    ]);
    expect(isLeft(closed)).toBe(false);
    s.clock.now = new Date(s.clock.now.getTime() + 60_000);
    const again = s.path('diem-2.csv');
    writeFileSync(again, ['student,subject,term,column,index,value', 'hs-001,toan,HK1,tx,1,9'].join('\n'));
    const problems = await refusedWith(s, again, { kind: 'marks', year: '2024-2025', class: '10A1' });
    expect(problems.map((p) => [p.line, p.column, p.code, p.stage]).sort()).toEqual([
      [2, 'value', 'cell-already-entered', 'ledger'],
      [2, 'value', 'outside-window', 'ledger'],
    ]);
    // Each said once, none carrying the other in its details.
    expect(problems.every((p) => p.details?.['more'] === undefined)).toBe(true);
    expect(problems.find((p) => p.code === 'cell-already-entered')!.message_vi).toContain('"8"');
  });

  it('a mark given twice, an entry window not open, an option the title contradicts', async () => {
    const s = (school = await sqliteSchool({ openWindow: false }));
    const f = s.path('diem.csv');
    writeFileSync(
      f,
      ['student,subject,term,column,index,value', 'hs-001,toan,HK1,tx,1,8', 'hs-001,toan,HK1,tx,1,9'].join('\n'),
    );
    const problems = await refusedWith(s, f, { kind: 'marks', year: '2024-2025', class: '10A1' });
    expect(problems.map((p) => [p.line, p.column, p.code, p.stage])).toEqual([
      [2, 'value', 'outside-window', 'ledger'],
      [3, 'value', 'duplicate-cell', 'field'],
    ]);
    // Not an event id of a line that was never written: the line of the file.
    expect(problems[1]!.message).toContain('line 2');
    expect(problems.some((p) => /event [0-9a-f-]{36}/.test(p.message))).toBe(false);
    const x = s.path('diem.xlsx');
    await markbookXlsx(x, [[1, 'hs-001', 'Học sinh 1', 8, null, null, null, null, null, null]]);
    const title = await refusedWith(s, x, { kind: 'marks', sheet: 'Điểm', class: '10A2' });
    expect(title.map((p) => [p.line, p.code])).toEqual([
      [6, 'title-disagrees'],
      // Toán is no subject of a class that is not open: said once, by the header.
      [6, 'unknown-subject'],
    ]);
  });
});
