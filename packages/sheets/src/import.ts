/**
 * A school's file into the ledger: open it (encoding, delimiter or sheet), find its header below
 * any title block, and stream its rows — each row's text checked, its fields read, its commands
 * decided on the import's scratch state and signed — then, if no row of the file had a problem,
 * append every event in one atomic batch. Every problem of every row is collected (each field
 * once) and returned together; with any problem nothing is written. Rows are never all held in
 * memory: the file is read as a stream, and what is kept per row is the signed events that the one
 * append needs (or, with {@link readCommands}, the commands).
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { isHosoFailure } from '@hoso/core';
import type { ActingSigner, Ledger, LedgerState } from '@hoso/ledger';
import { checkBatch, openBatch, streamBatch, type Batch, type BatchResult } from './append.js';
import {
  duplicateCellProblem,
  rowMapper,
  type MapperOptions,
  type PlannedCommand,
  type RowDefaults,
  type SheetNotice,
} from './commands.js';
import { everyProblem, ledgerProblem } from './ledger-problems.js';
import { sheetProblem, uniqueProblems, type SheetProblem } from './problems.js';
import { openSource, type ReadOptions, type SourceInfo } from './source.js';
import { openTable, type Table, type TitleInfo } from './table.js';
import type { SheetKind } from './vocabulary.js';

/** How to read and import a file. */
export interface ImportOptions extends ReadOptions, RowDefaults {
  /** A class list (*danh sách lớp*) or marks (*điểm*). */
  readonly kind: SheetKind;
  /** The file's name in problems (default: the path as given). */
  readonly file?: string;
  /**
   * Told how many bytes of the file have been read, the file's size, and the pass: a large import
   * reads the file twice, to check every row (`check`) and then to write (`write`).
   */
  readonly onProgress?: (read: number, size: number, phase: ImportPhase) => void;
}

/** What reading a file found, besides its commands. */
export interface SheetSummary {
  readonly file: string;
  readonly source: SourceInfo;
  readonly title: TitleInfo;
  /** Header rows (1-based lines). */
  readonly headerLines: readonly number[];
  /** Data rows read (empty rows not counted). */
  readonly rows: number;
  readonly commands: number;
  readonly notices: readonly SheetNotice[];
}

/** What an import did. */
export interface ImportResult extends SheetSummary {
  /** Events decided and signed (appended unless a dry run). */
  readonly events: number;
  /** What was appended; null for a dry run. */
  readonly appended: BatchResult | null;
}

/** The problem of a failure thrown while reading on (a quote never closed, a damaged workbook). */
function readFailure(e: unknown, file: string): SheetProblem {
  if (isHosoFailure(e) && 'file' in e.error) return e.error as SheetProblem;
  return sheetProblem(
    'unreadable-file',
    {
      en: `cannot read the file on: ${e instanceof Error ? e.message : String(e)}`,
      vi: `không đọc tiếp được tệp: ${e instanceof Error ? e.message : String(e)}`,
    },
    { file },
    'docs/spreadsheets.md#reading',
  );
}

/**
 * Read `path` row by row and hand each row's commands to `each`, which may refuse a command (a
 * problem of the file) or accept it. Returns the summary and every problem found.
 */
