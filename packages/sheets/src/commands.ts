/**
 * A table's rows as ledger commands: a class list row is one `EnrollStudent` (with the biography
 * when the ledger does not know the student yet); a marks row is one `EnterScore` or
 * `EnterCommentLevel` in the long layout (`subject, term, column, index, value`), or one per
 * filled mark column in the markbook layout (`Mã học sinh, ĐĐGtx1 … ĐĐGck`, one row per
 * student). Year, class, subject and term come from the row, else from the caller's defaults,
 * else from the form's title block; a default and a title that disagree are refused.
 *
 * Every problem is found here once: the header's (a column the file lacks) before any row, each
 * field's (its column named) in each row, and a cell or student given twice in the file (naming
 * the line that gave it first, since the ledger would only see its own scratch copy of that line).
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { listValues, type LedgerState } from '@hoso/ledger';
import { sheetProblem, type Place, type SheetProblem } from './problems.js';
import type { Table, TableColumn, TableRow, TitleInfo } from './table.js';
import { fold } from './text.js';
import {
  parseDate,
  parseFemaleMark,
  parseId,
  parseIndex,
  parseMark,
  parseMarkColumn,
  parseSex,
  parseTerm,
  parseText,
  parseYear,
  type Mark,
  type ValueProblem,
} from './values.js';
import type { Field, SheetKind, TermCode } from './vocabulary.js';

/** What the caller gives for rows that do not say (`--year`, `--class`, …). */
export interface RowDefaults {
  readonly year?: string;
  readonly class?: string;
  /** Enrolment date of a class list, `YYYY-MM-DD` or day/month/year. */
  readonly date?: string;
  /** Subject code (or name) of a marks file. */
  readonly subject?: string;
  /** Term of a marks file in the markbook layout. */
  readonly term?: string;
}

/** A ledger command made from a row. */
export interface SheetCommand {
  readonly type: 'EnrollStudent' | 'EnterScore' | 'EnterCommentLevel';
  readonly data: Record<string, unknown>;
}

/** A command and where it came from. */
export interface PlannedCommand {
  readonly line: number;
  readonly command: SheetCommand;
  /**
   * The column holding each part of `data` (`student`, `bio.sex`, `value`; `''` for the command as
   * a whole), to place the ledger's refusals (whose `path` is `['data', …]`) in the file.
   */
  readonly columns: Readonly<Record<string, TableColumn>>;
}

/** A column the file has that hoso does not import (said once, not refused). */
export interface SheetNotice {
  readonly code: 'column-not-imported';
  readonly column: string;
  readonly message: string;
  readonly message_vi: string;
}

/** How a mapper works. */
export interface MapperOptions {
  /**
   * Who finds a mark given twice in the file: the mapper, with an index of every cell it has seen
   * (`index`, the default: one entry per mark kept until the end), or the caller's ledger batch,
   * whose scratch state holds those cells anyway (`ledger`: `importSheet` turns the ledger's
   * "already entered" by an event of the same batch into the same problem, without the index).
   */
  readonly duplicates?: 'index' | 'ledger';
}

/** Turns a table's rows into commands. */
export interface RowMapper {
  /** Problems of the header as a whole (a required column missing, a title that disagrees). */
  readonly headerProblems: readonly SheetProblem[];
  readonly notices: readonly SheetNotice[];
  /** The commands of one row, or its problems (each field once). */
  row(r: TableRow): { readonly commands: readonly PlannedCommand[]; readonly problems: readonly SheetProblem[] };
  /**
   * Tell the mapper a command of it was refused by the caller's ledger check, so that the same
   * cell given again later in the file is still said to be a duplicate of that line.
   */
  refused(c: PlannedCommand): void;
}

const FIELD_LABEL: Partial<Record<Field, string>> = {
  student: 'student (Mã học sinh)',
  name: 'name (Họ và tên)',
  'birth-date': 'birth_date (Ngày sinh)',
  sex: 'sex (Giới tính)',
  year: 'year (Năm học)',
  class: 'class (Lớp)',
  date: 'date (Ngày nhập học)',
  subject: 'subject (Môn học)',
  term: 'term (Học kỳ)',
  column: 'column (Cột điểm)',
  value: 'value (Điểm)',
};

/** The biography fields beyond name, birth date and sex, with the ledger's length limits. */
const BIO_OPTIONAL: ReadonlyArray<readonly [Field, string, number]> = [
  ['birth-place', 'birthPlace', 200],
  ['ethnicity', 'ethnicity', 100],
  ['nationality', 'nationality', 100],
  ['address', 'address', 500],
  ['guardian', 'guardian', 200],
  ['phone', 'phone', 40],
];

/** A value fixed for the whole file: from the caller, from the title block, or neither. */
interface FileValue {
  readonly value?: string;
  readonly from?: 'option' | 'title';
}

