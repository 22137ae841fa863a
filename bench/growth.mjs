#!/usr/bin/env node
// Growth benchmark: how the SQLite store's costs grow with the ledger — 10k, 100k and 1M events.
// For each size, a fresh child process builds the ledger (a school set up through the ledger, then
// signed, chained, rule-abiding events appended in batches of 45) and reports signing and append time, the
// append rate over the last tenth (the marginal cost at that size), peak RSS and file size; a
// second child verifies the ledger with @hoso/verify (`verifyStore`) and reports time and peak RSS.
// One process per measurement, so each peak RSS is that job's alone.
//
// Then the `execute` rate by ledger size: ledgers of 1k, 10k, 100k and 1M events built the same
// way (cached under the temp dir, `hoso-bench-cache/`), each copied fresh and opened by the ledger,
// which then executes single `EnterScore` commands (one per transaction, server signing) — in
// rounds, every size once per round, each in a fresh child; the ratio to the 1k rate is paired per
// round. The goal: within 10 % from 1k to 1M.
//
//   node bench/growth.mjs [--quick] [--sizes 10000,100000,1000000] [--no-verify] [--json out.json]
//                         [--execute-sizes 1000,10000,100000,1000000] [--no-execute] [--rounds 3]
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const LEDGER = 'growth-school';
const BATCH = 45;

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    'no-verify': { type: 'boolean', default: false },
    'execute-sizes': { type: 'string' },
    'no-execute': { type: 'boolean', default: false },
    rounds: { type: 'string' },
    json: { type: 'string' },
    child: { type: 'string' },
  },
});

const peakMiB = () => process.resourceUsage().maxRSS / 1024;
const seconds = (/** @type {bigint} */ t0) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * Child: build a ledger of `size` events at `path`; print one JSON line. The school is set up
 * through the ledger (`buildSchool`: genesis, staff, keys, roles, class 10A1 of 45 students);
 * the bulk is the homeroom teacher's biography updates, signed and chained here as the ledger
 * would, so the whole history passes the verifier's compliance replay.
 * @param {string} path
 * @param {number} size
 */
async function childAppend(path, size) {
  const core = await import('@hoso/core');
  const { openSqliteStore } = await import('@hoso/store-sqlite');
  const { buildSchool, person } = await import('@hoso/ledger/testing');
  const store = openSqliteStore({ path, ledger: LEDGER });
  const t00 = process.hrtime.bigint();
  const school = await buildSchool({ store, ledger: LEDGER, students: 45 });
  const setup = seconds(t00);
  const homeroom = person('gvcn-10a1');
  const key = core.toBase64Url(homeroom.signer.publicKey);
  /** @type {Map<string, { rev: number, leaf: string }>} */
  const heads = new Map();
  for (const st of school.students) {
    const h = await store.streamHead(LEDGER, `student/${st}`);
    if (h !== null) heads.set(`student/${st}`, { rev: h.rev, leaf: core.toHex(h.leafHash) });
  }
  let clock = Date.parse('2024-10-01T01:00:00Z');
  const sign = async (/** @type {number} */ i) => {
    const student = school.students[i % school.students.length] ?? '';
    const stream = `student/${student}`;
    const h = heads.get(stream);
    const env = await core.signEnvelope(
      {
        v: 1,
        id: core.newEventId(),
        ledger: LEDGER,
        stream,
        rev: h ? h.rev + 1 : 0,
        prev: h ? h.leaf : null,
        type: 'BiographyChanged',
        data: {
          student,
          year: school.year,
          class: school.cls,
          changes: { address: `Số ${i} đường Lê Lợi, phường Bến Nghé, Quận 1` },
          reason: 'Cập nhật địa chỉ',
        },
        at: new Date((clock += 50)).toISOString().replace('Z', '+00:00'),
        by: { key, role: 'homeroom' },
      },
      [{ signer: homeroom.signer, role: 'homeroom' }],
    );
    const bytes = core.encodeEnvelope(env);
    heads.set(stream, { rev: env.rev, leaf: core.toHex(core.leafHash(bytes)) });
    return bytes;
  };
  let signing = 0;
  let appending = 0;
  let tailEvents = 0;
  let tailSeconds = 0;
  const tailFrom = Math.floor(size * 0.9);
  let expected = await store.size(LEDGER);
  while (expected < size) {
    const n = Math.min(BATCH, size - expected);
    let t0 = process.hrtime.bigint();
    /** @type {Uint8Array[]} */
    const batch = [];
    for (let i = 0; i < n; i++) batch.push(await sign(expected + i));
    signing += seconds(t0);
    t0 = process.hrtime.bigint();
    const r = await store.append(LEDGER, batch, { expected });
    const dt = seconds(t0);
    if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
    appending += dt;
    if (expected >= tailFrom) {
      tailEvents += n;
      tailSeconds += dt;
    }
    expected = r.right.size;
  }
  const t0 = process.hrtime.bigint();
  await store.flush();
  const flush = seconds(t0);
  await store.close();
  const rootKey = school.people.principal.key;
  process.stdout.write(
    JSON.stringify({
      size,
      setup,
      signing,
      appending,
      tailRate: tailEvents / tailSeconds,
      flush,
      peakMiB: peakMiB(),
      fileBytes: statSync(path).size,
      rootKey,
      school: { year: school.year, cls: school.cls, students: school.students, lastAt: clock },
    }) + '\n',
  );
}

