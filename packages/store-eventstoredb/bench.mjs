// Throughput of @hoso/store-eventstoredb through the real @eventstore/db-client against the
// protocol stand-in on 127.0.0.1: client + gRPC + adapter overhead, NOT a server's speed.
// Build first: `npx tsc -b packages/store-eventstoredb`, then `node packages/store-eventstoredb/bench.mjs`.
// Prints one JSON object (figures in events/s or ms) after a human-readable table.
// The stand-in runs in a worker thread, so the figures are the client side's (as with a remote server).
// With HOSO_ESDB_URL set, the same measurements run against that real server instead (on a fresh
// ledger id; call and event counts are then not available).
// Also measured: the client-side index's memory per event (needs --expose-gc, as `npm run bench`
// passes), and first use of a large ledger with and without an index snapshot: HOSO_ESDB_BIG sets
// its size (default 300,000 events; 0 skips it). And the bytes index snapshots add to the server per
// school year, over HOSO_ESDB_YEARS years (default 5; 0 skips it) of HOSO_ESDB_YEAR events each
// (default 190,000), written by the adapter's own snapshot writer and trigger rule to an in-process
// stand-in (byte counts do not depend on machine load), against the whole-index snapshots of
// earlier versions.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { EventStoreDBClient } from '@eventstore/db-client';
import { encodeEnvelope, leafHash, localSigner, newEventId, signEnvelope, toBase64Url, toHex } from '@hoso/core';
import { openEventStoreDbStore } from './dist/index.js';
import { LedgerIndex } from './dist/ledger-index.js';
import { SNAPSHOT_DEFAULTS, snapshotDue, writeSnapshot } from './dist/snapshot-store.js';
import { EventStoreDbStandIn, sizeOnDisk } from './dist/testing/index.js';

/** @import { Either } from 'fp-ts/lib/Either.js' */
/** @import { AppendResult, EventStore, StoreError } from '@hoso/store' */
/** @import { EsdbDiagnostic, EventStoreDbStoreOptions } from './dist/index.js' */
/** @import { SnapshotPolicy, SnapshotState, SnapshotTarget } from './dist/snapshot-store.js' */
/** @import { StandInStats } from './dist/testing/index.js' */

/**
 * The stand-in's call counters as the bench sees them (all null against a real server).
 * @typedef {{ reads: number | null, eventsSent: number | null }} Stats
 */
/**
 * Where the bench connects: the stand-in in a worker thread, or a real server.
 * @typedef {{ connectionString: string, stats: Stats, resetStats(): Promise<void>, refreshStats(): Promise<void>,
 *   stop(): Promise<void> }} Server
 */
/** @typedef {{ rev: number, leaf: Uint8Array }} Head */
/** @typedef {{ ms: number, calls: number | null, eventsSent: number | null }} SpanRun */
/** @typedef {{ streamEvents: number, ledgerEvents: number, runs: Record<string, SpanRun> }} StreamRow */
/** @typedef {{ events: number, bytesPerEvent: number, allocatedPerEvent: number, keep: number }} IndexMemory */
/**
 * @typedef {{ events: number, buildSeconds: number, fullRebuildMs: number, fullRebuildRate: number,
 *   snapshotWriteMs: number, snapshotBytes: number, snapshotChunks: number, snapshotBytesPerEvent: number,
 *   withSnapshotMs: number, withSnapshotTail1000Ms: number }} FirstUse
 */
/**
 * @typedef {{ year: number, events: number,
 *   incremental: { snapshots: number, bases: number, writtenBytes: number, liveBytes: number },
 *   wholeIndex: { snapshots: number, writtenBytes: number, liveBytes: number } }} GrowthRow
 */
/**
 * @typedef {{ server: string, appendBatch1?: number, appendBatch100?: number, ledgerSize?: number,
 *   readAll?: number, indexRebuild?: number, firstUseFromSnapshotMs?: number, inclusionProofMs?: number,
 *   readStream: Record<string, StreamRow>, indexMemory?: IndexMemory[], firstUse?: FirstUse,
 *   snapshotGrowth?: GrowthRow[] }} Results
 */