/**
 * The row mapper of `table` for a file of `kind`. `state` is read for each row (it is the scratch
 * state of the import, so a student enrolled on an earlier line is known on a later one).
 */
export function rowMapper(
  table: Table,
  kind: SheetKind,
  defaults: RowDefaults,
  state: () => LedgerState,
  options: MapperOptions = {},
): RowMapper {
  const file = table.file;
  const headerLine = table.headerLines[0] ?? 1;
  const col = (f: Field): TableColumn | undefined =>
    table.columns.find((c) => c.role.kind === 'field' && c.role.field === f);
  const headerProblems: SheetProblem[] = [];
  const headerProblem = (code: string, en: string, vi: string, rule = 'docs/spreadsheets.md#headers'): void => {
    headerProblems.push(sheetProblem(code, { en, vi }, { file, line: headerLine }, rule, { stage: 'file' }));
  };

  // Values of the whole file: the caller's option, or the title block; both given must agree.
  const fileValue = (
    field: 'year' | 'class' | 'subject' | 'term',
    option: string | undefined,
    title: TitleInfo,
  ): FileValue => {
    const t = field === 'subject' ? (title.subjectCode ?? title.subject) : title[field];
    if (option !== undefined && t !== undefined && !sameValue(field, option, t, title)) {
      headerProblem(
        'title-disagrees',
        `the title block says ${field} "${t}" but the option says "${option}"`,
        `phần tiêu đề ghi ${vietnameseField(field)} "${t}" nhưng tuỳ chọn ghi "${option}"`,
        'docs/spreadsheets.md#title-block',
      );
    }
    if (option !== undefined) return { value: option, from: 'option' };
    if (t !== undefined) return { value: t, from: 'title' };
    return {};
  };
  const year = fileValue('year', defaults.year, table.title);
  const cls = fileValue('class', defaults.class, table.title);

  const need = (f: Field, alternative: FileValue | undefined, how: { en: string; vi: string }): void => {
    if (col(f) !== undefined || alternative?.value !== undefined) return;
    if (f === 'name' && (col('name-first') !== undefined || col('name-last') !== undefined)) return;
    if (f === 'sex' && col('female') !== undefined) return;
    headerProblem(
      'missing-column',
      `the header has no ${FIELD_LABEL[f] ?? f} column${how.en}`,
      `dòng tiêu đề cột không có cột ${FIELD_LABEL[f] ?? f}${how.vi}`,
    );
  };
  const none = { en: '', vi: '' };
  const orOption = (o: string): { en: string; vi: string } => ({ en: ` (or give ${o})`, vi: ` (hoặc ghi ${o})` });
  const orTitle = (o: string, t: string): { en: string; vi: string } => ({
    en: ` (or give ${o}, or write "${t}" in the title block)`,
    vi: ` (hoặc ghi ${o}, hoặc ghi "${t}" ở phần tiêu đề)`,
  });
  need('student', undefined, none);
  need('year', year, orTitle('--year', 'Năm học 2024-2025'));
  need('class', cls, orTitle('--class', 'Lớp 10A1'));

  const notices: SheetNotice[] = table.columns
    .filter((c) => c.role.kind === 'ignored' && c.role.why === 'informative')
    .map((c) => ({
      code: 'column-not-imported',
      column: c.label,
      message: `column "${c.label}" is not kept by hoso and was not read`,
      message_vi: `cột "${c.label}" không được hoso lưu giữ nên không được đọc`,
    }));

  const state0 = state();
  const marksSeen = new FirstSeen(table.columns, (options.duplicates ?? 'index') === 'index');
  const ctx: Ctx = { file, table, state, year, cls, headerProblem, seen: marksSeen };
  const refused = (c: PlannedCommand): void => {
    if (c.command.type !== 'EnrollStudent') marksSeen.miss(cellKey(c.command.data), c.line, c.columns['']);
  };
  if (kind === 'students') {
    need('name', undefined, none);
    need('birth-date', undefined, none);
    need('sex', undefined, none);
    need('date', defaults.date === undefined ? undefined : { value: defaults.date }, orOption('--date'));
    return { headerProblems, notices, refused, row: studentRows(ctx, col, defaults.date) };
  }
  const marks = table.columns.filter((c) => c.role.kind === 'mark');
  const long = ['column', 'value', 'index'].map((f) => col(f as Field)).filter((c) => c !== undefined);
  if (marks.length > 0 && long.length > 0)
    headerProblem(
      'mixed-layout',
      `the header has both mark columns (${marks[0]!.label}) and the columns of one mark per row (${long[0]!.label}); use one layout`,
      `dòng tiêu đề vừa có cột điểm (${marks[0]!.label}) vừa có các cột một điểm mỗi dòng (${long[0]!.label}); chỉ dùng một kiểu`,
    );
  const subject = fileValue('subject', defaults.subject, table.title);
  need('subject', subject, orTitle('--subject', 'Môn học: Toán'));
  if (marks.length === 0) {
    need('term', undefined, none);
    need('column', undefined, none);
    need('value', undefined, none);
    return { headerProblems, notices, refused, row: longMarkRows(ctx, col, subject, state0) };
  }
  const term = fileValue('term', defaults.term, table.title);
  if (
    col('term') === undefined &&
    term.value === undefined &&
    marks.some((m) => m.role.kind === 'mark' && m.role.term === undefined)
  )
    headerProblem(
      'missing-column',
      'the mark columns do not say their term (Học kỳ I / II above them), and there is no term column',
      'các cột điểm không ghi học kỳ (Học kỳ I / II ở trên) và không có cột học kỳ',
      'docs/spreadsheets.md#marks',
    );
  if (term.value !== undefined && isLeft(parseTerm(term.value)))
    headerProblem('invalid-option', `--term: ${termProblem(term.value).en}`, `--term: ${termProblem(term.value).vi}`);
  for (const m of marks)
    if (m.role.kind === 'mark' && m.role.column === 'tx' && m.role.index === undefined)
      headerProblem(
        'missing-index',
        `column "${m.label}" is a regular assessment (ĐĐGtx) without its number: write ĐĐGtx1, ĐĐGtx2, … or the numbers under ĐĐGtx`,
        `cột "${m.label}" là đánh giá thường xuyên (ĐĐGtx) nhưng không ghi lần thứ mấy: ghi ĐĐGtx1, ĐĐGtx2, … hoặc các số dưới ĐĐGtx`,
        'docs/spreadsheets.md#marks',
      );
  return { headerProblems, notices, refused, row: wideMarkRows(ctx, col, marks, subject, term, state0) };
}