async function scan(
  path: string,
  options: ImportOptions,
  state: () => LedgerState,
  /** The problems of the command (the mapper is told it was refused when there is any); none to accept it. */
  each: (c: PlannedCommand, table: Table) => Promise<readonly SheetProblem[]>,
  mapperOptions: MapperOptions = {},
): Promise<{ summary: SheetSummary | null; problems: SheetProblem[] }> {
  const file = options.file ?? path;
  const source = await openSource(path, file, options);
  if (isLeft(source)) return { summary: null, problems: [source.left] };
  const size = source.right.size;
  const onBytes = options.onProgress === undefined ? undefined : (n: number) => options.onProgress!(n, size, 'check');
  let table: Table;
  try {
    const t = await openTable(source.right, options.kind, onBytes);
    if (isLeft(t)) return { summary: null, problems: t.left };
    table = t.right;
  } catch (e) {
    return { summary: null, problems: [readFailure(e, file)] };
  }
  const mapper = rowMapper(table, options.kind, options, state, mapperOptions);
  const problems: SheetProblem[] = [...mapper.headerProblems];
  let rows = 0;
  let commands = 0;
  try {
    for await (const r of table.rows()) {
      rows++;
      problems.push(...r.problems);
      if (r.broken) continue;
      const mapped = mapper.row(r);
      problems.push(...mapped.problems);
      for (const c of mapped.commands) {
        commands++;
        const ps = await each(c, table);
        if (ps.length > 0) {
          problems.push(...ps);
          mapper.refused(c);
        }
      }
    }
  } catch (e) {
    problems.push(readFailure(e, file));
  }
  if (rows === 0 && problems.length === 0)
    problems.push(
      sheetProblem(
        'no-rows',
        { en: 'the file has a header but no rows', vi: 'tệp có dòng tiêu đề cột nhưng không có dòng dữ liệu nào' },
        { file },
        'docs/spreadsheets.md#reading',
      ),
    );
  return {
    summary: {
      file,
      source: source.right.info,
      title: table.title,
      headerLines: table.headerLines,
      rows,
      commands,
      notices: mapper.notices,
    },
    problems: uniqueProblems(problems),
  };
}

/**
 * Import the file at `path` into `ledger`, signed by `signers` (the author first: the homeroom
 * teacher for a class list, the subject teacher for marks). `Left`: every problem, and nothing was
 * written. `dryRun`: every check, nothing appended. `now`: the time the events are stamped with and
 * the windows are checked at — give the ledger's own clock (the `clock` it was opened with) when it
 * is not the system's, since the ledger refuses an `at` ahead of its clock (docs/design.md §8).
 *
 * On a store with a streamed append (`EventStore.beginAppend`: SQLite) the file is read twice: a
 * first pass decides every row on a scratch state without signing and keeps nothing but that state,
 * so every problem is found before anything is written; the second signs each row's events and
 * streams them into one atomic append. Memory then grows with the ledger's state only, never with
 * the signed events. On any other store every signed event is held until one `submit`.
 */
export async function importSheet(
  ledger: Ledger,
  path: string,
  signers: readonly ActingSigner[],
  options: ImportOptions & { readonly dryRun?: boolean; readonly now?: Date },
): Promise<Either<SheetProblem[], ImportResult>> {
  const now = options.now ?? new Date();
  const streamed = ledger.store.beginAppend !== undefined;
  const phase = (p: ImportPhase): ImportOptions =>
    options.onProgress === undefined
      ? options
      : { ...options, onProgress: (read, size) => options.onProgress!(read, size, p) };
  const checked = await scanInto(
    streamed || options.dryRun === true
      ? await checkBatch(ledger, signers, now)
      : await openBatch(ledger, signers, now),
    path,
    phase('check'),
  );
  if (isLeft(checked)) return checked;
  const { summary, batch } = checked.right;
  if (options.dryRun === true) return right({ ...summary, events: batch.events, appended: null });
  if (!streamed) return commitBatch(batch, summary, checked.right.places);
  // The second pass: the same rows, signed and streamed into the store's open append.
  const opened = await streamBatch(ledger, signers, now);
  if (isLeft(opened))
    return left([
      sheetProblem(
        opened.left.code,
        { en: opened.left.message, vi: `sổ điện tử không mở được lượt ghi: ${opened.left.message}` },
        { file: summary.file },
        opened.left.rule ?? 'docs/ledger.md',
        { stage: 'ledger' },
      ),
    ]);
  let written: Either<SheetProblem[], { summary: SheetSummary; batch: Batch; places: number[] }>;
  try {
    written = await scanInto(opened.right, path, phase('write'), true);
  } catch (e) {
    await opened.right.abort();
    throw e;
  }
  if (isLeft(written)) {
    await opened.right.abort();
    // The file or the ledger changed between the two passes (the first found nothing wrong).
    return left(written.left);
  }
  return commitBatch(written.right.batch, summary, written.right.places);
}

