/**
 * A class's books as an Excel workbook (docs/spreadsheets.md#excel-out), what a clerk sends up or
 * archives: one sheet per subject of the markbook (*sổ theo dõi và đánh giá học sinh*, TT22) in the
 * form's column order with the computed term and year averages; the year summary (*tổng hợp kết
 * quả đánh giá*) with the learning and conduct levels, absences, awards and promotion; the
 * class's lines of the register (*sổ đăng bộ*); and a sheet with the proof reference — the
 * checkpoint the books were computed at, so a reader can check them against the school's signed
 * log. Every sheet's header is one that {@link importSheet} reads, with a `Mã học sinh` column
 * beside the name (the forms have none; without it a row cannot be matched to a student), so the
 * marks sheets and the register import into another ledger as they are.
 *
 * Written with exceljs's streaming writer: rows go to the file as they are made.
 */
import type { Writable } from 'node:stream';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import ExcelJS from 'exceljs';
import {
  classMarkbook,
  register,
  type BooksError,
  type Cell,
  type Markbook,
  type MarkbookOptions,
  type Records,
  type SubjectPage,
  sexLabel,
} from '@hoso/books';

/** The checkpoint a workbook's books were computed at. */
export interface ProofInfo {
  /** `hoso/<ledger id>`. */
  readonly origin: string;
  /** Checkpoint tree size: the books reflect the ledger's first `size` events. */
  readonly size: number;
  /** Root hash, 64 hex digits. */
  readonly root: string;
  /** The proof reference URI printed on paper (docs/printing.md#the-proof-reference-qr-content), when made. */
  readonly reference?: string;
  /** The signed checkpoint note itself. */
  readonly checkpoint?: string;
}

/** What to write. */
export interface ClassWorkbookOptions {
  readonly year: string;
  readonly class: string;
  /** The school's name on each sheet's title block (default: the ledger's). */
  readonly school?: string;
  readonly proof?: ProofInfo;
  /** Passed to `classMarkbook` (a province's rule set, GDTX). */
  readonly markbook?: MarkbookOptions;
  /** The date written on the proof sheet (default: now). */
  readonly exportedAt?: Date;
}

/** What was written. */
export interface WorkbookWritten {
  readonly sheets: readonly string[];
  /** Data rows written, all sheets together. */
  readonly rows: number;
}

/** A column of a header: a label, and the columns it spans when it is a group. */
interface Column {
  readonly label: string;
  readonly children?: readonly Column[];
  readonly width?: number;
}

/** A value of a cell: text, or a number shown with `format`. */
type Value = string | number | { readonly number: number; readonly format: string } | null;

/** One sheet: title lines, the header as a column tree, the data rows. */
interface SheetModel {
  readonly name: string;
  readonly title: readonly string[];
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<readonly Value[]>;
}

/**
 * A computed result as text: a value, or a learning outcome's `level` (beside which the book keeps
 * the level before the TT22 Điều 9.3 adjustment); one the rules could not compute yet (`incomplete`)
 * is an empty cell.
 */
function known(v: unknown): string {
  if (typeof v === 'string') return v;
  const level = typeof v === 'object' && v !== null && 'level' in v ? v.level : undefined;
  return typeof level === 'string' ? level : '';
}

/** A score as the number it is, shown as written (`8` → 8, `8.0` → 8.0, `8.5` → 8.5); a level as text. */
function mark(value: string | undefined): Value {
  if (value === undefined || value === '') return null;
  if (!/^\d+(\.\d)?$/.test(value)) return value;
  return { number: Number(value), format: value.includes('.') ? '0.0' : '0' };
}
const cellMark = (c: Cell | null | undefined): Value => mark(c?.value);
const result = (v: unknown): Value => mark(known(v));

/** `2009-03-15` → `15/03/2009`, as the forms and the clerks write dates. */
const viDate = (iso: string | undefined): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m === null ? (iso ?? '') : `${m[3]}/${m[2]}/${m[1]}`;
};

/** A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique in the workbook. */
function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, '-').slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
  taken.add(name.toLowerCase());
  return name;
}