interface Ctx {
  readonly file: string;
  readonly table: Table;
  readonly state: () => LedgerState;
  readonly year: FileValue;
  readonly cls: FileValue;
  readonly headerProblem: (code: string, en: string, vi: string, rule?: string) => void;
  /** The cells of a marks file already given. */
  readonly seen: FirstSeen;
}

function termProblem(v: string): ValueProblem {
  const r = parseTerm(v);
  return isLeft(r) ? r.left : { en: '', vi: '', rule: '' };
}

const vietnameseField = (f: string): string =>
  ({ year: 'năm học', class: 'lớp', subject: 'môn học', term: 'học kỳ' })[f] ?? f;

function sameValue(field: string, a: string, b: string, title: TitleInfo): boolean {
  if (field === 'subject')
    return fold(a) === fold(b) || (title.subject !== undefined && fold(a) === fold(title.subject));
  if (field === 'term') return termOfSafe(a) === termOfSafe(b);
  if (field === 'year') return a.replace(/\s/g, '') === b.replace(/\s/g, '');
  return fold(a) === fold(b);
}

function termOfSafe(v: string): TermCode | undefined {
  const r = parseTerm(v);
  return isLeft(r) ? undefined : r.right;
}

/** Collects the problems of one row, each field once. */
class RowProblems {
  readonly list: SheetProblem[] = [];
  constructor(
    private readonly table: Table,
    private readonly line: number,
  ) {}
  at(column: TableColumn | undefined): Place {
    return this.table.place(this.line, column);
  }
  value(column: TableColumn | undefined, p: ValueProblem, code = 'invalid-value'): void {
    this.list.push(sheetProblem(code, p, this.at(column), p.rule, { stage: 'field' }));
  }
  missing(column: TableColumn | undefined, what: { en: string; vi: string }): void {
    this.list.push(
      sheetProblem('missing-value', what, this.at(column), 'docs/spreadsheets.md#values', { stage: 'field' }),
    );
  }
  raw(p: SheetProblem): void {
    this.list.push(p);
  }
}

/** The parsed value of `e`, or undefined with the problem recorded against `column`. */
function take<A>(rp: RowProblems, column: TableColumn | undefined, e: Either<ValueProblem, A>): A | undefined {
  if (isLeft(e)) {
    rp.value(column, e.left);
    return undefined;
  }
  return e.right;
}

const cellOf = (r: TableRow, c: TableColumn | undefined): string => (c === undefined ? '' : (r.cells[c.index] ?? ''));

/** A field fixed for the file or given per row: the row's cell wins. */
function rowOrFile(
  rp: RowProblems,
  r: TableRow,
  column: TableColumn | undefined,
  fixed: FileValue,
  parse: (v: string) => Either<ValueProblem, string>,
  what: { en: string; vi: string },
): string | undefined {
  const v = cellOf(r, column);
  if (v !== '') return take(rp, column, parse(v));
  if (fixed.value !== undefined) {
    const p = parse(fixed.value);
    // A bad option or title value is one problem of the header, not one per row.
    return isLeft(p) ? undefined : p.right;
  }
  if (column !== undefined) rp.missing(column, what);
  return undefined;
}

