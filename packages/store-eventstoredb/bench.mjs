// Throughput of @hoso/store-eventstoredb through the real @eventstore/db-client against the
// protocol stand-in on 127.0.0.1: client + gRPC + adapter overhead, NOT a server's speed.
// Build first: `npx tsc -b packages/store-eventstoredb`, then `node packages/store-eventstoredb/bench.mjs`.
// Prints one JSON object (figures in events/s or ms) after a human-readable table.
// The stand-in runs in a worker thread, so the figures are the client side's (as with a remote server).
// With HOSO_ESDB_URL set, the same measurements run against that real server instead (on a fresh
// ledger id; call and event counts are then not available).
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { encodeEnvelope, leafHash, localSigner, newEventId, signEnvelope, toBase64Url, toHex } from '@hoso/core';
import { openEventStoreDbStore } from './dist/index.js';
import { EventStoreDbStandIn } from './dist/testing/index.js';

const LEDGER = process.env.HOSO_ESDB_URL ? `bench-school-${Date.now()}` : 'bench-school';
const seed = new Uint8Array(32).map((_, i) => (i * 13 + 5) & 0xff);
const signer = localSigner(seed);
const key = toBase64Url(signer.publicKey);

/** Signed, chained events for the given stream names (heads carried across calls). */
async function makeEvents(streams, heads) {
  const out = [];
  for (const stream of streams) {
    const h = heads.get(stream);
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger: LEDGER,
        stream,
        rev: h === undefined ? 0 : h.rev + 1,
        prev: h === undefined ? null : toHex(h.leaf),
        type: 'ScoreEntered',
        data: { student: `hs-${out.length % 45}`, score: '8.5', note: 'kiểm tra 15 phút' },
        at: '2024-10-01T08:00:00+07:00',
        by: { key, role: 'subject' },
      },
      [{ signer, role: 'subject' }],
    );
    const bytes = encodeEnvelope(env);
    heads.set(stream, { rev: h === undefined ? 0 : h.rev + 1, leaf: leafHash(bytes) });
    out.push(bytes);
  }
  return out;
}

const rate = (n, ms) => Math.round((n * 1000) / ms);