function titleOf(book: Markbook, school: string, form: string, extra: readonly string[] = []): string[] {
  return [school, form, `Lớp ${book.class} — Năm học ${book.year}`, ...extra];
}

function subjectSheet(
  book: Markbook,
  page: SubjectPage,
  school: string,
  names: ReadonlyMap<string, string>,
): SheetModel {
  const n = Math.max(page.regularCount, ...page.rows.flatMap((r) => [r.HK1.regular.length, r.HK2.regular.length]));
  const scored = page.assessment === 'scored';
  const withRetest = page.rows.some((r) => r.retest !== null);
  const term = (t: 'I' | 'II'): Column => ({
    label: `Học kỳ ${t}`,
    children: [
      { label: 'ĐĐGtx', children: Array.from({ length: n }, (_, i) => ({ label: String(i + 1), width: 5 })) },
      { label: 'ĐĐGgk', width: 7 },
      { label: 'ĐĐGck', width: 7 },
      { label: scored ? `ĐTBmhk${t}` : `KQ HK${t}`, width: 9 },
    ],
  });
  const columns: Column[] = [
    { label: 'STT', width: 5 },
    { label: 'Mã học sinh', width: 14 },
    { label: 'Họ và tên', width: 28 },
    term('I'),
    term('II'),
    { label: scored ? 'ĐTBmcn' : 'Cả năm', width: 9 },
    ...(withRetest ? [{ label: 'Kiểm tra lại', width: 10 }] : []),
  ];
  const rows = page.rows.map((r, i): Value[] => [
    i + 1,
    r.student,
    names.get(r.student) ?? r.student,
    ...(['HK1', 'HK2'] as const).flatMap((t) => [
      ...Array.from({ length: n }, (_, k) => cellMark(r[t].regular[k])),
      cellMark(r[t].mid),
      cellMark(r[t].end),
      result(r[t].result),
    ]),
    result(r.year),
    ...(withRetest ? [cellMark(r.retest)] : []),
  ]);
  const teachers = page.teachers.length === 0 ? [] : [`Giáo viên bộ môn: ${page.teachers.join(', ')}`];
  return {
    name: page.name,
    // The subject's code in parentheses: the import reads it back from the title block.
    title: titleOf(book, school, 'SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH', [
      `Môn học: ${page.name} (${page.subject})`,
      ...teachers,
    ]),
    columns,
    rows,
  };
}

function promotionText(p: unknown): string {
  if (typeof p !== 'object' || p === null || !('status' in p)) return '';
  const s = p as { status: string; needs?: readonly string[]; reasons?: readonly string[] };
  if (s.status === 'promoted') return 'Lên lớp';
  if (s.status === 'retained') return 'Ở lại lớp';
  return (s.needs ?? []).map((x) => (x === 'conduct-retraining' ? 'Rèn luyện trong hè' : 'Kiểm tra lại')).join(', ');
}

function summarySheet(book: Markbook, school: string): SheetModel {
  const three = (label: string): Column => ({
    label,
    children: [{ label: 'HK I' }, { label: 'HK II' }, { label: 'Cả năm', width: 9 }],
  });
  const columns: Column[] = [
    { label: 'STT', width: 5 },
    { label: 'Mã học sinh', width: 14 },
    { label: 'Họ và tên', width: 28 },
    {
      label: 'Điểm trung bình môn học / mức đánh giá cả năm',
      children: book.subjects.map((p) => ({ label: p.name, width: 9 })),
    },
    three('Kết quả học tập'),
    three('Kết quả rèn luyện'),
    { label: 'Nghỉ học (buổi)', children: [{ label: 'P' }, { label: 'K' }] },
    { label: 'Danh hiệu', width: 18 },
    { label: 'Lên lớp / ghi chú', width: 22 },
  ];
  const rows = book.students.map((s, i): Value[] => [
    i + 1,
    s.student,
    s.name,
    ...book.subjects.map((p) => result(p.rows.find((r) => r.student === s.student)?.year)),
    known(s.HK1.learning),
    known(s.HK2.learning),
    known(s.year.learning),
    known(s.HK1.conduct),
    known(s.HK2.conduct),
    known(s.year.conduct),
    s.year.absences.excused,
    s.year.absences.unexcused,
    known(s.year.award),
    [
      promotionText(s.year.promotion),
      s.year.retest.length === 0
        ? ''
        : `kiểm tra lại: ${s.year.retest.map((id) => book.subjects.find((p) => p.subject === id)?.name ?? id).join(', ')}`,
    ]
      .filter((x) => x !== '')
      .join('; '),
  ]);
  return { name: 'Tổng hợp', title: titleOf(book, school, 'TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CẢ NĂM HỌC'), columns, rows };
}

