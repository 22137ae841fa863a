/**
 * The secondary class markbook (*sổ theo dõi và đánh giá học sinh theo lớp*, Thông tư 22/2021): a
 * page run per subject and the year summary, from plain form data.
 */
import { isList } from '../guards.js';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import type { Cell, Column, PrintDocument, Section } from '../model.js';
import {
  checkMark,
  checkSigner,
  CorrectionNotes,
  formHeader,
  RULE_INPUT,
  labelled,
  runningHeadOf,
  signature,
  type MarkValue,
  type PrintMeta,
  type Signer,
  documentMeta,
} from './common.js';

/**
 * A secondary class markbook (*sổ theo dõi và đánh giá học sinh theo lớp*, Thông tư 22/2021) as
 * the printer needs it: one page set per subject, then the year summary.
 */
export interface MarkbookData {
  /** e.g. `"2024-2025"`. */
  readonly schoolYear: string;
  /** e.g. `"10A1"`. */
  readonly className: string;
  readonly subjects: ReadonlyArray<MarkbookSubject>;
  readonly summary?: MarkbookSummary;
  /** Homeroom teacher (*giáo viên chủ nhiệm*), who confirms the class's results. */
  readonly homeroom?: Signer;
  /** Principal (*hiệu trưởng*), who approves the year's results. */
  readonly leader?: Signer;
}

/** One subject's page: regular, mid-term and end-of-term assessments of both terms, and the year. */
export interface MarkbookSubject {
  /** Subject name, e.g. `"Toán"`, `"Giáo dục thể chất"`. */
  readonly name: string;
  /** Scored 0–10 (`scored`) or assessed by comment, Đ / CĐ (`comment`). */
  readonly mode: 'scored' | 'comment';
  /** Number of regular assessments (*ĐĐGtx*) per term, 1–6. */
  readonly regularCount: number;
  /** The subject teacher (*giáo viên bộ môn*), who signs the subject off. */
  readonly teacher?: Signer;
  readonly students: ReadonlyArray<MarkbookStudentRow>;
}

/** A student's line on a subject page. */
export interface MarkbookStudentRow {
  readonly name: string;
  readonly terms: readonly [TermMarks, TermMarks];
  /** Year average (*ĐTBmcn*) or year result (Đ / CĐ). */
  readonly year: MarkValue;
  /** Result of the summer re-test (*kiểm tra lại*), when there was one. */
  readonly retest?: MarkValue;
}

/** One term of a subject for one student. */
export interface TermMarks {
  /** Regular assessments (*ĐĐGtx*), at most `regularCount`; missing ones print empty. */
  readonly regular: ReadonlyArray<MarkValue>;
  /** Mid-term (*ĐĐGgk*). */
  readonly mid: MarkValue;
  /** End of term (*ĐĐGck*). */
  readonly end: MarkValue;
  /** Term average (*ĐTBmhk*) or term result (Đ / CĐ). */
  readonly result: MarkValue;
}

/** The year summary page (*tổng hợp kết quả đánh giá*). */
export interface MarkbookSummary {
  /** Subject names, in the order of each row's `subjects`. */
  readonly subjects: ReadonlyArray<string>;
  readonly students: ReadonlyArray<MarkbookSummaryRow>;
  /**
   * One line per circumstance of the year, printed under the summary table: an exemption with its
   * decision's number (*miễn học*), an individual education plan (*kế hoạch giáo dục cá nhân*),
   * a transfer in or out with its date and the other school or class (*chuyển đến, chuyển đi*).
   */
  readonly notes?: ReadonlyArray<string>;
}

/** A student's line on the summary page. */
export interface MarkbookSummaryRow {
  readonly name: string;
  /** Year result per subject (ĐTBmcn or Đ / CĐ). */
  readonly subjects: ReadonlyArray<MarkValue>;
  /** Learning result (*kết quả học tập*): term I, term II, year. */
  readonly learning: readonly [MarkValue, MarkValue, MarkValue];
  /** Conduct (*kết quả rèn luyện*): term I, term II, year. */
  readonly conduct: readonly [MarkValue, MarkValue, MarkValue];
  /** Half-day sessions absent: excused (*có phép*), unexcused (*không phép*). */
  readonly absences?: { readonly excused: number; readonly unexcused: number };
  /** Award title, e.g. `"Học sinh Giỏi"`. */
  readonly award?: string;
  /** Re-evaluated learning / conduct after re-test or summer training (they replace the year result). */
  readonly reLearning?: MarkValue;
  readonly reConduct?: MarkValue;
  /** Promotion decision (*lên lớp*, *ở lại lớp*, …). */
  readonly outcome?: string;
}

