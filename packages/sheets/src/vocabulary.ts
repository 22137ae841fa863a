/**
 * Column names: hoso's own (`student`, `birth_date`, …) and the Vietnamese ones of the Ministry's
 * forms and of the common school software exports (`Mã học sinh`, `Ngày sinh`, `ĐĐGtx1`, …), each
 * compared folded (text.ts: any case, with or without diacritics, spaces and punctuation ignored).
 * docs/spreadsheets.md lists them. A header cell of a multi-row header is read with the cells
 * above it: `Học kỳ I` › `ĐĐGtx` › `2` is the second regular assessment of term I.
 */
import { fold } from './text.js';

/** What a column holds. */
export type Field =
  | 'student'
  | 'name'
  /** The family and middle names of a list that splits the name in two (*họ đệm*). */
  | 'name-first'
  /** The given name of such a list (*tên*). */
  | 'name-last'
  | 'birth-date'
  | 'sex'
  /** A *Nữ* column: a mark (`x`) for a girl, empty for a boy. */
  | 'female'
  | 'birth-place'
  | 'ethnicity'
  | 'nationality'
  | 'address'
  | 'guardian'
  | 'phone'
  | 'year'
  | 'class'
  | 'date'
  | 'subject'
  | 'term'
  | 'column'
  | 'index'
  | 'value';

/** Which file: a class list or marks. */
export type SheetKind = 'students' | 'marks';

/** A term of the school year. */
export type TermCode = 'HK1' | 'HK2';

/** How a column is read. */
export type ColumnRole =
  | { readonly kind: 'field'; readonly field: Field }
  /** A mark column of a markbook laid out one row per student (*ĐĐGtx1*, *ĐĐGgk*, …). */
  | {
      readonly kind: 'mark';
      readonly column: 'tx' | 'gk' | 'ck';
      readonly term?: TermCode;
      readonly index?: number;
    }
  /** Read by nobody: a row number, a register number, notes; or a value hoso computes itself (averages, levels). */
  | { readonly kind: 'ignored'; readonly why: 'row-number' | 'notes' | 'computed' | 'informative' }
  /** A column hoso cannot import; empty it or drop it (a value is refused). */
  | { readonly kind: 'unsupported'; readonly why: 'remark' | 'retest' | 'transfer' }
  /** A header label that means nothing known. */
  | { readonly kind: 'unknown' }
  /** No header at all. */
  | { readonly kind: 'unnamed' };

/** hoso's column name of each field (the name docs and messages use). */
export const FIELD_NAMES: Readonly<Record<Field, string>> = {
  student: 'student',
  name: 'name',
  'name-first': 'name',
  'name-last': 'name',
  'birth-date': 'birth_date',
  sex: 'sex',
  female: 'sex',
  'birth-place': 'birth_place',
  ethnicity: 'ethnicity',
  nationality: 'nationality',
  address: 'address',
  guardian: 'guardian',
  phone: 'phone',
  year: 'year',
  class: 'class',
  date: 'date',
  subject: 'subject',
  term: 'term',
  column: 'column',
  index: 'index',
  value: 'value',
};

/**
 * Every label of each field, as written in the forms and exports (the doc's table is made from
 * this list). Folded before comparing, so one spelling covers every case and accent.
 */
export const LABELS: ReadonlyArray<readonly [Field, SheetKind | 'both', readonly string[]]> = [
  [
    'student',
    'both',
    [
      'student',
      'student_id',
      'Mã học sinh',
      'Mã HS',
      'Mã số học sinh',
      'Mã số HS',
      'MSHS',
      'Mã định danh',
      'Mã định danh học sinh',
      'Mã định danh Bộ GD&ĐT',
      'Mã định danh Bộ GD&ĐT (trên CSDL ngành)',
      'Mã định danh Bộ GDĐT',
    ],
  ],
  ['name', 'both', ['name', 'Họ và tên', 'Họ tên', 'Họ và tên học sinh', 'Họ tên học sinh', 'Họ và tên HS']],
  ['name-first', 'both', ['Họ đệm', 'Họ và đệm', 'Họ và tên đệm', 'Họ lót']],
  ['name-last', 'both', ['Tên']],
  ['birth-date', 'both', ['birth_date', 'Ngày sinh', 'Ngày tháng năm sinh', 'Ngày, tháng, năm sinh']],
  ['sex', 'both', ['sex', 'gender', 'Giới tính', 'Giới', 'Phái']],
  ['female', 'both', ['Nữ']],
  ['birth-place', 'students', ['birth_place', 'Nơi sinh']],
  ['ethnicity', 'students', ['ethnicity', 'Dân tộc']],
  ['nationality', 'students', ['nationality', 'Quốc tịch']],
  ['address', 'students', ['address', 'Địa chỉ', 'Nơi ở hiện nay', 'Chỗ ở hiện nay']],
  [
    'guardian',
    'students',
    [
      'guardian',
      'Họ tên cha, mẹ hoặc người giám hộ',
      'Cha mẹ hoặc người giám hộ',
      'Người giám hộ',
      'Phụ huynh',
      'Họ tên phụ huynh',
    ],
  ],
  ['phone', 'students', ['phone', 'Số điện thoại', 'Điện thoại', 'SĐT']],
  ['year', 'both', ['year', 'Năm học']],
  ['class', 'both', ['class', 'Lớp', 'Tên lớp', 'Mã lớp']],
  ['date', 'students', ['date', 'Ngày nhập học', 'Ngày vào trường', 'Ngày vào lớp']],
  ['subject', 'marks', ['subject', 'Môn', 'Môn học', 'Mã môn', 'Mã môn học']],
  ['term', 'marks', ['term', 'Học kỳ', 'Học kì', 'HK', 'Kỳ']],
  ['column', 'marks', ['column', 'Cột', 'Cột điểm', 'Loại điểm']],
  ['index', 'marks', ['index', 'Lần', 'Lần thứ']],
  ['value', 'marks', ['value', 'Điểm', 'Giá trị', 'Điểm số', 'Mức đánh giá']],
];