function registerSheet(r: Records, book: Markbook, school: string): SheetModel {
  const inClass = new Set(book.students.map((s) => s.student));
  const columns: Column[] = [
    { label: 'Số đăng bộ', width: 8 },
    { label: 'Mã học sinh', width: 14 },
    { label: 'Họ và tên', width: 28 },
    { label: 'Ngày sinh', width: 12 },
    { label: 'Giới tính', width: 8 },
    { label: 'Nơi sinh', width: 20 },
    { label: 'Dân tộc', width: 10 },
    { label: 'Họ tên cha, mẹ hoặc người giám hộ', width: 28 },
    { label: 'Nơi ở hiện nay', width: 30 },
    { label: 'Năm học', width: 11 },
    { label: 'Lớp', width: 8 },
    { label: 'Ngày nhập học', width: 12 },
    { label: 'Chuyển đi, thôi học', width: 18 },
    // Beyond the form's columns: the rest of the biography the ledger keeps.
    { label: 'Quốc tịch', width: 12 },
    { label: 'Số điện thoại', width: 14 },
  ];
  const rows = register(r)
    .filter((e) => inClass.has(e.student))
    .map((e): Value[] => {
      const here = e.enrolments.find((x) => x.year === book.year && x.class === book.class);
      const to = here?.left?.to;
      return [
        e.number,
        e.student,
        e.bio.name,
        viDate(e.bio.birthDate),
        sexLabel(e.bio.sex),
        e.bio.birthPlace ?? null,
        e.bio.ethnicity ?? null,
        e.bio.guardian ?? null,
        e.bio.address ?? null,
        book.year,
        book.class,
        viDate(here?.enrolled),
        here?.left === undefined
          ? null
          : `${viDate(here.left.date)}${to === undefined ? '' : ` → ${'class' in to ? to.class : to.school}`}`,
        e.bio.nationality ?? null,
        e.bio.phone ?? null,
      ];
    });
  return { name: 'Sổ đăng bộ', title: titleOf(book, school, 'SỔ ĐĂNG BỘ (trích các học sinh của lớp)'), columns, rows };
}

/** The leaves of a column tree, and the header rows with their merged ranges. */
function headerOf(columns: readonly Column[]): {
  leaves: Column[];
  rows: string[][];
  merges: Array<[number, number, number, number]>;
} {
  const depth = (c: Column): number => 1 + Math.max(0, ...(c.children ?? []).map(depth));
  const height = Math.max(1, ...columns.map(depth));
  const rows: string[][] = Array.from({ length: height }, () => []);
  const merges: Array<[number, number, number, number]> = [];
  const leaves: Column[] = [];
  const place = (c: Column, level: number): void => {
    const start = leaves.length;
    if (c.children === undefined || c.children.length === 0) {
      leaves.push(c);
      // A leaf above the bottom row spans down to it (STT, Họ và tên).
      if (level < height - 1) merges.push([level, start, height - 1, start]);
    } else for (const k of c.children) place(k, level + 1);
    rows[level]![start] = c.label;
    const end = leaves.length - 1;
    if (end > start) merges.push([level, start, level, end]);
  };
  for (const c of columns) place(c, 0);
  for (const row of rows) for (let i = 0; i < leaves.length; i++) row[i] ??= '';
  return { leaves, rows, merges };
}

