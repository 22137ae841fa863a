/**
 * The secondary học bạ (Thông tư 22/2021): one student's school year on one portrait page, from
 * plain form data.
 */
import { isList } from '../guards.js';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import type { Block, Cell, PrintDocument, Section } from '../model.js';
import { viDate } from '../text.js';
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

/** The student a transcript belongs to. */
export interface StudentInfo {
  readonly name: string;
  /** `YYYY-MM-DD`. */
  readonly birthDate?: string;
  readonly gender?: string;
  readonly birthPlace?: string;
  readonly ethnicity?: string;
  /** Student identifier (*mã học sinh*). */
  readonly id?: string;
}

/**
 * One school year of a student's transcript (*học bạ*, Thông tư 22/2021 for secondary): subject
 * results per term and year, learning and conduct, absences, promotion, the homeroom teacher's
 * remarks, and the principal's confirmation.
 */
export interface TranscriptData {
  readonly student: StudentInfo;
  readonly schoolYear: string;
  readonly className: string;
  readonly subjects: ReadonlyArray<TranscriptSubject>;
  /** Learning result (*kết quả học tập*): term I, term II, year. */
  readonly learning: readonly [MarkValue, MarkValue, MarkValue];
  /** Conduct (*kết quả rèn luyện*): term I, term II, year. */
  readonly conduct: readonly [MarkValue, MarkValue, MarkValue];
  /** Half-day sessions absent over the year. */
  readonly absences?: number;
  /** Re-evaluated learning / conduct (after re-test or summer training). */
  readonly reLearning?: MarkValue;
  readonly reConduct?: MarkValue;
  /** Promotion decision, e.g. `"Được lên lớp"`. */
  readonly outcome?: string;
  readonly award?: string;
  /** Homeroom teacher's remarks (*nhận xét của giáo viên chủ nhiệm*). */
  readonly remarks?: string;
  /**
   * The values corrected in the year (QC Điều 12.3), in words, printed under the table as the
   * paper form's note of the corrections made in it (*trong bảng này có sửa chữa*).
   */
  readonly corrections?: string;
  /**
   * The year's notes, one line each (*ghi chú*): exemptions with the decision, the individual
   * education plan and the principal's decision, transfers in and out with the date and the school,
   * make-ups and results brought from another school (`circumstanceNotes`, `markedCellNotes` of
   * `@hoso/books`).
   */
  readonly notes?: ReadonlyArray<string>;
  readonly homeroom?: Signer;
  readonly principal?: Signer;
}

/** One subject line of a transcript. */
export interface TranscriptSubject {
  readonly name: string;
  readonly term1: MarkValue;
  readonly term2: MarkValue;
  readonly year: MarkValue;
  /** Result of the re-test, when there was one. */
  readonly retest?: MarkValue;
  /** The subject teacher's name (the paper form has the teacher sign each line). */
  readonly teacher?: string;
  /** Teacher's remark on the subject (*nhận xét*). */
  readonly remark?: string;
}

function checkTranscript(d: TranscriptData): PrintError | undefined {
  const bad = (message: string, path: ReadonlyArray<string | number>): PrintError =>
    printError('print-invalid-input', message, path, RULE_INPUT);
  if (typeof d.student?.name !== 'string' || d.student.name.trim() === '')
    return bad('the student needs a name', ['student', 'name']);
  if (typeof d.schoolYear !== 'string' || d.schoolYear === '') return bad('schoolYear is required', ['schoolYear']);
  if (typeof d.className !== 'string' || d.className === '') return bad('className is required', ['className']);
  if (!isList(d.subjects)) return bad('subjects must be an array', ['subjects']);
  if (!isList(d.learning) || d.learning.length !== 3)
    return bad('learning holds term I, term II and year', ['learning']);
  if (!isList(d.conduct) || d.conduct.length !== 3) return bad('conduct holds term I, term II and year', ['conduct']);
  if (d.absences !== undefined && !(Number.isInteger(d.absences) && d.absences >= 0))
    return bad('absences must be a non-negative integer', ['absences']);
  for (const k of ['remarks', 'corrections', 'outcome', 'award'] as const) {
    const v = d[k];
    if (v !== undefined && typeof v !== 'string') return bad(`${k} must be text`, [k]);
  }
  if (d.notes !== undefined && (!isList(d.notes) || d.notes.some((n) => typeof n !== 'string')))
    return bad('the notes are lines of text', ['notes']);
  for (const [i, s] of d.subjects.entries()) {
    const p = ['subjects', i];
    if (typeof s.name !== 'string' || s.name === '') return bad('a subject needs a name', [...p, 'name']);
    if (s.remark !== undefined && typeof s.remark !== 'string') return bad('a remark must be text', [...p, 'remark']);
    const e =
      checkMark(s.term1, [...p, 'term1']) ??
      checkMark(s.term2, [...p, 'term2']) ??
      checkMark(s.year, [...p, 'year']) ??
      (s.retest !== undefined ? checkMark(s.retest, [...p, 'retest']) : undefined);
    if (e) return e;
  }
  const me =
    d.learning.map((v, k) => checkMark(v, ['learning', k])).find((x) => x !== undefined) ??
    d.conduct.map((v, k) => checkMark(v, ['conduct', k])).find((x) => x !== undefined);
  return me ?? checkSigner(d.homeroom, ['homeroom']) ?? checkSigner(d.principal, ['principal']);
}

/** The year's notes on a học bạ page (secondary and primary), a small paragraph per line; nothing when none. */
export function yearNotesBlock(notes: ReadonlyArray<string> | undefined): Block[] {
  if (notes === undefined || notes.length === 0) return [];
  return [
    { kind: 'paragraph', size: 'small', text: 'Ghi chú:' },
    ...notes.map((text): Block => ({ kind: 'paragraph', size: 'small', text: `– ${text}` })),
  ];
}

