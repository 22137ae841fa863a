#!/usr/bin/env node
// Peer benchmark: hoso's SQLite store side by side with Emmett's SQLite event store
// (@event-driven-io/emmett-sqlite 0.38.5, unsigned events) and raw better-sqlite3 inserts of the
// same rows (the ceiling), in one run, on the same machine. Figures are medians of several runs,
// each append run on a fresh file, the read runs taken in turns (each contender once per round);
// ratios matter more than absolute numbers.
//
//   node bench/peers.mjs [--quick] [--runs N] [--json out.json] [--ledger-only]
//
// Emmett lives in bench/peers/, a separate npm project (not a workspace): on first use this
// script installs it with `npm install --prefix bench/peers` (the sqlite3 driver compiles, ~1 min).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eventMaker, fmt, median } from './events.mjs';
import { ledgerContenders, ledgerFixture, loadText } from './ledger-paths.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    json: { type: 'string' },
    'ledger-only': { type: 'boolean', default: false },
  },
});
const QUICK = opts.quick;
const RUNS = Number(opts.runs ?? (QUICK ? 3 : 5));
const N_SINGLE = QUICK ? 300 : 1000;
const N_BATCHES = QUICK ? 30 : 100;
const N_READ = QUICK ? 5000 : 50000;

// ---- the peer project ---------------------------------------------------------------------------
const peersDir = fileURLToPath(new URL('./peers/', import.meta.url));
if (!existsSync(join(peersDir, 'node_modules', '@event-driven-io', 'emmett-sqlite'))) {
  console.log(
    'bench/peers: installing Emmett and its sqlite3 driver (npm install --prefix bench/peers; the driver compiles, about a minute)…',
  );
  const r = spawnSync('npm', ['install', '--prefix', peersDir, '--no-audit', '--no-fund'], {
    stdio: 'inherit',
    // Compile the driver from the sources in its package instead of fetching a prebuilt binary.
    env: { ...process.env, npm_config_build_from_source: 'true' },
  });
  if (r.status !== 0) {
    console.error('bench/peers: npm install failed; cannot run the peer benchmark');
    process.exit(1);
  }
}
/**
 * The part of Emmett's SQLite API this benchmark calls (the peer project is not a workspace, so its
 * own declarations are not in this program's view).
 * @typedef {{ type: string, data: unknown }} EmmettEvent
 * @typedef {{ appendToStream(stream: string, events: EmmettEvent[]): Promise<unknown> }} EmmettStore
 * @typedef {{ close(): void }} EmmettConnection
 * @typedef {{ messages: { type: string }[], currentGlobalPosition: bigint, areEventsLeft: boolean }} EmmettBatch
 * @typedef {{
 *   getSQLiteEventStore(o: { fileName: string, schema: { autoMigration: string } }): EmmettStore,
 *   sqliteConnection(o: { fileName: string }): EmmettConnection,
 *   readMessagesBatch(c: EmmettConnection, o: { after: bigint, batchSize: number }): Promise<EmmettBatch>,
 * }} Emmett
 */
/** @type {unknown} */
const emmettModule = await import(
  new URL('./peers/node_modules/@event-driven-io/emmett-sqlite/dist/index.js', import.meta.url).href
);
const emmett = /** @type {Emmett} */ (emmettModule);
const { openSqliteStore } = await import('@hoso/store-sqlite');
const { default: Database } = await import('better-sqlite3');

console.log(
  `hoso peer bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB${QUICK ? ' (quick)' : ''}`,
);
console.log(
  `appends: medians of ${RUNS} runs, each on a fresh file; reads: medians of ${RUNS * 2 + 1} runs taken in turns; Emmett appends the same payloads unsigned\n`,
);

