#!/usr/bin/env node
// The verifier's speed goals (docs/performance.md, "Verification goals"), measured against their
// baselines in one run:
//   1. CPU per event of `verifyBundle` with 0 workers ÷ libsodium's `crypto_sign_verify_detached`
//      of the same signatures (every signature of every event) on one thread (goal ≤ 1.4×);
//   2. events/s of `verifyBundle` with 2 workers ÷ two raw libsodium threads verifying the same
//      signatures, half each (goal ≥ 0.7× on an idle machine);
//   3. the compliance replay's memory at 100k and 1M events (streamed bundles of the growth
//      history, `bench/verify-10m.mjs`'s writer): peak RSS with compliance minus without, per event.
// 1 and 2 run on a `hoso demo` bundle (a school year; --no-ca, so every signature is Ed25519),
// built once and cached under the temp dir. Every measurement runs in a fresh child process, in
// rounds (each contender once per round), ratios paired per round, medians printed.
//
//   node --expose-gc bench/verify-goals.mjs [--quick] [--students 800] [--rounds 3]
//                                           [--sizes 100000,1000000] [--no-memory] [--json out.json]
// Run after `npx tsc -b`. Prints the load average: figures from a loaded machine are not final.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);

/** CPU seconds of this process (every thread), since `c0`. */
const cpuSeconds = (/** @type {NodeJS.CpuUsage} */ c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/**
 * Every signature check of the bundle's events, packed for a thread: per check u32 message length,
 * the signing bytes, the 32-byte key, the 64-byte signature. Returns one buffer per part, the
 * events split in `parts` runs of about equal size.
 * @param {string} path
 * @param {number} parts
 */
async function packedChecks(path, parts) {
  const core = await import('@hoso/core');
  const text = readFileSync(path);
  /** @type {Array<{ message: Uint8Array, checks: ReadonlyArray<{ publicKey: Uint8Array, signature: Uint8Array }> }>} */
  const events = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    const line = text.subarray(start, end);
    start = end + 1;
    if (line[0] !== 0x7b || line.subarray(0, 14).toString() === '{"checkpoint":') continue;
    const d = core.decodeForVerification(new Uint8Array(line));
    if (d._tag === 'Left' || d.right.signatures._tag === 'Left') continue;
    events.push(d.right.signatures.right);
  }
  const per = Math.ceil(events.length / parts);
  /** @type {Array<{ buf: ArrayBuffer, events: number, sigs: number }>} */
  const out = [];
  for (let p = 0; p < parts; p++) {
    const slice = events.slice(p * per, (p + 1) * per);
    let size = 0;
    let sigs = 0;
    for (const e of slice) {
      size += e.checks.length * (4 + e.message.length + 96);
      sigs += e.checks.length;
    }
    const buf = new ArrayBuffer(size);
    const view = new DataView(buf);
    const bytes = new Uint8Array(buf);
    let o = 0;
    for (const e of slice)
      for (const c of e.checks) {
        view.setUint32(o, e.message.length, true);
        bytes.set(e.message, o + 4);
        o += 4 + e.message.length;
        bytes.set(c.publicKey, o);
        bytes.set(c.signature, o + 32);
        o += 96;
      }
    out.push({ buf, events: slice.length, sigs });
  }
  return { events: events.length, parts: out };
}

/** Verify every packed check with libsodium; throws on a signature that does not verify. */
function verifyPacked(/** @type {ArrayBuffer} */ buf) {
  /** @type {unknown} */
  const loaded = require('sodium-native');
  const sodium =
    /** @type {{ crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean }} */ (loaded);
  const view = new DataView(buf);
  const all = Buffer.from(buf);
  let o = 0;
  let n = 0;
  while (o < all.length) {
    const len = view.getUint32(o, true);
    const msg = all.subarray(o + 4, o + 4 + len);
    o += 4 + len;
    if (!sodium.crypto_sign_verify_detached(all.subarray(o + 32, o + 96), msg, all.subarray(o, o + 32)))
      throw new Error(`signature ${n} does not verify`);
    o += 96;
    n++;
  }
  return n;
}

// ---- raw libsodium thread: waits for "go", verifies its part, answers with its CPU time --------
if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  /** @type {unknown} */
  const data = workerData;
  const { buf } = /** @type {{ buf: ArrayBuffer }} */ (data);
  port.once('message', () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const n = verifyPacked(buf);
    port.postMessage({ n, ms: performance.now() - t0, cpu: process.cpuUsage(c0) });
  });
  port.postMessage('ready');
}

/**
 * Child: raw libsodium on the demo's signatures. `threads` 1: this thread, CPU per event;
 * 2: two worker threads started together, half the events each, wall-clock events/s.
 * @param {string} path
 * @param {number} threads
 */