/** Labels read by nobody, for each kind of file. */
export const IGNORED: ReadonlyArray<readonly [ColumnRole & { kind: 'ignored' | 'unsupported' }, readonly string[]]> = [
  [{ kind: 'ignored', why: 'row-number' }, ['STT', 'TT', 'Số TT', 'Số thứ tự', 'Số đăng bộ']],
  [{ kind: 'ignored', why: 'notes' }, ['Ghi chú']],
  // The national education database's class-list template has these; hoso's register does not keep them.
  [
    { kind: 'ignored', why: 'informative' },
    [
      'Tỉnh',
      'Huyện',
      'Xã',
      'Tỉnh/Thành phố',
      'Quận/Huyện',
      'Phường/Xã',
      'Họ tên cha',
      'Năm sinh cha',
      'Họ tên mẹ',
      'Năm sinh mẹ',
      'Nghề nghiệp cha',
      'Nghề nghiệp mẹ',
      'Số ĐDCN',
      'Số định danh cá nhân',
      'Số CCCD',
      'CCCD',
      'Căn cước công dân',
      'Khối',
    ],
  ],
  [{ kind: 'unsupported', why: 'remark' }, ['Nhận xét']],
  [{ kind: 'unsupported', why: 'retest' }, ['Kiểm tra lại', 'Điểm kiểm tra lại']],
  [{ kind: 'unsupported', why: 'transfer' }, ['Chuyển đi, thôi học', 'Chuyển đi']],
];

const byFold = (labels: readonly string[]): Set<string> => new Set(labels.map(fold));
const FIELD_INDEX: ReadonlyArray<readonly [Field, SheetKind | 'both', Set<string>]> = LABELS.map(
  ([f, k, l]) => [f, k, byFold(l)] as const,
);
const IGNORED_INDEX = IGNORED.map(([r, l]) => [r, byFold(l)] as const);

const TERM = /^(?:hock[yi]|hk|k[yi])(1|2|i|ii)$/;
const TERM_AFFIX = /^(?:(?:hock[yi]|hk)(1|2|i|ii))?(.*?)(?:(?:hock[yi]|hk)(1|2|i|ii))?$/;
const COMPUTED = /^(?:dtb|tbm|diemtb|diemtrungbinh|trungbinh|kq|ketqua|xeploai|danhhieu|canam|lenlop|hocluc|hanhkiem)/;

/** `i`, `1`, `hk2`… as a term. */
export function termOf(token: string): TermCode | undefined {
  const t = fold(token);
  const m = TERM.exec(t) ?? /^(1|2|i|ii)$/.exec(t);
  if (m === null) return undefined;
  return m[1] === '1' || m[1] === 'i' ? 'HK1' : 'HK2';
}

/** A mark label (`ĐĐGtx2`, `TX2`, `ĐĐGgk`, `Giữa kỳ`), without any term in it. */
function markOf(t: string): { column: 'tx' | 'gk' | 'ck'; index?: number } | undefined {
  let m = /^(?:ddg|danhgia|diem)?(?:tx|thuongxuyen)([1-9])?$/.exec(t);
  if (m !== null) return m[1] === undefined ? { column: 'tx' } : { column: 'tx', index: Number(m[1]) };
  m = /^(?:ddg|danhgia|diem|kiemtra)?(?:gk|giuak[yi])$/.exec(t);
  if (m !== null) return { column: 'gk' };
  m = /^(?:ddg|danhgia|diem|kiemtra)?(?:ck|cuoik[yi])$/.exec(t);
  if (m !== null) return { column: 'ck' };
  return undefined;
}

