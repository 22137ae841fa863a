// Column entry benchmark: a class's whole year of Toán marks entered as 45 single `EnterScore`
// commands per column versus one `EnterScores` per column, on the in-memory store and on SQLite.
// Run after `npx tsc -b`: `node packages/ledger/bench/columns.mjs [students]`.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore } from '@hoso/store';
import { openSqliteStore } from '@hoso/store-sqlite';
import { buildSchool, as } from '../dist/testing/index.js';

const students = Number(process.argv[2] ?? 45);
const cols = [...[1, 2, 3, 4].map((index) => ({ column: 'tx', index })), { column: 'gk' }, { column: 'ck' }];

/**
 * @param {import('@hoso/store').EventStore} store
 * @param {boolean} batched
 */
async function run(store, batched) {
  const s = await buildSchool({ students, store });
  const T = [as(s.people.teacher, 'subject')];
  let events = 0;
  const t0 = performance.now();
  for (const term of ['HK1', 'HK2']) {
    for (const c of cols) {
      const base = { year: s.year, class: s.cls, subject: 'toan', term, ...c };
      if (batched) {
        const r = await s.ledger.execute(
          {
            type: 'EnterScores',
            data: { ...base, entries: s.students.map((student, i) => ({ student, value: String((i % 10) + 0.5) })) },
          },
          T,
        );
        if (r._tag === 'Left') throw new Error(r.left.message);
        events += r.right.events.length;
      } else {
        for (const [i, student] of s.students.entries()) {
          const r = await s.ledger.execute(
            { type: 'EnterScore', data: { ...base, student, value: String((i % 10) + 0.5) } },
            T,
          );
          if (r._tag === 'Left') throw new Error(r.left.message);
          events += 1;
        }
      }
    }
  }
  const ms = performance.now() - t0;
  return { events, ms: Math.round(ms), eventsPerSecond: Math.round((events / ms) * 1000) };
}

const dir = mkdtempSync(join(tmpdir(), 'hoso-columns-'));
try {
  /** @type {Record<string, unknown>} */
  const out = { students };
  /** @type {Array<[string, (k: string) => import('@hoso/store').EventStore]>} */
  const stores = [
    ['memory', () => createMemoryStore()],
    ['sqlite', (k) => openSqliteStore({ path: join(dir, `${k}.db`), ledger: 'thpt-test' })],
  ];
  for (const [name, make] of stores) {
    out[name] = { single: await run(make('single'), false), column: await run(make('column'), true) };
  }
  console.log(JSON.stringify(out, null, 1));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