const TERM_NAMES = ['I', 'II'] as const;

function subjectColumns(s: MarkbookSubject, withRetest: boolean): Column[] {
  const term = (t: 'I' | 'II'): Column => ({
    label: `Học kỳ ${t}`,
    children: [
      { label: 'ĐĐGtx', children: Array.from({ length: s.regularCount }, (_, i) => ({ label: String(i + 1) })) },
      { label: 'ĐĐGgk', width: 1.2 },
      { label: 'ĐĐGck', width: 1.2 },
      { label: s.mode === 'scored' ? `ĐTBmhk${t}` : `KQ HK${t}`, width: 1.6 },
    ],
  });
  const cols: Column[] = [
    { label: 'STT', width: 0.8 },
    { label: 'Họ và tên', width: 5, align: 'left' },
    term('I'),
    term('II'),
    { label: s.mode === 'scored' ? 'ĐTBmcn' : 'Cả năm', width: 1.3 },
  ];
  if (withRetest) cols.push({ label: 'Kiểm tra lại', width: 1.3 });
  return cols;
}

function subjectSection(d: MarkbookData, s: MarkbookSubject, meta: PrintMeta, first: boolean): Section {
  const notes = new CorrectionNotes();
  const withRetest = s.students.some((r) => r.retest !== undefined);
  const rows = s.students.map((r, i): Cell[] => {
    const cells: Cell[] = [String(i + 1), r.name];
    r.terms.forEach((t, ti) => {
      const term = TERM_NAMES[ti]!;
      for (let k = 0; k < s.regularCount; k++)
        cells.push(notes.cell(t.regular[k] ?? '', `${r.name}, ĐĐGtx ${k + 1} HK ${term}`));
      cells.push(notes.cell(t.mid, `${r.name}, ĐĐGgk HK ${term}`));
      cells.push(notes.cell(t.end, `${r.name}, ĐĐGck HK ${term}`));
      cells.push({ ...asCell(notes.cell(t.result, `${r.name}, kết quả HK ${term}`)), bold: true });
    });
    cells.push({ ...asCell(notes.cell(r.year, `${r.name}, cả năm`)), bold: true });
    if (withRetest) cells.push(notes.cell(r.retest ?? '', `${r.name}, kiểm tra lại`));
    return cells;
  });
  const section: Section = {
    orientation: 'landscape',
    title: 'SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH',
    subtitle: [`Lớp ${d.className} — Năm học ${d.schoolYear}`, `Môn học: ${s.name}`],
    runningHead: runningHeadOf('Sổ theo dõi và đánh giá học sinh', [
      `Lớp ${d.className}`,
      `Năm học ${d.schoolYear}`,
      `Môn học: ${s.name}`,
      labelled('Giáo viên bộ môn', s.teacher?.name),
    ]),
    blocks: [
      {
        kind: 'fields',
        columns: 2,
        items: [
          { label: 'Giáo viên bộ môn', value: s.teacher?.name ?? '' },
          { label: 'Hình thức đánh giá', value: s.mode === 'scored' ? 'bằng điểm số' : 'bằng nhận xét (Đ / CĐ)' },
        ],
      },
      { kind: 'table', columns: subjectColumns(s, withRetest), rows, fontSize: 8, notes: notes.notes() },
      { kind: 'signatures', items: [signature('subject-teacher', s.teacher)] },
    ],
  };
  return first ? { ...section, header: formHeader(meta) } : section;
}

function asCell(c: Cell): Exclude<Cell, string> {
  return typeof c === 'string' ? { text: c } : c;
}

