/**
 * `hoso import` and `hoso export-xlsx`: the schools' own spreadsheets in and out
 * (docs/spreadsheets.md), a thin shell over `@hoso/sheets`. Arguments are checked before the file
 * is read (the signer's key, the options), the file is streamed with progress on a terminal, every
 * problem is printed once in the clerk's language (`--lang vi|en`), and nothing is written when
 * there is any.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  describeSheetProblem,
  importSheet,
  parseEncoding,
  writeClassWorkbook,
  type Delimiter,
  type Lang,
  type SheetProblem,
  type TextEncoding,
} from '@hoso/sheets';
import { gradeOrFail, yearOf } from '../book-select.js';
import { foldStore } from '../books-view.js';
import { CliError, refused, usage } from '../exit.js';
import { ensureDir, isFile, jsonText, reason, refuseOverwrite, type Output } from '../io.js';
import { openCliLedger, signersFrom } from '../ledger-ops.js';
import { progressFor } from '../progress.js';
import { withStore } from '../store.js';
import { booksCheckpoint, withSource } from './books.js';
import { storeOptions } from './checkpoints.js';

type StoreOpts = { db?: string; store?: string; ledger?: string; state?: boolean; stateDir?: string };

/** Files from this size show their progress even when stderr is not a terminal. */
const PROGRESS_FROM = 8 * 1024 * 1024;

function langOption(v: string): Lang {
  if (v !== 'vi' && v !== 'en') throw usage('invalid-option', `--lang is vi or en, got "${v}"`, '--lang');
  return v;
}

function encodingOption(v: string): TextEncoding {
  const e = parseEncoding(v);
  if (e === null)
    throw usage(
      'invalid-option',
      `--encoding is utf-8, utf-16le, utf-16be or windows-1258, got "${v}"`,
      '--encoding',
      'docs/spreadsheets.md#encodings',
    );
  return e;
}

function delimiterOption(v: string): Delimiter {
  const d = ({ ',': ',', ';': ';', tab: '\t', '\t': '\t', comma: ',', semicolon: ';' } as const)[v];
  if (d === undefined) throw usage('invalid-option', `--delimiter is , ; or tab, got "${v}"`, '--delimiter');
  return d;
}

/** `--sheet 2` is the second sheet; any other text is a sheet's name. */
const sheetOption = (v: string): string | number => (/^[1-9]\d{0,3}$/.test(v) ? Number(v) : v);

/** The problems of a refused file on stderr, each once, in `lang`; returns the summary. */
function printProblems(io: Output, problems: readonly SheetProblem[], lang: Lang): string {
  for (const p of problems) io.err(`hoso: ${describeSheetProblem(p, lang)}\n`);
  const lines = new Set(problems.filter((p) => p.line !== undefined).map((p) => p.line)).size;
  return lang === 'vi'
    ? `${problems.length} lỗi${lines > 0 ? ` ở ${lines} dòng` : ''}; không ghi gì vào sổ`
    : `${problems.length} problem(s)${lines > 0 ? ` in ${lines} row(s)` : ''}; nothing was written`;
}

