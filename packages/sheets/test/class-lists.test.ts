/**
 * Class lists (*danh sách lớp*) as schools save them, each a real file on disk imported into a real
 * SQLite ledger: UTF-8 with and without a byte-order mark, Windows-1258 (Vietnamese Windows'
 * "CSV"), UTF-16 LE and BE (Excel's "Unicode text", tab-separated), decomposed Unicode, `;` and tab
 * delimiters, Vietnamese headers in any case and without diacritics. Names are stored in NFC
 * whatever form the file had; refusals leave the database file byte for byte as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import iconv from 'iconv-lite';
import { as } from '@hoso/ledger/testing';
import { importSheet, type ImportOptions, type SheetProblem } from '../src/index.js';
import { encode1258 } from './encode.js';
import { sqliteSchool, type SqliteSchool } from './school.js';

let school: SqliteSchool | undefined;
afterEach(async () => {
  await school?.close();
  school = undefined;
});

const OPTS: ImportOptions = { kind: 'students', year: '2024-2025', class: '10A1', date: '2024-09-05' };

const NAMES = ['Nguyễn Trãi', 'Đặng Thị Nữ', 'Lý Thị Bích Ngọc', 'Trần Văn Hữu'] as const;

/** A class list in Vietnamese headers, rows hs-101… with the names above. */
function vietnameseList(delimiter: string): string {
  const rows = [
    ['STT', 'Mã học sinh', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Nơi sinh', 'Dân tộc'],
    ['1', 'hs-101', NAMES[0], '15/03/2009', 'Nam', 'Hà Nội', 'Kinh'],
    ['2', 'hs-102', NAMES[1], '1/7/2009', 'Nữ', 'Huế', 'Kinh'],
    ['3', 'hs-103', NAMES[2], '2009-12-31', 'nữ', 'Đà Nẵng', 'Tày'],
    ['4', 'hs-104', NAMES[3], '05/05/2009', 'NAM', 'Cần Thơ', 'Kinh'],
  ];
  return rows.map((r) => r.join(delimiter)).join('\r\n') + '\r\n';
}

async function imported(s: SqliteSchool, file: string, options: Partial<ImportOptions> = {}) {
  const r = await importSheet(s.ledger, file, [as(s.people.homeroom, 'homeroom')], {
    ...OPTS,
    now: s.clock.now,
    ...options,
  });
  if (isLeft(r)) throw new Error(r.left.map((p) => `${p.line}:${p.column}: ${p.message}`).join('\n'));
  return r.right;
}

function expectStored(s: SqliteSchool): void {
  const st = s.ledger.state();
  expect(NAMES.map((_, i) => st.students.get(`hs-10${i + 1}`)?.name)).toEqual([...NAMES]);
  for (const n of NAMES) expect(n.normalize('NFC')).toBe(n);
  expect(st.students.get('hs-102')?.sex).toBe('F');
  expect(st.students.get('hs-103')?.sex).toBe('F');
  expect(st.students.get('hs-104')?.sex).toBe('M');
  expect(st.students.get('hs-102')?.birthDate).toBe('2009-07-01');
  expect(st.enrolment.get('2024-2025/hs-104')).toBe('10A1');
}

describe('class lists in every encoding a school saves', () => {
  it('Windows-1258 (combining tone marks), ";" separated: detected, decoded and stored in NFC', async () => {
    const s = (school = await sqliteSchool());
    const bytes = encode1258(vietnameseList(';'));
    // Windows-1258 writes most toned vowels as a base letter and a combining mark: not NFC once decoded.
    expect(iconv.decode(bytes, 'windows1258')).not.toBe(iconv.decode(bytes, 'windows1258').normalize('NFC'));
    const f = s.path('lop-10a1.csv');
    writeFileSync(f, bytes);
    const r = await imported(s, f);
    expect(r.source).toMatchObject({
      format: 'csv',
      encoding: 'windows-1258',
      encodingHow: 'detected',
      delimiter: ';',
    });
    expect(r.appended?.events).toBe(8); // register and enrol, four times
    expectStored(s);
  });

  it('UTF-16 LE with a byte-order mark, tab separated (Excel "Unicode text")', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.txt');
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(vietnameseList('\t'), 'utf16le')]));
    const r = await imported(s, f);
    expect(r.source).toMatchObject({ encoding: 'utf-16le', encodingHow: 'bom', delimiter: '\t' });
    expectStored(s);
  });

  it('UTF-16 BE with a byte-order mark', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(f, Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(vietnameseList(','), 'utf16be')]));
    expect((await imported(s, f)).source).toMatchObject({ encoding: 'utf-16be', delimiter: ',' });
    expectStored(s);
  });

  it('UTF-8 decomposed (Unikey "Unicode tổ hợp", macOS) with a BOM: "Nữ" read as Nữ, names stored in NFC', async () => {
    const s = (school = await sqliteSchool());
    const nfd = vietnameseList(',').normalize('NFD');
    expect(nfd).not.toBe(nfd.normalize('NFC'));
    const f = s.path('lop-nfd.csv');
    writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(nfd, 'utf8')]));
    const r = await imported(s, f);
    expect(r.source).toMatchObject({ encoding: 'utf-8', encodingHow: 'bom' });
    expectStored(s);
  });

  it("headers in any case, without diacritics, and hoso's own names", async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(
      f,
      'ma hoc sinh,HO VA TEN,ngay sinh,Gioi Tinh,NOI SINH\n' +
        NAMES.map((n, i) => `hs-10${i + 1},${n},01/01/2009,${['Nam', 'Nu', 'F', 'M'][i]},Hà Nội`).join('\n'),
    );
    await imported(s, f);
    expect(s.ledger.state().students.get('hs-102')?.sex).toBe('F');
    expect(s.ledger.state().students.get('hs-101')?.birthPlace).toBe('Hà Nội');
  });

  it('a name split in two columns (Họ đệm, Tên) and a "Nữ" column marked x', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(
      f,
      'Mã HS,Họ đệm,Tên,Ngày sinh,Nữ\nhs-101,Nguyễn,Trãi,15/03/2009,\nhs-102,Đặng Thị,Nữ,01/07/2009,x\n',
    );
    await imported(s, f);
    const st = s.ledger.state();
    expect([st.students.get('hs-101'), st.students.get('hs-102')].map((b) => [b?.name, b?.sex])).toEqual([
      ['Nguyễn Trãi', 'M'],
      ['Đặng Thị Nữ', 'F'],
    ]);
  });
});