/** The year's circumstances under the summary table: exemptions, individual plans, transfers. */
function yearNotes(sum: MarkbookSummary): string[] {
  const lines = sum.notes ?? [];
  return lines.length === 0 ? [] : ['Ghi chú (miễn học, kế hoạch giáo dục cá nhân, chuyển đến, chuyển đi):', ...lines];
}

function summarySection(d: MarkbookData, sum: MarkbookSummary, meta: PrintMeta, first: boolean): Section {
  const notes = new CorrectionNotes();
  const hasRe = sum.students.some((r) => r.reLearning !== undefined || r.reConduct !== undefined);
  const hasAbs = sum.students.some((r) => r.absences !== undefined);
  const three = (label: string): Column => ({
    label,
    children: [{ label: 'HK I' }, { label: 'HK II' }, { label: 'Cả năm', width: 1.2 }],
  });
  const columns: Column[] = [
    { label: 'STT', width: 0.8 },
    { label: 'Họ và tên', width: 5, align: 'left' },
    { label: 'Điểm trung bình môn học / mức đánh giá cả năm', children: sum.subjects.map((n) => ({ label: n })) },
    three('Kết quả học tập'),
    three('Kết quả rèn luyện'),
  ];
  if (hasAbs)
    columns.push({
      label: 'Nghỉ học (buổi)',
      children: [
        { label: 'P', width: 0.8 },
        { label: 'K', width: 0.8 },
      ],
    });
  if (hasRe)
    columns.push({
      label: 'Sau hè (đánh giá lại)',
      children: [
        { label: 'Học tập sau KT lại', width: 1.4 },
        { label: 'Rèn luyện lại', width: 1.4 },
      ],
    });
  columns.push(
    { label: 'Danh hiệu', width: 2, align: 'left' },
    { label: 'Lên lớp / ghi chú', width: 2, align: 'left' },
  );
  const rows = sum.students.map((r, i): Cell[] => {
    const cells: Cell[] = [String(i + 1), r.name];
    r.subjects.forEach((v, k) => cells.push(notes.cell(v, `${r.name}, ${sum.subjects[k] ?? ''} cả năm`)));
    r.learning.forEach((v, k) =>
      cells.push(notes.cell(v, `${r.name}, kết quả học tập ${['HK I', 'HK II', 'cả năm'][k]}`)),
    );
    r.conduct.forEach((v, k) =>
      cells.push(notes.cell(v, `${r.name}, kết quả rèn luyện ${['HK I', 'HK II', 'cả năm'][k]}`)),
    );
    if (hasAbs) cells.push(String(r.absences?.excused ?? ''), String(r.absences?.unexcused ?? ''));
    if (hasRe)
      cells.push(
        notes.cell(r.reLearning ?? '', `${r.name}, học tập sau kiểm tra lại`),
        notes.cell(r.reConduct ?? '', `${r.name}, rèn luyện lại`),
      );
    cells.push(r.award ?? '', r.outcome ?? '');
    return cells;
  });
  const section: Section = {
    orientation: 'landscape',
    title: 'TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CẢ NĂM HỌC',
    subtitle: [`Lớp ${d.className} — Năm học ${d.schoolYear}`],
    runningHead: runningHeadOf('Tổng hợp kết quả đánh giá cả năm học', [
      `Lớp ${d.className}`,
      `Năm học ${d.schoolYear}`,
      labelled('Giáo viên chủ nhiệm', d.homeroom?.name),
    ]),
    blocks: [
      { kind: 'table', columns, rows, fontSize: 7.5, notes: [...notes.notes(), ...yearNotes(sum)] },
      {
        kind: 'signatures',
        items: [
          signature('homeroom', d.homeroom, '(Xác nhận, ký và ghi rõ họ tên)'),
          signature('principal', d.leader, '(Phê duyệt, ký, ghi rõ họ tên và đóng dấu)'),
        ],
      },
    ],
  };
  return first ? { ...section, header: formHeader(meta) } : section;
}

