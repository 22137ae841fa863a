#!/usr/bin/env node
// A large marks file imported in bounded memory? Generates a marks CSV of `--mb` MB under the
// system's temporary directory (one mark per row: every cell of three subjects, both terms, for as
// many students as the size needs, all enrolled in one class from a class list first), then runs
// the import `hoso import` runs (`importSheet`: check every row, then sign and stream the events
// into one atomic SQLite append) in a child process with `--max-old-space-size=<--heap>`. Prints
// rows/s, the child's peak RSS, the peak of live memory sampled every 100 ms (JS heap + typed
// arrays, garbage included) and the live memory after a full collection with the ledger still
// open (what the import leaves: the ledger state of every event).
//
//   node bench/import-large.mjs [--mb 100] [--heap 256] [--keep]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * @param {string} text
 * @returns {unknown}
 */
const parseJson = (text) => JSON.parse(text);
const { values: opts } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    heap: { type: 'string', default: '256' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
    n: { type: 'string' },
  },
});

const LEDGER = 'bench-import-large';
/** Marks per student in the file: toan (4 tx, gk, ck) and the-duc (2 tx, gk, ck), both terms. */
const SUBJECTS = /** @type {const} */ ([
  ['toan', 4],
  ['the-duc', 2],
]);
const PER_STUDENT = SUBJECTS.reduce((n, [, tx]) => n + 2 * (tx + 2), 0);
const studentId = (/** @type {number} */ i) => `hs-${String(i).padStart(7, '0')}`;
const live = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const MiB = (/** @type {number} */ b) => b / 2 ** 20;

/**
 * @param {string} path
 * @param {Iterable<string>} lines
 */
async function writeLines(path, lines) {
  const out = createWriteStream(path);
  for (const l of lines) if (!out.write(l)) await new Promise((r) => out.once('drain', () => r(undefined)));
  await new Promise((r) => out.end(() => r(undefined)));
}

/** @param {number} n */
function* marks(n) {
  yield 'Mã học sinh;Môn học;Học kỳ;Cột điểm;Lần;Điểm\r\n';
  for (let i = 1; i <= n; i++)
    for (const [subject, tx] of SUBJECTS)
      for (const term of ['HK1', 'HK2'])
        for (const [column, index] of [
          ...Array.from({ length: tx }, (_, k) => ['tx', String(k + 1)]),
          ['gk', ''],
          ['ck', ''],
        ]) {
          const value = subject === 'the-duc' ? 'Đ' : `${i % 10},5`;
          yield `${studentId(i)};${subject};${term};${column};${index};${value}\r\n`;
        }
}

async function child(/** @type {string} */ dir, /** @type {number} */ n) {
  const { openSqliteStore } = await import('@hoso/store-sqlite');
  const { as, buildSchool } = await import('@hoso/ledger/testing');
  const { importSheet } = await import('@hoso/sheets');
  const store = openSqliteStore({ path: join(dir, 'ledger.db'), ledger: LEDGER });
  const school = await buildSchool({ store, ledger: LEDGER, students: 0 });
  const list = join(dir, 'list.csv');
  await writeLines(list, [
    'Mã học sinh,Họ và tên,Ngày sinh,Giới tính\n',
    ...Array.from({ length: n }, (_, i) => `${studentId(i + 1)},Nguyễn Thị Học Sinh ${i + 1},15/03/2009,Nữ\n`),
  ]);
  const base = { year: school.year, class: school.cls, now: school.clock.now };
  const enrolled = await importSheet(school.ledger, list, [as(school.people.homeroom, 'homeroom')], {
    ...base,
    kind: 'students',
    date: '2024-09-05',
  });
  if (enrolled._tag === 'Left') throw new Error(enrolled.left[0]?.message);
  const file = join(dir, 'marks.csv');
  await writeLines(file, marks(n));
  globalThis.gc?.();
  const before = live();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, live())), 100);
  const t0 = process.hrtime.bigint();
  const r = await importSheet(school.ledger, file, [as(school.people.teacher, 'subject')], { ...base, kind: 'marks' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  if (r._tag === 'Left') throw new Error(`${r.left.length} problems: ${r.left[0]?.message}`);
  globalThis.gc?.();
  globalThis.gc?.();
  const after = live();
  console.log(
    JSON.stringify({
      bytes: statSync(file).size,
      rows: r.right.rows,
      events: r.right.events,
      seconds,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      peakLiveMiB: MiB(peak),
      liveBeforeMiB: MiB(before),
      liveAfterMiB: MiB(after),
      state: school.ledger.state().size,
    }),
  );
  await store.close();
}

if (opts.child !== undefined) await child(opts.child, Number(opts.n));
else {
  const mb = Number(opts.mb);
  // ~31 bytes a row: the number of students whose marks make the file `mb` MB.
  const n = Math.max(1, Math.round((mb * 1e6) / 31 / PER_STUDENT));
  const dir = mkdtempSync(join(tmpdir(), 'hoso-import-large-'));
  console.log(
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  try {
    const r = spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${opts.heap}`,
        '--expose-gc',
        fileURLToPath(import.meta.url),
        '--child',
        dir,
        '--n',
        String(n),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (r.status !== 0) throw new Error(`the import child failed (status ${r.status}, signal ${r.signal})`);
    const x = /** @type {Record<string, number>} */ (parseJson(r.stdout.trim().split('\n').pop() ?? '{}'));
    const events = x['events'] ?? 0;
    console.log(`students ${n}, heap limit ${opts.heap} MiB`);
    console.log(
      `file ${((x['bytes'] ?? 0) / 1e6).toFixed(1)} MB, ${x['rows']} rows, ${events} events, ${x['seconds']?.toFixed(1)} s`,
    );
    console.log(`rows/s ${Math.round((x['rows'] ?? 0) / (x['seconds'] ?? 1))}`);
    console.log(
      `peak RSS ${x['peakRssMiB']?.toFixed(0)} MiB; peak live (heap + typed arrays, garbage included) ${x['peakLiveMiB']?.toFixed(0)} MiB`,
    );
    const grew = ((x['liveAfterMiB'] ?? 0) - (x['liveBeforeMiB'] ?? 0)) * 2 ** 20;
    console.log(
      `live after the import ${x['liveAfterMiB']?.toFixed(0)} MiB (before ${x['liveBeforeMiB']?.toFixed(0)} MiB): ${(grew / Math.max(events, 1)).toFixed(0)} B per event kept`,
    );
    console.log(
      `load average at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}
