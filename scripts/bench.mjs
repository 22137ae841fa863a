#!/usr/bin/env node
// `npm run bench`: prints throughput figures for the core operations and the stores.
// Each figure is the median of several timed runs after a warm-up. Nothing here is asserted:
// benchmarks inform, tests decide. Options: --quick (smaller sizes), --only <name,...>,
// --million <n> (size of the large ledger, default 1,000,000), --json <file>.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    million: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'string' },
  },
});
const only = opts.only ? new Set(opts.only.split(',')) : null;
const QUICK = opts.quick;
const BIG = Number(opts.million ?? (QUICK ? 100_000 : 1_000_000));

const core = await import('@hoso/core');
const { openSqliteStore } = await import('@hoso/store-sqlite');

/** @type {{ group: string, name: string, rate: number, unit: string }[]} */
const results = [];
/** @type {(n: number) => string} */
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
/** @param {readonly number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}
/**
 * Time `fn` (which performs `ops` operations) `runs` times; record the median ops/s.
 * @param {string} group
 * @param {string} name
 * @param {number} ops
 * @param {() => unknown} fn
 * @param {{ runs?: number, unit?: string }} [options]
 */
async function bench(group, name, ops, fn, { runs = 5, unit = 'ops/s' } = {}) {
  if (only && !only.has(group)) return;
  await fn(); // warm-up
  const rates = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(ops / dt);
  }
  const rate = median(rates);
  results.push({ group, name, rate, unit });
  console.log(`${group.padEnd(10)} ${name.padEnd(58)} ${fmt(rate).padStart(12)} ${unit}`);
}
/**
 * Record a single measured duration (for one-off operations on a large ledger).
 * @param {string} group
 * @param {string} name
 * @param {() => unknown} fn
 * @param {{ runs?: number }} [options]
 */
async function once(group, name, fn, { runs = 5 } = {}) {
  if (only && !only.has(group)) return;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const ms = median(times);
  results.push({ group, name, rate: ms, unit: 'ms' });
  console.log(`${group.padEnd(10)} ${name.padEnd(58)} ${fmt(ms).padStart(12)} ms`);
}

console.log(
  `hoso bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB${QUICK ? ' (quick)' : ''}`,
);
console.log('figures are medians of 5 runs\n');

// ---- crypto ---------------------------------------------------------------------------------
const seed = new Uint8Array(32).fill(7);
const msg = core.utf8('hoso/event/v1\n' + '{"x":"'.padEnd(300, 'a') + '"}');
const N_SIG = QUICK ? 2000 : 10000;
for (const b of [core.sodiumBackend, core.nodeBackend, core.tweetnaclBackend].filter((x) => x !== undefined)) {
  const n = b.name === 'tweetnacl' ? 100 : N_SIG;
  const sign = b.signer(seed);
  const pub = b.publicKey(seed);
  const verify = b.verifier(pub);
  const sig = sign(msg);
  await bench('crypto', `ed25519 sign (${b.name})`, n, () => {
    for (let i = 0; i < n; i++) sign(msg);
  });
  await bench('crypto', `ed25519 verify (${b.name})`, n, () => {
    for (let i = 0; i < n; i++) verify(msg, sig);
  });
}

// ---- canonical JSON, hashing, envelopes ------------------------------------------------------
const signer = core.localSigner(seed);
const key = core.toBase64Url(signer.publicKey);
/**
 * @param {number} i
 * @param {string} [stream]
 * @param {number} [rev]
 * @param {string | null} [prev]
 * @returns {import('@hoso/core').UnsignedEnvelope}
 */
function unsignedEvent(i, stream = 'markbook/2024-2025/10A1/toan', rev = i, prev = null) {
  return {
    v: /** @type {const} */ (1),
    id: core.newEventId(),
    ledger: 'bench',
    stream,
    rev,
    prev: rev === 0 ? null : prev,
    type: 'ScoreEntered',
    data: { student: `hs-${i % 45}`, column: 'tx1', term: 1, value: '8.5', note: 'Nguyễn Thị Hồng Nhung' },
    at: '2024-10-01T08:00:00.000+07:00',
    by: { key, role: 'subject' },
  };
}
const sample = await core.signEnvelope(unsignedEvent(0), [{ signer, role: 'subject' }]);
const sampleBytes = core.encodeEnvelope(sample);
const N_C = QUICK ? 10000 : 50000;
await bench('core', 'canonicalize (one event envelope)', N_C, () => {
  for (let i = 0; i < N_C; i++) core.canonicalize(sample);
});
await bench('core', 'decodeEnvelope (parse + canonical check + codec)', N_C, () => {
  for (let i = 0; i < N_C; i++) core.decodeEnvelope(sampleBytes);
});
await bench('core', 'leaf hash (SHA-256 of ~500-byte event)', N_C * 4, () => {
  for (let i = 0; i < N_C * 4; i++) core.leafHash(sampleBytes);
});

