// A writer process for the reliability tests (crash and concurrency). Plain ESM on the compiled
// `packages/*/dist` (a child process cannot load the TypeScript sources; the test command runs
// `tsc -b` first).
//
//   node writer.mjs store  <db> <ledger> <tag> <count> <maxBatch>
//   node writer.mjs ledger <db> <ledger> <tag> <count> <firstStudent> <lastStudent>
//
// `store`: appends signed test events through the SQLite store, in batches of 1..maxBatch to the
// stream `w/<tag>`, every third batch also one event to the stream `shared` (so writers collide
// on a stream as well as on the ledger size). It decides the way a real writer does: read the
// size and stream heads, sign, append with expected = size; on `concurrency-conflict` or
// `stream-conflict` it re-reads and re-signs.
//
// `ledger`: opens the ledger (`openLedger`) on the file and enters scores through `execute` for
// students hs-<first>..hs-<last> of the school built by `buildSchool` (10A1, 2024-2025); a cell
// already entered (by an earlier, killed run) is skipped. Conflicts are retried inside `execute`.
//
// `count`: how many events of its own stream (`store`) or events written (`ledger`) before it
// stops; 0 = until killed. After each acknowledged append it prints one line per event,
// "ack <position> <leaf hash hex>", and only then decides the next one, so every printed line is
// an acknowledged event. At the end: "done <conflicts>". Any other refusal prints
// "fail <json>" on stderr and exits 3.
import { leafHash, toHex } from '@hoso/core';
import { openSqliteStore } from '@hoso/store-sqlite';
import { makeTestEvents } from '../../packages/store/dist/testing/events.js';

const [mode = '', path = '', ledger = '', tag = '', countArg, ...rest] = process.argv.slice(2);
const count = Number(countArg);

/**
 * @param {unknown} what
 * @returns {never}
 */
function fail(what) {
  process.stderr.write(`fail ${JSON.stringify(what)}\n`);
  process.exit(3);
}

const store = openSqliteStore({ path, ledger });
let conflicts = 0;

if (mode === 'store') {
  const maxBatch = Number(rest[0] ?? 3);
  // Seeded per writer so each run's batch sizes are reproducible from its tag.
  let seed = [...tag].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let written = 0;
  let round = 0;
  while (count === 0 || written < count) {
    round++;
    const n = Math.min(1 + Math.floor(rand() * maxBatch), count === 0 ? maxBatch : count - written);
    const streams = Array.from({ length: n }, () => `w/${tag}`);
    if (round % 3 === 0) streams.push('shared');
    for (;;) {
      const expected = await store.size(ledger);
      /** @type {Map<string, { rev: number, leafHash: Uint8Array }>} */
      const heads = new Map();
      for (const s of new Set(streams)) {
        const h = await store.streamHead(ledger, s);
        if (h !== null) heads.set(s, { rev: h.rev, leafHash: h.leafHash });
      }
      const batch = await makeTestEvents(
        ledger,
        streams.map((s) => ({ stream: s, data: { round, by: tag } })),
        { heads },
      );
      const r = await store.append(ledger, batch, { expected });
      if (r._tag === 'Right') {
        if (r.right.written !== batch.length) fail({ unexpected: 'partial write', result: r.right });
        let out = '';
        for (const [i, bytes] of batch.entries()) out += `ack ${r.right.from + i} ${toHex(leafHash(bytes))}\n`;
        process.stdout.write(out);
        written += n;
        break;
      }
      if (r.left.code !== 'concurrency-conflict' && r.left.code !== 'stream-conflict') fail(r.left);
      conflicts++;
    }
  }
} else if (mode === 'ledger') {
  const { openLedger } = await import('@hoso/ledger');
  const { person, as } = await import('@hoso/ledger/testing');
  const first = Number(rest[0]);
  const last = Number(rest[1]);
  const teacher = person('gv-toan');
  const homeroom = person('gvcn-10a1');
  const clock = () => new Date('2024-10-01T08:00:00+07:00');
  const lg = await openLedger({ store, ledger, clock });
  /** Every score cell of a student: toan (4 regular, mid, final) and van (2 regular, mid, final) per term. */
  function* cells() {
    for (let s = first; s <= last; s++) {
      const student = `hs-${String(s).padStart(3, '0')}`;
      for (const term of ['HK1', 'HK2']) {
        /** @type {[string, number, import('@hoso/ledger').ActingSigner][]} */
        const subjects = [
          ['toan', 4, as(teacher, 'subject')],
          ['van', 2, as(homeroom, 'subject')],
        ];
        for (const [subject, regular, signer] of subjects) {
          for (let index = 1; index <= regular; index++) yield { subject, student, term, column: 'tx', index, signer };
          yield { subject, student, term, column: 'gk', index: undefined, signer };
          yield { subject, student, term, column: 'ck', index: undefined, signer };
        }
      }
    }
  }
  let written = 0;
  let k = 0;
  for (const c of cells()) {
    if (count !== 0 && written >= count) break;
    k++;
    /** @type {Record<string, string | number>} */
    const data = {
      year: '2024-2025',
      class: '10A1',
      subject: c.subject,
      student: c.student,
      term: c.term,
      column: c.column,
      value: String(k % 11),
    };
    if (c.index !== undefined) data.index = c.index;
    const r = await lg.execute({ type: 'EnterScore', data }, [c.signer]);
    if (r._tag === 'Left') {
      if (r.left.code === 'cell-already-entered') continue;
      fail(r.left);
    }
    conflicts += r.right.retries;
    let out = '';
    for (const e of r.right.events) {
      /** @type {Uint8Array | null} */
      let leaf = null;
      for await (const s of store.read(ledger, { from: e.position, to: e.position + 1 })) leaf = s.leafHash;
      if (leaf === null) fail({ unexpected: 'acknowledged event not readable', position: e.position });
      out += `ack ${e.position} ${toHex(leaf)}\n`;
    }
    process.stdout.write(out);
    written += r.right.events.length;
  }
} else {
  fail({ unexpected: `unknown mode ${mode}` });
}
await store.close();
process.stdout.write(`done ${conflicts}\n`);