/** The student, year and class of a row: its cells, else the file's year and class. */
function rowIdentity(
  rp: RowProblems,
  ctx: Ctx,
  r: TableRow,
  c: {
    readonly student?: TableColumn | undefined;
    readonly year?: TableColumn | undefined;
    readonly class?: TableColumn | undefined;
  },
): { student: string | undefined; year: string | undefined; cls: string | undefined } {
  return {
    student: rowOrFile(rp, r, c.student, {}, (v) => parseId('student', v), {
      en: 'the student id (Mã học sinh) is empty',
      vi: 'mã học sinh để trống',
    }),
    year: rowOrFile(rp, r, c.year, ctx.year, parseYear, {
      en: 'the school year is empty',
      vi: 'năm học để trống',
    }),
    cls: rowOrFile(rp, r, c.class, ctx.cls, (v) => parseId('class', v), {
      en: 'the class is empty',
      vi: 'lớp để trống',
    }),
  };
}

function checkFileValues(ctx: Ctx): void {
  for (const [field, fv, parse] of [
    ['year', ctx.year, parseYear],
    ['class', ctx.cls, (v: string) => parseId('class', v)],
  ] as const) {
    if (fv.value === undefined) continue;
    const p = parse(fv.value);
    if (isLeft(p))
      ctx.headerProblem(
        fv.from === 'option' ? 'invalid-option' : 'invalid-title',
        `${fv.from === 'option' ? `--${field}` : `the title block's ${field}`}: ${p.left.en}`,
        `${fv.from === 'option' ? `--${field}` : `${vietnameseField(field)} ở phần tiêu đề`}: ${p.left.vi}`,
        p.left.rule,
      );
  }
}

/**
 * A row that names a student the ledger knows by another name: most often rows shifted by a copy
 * and paste, or an id typed wrong. Names are compared as a clerk reads them (case, Unicode form,
 * spacing and diacritics ignored).
 */
function checkName(
  rp: RowProblems,
  state: LedgerState,
  student: string | undefined,
  name: { readonly text: string; readonly column: TableColumn | undefined },
): void {
  if (student === undefined || name.text === '') return;
  // A committed name (docs/personal-data.md) cannot be compared here: the state holds its commitment only.
  const facts = state.students.get(student);
  const known = facts !== undefined && 'name' in facts ? facts.name : undefined;
  if (known === undefined || fold(known) === fold(name.text)) return;
  rp.raw(
    sheetProblem(
      'name-mismatch',
      {
        en: `student "${student}" is "${known}" in the ledger, not "${name.text}": is the row shifted, or the id wrong?`,
        vi: `học sinh "${student}" trong sổ là "${known}", không phải "${name.text}": dòng bị lệch hay mã học sinh sai?`,
      },
      rp.at(name.column),
      'docs/spreadsheets.md#values',
      { stage: 'field' },
    ),
  );
}

/** The name a row gives, from one column or from the family and given name columns. */
function rowName(
  r: TableRow,
  col: (f: Field) => TableColumn | undefined,
): { readonly text: string; readonly column: TableColumn | undefined } {
  const whole = col('name');
  if (whole !== undefined) return { text: cellOf(r, whole), column: whole };
  const first = col('name-first');
  const last = col('name-last');
  return { text: [cellOf(r, first), cellOf(r, last)].filter((p) => p !== '').join(' '), column: last ?? first };
}

/**
 * Remembers where each key (a student of a class list, a cell of a marks file) was first given in
 * the file. One entry per row is the memory an import needs beyond its events, so an entry is a
 * number: the line and the column's position in the table packed together.
 */
class FirstSeen {
  private readonly seen = new Map<string, number>();
  /**
   * `everything`: every key given is recorded. Otherwise only the keys of cells that entered
   * nothing ({@link FirstSeen.miss}): the caller's ledger batch finds a second entry of a cell that
   * was entered.
   */
  constructor(
    private readonly columns: readonly TableColumn[] = [],
    private readonly everything = true,
  ) {}
  /** The earlier place of `key`, or undefined (and `key` is recorded at `line`, `column`, when keeping everything). */
  check(parts: readonly string[], line: number, column?: TableColumn): { line: number; column?: string } | undefined {
    // Joined, not a template literal: V8 keeps a concatenation as a tree of its pieces (cons
    // strings), ten times the memory of the flat string `join` makes — and this index holds one per row.
    const key = parts.join('\u0000');
    const first = this.seen.get(key);
    if (first === undefined) {
      if (this.everything) this.put(key, line, column);
      return undefined;
    }
    const c = this.columns[first % 4096];
    const label = c === undefined ? undefined : c.label || `#${c.index + 1}`;
    return { line: Math.floor(first / 4096), ...(label === undefined ? {} : { column: label }) };
  }
  /** Record a cell that entered nothing (a bad value, a command the ledger refused). */
  miss(parts: readonly string[], line: number, column?: TableColumn): void {
    const key = parts.join('\u0000');
    if (!this.everything && !this.seen.has(key)) this.put(key, line, column);
  }
  private put(key: string, line: number, column: TableColumn | undefined): void {
    this.seen.set(key, line * 4096 + (column === undefined ? 4095 : Math.min(column.index, 4094)));
  }
}

