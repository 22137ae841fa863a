/**
 * A file's rows as a table: the title block (*tiêu đề* of a form: school, "Lớp 10A1", "Năm học
 * 2024-2025", "Môn Toán", "Học kỳ I"), the header — one row or several, with merged group cells
 * (`Học kỳ I` over `ĐĐGtx` over `1 2 3 4`) — found below it, and every data row with its cells
 * normalised (NFC, spaces squeezed) and checked for text that cannot be right: a replacement
 * character, a control character, mojibake (mojibake.ts).
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { badCharacter, codePoint, nfc, stripMarks } from './text.js';
import { suspectMojibake, type SuspectedEncoding } from './mojibake.js';
import { DOC, sheetProblem, type SheetProblem } from './problems.js';
import { columnLetters, type RawRow, type Source } from './source.js';
import {
  columnRole,
  FIELD_NAMES,
  isGroupLabel,
  isHeaderLabel,
  labelMeaning,
  type ColumnRole,
  type SheetKind,
  type TermCode,
} from './vocabulary.js';

/** A column of the table. */
export interface TableColumn {
  /** 0-based position. */
  readonly index: number;
  /** Its header as the file writes it, levels joined by ` / ` (`Học kỳ I / ĐĐGtx / 2`). */
  readonly label: string;
  readonly role: ColumnRole;
  /** Excel column letters (A, B, …), in an `.xlsx` file. */
  readonly letter?: string;
}

/** What the title block above the header says. */
export interface TitleInfo {
  readonly year?: string;
  readonly class?: string;
  /** The subject as written (`Toán`) and, when given in parentheses, its code (`toan`). */
  readonly subject?: string;
  readonly subjectCode?: string;
  readonly term?: TermCode;
}

/** A data row: cells normalised, and the problems of its text. */
export interface TableRow {
  readonly line: number;
  readonly cells: readonly string[];
  readonly problems: readonly SheetProblem[];
  /** True when the row cannot be read field by field (more cells than the header). */
  readonly broken: boolean;
}

/** An opened table. */
export interface Table {
  readonly file: string;
  readonly source: Source;
  readonly headerLines: readonly number[];
  readonly title: TitleInfo;
  readonly columns: readonly TableColumn[];
  /** The data rows, after the header; empty rows skipped. */
  rows(): AsyncIterable<TableRow>;
  /** Where a cell is, for problems. */
  place(line: number, column: TableColumn | undefined): { file: string; line: number; column?: string; cell?: string };
}

/** How many rows a title block and header may take before the header must have been found. */
const HEADER_SEARCH = 40;

/** NFC, no-break spaces as spaces, runs of spaces and tabs as one, trimmed. */
export function cleanCell(s: string): string {
  return nfc(s)
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\r?\n ?/g, '\n')
    .trim();
}

const isEmptyRow = (cells: readonly string[]): boolean => cells.every((c) => c === '');

