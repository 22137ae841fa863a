import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { classMarkbook, foldRecords, register, transcript, type Markbook, type Records } from '@hoso/books';
import {
  markbookDataFromBook,
  markbookDocument,
  markbookHead,
  markValueOfCell,
  printAll,
  printJobsFromRecords,
  registerDataFromBook,
  registerDocument,
  renderPdf,
  transcriptDataFromBook,
  transcriptDocument,
  validateDocument,
  type CellValue,
  type PrintError,
  type PrintMeta,
  type TableBlock,
} from '../src/index.js';
// The books package's own test school: a real ledger folded by the real projection.
import { CLASS, KEYS, YEAR, writeSchoolYear, type SchoolYear } from '../../books/test/support/school.js';
import { ROOT } from './fixtures.js';
import { readPdf } from './pdf-text.js';

function ok<A>(e: Either<PrintError | { message: string }, A>): A {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
}

let school: SchoolYear;
let records: Records;
let book: Markbook;
let meta: PrintMeta;

beforeAll(async () => {
  school = await writeSchoolYear();
  records = foldRecords(school.events);
  book = ok(classMarkbook(records, YEAR, CLASS));
  meta = {
    school: { authority: 'SỞ GD&ĐT ĐẮK NÔNG', name: 'TRƯỜNG THPT THỬ NGHIỆM', place: 'Gia Nghĩa' },
    verification: {
      origin: `hoso/${school.ledger}`,
      size: school.events.length,
      root: ROOT,
      book: `markbook/${YEAR}/${CLASS}`,
    },
  };
});

describe('class markbook from @hoso/books', () => {
  it('carries the correction with its minutes and three signers into the cell and the notes', () => {
    const d = ok(markbookDocument(markbookDataFromBook(book), meta));
    expect(isRight(validateDocument(d))).toBe(true);
    const vatLi = d.sections.findIndex((s) => s.subtitle?.[1] === 'Môn học: VAT-LI');
    expect(vatLi).toBeGreaterThanOrEqual(0);
    const table = d.sections[vatLi]!.blocks.find((b): b is TableBlock => b.kind === 'table')!;
    const an = table.rows.findIndex((r) => r[1] === 'Nguyễn Thị An');
    // STT, name, 3 ĐĐGtx, gk, ck (column 6), …
    expect(table.rows[an]![6] as CellValue).toEqual({ text: '8', correction: { old: '6', minutes: 'BB-07/2025' } });
    expect(table.notes?.join('\n')).toContain(
      'BB BB-07/2025 (18/01/2025) — Nguyễn Thị An, ĐĐGck HK I: 6 → 8; lý do: nhập nhầm điểm bài kiểm tra cuối kì; đề nghị: Phạm Bộ Môn; phê duyệt: Nguyễn Văn Hiệu; chứng kiến: Trần Quản Trị',
    );
  });

  it('signs the Toán page with the teacher who signed it off in the ledger', () => {
    const data = markbookDataFromBook(book);
    const toan = data.subjects.find((s) => s.name === 'TOAN')!;
    expect(toan.teacher).toMatchObject({ name: 'Phạm Bộ Môn', key: KEYS.teacher });
    expect(data.homeroom?.name).toBe('Lê Chủ Nhiệm');
  });

  it('finds the book head: the last event the book shows', () => {
    const head = markbookHead(book)!;
    expect(head).toBeGreaterThan(school.correctionAt);
    expect(head).toBeLessThan(school.events.length);
  });

  it('renders to a PDF that reads back the students and the minutes', async () => {
    const d = ok(
      markbookDocument(markbookDataFromBook(book), {
        ...meta,
        verification: { ...meta.verification, index: markbookHead(book)! },
      }),
    );
    const pdf = await readPdf(await renderPdf(d));
    const text = pdf.pages.map((p) => p.text).join(' ');
    for (const s of ['Nguyễn Thị An', 'Trần Văn Bình', 'BB-07/2025', 'Học sinh Giỏi']) expect(text).toContain(s);
  });

  it('prints an untouched cell as its value and an empty cell as nothing', () => {
    expect(markValueOfCell(null)).toBe('');
    const plain = book.subjects[0]!.rows[0]!.HK1.mid!;
    expect(markValueOfCell(plain)).toBe(plain.value);
  });
});

