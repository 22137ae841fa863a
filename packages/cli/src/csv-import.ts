/**
 * CSV imports (docs/import-csv.md): a class list (*danh sách lớp*) or marks (*điểm*), one command
 * per row. Rows are checked in three steps — CSV syntax, each field's form, then the ledger's rules
 * in order — and every bad row is reported by its line and column; nothing is written unless
 * every row passes.
 */
import { parse } from 'csv-parse/sync';
import type { LedgerState } from '@hoso/ledger';
import { usage } from './exit.js';

/** One row as a command, with where it came from. */
export interface ImportRow {
  /** 1-based line of the row in the file. */
  readonly line: number;
  readonly command: { readonly type: string; readonly data: Record<string, unknown> };
  /** Command field (`data.<name>`) → CSV column, to name the column of a refusal. */
  readonly columns: Readonly<Record<string, string>>;
}

/** A problem with one row: line, column (when known), message, rule. */
export interface RowProblem {
  readonly line: number;
  readonly column?: string;
  readonly code: string;
  readonly message: string;
  readonly rule?: string;
}

/** What both imports take besides the file. */
export interface ImportDefaults {
  readonly year?: string;
  readonly class?: string;
  /** Enrolment date (class lists). */
  readonly date?: string;
}

interface Parsed {
  readonly header: string[];
  readonly records: Array<{ line: number; values: Record<string, string> }>;
}

/** Parse CSV text with a header row; a syntax error is exit 2 naming the line. */
export function parseCsv(text: string, file: string): Parsed {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(text, {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      comment: '#',
    }) as never;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw usage(
      'invalid-csv',
      `${e instanceof Error ? e.message : String(e)}`,
      `${file}${line === undefined ? '' : `:${line}`}`,
      'RFC 4180',
    );
  }
  const header = rows[0] === undefined ? [] : Object.keys(rows[0].record);
  return { header, records: rows.map((r) => ({ line: r.info.lines, values: r.record })) };
}

function requireColumns(p: Parsed, file: string, required: readonly string[], defaults: ImportDefaults): void {
  if (p.records.length === 0) throw usage('empty-csv', 'the file has a header but no rows', file);
  for (const c of required) {
    const fromOption =
      (c === 'year' && defaults.year !== undefined) ||
      (c === 'class' && defaults.class !== undefined) ||
      (c === 'date' && defaults.date !== undefined);
    if (!p.header.includes(c) && !fromOption)
      throw usage(
        'missing-column',
        `the header has no "${c}" column${c === 'year' || c === 'class' || c === 'date' ? ` (or give --${c})` : ''}`,
        `${file}:1`,
        'docs/import-csv.md',
      );
  }
}

const SEX: Record<string, 'M' | 'F'> = { m: 'M', f: 'F', nam: 'M', nữ: 'F', nu: 'F' };

/** Known optional biography columns → biography fields. */
const BIO_OPTIONAL: Record<string, string> = {
  birth_place: 'birthPlace',
  ethnicity: 'ethnicity',
  nationality: 'nationality',
  address: 'address',
  guardian: 'guardian',
  phone: 'phone',
};

