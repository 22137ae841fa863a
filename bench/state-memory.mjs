#!/usr/bin/env node
// Ledger state memory: the live heap the policy state (`LedgerState`, folded by `evolve`) keeps per
// mark event, and which of its parts keeps it. Each size runs in its own child process with
// `--expose-gc`: the child folds N `ScoreEntered` envelopes (parsed from JSON text one by one, as
// a store hands them over, so no string is shared that a real ledger would not share), collects
// garbage, and reads `heapUsed` + `arrayBuffers` (typed arrays live outside the heap) before and
// after; then it drops one part of the state at a time (the cells, the id index) and reads again,
// so each part's bytes are measured, not guessed.
//
//   node bench/state-memory.mjs [--sizes 10000,100000] [--json out.json]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * @param {string} text
 * @returns {unknown}
 */
const parseJson = (text) => JSON.parse(text);
const { values: opts } = parseArgs({
  options: { sizes: { type: 'string' }, json: { type: 'string' }, child: { type: 'string' } },
});

const SUBJECTS = ['toan', 'van', 'anh', 'ly', 'hoa', 'sinh', 'su', 'dia', 'gdcd', 'tin'];
const CELLS = [
  ['tx', 1],
  ['tx', 2],
  ['tx', 3],
  ['tx', 4],
  ['gk', undefined],
  ['ck', undefined],
];
const CLASS_SIZE = 45;

/** A random lowercase UUID v7-shaped id (the state keys ids by their 128 bits). */
function uuid() {
  const h = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The i-th mark of a school: students in classes of 45, every subject's six cells in each term.
 * @param {number} i
 */
function markJson(i) {
  const perStudent = SUBJECTS.length * 2 * CELLS.length;
  const student = Math.floor(i / perStudent);
  const r = i % perStudent;
  const subject = SUBJECTS[Math.floor(r / (2 * CELLS.length))];
  const term = Math.floor(r / CELLS.length) % 2 === 0 ? 'HK1' : 'HK2';
  const [column, index] = CELLS[r % CELLS.length] ?? ['tx', 1];
  const cls = `10A${1 + Math.floor(student / CLASS_SIZE)}`;
  const data = {
    year: '2024-2025',
    class: cls,
    subject,
    student: `hs-${String(student).padStart(6, '0')}`,
    term,
    column,
    ...(index === undefined ? {} : { index }),
    value: String(5 + (i % 5)),
  };
  const env = {
    id: uuid(),
    ledger: 'bench-state',
    stream: `markbook/2024-2025/${cls}/${subject}`,
    rev: i,
    prev: null,
    type: 'ScoreEntered',
    at: '2024-10-01T08:00:00.000+07:00',
    by: { key: 'k'.repeat(43), role: 'subject' },
    data,
    sigs: [],
  };
  return JSON.stringify(env);
}

/** Live memory: the JS heap and the typed arrays' backing stores (kept outside the heap). */
const heap = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function child(/** @type {number} */ n) {
  const { evolve, initialState } = await import('@hoso/ledger');
  const leaf = 'ab'.repeat(32);
  const before = heap();
  let s = initialState();
  for (let i = 0; i < n; i++)
    s = evolve(s, /** @type {import('@hoso/core').Envelope} */ (parseJson(markJson(i))), leaf);
  const full = heap();
  // Drop one part at a time; what the heap loses is what the part held.
  const parts = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (s));
  let cells = 0;
  for (const _ of s.cells.entries()) cells++;
  const out = { events: n, cells, total: full - before, parts: /** @type {Record<string, number>} */ ({}) };
  let last = full;
  for (const name of ['cells', 'ids', 'heads']) {
    parts[name] = null;
    const now = heap();
    out.parts[name] = last - now;
    last = now;
  }
  out.parts['rest'] = last - before;
  console.log(JSON.stringify(out));
}

if (opts.child !== undefined) await child(Number(opts.child));
else {
  const sizes = (opts.sizes ?? '10000,100000').split(',').map(Number);
  console.log(
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('events  | cells   | B/event total | cells | ids (event index) | heads | rest');
  /** @type {unknown[]} */
  const results = [];
  for (const n of sizes) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', String(n)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const res = /** @type {{events: number, cells: number, total: number, parts: Record<string, number>}} */ (
      parseJson(r.stdout.trim().split('\n').pop() ?? '{}')
    );
    results.push(res);
    const per = (/** @type {number} */ b) => (b / n).toFixed(0).padStart(5);
    console.log(
      `${String(n).padEnd(7)} | ${String(res.cells).padEnd(7)} | ${per(res.total).padStart(13)} | ${per(res.parts['cells'] ?? 0)} | ${per(res.parts['ids'] ?? 0).padStart(17)} | ${per(res.parts['heads'] ?? 0)} | ${per(res.parts['rest'] ?? 0)}`,
    );
  }
  console.log(
    `load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify(results, null, 2));
}
