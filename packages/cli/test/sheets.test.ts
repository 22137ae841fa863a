/**
 * `hoso import` and `hoso export-xlsx` as a clerk runs them: the built command as a child process
 * on real SQLite files. Arguments are checked before the file is read; a refused file prints every
 * problem once in the chosen language and a summary that names no row, and leaves the database
 * byte for byte as it was; the exported workbook carries the checkpoint's proof reference and
 * imports into a fresh ledger as the same books.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import ExcelJS from 'exceljs';
import { applyToRecords, classMarkbook, emptyRecords, type Markbook } from '@hoso/books';
import { formatSignerKey } from '@hoso/core';
import { as, buildSchool, type TestPerson } from '@hoso/ledger/testing';
import { openSqliteStore } from '@hoso/store-sqlite';
import { hoso } from './run.js';
import { encode1258 } from '../../sheets/test/encode.js';

const dir = mkdtempSync(join(tmpdir(), 'hoso-cli-sheets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Y = '2024-2025';

/** A school on a SQLite file, the signer key files of its teachers, and (with marks) a checkpoint. */
async function schoolFile(
  name: string,
  options: { students: number; marks: boolean },
): Promise<{ db: string; key: (p: 'teacher' | 'homeroom') => string }> {
  const db = join(dir, `${name}.db`);
  const store = openSqliteStore({ path: db, ledger: 'thpt-test' });
  const s = await buildSchool({ store, students: options.students });
  if (options.marks)
    for (const [i, student] of s.students.entries()) {
      for (let k = 1; k <= 4; k++)
        await s.run(
          {
            type: 'EnterScore',
            data: {
              year: Y,
              class: '10A1',
              subject: 'toan',
              student,
              term: 'HK1',
              column: 'tx',
              index: k,
              value: String(5 + i + (k % 2)),
            },
          },
          [as(s.people.teacher, 'subject')],
        );
      await s.run(
        {
          type: 'EnterScore',
          data: { year: Y, class: '10A1', subject: 'toan', student, term: 'HK1', column: 'gk', value: '7.5' },
        },
        [as(s.people.teacher, 'subject')],
      );
    }
  await store.close();
  const keyFile = (p: TestPerson): string => {
    const f = join(dir, `${name}-${p.id}.key`);
    writeFileSync(f, formatSignerKey(p.id, p.seed) + '\n', { mode: 0o600 });
    return f;
  };
  const keys = { teacher: keyFile(s.people.teacher), homeroom: keyFile(s.people.homeroom) };
  return { db, key: (p) => keys[p] };
}

const hashOf = (db: string): string =>
  createHash('sha256')
    .update(readFileSync(db))
    .update(existsSync(`${db}-wal`) ? readFileSync(`${db}-wal`) : Buffer.alloc(0))
    .digest('hex');

async function markbookOf(db: string): Promise<Markbook> {
  const store = openSqliteStore({ path: db, readonly: true });
  let r = emptyRecords();
  for await (const e of store.read('thpt-test')) r = applyToRecords(r, e);
  await store.close();
  const b = classMarkbook(r, Y, '10A1');
  if (isLeft(b)) throw new Error(b.left.message);
  return b.right;
}

