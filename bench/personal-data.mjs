// Personal data (docs/personal-data.md): the cost of commitments on a SQLite ledger — enrolment
// (where the biography is written), marks, folding the records (and opening the values), the
// verifier's replay — with and without the format, and the erasure of one class of 45.
// `node bench/personal-data.mjs [students] [marksPerStudent]` after `npx tsc -b`. Figures inform;
// nothing is asserted. The machine's load is printed with them.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeEnvelope, toHex } from '@hoso/core';
import { evolve, initialState, replayCheck } from '@hoso/ledger';
import { as, buildSchool } from '@hoso/ledger/testing';
import { openSqliteStore, sqlitePersonalData } from '@hoso/store-sqlite';
import { applyToRecords, emptyRecords, resolveRecords } from '@hoso/books';

const students = Number(process.argv[2] ?? 1500);
const marks = Number(process.argv[3] ?? 4);
const LEDGER = 'thpt-bench';
/** @param {number} t */
const ms = (t) => Math.round(t);
/** @param {string} p */
const fileBytes = (p) => statSync(p).size + (existsSync(`${p}-wal`) ? statSync(`${p}-wal`).size : 0);

/** @param {boolean} committed */
async function run(committed) {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-pd-bench-'));
  const path = join(dir, 'ledger.db');
  const pd = sqlitePersonalData();
  const store = openSqliteStore({ path, ledger: LEDGER, extensions: [pd.extension] });
  const s = await buildSchool({ store, ledger: LEDGER, students: 0, personalData: pd, adoptPersonalData: committed });
  const H = [as(s.people.homeroom, 'homeroom')];
  const T = [as(s.people.teacher, 'subject')];
  const ids = Array.from({ length: students }, (_, i) => `hs-${String(i + 1).padStart(5, '0')}`);
  const t0 = performance.now();
  for (const [i, student] of ids.entries()) {
    const bio = {
      name: `Nguyễn Văn Học Sinh ${i + 1}`,
      birthDate: `2009-0${(i % 9) + 1}-1${i % 10}`,
      sex: i % 2 ? 'F' : 'M',
      birthPlace: 'Xã Quảng Khê, huyện Đắk Glong, tỉnh Đắk Nông',
      ethnicity: 'Kinh',
      address: `Thôn ${i % 12}, xã Quảng Khê`,
      guardian: `Nguyễn Văn Phụ Huynh ${i + 1}`,
      phone: `09${String(10000000 + i)}`,
    };
    const r = await s.ledger.execute(
      { type: 'EnrollStudent', data: { year: s.year, class: s.cls, student, date: '2024-09-05', bio } },
      H,
    );
    if (r._tag === 'Left') throw new Error(r.left.message);
  }
  const t1 = performance.now();
  const cols = [1, 2, 3, 4].map((index) => ({ column: 'tx', index }));
  for (const student of ids)
    for (const c of cols.slice(0, marks)) {
      const r = await s.ledger.execute(
        {
          type: 'EnterScore',
          data: { year: s.year, class: s.cls, subject: 'toan', student, term: 'HK1', ...c, value: '8.5' },
        },
        T,
      );
      if (r._tag === 'Left') throw new Error(r.left.message);
    }
  const t2 = performance.now();
  const size = await store.size(LEDGER);

  const t3 = performance.now();
  let records = emptyRecords();
  for await (const e of store.read(LEDGER)) records = applyToRecords(records, e);
  const t4 = performance.now();
  const shown = resolveRecords(records, pd);
  const t5 = performance.now();
  if (committed && shown.students[ids[0] ?? '']?.bio.name !== 'Nguyễn Văn Học Sinh 1') throw new Error('not opened');

  const state = initialState();
  let problems = 0;
  const t6 = performance.now();
  for await (const e of store.read(LEDGER)) {
    const env = decodeEnvelope(e.bytes);
    if (env._tag === 'Left') throw new Error(env.left.message);
    problems += replayCheck(state, env.right).length;
    evolve(state, env.right, toHex(e.leafHash));
  }
  const t7 = performance.now();
  if (problems > 0) throw new Error(`${problems} replay problems`);

  let erasure = null;
  if (committed) {
    await store.flush();
    const before = fileBytes(path);
    const rowsBefore = pd.count();
    const t8 = performance.now();
    const r = await s.ledger.execute(
      { type: 'ErasePersonalData', data: { students: ids.slice(0, 45), basis: 'retention-expired', reason: 'bench' } },
      [as(s.people.principal, 'leader')],
    );
    if (r._tag === 'Left') throw new Error(r.left.message);
    const t9 = performance.now();
    erasure = {
      students: 45,
      rowsErased: rowsBefore - pd.count(),
      ms: ms(t9 - t8),
      wal: pd.lastPurge()?.wal,
      fileBytesBefore: before,
      fileBytesAfter: fileBytes(path),
    };
  }
  const out = {
    mode: committed ? 'commitments (hoso/pd/v1)' : 'clear',
    events: size,
    enrolMs: ms(t1 - t0),
    enrolPerSecond: Math.round((students / (t1 - t0)) * 1000),
    marksMs: ms(t2 - t1),
    foldRecordsMs: ms(t4 - t3),
    openValuesMs: ms(t5 - t4),
    replayMs: ms(t7 - t6),
    fileBytes: fileBytes(path),
    personalRows: pd.count(),
    ...(erasure === null ? {} : { erasure }),
  };
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(' ');
const clear = await run(false);
const committed = await run(true);
/** @param {number} a @param {number} b */
const pct = (a, b) => `${(((b - a) / a) * 100).toFixed(1)} %`;
console.log(
  JSON.stringify(
    {
      students,
      marksPerStudent: marks,
      loadAverageAtStart: load,
      loadAverageAtEnd: loadavg()
        .map((x) => x.toFixed(1))
        .join(' '),
      clear,
      committed,
    },
    null,
    2,
  ),
);
console.log(
  `commitments vs clear: enrolment ${pct(clear.enrolMs, committed.enrolMs)}, marks ${pct(clear.marksMs, committed.marksMs)}, ` +
    `fold ${pct(clear.foldRecordsMs, committed.foldRecordsMs)} (+${committed.openValuesMs} ms to open the values), replay ${pct(clear.replayMs, committed.replayMs)}`,
);
