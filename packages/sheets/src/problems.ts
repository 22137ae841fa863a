/**
 * Problems as data: every refusal of a file, a header, a row or a field is a {@link SheetProblem}
 * — a `HosoError` (code, message, path, rule) that also says where in the file, in the clerk's
 * words: the file, its line (the spreadsheet's row number), the column as the header names it, and
 * the message in Vietnamese beside the English one.
 */
import type { HosoError } from '@hoso/core';

/** Where the rules about spreadsheets are written; problems cite its sections. */
export const DOC = 'docs/spreadsheets.md';

/** A problem with a file, its header, a row or a field. */
export interface SheetProblem extends HosoError {
  /** English. */
  readonly message: string;
  /** Vietnamese (*tiếng Việt*), for the clerk. */
  readonly message_vi: string;
  readonly rule: string;
  /** The file as the caller named it. */
  readonly file: string;
  /** 1-based line of a CSV file, or row number of a sheet. Absent for a problem of the whole file. */
  readonly line?: number;
  /** The column as the file's header names it (e.g. `Ngày sinh`, `Học kỳ I / ĐĐGtx / 2`). */
  readonly column?: string;
  /** In a spreadsheet, the cell's address (e.g. `F12`). */
  readonly cell?: string;
  /**
   * What found it: the reading of the file or its header (`file`), a field's value (`field`), or
   * the ledger's rules (`ledger`: a well-formed row the rules refuse — a student not on the list,
   * a window not open).
   */
  readonly stage: ProblemStage;
}

/** What found a problem. */
export type ProblemStage = 'file' | 'field' | 'ledger';

/** Where a problem is: file, line and column (cell). */
export interface Place {
  readonly file: string;
  readonly line?: number;
  readonly column?: string;
  readonly cell?: string;
}

/** Build a problem; omits absent fields so problems compare structurally. */
export function sheetProblem(
  code: string,
  text: { readonly en: string; readonly vi: string },
  place: Place,
  rule: string,
  extra: {
    readonly stage?: ProblemStage;
    readonly path?: ReadonlyArray<string | number>;
    readonly details?: Record<string, unknown>;
  } = {},
): SheetProblem {
  const p: { -readonly [K in keyof SheetProblem]: SheetProblem[K] } = {
    code,
    message: text.en,
    message_vi: text.vi,
    rule,
    file: place.file,
    path: extra.path ?? [],
    stage: extra.stage ?? 'file',
  };
  if (place.line !== undefined) p.line = place.line;
  if (place.column !== undefined) p.column = place.column;
  if (place.cell !== undefined) p.cell = place.cell;
  if (extra.details !== undefined) p.details = extra.details;
  return p;
}

/** The language problems are shown in. */
export type Lang = 'vi' | 'en';

/**
 * One problem as one line of plain words, e.g.
 * `marks.csv:3 column "value": … (rule: TT22 Điều 5.2) [invalid-data]` or, in Vietnamese,
 * `marks.csv:3 cột "value": … (quy định: TT22 Điều 5.2) [invalid-data]`.
 */
export function describeSheetProblem(p: SheetProblem, lang: Lang): string {
  const where = `${p.file}${p.line === undefined ? '' : `:${p.line}`}`;
  const col =
    p.column === undefined
      ? ''
      : ` ${lang === 'vi' ? 'cột' : 'column'} "${p.column}"${p.cell === undefined ? '' : ` (${p.cell})`}`;
  const text = lang === 'vi' ? p.message_vi : p.message;
  return `${where}${col}: ${text} (${lang === 'vi' ? 'quy định' : 'rule'}: ${p.rule}) [${p.code}]`;
}

/**
 * Each problem once: one problem per field (file, line and column), the first found, however many
 * commands of the row it stopped (a wide markbook row enters a dozen marks of one student; a
 * student not on the class list is one problem of that row, not twelve) and however many checks
 * it fails (mojibake that no date parser reads either is one problem of that cell). A field the
 * ledger refuses is kept once per rule it breaks (a mark already entered, whose window has closed
 * since, breaks two). Problems of a whole row or file are kept once per code and message.
 */
export function uniqueProblems(problems: readonly SheetProblem[]): SheetProblem[] {
  const seen = new Set<string>();
  const out: SheetProblem[] = [];
  for (const p of problems) {
    const field = p.stage === 'ledger' ? `column:${p.column}:${p.code}` : `column:${p.column}`;
    const k = `${p.file}\u0000${p.line ?? ''}\u0000${p.column === undefined ? `${p.code}:${p.message}` : field}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}
