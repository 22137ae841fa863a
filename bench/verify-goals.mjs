#!/usr/bin/env node
// The verification goals on a `hoso demo` school year, from one run: CPU per event of
// `verifyBundle` (what `hoso verify --bundle` runs) against the Ed25519 verification of the same
// bundle's signatures alone (libsodium), and the 2-worker rate against two raw libsodium threads.
// Each measurement runs in a fresh child process, in turns (raw, 0 workers, raw ×2, 2 workers),
// `--rounds` times; medians are printed with the load average.
//   node bench/verify-goals.mjs [students] [--rounds N] [--bundle <demo dir>]   (after `npx tsc -b`)
// Without --bundle the demo is written once into a cache under the system's temp folder
// (`hoso-bench-demo-<students>`; never in the repository) and reused by later runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'packages', 'core', 'package.json'));

/** The signatures of every event line: message, key and signature bytes, decoded before timing. */
async function signatures(/** @type {string} */ bundle) {
  const { decodeForVerification, utf8 } = await import('@hoso/core');
  const lines = readFileSync(bundle, 'utf8').split('\n');
  const size = /** @type {{ size: number }} */ (JSON.parse(lines[0] ?? '{}')).size;
  /** @type {Array<[Uint8Array, Uint8Array, Uint8Array]>} */
  const out = [];
  for (let i = 1; i <= size; i++) {
    const d = decodeForVerification(utf8.encode(lines[i] ?? ''));
    if (d._tag === 'Left' || d.right.signatures._tag === 'Left') throw new Error(`event line ${i} does not decode`);
    const { message, checks } = d.right.signatures.right;
    for (const c of checks) out.push([message, c.publicKey, c.signature]);
  }
  return { size, out };
}

/** Verify triples [from, to) with libsodium; throws on a signature that fails. */
function verifyRange(/** @type {Array<[Uint8Array, Uint8Array, Uint8Array]>} */ sigs, from = 0, to = sigs.length) {
  const sodium = require('sodium-native');
  for (let i = from; i < to; i++) {
    const [m, k, s] = /** @type {[Uint8Array, Uint8Array, Uint8Array]} */ (sigs[i]);
    if (!sodium.crypto_sign_verify_detached(Buffer.from(s.buffer, s.byteOffset, 64), Buffer.from(m.buffer, m.byteOffset, m.byteLength), Buffer.from(k.buffer, k.byteOffset, 32)))
      throw new Error(`signature ${i} fails`);
  }
}