/** The key of the cell a mark command enters. */
function cellKey(d: Record<string, unknown>): string[] {
  const s = (k: string): string => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : '');
  return [s('year'), s('class'), s('subject'), s('student'), s('term'), s('column'), s('index')];
}

function studentRows(ctx: Ctx, col: (f: Field) => TableColumn | undefined, date: string | undefined): RowMapper['row'] {
  checkFileValues(ctx);
  const fixedDate: FileValue = date === undefined ? {} : { value: date, from: 'option' };
  if (date !== undefined && isLeft(parseDate(date))) {
    const p = parseDate(date);
    if (isLeft(p)) ctx.headerProblem('invalid-option', `--date: ${p.left.en}`, `--date: ${p.left.vi}`, p.left.rule);
  }
  const c = {
    student: col('student'),
    name: col('name'),
    first: col('name-first'),
    last: col('name-last'),
    birth: col('birth-date'),
    sex: col('sex'),
    female: col('female'),
    year: col('year'),
    class: col('class'),
    date: col('date'),
  };
  const seen = new FirstSeen(ctx.table.columns);
  return (r) => {
    const rp = new RowProblems(ctx.table, r.line);
    const { student, year, cls } = rowIdentity(rp, ctx, r, c);
    const when = rowOrFile(rp, r, c.date, fixedDate, parseDate, {
      en: 'the enrolment date is empty',
      vi: 'ngày nhập học để trống',
    });
    if (student !== undefined && year !== undefined) {
      const first = seen.check([year, student], r.line);
      if (first !== undefined)
        rp.raw(
          sheetProblem(
            'duplicate-row',
            {
              en: `student "${student}" is already on line ${first.line} of this file`,
              vi: `học sinh "${student}" đã có ở dòng ${first.line} của tệp này`,
            },
            rp.at(c.student),
            'docs/spreadsheets.md#class-lists',
            { stage: 'field', details: { first: first.line } },
          ),
        );
    }
    const known = student !== undefined && ctx.state().students.has(student);
    let bio: Record<string, unknown> | undefined;
    // A student the ledger knows is enrolled without a biography; the row's name must still be theirs.
    if (known) checkName(rp, ctx.state(), student, rowName(r, col));
    else {
      const b: Record<string, unknown> = {};
      // A column the header lacks is one problem of the header, not one of each row.
      const name = rowName(r, col).text;
      const nameColumn = c.name ?? c.last ?? c.first;
      if (name === '') {
        if (nameColumn !== undefined) rp.missing(nameColumn, { en: 'the name is empty', vi: 'họ tên để trống' });
      } else {
        const n = take(rp, c.name ?? c.last, parseText(name, 200));
        if (n !== undefined) b['name'] = n;
      }
      const birth = cellOf(r, c.birth);
      if (birth === '') {
        if (c.birth !== undefined) rp.missing(c.birth, { en: 'the birth date is empty', vi: 'ngày sinh để trống' });
      } else {
        const d = take(rp, c.birth, parseDate(birth));
        if (d !== undefined) b['birthDate'] = d;
      }
      const sex =
        c.sex !== undefined
          ? cellOf(r, c.sex) === ''
            ? (rp.missing(c.sex, { en: 'the sex is empty', vi: 'giới tính để trống' }), undefined)
            : take(rp, c.sex, parseSex(cellOf(r, c.sex)))
          : c.female !== undefined
            ? take(rp, c.female, parseFemaleMark(cellOf(r, c.female)))
            : undefined;
      if (sex !== undefined) b['sex'] = sex;
      for (const [field, key, max] of BIO_OPTIONAL) {
        const column = col(field);
        const v = cellOf(r, column);
        if (v === '') continue;
        const t = take(rp, column, parseText(v, max));
        if (t !== undefined) b[key] = t;
      }
      bio = b;
    }
    const incomplete = bio !== undefined && !['name', 'birthDate', 'sex'].every((k) => k in bio);
    if (
      rp.list.length > 0 ||
      incomplete ||
      student === undefined ||
      year === undefined ||
      cls === undefined ||
      when === undefined
    )
      return { commands: [], problems: rp.list };
    const data: Record<string, unknown> = { year, class: cls, student, date: when, ...(bio ? { bio } : {}) };
    const columns: Record<string, TableColumn> = {};
    const put = (k: string, v: TableColumn | undefined): void => {
      if (v !== undefined) columns[k] = v;
    };
    put('student', c.student);
    put('year', c.year);
    put('class', c.class);
    put('date', c.date);
    put('bio', c.name ?? c.last);
    put('bio.name', c.name ?? c.last);
    put('bio.birthDate', c.birth);
    put('bio.sex', c.sex ?? c.female);
    for (const [field, key] of BIO_OPTIONAL) put(`bio.${key}`, col(field));
    put('', c.student);
    return { commands: [{ line: r.line, command: { type: 'EnrollStudent', data }, columns }], problems: [] };
  };
}

