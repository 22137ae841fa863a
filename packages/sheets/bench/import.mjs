#!/usr/bin/env node
// Spreadsheet benchmark: time and peak memory of reading and importing large files.
//
// - read: a marks CSV of `--read-mb` MB (one mark per row) and a markbook-layout .xlsx, streamed
//   through @hoso/sheets — decoded, header found, every row's text and fields checked, its commands
//   made — without a ledger. Shows what reading costs as the file grows.
// - import: a class list of N students, then their marks (28 cells each, ~3 events per KiB of CSV),
//   imported with importSheet into a SQLite ledger: every row decided, signed and kept for the one
//   atomic append. Shows what the all-or-nothing append costs per event.
//
// Each measurement runs in its own child process, so each peak RSS is that job's alone.
//
//   node packages/sheets/bench/import.mjs [--quick] [--read-mb 100] [--students 2000,8000] [--json out.json]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'read-mb': { type: 'string' },
    'xlsx-rows': { type: 'string' },
    students: { type: 'string' },
    json: { type: 'string' },
    child: { type: 'string' },
    file: { type: 'string' },
    db: { type: 'string' },
    n: { type: 'string' },
  },
});

const LEDGER = 'bench-sheets';
const peakMiB = () => process.resourceUsage().maxRSS / 1024;
const seconds = (/** @type {bigint} */ t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const SUBJECTS = /** @type {const} */ ([
  ['toan', 4],
  ['van', 2],
  ['the-duc', 2],
]);

/** @param {number} i */
const studentId = (i) => `hs-${String(i).padStart(6, '0')}`;

/**
 * Write `stream`'s lines, waiting when the stream is full (files far larger than memory).
 * @param {import('node:fs').WriteStream} stream
 * @param {Iterable<string>} lines
 */
async function writeLines(stream, lines) {
  for (const l of lines) if (!stream.write(l)) await new Promise((r) => stream.once('drain', () => r(undefined)));
  await new Promise((r) => stream.end(() => r(undefined)));
}

/**
 * The marks of students 1…n, one per row (every cell of every subject, both terms).
 * @param {number} n
 * @param {number} [limitBytes] stop once this many bytes are written (then cycle students again)
 */
function* markLines(n, limitBytes = Infinity) {
  yield 'Mã học sinh;Môn học;Học kỳ;Cột điểm;Lần;Điểm\r\n';
  let bytes = 0;
  for (let round = 0; bytes < limitBytes; round++) {
    for (let i = 1; i <= n && bytes < limitBytes; i++)
      for (const [subject, tx] of SUBJECTS)
        for (const term of ['HK1', 'HK2']) {
          const level = subject === 'the-duc';
          const cells = [...Array.from({ length: tx }, (_, k) => ['tx', String(k + 1)]), ['gk', ''], ['ck', '']];
          for (const [column, index] of cells) {
            const value = level ? 'Đ' : `${(i + round) % 10},5`;
            // A read bench beyond one round repeats cells: give each round its own student ids.
            const line = `${studentId(i + round * n)};${subject};${term};${column};${index};${value}\r\n`;
            bytes += Buffer.byteLength(line);
            yield line;
          }
        }
    if (limitBytes === Infinity) return;
  }
}

/** Child: stream a file through the reader and the row mapper, without a ledger. */
async function childRead(/** @type {string} */ file) {
  const { initialState } = await import('@hoso/ledger');
  const sheets = await import('@hoso/sheets');
  const t0 = process.hrtime.bigint();
  const src = await sheets.openSource(file, file, {});
  if (src._tag === 'Left') throw new Error(src.left.message);
  const kind = 'marks';
  const table = await sheets.openTable(src.right, kind);
  if (table._tag === 'Left') throw new Error(table.left.map((p) => p.message).join('; '));
  const state = initialState();
  // As importSheet reads a marks file: its ledger batch, not the mapper, remembers the cells entered.
  const mapper = sheets.rowMapper(
    table.right,
    kind,
    { year: '2024-2025', class: '10A1', subject: 'toan' },
    () => state,
    { duplicates: 'ledger' },
  );
  let rows = 0;
  let commands = 0;
  let problems = 0;
  for await (const r of table.right.rows()) {
    rows++;
    problems += r.problems.length;
    const m = mapper.row(r);
    commands += m.commands.length;
    problems += m.problems.length;
  }
  const elapsed = seconds(t0);
  // Live memory after a full collection, beside the peak RSS (which includes garbage not yet collected).
  globalThis.gc?.();
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  // (The mapper, and its index of every cell seen, is still live here.)
  const header = mapper.headerProblems.length;
  console.log(
    JSON.stringify({ rows, commands, problems: problems + header, seconds: elapsed, peakMiB: peakMiB(), heapMiB }),
  );
}

/** Child: a school with `n` students enrolled from a class list, then their marks imported. */
async function childImport(/** @type {string} */ db, /** @type {string} */ dir, /** @type {number} */ n) {
  const { openSqliteStore } = await import('@hoso/store-sqlite');
  const { as, buildSchool } = await import('@hoso/ledger/testing');
  const sheets = await import('@hoso/sheets');
  const store = openSqliteStore({ path: db, ledger: LEDGER });
  const school = await buildSchool({ store, ledger: LEDGER, students: 0 });
  const list = join(dir, `list-${n}.csv`);
  await writeLines(createWriteStream(list), [
    'Mã học sinh,Họ và tên,Ngày sinh,Giới tính\n',
    ...Array.from({ length: n }, (_, i) => `${studentId(i + 1)},Nguyễn Thị Học Sinh ${i + 1},15/03/2009,Nữ\n`),
  ]);
  let t0 = process.hrtime.bigint();
  const enrolled = await sheets.importSheet(school.ledger, list, [as(school.people.homeroom, 'homeroom')], {
    kind: 'students',
    year: school.year,
    class: school.cls,
    date: '2024-09-05',
    // The test school's ledger runs on its own clock, which stamps and checks every event.
    now: school.clock.now,
  });
  if (enrolled._tag === 'Left') throw new Error(enrolled.left[0]?.message);
  const listSeconds = seconds(t0);
  const listPeak = peakMiB();
  // The teacher of toan and the-duc; van's teacher is the homeroom teacher: two files, as in a school.
  const bySubject = join(dir, `marks-${n}-toan.csv`);
  await writeLines(
    createWriteStream(bySubject),
    [...markLines(n)].filter((l, i) => i === 0 || !l.includes(';van;')),
  );
  t0 = process.hrtime.bigint();
  const r = await sheets.importSheet(school.ledger, bySubject, [as(school.people.teacher, 'subject')], {
    kind: 'marks',
    year: school.year,
    class: school.cls,
    now: school.clock.now,
  });
  if (r._tag === 'Left') throw new Error(`${r.left.length} problems: ${r.left[0]?.message}`);
  const marksSeconds = seconds(t0);
  await store.close();
  console.log(
    JSON.stringify({
      students: n,
      listEvents: enrolled.right.events,
      listSeconds,
      listPeakMiB: listPeak,
      marksBytes: statSync(bySubject).size,
      marksEvents: r.right.events,
      marksSeconds,
      peakMiB: peakMiB(),
    }),
  );
}

/**
 * A markbook-layout workbook (one row per student, a column per mark, title block above a
 * three-row header), written with exceljs's streaming writer.
 * @param {string} path
 * @param {number} rows
 */
async function writeXlsx(path, rows) {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
  const ws = wb.addWorksheet('Toán');
  for (const t of [
    'TRƯỜNG THPT THỬ NGHIỆM',
    'SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH',
    'Lớp 10A1 — Năm học 2024-2025',
    'Môn học: Toán (toan)',
  ])
    ws.addRow([t]).commit();
  ws.addRow([]).commit();
  ws.addRow(['STT', 'Mã học sinh', 'Họ và tên', 'Học kỳ I', '', '', '', '', '', '', 'Học kỳ II']).commit();
  ws.addRow([
    '',
    '',
    '',
    'ĐĐGtx',
    '',
    '',
    '',
    'ĐĐGgk',
    'ĐĐGck',
    'ĐTBmhkI',
    'ĐĐGtx',
    '',
    '',
    '',
    'ĐĐGgk',
    'ĐĐGck',
    'ĐTBmhkII',
  ]).commit();
  ws.addRow(['', '', '', 1, 2, 3, 4, '', '', '', 1, 2, 3, 4]).commit();
  for (let i = 1; i <= rows; i++) {
    const m = (/** @type {number} */ k) => ((i + k) % 10) + 0.5;
    ws.addRow([
      i,
      studentId(i),
      `Nguyễn Thị Học Sinh ${i}`,
      m(1),
      m(2),
      m(3),
      m(4),
      m(5),
      m(6),
      7.1,
      m(7),
      m(8),
      m(9),
      m(0),
      m(1),
      m(2),
      7.2,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
}

/**
 * @param {string} text
 * @returns {unknown}
 */
const parseJson = (text) => JSON.parse(text);

/**
 * Run this script as a child; its last stdout line is JSON.
 * @param {string[]} args
 * @returns {Record<string, number>}
 */
function run(args) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed:\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  return /** @type {Record<string, number>} */ (parseJson(last));
}

if (opts.child === 'read') await childRead(opts.file ?? '');
else if (opts.child === 'import') await childImport(opts.db ?? '', opts.file ?? '', Number(opts.n));
else if (opts.child === 'write-xlsx') {
  await writeXlsx(opts.file ?? '', Number(opts.n));
  console.log('{}');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-sheets-'));
  const readMb = Number(opts['read-mb'] ?? (opts.quick ? '10' : '100'));
  const xlsxRows = Number(opts['xlsx-rows'] ?? (opts.quick ? '20000' : '1200000'));
  const students = (opts.students ?? (opts.quick ? '500' : '1000,4000,16000')).split(',').map(Number);
  console.log(
    `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  /** @type {Record<string, unknown>[]} */
  const results = [];
  try {
    console.log('\nread (no ledger): file → rows → fields → commands');
    console.log('file                         | MB    | rows      | s     | rows/s  | peak RSS MiB');
    for (const mb of [...new Set([Math.max(1, Math.round(readMb / 10)), readMb])]) {
      const f = join(dir, `read-${mb}.csv`);
      await writeLines(createWriteStream(f), markLines(1000, mb * 1e6));
      const r = run(['--child', 'read', '--file', f]);
      const size = statSync(f).size / 1e6;
      results.push({ kind: 'read-csv', mb: size, ...r });
      console.log(
        `${`marks CSV, ${mb} MB`.padEnd(28)} | ${size.toFixed(1).padStart(5)} | ${String(r['rows']).padStart(9)} | ${r['seconds']?.toFixed(1).padStart(5)} | ${Math.round(
          (r['rows'] ?? 0) / (r['seconds'] ?? 1),
        )
          .toString()
          .padStart(7)} | ${r['peakMiB']?.toFixed(0)}`,
      );
      rmSync(f);
    }
    for (const rows of [...new Set([Math.max(1000, Math.round(xlsxRows / 10)), xlsxRows])]) {
      const f = join(dir, `read-${rows}.xlsx`);
      run(['--child', 'write-xlsx', '--file', f, '--n', String(rows)]);
      const r = run(['--child', 'read', '--file', f]);
      const size = statSync(f).size / 1e6;
      results.push({ kind: 'read-xlsx', mb: size, ...r });
      console.log(
        `${`markbook .xlsx, ${rows} rows`.padEnd(28)} | ${size.toFixed(1).padStart(5)} | ${String(r['rows']).padStart(9)} | ${r['seconds']?.toFixed(1).padStart(5)} | ${Math.round(
          (r['rows'] ?? 0) / (r['seconds'] ?? 1),
        )
          .toString()
          .padStart(7)} | ${r['peakMiB']?.toFixed(0)}`,
      );
      rmSync(f);
    }
    console.log('\nimport into SQLite (importSheet: decide, sign, one atomic append)');
    console.log('students | list events | list s | marks MB | marks events | marks s | events/s | peak RSS MiB');
    for (const n of students) {
      const r = run(['--child', 'import', '--db', join(dir, `i-${n}.db`), '--file', dir, '--n', String(n)]);
      results.push({ kind: 'import', ...r });
      console.log(
        `${String(n).padStart(8)} | ${String(r['listEvents']).padStart(11)} | ${r['listSeconds']?.toFixed(1).padStart(6)} | ${((r['marksBytes'] ?? 0) / 1e6).toFixed(1).padStart(8)} | ${String(r['marksEvents']).padStart(12)} | ${r['marksSeconds']?.toFixed(1).padStart(7)} | ${Math.round(
          (r['marksEvents'] ?? 0) / (r['marksSeconds'] ?? 1),
        )
          .toString()
          .padStart(8)} | ${r['peakMiB']?.toFixed(0)}`,
      );
    }
    console.log(
      `\nload average at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify(results, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