async function childRaw(path, threads) {
  const { events, parts } = await packedChecks(path, threads);
  const sigs = parts.reduce((a, p) => a + p.sigs, 0);
  if (threads === 1) {
    verifyPacked(parts[0]?.buf ?? new ArrayBuffer(0)); // warm-up
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    verifyPacked(parts[0]?.buf ?? new ArrayBuffer(0));
    const seconds = (performance.now() - t0) / 1000;
    return { events, sigs, seconds, cpu: cpuSeconds(c0) };
  }
  const workers = parts.map((p) => new Worker(self, { workerData: { buf: p.buf } }));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const done = workers.map(
    (w) =>
      new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }),
  );
  for (const w of workers) w.postMessage('go');
  await Promise.all(done);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  await Promise.all(workers.map((w) => w.terminate()));
  return { events, sigs, seconds, cpu };
}

/**
 * Child: `verifyBundle` of the demo bundle; wall and CPU seconds (all threads of the process).
 * @param {string} path
 * @param {import('@hoso/verify').TrustAnchors} trust
 * @param {number} workers
 * @param {boolean} compliance
 */
async function childVerify(path, trust, workers, compliance) {
  const { verifyBundle } = await import('@hoso/verify');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await verifyBundle(path, { trust, workers, compliance });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
  return { events: r.right.size, seconds, cpu, ok: r.right.ok, verdict: r.right.verdict };
}