/** `15/03/2009` (day first, as Vietnamese lists write it) or `2009-03-15` → `2009-03-15`. */
function isoDate(v: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  return m === null ? v : `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
}

/** A class list: one `EnrollStudent` per row, registering students the ledger does not know yet. */
export function studentRows(
  p: Parsed,
  file: string,
  d: ImportDefaults,
  state: LedgerState,
): { rows: ImportRow[]; problems: RowProblem[] } {
  requireColumns(p, file, ['student', 'name', 'birth_date', 'sex', 'year', 'class', 'date'], d);
  const known = new Set([
    'student',
    'name',
    'birth_date',
    'sex',
    'year',
    'class',
    'date',
    ...Object.keys(BIO_OPTIONAL),
  ]);
  const unknown = p.header.find((h) => !known.has(h));
  if (unknown !== undefined)
    throw usage(
      'unknown-column',
      `unknown column "${unknown}" (known: ${[...known].join(', ')})`,
      `${file}:1`,
      'docs/import-csv.md',
    );
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  for (const { line, values: v } of p.records) {
    const sex = SEX[(v['sex'] ?? '').toLocaleLowerCase('vi')];
    if (sex === undefined) {
      problems.push({
        line,
        column: 'sex',
        code: 'invalid-data',
        message: `sex is M/F (or Nam/Nữ), got "${v['sex'] ?? ''}"`,
      });
      continue;
    }
    const bio: Record<string, unknown> = { name: v['name'] ?? '', birthDate: isoDate(v['birth_date'] ?? ''), sex };
    for (const [col, field] of Object.entries(BIO_OPTIONAL))
      if (v[col] !== undefined && v[col] !== '') bio[field] = v[col];
    const student = v['student'] ?? '';
    const data: Record<string, unknown> = {
      year: v['year'] || d.year,
      class: v['class'] || d.class,
      student,
      date: isoDate(v['date'] || d.date || ''),
    };
    if (!state.students.has(student)) data['bio'] = bio;
    rows.push({
      line,
      command: { type: 'EnrollStudent', data },
      columns: {
        year: 'year',
        class: 'class',
        student: 'student',
        date: 'date',
        bio: 'name',
        'bio.name': 'name',
        'bio.birthDate': 'birth_date',
        'bio.sex': 'sex',
        ...Object.fromEntries(Object.entries(BIO_OPTIONAL).map(([c, f]) => [`bio.${f}`, c])),
      },
    });
  }
  return { rows, problems };
}

/** Marks: one `EnterScore` (scored subjects) or `EnterCommentLevel` (Đ/CĐ subjects) per row. */
export function markRows(
  p: Parsed,
  file: string,
  d: ImportDefaults,
  state: LedgerState,
): { rows: ImportRow[]; problems: RowProblem[] } {
  requireColumns(p, file, ['student', 'subject', 'term', 'column', 'value', 'year', 'class'], d);
  const known = new Set(['student', 'subject', 'term', 'column', 'index', 'value', 'year', 'class']);
  const unknown = p.header.find((h) => !known.has(h));
  if (unknown !== undefined)
    throw usage(
      'unknown-column',
      `unknown column "${unknown}" (known: ${[...known].join(', ')})`,
      `${file}:1`,
      'docs/import-csv.md',
    );
  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  for (const { line, values: v } of p.records) {
    const year = v['year'] || d.year || '';
    const cls = v['class'] || d.class || '';
    const subject = v['subject'] ?? '';
    const grade = state.classes.get(`${year}/${cls}`);
    const assessment = grade === undefined ? undefined : state.offerings.get(`${year}/${grade}/${subject}`)?.assessment;
    const raw = (v['value'] ?? '').trim();
    const comment = assessment === 'comment' || raw === 'Đ' || raw === 'CĐ';
    // Vietnamese lists write decimals with a comma (8,5); the ledger writes them with a dot.
    const value = comment ? raw : raw.replace(',', '.');
    const data: Record<string, unknown> = {
      year,
      class: cls,
      subject,
      student: v['student'] ?? '',
      term: (v['term'] ?? '').toUpperCase(),
      column: (v['column'] ?? '').toLowerCase(),
      value,
    };
    const index = v['index'] ?? '';
    if (index !== '') {
      if (!/^\d+$/.test(index)) {
        problems.push({
          line,
          column: 'index',
          code: 'invalid-data',
          message: `index is a whole number (1–4), got "${index}"`,
        });
        continue;
      }
      data['index'] = Number(index);
    }
    rows.push({
      line,
      command: { type: comment ? 'EnterCommentLevel' : 'EnterScore', data },
      columns: {
        year: 'year',
        class: 'class',
        subject: 'subject',
        student: 'student',
        term: 'term',
        column: 'column',
        index: 'index',
        value: 'value',
      },
    });
  }
  return { rows, problems };
}

/** The CSV column a ledger error path (`['data', 'bio', 'name']`) points at. */
export function columnOf(row: ImportRow, path: ReadonlyArray<string | number> | undefined): string | undefined {
  if (path === undefined || path[0] !== 'data') return undefined;
  for (let n = path.length; n > 1; n--) {
    const key = path.slice(1, n).join('.');
    const c = row.columns[key];
    if (c !== undefined) return c;
  }
  return undefined;
}
