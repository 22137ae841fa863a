/**
 * The primary class summary (*bảng tổng hợp kết quả đánh giá giáo dục của lớp*, Thông tư 27/2020)
 * at the end of term I or of the year, from plain form data.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import { isList } from '../guards.js';
import type { Cell, Column, PrintDocument } from '../model.js';
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
 * A primary class summary (*bảng tổng hợp kết quả đánh giá giáo dục của lớp*, Thông tư 27/2020)
 * at one assessment point: subject levels (T / H / C) and test scores, competencies and
 * qualities (T / Đ / C), the overall result, awards and programme completion.
 */
export interface ClassSummaryData {
  readonly schoolYear: string;
  readonly className: string;
  /** Assessment point, e.g. `"Cuối năm học"`, `"Cuối học kỳ I"`. */
  readonly period: string;
  /**
   * Whether this is the end-of-year summary (default true). TT27 fills the summary at the end of
   * term I and at the end of the year; only the latter has the year result, award and completion,
   * so with `false` those three columns are left off (and rows must not carry them).
   */
  readonly endOfYear?: boolean;
  /** Subjects and activities; `tested` ones have a periodic test score column. */
  readonly subjects: ReadonlyArray<{ readonly name: string; readonly tested: boolean }>;
  /** Competency names (*năng lực*), in the order of each row's `competencies`. */
  readonly competencies: ReadonlyArray<string>;
  /** Quality names (*phẩm chất*), in the order of each row's `qualities`. */
  readonly qualities: ReadonlyArray<string>;
  readonly students: ReadonlyArray<ClassSummaryRow>;
  /**
   * One line per circumstance of the year under the table, as the secondary markbook prints them
   * (`primarySummaryNotes` of `@hoso/books`): exemptions, individual plans, transfers.
   */
  readonly notes?: ReadonlyArray<string>;
  readonly homeroom?: Signer;
  readonly leader?: Signer;
}

/** One pupil's line of the class summary. */
export interface ClassSummaryRow {
  readonly name: string;
  /** Per subject: level, and score when the subject is tested. */
  readonly subjects: ReadonlyArray<{ readonly level: MarkValue; readonly score?: MarkValue }>;
  readonly competencies: ReadonlyArray<MarkValue>;
  readonly qualities: ReadonlyArray<MarkValue>;
  /** Overall result: HTXS, HTT, HT or CHT. */
  readonly result?: MarkValue;
  readonly award?: string;
  /** Programme completion / promotion (*hoàn thành chương trình lớp học*, *lên lớp*). */
  readonly completion?: string;
}

