/** One child's page of the preschool book (*sổ theo dõi trẻ*): attendance and growth, from plain form data. */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import type { Cell, PrintDocument } from '../model.js';
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

/**
 * A preschool child's book for a school year (*sổ theo dõi trẻ*, Thông tư 52/2020): attendance
 * by month, and weight and height measured on a schedule with their classification against the
 * WHO growth standards.
 */
export interface ChildBookData {
  readonly child: { readonly name: string; readonly birthDate?: string; readonly gender?: string };
  readonly className: string;
  readonly schoolYear: string;
  readonly attendance: ReadonlyArray<{
    readonly month: string;
    readonly present: number;
    readonly excused: number;
    readonly unexcused: number;
  }>;
  readonly growth: ReadonlyArray<GrowthRow>;
  readonly teacher?: Signer;
  readonly leader?: Signer;
  /**
   * A note printed under the growth table, e.g. which WHO reference classified the measurements,
   * or that none was supplied and the measurements are listed unclassified.
   */
  readonly note?: string;
}

/** One measurement: decimals as strings with a dot, as in the ledger (`"12.4"`). */
export interface GrowthRow {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly ageMonths: number;
  /** Weight in kg. */
  readonly weight: MarkValue;
  /** Height in cm. */
  readonly height: MarkValue;
  /** Weight-for-age class, e.g. `"Bình thường"`, `"Suy dinh dưỡng nhẹ cân"`. */
  readonly weightClass?: MarkValue;
  /** Height-for-age class, e.g. `"Bình thường"`, `"Thấp còi"`. */
  readonly heightClass?: MarkValue;
}

const nat = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** The child book (portrait): particulars, monthly attendance, growth table, signatures. */
export function childBookDocument(d: ChildBookData, meta: PrintMeta): Either<PrintError, PrintDocument> {
  const bad = (message: string, path: ReadonlyArray<string | number>): Either<PrintError, PrintDocument> =>
    left(printError('print-invalid-input', message, path, RULE_INPUT));
  if (typeof d.child?.name !== 'string' || d.child.name === '') return bad('the child needs a name', ['child', 'name']);
  for (const k of ['className', 'schoolYear'] as const)
    if (typeof d[k] !== 'string' || d[k] === '') return bad(`${k} is required`, [k]);
  for (const [i, a] of d.attendance.entries()) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(a.month)) return bad('month must be YYYY-MM', ['attendance', i, 'month']);
    for (const k of ['present', 'excused', 'unexcused'] as const)
      if (!nat(a[k])) return bad(`${k} must be a non-negative integer`, ['attendance', i, k]);
  }
  for (const [i, g] of d.growth.entries()) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(g.date)) return bad('date must be YYYY-MM-DD', ['growth', i, 'date']);
    if (!nat(g.ageMonths)) return bad('ageMonths must be a non-negative integer', ['growth', i, 'ageMonths']);
    for (const k of ['weight', 'height', 'weightClass', 'heightClass'] as const) {
      const v = g[k];
      if (v === undefined) continue;
      const me = checkMark(v, ['growth', i, k]);
      if (me) return left(me);
    }
  }
  if (d.note !== undefined && (typeof d.note !== 'string' || d.note.trim() === ''))
    return bad('a note must be non-empty text', ['note']);
  const se = checkSigner(d.teacher, ['teacher']) ?? checkSigner(d.leader, ['leader']);
  if (se) return left(se);
  const notes = new CorrectionNotes();
  const growth = d.growth.map((g, i): Cell[] => [
    String(i + 1),
    viDate(g.date),
    String(g.ageMonths),
    notes.cell(g.weight, `cân nặng ngày ${viDate(g.date)}`),
    notes.cell(g.weightClass ?? '', `phân loại cân nặng ngày ${viDate(g.date)}`),
    notes.cell(g.height, `chiều cao ngày ${viDate(g.date)}`),
    notes.cell(g.heightClass ?? '', `phân loại chiều cao ngày ${viDate(g.date)}`),
  ]);
  const attendance = d.attendance.map((a): Cell[] => {
    const [y, m] = a.month.split('-');
    return [`${Number(m)}/${y}`, String(a.present), String(a.excused), String(a.unexcused)];
  });
  return right({
    title: `Sổ theo dõi trẻ — ${d.child.name} — Năm học ${d.schoolYear}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Sổ theo dõi trẻ (giáo dục mầm non)'),
    sections: [
      {
        orientation: 'portrait',
        header: formHeader(meta),
        title: 'SỔ THEO DÕI TRẺ',
        subtitle: [`Năm học ${d.schoolYear}`],
        runningHead: runningHeadOf('Sổ theo dõi trẻ', [
          d.child.name,
          `Lớp ${d.className}`,
          `Năm học ${d.schoolYear}`,
          labelled('Giáo viên', d.teacher?.name),
        ]),
        blocks: [
          {
            kind: 'fields',
            columns: 2,
            items: [
              { label: 'Họ và tên trẻ', value: d.child.name },
              { label: 'Lớp', value: d.className },
              { label: 'Ngày sinh', value: d.child.birthDate ? viDate(d.child.birthDate) : '' },
              { label: 'Giới tính', value: d.child.gender ?? '' },
            ],
          },
          { kind: 'paragraph', bold: true, text: 'I. Chuyên cần' },
          {
            kind: 'table',
            columns: [
              { label: 'Tháng' },
              { label: 'Số ngày có mặt' },
              { label: 'Nghỉ có phép' },
              { label: 'Nghỉ không phép' },
            ],
            rows: attendance,
            fontSize: 9,
          },
          { kind: 'paragraph', bold: true, text: 'II. Theo dõi cân nặng, chiều cao (theo chuẩn tăng trưởng của WHO)' },
          {
            kind: 'table',
            columns: [
              { label: 'Lần', width: 0.6 },
              { label: 'Ngày đo', width: 1.4 },
              { label: 'Tháng tuổi', width: 1 },
              { label: 'Cân nặng', children: [{ label: 'kg' }, { label: 'Phân loại', width: 2 }] },
              { label: 'Chiều cao', children: [{ label: 'cm' }, { label: 'Phân loại', width: 2 }] },
            ],
            rows: growth,
            fontSize: 9,
            notes: notes.notes(),
          },
          ...(d.note === undefined
            ? []
            : [{ kind: 'paragraph' as const, size: 'small' as const, italic: true, text: d.note }]),
          {
            kind: 'signatures',
            items: [
              signature('teacher', d.teacher),
              signature('principal', d.leader, '(Ký, ghi rõ họ tên và đóng dấu)'),
            ],
          },
        ],
      },
    ],
  });
}