/** The phase of an import that `onProgress` reports: the check of every row, then the write. */
export type ImportPhase = 'check' | 'write';

/**
 * Scan the file into `batch`, every problem of every row collected. `stopAtFirst`: a batch that
 * ends at its first refusal (the streamed write), so the scan stops adding to it there.
 */
async function scanInto(
  batch: Batch,
  path: string,
  options: ImportOptions,
  stopAtFirst = false,
): Promise<Either<SheetProblem[], { summary: SheetSummary; batch: Batch; places: number[] }>> {
  // Per command added: its line and the position of its column, packed in one number (the place
  // of a refusal of the whole batch, and of the first of a mark given twice).
  const places: number[] = [];
  let failed = false;
  const { summary, problems } = await scan(
    path,
    options,
    () => batch.state,
    async (c, table) => {
      if (failed) return [];
      const column = c.columns[''];
      places.push(c.line * 4096 + (column === undefined ? 4095 : Math.min(column.index, 4094)));
      const refused = await batch.add(c.command);
      if (refused === null) return [];
      if (stopAtFirst) failed = true;
      return everyProblem(refused).map((e) => {
        // A cell "already entered" by a line of this very file: a duplicate within the file, said
        // with that line (the event it names was never written).
        const entry = e.code === 'cell-already-entered' ? e.details?.event : undefined;
        const k = entry === undefined ? undefined : batch.commandOf(entry);
        const at = k === undefined ? undefined : places[k];
        if (at === undefined) return ledgerProblem(table, c, e);
        const firstColumn = table.columns[at % 4096];
        return duplicateCellProblem(table.place(c.line, column), {
          line: Math.floor(at / 4096),
          ...(firstColumn === undefined ? {} : { column: firstColumn.label || `#${firstColumn.index + 1}` }),
        });
      });
    },
    // The batch's scratch state holds every cell already: no second index of them.
    { duplicates: 'ledger' },
  );
  if (summary === null || problems.length > 0) return left(problems);
  return right({ summary, batch, places });
}

/** Commit `batch`, a refusal of the whole batch said at the line of the command it names. */
async function commitBatch(
  batch: Batch,
  summary: SheetSummary,
  places: readonly number[],
): Promise<Either<SheetProblem[], ImportResult>> {
  const appended = await batch.commit();
  if (isLeft(appended)) {
    const e = appended.left.error;
    const place = places[appended.left.index];
    const line = place === undefined ? undefined : Math.floor(place / 4096);
    return left([
      sheetProblem(
        e.code,
        { en: e.message, vi: `sổ điện tử từ chối cả lô khi ghi: ${e.message}` },
        { file: summary.file, ...(line === undefined ? {} : { line }) },
        e.rule ?? 'docs/ledger.md',
        { stage: 'ledger' },
      ),
    ]);
  }
  return right({ ...summary, events: appended.right.events, appended: appended.right });
}

/**
 * The commands of the file at `path`, checked field by field (not against the ledger's rules:
 * {@link importSheet} does that), for software that signs and submits them itself. `state` is the
 * ledger's (which students it knows, how each subject is assessed). Holds every command in memory.
 */
export async function readCommands(
  path: string,
  options: ImportOptions,
  state: LedgerState,
): Promise<Either<SheetProblem[], SheetSummary & { readonly planned: readonly PlannedCommand[] }>> {
  const out: PlannedCommand[] = [];
  const { summary, problems } = await scan(
    path,
    options,
    () => state,
    async (c) => {
      out.push(c);
      return [];
    },
  );
  if (summary === null || problems.length > 0) return left(problems);
  return right({ ...summary, planned: out });
}