const dir = mkdtempSync(join(tmpdir(), 'hoso-peers-'));
let fileNo = 0;
const freshPath = () => join(dir, `f${fileNo++}.db`);
/** @typedef {{ op: string, hoso: number, emmett: number, raw: number, note: string }} Row */
/** @type {Row[]} */
const results = [];
/** An append or read run: [events, seconds]. @typedef {[number, number]} Timed */
/** @typedef {Awaited<ReturnType<ReturnType<typeof eventMaker>['next']>>} Batch */

/**
 * Median rate (events/s) over RUNS runs of `run`, which returns [events, seconds].
 * @param {string} label
 * @param {() => Promise<Timed>} run
 */
async function rate(label, run, runs = RUNS) {
  const rates = [];
  for (let i = 0; i < runs; i++) {
    const [n, s] = await run();
    rates.push(n / s);
  }
  const r = median(rates);
  process.stdout.write(`  ${label.padEnd(62)} ${fmt(r).padStart(10)} events/s\n`);
  return r;
}
/**
 * Median rates of several contenders measured in turns (round 1: each once, round 2: each once…),
 * after one warm-up run of each, so that a change in the machine's load during the section hits
 * every contender alike. Prints events per wall-clock second and per CPU second of this process
 * (all its threads: the JS thread, SQLite, GC, the sqlite3 driver's pool), the second barely
 * moved by other processes on a shared machine. Returns the wall-clock medians in the order given,
 * and the CPU medians as `cpu`.
 * @param {{ label: string, run: () => Promise<Timed> }[]} contenders
 * @returns {Promise<number[] & { cpu: number[] }>}
 */
async function interleavedRates(contenders, runs = RUNS) {
  const wall = contenders.map(() => /** @type {number[]} */ ([]));
  const cpu = contenders.map(() => /** @type {number[]} */ ([]));
  for (const c of contenders) await c.run();
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of contenders.entries()) {
      const c0 = process.cpuUsage();
      const [n, s] = await c.run();
      const used = process.cpuUsage(c0);
      wall[k]?.push(n / s);
      cpu[k]?.push(n / ((used.user + used.system) / 1e6));
    }
  }
  const out = contenders.map((c, k) => {
    const r = median(wall[k] ?? []);
    process.stdout.write(
      `  ${c.label.padEnd(62)} ${fmt(r).padStart(10)} events/s  ${fmt(median(cpu[k] ?? [])).padStart(10)} per CPU-s\n`,
    );
    return r;
  });
  return Object.assign(out, { cpu: cpu.map((xs) => median(xs)) });
}
/** @type {(fn: () => Promise<number>) => Promise<Timed>} */
const timed = async (fn) => {
  const t0 = process.hrtime.bigint();
  const n = await fn();
  return [n, Number(process.hrtime.bigint() - t0) / 1e9];
};

/**
 * Prepare `batches` batches of `size` signed events for `ledger` (outside any timing).
 * @param {string} ledger
 * @param {number} batches
 * @param {number} size
 * @returns {Promise<Batch[]>}
 */
async function prepared(ledger, batches, size) {
  const maker = eventMaker(ledger);
  const out = [];
  for (let i = 0; i < batches; i++) out.push(await maker.next(size));
  return out;
}

// ---- hoso ---------------------------------------------------------------------------------------
/** @param {number} batches @param {number} size @param {boolean} signInside @returns {Promise<Timed>} */
async function hosoAppend(batches, size, signInside) {
  const ledger = 'bench';
  const pre = signInside ? null : await prepared(ledger, batches, size);
  const maker = eventMaker(ledger);
  const store = openSqliteStore({ path: freshPath(), ledger });
  let expected = 0;
  const r = await timed(async () => {
    for (let i = 0; i < batches; i++) {
      const next = pre === null ? await maker.next(size) : pre[i];
      if (next === undefined) throw new Error(`batch ${i} missing`);
      const batch = next.bytes;
      const res = await store.append(ledger, batch, { expected });
      if (res._tag !== 'Right') throw new Error(JSON.stringify(res.left));
      expected = res.right.size;
    }
    return batches * size;
  });
  await store.close();
  return r;
}