async function drain(iterable) {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

/** The stand-in in this worker thread, driven by messages from the bench. */
async function serveStandIn() {
  const standIn = await EventStoreDbStandIn.start();
  parentPort.on('message', async (m) => {
    if (m === 'resetStats') standIn.resetStats();
    if (m === 'stop') {
      await standIn.stop();
      parentPort.close();
      return;
    }
    parentPort.postMessage({ stats: { ...standIn.stats } });
  });
  parentPort.postMessage({ connectionString: standIn.connectionString });
}

/** Start the stand-in in a worker; a handle with the same shape the bench needs. */
async function startStandInWorker() {
  const worker = new Worker(new URL(import.meta.url));
  const next = () => new Promise((resolve) => worker.once('message', resolve));
  const { connectionString } = await next();
  const handle = {
    connectionString,
    stats: {},
    async resetStats() {
      worker.postMessage('resetStats');
      handle.stats = (await next()).stats;
    },
    async refreshStats() {
      worker.postMessage('stats');
      handle.stats = (await next()).stats;
    },
    async stop() {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
  return handle;
}

/** A real server given by HOSO_ESDB_URL, with the stand-in handle's shape (no counters). */
function realServer(url) {
  const none = { reads: null, eventsSent: null };
  return { connectionString: url, stats: none, async resetStats() {}, async refreshStats() {}, async stop() {} };
}

async function main() {
  const results = { server: process.env.HOSO_ESDB_URL ? 'HOSO_ESDB_URL' : 'stand-in' };
  const standIn = process.env.HOSO_ESDB_URL ? realServer(process.env.HOSO_ESDB_URL) : await startStandInWorker();
  const store = openEventStoreDbStore({ connectionString: standIn.connectionString });
  const heads = new Map();
  try {
    // Warm-up (connection, JIT).
    for (const b of [await makeEvents(['warm'], heads)]) {
      const r = await store.append(LEDGER, b, { expected: await store.size(LEDGER) });
      if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
    }

    // Append, one event per call (each append = catch-up read + Append call).
    const singles = [];
    for (let i = 0; i < 1000; i++) singles.push(await makeEvents([`markbook/10A${i % 8}`], heads));
    let size = await store.size(LEDGER);
    let t = performance.now();
    for (const b of singles) {
      const r = await store.append(LEDGER, b, { expected: size });
      if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
      size = r.right.size;
    }
    results.appendBatch1 = rate(singles.length, performance.now() - t);

    // Append, batches of 100.
    const batches = [];
    for (let i = 0; i < 100; i++) batches.push(await makeEvents(Array.from({ length: 100 }, (_, j) => `markbook/11A${(i + j) % 12}`), heads));
    t = performance.now();
    for (const b of batches) {
      const r = await store.append(LEDGER, b, { expected: size });
      if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
      size = r.right.size;
    }
    results.appendBatch100 = rate(batches.length * 100, performance.now() - t);

    // A 1,000-event logical stream spread evenly through another ~20,000 events.
    const spread = [];
    for (let i = 0; i < 21; i++) {
      const names = Array.from({ length: 1000 }, (_, j) => (j % 21 === i ? 'transcript/hs-0001' : `attendance/12A${j % 9}`));
      spread.push(await makeEvents(names, heads));
    }
    for (const b of spread) {
      const r = await store.append(LEDGER, b, { expected: size });
      if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
      size = r.right.size;
    }
    results.ledgerSize = size;

    // Full read, in ledger order.
    t = performance.now();
    const n = await drain(store.read(LEDGER));
    results.readAll = rate(n, performance.now() - t);

    // First use by a new store instance: rebuild the index (ids, stream chains, Merkle nodes).
    const cold = openEventStoreDbStore({ connectionString: standIn.connectionString });
    t = performance.now();
    await cold.size(LEDGER);
    results.indexRebuild = rate(size, performance.now() - t);
    await cold.close();

    // readStream, span settings compared: a thin stream (every 21st position) and a denser one
    // (every 12th position inside the batches of 100).
    results.readStream = {};
    for (const stream of ['transcript/hs-0001', 'markbook/11A0']) {
      const streamEvents = (await store.streamHead(LEDGER, stream)).rev + 1;
      const row = { streamEvents, ledgerEvents: size };
      for (const [label, gap, par] of [
        ['exact positions (maxGap 1), 1 call in flight', 1, 1],
        ['exact positions (maxGap 1), 8 in flight', 1, 8],
        ['spans maxGap 16 (default), 8 in flight', 16, 8],
        ['spans maxGap 32, 8 in flight', 32, 8],
        ['one span over the whole range (scan and filter)', Number.MAX_SAFE_INTEGER, 1],
      ]) {
        const s = openEventStoreDbStore({ connectionString: standIn.connectionString, readStreamMaxGap: gap, readStreamParallel: par });
        await s.size(LEDGER);
        await standIn.resetStats();
        t = performance.now();
        const got = await drain(s.readStream(LEDGER, stream));
        const ms = performance.now() - t;
        await standIn.refreshStats();
        row[label] = { ms: Math.round(ms), calls: standIn.stats.reads, eventsSent: standIn.stats.eventsSent };
        if (got !== streamEvents) throw new Error(`readStream returned ${got}, expected ${streamEvents}`);
        await s.close();
      }
      results.readStream[stream] = row;
    }

    // Root and proofs from the client-side index (one catch-up read each).
    t = performance.now();
    for (let i = 0; i < 200; i++) await store.inclusionProof(LEDGER, (i * 97) % size, size);
    results.inclusionProofMs = +((performance.now() - t) / 200).toFixed(3);
  } finally {
    await store.close();
    await standIn.stop();
  }

  console.log(`hoso store-eventstoredb through @eventstore/db-client against ${results.server === 'stand-in' ? 'the gRPC stand-in (127.0.0.1)' : process.env.HOSO_ESDB_URL}`);
  console.log(`  append, 1 event per call      ${results.appendBatch1} events/s`);
  console.log(`  append, 100 events per call   ${results.appendBatch100} events/s`);
  console.log(`  read, whole ledger            ${results.readAll} events/s (${results.ledgerSize} events)`);
  console.log(`  index rebuild at first use    ${results.indexRebuild} events/s`);
  console.log(`  inclusion proof               ${results.inclusionProofMs} ms each`);
  for (const [stream, row] of Object.entries(results.readStream)) {
    console.log(`  readStream ${stream}: ${row.streamEvents} events among ${row.ledgerEvents}`);
    for (const [k, v] of Object.entries(row)) if (typeof v === 'object') console.log(`    ${k.padEnd(50)} ${v.ms} ms, ${v.calls ?? 'n/a'} calls, ${v.eventsSent ?? 'n/a'} events sent`);
  }
  console.log(JSON.stringify({ bench: 'store-eventstoredb', ...results }));
}

if (isMainThread) await main();
else await serveStandIn();
