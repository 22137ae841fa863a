// Ad hoc benchmark of bundle verification (run after `npx tsc -b packages/verify`):
//   node packages/verify/bench/verify-bench.mjs [events]
// Builds a bundle of signed, chained, catalogue-valid events in a temp dir, then times
// verifyBundle with 0, 1 and 2 worker threads against the raw libsodium verify rate.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  backend, encodeEnvelope, formatVerifierKey, leafHash, localSigner, merkleRoot, signCheckpoint, signingBytes, decodeEnvelope, toBase64Url, toHex, newEventId, signEnvelope,
} from '@hoso/core';
import { formatBundleHeader, formatCheckpointLine, originOf, verifyBundle } from '@hoso/verify';

const N = Number(process.argv[2] ?? 50000);
const ledger = 'bench-school';
const seed = (k) => new Uint8Array(32).map((_, i) => (i * 13 + k * 7 + 1) & 0xff);
const rootSigner = localSigner(seed(1));
const root = { signer: rootSigner, key: toBase64Url(rootSigner.publicKey) };
const heads = new Map();
const lines = [];
const leaves = [];
let t = Date.parse('2024-09-05T00:00:00Z');
async function add(stream, type, data) {
  const h = heads.get(stream);
  const env = await signEnvelope({ v: 1, id: newEventId(), ledger, stream, rev: h ? h.rev + 1 : 0, prev: h ? h.leaf : null, type, data, at: new Date((t += 1000)).toISOString(), by: { key: root.key, role: 'leader' } }, [{ signer: root.signer, role: 'leader' }]);
  const bytes = encodeEnvelope(env);
  const leaf = leafHash(bytes);
  heads.set(stream, { rev: env.rev, leaf: toHex(leaf) });
  lines.push(Buffer.from(bytes).toString());
  leaves.push(leaf);
}
const t0 = performance.now();
await add('school', 'SchoolFounded', { school: ledger, name: 'Bench', levels: ['upper-secondary'], leader: { person: 'p0', name: 'P' }, rootKey: root.key, timeZone: 'Asia/Ho_Chi_Minh' });
for (let i = 1; i < N; i++) {
  const s = i % 1500;
  if (i <= 1500) await add(`student/hs${s}`, 'StudentRegistered', { student: `hs${s}`, year: '2024-2025', class: '10a1', bio: { name: `Học sinh ${s}`, birthDate: '2009-01-01', sex: 'F' } });
  else await add(`student/hs${s}`, 'BiographyChanged', { student: `hs${s}`, year: '2024-2025', class: '10a1', changes: { address: `Số ${i} đường Lê Lợi, phường Bến Nghé` }, reason: 'Cập nhật' });
}
const seal = { name: originOf(ledger), seed: seed(9) };
const note = signCheckpoint({ origin: originOf(ledger), size: N, root: merkleRoot(leaves) }, seal);
const dir = mkdtempSync(join(tmpdir(), 'hoso-bench-'));
const path = join(dir, 'bench.hoso');
writeFileSync(path, [formatBundleHeader(originOf(ledger), N), ...lines, formatCheckpointLine(note)].join('\n') + '\n');
console.log(`built ${N} events in ${((performance.now() - t0) / 1000).toFixed(1)} s -> ${path}`);

// Raw libsodium verify rate on the same messages (one core).
const sodium = createRequire(import.meta.url)('sodium-native');
const sample = lines.slice(0, Math.min(N, 20000)).map((l) => {
  const e = decodeEnvelope(new Uint8Array(Buffer.from(l)));
  return { msg: Buffer.from(signingBytes(e.right)), sig: Buffer.from(e.right.sigs[0].sig, 'base64url'), pk: Buffer.from(rootSigner.publicKey) };
});
let t1 = performance.now();
for (const s of sample) if (!sodium.crypto_sign_verify_detached(s.sig, s.msg, s.pk)) throw new Error('bad');
console.log(`raw libsodium verify: ${Math.round(sample.length / ((performance.now() - t1) / 1000))} sig/s (1 core)`);
t1 = performance.now();
const be = backend();
for (const s of sample) if (!be.verify(s.pk, s.msg, s.sig)) throw new Error('bad');
console.log(`core backend() verify (${be.name}, strict pre-check): ${Math.round(sample.length / ((performance.now() - t1) / 1000))} sig/s`);

const trust = { rootKeys: [root.key], sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)] };
for (const compliance of [false, true]) {
  for (const workers of [0, 1, 2]) {
    const s0 = performance.now();
    const r = await verifyBundle(path, { trust, workers, compliance });
    const ms = performance.now() - s0;
    const rep = r.right;
    const errs = rep.findings.filter((f) => f.severity === 'error');
    console.log(`verifyBundle workers=${workers} compliance=${compliance}: ${Math.round(N / (ms / 1000))} events/s (${(ms / 1000).toFixed(2)} s, ${errs.length} errors${errs.length ? ': ' + [...new Set(errs.map((e) => e.code))].join(',') : ''}, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB)`);
  }
}
