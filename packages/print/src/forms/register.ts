/** The school register (*sổ đăng bộ*): one line per student ever enrolled, from plain form data. */
import { isList } from '../guards.js';
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
  runningHeadOf,
  signature,
  type MarkValue,
  type PrintMeta,
  type Signer,
  documentMeta,
} from './common.js';

/** The school register (*sổ đăng bộ*, kept permanently): one line per student ever enrolled. */
export interface RegisterData {
  /** What the register covers, e.g. `"Khóa 2024-2027"` or `"Năm học 2024-2025"`. */
  readonly period: string;
  readonly entries: ReadonlyArray<RegisterEntry>;
  /** The principal, who keeps the register. */
  readonly leader?: Signer;
}

/** One student's line in the register. */
export interface RegisterEntry {
  /** Register number (*số đăng bộ*). */
  readonly number: string;
  readonly name: MarkValue;
  /** `YYYY-MM-DD`. */
  readonly birthDate: MarkValue;
  readonly gender: string;
  readonly birthPlace?: MarkValue;
  readonly ethnicity?: string;
  /** Parents or guardian (*họ tên cha, mẹ hoặc người giám hộ*). */
  readonly guardian?: MarkValue;
  /** Address (*nơi ở hiện nay*). */
  readonly address?: MarkValue;
  /** Enrolment date, `YYYY-MM-DD`. */
  readonly enrolledOn?: string;
  readonly className?: string;
  /** Transfer or leaving: date and where to (*chuyển đi, thôi học*). */
  readonly left?: string;
  readonly note?: string;
}

const date = (v: MarkValue): MarkValue =>
  typeof v === 'string'
    ? viDate(v)
    : {
        value: viDate(v.value),
        corrections: (v.corrections ?? []).map((c) => ({ ...c, old: viDate(c.old), new: viDate(c.new) })),
      };

/**
 * The register as the Ministry's form (landscape): number, name, birth date, gender, birthplace,
 * ethnicity, guardian, address, enrolment, class, leaving; corrections struck through in red and
 * listed under the table; the principal's signature.
 */
export function registerDocument(d: RegisterData, meta: PrintMeta): Either<PrintError, PrintDocument> {
  const bad = (message: string, path: ReadonlyArray<string | number>): Either<PrintError, PrintDocument> =>
    left(printError('print-invalid-input', message, path, RULE_INPUT));
  if (typeof d.period !== 'string' || d.period === '') return bad('period is required', ['period']);
  if (!isList(d.entries)) return bad('entries must be an array', ['entries']);
  const se = checkSigner(d.leader, ['leader']);
  if (se) return left(se);
  const seen = new Set<string>();
  for (const [i, e] of d.entries.entries()) {
    if (typeof e.number !== 'string' || e.number === '')
      return bad('a register entry needs its number', ['entries', i, 'number']);
    if (seen.has(e.number)) return bad(`register number ${e.number} appears twice`, ['entries', i, 'number']);
    seen.add(e.number);
    for (const k of ['name', 'birthDate', 'birthPlace', 'guardian', 'address'] as const) {
      const v = e[k];
      if (v === undefined) continue;
      const me = checkMark(v, ['entries', i, k]);
      if (me) return left(me);
    }
  }
  const notes = new CorrectionNotes();
  const rows = d.entries.map((e, i): Cell[] => {
    const who = typeof e.name === 'string' ? e.name : e.name.value;
    return [
      String(i + 1),
      e.number,
      notes.cell(e.name, `số ${e.number}, họ và tên`),
      notes.cell(date(e.birthDate), `${who}, ngày sinh`),
      e.gender,
      notes.cell(e.birthPlace ?? '', `${who}, nơi sinh`),
      e.ethnicity ?? '',
      notes.cell(e.guardian ?? '', `${who}, cha mẹ / người giám hộ`),
      notes.cell(e.address ?? '', `${who}, nơi ở`),
      e.enrolledOn ? viDate(e.enrolledOn) : '',
      e.className ?? '',
      e.left ?? '',
      e.note ?? '',
    ];
  });
  return right({
    title: `Sổ đăng bộ — ${d.period}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Sổ đăng bộ'),
    sections: [
      {
        orientation: 'landscape',
        header: formHeader(meta),
        title: 'SỔ ĐĂNG BỘ',
        subtitle: [d.period],
        runningHead: runningHeadOf('Sổ đăng bộ', [d.period]),
        blocks: [
          {
            kind: 'table',
            columns: [
              { label: 'STT', width: 0.7 },
              { label: 'Số đăng bộ', width: 1.3 },
              { label: 'Họ và tên học sinh', width: 3.2, align: 'left' },
              { label: 'Ngày sinh', width: 1.6 },
              { label: 'Giới tính', width: 1 },
              { label: 'Nơi sinh', width: 2.2, align: 'left' },
              { label: 'Dân tộc', width: 1.1 },
              { label: 'Họ tên cha, mẹ hoặc người giám hộ', width: 3.2, align: 'left' },
              { label: 'Nơi ở hiện nay', width: 3, align: 'left' },
              { label: 'Ngày vào trường', width: 1.6 },
              { label: 'Lớp', width: 1 },
              { label: 'Chuyển đi, thôi học', width: 2, align: 'left' },
              { label: 'Ghi chú', width: 1.6, align: 'left' },
            ],
            rows,
            fontSize: 8,
            notes: notes.notes(),
          },
          { kind: 'signatures', items: [signature('principal', d.leader, '(Ký, ghi rõ họ tên và đóng dấu)')] },
        ],
      },
    ],
  });
}
