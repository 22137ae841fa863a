/**
 * The correction minutes (*biên bản sửa chữa dữ liệu*, QC Điều 12.3) as a document of its own, with
 * its three signers, from plain form data.
 */
import { isList } from '../guards.js';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import type { PrintDocument } from '../model.js';
import { placeDateLine, viDate, viDecimal } from '../text.js';
import {
  checkSigner,
  formHeader,
  RULE_INPUT,
  runningHeadOf,
  signature,
  type PrintMeta,
  type Signer,
  documentMeta,
} from './common.js';

/** A person present at a correction, with their position (*chức vụ*). */
export interface MinutesPerson extends Signer {
  /** e.g. `"Phó Hiệu trưởng"`, `"Giáo viên bộ môn Toán"`. */
  readonly position?: string;
}

/**
 * The correction minutes (*biên bản sửa chữa dữ liệu*, QC Điều 12.3): a change to a value already
 * entered, agreed by the leader and made in the presence of the leader (approver), the software
 * administrator (witness) and the person who asked for it (requester); all three sign.
 */
export interface CorrectionMinutesData {
  /** Minutes number, e.g. `"03/BB-SCDL"`. */
  readonly number: string;
  /** Date of the minutes, `YYYY-MM-DD`. */
  readonly date: string;
  readonly reason: string;
  /** What was changed, one line per value. */
  readonly items: ReadonlyArray<CorrectionItem>;
  readonly requester: MinutesPerson;
  /** The leader who approves (*lãnh đạo đơn vị*). */
  readonly approver: MinutesPerson;
  /** The software administrator who witnesses (*cán bộ quản trị phần mềm*). */
  readonly witness: MinutesPerson;
  /**
   * The ledger event that carries the correction: its position (printed on the page) and id (in the
   * footer's small print).
   */
  readonly event?: { readonly index: number; readonly id?: string };
}

/** One changed value. */
export interface CorrectionItem {
  /** The book, e.g. `"Sổ theo dõi và đánh giá học sinh lớp 10A1, môn Toán"`. */
  readonly book: string;
  /** Whose value, e.g. the student's name. */
  readonly student?: string;
  /** Which value, e.g. `"ĐĐGtx 3, học kỳ I"`. */
  readonly field: string;
  readonly old: string;
  readonly new: string;
}

function checkMinutes(d: CorrectionMinutesData): PrintError | undefined {
  const bad = (message: string, path: ReadonlyArray<string | number>, rule = RULE_INPUT): PrintError =>
    printError('print-invalid-input', message, path, rule);
  if (typeof d.number !== 'string' || d.number.trim() === '')
    return bad('the minutes need a number', ['number'], 'QC Điều 12.3');
  if (typeof d.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d.date))
    return bad('date must be YYYY-MM-DD', ['date'], 'QC Điều 12.3');
  if (typeof d.reason !== 'string' || d.reason.trim() === '')
    return bad('the minutes state a reason', ['reason'], 'QC Điều 12.3');
  if (!isList(d.items) || d.items.length === 0)
    return bad('the minutes list at least one changed value', ['items'], 'QC Điều 12.3');
  for (const [i, it] of d.items.entries())
    for (const k of ['book', 'field', 'old', 'new'] as const)
      if (typeof it[k] !== 'string') return bad(`${k} must be a string`, ['items', i, k]);
  for (const k of ['requester', 'approver', 'witness'] as const) {
    const p = d[k];
    if (typeof p?.name !== 'string' || p.name.trim() === '')
      return bad(`the ${k} must be named`, [k, 'name'], 'QC Điều 12.3');
    const e = checkSigner(p, [k]);
    if (e) return e;
  }
  const names = [d.requester.name, d.approver.name, d.witness.name].map((n) =>
    n.trim().normalize('NFC').toLocaleLowerCase('vi'),
  );
  if (new Set(names).size !== 3)
    return bad(
      'requester, approver and witness must be three different people',
      ['witness', 'name'],
      'QC Điều 12.3 (three distinct signatories)',
    );
  if (d.event !== undefined && !(Number.isSafeInteger(d.event.index) && d.event.index >= 0))
    return bad('event.index must be a ledger position', ['event', 'index']);
  return undefined;
}

/**
 * The correction minutes as a document of its own (portrait): number and date, the three people
 * present with their positions, the table of old and new values, the reason, the ledger event,
 * and the three signature blocks with names and key fingerprints.
 */