if (!isMainThread) {
  const { sigs, from, to } = /** @type {{ sigs: Array<[Uint8Array, Uint8Array, Uint8Array]>, from: number, to: number }} */ (workerData);
  parentPort?.once('message', () => {
    verifyRange(sigs, from, to);
    parentPort?.postMessage('done');
  });
} else if (process.argv[2] === '--child') {
  const [mode = '', dir = ''] = process.argv.slice(3);
  const bundle = join(dir, 'ledger.hoso');
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  };
  if (mode.startsWith('raw')) {
    const threads = mode === 'raw2' ? 2 : 1;
    const { size, out } = await signatures(bundle);
    const t0 = performance.now();
    const c0 = cpu();
    if (threads === 1) verifyRange(out);
    else {
      const half = Math.ceil(out.length / 2);
      const ws = [0, 1].map((k) => new Worker(fileURLToPath(import.meta.url), { workerData: { sigs: out, from: k * half, to: Math.min(out.length, (k + 1) * half) } }));
      await Promise.all(ws.map((w) => new Promise((r) => w.once('online', r))));
      const t1 = performance.now();
      const c1 = cpu();
      await Promise.all(ws.map((w) => new Promise((r) => { w.once('message', r); w.postMessage('go'); })));
      const ms = performance.now() - t1;
      console.log(JSON.stringify({ size, signatures: out.length, ms, cpuMs: cpu() - c1 }));
      await Promise.all(ws.map((w) => w.terminate()));
      process.exit(0);
    }
    console.log(JSON.stringify({ size, signatures: out.length, ms: performance.now() - t0, cpuMs: cpu() - c0 }));
    process.exit(0);
  }
  const { verifyBundle } = await import('@hoso/verify');
  const text = (/** @type {string} */ f) => readFileSync(join(dir, f), 'utf8').trim();
  const trust = {
    rootKeys: [text('root.key.pub')],
    sealKeys: [text('seal.vkey')],
    witnessKeys: [text('witness.vkey')],
    ...(existsSync(join(dir, 'ca-root.pem')) ? { certificates: [text('ca-root.pem')] } : {}),
  };
  const t0 = performance.now();
  const c0 = cpu();
  const r = await verifyBundle(bundle, { trust, workers: Number(mode) });
  const ms = performance.now() - t0;
  const cpuMs = cpu() - c0;
  if (r._tag === 'Left') throw new Error(r.left.message);
  console.log(JSON.stringify({ size: r.right.size, verdict: r.right.verdict, ms, cpuMs, rss: process.memoryUsage().rss }));
  process.exit(0);
} else {
  const args = process.argv.slice(2);
  const opt = (/** @type {string} */ n) => {
    const i = args.indexOf(n);
    return i < 0 ? undefined : args.splice(i, 2)[1];
  };
  const rounds = Number(opt('--rounds') ?? 3);
  const given = opt('--bundle');
  const students = Number(args[0] ?? 1500);
  const dir = given ?? join(tmpdir(), `hoso-bench-demo-${students}`);
  if (!existsSync(join(dir, 'ledger.hoso'))) {
    console.log(`writing the demo (${students} students) into ${dir} …`);
    execFileSync(process.execPath, [join(here, '..', 'packages/cli/bin/hoso.mjs'), 'demo', '--dir', dir, '--students', String(students), '--no-print', '--quiet'], { stdio: 'inherit' });
  }
  const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
  console.log(`verification goals on ${dir} (load average ${load()})`);
  const child = (/** @type {string} */ mode) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${mode}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  };
  /** @type {Record<string, any[]>} */
  const runs = { raw1: [], w0: [], raw2: [], w2: [] };
  for (let k = 0; k < rounds; k++) {
    runs.raw1?.push(child('raw1'));
    runs.w0?.push(child('0'));
    runs.raw2?.push(child('raw2'));
    runs.w2?.push(child('2'));
  }
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const size = runs.w0?.[0].size;
  const sigs = runs.raw1?.[0].signatures;
  const perEvent = (/** @type {any[]} */ xs) => median(xs.map((x) => (x.cpuMs * 1000) / size));
  const rate = (/** @type {any[]} */ xs) => median(xs.map((x) => size / (x.ms / 1000)));
  const f = (/** @type {number} */ x, d = 1) => x.toLocaleString('en-US', { maximumFractionDigits: d });
  console.log(`${f(size, 0)} events, ${f(sigs, 0)} signatures; medians of ${rounds} rounds`);
  const ed = perEvent(runs.raw1 ?? []);
  const v0 = perEvent(runs.w0 ?? []);
  const v2 = perEvent(runs.w2 ?? []);
  console.log(`  Ed25519 alone (libsodium, 1 thread)       ${f(ed)} µs CPU/event   ${f(rate(runs.raw1 ?? []), 0)} events/s`);
  console.log(`  verifyBundle, 0 workers                   ${f(v0)} µs CPU/event   ${f(rate(runs.w0 ?? []), 0)} events/s   ÷ Ed25519 ${f(v0 / ed, 2)}×`);
  console.log(`  verifyBundle, 2 workers (all threads)     ${f(v2)} µs CPU/event   ${f(rate(runs.w2 ?? []), 0)} events/s   ÷ Ed25519 ${f(v2 / ed, 2)}×`);
  const r2 = rate(runs.raw2 ?? []);
  const ratios = (runs.w2 ?? []).map((w, k) => (runs.raw2?.[k].ms ?? NaN) / w.ms);
  console.log(`  two raw libsodium threads                 ${f(r2, 0)} events/s`);
  console.log(`  2 workers ÷ two raw threads (paired)      ${f(median(ratios), 2)}×`);
  console.log(`  peak RSS (end of verifyBundle), 0 / 2 workers: ${f(median((runs.w0 ?? []).map((x) => x.rss / 2 ** 20)), 0)} / ${f(median((runs.w2 ?? []).map((x) => x.rss / 2 ** 20)), 0)} MiB`);
  console.log(`(load average ${load()})`);
}
