// Write-side benchmark on the in-memory store: execute throughput, fold (catch-up) rate and
// replayCheck rate. Run after `npx tsc -b packages/ledger`: `node packages/ledger/bench/bench.mjs [students]`.
import { performance } from 'node:perf_hooks';
import { decodeEnvelope, toHex } from '@hoso/core';
import { openLedger, initialState, evolve, replayCheck } from '../dist/index.js';
import { buildSchool, as } from '../dist/testing/index.js';

const students = Number(process.argv[2] ?? 100);
const s = await buildSchool({ students });
const T = [as(s.people.teacher, 'subject')];
const cols = [...[1, 2, 3, 4].map((index) => ({ column: 'tx', index })), { column: 'gk' }, { column: 'ck' }];
let n = 0;
const t0 = performance.now();
for (const student of s.students) {
  for (const term of ['HK1', 'HK2']) {
    for (const c of cols) {
      const r = await s.ledger.execute(
        {
          type: 'EnterScore',
          data: { year: s.year, class: s.cls, subject: 'toan', student, term, ...c, value: String((n % 10) + 0.5) },
        },
        T,
      );
      if (r._tag === 'Left') throw new Error(r.left.message);
      n++;
    }
  }
}
const t1 = performance.now();
const size = await s.store.size('thpt-test');

const t2 = performance.now();
const fresh = await openLedger({ store: s.store, ledger: 'thpt-test' });
const t3 = performance.now();

const state = initialState();
/** @type {Array<[import('@hoso/core').Envelope, string]>} */
const envs = [];
for await (const e of s.store.read('thpt-test')) {
  const env = decodeEnvelope(e.bytes);
  if (env._tag === 'Left') throw new Error(env.left.message);
  envs.push([env.right, toHex(e.leafHash)]);
}
const t4 = performance.now();
let findings = 0;
for (const [env, h] of envs) {
  if (replayCheck(state, env).length > 0) findings++;
  evolve(state, env, h);
}
const t5 = performance.now();

const rate = (/** @type {number} */ k, /** @type {number} */ ms) => Math.round((k / ms) * 1000);
console.log(
  JSON.stringify(
    {
      students,
      ledgerSize: size,
      execute: { commands: n, ms: Math.round(t1 - t0), perSecond: rate(n, t1 - t0) },
      openLedgerFold: { events: fresh.state().size, ms: Math.round(t3 - t2), perSecond: rate(size, t3 - t2) },
      replayCheckPlusEvolve: {
        events: envs.length,
        ms: Math.round(t5 - t4),
        perSecond: rate(envs.length, t5 - t4),
        findings,
      },
    },
    null,
    1,
  ),
);