/**
 * A student's transcript for one year (*học bạ*), portrait: the student's particulars, the subject
 * table (term I, term II, year, re-test, teacher), learning and conduct, absences, promotion,
 * remarks, and the homeroom teacher's and principal's signatures. Corrections are struck through
 * in red and listed under the table.
 */
export function transcriptDocument(d: TranscriptData, meta: PrintMeta): Either<PrintError, PrintDocument> {
  const e = checkTranscript(d);
  if (e) return left(e);
  const notes = new CorrectionNotes();
  const withRetest = d.subjects.some((s) => s.retest !== undefined);
  // After the summer (TT22 Điều 12) the results printed beside the year's, which stay: re-test
  // scores per subject, learning after them, re-evaluated conduct (rèn luyện lại).
  const withSummer = withRetest || d.reLearning !== undefined || d.reConduct !== undefined;
  const summerLabel = withRetest
    ? d.reConduct !== undefined
      ? 'Kiểm tra lại / rèn luyện lại'
      : 'Kiểm tra lại'
    : 'Rèn luyện lại';
  const rows = d.subjects.map((s): Cell[] => {
    const cells: Cell[] = [
      s.name,
      notes.cell(s.term1, `${s.name}, HK I`),
      notes.cell(s.term2, `${s.name}, HK II`),
      notes.cell(s.year, `${s.name}, cả năm`),
    ];
    if (withSummer) cells.push(notes.cell(s.retest ?? '', `${s.name}, kiểm tra lại`));
    cells.push(s.remark ?? '', s.teacher ?? '');
    return cells;
  });
  const results: Cell[][] = [
    [
      'Kết quả học tập',
      ...d.learning.map((v, k) => notes.cell(v, `kết quả học tập ${['HK I', 'HK II', 'cả năm'][k]}`)),
      ...(withSummer ? [notes.cell(d.reLearning ?? '', 'học tập sau kiểm tra lại')] : []),
      '',
      '',
    ],
    [
      'Kết quả rèn luyện',
      ...d.conduct.map((v, k) => notes.cell(v, `kết quả rèn luyện ${['HK I', 'HK II', 'cả năm'][k]}`)),
      ...(withSummer ? [notes.cell(d.reConduct ?? '', 'rèn luyện lại')] : []),
      '',
      '',
    ],
  ];
  const st = d.student;
  const particulars = [
    { label: 'Họ và tên', value: st.name },
    { label: 'Lớp', value: d.className },
    { label: 'Ngày sinh', value: st.birthDate ? viDate(st.birthDate) : '' },
    { label: 'Giới tính', value: st.gender ?? '' },
    { label: 'Nơi sinh', value: st.birthPlace ?? '' },
    { label: 'Dân tộc', value: st.ethnicity ?? '' },
  ];
  if (st.id !== undefined) particulars.push({ label: 'Mã học sinh', value: st.id });
  const outcome = [
    { label: 'Tổng số buổi nghỉ học cả năm', value: d.absences === undefined ? '' : String(d.absences) },
    { label: 'Được lên lớp / ở lại lớp', value: d.outcome ?? '' },
  ];
  if (d.award !== undefined) outcome.push({ label: 'Danh hiệu', value: d.award });
  if (d.reLearning !== undefined || d.reConduct !== undefined)
    outcome.push({
      label: 'Sau kiểm tra lại / rèn luyện trong hè',
      value: [
        d.reLearning ? `học tập ${typeof d.reLearning === 'string' ? d.reLearning : d.reLearning.value}` : '',
        d.reConduct ? `rèn luyện ${typeof d.reConduct === 'string' ? d.reConduct : d.reConduct.value}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  const section: Section = {
    orientation: 'portrait',
    header: formHeader(meta),
    title: 'HỌC BẠ',
    subtitle: [`Năm học ${d.schoolYear}`],
    runningHead: runningHeadOf('Học bạ', [
      st.name,
      `Lớp ${d.className}`,
      `Năm học ${d.schoolYear}`,
      labelled('Giáo viên chủ nhiệm', d.homeroom?.name),
    ]),
    blocks: [
      { kind: 'fields', columns: 2, items: particulars },
      {
        kind: 'table',
        columns: [
          { label: 'Môn học / hoạt động giáo dục', width: 3.4, align: 'left' },
          {
            label: 'Điểm trung bình hoặc mức đánh giá',
            children: [
              { label: 'HK I' },
              { label: 'HK II' },
              { label: 'Cả năm' },
              ...(withSummer ? [{ label: summerLabel }] : []),
            ],
          },
          { label: 'Nhận xét', width: 3, align: 'left' },
          { label: 'Giáo viên bộ môn', width: 2.6, align: 'left' },
        ],
        rows: [...rows, ...results],
        fontSize: 9,
        notes: notes.notes(),
      },
      ...(d.corrections === undefined
        ? []
        : [{ kind: 'paragraph' as const, size: 'small' as const, text: d.corrections }]),
      ...yearNotesBlock(d.notes),
      { kind: 'fields', columns: 1, items: outcome },
      { kind: 'paragraph', text: `Nhận xét của giáo viên chủ nhiệm: ${d.remarks ?? ''}` },
      {
        kind: 'signatures',
        items: [
          signature('homeroom', d.homeroom),
          signature('principal', d.principal, '(Xác nhận, ký, ghi rõ họ tên và đóng dấu)'),
        ],
      },
    ],
  };
  return right({
    title: `Học bạ — ${st.name} — Lớp ${d.className} — Năm học ${d.schoolYear}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Học bạ (Thông tư 22/2021)'),
    sections: [section],
  });
}