/** Register `import students`, `import marks` and `export-xlsx`. */
export function registerSheetCommands(program: Command, io: Output): void {
  const imp = program
    .command('import')
    .description(
      'import a class list or marks from CSV or Excel (docs/spreadsheets.md); any problem: every problem reported, nothing written',
    );
  for (const kind of ['students', 'marks'] as const) {
    const c = storeOptions(imp.command(kind))
      .description(
        kind === 'students'
          ? 'a class list (danh sách lớp): enrol each row, registering new students; signed by the homeroom teacher'
          : 'marks (điểm): one mark per row, or a markbook sheet (one row per student, a column per mark); signed by the subject teacher',
      )
      .argument('<file>', 'the CSV (UTF-8, UTF-16 or Windows-1258; , ; or tab) or Excel .xlsx file')
      .requiredOption(
        '--key <file>',
        kind === 'students' ? "the homeroom teacher's signer key" : "the subject teacher's signer key",
      )
      .option('--role <role>', 'the role the signer acts in', kind === 'students' ? 'homeroom' : 'subject')
      .option('--year <year>', 'school year for rows without a year column or title, e.g. 2024-2025')
      .option('--class <class>', 'class for rows without a class column or title, e.g. 10A1');
    if (kind === 'students')
      c.option('--date <date>', 'enrolment date for rows without a date column (YYYY-MM-DD or DD/MM/YYYY)');
    else
      c.option('--subject <subject>', 'subject (code or name) for rows without a subject column or title').option(
        '--term <term>',
        'term (HK1, HK2) of a markbook sheet whose columns and title do not say',
      );
    c.option('--sheet <name|n>', 'Excel: the sheet, by name or position (default: the first)', sheetOption)
      .option('--encoding <e>', 'CSV: utf-8, utf-16le, utf-16be or windows-1258 (default: detected)', encodingOption)
      .option('--delimiter <d>', 'CSV: , ; or tab (default: detected)', delimiterOption)
      .option('--lang <lang>', 'language of the problems: vi or en', langOption, 'vi' as Lang)
      .option('--dry-run', 'check every row and write nothing')
      .option('--no-state', 'fold the whole ledger: neither read nor write the state snapshot <db>.state/')
      .option(
        '--state-dir <dir>',
        'keep the state snapshot in this folder (default <db>.state/; with --store, none unless given)',
      )
      .option('--json', 'print the result as JSON')
      .action(
        async (
          file: string,
          o: StoreOpts & {
            key: string;
            role: string;
            year?: string;
            class?: string;
            date?: string;
            subject?: string;
            term?: string;
            sheet?: string | number;
            encoding?: TextEncoding;
            delimiter?: Delimiter;
            lang: Lang;
            dryRun?: boolean;
            json?: boolean;
          },
        ) => {
          // Everything that can be checked is checked before the file is read.
          const signers = signersFrom(o.key, o.role, []);
          if (!isFile(file)) throw usage('unreadable-file', `cannot read ${file}: no such file`, '<file>');
          await withStore(o, async (s) => {
            const opened = await openCliLedger(s, {
              state: o.state,
              ...(o.stateDir === undefined ? {} : { stateDir: o.stateDir }),
              warn: (l) => io.err(l),
            });
            let bar: ReturnType<ReturnType<typeof progressFor>> | undefined;
            let shown = 0;
            const r = await importSheet(opened.ledger, file, signers, {
              kind,
              ...(o.year === undefined ? {} : { year: o.year }),
              ...(o.class === undefined ? {} : { class: o.class }),
              ...(o.date === undefined ? {} : { date: o.date }),
              ...(o.subject === undefined ? {} : { subject: o.subject }),
              ...(o.term === undefined ? {} : { term: o.term }),
              ...(o.sheet === undefined ? {} : { sheet: o.sheet }),
              ...(o.encoding === undefined ? {} : { encoding: o.encoding }),
              ...(o.delimiter === undefined ? {} : { delimiter: o.delimiter }),
              dryRun: o.dryRun === true,
              onProgress: (read, size) => {
                if (bar === undefined && (io.tty || size >= PROGRESS_FROM))
                  bar = progressFor(io, o.json === true)(o.lang === 'vi' ? 'đọc tệp (byte)' : 'reading (bytes)', size);
                bar?.tick(read - shown);
                shown = read;
              },
            });
            bar?.done();
            if (isLeft(r)) {
              const summary = printProblems(io, r.left, o.lang);
              // Exit 1 when every row is well formed and only the ledger's rules refuse some; else 2.
              const ruled = r.left.every((p) => p.stage === 'ledger' && p.code !== 'invalid-data');
              const fail = ruled ? refused : usage;
              throw fail(ruled ? 'rows-refused' : 'bad-rows', summary, file, undefined, {
                written: 0,
                problems: r.left,
              });
            }
            for (const n of r.right.notices) io.err(`hoso: ${file}: ${o.lang === 'vi' ? n.message_vi : n.message}\n`);
            await opened.afterCommand(o.dryRun === true || r.right.appended?.duplicate === true ? 0 : r.right.events);
            const src = r.right.source;
            const how =
              src.format === 'xlsx'
                ? `sheet "${src.sheet ?? ''}"`
                : `${src.encoding ?? ''}, ${src.delimiter === '\t' ? 'tab' : `"${src.delimiter ?? ''}"`}`;
            io.out(
              o.json
                ? jsonText({
                    ok: true,
                    rows: r.right.rows,
                    commands: r.right.commands,
                    events: r.right.events,
                    dryRun: o.dryRun === true,
                    source: src,
                    notices: r.right.notices,
                    ...(r.right.appended === null ? {} : r.right.appended),
                  })
                : o.dryRun
                  ? `checked ${r.right.rows} row(s) of ${file} (${how}): ${r.right.events} event(s); nothing written (--dry-run)\n`
                  : `imported ${r.right.rows} row(s) from ${file} (${how}): ${r.right.events} event(s), ledger size ${r.right.appended?.size ?? 0}\n`,
            );
          });
        },
      );
  }

  storeOptions(program.command('export-xlsx'))
    .description(
      "a class's books as an Excel workbook (docs/spreadsheets.md#excel-out): the markbook's subjects in the form's columns with the computed averages, the year summary, the register, and the proof reference",
    )
    .argument('[bundle]', 'an export bundle (.hoso) instead of --db/--store')
    .requiredOption('--class <class>', 'the class, e.g. 10A1')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .option('--year <year>', 'school year (default: the latest)')
    .option(
      '--checkpoint <file>',
      "the checkpoint to compute the books at (default: the latest kept, or the bundle's last)",
    )
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print what was written as JSON')
    .action(
      async (
        bundle: string | undefined,
        o: StoreOpts & {
          class: string;
          out: string;
          year?: string;
          checkpoint?: string;
          checkpoints?: string;
          force?: boolean;
          json?: boolean;
        },
      ) => {
        refuseOverwrite(o.out, '--out', o.force === true);
        const { formatProofReference, verificationFromCheckpoint, proofReferenceOf } = await import('@hoso/print');
        await withSource(bundle, o, async (s) => {
          const cp = await booksCheckpoint(s, o);
          const r = await foldStore(s.store, s.ledger, cp.checkpoint.size, s.personal);
          const year = yearOf(r, o.year);
          gradeOrFail(r, year, o.class);
          const v = verificationFromCheckpoint(cp.note, { book: `markbook/${year}/${o.class}` });
          if (isLeft(v)) throw usage(v.left.code, v.left.message, '--checkpoint', v.left.rule);
          ensureDir(dirname(o.out) || '.', '--out');
          // Written beside the target and renamed: a failure leaves no half-written workbook.
          const tmp = join(dirname(o.out) || '.', `.${process.pid}.export.xlsx.tmp`);
          try {
            const written = await writeClassWorkbook(r, tmp, {
              year,
              class: o.class,
              proof: {
                origin: v.right.origin,
                size: v.right.size,
                root: v.right.root,
                reference: formatProofReference(proofReferenceOf(v.right)),
                checkpoint: cp.note,
              },
            });
            if (isLeft(written)) throw refused(written.left.code, written.left.message, '--class', written.left.rule);
            renameSync(tmp, o.out);
            io.out(
              o.json
                ? jsonText({
                    ok: true,
                    out: o.out,
                    year,
                    class: o.class,
                    checkpoint: cp.checkpoint.size,
                    ...written.right,
                  })
                : `wrote ${o.out}: ${written.right.sheets.join(', ')} (${written.right.rows} row(s)), books at checkpoint ${cp.checkpoint.size}\n`,
            );
          } catch (e) {
            if (existsSync(tmp)) rmSync(tmp, { force: true });
            if (e instanceof CliError) throw e;
            throw usage('unwritable-file', `cannot write ${o.out}: ${reason(e)}`, '--out');
          }
        });
      },
    );
}