/**
 * Build `n` signed, chained events spread over `streams` streams.
 * @param {number} n
 * @returns {Promise<Uint8Array[]>}
 */
async function makeEvents(n, streams = 1000, ledger = 'bench') {
  /** @type {Map<string, { rev: number, hash: Uint8Array }>} */
  const heads = new Map();
  /** @type {Uint8Array[]} */
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = `markbook/2024-2025/c${i % streams}/toan`;
    const h = heads.get(s);
    const rev = h ? h.rev + 1 : 0;
    const u = { ...unsignedEvent(i, s, rev, h ? core.toHex(h.hash) : null), ledger };
    const env = await core.signEnvelope(u, [{ signer, role: 'subject' }]);
    const bytes = core.encodeEnvelope(env);
    heads.set(s, { rev, hash: core.leafHash(bytes) });
    out[i] = bytes;
  }
  return out;
}

// ---- SQLite store ----------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-'));
try {
  const N_APPEND = QUICK ? 2000 : 10000;
  let fileNo = 0;
  // Skipped when not selected: preparing these events signs 150,000 of them.
  for (const batch of only && !only.has('sqlite') ? [] : [1, 100, 1000]) {
    const n = batch === 1 ? Math.min(N_APPEND, 5000) : N_APPEND;
    const events = await makeEvents(n * 6, 200, `bench${batch}`);
    let offset = 0;
    const store = openSqliteStore({ path: join(dir, `a${fileNo++}.db`) });
    let size = 0;
    await bench('sqlite', `append signed events, ${batch} per commit`, n, async () => {
      for (let i = 0; i < n; i += batch) {
        const r = await store.append(`bench${batch}`, events.slice(offset + i, offset + i + batch), { expected: size });
        if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
        size = r.right.size;
      }
      offset += n;
    });
    await store.close();
  }

  // A large ledger for reads and proofs.
  if (!only || only.has('sqlite-1m')) {
    const path = join(dir, 'big.db');
    const store = openSqliteStore({ path });
    const CH = 10000;
    const t0 = Date.now();
    let size = 0;
    // 1,000 streams of BIG/1000 events each; built in chunks to keep memory flat.
    /** @type {Map<string, { rev: number, hash: Uint8Array }>} */
    const heads = new Map();
    for (let start = 0; start < BIG; start += CH) {
      const batch = [];
      for (let i = start; i < Math.min(BIG, start + CH); i++) {
        const s = `markbook/2024-2025/c${i % 1000}/toan`;
        const h = heads.get(s);
        const rev = h ? h.rev + 1 : 0;
        const env = await core.signEnvelope(
          { ...unsignedEvent(i, s, rev, h ? core.toHex(h.hash) : null), ledger: 'big' },
          [{ signer, role: 'subject' }],
        );
        const bytes = core.encodeEnvelope(env);
        heads.set(s, { rev, hash: core.leafHash(bytes) });
        batch.push(bytes);
      }
      for (let j = 0; j < batch.length; j += 1000) {
        const r = await store.append('big', batch.slice(j, j + 1000), { expected: size });
        if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
        size = r.right.size;
      }
    }
    console.log(
      `(built a ${BIG.toLocaleString('en-US')}-event ledger in ${((Date.now() - t0) / 1000).toFixed(1)} s, signing included)`,
    );
    await bench(
      'sqlite-1m',
      `full read, ${BIG.toLocaleString('en-US')} events`,
      BIG,
      async () => {
        let n = 0;
        for await (const _e of store.read('big')) n++;
        if (n !== BIG) throw new Error('short read');
      },
      { runs: 3 },
    );
    await bench(
      'sqlite-1m',
      `full readBytes (lean read), ${BIG.toLocaleString('en-US')} events`,
      BIG,
      async () => {
        let n = 0;
        for await (const batch of store.readBytes('big')) n += batch.length;
        if (n !== BIG) throw new Error('short read');
      },
      { runs: 3 },
    );
    await once(
      'sqlite-1m',
      `readStream: one ${BIG / 1000}-event stream among ${BIG.toLocaleString('en-US')}`,
      async () => {
        let n = 0;
        for await (const _e of store.readStream('big', 'markbook/2024-2025/c500/toan')) n++;
        if (n !== BIG / 1000) throw new Error('short stream');
      },
    );
    await once('sqlite-1m', `root at size ${BIG.toLocaleString('en-US')}`, () => store.root('big', BIG));
    await once('sqlite-1m', `inclusion proof at size ${BIG.toLocaleString('en-US')}`, () =>
      store.inclusionProof('big', 123_457 % BIG, BIG),
    );
    await once('sqlite-1m', `consistency proof ${BIG / 2} → ${BIG}`, () =>
      store.consistencyProof('big', BIG / 2 + 3, BIG),
    );
    await store.close();
  }
} finally {
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
}

if (opts.json) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(opts.json, JSON.stringify({ node: process.version, cpus: cpus().length, results }, null, 2));
}