/** Import and expect a refusal; checks the database is byte-identical; returns the problems. */
async function refusedWith(
  s: SqliteSchool,
  file: string,
  options: Partial<ImportOptions> = {},
): Promise<SheetProblem[]> {
  const before = s.hash();
  const size = s.ledger.state().size;
  const r = await importSheet(s.ledger, file, [as(s.people.homeroom, 'homeroom')], {
    ...OPTS,
    now: s.clock.now,
    ...options,
  });
  expect(isLeft(r)).toBe(true);
  expect(s.hash()).toBe(before);
  await s.ledger.refresh();
  expect(s.ledger.state().size).toBe(size);
  return isLeft(r) ? r.left : [];
}

describe('class lists refused: every problem, once, with line and column; nothing written', () => {
  it('four bad rows and a good one: all four reported, each once, in both languages', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(
      f,
      [
        'Mã học sinh,Họ và tên,Ngày sinh,Giới tính',
        'hs-101,Nguyễn Trãi,15/03/2009,Nam',
        'hs-102,Đặng Thị Nữ,31/02/2009,Nữ',
        'hs 103,Lý Bích,01/01/2009,Nữ',
        'hs-104,Trần Hữu,01/01/2009,X',
        'hs-101,Nguyễn Trãi,15/03/2009,Nam',
      ].join('\n'),
    );
    const problems = await refusedWith(s, f);
    expect(problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, 'Ngày sinh', 'invalid-value'],
      [4, 'Mã học sinh', 'invalid-value'],
      [5, 'Giới tính', 'invalid-value'],
      [6, 'Mã học sinh', 'duplicate-row'],
    ]);
    for (const p of problems) {
      expect(p.file).toBe(f);
      expect(p.message).not.toBe(p.message_vi);
      expect(p.rule).not.toBe('');
    }
    expect(problems[2]!.message_vi).toContain('giới tính');
    expect(problems[3]!.message).toContain('line 2');
  });

  it('mojibake: UTF-8 read as Windows-1258, TCVN3 and VNI names refused with the suspected encoding', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(
      f,
      [
        'Mã học sinh,Họ và tên,Ngày sinh,Giới tính',
        // "Nguyễn Trãi" saved as UTF-8, opened as Windows-1258, saved again as UTF-8.
        `hs-101,${iconv.decode(Buffer.from('Nguyễn Trãi', 'utf8'), 'windows1258')},15/03/2009,Nam`,
        // "Hà Nội" typed in a .VnTime (TCVN3) font.
        `hs-102,${iconv.decode(iconv.encode('Hà Nội', 'tcvn'), 'windows1252')},15/03/2009,Nam`,
        'hs-103,Ñaëng Thò Nöõ,15/03/2009,Nữ',
      ].join('\n'),
    );
    const problems = await refusedWith(s, f);
    expect(problems.map((p) => [p.line, p.column, p.code, p.details?.['suspected'], p.details?.['likely']])).toEqual([
      [2, 'Họ và tên', 'mojibake', 'utf-8-read-as-windows-1258', 'Nguyễn Trãi'],
      [3, 'Họ và tên', 'mojibake', 'tcvn3', 'Hà Nội'],
      [4, 'Họ và tên', 'mojibake', 'vni', 'Đặng Thị Nữ'],
    ]);
    expect(problems[1]!.message).toContain('TCVN3');
    expect(problems[2]!.message_vi).toContain('VNI');
  });

  it('a Windows-1258 file read as the UTF-8 it is said to be: the bytes that are not UTF-8 named by line and column', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(f, encode1258('Mã học sinh,Họ và tên,Ngày sinh,Giới tính\nhs-101,Nguyễn Trãi,15/03/2009,Nam\n'));
    const problems = await refusedWith(s, f, { encoding: 'utf-8' });
    // The header itself cannot be read: its letters are not UTF-8.
    expect(problems.map((p) => p.code)).toEqual(['no-header']);
    writeFileSync(
      f,
      Buffer.concat([
        Buffer.from('student,name,birth_date,sex\nhs-101,'),
        encode1258('Nguyễn Trãi'),
        Buffer.from(',15/03/2009,M\n'),
      ]),
    );
    const again = await refusedWith(s, f, { encoding: 'utf-8' });
    expect(again.map((p) => [p.line, p.column, p.code])).toEqual([[2, 'name', 'invalid-text']]);
    expect(again[0]!.message).toContain('U+FFFD');
  });

  it('a header without the columns a class list needs, and a student the ledger knows by another name', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(f, 'Mã học sinh,Họ và tên\nhs-101,An\n');
    const missing = await refusedWith(s, f);
    expect(missing.map((p) => [p.line, p.code, p.stage])).toEqual([
      [1, 'missing-column', 'file'],
      [1, 'missing-column', 'file'],
    ]);
    expect(missing.map((p) => p.message)).toEqual([
      expect.stringContaining('birth_date (Ngày sinh)'),
      expect.stringContaining('sex (Giới tính)'),
    ]);
    // hs-001 is "Học sinh 1" in the ledger: a list naming her otherwise is a shifted row or a wrong id.
    writeFileSync(f, 'Mã học sinh,Họ và tên,Ngày sinh,Giới tính\nhs-001,Nguyễn Văn Khác,01/01/2009,Nam\n');
    const shifted = await refusedWith(s, f);
    expect(shifted.map((p) => [p.line, p.column, p.code])).toEqual([[2, 'Họ và tên', 'name-mismatch']]);
  });

  it("rows the ledger refuses (a class not the signer's, a student already in a class): placed, said in Vietnamese", async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(
      f,
      [
        'Mã học sinh,Họ và tên,Ngày sinh,Giới tính,Lớp',
        'hs-101,An,01/01/2009,Nam,10A9',
        'hs-001,Học sinh 1,02/03/2009,Nam,10A1',
        'hs-102,Bình,01/01/2009,Nam,10A1',
      ].join('\n'),
    );
    const problems = await refusedWith(s, f);
    expect(problems.map((p) => [p.line, p.column, p.code, p.stage])).toEqual([
      // Every rule the row breaks: the signer holds no role for 10A9, and there is no 10A9.
      [2, undefined, 'role-not-held', 'ledger'],
      [2, 'Lớp', 'unknown-class', 'ledger'],
      [3, 'Mã học sinh', 'already-enrolled', 'ledger'],
    ]);
    expect(problems[1]!.message_vi).toBe('lớp 10A9 chưa được mở trong năm học 2024-2025');
    expect(problems[2]!.message_vi).toContain('học sinh "hs-001" đã ở trong một lớp');
    expect(problems[2]!.rule).toBe('QC Điều 8');
  });

  it('an unknown column is refused; a column of the national database hoso does not keep is only noted', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(f, 'Mã học sinh,Họ và tên,Ngày sinh,Giới tính,Ngay sinhh\nhs-101,An,01/01/2009,Nam,x\n');
    const problems = await refusedWith(s, f);
    expect(problems.map((p) => [p.code, p.column])).toEqual([['unknown-column', 'Ngay sinhh']]);
    writeFileSync(
      f,
      'Mã định danh Bộ GD&ĐT,Họ và tên,Ngày sinh,Giới tính,Họ tên cha,Số ĐDCN\n0123456789,An,01/01/2009,Nam,Bố An,001\n',
    );
    const r = await importSheet(s.ledger, f, [as(s.people.homeroom, 'homeroom')], { ...OPTS, now: s.clock.now });
    expect(isRight(r)).toBe(true);
    if (isRight(r)) expect(r.right.notices.map((n) => n.column)).toEqual(['Họ tên cha', 'Số ĐDCN']);
    expect(s.ledger.state().students.get('0123456789')?.name).toBe('An');
  });
});

describe('files that are not well-formed CSV', () => {
  it('a quote never closed, a row wider than its header, letters lost as "?": each named by line', async () => {
    const s = (school = await sqliteSchool());
    const f = s.path('lop.csv');
    writeFileSync(
      f,
      'Mã học sinh,Họ và tên,Ngày sinh,Giới tính\nhs-101,An,01/01/2009,Nam\nhs-102,"Bình,01/01/2009,Nam\n',
    );
    const [quote] = await refusedWith(s, f);
    expect(quote).toMatchObject({ code: 'invalid-csv', rule: 'RFC 4180' });
    expect(quote?.line).toBeGreaterThanOrEqual(3);
    writeFileSync(
      f,
      'Mã học sinh,Họ và tên,Ngày sinh,Giới tính\nhs-101,An,01/01/2009,Nam,8,5\nhs-102,Nguy?n Tr?i,01/01/2009,Nam\n',
    );
    const problems = await refusedWith(s, f);
    expect(problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [2, undefined, 'row-too-wide'],
      [3, 'Họ và tên', 'lost-characters'],
    ]);
  });
});