const LEDGER = process.env.HOSO_ESDB_URL ? `bench-school-${Date.now()}` : 'bench-school';
const BIG = Number(process.env.HOSO_ESDB_BIG ?? 300_000);
const YEARS = Number(process.env.HOSO_ESDB_YEARS ?? 5);
const PER_YEAR = Number(process.env.HOSO_ESDB_YEAR ?? 190_000);
const seed = new Uint8Array(32).map((_, i) => (i * 13 + 5) & 0xff);
const signer = localSigner(seed);
const key = toBase64Url(signer.publicKey);

/**
 * Signed, chained events for the given stream names (heads carried across calls).
 * @param {readonly string[]} streams
 * @param {Map<string, Head>} heads
 * @returns {Promise<Uint8Array[]>}
 */
async function makeEvents(streams, heads, ledger = LEDGER) {
  /** @type {Uint8Array[]} */
  const out = [];
  for (const stream of streams) {
    const h = heads.get(stream);
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger,
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

const rate = (/** @type {number} */ n, /** @type {number} */ ms) => Math.round((n * 1000) / ms);

/**
 * The right side of an append, or throw.
 * @param {Either<StoreError, AppendResult>} r
 */
function appended(r) {
  if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
  return r.right;
}

/** @param {AsyncIterable<unknown>} iterable */
async function drain(iterable) {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

/** The stand-in in this worker thread, driven by messages from the bench. */
async function serveStandIn() {
  const port = parentPort;
  if (port === null) throw new Error('serveStandIn runs in a worker thread');
  const standIn = await EventStoreDbStandIn.start();
  port.on('message', (/** @type {string} */ m) => {
    if (m === 'resetStats') standIn.resetStats();
    if (m === 'stop') {
      void standIn.stop().then(() => port.close());
      return;
    }
    port.postMessage({ stats: { ...standIn.stats } });
  });
  port.postMessage({ connectionString: standIn.connectionString });
}

/**
 * Start the stand-in in a worker; a handle with the same shape the bench needs.
 * @returns {Promise<Server>}
 */
async function startStandInWorker() {
  const worker = new Worker(new URL(import.meta.url));
  /** @returns {Promise<{ connectionString?: string, stats?: StandInStats }>} */
  const next = () => new Promise((resolve) => worker.once('message', resolve));
  const { connectionString } = await next();
  if (connectionString === undefined) throw new Error('the stand-in worker did not start');
  const statsOf = async () => {
    const { stats } = await next();
    if (stats === undefined) throw new Error('the stand-in worker sent no counters');
    return stats;
  };
  /** @type {Server} */
  const handle = {
    connectionString,
    stats: { reads: 0, eventsSent: 0 },
    async resetStats() {
      worker.postMessage('resetStats');
      handle.stats = await statsOf();
    },
    async refreshStats() {
      worker.postMessage('stats');
      handle.stats = await statsOf();
    },
    async stop() {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
  return handle;
}

/**
 * A real server given by HOSO_ESDB_URL, with the stand-in handle's shape (no counters).
 * @param {string} url
 * @returns {Server}
 */
function realServer(url) {
  const none = { reads: null, eventsSent: null };
  return { connectionString: url, stats: none, async resetStats() {}, async refreshStats() {}, async stop() {} };
}

/**
 * Bytes per event of the client-side index: heap + array buffers before and after indexing n
 * events (fresh UUID v7 id strings, as parsed from each event; one logical stream per ~100 events),
 * after full GCs. The strings are garbage once indexed (ids are kept as 16 bytes).
 */
function indexBytesPerEvent(/** @type {number} */ n) {
  const gc = /** @type {() => void} */ (globalThis.gc);
  const streams = Array.from({ length: Math.ceil(n / 100) }, (_, i) => `markbook/2024-2025/10A${i % 12}/hs-${i}`);
  /** @type {Map<string, number>} */
  const revs = new Map();
  const leaves = Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`event ${i}`)));
  gc();
  gc();
  const m0 = process.memoryUsage();
  const ix = new LedgerIndex();
  for (let p = 0; p < n; p++) {
    const s = /** @type {string} */ (streams[(p * 7919) % streams.length]);
    const rev = revs.get(s) ?? 0;
    revs.set(s, rev + 1);
    ix.add({ id: newEventId(), stream: s, rev, leafHash: /** @type {Uint8Array} */ (leaves[p]) });
  }
  gc();
  gc();
  const m1 = process.memoryUsage();
  const perEvent = (m1.heapUsed - m0.heapUsed + (m1.arrayBuffers - m0.arrayBuffers)) / ix.size;
  return {
    events: n,
    bytesPerEvent: Math.round(perEvent),
    allocatedPerEvent: Math.round(ix.allocatedBytes() / n),
    keep: leaves.length,
  };
}

/**
 * First use of a large ledger: a full rebuild (snapshots off) against loading a snapshot (and a
 * snapshot plus a 1,000-event tail); the snapshot's write time and size.
 */
async function firstUse(/** @type {Server} */ standIn, /** @type {number} */ n) {
  const ledger = `${LEDGER}-big`;
  /** @type {Partial<FirstUse> & { events: number }} */
  const out = { events: n };
  /** @type {Map<string, Head>} */
  const heads = new Map();
  const plain = openEventStoreDbStore({ connectionString: standIn.connectionString, snapshots: false });
  let size = await plain.size(ledger);
  const fill = async (/** @type {number} */ count) => {
    for (let done = 0; done < count; done += 500) {
      const names = Array.from(
        { length: Math.min(500, count - done) },
        (_, j) => `markbook/10A${(done + j) % 40}/hs-${(done + j) % 1500}`,
      );
      size = appended(await plain.append(ledger, await makeEvents(names, heads, ledger), { expected: size })).size;
    }
  };
  let t = performance.now();
  await fill(n - size);
  out.buildSeconds = +((performance.now() - t) / 1000).toFixed(1);

  const timeFirstUse = async (/** @type {Partial<EventStoreDbStoreOptions>} */ opts) => {
    /** @type {EsdbDiagnostic[]} */
    const diags = [];
    const s = openEventStoreDbStore(
      /** @type {EventStoreDbStoreOptions} */ ({
        connectionString: standIn.connectionString,
        onDiagnostic: (/** @type {EsdbDiagnostic} */ d) => diags.push(d),
        ...opts,
      }),
    );
    const t0 = performance.now();
    const got = await s.size(ledger);
    const ms = performance.now() - t0;
    const t1 = performance.now();
    await s.close(); // waits for a snapshot started by this first use
    return { ms: Math.round(ms), closeMs: Math.round(performance.now() - t1), size: got, diags };
  };
  const full = await timeFirstUse({ snapshots: false });
  out.fullRebuildMs = full.ms;
  out.fullRebuildRate = rate(full.size, full.ms);
  // Snapshots on (defaults): this first use rebuilds in full, then writes the first snapshot.
  const first = await timeFirstUse({});
  const written = first.diags.find((d) => d.code === 'snapshot-written');
  if (written?.code !== 'snapshot-written') throw new Error(`no snapshot written: ${JSON.stringify(first.diags)}`);
  out.snapshotWriteMs = first.closeMs;
  out.snapshotBytes = written.bytes;
  out.snapshotChunks = written.chunks;
  out.snapshotBytesPerEvent = +(written.bytes / written.size).toFixed(1);
  const warm = await timeFirstUse({});
  if (!warm.diags.some((d) => d.code === 'snapshot-loaded'))
    throw new Error(`snapshot not loaded: ${JSON.stringify(warm.diags)}`);
  out.withSnapshotMs = warm.ms;
  await fill(1000);
  const tail = await timeFirstUse({});
  out.withSnapshotTail1000Ms = tail.ms;
  await plain.close();
  return /** @type {FirstUse} */ (out);
}

/**
 * Snapshot bytes per school year: a ledger growing by `perYear` events a year for `years` years,
 * snapshotted by the adapter's own writer (`writeSnapshot`) whenever its trigger rule
 * (`snapshotDue`, the default `every` and `everyFraction`) says so, to an in-process stand-in — once
 * incrementally (the default: tails, a new base now and then, older generations truncated), once
 * as the whole index every time (earlier versions: every snapshot a base). The index is synthetic
 * (random ids and leaves; byte counts depend only on the number of events and the stream names):
 * 40 classes × 12 subjects of mark books a year and 1,500 student streams, the names of a school.
 * @param {number} years
 * @param {number} perYear
 */
async function snapshotGrowth(years, perYear) {
  const standIn = await EventStoreDbStandIn.start();
  const client = EventStoreDBClient.connectionString(standIn.connectionString);
  const ix = new LedgerIndex();
  /** @type {Map<string, number>} */
  const revs = new Map();
  const chunkBytes = SNAPSHOT_DEFAULTS.chunkBytes;
  /**
   * @typedef {{ name: string, target: SnapshotTarget, policy: SnapshotPolicy, state: SnapshotState | null,
   *   yearBytes: number, yearSnapshots: number, yearBases: number }} Design
   */
  /** @type {Design[]} */
  const designs = [
    { name: 'incremental', policy: { chunkBytes, maxTails: SNAPSHOT_DEFAULTS.maxTails } },
    { name: 'whole index', policy: { chunkBytes, maxTails: 0 } },
  ].map((d, i) => ({
    ...d,
    target: { client, ledger: `growth-${i}`, physical: `hoso-ledger-growth-${i}`, side: `hoso-index-growth-${i}` },
    state: null,
    yearBytes: 0,
    yearSnapshots: 0,
    yearBases: 0,
  }));
  /** Bytes (as the server counts them) of the side stream's events a read still sees: after `$tb`. */
  const liveBytes = (/** @type {string} */ side) => {
    const meta = standIn.records(`$$${side}`);
    const last = meta[meta.length - 1];
    /** @type {{ $tb?: number }} */
    const stored =
      last === undefined ? {} : /** @type {{ $tb?: number }} */ (JSON.parse(Buffer.from(last.data).toString('utf8')));
    const tb = stored.$tb ?? 0;
    return standIn
      .records(side)
      .filter((r) => Number(r.revision) >= tb)
      .reduce((t, r) => t + sizeOnDisk(r.type, r.data, r.customMetadata), 0);
  };
  /** @type {GrowthRow[]} */
  const rows = [];
  const BATCH = 500;
  try {
    for (let year = 1; year <= years; year++) {
      for (const d of designs) Object.assign(d, { yearBytes: 0, yearSnapshots: 0, yearBases: 0 });
      for (let done = 0; done < perYear; done += BATCH) {
        const leaves = randomBytes(32 * BATCH);
        for (let j = 0; j < BATCH; j++) {
          const k = done + j;
          const stream =
            k % 5 === 0
              ? `student/hs-${(k * 7) % 1500}`
              : `markbook/${2023 + year}-${2024 + year}/${(k % 40) + 1}/${['toan', 'van', 'anh', 'ly', 'hoa', 'sinh', 'su', 'dia', 'gdcd', 'tin', 'cn', 'td'][k % 12]}`;
          const rev = revs.get(stream) ?? 0;
          revs.set(stream, rev + 1);
          ix.add({ id: newEventId(), stream, rev, leafHash: leaves.subarray(32 * j, 32 * j + 32) });
        }
        for (const d of designs) {
          if (!snapshotDue(ix.size, d.state?.size ?? 0, SNAPSHOT_DEFAULTS.every, SNAPSHOT_DEFAULTS.everyFraction))
            continue;
          const r = await writeSnapshot(d.target, ix, d.state, d.policy, 'regular');
          d.state = r.state;
          d.yearBytes += r.written.bytes;
          d.yearSnapshots++;
          if (r.written.kind === 'base') d.yearBases++;
        }
      }
      const [inc, whole] = /** @type {[Design, Design]} */ (designs);
      rows.push({
        year,
        events: ix.size,
        incremental: {
          snapshots: inc.yearSnapshots,
          bases: inc.yearBases,
          writtenBytes: inc.yearBytes,
          liveBytes: liveBytes(inc.target.side),
        },
        wholeIndex: {
          snapshots: whole.yearSnapshots,
          writtenBytes: whole.yearBytes,
          liveBytes: liveBytes(whole.target.side),
        },
      });
    }
  } finally {
    await client.dispose();
    await standIn.stop();
  }
  return rows;
}

async function main() {
  /** @type {Results} */
  const results = { server: process.env.HOSO_ESDB_URL ? 'HOSO_ESDB_URL' : 'stand-in', readStream: {} };
  const standIn = process.env.HOSO_ESDB_URL ? realServer(process.env.HOSO_ESDB_URL) : await startStandInWorker();
  const store = openEventStoreDbStore({ connectionString: standIn.connectionString });
  /** @type {Map<string, Head>} */
  const heads = new Map();
  try {
    // Warm-up (connection, JIT).
    for (const b of [await makeEvents(['warm'], heads)]) {
      appended(await store.append(LEDGER, b, { expected: await store.size(LEDGER) }));
    }

    // Append, one event per call (each append = catch-up read + Append call).
    /** @type {Uint8Array[][]} */
    const singles = [];
    for (let i = 0; i < 1000; i++) singles.push(await makeEvents([`markbook/10A${i % 8}`], heads));
    let size = await store.size(LEDGER);
    let t = performance.now();
    for (const b of singles) {
      size = appended(await store.append(LEDGER, b, { expected: size })).size;
    }
    results.appendBatch1 = rate(singles.length, performance.now() - t);

    // Append, batches of 100.
    /** @type {Uint8Array[][]} */
    const batches = [];
    for (let i = 0; i < 100; i++)
      batches.push(
        await makeEvents(
          Array.from({ length: 100 }, (_, j) => `markbook/11A${(i + j) % 12}`),
          heads,
        ),
      );
    t = performance.now();
    for (const b of batches) {
      size = appended(await store.append(LEDGER, b, { expected: size })).size;
    }
    results.appendBatch100 = rate(batches.length * 100, performance.now() - t);

    // A 1,000-event logical stream spread evenly through another ~20,000 events.
    /** @type {Uint8Array[][]} */
    const spread = [];
    for (let i = 0; i < 21; i++) {
      const names = Array.from({ length: 1000 }, (_, j) =>
        j % 21 === i ? 'transcript/hs-0001' : `attendance/12A${j % 9}`,
      );
      spread.push(await makeEvents(names, heads));
    }
    for (const b of spread) {
      size = appended(await store.append(LEDGER, b, { expected: size })).size;
    }
    results.ledgerSize = size;

    // Full read, in ledger order.
    t = performance.now();
    const n = await drain(store.read(LEDGER));
    results.readAll = rate(n, performance.now() - t);

    // First use by a new store instance: rebuild the index (ids, stream chains, Merkle nodes).
    // Snapshots off: the whole physical stream is read (the store above wrote snapshots meanwhile).
    const cold = openEventStoreDbStore({ connectionString: standIn.connectionString, snapshots: false });
    t = performance.now();
    await cold.size(LEDGER);
    results.indexRebuild = rate(size, performance.now() - t);
    await cold.close();
    // Snapshots on (the default): the newest snapshot, checked, then the tail after it.
    const warm = openEventStoreDbStore({ connectionString: standIn.connectionString });
    t = performance.now();
    await warm.size(LEDGER);
    results.firstUseFromSnapshotMs = Math.round(performance.now() - t);
    await warm.close();

    // readStream, span settings compared: a thin stream (every 21st position) and a denser one
    // (every 12th position inside the batches of 100).
    for (const stream of ['transcript/hs-0001', 'markbook/11A0']) {
      const head = await store.streamHead(LEDGER, stream);
      if (head === null) throw new Error(`no stream ${stream}`);
      const streamEvents = head.rev + 1;
      /** @type {StreamRow} */
      const row = { streamEvents, ledgerEvents: size, runs: {} };
      for (const [label, gap, par] of /** @type {Array<[string, number, number]>} */ ([
        ['exact positions (maxGap 1), 1 call in flight', 1, 1],
        ['exact positions (maxGap 1), 8 in flight', 1, 8],
        ['spans maxGap 16 (default), 8 in flight', 16, 8],
        ['spans maxGap 32, 8 in flight', 32, 8],
        ['one span over the whole range (scan and filter)', Number.MAX_SAFE_INTEGER, 1],
      ])) {
        const s = openEventStoreDbStore({
          connectionString: standIn.connectionString,
          readStreamMaxGap: gap,
          readStreamParallel: par,
        });
        await s.size(LEDGER);
        await standIn.resetStats();
        t = performance.now();
        const got = await drain(s.readStream(LEDGER, stream));
        const ms = performance.now() - t;
        await standIn.refreshStats();
        row.runs[label] = { ms: Math.round(ms), calls: standIn.stats.reads, eventsSent: standIn.stats.eventsSent };
        if (got !== streamEvents) throw new Error(`readStream returned ${got}, expected ${streamEvents}`);
        await s.close();
      }
      results.readStream[stream] = row;
    }

    // Root and proofs from the client-side index (one catch-up read each).
    t = performance.now();
    for (let i = 0; i < 200; i++) await store.inclusionProof(LEDGER, (i * 97) % size, size);
    results.inclusionProofMs = +((performance.now() - t) / 200).toFixed(3);

    if (typeof globalThis.gc === 'function') results.indexMemory = [200_000, 300_000].map(indexBytesPerEvent);
    if (BIG > 0 && !process.env.HOSO_ESDB_URL) results.firstUse = await firstUse(standIn, BIG);
    if (YEARS > 0) results.snapshotGrowth = await snapshotGrowth(YEARS, PER_YEAR);
  } finally {
    await store.close();
    await standIn.stop();
  }

  console.log(
    `hoso store-eventstoredb through @eventstore/db-client against ${results.server === 'stand-in' ? 'the gRPC stand-in (127.0.0.1)' : process.env.HOSO_ESDB_URL}`,
  );
  console.log(`  append, 1 event per call      ${results.appendBatch1} events/s`);
  console.log(`  append, 100 events per call   ${results.appendBatch100} events/s`);
  console.log(`  read, whole ledger            ${results.readAll} events/s (${results.ledgerSize} events)`);
  console.log(`  index rebuild at first use    ${results.indexRebuild} events/s`);
  console.log(`  first use from a snapshot     ${results.firstUseFromSnapshotMs} ms (${results.ledgerSize} events)`);
  console.log(`  inclusion proof               ${results.inclusionProofMs} ms each`);
  for (const m of results.indexMemory ?? [])
    console.log(
      `  index memory at ${m.events} events  ${m.bytesPerEvent} bytes/event (${m.allocatedPerEvent} in typed arrays)`,
    );
  if (results.indexMemory === undefined)
    console.log('  index memory                  not measured (run with node --expose-gc)');
  const f = results.firstUse;
  if (f) {
    console.log(
      `  first use of ${f.events} events: full rebuild ${f.fullRebuildMs} ms (${f.fullRebuildRate} events/s); from a snapshot ${f.withSnapshotMs} ms; snapshot + 1,000-event tail ${f.withSnapshotTail1000Ms} ms`,
    );
    console.log(
      `    snapshot: ${f.snapshotBytes} bytes (${f.snapshotBytesPerEvent} bytes/event) in ${f.snapshotChunks} chunks, written in ${f.snapshotWriteMs} ms`,
    );
  }
  for (const g of results.snapshotGrowth ?? []) {
    const kb = (/** @type {number} */ b) => `${(b / 1e6).toFixed(1)} MB`;
    console.log(
      `  snapshots, year ${g.year} (${g.events} events): incremental ${g.incremental.snapshots} (${g.incremental.bases} bases) ${kb(g.incremental.writtenBytes)} written, ${kb(g.incremental.liveBytes)} live; whole index ${g.wholeIndex.snapshots} ${kb(g.wholeIndex.writtenBytes)} written, ${kb(g.wholeIndex.liveBytes)} live`,
    );
  }
  for (const [stream, row] of Object.entries(results.readStream)) {
    console.log(`  readStream ${stream}: ${row.streamEvents} events among ${row.ledgerEvents}`);
    for (const [k, v] of Object.entries(row.runs))
      console.log(`    ${k.padEnd(50)} ${v.ms} ms, ${v.calls ?? 'n/a'} calls, ${v.eventsSent ?? 'n/a'} events sent`);
  }
  console.log(JSON.stringify({ bench: 'store-eventstoredb', ...results }));
}

if (isMainThread) await main();
else await serveStandIn();