// ---- Emmett -------------------------------------------------------------------------------------
// Emmett 0.38.5 runs `INSERT/UPDATE … RETURNING` through sqlite3's `db.get`, which leaves the
// statement unfinished until the garbage collector finalizes it; a COMMIT that comes first fails
// with "SQLITE_BUSY: cannot commit transaction - SQL statements in progress" (the transaction is
// rolled back and Emmett console.logs the error). The benchmark retries such appends, as an
// application would have to, and reports how often it happened.
let emmettRetries = 0;
/** @param {EmmettStore} es @param {string} stream @param {{ type: string, data: unknown }[]} events */
async function emmettAppendOne(es, stream, events) {
  for (let attempt = 0; ; attempt++) {
    const log = console.log;
    console.log = () => {};
    try {
      return await es.appendToStream(stream, events);
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
      if (code !== 'SQLITE_BUSY' || attempt >= 10) throw e;
      emmettRetries++;
    } finally {
      console.log = log;
    }
  }
}
/** @param {number} batches @param {number} size @returns {Promise<Timed>} */
async function emmettAppend(batches, size) {
  const pre = await prepared('bench', batches, size);
  const es = emmett.getSQLiteEventStore({ fileName: freshPath(), schema: { autoMigration: 'CreateOrUpdate' } });
  // Create the schema outside the timing (Emmett migrates on first use).
  await emmettAppendOne(es, 'warm-up', [{ type: 'WarmUp', data: {} }]);
  return timed(async () => {
    for (const b of pre) {
      await emmettAppendOne(
        es,
        b.data[0]?.stream ?? 'bench',
        b.data.map((d) => ({ type: 'ScoreEntered', data: d.data })),
      );
    }
    return batches * size;
  });
}

