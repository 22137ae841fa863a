// The ledger's own write paths on the SQLite store: `execute` and `submit`, one command
// per transaction and a teacher's column of 45, beside `store.append` of the same pre-signed
// events. Used by bench/peers.mjs (interleaved with Emmett and raw inserts); runnable alone:
//
//   node bench/ledger-paths.mjs [--quick] [--runs N]        (after `npx tsc -b`)
//
// Every run starts from a fresh file holding the same school set-up (copied bytes, one append),
// then writes N marks. The pre-signed events given to `submit` and `store.append` are the bytes an
// earlier `execute` run on the same set-up wrote, so the three paths append the very same events.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { openSqliteStore } from '@hoso/store-sqlite';
import { createMemoryStore } from '@hoso/store';
import { openLedger } from '@hoso/ledger';
import { buildSchool, as } from '@hoso/ledger/testing';
import { fmt, median } from './events.mjs';

const LEDGER = 'thpt-test';
const COLUMNS = [...[1, 2, 3, 4].map((index) => ({ column: 'tx', index })), { column: 'gk' }, { column: 'ck' }];

/**
 * The school set-up (as bytes) and the marks to write: `singles` cells for one-per-transaction runs,
 * `columns` groups of 45 for the batched runs.
 * @param {{ students: number }} o
 */
export async function ledgerFixture(o) {
  const s = await buildSchool({ students: o.students, store: createMemoryStore(), ledger: LEDGER });
  /** @type {Uint8Array[]} */
  const setup = [];
  for await (const batch of s.store.readBytes(LEDGER)) for (const e of batch) setup.push(e.bytes);
  /** @type {Record<string, unknown>[]} */
  const cells = [];
  for (const term of ['HK1', 'HK2'])
    for (const c of COLUMNS)
      for (const [i, student] of s.students.entries())
        cells.push({ year: s.year, class: s.cls, subject: 'toan', term, ...c, student, value: `${i % 10}.5` });
  /** @type {Record<string, unknown>[]} */
  const columns = [];
  for (const term of ['HK1', 'HK2'])
    for (const c of COLUMNS)
      for (let g = 0; g + 45 <= s.students.length; g += 45)
        columns.push({
          year: s.year,
          class: s.cls,
          subject: 'toan',
          term,
          ...c,
          entries: s.students.slice(g, g + 45).map((student, i) => ({ student, value: `${i % 10}.5` })),
        });
  return { setup, cells, columns, now: s.clock.now, teacher: [as(s.people.teacher, 'subject')] };
}

/** @typedef {Awaited<ReturnType<typeof ledgerFixture>>} Fixture */

/**
 * A fresh SQLite file holding the set-up, and a ledger on it.
 * @param {Fixture} fx @param {string} path
 */
async function freshLedger(fx, path) {
  const store = openSqliteStore({ path, ledger: LEDGER });
  const r = await store.append(LEDGER, fx.setup, { expected: 0 });
  if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
  const ledger = await openLedger({ store, ledger: LEDGER, clock: () => fx.now });
  return { store, ledger };
}

/**
 * [events, wall seconds, CPU seconds of this process (all threads)]: on a shared machine the CPU
 * figure barely moves with other load, the wall-clock one does.
 * @type {(fn: () => Promise<number>) => Promise<[number, number, number]>}
 */
const timed = async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const n = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return [n, wall, (c.user + c.system) / 1e6];
};

/**
 * The contenders, each `run()` → [events, wall seconds, CPU seconds] on a fresh file from
 * `freshPath()`; `pre1`/`pre45` are the pre-signed events (bytes, per command) they append.
 * `n1` single commands, `n45` columns of 45.
 * @param {Fixture} fx @param {() => string} freshPath @param {number} n1 @param {number} n45
 */