/** The demo bundle of `students` (built once, cached) and its trust anchors. */
function demoBundle(/** @type {number} */ students) {
  const dir = join(tmpdir(), 'hoso-bench-cache', `verify-goals-demo-${students}`);
  const bundle = join(dir, 'ledger.hoso');
  if (!existsSync(join(dir, 'done'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      [
        join(here, '..', 'packages/cli/bin/hoso.mjs'),
        'demo',
        '--dir',
        dir,
        '--students',
        String(students),
        '--no-print',
        '--no-ca',
        '--quiet',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
    );
    if (r.status !== 0) throw new Error(`hoso demo failed: ${r.stderr}`);
    writeFileSync(join(dir, 'done'), '');
    console.log(`built the demo bundle (${students} students) in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${dir}`);
  } else console.log(`demo bundle (${students} students), cached: ${dir}`);
  const key = (/** @type {string} */ f) => readFileSync(join(dir, f), 'utf8').trim();
  return {
    bundle,
    trust: { rootKeys: [key('root.key.pub')], sealKeys: [key('seal.vkey')], witnessKeys: [key('witness.vkey')] },
  };
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

if (isMainThread) {
  const { values: opts, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      students: { type: 'string' },
      rounds: { type: 'string' },
      sizes: { type: 'string' },
      'no-memory': { type: 'boolean', default: false },
      json: { type: 'string' },
      child: { type: 'string' },
    },
  });
  if (opts.child !== undefined) {
    const [path = '', a = '', b = '', c = ''] = positionals;
    /** @type {unknown} */
    const trust = opts.child === 'raw' ? null : JSON.parse(a);
    const out =
      opts.child === 'raw'
        ? await childRaw(path, Number(a))
        : await childVerify(
            path,
            /** @type {import('@hoso/verify').TrustAnchors} */ (trust),
            Number(b),
            c === 'on',
          );
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exit(0);
  }

  const students = Number(opts.students ?? (opts.quick ? 160 : 800));
  const rounds = Number(opts.rounds ?? (opts.quick ? 1 : 3));
  const sizes = (opts.sizes ?? (opts.quick ? '20000,100000' : '100000,1000000')).split(',').map(Number);
  /**
   * @typedef {{ events: number, seconds: number, cpu: number, sigs?: number, ok?: boolean, verdict?: string }} Run
   * @typedef {{ peakMiB: number, ok: boolean }} CurvePoint
   * @type {(script: string, args: string[]) => unknown}
   */
  const child = (script, args) => {
    const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
    return /** @type {unknown} */ (JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null'));
  };
  console.log(
    `verification goals — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${load()}`,
  );
  const demo = demoBundle(students);
  const trust = JSON.stringify(demo.trust);
  /** @type {Record<string, Run[]>} */
  const runs = { raw1: [], raw2: [], v0: [], v0c: [], v2: [], v2c: [] };
  for (let r = 0; r < rounds; r++) {
    const run = (/** @type {string} */ k, /** @type {string[]} */ args) =>
      runs[k]?.push(/** @type {Run} */ (child(self, ['--child', ...args])));
    run('raw1', ['raw', demo.bundle, '1']);
    run('v0', ['verify', demo.bundle, trust, '0', 'off']);
    run('v0c', ['verify', demo.bundle, trust, '0', 'on']);
    run('raw2', ['raw', demo.bundle, '2']);
    run('v2', ['verify', demo.bundle, trust, '2', 'off']);
    run('v2c', ['verify', demo.bundle, trust, '2', 'on']);
    console.log(`round ${r + 1}/${rounds} done (load average ${load()})`);
  }
  const at = (/** @type {string} */ k, /** @type {number} */ i) => /** @type {Run} */ (runs[k]?.[i]);
  const events = at('v0', 0).events;
  for (const k of Object.keys(runs)) {
    const bad = runs[k]?.find((x) => x.ok === false);
    if (bad !== undefined) throw new Error(`${k}: the demo bundle did not verify (${bad.verdict})`);
  }
  const us = (/** @type {Run} */ x) => (1e6 * x.cpu) / x.events;
  const rate = (/** @type {Run} */ x) => x.events / x.seconds;
  const idx = Array.from({ length: rounds }, (_, i) => i);
  const rows = [
    ['raw libsodium, 1 thread: CPU µs per event', median(idx.map((i) => us(at('raw1', i))))],
    ['verifyBundle 0 workers (integrity + authenticity): CPU µs per event', median(idx.map((i) => us(at('v0', i))))],
    ['  ÷ raw (goal ≤ 1.4×)', median(idx.map((i) => us(at('v0', i)) / us(at('raw1', i))))],
    ['verifyBundle 0 workers, + compliance: CPU µs per event', median(idx.map((i) => us(at('v0c', i))))],
    ['  ÷ raw', median(idx.map((i) => us(at('v0c', i)) / us(at('raw1', i))))],
    ['raw libsodium, 2 threads: events/s', median(idx.map((i) => rate(at('raw2', i))))],
    ['verifyBundle 2 workers (integrity + authenticity): events/s', median(idx.map((i) => rate(at('v2', i))))],
    ['  ÷ raw 2 threads (goal ≥ 0.7×)', median(idx.map((i) => rate(at('v2', i)) / rate(at('raw2', i))))],
    ['  CPU µs per event (all threads)', median(idx.map((i) => us(at('v2', i))))],
    ['verifyBundle 2 workers, + compliance: events/s', median(idx.map((i) => rate(at('v2c', i))))],
    ['  ÷ raw 2 threads', median(idx.map((i) => rate(at('v2c', i)) / rate(at('raw2', i))))],
  ];
  console.log(
    `\n${events.toLocaleString('en-US')} events, ${(at('raw1', 0).sigs ?? 0).toLocaleString('en-US')} signatures; medians of ${rounds} round(s)`,
  );
  for (const [what, v] of rows)
    console.log(
      `${String(what).padEnd(72)} ${Number(v) >= 100 ? Math.round(Number(v)).toLocaleString('en-US') : Number(v).toFixed(2)}`,
    );

  /** @type {Array<{ size: number, off: CurvePoint, on: CurvePoint }>} */
  const memory = [];
  if (!opts['no-memory']) {
    // The growth history (a class of 45, then signed biography updates), streamed; cached too.
    const curve = join(here, 'verify-10m.mjs');
    const cache = join(tmpdir(), 'hoso-bench-cache');
    mkdirSync(cache, { recursive: true });
    console.log('\ncompliance replay memory (verify-10m history, 1 worker, peak RSS of a fresh process)');
    for (const size of sizes) {
      const path = join(cache, `verify-goals-stream-${size}.hoso`);
      const meta = `${path}.json`;
      if (!existsSync(meta)) {
        const w = child(curve, ['--child', 'write', '--students', '45', '--sign-workers', '2', path, String(size)]);
        writeFileSync(meta, JSON.stringify(w));
      }
      /** @type {unknown} */
      const parsed = JSON.parse(readFileSync(meta, 'utf8'));
      const w = /** @type {{ trust: unknown }} */ (parsed);
      const t = JSON.stringify(w.trust);
      const off = /** @type {CurvePoint} */ (child(curve, ['--child', 'verify', path, t, 'off']));
      const on = /** @type {CurvePoint} */ (child(curve, ['--child', 'verify', path, t, 'on']));
      if (!on.ok || !off.ok) throw new Error(`the ${size}-event bundle did not verify`);
      memory.push({ size, off, on });
      console.log(
        `${size.toLocaleString('en-US').padStart(10)} events: peak RSS ${Math.round(off.peakMiB)} MiB without compliance, ${Math.round(on.peakMiB)} MiB with; compliance ${(((on.peakMiB - off.peakMiB) * 2 ** 20) / size).toFixed(1)} B/event (load average ${load()})`,
      );
    }
    const [a, b] = [memory[0], memory[memory.length - 1]];
    if (a !== undefined && b !== undefined && b.size > a.size)
      console.log(
        `growth ${a.size.toLocaleString('en-US')} → ${b.size.toLocaleString('en-US')}: with compliance ${(((b.on.peakMiB - a.on.peakMiB) * 2 ** 20) / (b.size - a.size)).toFixed(1)} B per added event, without ${(((b.off.peakMiB - a.off.peakMiB) * 2 ** 20) / (b.size - a.size)).toFixed(1)} B (flat: near 0)`,
      );
  }
  console.log(`load average at the end ${load()}`);
  if (opts.json)
    writeFileSync(opts.json, JSON.stringify({ node: process.version, load: loadavg(), runs, memory }, null, 2));
}