/** A subject code from a code or a name (`Toán`, `toan`, `Ngữ văn`), among the subjects of the class's grade. */
function subjectCode(
  state: LedgerState,
  year: string | undefined,
  cls: string | undefined,
  v: string,
): string | undefined {
  if (state.subjects.has(v)) return v;
  const grade = year === undefined || cls === undefined ? undefined : state.classes.get(`${year}/${cls}`);
  const offered = grade === undefined || year === undefined ? [] : listValues(state.curriculum, `${year}/${grade}`);
  const want = fold(v);
  return offered.find((code) => fold(code) === want || fold(state.subjects.get(code) ?? '') === want);
}

/** How a subject is assessed in a class (TT22 `scored` or `comment`; TT27 levels), when the ledger knows it. */
function assessmentOf(state: LedgerState, year: string, cls: string, subject: string): string | undefined {
  const grade = state.classes.get(`${year}/${cls}`);
  return grade === undefined ? undefined : state.offerings.get(`${year}/${grade}/${subject}`)?.assessment;
}

function resolveSubject(
  rp: RowProblems,
  state: LedgerState,
  year: string | undefined,
  cls: string | undefined,
  v: string,
  column: TableColumn | undefined,
): string | undefined {
  const code = subjectCode(state, year, cls, v);
  if (code !== undefined) return code;
  const asCode = parseId('subject', v);
  if (!isLeft(asCode)) return asCode.right;
  rp.value(
    column,
    {
      en: `no subject "${v}" is taught to this class (give its code, e.g. toan, or its name as the school defined it)`,
      vi: `lớp này không học môn "${v}" (ghi mã môn, ví dụ toan, hoặc tên môn như trường đã khai báo)`,
      rule: 'docs/spreadsheets.md#marks',
    },
    'unknown-subject',
  );
  return undefined;
}

/** The row's subject: its cell, else the file's (whose problem, if any, is the header's). */
function rowSubject(
  rp: RowProblems,
  state: LedgerState,
  r: TableRow,
  column: TableColumn | undefined,
  fixed: FileValue,
  year: string | undefined,
  cls: string | undefined,
): string | undefined {
  const v = cellOf(r, column);
  if (v !== '') return resolveSubject(rp, state, year, cls, v, column);
  if (fixed.value !== undefined) {
    const code = subjectCode(state, year, cls, fixed.value);
    if (code !== undefined) return code;
    const asCode = parseId('subject', fixed.value);
    return isLeft(asCode) ? undefined : asCode.right;
  }
  if (column !== undefined) rp.missing(column, { en: 'the subject is empty', vi: 'môn học để trống' });
  return undefined;
}

/** The command entering `mark` in a cell, or a problem when the subject is not assessed that way. */
function markCommand(
  rp: RowProblems,
  state: LedgerState,
  base: { year: string; class: string; subject: string; student: string; term: TermCode },
  at: { column: 'tx' | 'gk' | 'ck'; index?: number },
  mark: Mark,
  valueColumn: TableColumn | undefined,
): SheetCommand | undefined {
  const assessment = assessmentOf(state, base.year, base.class, base.subject);
  // A primary subject (TT27 levels and tests) is not entered from a marks sheet: the ledger says so.
  const kind =
    assessment === 'scored' || assessment === 'comment' ? assessment : mark.kind === 'level' ? 'comment' : 'scored';
  if ((kind === 'comment') !== (mark.kind === 'level')) {
    rp.value(
      valueColumn,
      kind === 'comment'
        ? {
            en: `${base.subject} is assessed by comment here: write Đ or CĐ, not "${mark.value}"`,
            vi: `môn ${base.subject} đánh giá bằng nhận xét: ghi Đ hoặc CĐ, không ghi "${mark.value}"`,
            rule: 'TT22 Điều 5.1',
          }
        : {
            en: `${base.subject} is assessed by scores here: write a score from 0 to 10, not "${mark.value}"`,
            vi: `môn ${base.subject} đánh giá bằng điểm số: ghi điểm từ 0 đến 10, không ghi "${mark.value}"`,
            rule: 'TT22 Điều 5.2',
          },
      'wrong-assessment',
    );
    return undefined;
  }
  return {
    type: mark.kind === 'level' ? 'EnterCommentLevel' : 'EnterScore',
    data: { ...base, column: at.column, ...(at.index === undefined ? {} : { index: at.index }), value: mark.value },
  };
}

