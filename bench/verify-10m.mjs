#!/usr/bin/env node
// The streamed verification curve: a valid bundle of 10k, 100k, 1M and (opt-in) 10M events,
// written streamed (never the whole log in memory; signed on worker threads), then verified with
// `verifyBundle` — the same call as `hoso verify --bundle` — in a fresh child process per size,
// printing time, events/s and peak RSS. Memory must be flat and time linear.
//
// The history is the growth benchmark's: a school set up through the ledger (genesis, staff, keys,
// roles, class 10A1), then the homeroom teacher's biography updates of its students, signed and
// chained as the ledger would, so the whole bundle passes the compliance replay too.
//
//   node bench/verify-10m.mjs [--sizes 10000,100000,1000000,10000000] [--compliance both|on|off]
//                             [--students 45] [--sign-workers 2] [--workers N] [--json out.json]
// Default sizes 10k,100k,1M; add 10000000 for the 10M point (≈ 6.5 GB of temporary file, and
// about 20 minutes on 2 cores). `--compliance both` verifies each size twice: integrity and
// authenticity only, then with the compliance replay.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const LEDGER = 'stream-school';
const SEAL_SEED = new Uint8Array(32).map((_, i) => (i * 29 + 7) & 0xff);

/**
 * @typedef {{ i: number, student: string, rev: number, prev: string | null, at: string }} Item
 * @typedef {{ id: number, items: Item[] }} Task
 * @typedef {{ id: number, out: Uint8Array, leaves: Uint8Array }} Signed
 * @typedef {{ rootKeys: string[], sealKeys: string[] }} Trust
 * @typedef {{ size: number, seconds: number, bytes: number, peakMiB: number, trust: Trust }} Written
 * @typedef {{ seconds: number, peakMiB: number, heapMiB: number, size: number, ok: boolean, verdict: string,
 *   errors: number, codes: string[], workers: number }} Verified
 */

// ---- signing worker ------------------------------------------------------------------------------
// Signs a slice of one wave (one event per stream) and returns the lines and leaf hashes in one
// transferred buffer each.
if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  const core = await import('@hoso/core');
  const { person } = await import('@hoso/ledger/testing');
  const homeroom = person('gvcn-10a1');
  const key = core.toBase64Url(homeroom.signer.publicKey);
  /** @type {unknown} */
  const data = workerData;
  const { year, cls } = /** @type {{ year: string, cls: string }} */ (data);
  const nl = new Uint8Array([10]);
  const sign = async (/** @type {Task} */ task) => {
    /** @type {Uint8Array[]} */
    const chunks = [];
    const leaves = new Uint8Array(task.items.length * 32);
    let bytes = 0;
    for (let j = 0; j < task.items.length; j++) {
      const { i, student, rev, prev, at } = /** @type {Item} */ (task.items[j]);
      const { bytes: line } = await core.signEnvelopeBytes(
        {
          v: 1,
          id: core.newEventId(),
          ledger: LEDGER,
          stream: `student/${student}`,
          rev,
          prev,
          type: 'BiographyChanged',
          data: {
            student,
            year,
            class: cls,
            changes: { address: `Số ${i} đường Lê Lợi, phường Bến Nghé, Quận 1` },
            reason: 'Cập nhật địa chỉ',
          },
          at,
          by: { key, role: 'homeroom' },
        },
        [{ signer: homeroom.signer, role: 'homeroom' }],
      );
      leaves.set(core.leafHash(line), j * 32);
      chunks.push(line, nl);
      bytes += line.length + 1;
    }
    const out = new Uint8Array(bytes);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    port.postMessage({ id: task.id, out, leaves }, [out.buffer, leaves.buffer]);
  };
  port.on('message', (/** @type {Task} */ task) => void sign(task));
}

const peakMiB = () => process.resourceUsage().maxRSS / 1024;
const seconds = (/** @type {bigint} */ t0) => Number(process.hrtime.bigint() - t0) / 1e9;

/**
 * Child: write a bundle of `size` events at `path`, streamed; print one JSON line.
 * @param {string} path
 * @param {number} size
 * @param {number} students
 * @param {number} signWorkers
 */