/** The title block's facts, read from its lines (diacritics and case ignored). */
export function readTitle(lines: readonly string[]): TitleInfo {
  const out: { -readonly [K in keyof TitleInfo]: TitleInfo[K] } = {};
  for (const original of lines) {
    const s = stripMarks(original);
    // Same length as the original unless it holds characters outside the BMP: then read the plain form.
    const orig = s.length === original.length ? original : s;
    let m = /n[aă]m\s*h[oọ]c\s*:?\s*(\d{4})\s*[-–—/]\s*(\d{4})/i.exec(s);
    if (m !== null && out.year === undefined) out.year = `${m[1]}-${m[2]}`;
    m = /\blop\s*:?\s*(\d{1,2}[0-9A-Za-z._-]*)/i.exec(s);
    if (m !== null && out.class === undefined) out.class = m[1]!;
    m = /\b(?:hoc\s*k[yi]|hk)\s*:?\s*(ii|i|2|1)\b/i.exec(s);
    if (m !== null && out.term === undefined) out.term = m[1] === '1' || m[1]!.toLowerCase() === 'i' ? 'HK1' : 'HK2';
    m = /\bmon(?:\s*hoc)?\s*:?\s+(.+?)\s*(?=$|[-–—|(]|\bhoc\s*k[yi]\b|\bnam\s*hoc\b|\blop\b)/i.exec(s);
    if (m !== null && out.subject === undefined) {
      const start = m.index + m[0].indexOf(m[1]!);
      out.subject = orig.slice(start, start + m[1]!.length).trim();
      const code = /^\s*\(([a-z0-9-]+)\)/.exec(s.slice(start + m[1]!.length));
      if (code !== null) out.subjectCode = code[1]!;
    }
  }
  return out;
}

/** The columns of a header made of `rows` (top first), merged group cells carried to the right. */
export function headerColumns(
  rows: ReadonlyArray<readonly string[]>,
  kind: SheetKind,
  letters: boolean,
): { columns: TableColumn[]; conflicts: Array<{ column: TableColumn; conflict: string }> } {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const eff: string[][] = rows.map(() => []);
  for (let r = 0; r < rows.length; r++)
    for (let c = 0; c < width; c++) {
      const raw = rows[r]![c] ?? '';
      if (raw !== '') eff[r]![c] = raw;
      else {
        // An empty cell continues the group to its left (a merged cell's tail) unless a row above
        // starts something new in this column.
        const prev = c > 0 ? (eff[r]![c - 1] ?? '') : '';
        const newAbove = rows.slice(0, r).some((above) => (above[c] ?? '') !== '');
        eff[r]![c] = prev !== '' && !newAbove && isGroupLabel(prev, kind) ? prev : '';
      }
    }
  const columns: TableColumn[] = [];
  const conflicts: Array<{ column: TableColumn; conflict: string }> = [];
  for (let c = 0; c < width; c++) {
    const path: string[] = [];
    for (let r = 0; r < rows.length; r++) {
      const l = eff[r]![c]!;
      if (l !== '' && path[path.length - 1] !== l) path.push(l);
    }
    const role = columnRole(path, kind);
    const base = { index: c, label: path.join(' / '), ...(letters ? { letter: columnLetters(c + 1) } : {}) };
    if ('conflict' in role) {
      const column: TableColumn = { ...base, role: { kind: 'unknown' } };
      columns.push(column);
      conflicts.push({ column, conflict: role.conflict });
    } else columns.push({ ...base, role });
  }
  return { columns, conflicts };
}

/** The identity columns of a row of labels: where the student id or the name is. */
function identityColumns(cells: readonly string[], kind: SheetKind): number[] {
  const out: number[] = [];
  cells.forEach((c, i) => {
    const m = labelMeaning(c, kind);
    if (m.kind === 'role' && m.role.kind === 'field' && ['student', 'name', 'name-first'].includes(m.role.field))
      out.push(i);
  });
  return out;
}

/**
 * Open the table of `source` for a file of `kind`: find the header (the first row with two known
 * column names, one of them the student's id or name), the header rows below it (group labels
 * and the numbers under `ĐĐGtx`), and the title block above. Header problems are returned all at
 * once; the rows are read only when {@link Table.rows} is iterated.
 */
export async function openTable(
  source: Source,
  kind: SheetKind,
  onBytes?: (read: number) => void,
): Promise<Either<SheetProblem[], Table>> {
  const file = source.file;
  const it = source.rows(onBytes)[Symbol.asyncIterator]();
  const buffered: RawRow[] = [];
  let anchor = -1;
  while (anchor < 0 && buffered.length < HEADER_SEARCH) {
    const n = await it.next();
    if (n.done === true) break;
    const cells = n.value.cells.map(cleanCell);
    if (isEmptyRow(cells)) continue;
    buffered.push({ line: n.value.line, cells });
    const known = cells.filter((c) => c !== '' && isHeaderLabel(c, kind)).length;
    if (known >= 2 && identityColumns(cells, kind).length > 0) anchor = buffered.length - 1;
  }
  if (anchor < 0)
    return left([
      sheetProblem(
        'no-header',
        {
          en: `no header row found in the first ${HEADER_SEARCH} rows: a row naming the columns, with the student's id (student, Mã học sinh) or name (name, Họ và tên) among them`,
          vi: `không tìm thấy dòng tiêu đề cột trong ${HEADER_SEARCH} dòng đầu: một dòng ghi tên các cột, trong đó có mã học sinh (Mã học sinh, student) hoặc họ tên (Họ và tên, name)`,
        },
        { file },
        'docs/spreadsheets.md#headers',
      ),
    ]);
  // Header rows below the first: only labels, nothing under the id or name columns.
  const ids = identityColumns(buffered[anchor]!.cells, kind);
  const header: RawRow[] = [buffered[anchor]!];
  const isSubHeader = (cells: readonly string[]): boolean =>
    ids.every((i) => (cells[i] ?? '') === '') &&
    cells.some((c) => c !== '') &&
    cells.every((c) => c === '' || isHeaderLabel(c, kind));
  const rest: RawRow[] = [];
  let i = anchor + 1;
  for (; header.length < 4; i++) {
    let row = buffered[i];
    if (row === undefined) {
      const n = await it.next();
      if (n.done === true) break;
      const cells = n.value.cells.map(cleanCell);
      if (isEmptyRow(cells)) continue;
      row = { line: n.value.line, cells };
      buffered.push(row);
    }
    if (!isSubHeader(row.cells)) break;
    header.push(row);
  }
  rest.push(...buffered.slice(anchor + header.length));
  const letters = source.info.format === 'xlsx';
  const { columns, conflicts } = headerColumns(
    header.map((r) => r.cells),
    kind,
    letters,
  );
  const title = readTitle(buffered.slice(0, anchor).map((r) => r.cells.filter((c) => c !== '').join(' ')));
  const headerLine = header[0]!.line;
  const place = (line: number, column: TableColumn | undefined) => ({
    file,
    line,
    ...(column === undefined ? {} : { column: column.label || `#${column.index + 1}` }),
    ...(column?.letter === undefined ? {} : { cell: `${column.letter}${line}` }),
  });
  const problems: SheetProblem[] = [];
  for (const { column, conflict } of conflicts)
    problems.push(
      sheetProblem(
        'contradictory-header',
        {
          en: `the header of this column says two things (${conflict})`,
          vi: `tiêu đề cột này mâu thuẫn (${conflict === 'two terms' ? 'hai học kỳ' : conflict === 'two assessment columns' ? 'hai loại điểm' : 'cột điểm nằm dưới một cột khác'})`,
        },
        place(headerLine, column),
        'docs/spreadsheets.md#headers',
      ),
    );
  for (const c of columns)
    if (c.role.kind === 'unknown' && !conflicts.some((x) => x.column === c))
      problems.push(
        sheetProblem(
          'unknown-column',
          {
            en: `unknown column "${c.label}" (the column names hoso reads are listed in ${DOC})`,
            vi: `cột "${c.label}" không rõ nghĩa (các tên cột hoso đọc được liệt kê trong ${DOC})`,
          },
          place(headerLine, c),
          'docs/spreadsheets.md#headers',
        ),
      );
  // One column per field and per mark; a name may come in parts.
  const seen = new Map<string, TableColumn>();
  for (const c of columns) {
    const key =
      c.role.kind === 'field'
        ? ['name', 'name-first', 'name-last'].includes(c.role.field)
          ? undefined
          : `field:${c.role.field}`
        : c.role.kind === 'mark'
          ? `mark:${c.role.term ?? '?'}:${c.role.column}:${c.role.index ?? ''}`
          : undefined;
    if (key === undefined) continue;
    const first = seen.get(key);
    if (first !== undefined)
      problems.push(
        sheetProblem(
          'duplicate-column',
          {
            en: `columns "${first.label}" and "${c.label}" both hold ${c.role.kind === 'field' ? FIELD_NAMES[c.role.field] : 'the same mark'}`,
            vi: `hai cột "${first.label}" và "${c.label}" cùng ghi ${c.role.kind === 'field' ? FIELD_NAMES[c.role.field] : 'một loại điểm'}`,
          },
          place(headerLine, c),
          'docs/spreadsheets.md#headers',
        ),
      );
    else seen.set(key, c);
  }
  if (problems.length > 0) return left(problems);
  const width = columns.length;
  let assumed: SuspectedEncoding | undefined;
  const checkRow = (raw: RawRow): TableRow => {
    const rowProblems: SheetProblem[] = [];
    const cells = raw.cells;
    let broken = false;
    for (let k = width; k < cells.length; k++)
      if ((cells[k] ?? '') !== '') {
        broken = true;
        rowProblems.push(
          sheetProblem(
            'row-too-wide',
            {
              en: `the row has ${cells.length} cells, the header ${width}: a decimal comma not in quotes ("8,5")? The row is not read`,
              vi: `dòng có ${cells.length} ô, tiêu đề có ${width} cột: dấu phẩy thập phân không nằm trong ngoặc kép ("8,5")? Dòng này không được đọc`,
            },
            { file, line: raw.line },
            'RFC 4180',
          ),
        );
        break;
      }
    columns.forEach((c, k) => {
      const v = cells[k] ?? '';
      if (v === '' || c.role.kind === 'ignored') return;
      const at = place(raw.line, c);
      if (c.role.kind === 'unnamed') {
        rowProblems.push(
          sheetProblem(
            'unnamed-column',
            {
              en: `a value in a column the header does not name: "${v}"`,
              vi: `có giá trị ở một cột không có tên trong dòng tiêu đề: "${v}"`,
            },
            at,
            'docs/spreadsheets.md#headers',
          ),
        );
        return;
      }
      if (c.role.kind === 'unsupported') {
        const what = {
          remark: ['remarks (nhận xét) are not imported from a sheet', 'nhận xét không được nhập từ bảng tính'],
          retest: [
            're-test results need their date: enter them with hoso exec (RecordRetest)',
            'điểm kiểm tra lại cần ngày kiểm tra: nhập bằng hoso exec',
          ],
          transfer: [
            'transfers are not imported from a sheet: record them with hoso exec (TransferStudent)',
            'chuyển đi, thôi học không được nhập từ bảng tính: ghi bằng hoso exec',
          ],
        }[c.role.why];
        rowProblems.push(
          sheetProblem(
            'unsupported-column',
            { en: `${what[0]}; empty this column or remove it`, vi: `${what[1]}; hãy để trống hoặc xoá cột này` },
            at,
            'docs/spreadsheets.md#headers',
          ),
        );
        return;
      }
      const moji = suspectMojibake(v, assumed);
      if (moji !== null) {
        assumed ??= moji.encoding;
        rowProblems.push(mojibakeProblem(v, moji, at));
        return;
      }
      // A code page without Vietnamese letters (Excel's "CSV" on a Western Windows) saves each
      // letter it lacks as "?": "Nguy?n Tr?i". A question mark inside a word is that, not typing.
      if (/\p{L}\?+\p{L}/u.test(v)) {
        rowProblems.push(
          sheetProblem(
            'lost-characters',
            {
              en: `"${v}" has "?" inside a word: letters lost when the file was saved in a code page without Vietnamese (save it again as CSV UTF-8 or as .xlsx)`,
              vi: `"${v}" có dấu "?" giữa một từ: chữ bị mất khi tệp được lưu bằng bảng mã không có tiếng Việt (hãy lưu lại dạng CSV UTF-8 hoặc .xlsx)`,
            },
            at,
            'docs/spreadsheets.md#encodings',
            { stage: 'field' },
          ),
        );
        return;
      }
      const bad = badCharacter(v);
      if (bad !== null)
        rowProblems.push(
          sheetProblem(
            'invalid-text',
            bad.char === '\ufffd'
              ? {
                  en: `the text holds ${codePoint(bad.char)}, the mark a conversion leaves where it could not read a character (often Windows-1258 read as UTF-8): "${v}"; export the file again from the original`,
                  vi: `văn bản có ký tự ${codePoint(bad.char)}, dấu vết của một lần chuyển mã không đọc được ký tự (thường do tệp Windows-1258 bị đọc như UTF-8): "${v}"; hãy xuất lại tệp từ bản gốc`,
                }
              : {
                  en: `the text holds the control character ${codePoint(bad.char)} at position ${bad.offset + 1}`,
                  vi: `văn bản có ký tự điều khiển ${codePoint(bad.char)} ở vị trí ${bad.offset + 1}`,
                },
            at,
            'docs/spreadsheets.md#encodings',
          ),
        );
    });
    return { line: raw.line, cells, problems: rowProblems, broken };
  };
  const table: Table = {
    file,
    source,
    headerLines: header.map((r) => r.line),
    title,
    columns,
    place,
    async *rows() {
      for (const r of rest) yield checkRow(r);
      for (;;) {
        const n = await it.next();
        if (n.done === true) return;
        const cells = n.value.cells.map(cleanCell);
        if (isEmptyRow(cells)) continue;
        yield checkRow({ line: n.value.line, cells });
      }
    },
  };
  return right(table);
}

const ENCODING_NAMES: Readonly<Record<SuspectedEncoding, readonly [string, string]>> = {
  'utf-8-read-as-windows-1258': ['UTF-8 text read as Windows-1258', 'văn bản UTF-8 bị đọc như Windows-1258'],
  'utf-8-read-as-windows-1252': ['UTF-8 text read as Windows-1252', 'văn bản UTF-8 bị đọc như Windows-1252'],
  'windows-1258-read-as-windows-1252': [
    'Windows-1258 text read as Windows-1252',
    'văn bản Windows-1258 bị đọc như Windows-1252',
  ],
  tcvn3: ['the TCVN3 (ABC, .VnTime) font encoding', 'bảng mã TCVN3 (ABC, phông .VnTime)'],
  vni: ['the VNI (VNI-Times) font encoding', 'bảng mã VNI (phông VNI-Times)'],
};

function mojibakeProblem(
  v: string,
  m: { encoding: SuspectedEncoding; likely: string },
  at: { file: string; line: number; column?: string; cell?: string },
): SheetProblem {
  const [en, vi] = ENCODING_NAMES[m.encoding];
  const legacy = m.encoding === 'tcvn3' || m.encoding === 'vni';
  return sheetProblem(
    'mojibake',
    {
      en: `"${v}" looks like ${en}; it would read "${m.likely}". ${legacy ? 'Convert the file to Unicode (e.g. with Unikey’s converter) and save it again' : 'Save the file again from the original in UTF-8'}`,
      vi: `"${v}" có vẻ là ${vi}; đúng ra là "${m.likely}". ${legacy ? 'Hãy chuyển tệp sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi lưu lại' : 'Hãy lưu lại tệp từ bản gốc dạng UTF-8'}`,
    },
    at,
    'docs/spreadsheets.md#encodings',
    { details: { suspected: m.encoding, likely: m.likely } },
  );
}