/** A mark given a second time in the file, at `at`, naming where it was first given. */
export function duplicateCellProblem(
  at: Place,
  first: { readonly line: number; readonly column?: string },
): SheetProblem {
  const where = `${first.line}${first.column === undefined ? '' : ` (${first.column})`}`;
  return sheetProblem(
    'duplicate-cell',
    {
      en: `this mark is already given on line ${where} of this file: one value per cell`,
      vi: `điểm này đã có ở dòng ${where} của tệp này: mỗi ô chỉ một giá trị`,
    },
    at,
    'QC Điều 12.3',
    { stage: 'field', details: { first: first.line } },
  );
}

function duplicateCell(
  rp: RowProblems,
  seen: FirstSeen,
  key: readonly string[],
  line: number,
  column: TableColumn | undefined,
): boolean {
  const first = seen.check(key, line, column);
  if (first === undefined) return false;
  rp.raw(duplicateCellProblem(rp.at(column), first));
  return true;
}

function longMarkRows(
  ctx: Ctx,
  col: (f: Field) => TableColumn | undefined,
  subject: FileValue,
  state0: LedgerState,
): RowMapper['row'] {
  checkFileValues(ctx);
  const c = {
    student: col('student'),
    year: col('year'),
    class: col('class'),
    subject: col('subject'),
    term: col('term'),
    column: col('column'),
    index: col('index'),
    value: col('value'),
  };
  checkSubject(ctx, subject, state0);
  const seen = ctx.seen;
  return (r) => {
    const rp = new RowProblems(ctx.table, r.line);
    const state = ctx.state();
    const { student, year, cls } = rowIdentity(rp, ctx, r, c);
    const code = rowSubject(rp, state, r, c.subject, subject, year, cls);
    const termText = cellOf(r, c.term);
    const term =
      termText === ''
        ? (rp.missing(c.term, { en: 'the term is empty', vi: 'học kỳ để trống' }), undefined)
        : take(rp, c.term, parseTerm(termText));
    const columnText = cellOf(r, c.column);
    const at =
      columnText === ''
        ? (rp.missing(c.column, { en: 'the assessment column is empty', vi: 'cột điểm để trống' }), undefined)
        : take(rp, c.column, parseMarkColumn(columnText));
    const indexText = cellOf(r, c.index);
    let index = at?.index;
    if (indexText !== '') {
      const i = take(rp, c.index, parseIndex(indexText));
      if (i !== undefined && index !== undefined && i !== index)
        rp.value(c.index, {
          en: `the column says regular assessment ${index} but the index says ${i}`,
          vi: `cột điểm ghi lần ${index} nhưng cột lần ghi ${i}`,
          rule: 'docs/spreadsheets.md#marks',
        });
      index = i ?? index;
    }
    if (at !== undefined) {
      if (at.column === 'tx' && index === undefined && indexText === '')
        rp.missing(c.index, {
          en: 'a regular assessment (tx) needs its number (index 1–4)',
          vi: 'đánh giá thường xuyên (tx) cần ghi lần thứ mấy (1–4)',
        });
      if (at.column !== 'tx' && indexText !== '')
        rp.value(c.index, {
          en: `only regular assessments (tx) have a number; leave the index empty for ${at.column}`,
          vi: `chỉ đánh giá thường xuyên (tx) mới có lần; để trống cột lần với ${at.column}`,
          rule: 'TT22 Điều 7',
        });
    }
    checkName(rp, state, student, rowName(r, col));
    const valueText = cellOf(r, c.value);
    const mark =
      valueText === ''
        ? (rp.missing(c.value, { en: 'the mark is empty', vi: 'điểm để trống' }), undefined)
        : take(rp, c.value, parseMark(valueText));
    if (
      student !== undefined &&
      year !== undefined &&
      cls !== undefined &&
      code !== undefined &&
      term !== undefined &&
      at !== undefined
    )
      duplicateCell(rp, seen, [year, cls, code, student, term, at.column, String(index ?? '')], r.line, c.value);
    const miss = (): void => {
      if (
        year !== undefined &&
        cls !== undefined &&
        code !== undefined &&
        student !== undefined &&
        term !== undefined &&
        at !== undefined
      )
        seen.miss([year, cls, code, student, term, at.column, String(index ?? '')], r.line, c.value);
    };
    if (
      rp.list.length > 0 ||
      student === undefined ||
      year === undefined ||
      cls === undefined ||
      code === undefined ||
      term === undefined ||
      at === undefined ||
      mark === undefined
    ) {
      miss();
      return { commands: [], problems: rp.list };
    }
    const command = markCommand(
      rp,
      state,
      { year, class: cls, subject: code, student, term },
      { column: at.column, ...(index === undefined ? {} : { index }) },
      mark,
      c.value,
    );
    if (command === undefined) {
      miss();
      return { commands: [], problems: rp.list };
    }
    const columns: Record<string, TableColumn> = {};
    for (const [k, v] of Object.entries({
      student: c.student,
      year: c.year,
      class: c.class,
      subject: c.subject,
      term: c.term,
      column: c.column,
      index: c.index ?? c.column,
      value: c.value,
      '': c.value,
    }))
      if (v !== undefined) columns[k] = v;
    return { commands: [{ line: r.line, command, columns }], problems: [] };
  };
}

