#!/usr/bin/env node
// Record-book rebuild and incremental catch-up on a real school year.
//   node bench/books.mjs [--students 1500] [--quick]
// Builds the year with `hoso demo` (signed, rule-checked events in a SQLite ledger), then:
//  - rebuild: runProjection(recordsProjection, mode 'rebuild') from position 0 over the SQLite store,
//    with memoryCheckpointStore and the default batch size (a commit copies nothing);
//  - every class markbook computed from the folded records;
//  - incremental: the same events replayed into a memory store in chunks of 1,000, with a
//    catch-up after each chunk (what a school's read model does day to day).
// Prints events/s, peak RSS (and per event) and, under --expose-gc, the heap the records keep.
// Figures inform; nothing is asserted.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '@hoso/store-sqlite';
import Database from 'better-sqlite3';
import { loadavg } from 'node:os';
import { createMemoryStore } from '@hoso/store';
import {
  recordsProjection,
  memoryCheckpointStore,
  sharedMemoryCheckpointStore,
  runProjection,
  classMarkbook,
} from '@hoso/books';

const { values } = parseArgs({ options: { students: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const mib = (/** @type {number} */ b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const students = Number(values.students ?? (values.quick ? 200 : 1500));
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hoso-books-bench-'));
const fmt = (/** @type {number} */ n) => Math.round(n).toLocaleString('en-US');
/** Heap in use after a full collection (null unless node runs with --expose-gc). */
const heapAfterGc = () =>
  typeof globalThis.gc === 'function' ? (globalThis.gc(), globalThis.gc(), process.memoryUsage().heapUsed) : null;

try {
  const t0 = Date.now();
  execFileSync(
    process.execPath,
    [
      join(here, '..', 'packages/cli/bin/hoso.mjs'),
      'demo',
      '--dir',
      dir,
      '--students',
      String(students),
      '--no-print',
      '--quiet',
    ],
    { stdio: 'ignore' },
  );
  const store = openSqliteStore({ path: join(dir, 'ledger.db'), readonly: true });
  const found = store.ledger();
  if (found === null) throw new Error('the demo wrote no ledger');
  const ledger = found;
  const size = await store.size(ledger);
  console.log(
    `books bench — a ${students}-student school year: ${fmt(size)} events (built by hoso demo in ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
  );

  // Rebuild from position 0.
  const heapBefore = heapAfterGc();
  /** @type {import('@hoso/books').MemoryCheckpointStore<import('@hoso/books').Records>} */
  const cps = memoryCheckpointStore();
  const t1 = performance.now();
  const rebuilt = await runProjection(store, ledger, recordsProjection, cps, { mode: 'rebuild' });
  const dt1 = (performance.now() - t1) / 1000;
  if (rebuilt._tag !== 'Right') throw new Error(JSON.stringify(rebuilt.left));
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(
    `rebuild (records projection, SQLite store)   ${fmt(size / dt1).padStart(9)} events/s   ${dt1.toFixed(2)} s   peak RSS ${mib(peak)} (${fmt(peak / size)} B/event)`,
  );
  const heapAfter = heapAfterGc();
  if (heapAfter !== null && heapBefore !== null) {
    console.log(
      `records state kept on the heap                ${mib(heapAfter - heapBefore).padStart(9)}          ${fmt((heapAfter - heapBefore) / size)} B/event`,
    );
  }

  // Against the floor: raw better-sqlite3 reading the same bytes and JSON.parse of each, in turns
  // with further rebuilds (3 rounds), the ratio paired per round.
  /** @returns {number} events/s */
  const rawParse = () => {
    const db = new Database(join(dir, 'ledger.db'), { readonly: true });
    const q = db.prepare('SELECT bytes FROM events ORDER BY position').pluck();
    const decoder = new TextDecoder();
    const t = performance.now();
    let n = 0;
    for (const b of q.iterate()) {
      JSON.parse(decoder.decode(/** @type {Uint8Array} */ (b)));
      n++;
    }
    const dt = (performance.now() - t) / 1000;
    db.close();
    return n / dt;
  };
  /** @type {number[]} */
  const ratios = [];
  /** @type {number[]} */
  const raws = [];
  /** @type {number[]} */
  const rebuilds = [];
  for (let i = 0; i < 3; i++) {
    const raw = rawParse();
    const t = performance.now();
    const again = await runProjection(store, ledger, recordsProjection, memoryCheckpointStore(), { mode: 'rebuild' });
    if (again._tag !== 'Right') throw new Error(JSON.stringify(again.left));
    const rate = size / ((performance.now() - t) / 1000);
    raws.push(raw);
    rebuilds.push(rate);
    ratios.push(rate / raw);
  }
  const mid = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(
    `rebuild ÷ raw read + JSON.parse (3 rounds)    ${mid(ratios).toFixed(2).padStart(9)}×         rebuild ${fmt(mid(rebuilds))} events/s, raw SELECT bytes + JSON.parse ${fmt(mid(raws))} events/s (load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')})`,
  );

  // Markbooks for every class from the folded records.
  const records = rebuilt.right.state;
  if (records === undefined) throw new Error('the rebuild kept no state');
  const classes = Object.values(records.classes);
  const t2 = performance.now();
  let rows = 0;
  for (const c of classes) {
    const mb = classMarkbook(records, c.year, c.class);
    if (mb._tag !== 'Right') throw new Error(JSON.stringify(mb.left));
    rows += mb.right.students.length;
  }
  const dt2 = (performance.now() - t2) / 1000;
  console.log(
    `class markbooks (all ${classes.length} classes)               ${((dt2 * 1000) / classes.length).toFixed(1).padStart(9)} ms/class ${dt2.toFixed(2)} s (${fmt(rows)} student rows)`,
  );

  // Incremental: replay into a memory store in chunks, catching up after each.
  const mem = createMemoryStore();
  // The read model lives in memory across catch-ups (a long-running vendor process): the shared
  // store hands the same state to every run, so this measures applying events, not copying state.
  const cps2 = sharedMemoryCheckpointStore();
  const CHUNK = 1000;
  /** @type {Uint8Array[]} */
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
    const c = await runProjection(mem, ledger, recordsProjection, cps2, { mode: 'catch-up' });
    tCatch += performance.now() - t;
    if (c._tag !== 'Right') throw new Error(JSON.stringify(c.left));
    caught = appended;
  }
  console.log(
    `incremental catch-up, chunks of ${CHUNK}          ${fmt(caught / (tCatch / 1000)).padStart(9)} events/s   ${(tCatch / 1000).toFixed(2)} s in all`,
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
