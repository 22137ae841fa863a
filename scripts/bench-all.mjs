#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, one after another, each printing its own
// table of medians. `--quick` runs smaller sizes (a few minutes); the full run builds ledgers of a
// million events and takes about half an hour on a 2-core machine. `--only a,b` picks sections;
// `verify-10m` (a 10M-event streamed verification) runs only when named there.
// Figures inform; nothing is asserted. docs/performance.md records a full run.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const q = opts.quick;
/** @type {[name: string, what: string, args: string[], flags?: { optIn: boolean }][]} */
const sections = [
  [
    'core',
    'crypto, canonical JSON, hashing; SQLite append, reads and proofs at 1M',
    ['scripts/bench.mjs', ...(q ? ['--quick'] : [])],
  ],
  [
    'peers',
    'hoso vs Emmett (SQLite) vs raw better-sqlite3: append and replay',
    ['bench/peers.mjs', ...(q ? ['--quick'] : [])],
  ],
  ['ledger', 'the write side: execute, fold, replay', ['packages/ledger/bench/bench.mjs', q ? '50' : '200']],
  [
    'columns',
    "a teacher's column of 45 marks: one command per mark vs one EnterScores per column",
    ['packages/ledger/bench/columns.mjs', '45'],
  ],
  ['books', 'record books: rebuild and catch-up on a school year', ['bench/books.mjs', ...(q ? ['--quick'] : [])]],
  [
    'personal-data',
    'commitments to pupils’ personal data vs clear: enrolment, marks, fold, replay; erasure of a class',
    ['bench/personal-data.mjs', q ? '300' : '1500', '4'],
  ],
  [
    'verify',
    'verification with 0, 1, 2 workers vs raw libsodium verify',
    ['packages/verify/bench/verify-bench.mjs', q ? '20000' : '100000'],
  ],
  [
    'verify-goals',
    "the verifier's goals: CPU per event vs libsodium, 2 workers vs 2 raw threads (a demo year); compliance memory 100k vs 1M",
    ['bench/verify-goals.mjs', ...(q ? ['--quick'] : [])],
  ],
  [
    'browser',
    'the browser verifier (hoso-verify.html in Chromium) vs hoso verify on one demo year',
    ['packages/verify-web/bench/page-vs-cli.mjs', q ? '40' : '300'],
  ],
  ['browser-primitives', "SHA-256 and Ed25519 in the page's Chromium", ['packages/verify-web/bench/primitives.mjs']],
  [
    'eventstoredb',
    'the EventStoreDB adapter through the real client against the protocol stand-in',
    ['packages/store-eventstoredb/bench.mjs'],
  ],
  [
    'pki',
    'CAdES-BES sign (software key, SoftHSM2) and verify per second, RSA-PSS 2048 and ECDSA P-256',
    ['packages/pki/bench.mjs', q ? '1' : '3'],
  ],
  [
    'ca',
    'the verifier on a school year with every act CA-signed, next to the same year Ed25519-only',
    ['packages/verify/bench/ca-bench.mjs', q ? '200' : '1500', q ? '1' : '3'],
  ],
  [
    'pades',
    'học bạ PDFs with three PAdES signatures each (software keys, SoftHSM2 seal; B-B, B-T): per document, and for 1,500 students',
    ['packages/pades/bench.mjs', q ? '5' : '40'],
  ],
  [
    'growth',
    'growth: append and verify time and peak memory at 10k, 100k, 1M events',
    ['bench/growth.mjs', ...(q ? ['--quick'] : [])],
  ],
  [
    'demo-memory',
    '`hoso demo`: peak RSS of each phase (entries, export, in-process verification, printing)',
    ['bench/demo-memory.mjs', q ? '200' : '1500'],
  ],
  // Opt-in (`--only verify-10m`): writes a 6.5 GB bundle and takes about 40 minutes on 2 cores.
  [
    'verify-10m',
    'streamed bundles of 10k, 100k, 1M and 10M events verified with verifyBundle: time and peak memory',
    ['bench/verify-10m.mjs', '--sizes', q ? '10000,100000' : '10000,100000,1000000,10000000'],
    { optIn: true },
  ],
];
const only = opts.only ? new Set(opts.only.split(',')) : null;
let failed = 0;
for (const [name, what, args, flags] of sections) {
  if (only ? !only.has(name) : flags?.optIn === true) continue;
  console.log(`\n=== ${name}: ${what} ===`);
  const t0 = Date.now();
  // --quick: the EventStoreDB bench's large first-use ledger shrinks from 300k to 30k events.
  const env =
    q && name === 'eventstoredb' && process.env.HOSO_ESDB_BIG === undefined
      ? { ...process.env, HOSO_ESDB_BIG: '30000' }
      : process.env;
  const r = spawnSync(process.execPath, ['--expose-gc', ...args], { stdio: 'inherit', env });
  console.log(
    `=== ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`,
  );
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