async function childWrite(path, size, students, signWorkers) {
  const core = await import('@hoso/core');
  const { buildSchool } = await import('@hoso/ledger/testing');
  const { formatBundleHeader, formatCheckpointLine, originOf } = await import('@hoso/verify');
  const t0 = process.hrtime.bigint();
  const school = await buildSchool({ ledger: LEDGER, students });
  const setupSize = await school.store.size(LEDGER);
  if (setupSize > size) throw new Error(`the school's setup alone has ${setupSize} events`);
  const fd = openSync(path, 'w');
  const range = core.CompactRange.empty();
  let written = 0;
  const put = (/** @type {Uint8Array} */ b) => {
    let done = 0;
    while (done < b.length) done += writeSync(fd, b, done, b.length - done, null);
    written += b.length;
  };
  put(Buffer.from(formatBundleHeader(originOf(LEDGER), size) + '\n'));
  for await (const e of school.store.read(LEDGER, { from: 0, to: setupSize })) {
    put(e.bytes);
    put(Buffer.from('\n'));
    range.append(core.leafHash(e.bytes));
  }
  /** @type {Map<string, { rev: number, prev: string | null }>} */
  const heads = new Map();
  for (const st of school.students) {
    const h = await school.store.streamHead(LEDGER, `student/${st}`);
    heads.set(st, h === null ? { rev: -1, prev: null } : { rev: h.rev, prev: core.toHex(h.leafHash) });
  }
  const self = fileURLToPath(import.meta.url);
  const workers = Array.from(
    { length: signWorkers },
    () => new Worker(self, { workerData: { year: school.year, cls: school.cls } }),
  );
  /** @type {Map<number, (r: Signed | { error: Error }) => void>} */
  const pending = new Map();
  let nextTask = 0;
  for (const w of workers) {
    w.on('message', (/** @type {Signed} */ m) => {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    });
    w.on('error', (e) => {
      for (const resolve of pending.values()) resolve({ error: e });
    });
  }
  const run = (/** @type {Worker} */ w, /** @type {Item[]} */ items) =>
    /** @type {Promise<Signed | { error: Error }>} */ (
      new Promise((resolve) => {
        const id = nextTask++;
        pending.set(id, resolve);
        w.postMessage({ id, items });
      })
    );
  let clock = Date.parse('2024-10-01T01:00:00Z');
  let position = setupSize;
  while (position < size) {
    // One wave: the next event of each stream (they chain only to the previous wave).
    const n = Math.min(students, size - position);
    /** @type {Item[]} */
    const items = [];
    for (let j = 0; j < n; j++) {
      const student = /** @type {string} */ (school.students[j]);
      const h = /** @type {{ rev: number, prev: string | null }} */ (heads.get(student));
      items.push({
        i: position + j,
        student,
        rev: h.rev + 1,
        prev: h.prev,
        at: new Date((clock += 50)).toISOString().replace('Z', '+00:00'),
      });
    }
    const per = Math.ceil(n / workers.length);
    const parts = await Promise.all(
      workers.map((w, k) =>
        k * per < n
          ? run(w, items.slice(k * per, (k + 1) * per))
          : Promise.resolve({ id: -1, out: new Uint8Array(0), leaves: new Uint8Array(0) }),
      ),
    );
    let j = 0;
    for (const p of parts) {
      if ('error' in p) throw p.error;
      put(p.out);
      for (let k = 0; k < p.leaves.length; k += 32, j++) {
        const leaf = p.leaves.subarray(k, k + 32);
        range.append(leaf);
        const it = /** @type {Item} */ (items[j]);
        heads.set(it.student, { rev: it.rev, prev: core.toHex(leaf) });
      }
    }
    position += n;
  }
  await Promise.all(workers.map((w) => w.terminate()));
  const seal = { name: originOf(LEDGER), seed: SEAL_SEED };
  const note = core.signCheckpoint({ origin: originOf(LEDGER), size, root: range.root() }, seal);
  put(Buffer.from(formatCheckpointLine(note) + '\n'));
  closeSync(fd);
  const trust = {
    rootKeys: [school.people.principal.key],
    sealKeys: [core.formatVerifierKey(seal.name, core.localSigner(SEAL_SEED).publicKey)],
  };
  process.stdout.write(
    JSON.stringify({ size, seconds: seconds(t0), bytes: written, peakMiB: peakMiB(), trust }) + '\n',
  );
}

/**
 * Child: verify the bundle at `path`; print one JSON line.
 * @param {string} path
 * @param {Trust} trust
 * @param {boolean} compliance
 * @param {number | undefined} workers
 */