// ---- raw better-sqlite3 (the ceiling) -----------------------------------------------------------
/** @param {string} path */
function rawDb(path) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
    rev INTEGER NOT NULL, type TEXT NOT NULL, bytes BLOB NOT NULL, UNIQUE (stream, rev))`);
  return db;
}
/** @param {number} batches @param {number} size @returns {Promise<Timed>} */
async function rawAppend(batches, size) {
  const pre = await prepared('bench', batches, size);
  const db = rawDb(freshPath());
  const insert = db.prepare('INSERT INTO events (position, id, stream, rev, type, bytes) VALUES (?, ?, ?, ?, ?, ?)');
  let position = 0;
  const tx = db.transaction((/** @type {Batch} */ b) => {
    for (let i = 0; i < b.bytes.length; i++) {
      const d = b.data[i];
      if (d === undefined) throw new Error(`row ${i} missing`);
      insert.run(position++, d.id, d.stream, d.rev, 'ScoreEntered', b.bytes[i]);
    }
  });
  const r = await timed(async () => {
    for (const b of pre) tx(b);
    return batches * size;
  });
  db.close();
  return r;
}

// ---- reads --------------------------------------------------------------------------------------
async function readSetup() {
  const pre = await prepared('bench', Math.ceil(N_READ / 45), 45);
  const hosoPath = freshPath();
  const store = openSqliteStore({ path: hosoPath, ledger: 'bench' });
  let expected = 0;
  for (const b of pre) {
    const res = await store.append('bench', b.bytes, { expected });
    if (res._tag !== 'Right') throw new Error(JSON.stringify(res.left));
    expected = res.right.size;
  }
  await store.close();
  const emmettPath = freshPath();
  const es = emmett.getSQLiteEventStore({ fileName: emmettPath, schema: { autoMigration: 'CreateOrUpdate' } });
  for (const b of pre)
    await emmettAppendOne(
      es,
      b.data[0]?.stream ?? 'bench',
      b.data.map((d) => ({ type: 'ScoreEntered', data: d.data })),
    );
  const rawPath = freshPath();
  const db = rawDb(rawPath);
  const insert = db.prepare('INSERT INTO events (position, id, stream, rev, type, bytes) VALUES (?, ?, ?, ?, ?, ?)');
  let position = 0;
  db.transaction(() => {
    for (const b of pre)
      b.bytes.forEach((bytes, i) => {
        const d = b.data[i];
        if (d === undefined) throw new Error(`row ${i} missing`);
        insert.run(position++, d.id, d.stream, d.rev, 'ScoreEntered', bytes);
      });
  })();
  db.close();
  return { hosoPath, emmettPath, rawPath, n: expected };
}

/** @param {string} path @param {number} n @param {boolean} parse @returns {Promise<Timed>} */
async function hosoRead(path, n, parse) {
  const store = openSqliteStore({ path, ledger: 'bench', readonly: true });
  const decoder = new TextDecoder();
  const r = await timed(async () => {
    let count = 0;
    for await (const e of store.read('bench')) {
      if (parse) JSON.parse(decoder.decode(e.bytes));
      count++;
    }
    if (count !== n) throw new Error(`hoso read ${count} of ${n}`);
    return count;
  });
  await store.close();
  return r;
}
/**
 * The lean read (`readBytes`: positions and bytes, in batches), optionally with JSON.parse of each event.
 * @param {string} path @param {number} n @param {boolean} parse @returns {Promise<Timed>}
 */
async function hosoReadBytes(path, n, parse) {
  const store = openSqliteStore({ path, ledger: 'bench', readonly: true });
  const decoder = new TextDecoder();
  const r = await timed(async () => {
    let count = 0;
    for await (const batch of store.readBytes('bench')) {
      for (const e of batch) {
        if (parse) JSON.parse(decoder.decode(e.bytes));
        count++;
      }
    }
    if (count !== n) throw new Error(`hoso readBytes ${count} of ${n}`);
    return count;
  });
  await store.close();
  return r;
}
/** @param {string} path @param {number} n @returns {Promise<Timed>} */
async function emmettRead(path, n) {
  const conn = emmett.sqliteConnection({ fileName: path });
  const r = await timed(async () => {
    let count = 0;
    let after = 0n;
    for (;;) {
      const batch = await emmett.readMessagesBatch(conn, { after, batchSize: 1000 });
      for (const m of batch.messages) if (m.type === 'ScoreEntered') count++;
      if (batch.messages.length === 0) break;
      after = batch.currentGlobalPosition;
      if (!batch.areEventsLeft) break;
    }
    if (count !== n) throw new Error(`emmett read ${count} of ${n}`);
    return count;
  });
  conn.close();
  return r;
}
/**
 * Raw reads: the full row as objects (what `read` builds on), or `lean`: position and bytes as arrays
 * (what `readBytes` builds on).
 * @param {string} path @param {number} n @param {boolean} parse @returns {Promise<Timed>}
 */
async function rawRead(path, n, parse, lean = false) {
  const db = new Database(path, { readonly: true });
  const q = lean
    ? db.prepare('SELECT position, bytes FROM events ORDER BY position').raw(true)
    : db.prepare('SELECT position, id, stream, rev, type, bytes FROM events ORDER BY position');
  const decoder = new TextDecoder();
  const r = await timed(async () => {
    let count = 0;
    for (const row of q.iterate()) {
      const bytes = lean
        ? /** @type {[number, Uint8Array]} */ (row)[1]
        : /** @type {{ bytes: Uint8Array }} */ (row).bytes;
      if (parse) JSON.parse(decoder.decode(bytes));
      count++;
    }
    if (count !== n) throw new Error(`raw read ${count} of ${n}`);
    return count;
  });
  db.close();
  return r;
}

// ---- the ledger's own paths ---------------------------------------------------------------------
/**
 * `execute`, `submit` and `store.append` of the same marks, beside Emmett appending the same
 * payloads unsigned and raw better-sqlite3 inserting the same rows, one command per transaction
 * and a teacher's column of 45, all in turns (each contender once per round, after a warm-up).
 * Ratios are paired: hoso ÷ raw and hoso ÷ Emmett within each round, then the median.
 * @param {number} n1 @param {number} n45 @param {number} runs
 */
async function ledgerPaths(n1, n45, runs) {
  const fx = await ledgerFixture({ students: Math.max(45 * Math.ceil(n45 / 12), Math.ceil(n1 / 12)) });
  const c = await ledgerContenders(fx, freshPath, n1, n45);
  /** @typedef {{ id: string, stream: string, rev: number, type: string, data: unknown }} Header */
  /** @typedef {Header & { bytes: Uint8Array }} Row */
  /** @type {(pre: Uint8Array[][]) => Row[][]} */
  const rows = (pre) =>
    pre.map((b) =>
      b.map((bytes) => {
        /** @type {unknown} */
        const parsed = JSON.parse(new TextDecoder().decode(bytes));
        const e = /** @type {Header} */ (parsed);
        return { id: e.id, stream: e.stream, rev: e.rev, type: e.type, data: e.data, bytes };
      }),
    );
  /** @param {ReturnType<typeof rows>} batches @returns {() => Promise<[number, number, number]>} */
  const emmettRun = (batches) => async () => {
    const es = emmett.getSQLiteEventStore({ fileName: freshPath(), schema: { autoMigration: 'CreateOrUpdate' } });
    await emmettAppendOne(es, 'warm-up', [{ type: 'WarmUp', data: {} }]);
    return timedCpu(async () => {
      let n = 0;
      for (const b of batches) {
        await emmettAppendOne(
          es,
          b[0]?.stream ?? 'bench',
          b.map((r) => ({ type: r.type, data: r.data })),
        );
        n += b.length;
      }
      return n;
    });
  };
  /** @param {ReturnType<typeof rows>} batches @returns {() => Promise<[number, number, number]>} */
  const rawRun = (batches) => async () => {
    const db = rawDb(freshPath());
    const insert = db.prepare('INSERT INTO events (position, id, stream, rev, type, bytes) VALUES (?, ?, ?, ?, ?, ?)');
    let position = 0;
    const tx = db.transaction((/** @type {ReturnType<typeof rows>[number]} */ b) => {
      for (const r of b) insert.run(position++, r.id, r.stream, r.rev, r.type, r.bytes);
    });
    const r = await timedCpu(async () => {
      for (const b of batches) tx(b);
      return position;
    });
    db.close();
    return r;
  };
  const r1 = rows(c.pre1);
  const r45 = rows(c.pre45);
  /** @typedef {() => Promise<[number, number, number]>} Run */
  /** @type {{ title: string, hoso: typeof c.single, emmett: Run, raw: Run }[]} */
  const groups = [
    { title: `one command per transaction (${n1} marks)`, hoso: c.single, emmett: emmettRun(r1), raw: rawRun(r1) },
    {
      title: `a teacher's column of 45 per transaction (${n45} × 45 marks)`,
      hoso: c.column,
      emmett: emmettRun(r45),
      raw: rawRun(r45),
    },
  ];
  /** @type {{ path: string, rate: number, cpu: number, perRaw: number, perEmmett: number }[]} */
  const table = [];
  for (const g of groups) {
    console.log(`  ${g.title} — ${loadText()}`);
    const all = [...g.hoso.map((x) => x.run), g.emmett, g.raw];
    for (const run of all) await run();
    /** @type {[number, number, number][][]} */
    const rounds = [];
    for (let i = 0; i < runs; i++) {
      /** @type {[number, number, number][]} */
      const round = [];
      for (const run of all) round.push(await run());
      rounds.push(round);
    }
    const rate = (/** @type {[number, number, number]} */ x) => x[0] / x[1];
    const k = g.hoso.length;
    for (const [j, x] of g.hoso.entries()) {
      const row = {
        path: x.label,
        rate: median(rounds.map((r) => rate(r[j] ?? [0, 1, 1]))),
        cpu: median(rounds.map((r) => (r[j]?.[0] ?? 0) / (r[j]?.[2] ?? 1))),
        perRaw: median(rounds.map((r) => rate(r[j] ?? [0, 1, 1]) / rate(r[k + 1] ?? [0, 1, 1]))),
        perEmmett: median(rounds.map((r) => rate(r[j] ?? [0, 1, 1]) / rate(r[k] ?? [0, 1, 1]))),
      };
      table.push(row);
      console.log(
        `    ${x.label.padEnd(56)} ${fmt(row.rate).padStart(9)} events/s ${fmt(row.cpu).padStart(9)} per CPU-s  ÷ raw ${row.perRaw.toFixed(2)}×  ÷ Emmett ${row.perEmmett.toFixed(2)}×`,
      );
    }
    console.log(
      `    ${'Emmett SQLite, same payloads unsigned'.padEnd(56)} ${fmt(median(rounds.map((r) => rate(r[k] ?? [0, 1, 1])))).padStart(9)} events/s`,
    );
    console.log(
      `    ${'raw better-sqlite3 insert, same rows'.padEnd(56)} ${fmt(median(rounds.map((r) => rate(r[k + 1] ?? [0, 1, 1])))).padStart(9)} events/s`,
    );
  }
  console.log(`  (${loadText()})`);
  return table;
}
/** @type {(fn: () => Promise<number>) => Promise<[number, number, number]>} */
const timedCpu = async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const n = await fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return [n, wall, (c.user + c.system) / 1e6];
};

