#!/usr/bin/env node
// Growth benchmark: how the SQLite store's costs grow with the ledger — 10k, 100k and 1M events.
// For each size, a fresh child process builds the ledger (a school set up through the ledger, then
// signed, chained, rule-abiding events appended in batches of 45) and reports signing and append time, the
// append rate over the last tenth (the marginal cost at that size), peak RSS and file size; a
// second child verifies the ledger with @hoso/verify (`verifyStore`) and reports time and peak RSS.
// One process per measurement, so each peak RSS is that job's alone.
//
//   node bench/growth.mjs [--quick] [--sizes 10000,100000,1000000] [--no-verify] [--json out.json]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
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

if (opts.child === 'append') {
  await childAppend(positionals[0] ?? '', Number(positionals[1]));
  process.exit(0);
}
if (opts.child === 'verify') {
  await childVerify(positionals[0] ?? '', positionals[1] ?? '');
  process.exit(0);
}

// ---- parent ---------------------------------------------------------------------------------------
const sizes = (opts.sizes ?? (opts.quick ? '10000,100000' : '10000,100000,1000000')).split(',').map(Number);
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
