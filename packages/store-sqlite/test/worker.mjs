// A writer process for the multi-process and kill -9 tests. Plain ESM on the compiled dist output
// (the tests build it first), because a child process cannot load the TypeScript sources.
//
//   node worker.mjs <db> <ledger> <stream> <count> <maxBatch>
//
// Appends `count` events (0 = until killed) to <stream>, every third batch also one to the stream
// `shared`, in batches of 1..maxBatch, the way a real writer does: read the size and the stream
// heads, sign, append with expected = size, and on a conflict re-read and re-sign. After each
// acknowledged append it prints one line per event: "<position> <leaf hash hex>".
import { leafHash, toHex } from '@hoso/core';
import { openSqliteStore } from '../dist/index.js';
import { makeTestEvents } from '../../store/dist/testing/events.js';

const [path = '', ledger = '', stream = '', countArg, maxBatchArg] = process.argv.slice(2);
const count = Number(countArg);
const maxBatch = Number(maxBatchArg);
const store = openSqliteStore({ path, ledger });

let written = 0;
let conflicts = 0;
let round = 0;
while (count === 0 || written < count) {
  round++;
  const n = Math.min(1 + Math.floor(Math.random() * maxBatch), count === 0 ? maxBatch : count - written);
  const streams = Array.from({ length: n }, () => stream);
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
      streams.map((s) => ({ stream: s, data: { round, by: stream } })),
      { heads },
    );
    const r = await store.append(ledger, batch, { expected });
    if (r._tag === 'Right') {
      let out = '';
      for (const [i, bytes] of batch.entries()) out += `${r.right.from + i} ${toHex(leafHash(bytes))}\n`;
      process.stdout.write(out);
      written += n;
      break;
    }
    if (r.left.code !== 'concurrency-conflict' && r.left.code !== 'stream-conflict') {
      process.stderr.write(`append failed: ${JSON.stringify(r.left)}\n`);
      process.exit(3);
    }
    conflicts++;
  }
}
await store.close();
process.stderr.write(`conflicts ${conflicts}\n`);