// ---- run ----------------------------------------------------------------------------------------
try {
  /** @type {(op: string, hoso: number, peer: number, raw: number, note?: string) => void} */
  const row = (op, hoso, peer, raw, note = '') => {
    results.push({ op, hoso, emmett: peer, raw, note });
  };

  console.log(`the ledger's own write paths, SQLite (medians of ${RUNS} interleaved rounds, ratios paired per round):`);
  const paths = await ledgerPaths(N_SINGLE, QUICK ? 8 : 24, RUNS);
  if (opts['ledger-only']) {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  console.log(`append, one event per commit (${N_SINGLE} events):`);
  const h1 = await rate('hoso SQLite store, signed in advance', () => hosoAppend(N_SINGLE, 1, false));
  const h1s = await rate('hoso SQLite store, signing included', () => hosoAppend(N_SINGLE, 1, true));
  const e1 = await rate('Emmett SQLite (unsigned)', () => emmettAppend(N_SINGLE, 1), Math.min(RUNS, 3));
  const r1 = await rate('raw better-sqlite3 insert (same rows)', () => rawAppend(N_SINGLE, 1));
  row('append 1 per commit, pre-signed', h1, e1, r1);
  row('append 1 per commit, signing included', h1s, e1, r1);

  console.log(`append, a teacher's batch of 45 marks per commit (${N_BATCHES} × 45 events):`);
  const h45 = await rate('hoso SQLite store, signed in advance', () => hosoAppend(N_BATCHES, 45, false));
  const h45s = await rate('hoso SQLite store, signing included', () => hosoAppend(N_BATCHES, 45, true));
  const e45 = await rate('Emmett SQLite (unsigned)', () => emmettAppend(N_BATCHES, 45));
  const r45 = await rate('raw better-sqlite3 insert (same rows)', () => rawAppend(N_BATCHES, 45));
  row('append 45 per commit, pre-signed', h45, e45, r45);
  row('append 45 per commit, signing included', h45s, e45, r45);

  const rs = await readSetup();
  console.log(`read / replay, full read of ${rs.n} events in position order:`);
  // Reads are short (tenths of a second each): measured in turns, with more runs, so that the
  // contenders see the same machine.
  const reads = await interleavedRates(
    [
      { label: 'hoso SQLite store read (bytes)', run: () => hosoRead(rs.hosoPath, rs.n, false) },
      { label: 'hoso SQLite store read + JSON.parse', run: () => hosoRead(rs.hosoPath, rs.n, true) },
      {
        label: 'hoso SQLite store readBytes (lean read: position + bytes)',
        run: () => hosoReadBytes(rs.hosoPath, rs.n, false),
      },
      { label: 'hoso SQLite store readBytes + JSON.parse', run: () => hosoReadBytes(rs.hosoPath, rs.n, true) },
      { label: 'Emmett readMessagesBatch (1,000 per batch, parsed)', run: () => emmettRead(rs.emmettPath, rs.n) },
      { label: 'raw better-sqlite3 SELECT (bytes)', run: () => rawRead(rs.rawPath, rs.n, false) },
      { label: 'raw better-sqlite3 SELECT + JSON.parse', run: () => rawRead(rs.rawPath, rs.n, true) },
      {
        label: 'raw better-sqlite3 SELECT position, bytes (arrays)',
        run: () => rawRead(rs.rawPath, rs.n, false, true),
      },
      {
        label: 'raw better-sqlite3 SELECT position, bytes + JSON.parse',
        run: () => rawRead(rs.rawPath, rs.n, true, true),
      },
    ],
    RUNS * 2 + 1,
  );
  const [hr = 0, hrp = 0, hb = 0, hbp = 0, er = 0, rr = 0, rrp = 0, rl = 0, rlp = 0] = reads;
  row(`read ${rs.n} events (bytes)`, hr, er, rr, 'Emmett always parses');
  row(`read ${rs.n} events + JSON.parse`, hrp, er, rrp);
  row(`readBytes ${rs.n} events (bytes)`, hb, er, rl, 'Emmett always parses; raw = position and bytes only');
  row(`readBytes ${rs.n} events + JSON.parse`, hbp, er, rlp, 'raw = position and bytes only');

  /** @type {(a: number, b: number) => string} */
  const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : '-');
  console.log('\nsummary (events/s; ratios are hoso ÷ peer, > 1 means hoso is faster)');
  const head = ['operation', 'hoso', 'Emmett', 'raw', 'hoso/Emmett', 'hoso/raw'];
  const widths = [42, 10, 10, 10, 12, 9];
  /** @type {(cells: string[]) => string} */
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  for (const r of results)
    console.log(
      line([r.op, fmt(r.hoso), fmt(r.emmett), fmt(r.raw), ratio(r.hoso, r.emmett), ratio(r.hoso, r.raw)]) +
        (r.note ? `  (${r.note})` : ''),
    );
  const [chr = 0, chrp = 0, chb = 0, chbp = 0, cer = 0] = reads.cpu;
  console.log('\nreads per CPU second of this process (robust to other load on the machine):');
  console.log(line(['operation', 'hoso', 'Emmett', '', 'hoso/Emmett', '']));
  for (const [op, h] of /** @type {[string, number][]} */ ([
    ['read (bytes)', chr],
    ['read + JSON.parse', chrp],
    ['readBytes (bytes)', chb],
    ['readBytes + JSON.parse', chbp],
  ])) {
    console.log(line([op, fmt(h), fmt(cer), '', ratio(h, cer), '']));
  }
  if (emmettRetries > 0)
    console.log(
      `\nEmmett: ${emmettRetries} appends failed with SQLITE_BUSY ("SQL statements in progress", an unfinished RETURNING statement) and were retried`,
    );
  if (opts.json)
    writeFileSync(
      opts.json,
      JSON.stringify(
        {
          node: process.version,
          cpus: cpus().length,
          runs: RUNS,
          emmettRetries,
          ledgerPaths: paths,
          results,
          readsPerCpuSecond: reads.cpu,
        },
        null,
        2,
      ),
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
