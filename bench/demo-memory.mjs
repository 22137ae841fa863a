#!/usr/bin/env node
// Peak memory of `hoso demo` by phase: runs the demo in a child process, samples its
// RSS every 250 ms from /proc (Linux), and puts each sample under the phase the demo's progress
// lines on stderr had reached. Prints the peak per phase and of the whole run, with the load.
//   node bench/demo-memory.mjs [students]        (default 1500; after `npx tsc -b`)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHASES } from './demo-phases.mjs';

const students = Number(process.argv[2] ?? 1500);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hoso-demo-memory-'));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const mib = (/** @type {number} */ kib) => `${Math.round(kib / 1024).toLocaleString('en-US')} MiB`;

try {
  console.log(`hoso demo --students ${students}: peak RSS by phase (load average ${load()})`);
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [join(here, '..', 'packages/cli/bin/hoso.mjs'), 'demo', '--dir', join(dir, 'out'), '--students', String(students)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let phase = 0;
  /** @type {number[]} */
  const peaks = PHASES.map(() => 0);
  child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ text) => {
    for (let k = phase + 1; k < PHASES.length; k++) if (text.includes(PHASES[k]?.[1] ?? '\u0000')) phase = k;
  });
  const sample = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m !== null) peaks[phase] = Math.max(peaks[phase] ?? 0, Number(m[1]));
    } catch {
      /* the child has exited */
    }
  };
  const timer = setInterval(sample, 250);
  /** @type {number | null} */
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`hoso demo exited with ${String(code)}`);
  for (const [k, [name]] of PHASES.entries()) console.log(`  ${name.padEnd(36)} ${mib(peaks[k] ?? 0).padStart(10)}`);
  console.log(
    `  ${'whole run'.padEnd(36)} ${mib(Math.max(...peaks)).padStart(10)}   ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log(`(load average ${load()})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