describe('hoso import: arguments first, every problem once, nothing written', () => {
  let s: Awaited<ReturnType<typeof schoolFile>>;
  beforeAll(async () => {
    s = await schoolFile('import', { students: 3, marks: false });
  });

  it('checks the key and the options before it reads the file (a FIFO nobody writes would block a read)', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    let r = await hoso(['import', 'marks', fifo, '--db', s.db, '--key', join(dir, 'missing.key')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--key')]);
    r = await hoso(['import', 'marks', fifo, '--db', s.db, '--key', s.key('teacher'), '--lang', 'fr']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--lang')]);
    r = await hoso(['import', 'marks', fifo, '--db', s.db, '--key', s.key('teacher'), '--encoding', 'latin9']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--encoding')]);
    r = await hoso(['import', 'marks', fifo, '--db', s.db, '--key', s.key('teacher')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('<file>')]);
  });

  it('a Windows-1258 ";" file with bad rows: each problem once, in Vietnamese or English; the summary names no row', async () => {
    const f = join(dir, 'diem.csv');
    const text = [
      'Mã học sinh;Môn học;Học kỳ;Cột điểm;Lần;Điểm',
      'hs-001;Toán;HK1;tx;1;8,5',
      'hs-002;Toán;HK1;tx;1;11',
      'hs-003;Toán;HK1;giữa kỳ;;7,25',
      'hs-009;Toán;HK1;tx;2;7',
    ].join('\r\n');
    writeFileSync(f, encode1258(text));
    const before = hashOf(s.db);
    const vi = await hoso([
      'import',
      'marks',
      f,
      '--db',
      s.db,
      '--key',
      s.key('teacher'),
      '--year',
      Y,
      '--class',
      '10A1',
    ]);
    expect(vi.code).toBe(2);
    const lines = vi.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringContaining('diem.csv:3 cột "Điểm"'),
      expect.stringContaining('diem.csv:4 cột "Điểm"'),
      expect.stringContaining('diem.csv:5 cột "Mã học sinh"'),
      expect.stringMatching(/diem\.csv: 3 lỗi ở 3 dòng; không ghi gì vào sổ \[bad-rows\]$/),
    ]);
    expect(lines[2]).toContain('không có trong danh sách lớp 10A1');
    const en = await hoso([
      'import',
      'marks',
      f,
      '--db',
      s.db,
      '--key',
      s.key('teacher'),
      '--year',
      Y,
      '--class',
      '10A1',
      '--lang',
      'en',
      '--json',
    ]);
    expect(en.code).toBe(2);
    expect(en.stderr).toContain('diem.csv:3 column "Điểm": a mark is a score from 0 to 10');
    const out = JSON.parse(en.stdout) as {
      error: {
        code: string;
        where: string;
        details: { written: number; problems: Array<{ line: number; column: string; stage: string }> };
      };
    };
    expect(out.error.where).toBe(f);
    expect(out.error.details.written).toBe(0);
    expect(out.error.details.problems.map((p) => [p.line, p.column, p.stage])).toEqual([
      [3, 'Điểm', 'field'],
      [4, 'Điểm', 'field'],
      [5, 'Mã học sinh', 'ledger'],
    ]);
    expect(hashOf(s.db)).toBe(before);
  });

  it('a file the rules alone refuse is exit 1; the good file goes in whole', async () => {
    const f = join(dir, 'diem2.csv');
    writeFileSync(f, 'student,subject,term,column,index,value\nhs-001,toan,HK1,tx,1,8\nhs-009,toan,HK1,tx,1,7\n');
    const before = hashOf(s.db);
    const r = await hoso([
      'import',
      'marks',
      f,
      '--db',
      s.db,
      '--key',
      s.key('teacher'),
      '--year',
      Y,
      '--class',
      '10A1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[rows-refused]');
    expect(hashOf(s.db)).toBe(before);
    writeFileSync(f, 'student,subject,term,column,index,value\nhs-001,toan,HK1,tx,1,8\nhs-002,toan,HK1,tx,1,"7,5"\n');
    const ok = await hoso([
      'import',
      'marks',
      f,
      '--db',
      s.db,
      '--key',
      s.key('teacher'),
      '--year',
      Y,
      '--class',
      '10A1',
    ]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('imported 2 row(s)')]);
    expect(ok.stdout).toContain('utf-8, ","');
  });
});

describe('hoso export-xlsx', () => {
  it('writes the books at the checkpoint with its proof reference; imported into a fresh ledger, the same books', async () => {
    const a = await schoolFile('export', { students: 3, marks: true });
    let r = await hoso(['keys', 'generate', '--name', 'hoso/thpt-test', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['checkpoint', '--db', a.db, '--key', join(dir, 'hoso_thpt-test.key')]);
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'out', '10a1.xlsx');
    r = await hoso(['export-xlsx', '--db', a.db, '--class', '10A1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout) as { sheets: string[]; checkpoint: number };
    expect(done.sheets).toEqual(['Toán', 'Ngữ văn', 'Giáo dục thể chất', 'Tổng hợp', 'Sổ đăng bộ', 'Kiểm chứng']);
    r = await hoso(['export-xlsx', '--db', a.db, '--class', '10A1', '--out', out]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--out')]);
    r = await hoso(['export-xlsx', '--db', a.db, '--class', '9Z', '--out', join(dir, 'x.xlsx')]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('--class')]);
    expect(existsSync(join(dir, 'x.xlsx'))).toBe(false);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const proof = wb.getWorksheet('Kiểm chứng')!;
    const values = proof
      .getColumn(2)
      .values.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
      .map(String);
    expect(values).toContain('hoso/thpt-test');
    expect(values).toContain(String(done.checkpoint));
    expect(values.find((v) => v.startsWith('hoso:proof?v=1&origin=hoso%2Fthpt-test&size='))).toContain('book=markbook');
    expect(values.find((v) => v.startsWith('hoso/thpt-test\n'))).toBeDefined(); // the signed checkpoint note

    const b = await schoolFile('fresh', { students: 0, marks: false });
    r = await hoso(['import', 'students', out, '--sheet', 'Sổ đăng bộ', '--db', b.db, '--key', b.key('homeroom')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['import', 'marks', out, '--sheet', 'Toán', '--db', b.db, '--key', b.key('teacher')]);
    expect(r.code, r.stderr).toBe(0);
    const [x, y] = [await markbookOf(a.db), await markbookOf(b.db)];
    const values2 = (m: Markbook) =>
      m.subjects.map((p) =>
        p.rows.map((row) => [row.student, row.HK1.regular.map((c) => c?.value), row.HK1.mid?.value, row.HK1.result]),
      );
    expect(values2(y)).toEqual(values2(x));
  });
});