async function childVerify(path, trust, compliance, workers) {
  const { verifyBundle } = await import('@hoso/verify');
  const t0 = process.hrtime.bigint();
  const r = await verifyBundle(path, { trust, compliance, ...(workers === undefined ? {} : { workers }) });
  const dt = seconds(t0);
  if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left));
  const errors = r.right.findings.filter((f) => f.severity === 'error');
  process.stdout.write(
    JSON.stringify({
      seconds: dt,
      peakMiB: peakMiB(),
      heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
      size: r.right.size,
      ok: r.right.ok,
      verdict: r.right.verdict,
      errors: errors.length,
      codes: [...new Set(errors.map((f) => f.code))],
      workers: r.right.stats.workers,
    }) + '\n',
  );
}

if (isMainThread) {
  const { values: opts, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      sizes: { type: 'string', default: '10000,100000,1000000' },
      compliance: { type: 'string', default: 'both' },
      students: { type: 'string', default: '45' },
      'sign-workers': { type: 'string', default: String(Math.max(1, cpus().length)) },
      workers: { type: 'string' },
      json: { type: 'string' },
      child: { type: 'string' },
    },
  });
  if (opts.child === 'write') {
    await childWrite(positionals[0] ?? '', Number(positionals[1]), Number(opts.students), Number(opts['sign-workers']));
    process.exit(0);
  }
  if (opts.child === 'verify') {
    /** @type {unknown} */
    const trust = JSON.parse(positionals[1] ?? '{}');
    await childVerify(
      positionals[0] ?? '',
      /** @type {Trust} */ (trust),
      positionals[2] === 'on',
      opts.workers === undefined ? undefined : Number(opts.workers),
    );
    process.exit(0);
  }

  const sizes = opts.sizes.split(',').map(Number);
  const modes = opts.compliance === 'both' ? ['off', 'on'] : [opts.compliance];
  const self = fileURLToPath(import.meta.url);
  /** @type {(args: string[]) => unknown} */
  const runChild = (args) => {
    const r = spawnSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');
  };
  console.log(
    `hoso streamed verification — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  console.log(
    `bundles written streamed (${opts['sign-workers']} signing threads), verified with verifyBundle in a fresh process each\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'hoso-verify-curve-'));
  /** @type {Array<{ size: number, compliance: string, write: Written, verify: Verified }>} */
  const rows = [];
  const f1 = (/** @type {number} */ x) => x.toFixed(1);
  const k = (/** @type {number} */ x) => Math.round(x).toLocaleString('en-US');
  try {
    for (const size of sizes) {
      const path = join(dir, `b${size}.hoso`);
      const w = /** @type {Written} */ (
        runChild([
          '--child',
          'write',
          '--students',
          opts.students,
          '--sign-workers',
          opts['sign-workers'],
          path,
          String(size),
        ])
      );
      console.log(
        `${k(size).padStart(10)} events: written in ${f1(w.seconds)} s (${k(size / w.seconds)}/s), ${f1(statSync(path).size / 2 ** 20)} MiB, writer peak RSS ${k(w.peakMiB)} MiB`,
      );
      for (const mode of modes) {
        const v = /** @type {Verified} */ (
          runChild([
            '--child',
            'verify',
            ...(opts.workers === undefined ? [] : ['--workers', opts.workers]),
            path,
            JSON.stringify(w.trust),
            mode,
          ])
        );
        console.log(
          `${''.padStart(17)} verify (compliance ${mode}, ${v.workers} worker${v.workers === 1 ? '' : 's'}): ${f1(v.seconds)} s, ${k(size / v.seconds)} events/s, peak RSS ${k(v.peakMiB)} MiB, ${v.verdict}${v.ok ? '' : `: ${v.errors} errors (${v.codes.join(', ')})`}`,
        );
        rows.push({ size, compliance: mode, write: w, verify: v });
      }
      rmSync(path, { force: true });
    }
    console.log('\nevents       compliance   write s   verify s   events/s   peak RSS MiB   ok');
    for (const r of rows)
      console.log(
        [
          k(r.size).padEnd(12),
          r.compliance.padEnd(10),
          f1(r.write.seconds).padStart(9),
          f1(r.verify.seconds).padStart(10),
          k(r.size / r.verify.seconds).padStart(10),
          k(r.verify.peakMiB).padStart(14),
          String(r.verify.ok).padStart(5),
        ].join(' '),
      );
    if (opts.json)
      writeFileSync(opts.json, JSON.stringify({ node: process.version, cpus: cpus().length, rows }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