export async function ledgerContenders(fx, freshPath, n1, n45) {
  if (fx.cells.length < n1) throw new Error(`the fixture has ${fx.cells.length} cells, not ${n1}`);
  if (fx.columns.length < n45) throw new Error(`the fixture has ${fx.columns.length} columns, not ${n45}`);
  const singles = fx.cells.slice(0, n1);
  const columns = fx.columns.slice(0, n45);
  /** The events (bytes, per command) that executing `commands` wrote on a fresh set-up. */
  const written = async (/** @type {{ type: string, data: unknown }[]} */ commands) => {
    const { store, ledger } = await freshLedger(fx, freshPath());
    const from = await store.size(LEDGER);
    /** @type {number[]} */
    const counts = [];
    for (const c of commands) {
      const r = await ledger.execute(c, fx.teacher);
      if (r._tag !== 'Right') throw new Error(r.left.message);
      counts.push(r.right.events.length);
    }
    /** @type {Uint8Array[]} */
    const all = [];
    for await (const batch of store.readBytes(LEDGER, { from })) for (const e of batch) all.push(e.bytes);
    await store.close();
    /** @type {Uint8Array[][]} */
    const out = [];
    let at = 0;
    for (const k of counts) {
      out.push(all.slice(at, at + k));
      at += k;
    }
    return out;
  };
  const single = singles.map((data) => ({ type: 'EnterScore', data }));
  const column = columns.map((data) => ({ type: 'EnterScores', data }));
  const pre1 = await written(single);
  const pre45 = await written(column);
  const events45 = n45 * 45;

  /** @param {{ type: string, data: unknown }[]} commands @param {number} events */
  const execute = (commands, events) => async () => {
    const { store, ledger } = await freshLedger(fx, freshPath());
    const r = await timed(async () => {
      for (const c of commands) {
        const x = await ledger.execute(c, fx.teacher);
        if (x._tag !== 'Right') throw new Error(x.left.message);
      }
      return events;
    });
    await store.close();
    return r;
  };
  /** @param {Uint8Array[][]} pre @param {number} events */
  const submit = (pre, events) => async () => {
    const { store, ledger } = await freshLedger(fx, freshPath());
    const r = await timed(async () => {
      for (const b of pre) {
        const x = await ledger.submit(b);
        if (x._tag !== 'Right') throw new Error(x.left.message);
      }
      return events;
    });
    await store.close();
    return r;
  };
  /** @param {Uint8Array[][]} pre @param {number} events */
  const append = (pre, events) => async () => {
    const { store } = await freshLedger(fx, freshPath());
    let expected = await store.size(LEDGER);
    const r = await timed(async () => {
      for (const b of pre) {
        const x = await store.append(LEDGER, b, { expected });
        if (x._tag !== 'Right') throw new Error(x.left.message);
        expected = x.right.size;
      }
      return events;
    });
    await store.close();
    return r;
  };
  return {
    pre1,
    pre45,
    single: [
      { label: '`execute(EnterScore)`, 1 per transaction, server signs', run: execute(single, n1) },
      { label: '`submit` of 1 pre-signed event', run: submit(pre1, n1) },
      { label: '`store.append` of 1 pre-signed event (no policy)', run: append(pre1, n1) },
    ],
    column: [
      { label: '`execute(EnterScores × 45)` (a teacher’s column)', run: execute(column, events45) },
      { label: '`submit` of 45 pre-signed events', run: submit(pre45, events45) },
      { label: '`store.append` of 45 pre-signed events (no policy)', run: append(pre45, events45) },
    ],
  };
}

/** `loadavg()` as printed beside every figure. */
export const loadText = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: opts } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' } },
  });
  const runs = Number(opts.runs ?? (opts.quick ? 3 : 5));
  const n1 = opts.quick ? 200 : 1000;
  const n45 = opts.quick ? 8 : 24;
  const dir = mkdtempSync(join(tmpdir(), 'hoso-ledger-paths-'));
  let k = 0;
  try {
    const fx = await ledgerFixture({ students: Math.max(45 * Math.ceil(n45 / 12), Math.ceil(n1 / 12)) });
    const c = await ledgerContenders(fx, () => join(dir, `f${k++}.db`), n1, n45);
    console.log(`ledger write paths, SQLite, medians of ${runs} interleaved rounds (${loadText()})`);
    for (const group of [c.single, c.column]) {
      /** @type {number[][]} */
      const wall = group.map(() => []);
      /** @type {number[][]} */
      const cpu = group.map(() => []);
      for (const x of group) await x.run();
      for (let i = 0; i < runs; i++)
        for (const [j, x] of group.entries()) {
          const [n, s, c] = await x.run();
          wall[j]?.push(n / s);
          cpu[j]?.push(n / c);
        }
      for (const [j, x] of group.entries())
        console.log(
          `  ${x.label.padEnd(58)} ${fmt(median(wall[j] ?? [])).padStart(10)} events/s ${fmt(median(cpu[j] ?? [])).padStart(10)} per CPU-s`,
        );
    }
    console.log(`(${loadText()})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