/** What one header label says on its own. */
export type LabelMeaning =
  | { readonly kind: 'role'; readonly role: ColumnRole }
  /** A group label: a term (`Học kỳ I`), a term with a mark (`ĐĐGtx HK1`), or a bare number under `ĐĐGtx`. */
  | { readonly kind: 'term'; readonly term: TermCode }
  | { readonly kind: 'number'; readonly n: number };

/** The meaning of one header label in a file of `kind`. */
export function labelMeaning(label: string, kind: SheetKind): LabelMeaning {
  const t = fold(label);
  if (t === '') return { kind: 'role', role: { kind: 'unnamed' } };
  if (/^[1-9]$/.test(t)) return { kind: 'number', n: Number(t) };
  for (const [role, set] of IGNORED_INDEX) if (set.has(t)) return { kind: 'role', role };
  for (const [field, k, set] of FIELD_INDEX)
    if ((k === 'both' || k === kind) && set.has(t)) return { kind: 'role', role: { kind: 'field', field } };
  if (kind === 'marks') {
    if (COMPUTED.test(t)) return { kind: 'role', role: { kind: 'ignored', why: 'computed' } };
    const term = TERM.exec(t);
    if (term !== null) return { kind: 'term', term: term[1] === '1' || term[1] === 'i' ? 'HK1' : 'HK2' };
    const affix = TERM_AFFIX.exec(t)!;
    const mark = markOf(affix[2] ?? '');
    const termPart = affix[1] ?? affix[3];
    if (mark !== undefined)
      return {
        kind: 'role',
        role: {
          kind: 'mark',
          ...mark,
          ...(termPart === undefined ? {} : { term: termPart === '1' || termPart === 'i' ? 'HK1' : 'HK2' }),
        },
      };
  }
  return { kind: 'role', role: { kind: 'unknown' } };
}

/**
 * The role of a column from its labels, top header row first (`['Học kỳ I', 'ĐĐGtx', '2']`).
 * Returns the role, or a reason it is contradictory.
 */
export function columnRole(path: readonly string[], kind: SheetKind): ColumnRole | { readonly conflict: string } {
  let term: TermCode | undefined;
  let number: number | undefined;
  let mark: { column: 'tx' | 'gk' | 'ck'; term?: TermCode; index?: number } | undefined;
  const roles: ColumnRole[] = [];
  for (const label of path) {
    const m = labelMeaning(label, kind);
    if (m.kind === 'term') {
      if (term !== undefined && term !== m.term) return { conflict: 'two terms' };
      term = m.term;
    } else if (m.kind === 'number') number = m.n;
    else if (m.role.kind === 'mark') {
      if (mark !== undefined && mark.column !== m.role.column) return { conflict: 'two assessment columns' };
      mark = { ...mark, ...m.role };
    } else if (m.role.kind !== 'unnamed') roles.push(m.role);
  }
  // A value hoso computes or cannot import stays so under any group (`Học kỳ I` › `ĐTBmhkI`).
  const set = roles.find((r) => r.kind === 'ignored' || r.kind === 'unsupported');
  if (set !== undefined) return set;
  if (mark !== undefined) {
    if (roles.length > 0) return { conflict: 'a mark column under another column' };
    if (mark.term !== undefined && term !== undefined && mark.term !== term) return { conflict: 'two terms' };
    const t = mark.term ?? term;
    const index = mark.index ?? (mark.column === 'tx' ? number : undefined);
    return {
      kind: 'mark',
      column: mark.column,
      ...(t === undefined ? {} : { term: t }),
      ...(index === undefined ? {} : { index }),
    };
  }
  const fields = roles.filter((r): r is ColumnRole & { kind: 'field' } => r.kind === 'field');
  if (fields.length > 0 && fields.length === roles.length && fields.every((f) => f.field === fields[0]!.field))
    return term === undefined && number === undefined ? fields[0]! : { kind: 'unknown' };
  if (roles.length > 0 || term !== undefined || number !== undefined) return { kind: 'unknown' };
  return { kind: 'unnamed' };
}

/** Labels that span the columns after them in a merged header cell (a term, `ĐĐGtx`, `Họ và tên`). */
export function isGroupLabel(label: string, kind: SheetKind): boolean {
  const m = labelMeaning(label, kind);
  if (m.kind === 'term') return true;
  if (m.kind !== 'role') return false;
  const r = m.role;
  return (
    (r.kind === 'mark' && r.column === 'tx' && r.index === undefined) || (r.kind === 'field' && r.field === 'name')
  );
}

/** True for a label a header row holds (anything {@link labelMeaning} knows). */
export function isHeaderLabel(label: string, kind: SheetKind): boolean {
  const m = labelMeaning(label, kind);
  return m.kind !== 'role' || (m.role.kind !== 'unknown' && m.role.kind !== 'unnamed');
}
