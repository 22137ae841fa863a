// State snapshot benchmark on a SQLite ledger: open time with a full fold and from a snapshot,
// snapshot size per event, save time. Run after `npx tsc -b`:
//   node packages/ledger/bench/snapshot.mjs <ledger.db>
//     (e.g. a `hoso demo --students 1500` ledger.db: 188,605 events)
//   node packages/ledger/bench/snapshot.mjs --students 200   (writes a demo ledger in a temp folder first)
// The ledger file is opened read-only; the snapshot goes to a temp folder. RUNS=n sets the runs per figure (median).
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@hoso/core';
import { openSqliteStore } from '@hoso/store-sqlite';
import { openLedger, fileStateSnapshots, snapshotFileName, decodeStateSnapshot } from '../dist/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'hoso-snapshot-bench-'));
let db = process.argv[2];
if (db === undefined || db === '--students') {
  const students = process.argv[3] ?? '200';
  const cli = fileURLToPath(new URL('../../cli/bin/hoso.mjs', import.meta.url));
  execFileSync(
    process.execPath,
    [cli, 'demo', '--dir', join(tmp, 'demo'), '--students', students, '--no-print', '--quiet'],
    { stdio: 'ignore' },
  );
  db = join(tmp, 'demo', 'ledger.db');
}
const store = openSqliteStore({ path: db, readonly: true });
const ledgerId = store.ledger();
if (ledgerId === null) throw new Error(`${db} holds no ledger`);
const ledger = ledgerId;
const size = await store.size(ledger);
const dir = join(tmp, 'state');
const snapshots = fileStateSnapshots(dir);
const runs = Number(process.env.RUNS ?? 3);
const median = (/** @type {number[]} */ xs) =>
  Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0);
/**
 * @template T
 * @param {() => T | Promise<T>} f
 * @returns {Promise<[number, T]>}
 */
const time = async (f) => {
  const t0 = performance.now();
  const v = await f();
  return [performance.now() - t0, v];
};

// A warm-up fold, then: full folds, saves, opens from the snapshot (nothing after it to fold).
/** @type {import('../dist/index.js').Ledger | null} */
let opened = (await time(() => openLedger({ store, ledger, snapshots })))[1];
/** @type {number[]} */
const full = [];
for (let i = 0; i < runs; i++) full.push((await time(() => openLedger({ store, ledger })))[0]);
/** @type {number[]} */
const save = [];
let saved = { size: 0, bytes: 0 };
for (let i = 0; i < runs; i++) {
  const o = opened;
  const [t, r] = await time(() => o.saveSnapshot());
  if (r._tag === 'Left') throw new Error(r.left.message);
  save.push(t);
  saved = r.right;
}
/** @type {number[]} */
const fromSnapshot = [];
for (let i = 0; i < runs; i++) {
  /** @type {import('../dist/index.js').SnapshotEvent[]} */
  const told = [];
  const [t, l] = await time(() => openLedger({ store, ledger, snapshots, onSnapshot: (e) => told.push(e) }));
  const loaded = told.find((e) => e.kind === 'loaded');
  if (loaded === undefined || l.state().size !== size) throw new Error(`snapshot not used: ${JSON.stringify(told)}`);
  fromSnapshot.push(t);
}
// Where the snapshot open goes: read the file, hash it, decode it.
const file = join(dir, snapshotFileName(ledger));
/** @type {{ read: number[], hash: number[], decode: number[] }} */
const parts = { read: [], hash: [], decode: [] };
for (let i = 0; i < runs; i++) {
  const [tr, bytes] = await time(() => readFileSync(file));
  const [th] = await time(() => sha256(bytes));
  const [td] = await time(() => decodeStateSnapshot(new Uint8Array(bytes)));
  parts.read.push(tr);
  parts.hash.push(th);
  parts.decode.push(td);
}
await store.close();
rmSync(tmp, { recursive: true, force: true });
console.log(
  JSON.stringify(
    {
      ledgerSize: size,
      openFullFoldMs: median(full),
      openFromSnapshotMs: median(fromSnapshot),
      speedup: Math.round((median(full) / median(fromSnapshot)) * 10) / 10,
      saveSnapshotMs: median(save),
      snapshotBytes: saved.bytes,
      snapshotBytesPerEvent: Math.round(saved.bytes / size),
      snapshotOpenParts: {
        readFileMs: median(parts.read),
        sha256Ms: median(parts.hash),
        decodeMs: median(parts.decode),
      },
    },
    null,
    1,
  ),
);