/** The primary class summary as the Ministry's form (landscape, two header lines). */
export function classSummaryDocument(d: ClassSummaryData, meta: PrintMeta): Either<PrintError, PrintDocument> {
  const bad = (message: string, path: ReadonlyArray<string | number>): Either<PrintError, PrintDocument> =>
    left(printError('print-invalid-input', message, path, RULE_INPUT));
  for (const k of ['schoolYear', 'className', 'period'] as const)
    if (typeof d[k] !== 'string' || d[k] === '') return bad(`${k} is required`, [k]);
  const se = checkSigner(d.homeroom, ['homeroom']) ?? checkSigner(d.leader, ['leader']);
  if (se) return left(se);
  if (d.notes !== undefined && (!isList(d.notes) || d.notes.some((n) => typeof n !== 'string')))
    return bad('the notes are lines of text', ['notes']);
  for (const [i, r] of d.students.entries()) {
    const p = ['students', i];
    if (r.subjects.length !== d.subjects.length)
      return bad(`has ${r.subjects.length} subjects, the class summary has ${d.subjects.length}`, [...p, 'subjects']);
    if (r.competencies.length !== d.competencies.length)
      return bad(`has ${r.competencies.length} competencies, expected ${d.competencies.length}`, [
        ...p,
        'competencies',
      ]);
    if (r.qualities.length !== d.qualities.length)
      return bad(`has ${r.qualities.length} qualities, expected ${d.qualities.length}`, [...p, 'qualities']);
    for (const [k, s] of r.subjects.entries()) {
      const me =
        checkMark(s.level, [...p, 'subjects', k, 'level']) ??
        (s.score !== undefined ? checkMark(s.score, [...p, 'subjects', k, 'score']) : undefined);
      if (me) return left(me);
      if (s.score !== undefined && !d.subjects[k]!.tested)
        return bad(`${d.subjects[k]!.name} has no periodic test`, [...p, 'subjects', k, 'score']);
    }
    const me = [...r.competencies, ...r.qualities].map((v) => checkMark(v, p)).find((x) => x !== undefined);
    if (me) return left(me);
    if (d.endOfYear === false) {
      const k = (['result', 'award', 'completion'] as const).find((x) => r[x] !== undefined);
      if (k !== undefined) return bad(`${k} is decided at the end of the year, not at ${d.period}`, [...p, k]);
    }
  }
  const yearEnd = d.endOfYear !== false;
  const columns: Column[] = [
    { label: 'STT', width: 1.2 },
    { label: 'Họ và tên', width: 4.5, align: 'left' },
    {
      label: 'Môn học và hoạt động giáo dục (mức đạt được / điểm KTĐK)',
      children: d.subjects.map((s) =>
        s.tested
          ? { label: s.name, children: [{ label: 'Mức' }, { label: 'Điểm' }] }
          : { label: s.name, children: [{ label: 'Mức' }] },
      ),
    },
    { label: 'Năng lực', children: d.competencies.map((n) => ({ label: n })) },
    { label: 'Phẩm chất', children: d.qualities.map((n) => ({ label: n })) },
    ...(yearEnd
      ? [
          { label: 'Kết quả', width: 1.2 },
          { label: 'Khen thưởng', width: 2, align: 'left' as const },
          { label: 'Hoàn thành CTLH / lên lớp', width: 1.8, align: 'left' as const },
        ]
      : []),
  ];
  const notes = new CorrectionNotes();
  const yearNotes: string[] = d.notes === undefined || d.notes.length === 0 ? [] : ['Ghi chú:', ...d.notes];
  const rows = d.students.map((r, i): Cell[] => {
    const cells: Cell[] = [String(i + 1), r.name];
    r.subjects.forEach((s, k) => {
      const name = d.subjects[k]!.name;
      cells.push(notes.cell(s.level, `${r.name}, ${name} (mức)`));
      if (d.subjects[k]!.tested) cells.push(notes.cell(s.score ?? '', `${r.name}, ${name} (điểm)`));
    });
    r.competencies.forEach((v, k) => cells.push(notes.cell(v, `${r.name}, năng lực ${d.competencies[k]}`)));
    r.qualities.forEach((v, k) => cells.push(notes.cell(v, `${r.name}, phẩm chất ${d.qualities[k]}`)));
    if (yearEnd) cells.push(notes.cell(r.result ?? '', `${r.name}, kết quả`), r.award ?? '', r.completion ?? '');
    return cells;
  });
  return right({
    title: `Bảng tổng hợp kết quả đánh giá giáo dục — Lớp ${d.className} — ${d.period} — Năm học ${d.schoolYear}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Bảng tổng hợp kết quả đánh giá giáo dục của lớp (Thông tư 27/2020)'),
    sections: [
      {
        orientation: 'landscape',
        header: formHeader(meta),
        title: 'BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC CỦA LỚP',
        subtitle: [`Lớp ${d.className} — ${d.period} — Năm học ${d.schoolYear}`],
        runningHead: runningHeadOf('Bảng tổng hợp kết quả đánh giá giáo dục của lớp', [
          `Lớp ${d.className}`,
          d.period,
          `Năm học ${d.schoolYear}`,
          labelled('Giáo viên chủ nhiệm', d.homeroom?.name),
        ]),
        blocks: [
          {
            kind: 'table',
            columns,
            rows,
            fontSize: 6.5,
            notes: [...notes.notes(), ...yearNotes],
          },
          {
            kind: 'paragraph',
            size: 'small',
            italic: true,
            text: `Mức: T hoàn thành tốt, H hoàn thành, C chưa hoàn thành. Năng lực, phẩm chất: T tốt, Đ đạt, C cần cố gắng.${yearEnd ? ' Kết quả: HTXS hoàn thành xuất sắc, HTT hoàn thành tốt, HT hoàn thành, CHT chưa hoàn thành. HTCTLH hoàn thành chương trình lớp học, HTCTTH hoàn thành chương trình tiểu học.' : ''}`,
          },
          {
            kind: 'signatures',
            items: [
              signature('homeroom', d.homeroom),
              signature('principal', d.leader, '(Phê duyệt, ký, ghi rõ họ tên và đóng dấu)'),
            ],
          },
        ],
      },
    ],
  });
}
