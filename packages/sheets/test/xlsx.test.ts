/**
 * Reading workbooks as exceljs writes them (and so as hoso exports them): `xl/workbook.xml` stored
 * last, which exceljs's one-pass streaming reader often loses (its sheets then come out unnamed or
 * the read throws); and Vietnamese text long enough that the zip's chunks split its letters.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import ExcelJS from 'exceljs';
import { openSource } from '../src/index.js';

async function rowsOf(path: string, sheet?: string | number): Promise<{ sheet?: string; rows: string[][] }> {
  const s = await openSource(path, path, sheet === undefined ? {} : { sheet });
  if (isLeft(s)) throw new Error(s.left.message);
  const rows: string[][] = [];
  for await (const r of s.right.rows()) rows.push([...r.cells]);
  return { ...(s.right.info.sheet === undefined ? {} : { sheet: s.right.info.sheet }), rows };
}

describe('xlsx reading', () => {
  it('finds every sheet of a streamed exceljs workbook by name, every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-xlsx-'));
    try {
      const f = join(dir, 'b.xlsx');
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: f });
      for (const name of ['Toán', 'Ngữ văn', 'Giáo dục thể chất', 'Tổng hợp', 'Sổ đăng bộ', 'Kiểm chứng']) {
        const ws = wb.addWorksheet(name);
        ws.addRow(['Trang', name]).commit();
        ws.commit();
      }
      await wb.commit();
      for (let i = 0; i < 10; i++) {
        expect(await rowsOf(f, 'Sổ đăng bộ')).toEqual({ sheet: 'Sổ đăng bộ', rows: [['Trang', 'Sổ đăng bộ']] });
        expect((await rowsOf(f, 3)).sheet).toBe('Giáo dục thể chất');
      }
      // Without a sheet named: the first sheet that is not hidden.
      expect((await rowsOf(f)).sheet).toBe('Toán');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads Vietnamese text that the zip splits between chunks, in shared and inline strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-xlsx-'));
    try {
      // Mostly letters of two and three bytes, so that nearly every chunk boundary falls inside one
      // (exceljs's own reader turns a few of these rows into U+FFFD).
      const names = Array.from(
        { length: 2000 },
        (_, i) => `${'Nguyễn Thị Ánh Tuyết Đặng Hữu Phước Ưng Ửng Ỡ '.repeat(8)}${i}`,
      );
      const shared = join(dir, 'shared.xlsx');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Danh sách');
      for (const n of names) ws.addRow([n]);
      await wb.xlsx.writeFile(shared);
      const inline = join(dir, 'inline.xlsx');
      const sw = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: inline });
      const s = sw.addWorksheet('Danh sách');
      for (const n of names) s.addRow([n]).commit();
      s.commit();
      await sw.commit();
      for (const f of [shared, inline]) {
        const { rows } = await rowsOf(f);
        expect(rows.map((r) => r[0])).toEqual(names);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