export function correctionMinutesDocument(
  d: CorrectionMinutesData,
  meta: PrintMeta,
): Either<PrintError, PrintDocument> {
  const e = checkMinutes(d);
  if (e) return left(e);
  const person = (p: MinutesPerson, role: string): string =>
    `${p.name}${p.position ? `, ${p.position}` : ''} — ${role}`;
  return right({
    title: `Biên bản sửa chữa dữ liệu số ${d.number}`,
    // The event's id is a machine identifier: the footer's small print carries it, the page does not.
    verification:
      d.event?.id === undefined || meta.verification.eventId !== undefined
        ? meta.verification
        : { ...meta.verification, eventId: d.event.id },
    ...documentMeta(meta, 'Biên bản sửa chữa dữ liệu (QC Điều 12.3)'),
    sections: [
      {
        orientation: 'portrait',
        header: formHeader(meta, { number: `Số: ${d.number}`, date: d.date }),
        title: 'BIÊN BẢN SỬA CHỮA DỮ LIỆU',
        subtitle: ['Hồ sơ quản lý hoạt động giáo dục điện tử'],
        runningHead: runningHeadOf('Biên bản sửa chữa dữ liệu', [`Số: ${d.number}`, `ngày ${viDate(d.date)}`]),
        blocks: [
          {
            kind: 'paragraph',
            italic: true,
            text: 'Căn cứ khoản 3 Điều 12 Quy chế quản lý và sử dụng hồ sơ quản lý hoạt động giáo dục điện tử: việc điều chỉnh sai sót phải được lãnh đạo đơn vị đồng ý và lập biên bản với sự chứng kiến của lãnh đạo đơn vị, cán bộ quản trị phần mềm và người đề nghị cập nhật dữ liệu.',
          },
          {
            kind: 'paragraph',
            text: `${placeDateLine(meta.school.place, d.date)}, tại ${meta.school.name.replace(/^TRƯỜNG/, 'Trường')}, chúng tôi gồm:`,
          },
          {
            kind: 'paragraph',
            text: [
              `1. ${person(d.approver, 'lãnh đạo đơn vị, người phê duyệt;')}`,
              `2. ${person(d.witness, 'cán bộ quản trị phần mềm, người chứng kiến;')}`,
              `3. ${person(d.requester, 'người đề nghị cập nhật dữ liệu.')}`,
            ].join('\n'),
          },
          { kind: 'paragraph', text: 'Đã cùng nhau kiểm tra và thống nhất sửa chữa dữ liệu như sau:' },
          {
            kind: 'table',
            columns: [
              { label: 'STT', width: 0.7 },
              { label: 'Hồ sơ', width: 3.6, align: 'left' },
              { label: 'Học sinh', width: 2.6, align: 'left' },
              { label: 'Nội dung', width: 2.4, align: 'left' },
              { label: 'Giá trị cũ', width: 1.4 },
              { label: 'Giá trị mới', width: 1.4 },
            ],
            rows: d.items.map((it, i) => [
              String(i + 1),
              it.book,
              it.student ?? '',
              it.field,
              viDecimal(it.old) || '(trống)',
              { text: viDecimal(it.new) || '(trống)', bold: true },
            ]),
            fontSize: 9.5,
          },
          { kind: 'paragraph', text: `Lý do sửa chữa: ${d.reason}` },
          ...(d.event
            ? [
                {
                  kind: 'paragraph' as const,
                  size: 'small' as const,
                  text: `Sự kiện sửa chữa trong sổ cái: vị trí #${d.event.index} (ba chữ ký số của người đề nghị, người phê duyệt và người chứng kiến).`,
                },
              ]
            : []),
          {
            kind: 'paragraph',
            text: 'Giá trị cũ vẫn được lưu vết và hiện trên hồ sơ (gạch đỏ, giá trị mới bên cạnh). Biên bản được lập xong cùng ngày, các thành phần thống nhất ký tên.',
          },
          {
            kind: 'signatures',
            items: [
              signature('requester', d.requester),
              signature('witness', d.witness, '(Quản trị phần mềm, ký, ghi rõ họ tên)'),
              signature('approver', d.approver, '(Phê duyệt, ký, ghi rõ họ tên và đóng dấu)'),
            ],
          },
        ],
      },
    ],
  });
}
