// Ad hoc benchmark of bundle verification (run after `npx tsc -b packages/verify`):
//   node packages/verify/bench/verify-bench.mjs [events]
// Builds a bundle of signed, chained, catalogue-valid events in a temp dir, measures the raw
// libsodium verify rate on one and on two threads (the ceilings), then times verifyBundle with
// 0, 1 and 2 worker threads, with and without the compliance replay, each in a fresh process
// (so one run's heap and JIT state do not colour the next). Run it on a quiet machine: two
// CPU-bound processes on two cores halve every figure (check the load average it prints).
// With compliance on, every event of this synthetic history breaks a school rule (it is all
// signed by the leader), so that row also pays for 100k findings; compliance-bench.mjs replays a
// clean history written through the ledger.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import {
  encodeEnvelope,
  formatVerifierKey,
  leafHash,
  localSigner,
  merkleRoot,
  signCheckpoint,
  signingBytes,
  decodeEnvelope,
  toBase64Url,
  toHex,
  newEventId,
  signEnvelope,
} from '@hoso/core';
import { formatBundleHeader, formatCheckpointLine, originOf, verifyBundle } from '@hoso/verify';

const ledger = 'bench-school';
const seed = (/** @type {number} */ k) => new Uint8Array(32).map((_, i) => (i * 13 + k * 7 + 1) & 0xff);
const rootSigner = localSigner(seed(1));
const root = { signer: rootSigner, key: toBase64Url(rootSigner.publicKey) };
const seal = { name: originOf(ledger), seed: seed(9) };
const trust = { rootKeys: [root.key], sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)] };

if (process.argv[2] === '--child') {
  const [path = '', workers, compliance] = process.argv.slice(3);
  const s0 = performance.now();
  const r = await verifyBundle(path, { trust, workers: Number(workers), compliance: compliance === 'true' });
  const ms = performance.now() - s0;
  if (r._tag === 'Left') throw new Error(r.left.message);
  const rep = r.right;
  const errs = rep.findings.filter((f) => f.severity === 'error');
  console.log(
    JSON.stringify({
      rate: rep.size / (ms / 1000),
      ms,
      errors: errs.length,
      codes: [...new Set(errs.map((e) => e.code))],
      rss: process.memoryUsage().rss,
    }),
  );
  process.exit(0);
}

const N = Number(process.argv[2] ?? 50000);
/** @type {Map<string, { rev: number, leaf: string }>} */
const heads = new Map();
/** @type {string[]} */
const lines = [];
/** @type {Uint8Array[]} */
const leaves = [];
let t = Date.parse('2024-09-05T00:00:00Z');
/**
 * @param {string} stream
 * @param {string} type
 * @param {import('@hoso/core').JsonObject} data
 */
async function add(stream, type, data) {
  const h = heads.get(stream);
  const env = await signEnvelope(
    {
      v: 1,
      id: newEventId(),
      ledger,
      stream,
      rev: h ? h.rev + 1 : 0,
      prev: h ? h.leaf : null,
      type,
      data,
      at: new Date((t += 1000)).toISOString(),
      by: { key: root.key, role: 'leader' },
    },
    [{ signer: root.signer, role: 'leader' }],
  );
  const bytes = encodeEnvelope(env);
  const leaf = leafHash(bytes);
  heads.set(stream, { rev: env.rev, leaf: toHex(leaf) });
  lines.push(Buffer.from(bytes).toString());
  leaves.push(leaf);
}
const t0 = performance.now();
await add('school', 'SchoolFounded', {
  school: ledger,
  name: 'Bench',
  levels: ['upper-secondary'],
  leader: { person: 'p0', name: 'P' },
  rootKey: root.key,
  timeZone: 'Asia/Ho_Chi_Minh',
});
for (let i = 1; i < N; i++) {
  const s = i % 1500;
  if (i <= 1500)
    await add(`student/hs${s}`, 'StudentRegistered', {
      student: `hs${s}`,
      year: '2024-2025',
      class: '10a1',
      bio: { name: `Học sinh ${s}`, birthDate: '2009-01-01', sex: 'F' },
    });
  else
    await add(`student/hs${s}`, 'BiographyChanged', {
      student: `hs${s}`,
      year: '2024-2025',
      class: '10a1',
      changes: { address: `Số ${i} đường Lê Lợi, phường Bến Nghé` },
      reason: 'Cập nhật',
    });
}
const note = signCheckpoint({ origin: originOf(ledger), size: N, root: merkleRoot(leaves) }, seal);
const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-'));
const path = join(dir, 'bench.hoso');
writeFileSync(path, [formatBundleHeader(originOf(ledger), N), ...lines, formatCheckpointLine(note)].join('\n') + '\n');
console.log(`built ${N} events in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${path}`);

// Raw libsodium verify rate on the same messages: one thread, then two threads at once.
const sodiumPath = createRequire(import.meta.url).resolve('sodium-native');
const sample = lines.slice(0, Math.min(N, 20000)).map((l) => {
  const e = decodeEnvelope(new Uint8Array(Buffer.from(l)));
  if (e._tag === 'Left') throw new Error(e.left.message);
  return { msg: Buffer.from(signingBytes(e.right)), sig: Buffer.from(e.right.sigs[0]?.sig ?? '', 'base64url') };
});
const RAW = `
const { parentPort, workerData } = require('node:worker_threads');
const s = require(workerData.sodiumPath);
const pk = Buffer.from(workerData.pk);
const t = performance.now();
for (const x of workerData.sample) if (!s.crypto_sign_verify_detached(Buffer.from(x.sig), Buffer.from(x.msg), pk)) throw new Error('bad');
parentPort.postMessage(workerData.sample.length / ((performance.now() - t) / 1000));
`;
const rawRate = async (/** @type {number} */ threads) => {
  const rates = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        /** @type {Promise<number>} */ (
          new Promise((resolve, reject) => {
            const w = new Worker(RAW, { eval: true, workerData: { sodiumPath, pk: rootSigner.publicKey, sample } });
            w.on('message', (/** @type {number} */ r) => {
              resolve(r);
              void w.terminate();
            });
            w.on('error', reject);
          })
        ),
    ),
  );
  return rates.reduce((a, b) => a + b, 0);
};
const raw1 = await rawRate(1);
const raw2 = await rawRate(2);
console.log(
  `load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (other CPU-bound jobs on the machine skew every figure)`,
);
console.log(`raw libsodium verify: ${Math.round(raw1)} sig/s on 1 thread, ${Math.round(raw2)} sig/s on 2 threads`);

const self = new URL(import.meta.url).pathname;
for (const compliance of [false, true]) {
  for (const workers of [0, 1, 2]) {
    /** @type {unknown} */
    const parsed = JSON.parse(
      execFileSync(process.execPath, [self, '--child', path, String(workers), String(compliance)], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .pop() ?? 'null',
    );
    const out = /** @type {{ rate: number, ms: number, errors: number, codes: string[], rss: number }} */ (parsed);
    const ceiling = workers === 2 ? raw2 : raw1;
    console.log(
      `verifyBundle workers=${workers} compliance=${compliance}: ${Math.round(out.rate)} events/s (${(out.ms / 1000).toFixed(2)} s, ${Math.round((100 * out.rate) / ceiling)} % of raw on ${workers === 2 ? 2 : 1} core${workers === 2 ? 's' : ''}; ` +
        `${out.errors} errors${out.errors ? ': ' + out.codes.join(',') : ''}; rss ${Math.round(out.rss / 1e6)} MB)`,
    );
  }
}
