/**
 * The ledger's refusals of a file's commands as problems of the file: placed at the row's line and
 * at the column its `path` points to, and said in Vietnamese too. The ledger speaks English (its
 * messages are for developers and logs); a clerk reads the sentence here, made from the command's
 * own data, with the ledger's English beside it.
 */
import type { LedgerError } from '@hoso/ledger';
import type { PlannedCommand } from './commands.js';
import { sheetProblem, type SheetProblem } from './problems.js';
import type { Table, TableColumn } from './table.js';

/** The column of `c` a ledger error's path (`['data', 'bio', 'sex']`) points at. */
export function columnOfPath(
  c: PlannedCommand,
  path: ReadonlyArray<string | number> | undefined,
): TableColumn | undefined {
  if (path === undefined || path[0] !== 'data') return undefined;
  for (let n = path.length; n >= 1; n--) {
    const column = c.columns[path.slice(1, n).join('.')];
    if (column !== undefined) return column;
  }
  return undefined;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** The Vietnamese sentence for a refusal of `c`. */
export function vietnameseRefusal(e: LedgerError, c: PlannedCommand): string {
  const d = c.command.data;
  const student = str(d['student']);
  const cls = str(d['class']);
  const year = str(d['year']);
  const subject = str(d['subject']);
  const details = (e.details ?? {}) as Record<string, unknown>;
  switch (e.code) {
    case 'student-not-in-class':
      return `học sinh "${student}" không có trong danh sách lớp ${cls} năm học ${year}`;
    case 'unknown-student':
      return `không có học sinh "${student}" trong sổ`;
    case 'unknown-class':
      return `lớp ${cls} chưa được mở trong năm học ${year}`;
    case 'unknown-year':
      return `năm học ${year} chưa được khai báo`;
    case 'unknown-subject':
      return `môn "${subject}" chưa được khai báo`;
    case 'subject-not-offered':
      return `môn "${subject}" không được dạy cho khối của lớp ${cls} năm học ${year}`;
    case 'duplicate-student':
      return `học sinh "${student}" đã có trong sổ`;
    case 'already-enrolled':
      return `học sinh "${student}" đã ở trong một lớp của năm học ${year}; hãy làm thủ tục chuyển lớp trước`;
    case 'outside-window':
      return 'không có đợt nhập điểm nào đang mở cho ô này';
    case 'cell-already-entered':
      return details['value'] === undefined
        ? 'ô này đã có giá trị; chỉ sửa được bằng biên bản điều chỉnh'
        : `ô này đã có giá trị "${str(details['value'])}" (sự kiện ${str(details['event'])}); chỉ sửa được bằng biên bản điều chỉnh`;
    case 'at-in-future':
      return `thời điểm ghi (at) đi trước đồng hồ của máy ghi sổ quá mức cho phép (${str(details['limit'])}); hãy chỉnh lại đồng hồ`;
    case 'cell-signed-off':
      return 'học kỳ này đã được ký xác nhận; chỉ sửa được bằng biên bản điều chỉnh';
    case 'regular-index-out-of-range':
      return `môn "${subject}" không có lần đánh giá thường xuyên thứ ${str(d['index'])} trong một học kỳ`;
    case 'wrong-assessment':
      return `môn "${subject}" không đánh giá theo cách này (điểm số hay nhận xét Đ/CĐ)`;
    case 'date-outside-year':
      return `ngày ${str(d['date'])} nằm ngoài các học kỳ của năm học ${year}`;
    case 'role-not-held':
      return 'người ký không giữ vai trò được giao cho việc này (ví dụ giáo viên chủ nhiệm lớp, giáo viên bộ môn)';
    case 'not-permitted':
      return 'vai trò của người ký không được ghi loại dữ liệu này';
    case 'unknown-key':
      return 'khoá ký chưa được đăng ký cho ai trong sổ';
    case 'key-revoked':
      return 'khoá ký đã bị thu hồi';
    case 'invalid-data':
    case 'invalid-command':
      return `dữ liệu không hợp lệ: ${e.message}`;
    default:
      return `sổ điện tử từ chối: ${e.message}`;
  }
}

/**
 * Every problem of one refusal: the ledger refuses a command with its first problem and lists the
 * others of the same event in `details.more`; a clerk is shown each, at its own column.
 */
export function everyProblem(e: LedgerError): LedgerError[] {
  const more = e.details?.more;
  if (more === undefined || more.length === 0) return [e];
  const rest: Record<string, unknown> = { ...e.details };
  delete rest['more'];
  const first = { ...e, details: rest } as LedgerError;
  return [first, ...more.flatMap(everyProblem)];
}

/** A ledger refusal of `c` as a problem of `table`'s file. */
export function ledgerProblem(table: Table, c: PlannedCommand, e: LedgerError): SheetProblem {
  const column = columnOfPath(c, e.path);
  // Refusals of the signer (`by`, `signers`) are of the row as a whole: no column.
  return sheetProblem(
    e.code,
    { en: e.message, vi: vietnameseRefusal(e, c) },
    table.place(c.line, column),
    e.rule ?? 'docs/ledger.md',
    {
      stage: 'ledger',
      ...(e.path === undefined ? {} : { path: e.path }),
      ...(e.details === undefined ? {} : { details: { ...e.details } }),
    },
  );
}
