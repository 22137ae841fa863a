#!/usr/bin/env node
// Record-book rebuild and incremental catch-up on a real school year (issue 4's benchmark).
//   node bench/books.mjs [--students 1500] [--quick]
// Builds the year with `hoso demo` (signed, rule-checked events in a SQLite ledger), then:
//  - rebuild: runProjection(recordsProjection, mode 'rebuild') from position 0 over the SQLite store;
//  - incremental: the same events replayed into a memory store in chunks of 1,000, with a
//    catch-up after each chunk (what a school's read model does day to day);
//  - every class markbook computed from the folded records.
// Prints events/s and peak RSS. Figures inform; nothing is asserted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '@hoso/store-sqlite';
import { createMemoryStore } from '@hoso/store';
import { recordsProjection, memoryCheckpointStore, runProjection, classMarkbook } from '@hoso/books';

const { values } = parseArgs({ options: { students: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const students = Number(values.students ?? (values.quick ? 200 : 1500));
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hoso-books-bench-'));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

try {
  const t0 = Date.now();
  execFileSync(process.execPath, [join(here, '..', 'packages/cli/bin/hoso.mjs'), 'demo', '--dir', dir, '--students', String(students), '--no-print', '--quiet'], { stdio: 'ignore' });
  const store = openSqliteStore({ path: join(dir, 'ledger.db'), readonly: true });
  const ledger = store.ledger();
  const size = await store.size(ledger);
  console.log(`books bench — a ${students}-student school year: ${fmt(size)} events (built by hoso demo in ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);

  // Rebuild from position 0.
  const cps = memoryCheckpointStore();
  const t1 = performance.now();
  // A pure projection's state is saved (copied) at every commit: commit every 50,000 events.
  const rebuilt = await runProjection(store, ledger, recordsProjection, cps, { mode: 'rebuild', batchSize: 50_000 });
  const dt1 = (performance.now() - t1) / 1000;
  if (rebuilt._tag !== 'Right') throw new Error(JSON.stringify(rebuilt.left));
  console.log(`rebuild (records projection, SQLite store)   ${fmt(size / dt1).padStart(9)} events/s   ${dt1.toFixed(2)} s   peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`);

  // Markbooks for every class from the folded records.
  const records = (await cps.load(recordsProjection.name)).state;
  const classes = Object.values(records.classes);
  const t2 = performance.now();
  let cells = 0;
  for (const c of classes) {
    const mb = classMarkbook(records, c.year, c.class);
    if (mb._tag !== 'Right') throw new Error(JSON.stringify(mb.left));
    cells += mb.right.students?.length ?? 0;
  }
  const dt2 = (performance.now() - t2) / 1000;
  console.log(`class markbooks (all ${classes.length} classes)               ${(dt2 * 1000 / classes.length).toFixed(1).padStart(9)} ms/class ${dt2.toFixed(2)} s`);

  // Incremental: replay into a memory store in chunks, catching up after each.
  const mem = createMemoryStore();
  // The read model lives in memory across catch-ups (a long-running vendor process): the
  // checkpoint keeps a reference instead of a copy, so this measures applying events, not
  // copying a large state (memoryCheckpointStore copies it on every save).
  let held = null;
  const cps2 = { load: () => held, save: (_n, c) => { held = c; }, clear: () => { held = null; } };
  const CHUNK = 1000;
  let chunk = [];
  let appended = 0;
  let caught = 0;
  let tCatch = 0;
  for await (const e of store.read(ledger)) {
    chunk.push(e.bytes);
    if (chunk.length === CHUNK) await flush();
  }
  if (chunk.length) await flush();
  async function flush() {
    const r = await mem.append(ledger, chunk, { expected: appended });
    if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
    appended += chunk.length;
    chunk = [];
    const t = performance.now();
    const c = await runProjection(mem, ledger, recordsProjection, cps2, { mode: 'catch-up', batchSize: 50_000 });
    tCatch += performance.now() - t;
    if (c._tag !== 'Right') throw new Error(JSON.stringify(c.left));
    caught = appended;
  }
  console.log(`incremental catch-up, chunks of ${CHUNK}          ${fmt(caught / (tCatch / 1000)).padStart(9)} events/s   ${(tCatch / 1000).toFixed(2)} s in all`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
