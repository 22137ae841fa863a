// The verifier on a school year with every act CA-signed, next to the same year without (issue:
// "within 10 % of it"): `node packages/verify/bench/ca-bench.mjs [students] [runs]` (after
// `npx tsc -b`). Each year is written by `hoso demo --no-print` (with and without `--no-ca`), then
// verified with verifyBundle, trust list given; the median of `runs` verifications is printed.
// Figures inform; nothing is asserted. docs/performance.md records a run and the machine's load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyBundle } from '@hoso/verify';

const [studentsArg = '1500', runsArg = '3'] = process.argv.slice(2);
const students = Number(studentsArg);
const runs = Number(runsArg);
const hoso = fileURLToPath(new URL('../../cli/bin/hoso.mjs', import.meta.url));

/** Median of numbers. @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Write a demo year; its folder and the seconds it took.
 * @param {boolean} ca
 */
function write(ca) {
  const dir = mkdtempSync(join(tmpdir(), `hoso-ca-bench-${ca ? 'ca' : 'plain'}-`));
  const t0 = performance.now();
  const args = ['demo', '--dir', dir, '--students', String(students), '--no-print', '--quiet', '--json'];
  const r = spawnSync(process.execPath, [hoso, ...args, ...(ca ? [] : ['--no-ca'])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`demo failed: ${r.stderr}`);
  return { dir, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Verify the folder's bundle `runs` times: median seconds and the last report.
 * @param {string} dir
 * @param {boolean} ca
 * @returns {Promise<{ seconds: number; report: import('@hoso/verify').VerifyReport }>}
 */
async function verify(dir, ca) {
  /** @param {string} f */
  const text = (f) => readFileSync(join(dir, f), 'utf8').trim();
  const trust = {
    rootKeys: [text('root.key.pub')],
    sealKeys: [text('seal.vkey')],
    witnessKeys: [text('witness.vkey')],
    ...(ca ? { certificates: [text('ca-root.pem')] } : {}),
  };
  /** @type {number[]} */
  const times = [];
  /** @type {import('@hoso/verify').VerifyReport | undefined} */
  let report;
  for (let i = 0; i < Math.max(1, runs); i++) {
    const t0 = performance.now();
    const r = await verifyBundle(join(dir, 'ledger.hoso'), { trust });
    if (r._tag === 'Left') throw new Error(r.left.message);
    times.push((performance.now() - t0) / 1000);
    report = r.right;
  }
  if (report === undefined) throw new Error('no run');
  return { seconds: median(times), report };
}

console.log(
  `school year of ${students} students; ${runs} verification(s) each; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log('| year | events | CA signatures | write (s) | verify (s, median) | events/s | verdict | legal weight |');
console.log('|---|---:|---:|---:|---:|---:|---|---|');
/** @type {number[]} */
const rows = [];
for (const ca of [false, true]) {
  const w = write(ca);
  const v = await verify(w.dir, ca);
  rows.push(v.seconds);
  console.log(
    `| ${ca ? 'every act CA-signed' : 'Ed25519 only'} | ${v.report.size} | ${v.report.legal.caSignatures} | ${w.seconds.toFixed(1)} | ${v.seconds.toFixed(2)} | ${Math.round(v.report.size / v.seconds)} | ${v.report.verdict} | ${v.report.legal.weight} |`,
  );
  rmSync(w.dir, { recursive: true, force: true });
}
console.log(
  `CA-signed / plain verification time: ${(((rows[1] ?? NaN) / (rows[0] ?? NaN) - 1) * 100).toFixed(1)} %; load average now ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