/**
 * Child: verify the ledger at `path`; print one JSON line.
 * @param {string} path
 * @param {string} rootKey
 */
async function childVerify(path, rootKey) {
  const { openSqliteStore } = await import('@hoso/store-sqlite');
  const { verifyStore } = await import('@hoso/verify');
  const store = openSqliteStore({ path, readonly: true });
  const t0 = process.hrtime.bigint();
  const r = await verifyStore(store, LEDGER, { trust: { rootKeys: [rootKey] } });
  const dt = seconds(t0);
  await store.close();
  if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
  const errors = r.right.findings.filter((f) => f.severity === 'error');
  process.stdout.write(
    JSON.stringify({
      seconds: dt,
      peakMiB: peakMiB(),
      size: r.right.size,
      errors: errors.length,
      codes: [...new Set(errors.map((f) => f.code))],
      workers: r.right.stats.workers,
    }) + '\n',
  );
}

/**
 * Child: open the ledger at `path` (a fresh copy of a growth ledger) and execute `count` single
 * `EnterScore` commands by the maths teacher, one per transaction; print one JSON line.
 * @param {string} path
 * @param {number} count
 * @param {{ year: string, cls: string, students: string[], lastAt: number }} school
 */
async function childExecute(path, count, school) {
  const { openSqliteStore } = await import('@hoso/store-sqlite');
  const { openLedger } = await import('@hoso/ledger');
  const { as, person } = await import('@hoso/ledger/testing');
  const store = openSqliteStore({ path, ledger: LEDGER });
  let now = school.lastAt + 60_000;
  const t0 = process.hrtime.bigint();
  const ledger = await openLedger({ store, ledger: LEDGER, clock: () => new Date(now) });
  const open = seconds(t0);
  const teacher = [as(person('gv-toan'), 'subject')];
  const columns = [...[1, 2, 3, 4].map((index) => ({ column: 'tx', index })), { column: 'gk' }, { column: 'ck' }];
  /** @type {Record<string, unknown>[]} */
  const cells = [];
  for (const term of ['HK1', 'HK2'])
    for (const c of columns)
      for (const [i, student] of school.students.entries())
        cells.push({
          year: school.year,
          class: school.cls,
          subject: 'toan',
          term,
          ...c,
          student,
          value: `${i % 10}.5`,
        });
  if (cells.length < count) throw new Error(`only ${cells.length} cells to enter`);
  const warm = Math.min(20, count >> 2);
  const run = async (/** @type {Record<string, unknown>[]} */ list) => {
    for (const data of list) {
      now += 1000;
      const r = await ledger.execute({ type: 'EnterScore', data }, teacher);
      if (r._tag !== 'Right') throw new Error(r.left.message);
    }
  };
  await run(cells.slice(0, warm));
  const c0 = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  await run(cells.slice(warm, count));
  const wall = seconds(t1);
  const c = process.cpuUsage(c0);
  const size = await store.size(LEDGER);
  await store.close();
  process.stdout.write(
    JSON.stringify({ size, open, events: count - warm, wall, cpu: (c.user + c.system) / 1e6, peakMiB: peakMiB() }) +
      '\n',
  );
}