/** A subject fixed for the whole file (option or title) that names no subject of the class: one header problem. */
function checkSubject(ctx: Ctx, subject: FileValue, state: LedgerState): void {
  if (subject.value === undefined) return;
  const year = ctx.year.value;
  const cls = ctx.cls.value;
  if (subjectCode(state, year, cls, subject.value) !== undefined) return;
  if (!isLeft(parseId('subject', subject.value))) return;
  const where = subject.from === 'option' ? '--subject' : 'the title block';
  ctx.headerProblem(
    'unknown-subject',
    `${where}: no subject "${subject.value}" is taught to this class (give its code, e.g. toan)`,
    `${subject.from === 'option' ? '--subject' : 'phần tiêu đề'}: lớp này không học môn "${subject.value}" (ghi mã môn, ví dụ toan)`,
    'docs/spreadsheets.md#marks',
  );
}

function wideMarkRows(
  ctx: Ctx,
  col: (f: Field) => TableColumn | undefined,
  marks: readonly TableColumn[],
  subject: FileValue,
  term: FileValue,
  state0: LedgerState,
): RowMapper['row'] {
  checkFileValues(ctx);
  checkSubject(ctx, subject, state0);
  const c = {
    student: col('student'),
    year: col('year'),
    class: col('class'),
    subject: col('subject'),
    term: col('term'),
  };
  const fixedTerm = term.value === undefined ? undefined : termOfSafe(term.value);
  const seen = ctx.seen;
  return (r) => {
    const rp = new RowProblems(ctx.table, r.line);
    const state = ctx.state();
    const filled = marks.filter((m) => cellOf(r, m) !== '');
    // A row of names without marks (a student not assessed yet) enters nothing and is no problem.
    if (filled.length === 0) return { commands: [], problems: [] };
    const { student, year, cls } = rowIdentity(rp, ctx, r, c);
    const code = rowSubject(rp, state, r, c.subject, subject, year, cls);
    checkName(rp, state, student, rowName(r, col));
    const rowTermText = cellOf(r, c.term);
    const rowTerm = rowTermText === '' ? undefined : take(rp, c.term, parseTerm(rowTermText));
    const commands: PlannedCommand[] = [];
    for (const m of filled) {
      if (m.role.kind !== 'mark') continue;
      const t = m.role.term ?? rowTerm ?? fixedTerm;
      const mark = take(rp, m, parseMark(cellOf(r, m)));
      if (student === undefined || year === undefined || cls === undefined || code === undefined || t === undefined)
        continue;
      if (m.role.column === 'tx' && m.role.index === undefined) continue;
      const key = [year, cls, code, student, t, m.role.column, String(m.role.index ?? '')];
      if (duplicateCell(rp, seen, key, r.line, m)) continue;
      if (mark === undefined) {
        seen.miss(key, r.line, m);
        continue;
      }
      const command = markCommand(
        rp,
        state,
        { year, class: cls, subject: code, student, term: t },
        { column: m.role.column, ...(m.role.index === undefined ? {} : { index: m.role.index }) },
        mark,
        m,
      );
      if (command === undefined) {
        seen.miss(key, r.line, m);
        continue;
      }
      const columns: Record<string, TableColumn> = { value: m, '': m, index: m, column: m, term: c.term ?? m };
      if (c.student !== undefined) columns['student'] = c.student;
      if (c.year !== undefined) columns['year'] = c.year;
      if (c.class !== undefined) columns['class'] = c.class;
      if (c.subject !== undefined) columns['subject'] = c.subject;
      commands.push({ line: r.line, command, columns });
    }
    // The cells that read well are checked against the ledger too, so that one pass reports them all.
    return { commands, problems: rp.list };
  };
}
