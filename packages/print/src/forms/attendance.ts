/** The attendance sheet (*sổ điểm danh*) of one class for one month, from plain form data. */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import type { Cell, PrintDocument } from '../model.js';
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

/** Mark of one day: present (empty), excused (`P`, *có phép*) or unexcused (`K`, *không phép*). */
export type AttendanceMark = '' | 'P' | 'K';

/** A class's attendance for one month (*điểm danh*). */
export interface AttendanceData {
  readonly className: string;
  readonly schoolYear: string;
  /** `YYYY-MM`. */
  readonly month: string;
  readonly students: ReadonlyArray<AttendanceRow>;
  /** Homeroom teacher (or the preschool class teacher) who keeps the register. */
  readonly teacher?: Signer;
}

/** One student's month: marks by day of month (1-based); days absent from the map were present. */
export interface AttendanceRow {
  readonly name: string;
  readonly days: Readonly<Record<number, MarkValue>>;
}

function daysIn(month: string): number | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate() : undefined;
}

const markOf = (v: MarkValue): string => (typeof v === 'string' ? v : v.value);

/** The monthly attendance sheet (landscape): a column per day, totals of excused and unexcused absences. */
export function attendanceDocument(d: AttendanceData, meta: PrintMeta): Either<PrintError, PrintDocument> {
  const bad = (message: string, path: ReadonlyArray<string | number>): Either<PrintError, PrintDocument> =>
    left(printError('print-invalid-input', message, path, RULE_INPUT));
  const n = daysIn(d.month);
  if (n === undefined) return bad('month must be YYYY-MM', ['month']);
  for (const k of ['className', 'schoolYear'] as const)
    if (typeof d[k] !== 'string' || d[k] === '') return bad(`${k} is required`, [k]);
  const se = checkSigner(d.teacher, ['teacher']);
  if (se) return left(se);
  for (const [i, r] of d.students.entries())
    for (const [day, v] of Object.entries(r.days)) {
      const k = Number(day);
      if (!Number.isInteger(k) || k < 1 || k > n)
        return bad(`day ${day} is not in ${d.month}`, ['students', i, 'days', day]);
      const me = checkMark(v, ['students', i, 'days', day]);
      if (me) return left(me);
      if (!['', 'P', 'K'].includes(markOf(v)))
        return bad('a day is marked "", "P" or "K"', ['students', i, 'days', day]);
    }
  const notes = new CorrectionNotes();
  const [y, m] = d.month.split('-');
  const rows = d.students.map((r, i): Cell[] => {
    const cells: Cell[] = [String(i + 1), r.name];
    let p = 0;
    let k = 0;
    for (let day = 1; day <= n; day++) {
      const v = r.days[day] ?? '';
      if (markOf(v) === 'P') p++;
      if (markOf(v) === 'K') k++;
      cells.push(notes.cell(v, `${r.name}, ngày ${day}/${Number(m)}`));
    }
    cells.push({ text: String(p), bold: true }, { text: String(k), bold: true });
    return cells;
  });
  return right({
    title: `Điểm danh — Lớp ${d.className} — Tháng ${Number(m)}/${y}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Sổ điểm danh'),
    sections: [
      {
        orientation: 'landscape',
        header: formHeader(meta),
        title: 'SỔ ĐIỂM DANH',
        subtitle: [`Lớp ${d.className} — Tháng ${Number(m)}/${y} — Năm học ${d.schoolYear}`],
        runningHead: runningHeadOf('Sổ điểm danh', [
          `Lớp ${d.className}`,
          `Tháng ${Number(m)}/${y}`,
          `Năm học ${d.schoolYear}`,
          labelled('Giáo viên', d.teacher?.name),
        ]),
        blocks: [
          {
            kind: 'table',
            columns: [
              { label: 'STT', width: 1.2 },
              { label: 'Họ và tên', width: 7, align: 'left' },
              { label: 'Ngày trong tháng', children: Array.from({ length: n }, (_, i) => ({ label: String(i + 1) })) },
              {
                label: 'Số ngày nghỉ',
                children: [
                  { label: 'P', width: 1.2 },
                  { label: 'K', width: 1.2 },
                ],
              },
            ],
            rows,
            fontSize: 7.5,
            notes: notes.notes(),
          },
          {
            kind: 'paragraph',
            size: 'small',
            italic: true,
            text: 'P: nghỉ có phép; K: nghỉ không phép; ô trống: có mặt.',
          },
          { kind: 'signatures', items: [signature('teacher', d.teacher)] },
        ],
      },
    ],
  });
}