if (opts.child === 'execute') {
  /** @type {unknown} */
  const school = JSON.parse(positionals[2] ?? '{}');
  await childExecute(
    positionals[0] ?? '',
    Number(positionals[1]),
    /** @type {{ year: string, cls: string, students: string[], lastAt: number }} */ (school),
  );
  process.exit(0);
}
if (opts.child === 'append') {
  await childAppend(positionals[0] ?? '', Number(positionals[1]));
  process.exit(0);
}
if (opts.child === 'verify') {
  await childVerify(positionals[0] ?? '', positionals[1] ?? '');
  process.exit(0);
}

// ---- parent ---------------------------------------------------------------------------------------
const sizes = (opts.sizes ?? (opts.quick ? '10000,100000' : '10000,100000,1000000'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const self = fileURLToPath(import.meta.url);
/**
 * @typedef {{ size: number, setup: number, signing: number, appending: number, tailRate: number, flush: number,
 *   peakMiB: number, fileBytes: number, rootKey: string }} AppendFigures
 * @typedef {{ seconds: number, peakMiB: number, size: number, errors: number, codes: string[],
 *   workers: number }} VerifyFigures
 */
/**
 * Run this script as a child; its last line of output, parsed.
 * @param {string[]} args
 * @returns {unknown}
 */
const runChild = (args) => {
  const r = spawnSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
};
console.log(
  `hoso growth bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
console.log(`SQLite store, batches of ${BATCH} signed events, one child process per measurement\n`);
const dir = mkdtempSync(join(tmpdir(), 'hoso-growth-'));
/** @type {{ size: number, append: AppendFigures, verify: VerifyFigures | null }[]} */
const rows = [];
const f1 = (/** @type {number} */ x) => x.toFixed(1);
const k = (/** @type {number} */ x) => Math.round(x).toLocaleString('en-US');
try {
  for (const size of sizes) {
    const path = join(dir, `g${size}.db`);
    const a = /** @type {AppendFigures} */ (runChild(['--child', 'append', path, String(size)]));
    const line = `${k(size).padStart(9)} events: sign ${f1(a.signing)} s, append ${f1(a.appending)} s (${k(size / a.appending)}/s; last 10 %: ${k(a.tailRate)}/s), flush ${f1(a.flush)} s, peak RSS ${k(a.peakMiB)} MiB, file ${f1(a.fileBytes / 2 ** 20)} MiB`;
    /** @type {VerifyFigures | null} */
    let v = null;
    if (!opts['no-verify']) v = /** @type {VerifyFigures} */ (runChild(['--child', 'verify', path, a.rootKey]));
    console.log(
      line +
        (v
          ? `; verify ${f1(v.seconds)} s (${k(size / v.seconds)}/s, ${v.workers} worker${v.workers === 1 ? '' : 's'}), peak RSS ${k(v.peakMiB)} MiB, ${v.errors} error findings${v.errors ? ` (${v.codes.join(', ')})` : ''}`
          : ''),
    );
    rows.push({ size, append: a, verify: v });
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  }
  console.log(
    '\nsize        append s   append/s   last-10%/s   peak RSS MiB   file MiB   verify s   verify/s   verify RSS MiB',
  );
  for (const r of rows) {
    console.log(
      [
        k(r.size).padEnd(10),
        f1(r.append.appending).padStart(9),
        k(r.size / r.append.appending).padStart(10),
        k(r.append.tailRate).padStart(12),
        k(r.append.peakMiB).padStart(14),
        f1(r.append.fileBytes / 2 ** 20).padStart(10),
        (r.verify ? f1(r.verify.seconds) : '-').padStart(10),
        (r.verify ? k(r.size / r.verify.seconds) : '-').padStart(10),
        (r.verify ? k(r.verify.peakMiB) : '-').padStart(16),
      ].join(' '),
    );
  }
  if (opts.json)
    writeFileSync(opts.json, JSON.stringify({ node: process.version, cpus: cpus().length, rows }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- the execute rate by ledger size -------------------------------------------------------------
if (!opts['no-execute']) {
  const execSizes = (opts['execute-sizes'] ?? (opts.quick ? '1000,10000,100000' : '1000,10000,100000,1000000'))
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 3));
  const COMMANDS = 300;
  const cache = join(tmpdir(), 'hoso-bench-cache');
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'hoso-growth-exec-'));
  /** @type {Map<number, { open: number[], rate: number[], cpuRate: number[], ratio: number[], size: number }>} */
  const by = new Map(execSizes.map((n) => [n, { open: [], rate: [], cpuRate: [], ratio: [], size: 0 }]));
  try {
    /** @type {Map<number, { path: string, school: unknown }>} */
    const ledgers = new Map();
    for (const size of execSizes) {
      const path = join(cache, `growth-ledger-${size}.db`);
      const meta = `${path}.json`;
      if (!existsSync(meta)) {
        for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
        const t0 = Date.now();
        const a = /** @type {AppendFigures & { school: unknown }} */ (
          runChild(['--child', 'append', path, String(size)])
        );
        writeFileSync(meta, JSON.stringify(a));
        console.log(`built the ${k(size)}-event ledger in ${f1((Date.now() - t0) / 1000)} s (cached: ${path})`);
      }
      /** @type {unknown} */
      const parsed = JSON.parse(readFileSync(meta, 'utf8'));
      const a = /** @type {{ school: unknown }} */ (parsed);
      ledgers.set(size, { path, school: a.school });
    }
    console.log(
      `\nexecute(EnterScore), 1 per transaction, on a fresh copy of each ledger; ${COMMANDS} commands, ${rounds} round(s) (load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')})`,
    );
    for (let r = 0; r < rounds; r++) {
      /** @type {number | undefined} */
      let base;
      for (const size of execSizes) {
        const l = /** @type {{ path: string, school: unknown }} */ (ledgers.get(size));
        const copy = join(scratch, `e${size}.db`);
        copyFileSync(l.path, copy);
        for (const ext of ['-wal', '-shm']) if (existsSync(l.path + ext)) copyFileSync(l.path + ext, copy + ext);
        const e = /** @type {{ size: number, open: number, events: number, wall: number, cpu: number }} */ (
          runChild(['--child', 'execute', copy, String(COMMANDS), JSON.stringify(l.school)])
        );
        for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
        const row =
          /** @type {{ open: number[], rate: number[], cpuRate: number[], ratio: number[], size: number }} */ (
            by.get(size)
          );
        const rate = e.events / e.wall;
        base ??= rate;
        row.open.push(e.open);
        row.rate.push(rate);
        row.cpuRate.push(e.events / e.cpu);
        row.ratio.push(rate / base);
        row.size = e.size;
      }
      console.log(`round ${r + 1}/${rounds} done (load average ${loadavg()[0]?.toFixed(2)})`);
    }
    const mid = (/** @type {number[]} */ xs) => {
      const s = [...xs].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
    };
    console.log('\nledger events   open s   execute/s   per CPU-s   ÷ 1k (paired, median)');
    for (const [size, row] of by)
      console.log(
        [
          k(size).padEnd(14),
          f1(mid(row.open)).padStart(7),
          k(mid(row.rate)).padStart(11),
          k(mid(row.cpuRate)).padStart(11),
          `${mid(row.ratio).toFixed(2)}×`.padStart(10),
        ].join(' '),
      );
    console.log(
      `load average at the end ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