function checkMarkbook(d: MarkbookData): PrintError | undefined {
  const bad = (message: string, path: ReadonlyArray<string | number>): PrintError =>
    printError('print-invalid-input', message, path, RULE_INPUT);
  if (typeof d.schoolYear !== 'string' || d.schoolYear === '') return bad('schoolYear is required', ['schoolYear']);
  if (typeof d.className !== 'string' || d.className === '') return bad('className is required', ['className']);
  if (!isList(d.subjects)) return bad('subjects must be an array', ['subjects']);
  if (d.subjects.length === 0 && d.summary === undefined)
    return bad('a markbook needs a subject or a summary', ['subjects']);
  const e = checkSigner(d.homeroom, ['homeroom']) ?? checkSigner(d.leader, ['leader']);
  if (e) return e;
  for (const [si, s] of d.subjects.entries()) {
    const p = ['subjects', si];
    if (s.mode !== 'scored' && s.mode !== 'comment') return bad('mode must be scored or comment', [...p, 'mode']);
    if (!Number.isInteger(s.regularCount) || s.regularCount < 1 || s.regularCount > 6)
      return bad('regularCount must be an integer from 1 to 6', [...p, 'regularCount']);
    const se = checkSigner(s.teacher, [...p, 'teacher']);
    if (se) return se;
    for (const [ri, r] of s.students.entries()) {
      const rp = [...p, 'students', ri];
      if (!isList(r.terms) || r.terms.length !== 2) return bad('terms must hold term I and term II', [...rp, 'terms']);
      for (const [ti, t] of r.terms.entries()) {
        if (t.regular.length > s.regularCount)
          return bad(`more regular assessments than the ${s.regularCount} the subject has`, [
            ...rp,
            'terms',
            ti,
            'regular',
          ]);
        const me =
          t.regular
            .map((v: MarkValue, k: number) => checkMark(v, [...rp, 'terms', ti, 'regular', k]))
            .find((x: PrintError | undefined) => x !== undefined) ??
          checkMark(t.mid, [...rp, 'terms', ti, 'mid']) ??
          checkMark(t.end, [...rp, 'terms', ti, 'end']) ??
          checkMark(t.result, [...rp, 'terms', ti, 'result']);
        if (me) return me;
      }
      const ye =
        checkMark(r.year, [...rp, 'year']) ??
        (r.retest !== undefined ? checkMark(r.retest, [...rp, 'retest']) : undefined);
      if (ye) return ye;
    }
  }
  if (d.summary) {
    const sum = d.summary;
    if (sum.notes !== undefined && (!Array.isArray(sum.notes) || sum.notes.some((n) => typeof n !== 'string')))
      return bad('the summary notes are lines of text', ['summary', 'notes']);
    for (const [ri, r] of sum.students.entries()) {
      const rp = ['summary', 'students', ri];
      if (r.subjects.length !== sum.subjects.length)
        return bad(`has ${r.subjects.length} subject results, the summary has ${sum.subjects.length} subjects`, [
          ...rp,
          'subjects',
        ]);
      if (r.learning.length !== 3) return bad('learning holds term I, term II and year', [...rp, 'learning']);
      if (r.conduct.length !== 3) return bad('conduct holds term I, term II and year', [...rp, 'conduct']);
      const me = [...r.subjects, ...r.learning, ...r.conduct].map((v) => checkMark(v, rp)).find((x) => x !== undefined);
      if (me) return me;
    }
  }
  return undefined;
}

/**
 * The class markbook as the Ministry's form: a landscape page set per subject (regular, mid and
 * end-of-term assessments of both terms, term and year results, corrections struck through in
 * red with their minutes listed under the table, the subject teacher's signature) and the year
 * summary (learning, conduct, absences, awards, re-evaluation, promotion; homeroom teacher and
 * principal signatures).
 */
export function markbookDocument(d: MarkbookData, meta: PrintMeta): Either<PrintError, PrintDocument> {
  const e = checkMarkbook(d);
  if (e) return left(e);
  const sections: Section[] = d.subjects.map((s, i) => subjectSection(d, s, meta, i === 0));
  if (d.summary) sections.push(summarySection(d, d.summary, meta, sections.length === 0));
  return right({
    title: `Sổ theo dõi và đánh giá học sinh — Lớp ${d.className} — Năm học ${d.schoolYear}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Sổ theo dõi và đánh giá học sinh theo lớp (Thông tư 22/2021)'),
    sections,
  });
}