describe('học bạ and register from @hoso/books', () => {
  it('prints a student’s year page', async () => {
    const t = ok(transcript(records, 'an'));
    const data = transcriptDataFromBook(t, t.pages[0]!);
    expect(data.student).toMatchObject({ name: 'Nguyễn Thị An', birthDate: '2009-03-02', gender: 'Nữ' });
    expect(data.subjects.find((s) => s.name === 'TOAN')).toMatchObject({ term1: '6.9', term2: '9.0', year: '8.3' });
    expect(data.award).toBe('Học sinh Giỏi');
    expect(data.corrections).toContain('6 → 8 (BB BB-07/2025)');
    expect(data.remarks).toBeUndefined();
    const pdf = await readPdf(await renderPdf(ok(transcriptDocument(data, meta))));
    expect(pdf.pages).toHaveLength(1);
    for (const s of ['HỌC BẠ', 'Nguyễn Thị An', '02/03/2009', '8,3']) expect(pdf.pages[0]!.text).toContain(s);
  });

  it('prints the register in registration order', () => {
    const d = ok(registerDocument(registerDataFromBook(register(records), `Năm học ${YEAR}`), meta));
    const rows = d.sections[0]!.blocks.find((b): b is TableBlock => b.kind === 'table')!.rows;
    expect(rows.map((r) => [r[1], r[2], r[3], r[4], r[10]])).toEqual([
      ['1', 'Nguyễn Thị An', '02/03/2009', 'Nữ', CLASS],
      ['2', 'Trần Văn Bình', '20/11/2009', 'Nam', CLASS],
    ]);
  });
});

describe('printJobsFromRecords', () => {
  it('makes the markbook, each học bạ page, the register and the correction minutes, and prints them', async () => {
    const { jobs, skipped } = ok(printJobsFromRecords(records, meta));
    expect(skipped).toEqual([]);
    expect(jobs.map((j) => j.name)).toEqual([
      'so-theo-doi-2024-2025-10a1',
      'hoc-ba-an-2024-2025',
      'hoc-ba-binh-2024-2025',
      'so-dang-bo',
      'bien-ban-bb-07-2025',
    ]);
    const minutes = jobs[4]!.document;
    expect(minutes.verification).toMatchObject({ book: 'minutes/BB-07/2025', index: school.correctionAt });
    expect(jobs[0]!.document.verification).toMatchObject({
      book: `markbook/${YEAR}/${CLASS}`,
      index: markbookHead(book),
    });
    const dir = mkdtempSync(join(tmpdir(), 'hoso-print-jobs-'));
    try {
      const written = ok(await printAll(dir, jobs, { formats: ['pdf'] }));
      expect(written).toHaveLength(5);
      expect(readdirSync(dir)).toHaveLength(5);
      const text = (await readPdf(new Uint8Array(readFileSync(join(dir, 'bien-ban-bb-07-2025.pdf'))))).pages[0]!.text;
      for (const s of [
        'BIÊN BẢN SỬA CHỮA DỮ LIỆU',
        'Số: BB-07/2025',
        'Phạm Bộ Môn',
        'Nguyễn Văn Hiệu',
        'Trần Quản Trị',
        'nhập nhầm điểm bài kiểm tra cuối kì',
      ])
        expect(text).toContain(s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('limits classes and học bạ pages to one year, and refuses something that is not records', () => {
    expect(ok(printJobsFromRecords(records, meta, { year: '2023-2024' })).jobs.map((j) => j.name)).toEqual([
      'so-dang-bo',
    ]);
    const bad = printJobsFromRecords(null as unknown as Records, meta);
    expect(isLeft(bad) && bad.left).toMatchObject({ code: 'print-invalid-input', path: ['records'] });
  });
});
