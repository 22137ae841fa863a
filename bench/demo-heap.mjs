#!/usr/bin/env node
// What each phase of `hoso demo` holds: runs the demo in this process and, when a progress line
// names the next phase (the markers of demo-memory.mjs), collects garbage and records the live
// heap, the memory outside it (Buffers, typed arrays) and the RSS at that boundary — what the
// previous phase left behind for the next one to carry. Needs --expose-gc:
//   node --expose-gc bench/demo-heap.mjs [students]      (default 1500; after `npx tsc -b`)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PHASES } from './demo-phases.mjs';

const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
if (gc === undefined) throw new Error('run with node --expose-gc');
const students = Number(process.argv[2] ?? 1500);
const here = dirname(fileURLToPath(import.meta.url));
// The built CLI's module is untyped here, hence the cast below.
/** @typedef {{ out(t: string): void, err(t: string): void, tty: boolean }} Io */
/** @type {(o: object, io: Io) => Promise<unknown>} */
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access
const runDemo = (await import(pathToFileURL(join(here, '..', 'packages/cli/dist/demo/run.js')).href)).runDemo;
const dir = mkdtempSync(join(tmpdir(), 'hoso-demo-heap-'));
const mib = (/** @type {number} */ b) => `${Math.round(b / 2 ** 20).toLocaleString('en-US')} MiB`;
/** @type {Array<[string, NodeJS.MemoryUsage]>} */
const marks = [];
let phase = -1;
const record = (/** @type {string} */ name) => {
  gc();
  gc();
  marks.push([name, process.memoryUsage()]);
};
try {
  console.log(
    `hoso demo --students ${students}: live memory at each phase boundary, after a full GC (load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')})`,
  );
  record('before the demo');
  await runDemo(
    { dir: join(dir, 'out'), students, seed: 'hoso' },
    {
      out: () => undefined,
      err: (/** @type {string} */ text) => {
        for (let k = phase + 1; k < PHASES.length; k++)
          if (text.includes(PHASES[k]?.[1] ?? '\u0000')) {
            phase = k;
            record(`entering ${PHASES[k]?.[0] ?? ''}`);
          }
      },
      tty: false,
    },
  );
  record('after the demo');
  console.log(
    `  ${'boundary'.padEnd(48)} ${'heap used'.padStart(10)} ${'external'.padStart(10)} ${'RSS'.padStart(10)}`,
  );
  for (const [name, m] of marks)
    console.log(
      `  ${name.padEnd(48)} ${mib(m.heapUsed).padStart(10)} ${mib(m.external).padStart(10)} ${mib(m.rss).padStart(10)}`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