const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function writeSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, m: SheetModel): number {
  const ws = wb.addWorksheet(m.name, { views: [{ state: 'frozen', ySplit: m.title.length + 1 }] });
  const { leaves, rows, merges } = headerOf(m.columns);
  ws.columns = leaves.map((c) => ({ width: c.width ?? 7 }));
  for (const [i, line] of m.title.entries()) {
    const row = ws.addRow([line]);
    row.font = { bold: i < 2, size: i === 1 ? 13 : 11 };
    row.commit();
  }
  const top = m.title.length + 2;
  ws.addRow([]).commit();
  const header = rows.map((labels) => {
    const row = ws.addRow(labels);
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    row.eachCell({ includeEmpty: true }, (cell) => (cell.border = BORDER));
    return row;
  });
  // Merged before the header rows are committed: the streaming writer cannot reach committed rows.
  for (const [r1, c1, r2, c2] of merges) ws.mergeCells(top + r1, c1 + 1, top + r2, c2 + 1);
  for (const row of header) row.commit();
  for (const values of m.rows) {
    const row = ws.addRow(values.map((v) => (v !== null && typeof v === 'object' ? v.number : v)));
    values.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      cell.border = BORDER;
      if (v !== null && typeof v === 'object') {
        cell.numFmt = v.format;
        cell.alignment = { horizontal: 'center' };
      }
    });
    row.commit();
  }
  ws.commit();
  return m.rows.length;
}

function proofSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, proof: ProofInfo | undefined, exportedAt: Date): void {
  const ws = wb.addWorksheet('Kiểm chứng');
  ws.columns = [{ width: 34 }, { width: 100 }];
  const lines: Array<[string, string | number]> = proof
    ? [
        ['Sổ điện tử (origin)', proof.origin],
        ['Số sự kiện của checkpoint (size)', proof.size],
        ['Mã gốc Merkle (root)', proof.root],
        ...(proof.reference === undefined ? [] : [['Mã tham chiếu kiểm chứng', proof.reference] as [string, string]]),
        ['Xuất lúc', exportedAt.toISOString()],
        [
          'Cách kiểm chứng',
          'Các số liệu trong tệp này được tính từ sổ điện tử đến đúng checkpoint trên (docs/spreadsheets.md#excel-out): kiểm tra checkpoint bằng hoso verify với khoá của trường.',
        ],
        ...(proof.checkpoint === undefined ? [] : [['Checkpoint (đã ký)', proof.checkpoint] as [string, string]]),
      ]
    : [
        ['Xuất lúc', exportedAt.toISOString()],
        ['Checkpoint', 'không có: tệp này chưa gắn với checkpoint nào của sổ điện tử'],
      ];
  ws.addRow(['KIỂM CHỨNG', '']).commit();
  for (const [k, v] of lines) {
    const row = ws.addRow([k, v]);
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  }
  ws.commit();
}

/**
 * Write the books of `options.class` in `options.year` as an `.xlsx` workbook to `out` (a path or
 * a stream). A class the markbook cannot be made for (unknown, or primary: TT27 books have no
 * markbook) is `Left`, and nothing is written.
 */
export async function writeClassWorkbook(
  records: Records,
  out: string | Writable,
  options: ClassWorkbookOptions,
): Promise<Either<BooksError, WorkbookWritten>> {
  const book = classMarkbook(records, options.year, options.class, options.markbook);
  if (book._tag === 'Left') return left(book.left);
  const school = options.school ?? records.school?.name ?? '';
  const names = new Map(book.right.students.map((s) => [s.student, s.name] as const));
  const taken = new Set<string>(['tổng hợp', 'sổ đăng bộ', 'kiểm chứng']);
  const models: SheetModel[] = [
    ...book.right.subjects.map((p) => {
      const m = subjectSheet(book.right, p, school, names);
      return { ...m, name: sheetName(m.name, taken) };
    }),
    summarySheet(book.right, school),
    registerSheet(records, book.right, school),
  ];
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter(
    typeof out === 'string' ? { filename: out, useStyles: true } : { stream: out, useStyles: true },
  );
  wb.creator = 'hoso';
  let rows = 0;
  for (const m of models) rows += writeSheet(wb, m);
  proofSheet(wb, options.proof, options.exportedAt ?? new Date());
  await wb.commit();
  return right({ sheets: [...models.map((m) => m.name), 'Kiểm chứng'], rows });
}
