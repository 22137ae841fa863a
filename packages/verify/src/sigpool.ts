import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { backend, strictPrecheck, type Ed25519Backend } from '@hoso/core';

/** One Ed25519 check to make: 32-byte key, message, 64-byte signature. */
export interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Options for {@link SignaturePool}. */
export interface SignaturePoolOptions {
  /** Worker threads (default 0 = verify on the calling thread). */
  readonly workers?: number;
  /** Signatures per message to a worker (default 256): amortises the message cost. */
  readonly batchSize?: number;
  /** Batches in flight per worker before `submit` waits (default 2): keeps memory flat. */
  readonly queuePerWorker?: number;
  /** Backend for the calling thread and the strict pre-check (default: `backend()` of core). */
  readonly backend?: Ed25519Backend;
}

/**
 * The worker's source. It is evaluated (`eval: true`) rather than loaded from a file so that it
 * runs the same from the compiled package and from the TypeScript sources under test. The calling
 * thread has already applied core's `strictPrecheck` (the one strict rule of every hoso backend),
 * so the worker only does the cofactorless check: with libsodium, or with node:crypto where
 * sodium-native cannot load — the two agree on every input that passed the pre-check.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let verify;
try {
  const s = require(workerData.sodiumPath);
  verify = (pk, msg, sig) => s.crypto_sign_verify_detached(sig, msg, pk);
} catch {
  const c = require('node:crypto');
  const prefix = Buffer.from('302a300506032b6570032100', 'hex');
  const keys = new Map();
  verify = (pk, msg, sig) => {
    const id = pk.toString('hex');
    let k = keys.get(id);
    if (k === undefined) {
      if (keys.size > 4096) keys.clear();
      try { k = c.createPublicKey({ key: Buffer.concat([prefix, pk]), format: 'der', type: 'spki' }); } catch { k = null; }
      keys.set(id, k);
    }
    if (k === null) return false;
    try { return c.verify(null, msg, k, sig); } catch { return false; }
  };
}
parentPort.on('message', (m) => {
  const b = Buffer.from(m.buf);
  const out = new Uint8Array(m.count);
  let o = 0;
  for (let i = 0; i < m.count; i++) {
    const len = b.readUInt32LE(o); o += 4;
    const pk = b.subarray(o, o + 32); o += 32;
    const sig = b.subarray(o, o + 64); o += 64;
    const msg = b.subarray(o, o + len); o += len;
    let ok = false;
    try { ok = verify(pk, msg, sig); } catch { ok = false; }
    out[i] = ok ? 1 : 0;
  }
  parentPort.postMessage({ id: m.id, out }, [out.buffer]);
});
`;

function sodiumPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('sodium-native');
  } catch {
    return null;
  }
}

interface PendingBatch<T> {
  readonly tags: T[];
  readonly checks: SignatureCheck[];
}

/**
 * Verifies Ed25519 signatures on N worker threads in batches, with a bounded queue: `submit`
 * resolves only when there is room, so a producer reading a huge bundle never runs ahead of the
 * workers by more than `workers × queuePerWorker × batchSize` signatures. Each result is handed
 * to `onResult(tag, ok)` in no particular order; `flush()` waits for all of them.
 *
 * Inputs refused by core's strict rule (lengths, non-canonical S, small-order or non-canonical
 * points) are answered false here without a round trip; verification never throws.
 */
export class SignaturePool<T> {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly callbacks = new Map<number, { tags: T[]; resolve: () => void; reject: (e: unknown) => void }>();
  private readonly pendingWork: Promise<void>[] = [];
  private batch: PendingBatch<T> = { tags: [], checks: [] };
  private nextId = 0;
  private readonly batchSize: number;
  private readonly maxPerWorker: number;
  private readonly be: Ed25519Backend;
  private failure: unknown = null;
  private closing = false;
  /** Signatures checked so far. */
  checked = 0;
  private readonly started: number;

  constructor(
    private readonly onResult: (tag: T, ok: boolean) => void,
    options: SignaturePoolOptions = {},
  ) {
    const n = Math.max(0, Math.floor(options.workers ?? 0));
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 256));
    this.maxPerWorker = Math.max(1, Math.floor(options.queuePerWorker ?? 2));
    this.be = options.backend ?? backend();
    this.started = n;
    const path = sodiumPath();
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { sodiumPath: path } });
      w.on('message', (m: { id: number; out: Uint8Array }) => this.onMessage(i, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`signature worker ${i} exited (code ${code})`));
      });
      this.workers.push(w);
      this.inFlight.push(0);
    }
  }

  /** Number of worker threads started (0 = inline). */
  get size(): number {
    return this.started;
  }

  /** Queue one check; resolves when the queue has room again. */
  async submit(tag: T, check: SignatureCheck): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (!strictPrecheck(check.publicKey, check.message, check.signature)) {
      this.checked++;
      this.onResult(tag, false);
      return;
    }
    if (this.workers.length === 0) {
      this.checked++;
      this.onResult(tag, this.be.verify(check.publicKey, check.message, check.signature));
      return;
    }
    this.batch.tags.push(tag);
    this.batch.checks.push(check);
    if (this.batch.checks.length >= this.batchSize) await this.dispatch();
  }

  /** Send the partial batch and wait for every outstanding result. */
  async flush(): Promise<void> {
    if (this.batch.checks.length > 0) await this.dispatch();
    await Promise.all(this.pendingWork);
    this.pendingWork.length = 0;
    if (this.failure !== null) throw this.failure;
  }

  /** Stop the workers. Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true;
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private async dispatch(): Promise<void> {
    const { tags, checks } = this.batch;
    this.batch = { tags: [], checks: [] };
    let w = this.pickWorker();
    while (w < 0) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.failure !== null) throw this.failure;
      w = this.pickWorker();
    }
    let total = 0;
    for (const c of checks) total += 100 + c.message.length;
    const buf = Buffer.allocUnsafe(total);
    let o = 0;
    for (const c of checks) {
      buf.writeUInt32LE(c.message.length, o);
      o += 4;
      buf.set(c.publicKey, o);
      o += 32;
      buf.set(c.signature, o);
      o += 64;
      buf.set(c.message, o);
      o += c.message.length;
    }
    // A fresh ArrayBuffer we can transfer (allocUnsafe may share a pool slab).
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const id = this.nextId++;
    this.inFlight[w] = (this.inFlight[w] ?? 0) + 1;
    const done = new Promise<void>((resolve, reject) => this.callbacks.set(id, { tags, resolve, reject }));
    // Mark as handled: a worker crash rejects every batch, and `flush` reports the first one.
    done.catch(() => undefined);
    this.pendingWork.push(done);
    // Keep the list short: settled promises are dropped as new work arrives.
    if (this.pendingWork.length > this.workers.length * this.maxPerWorker * 4) {
      await Promise.all(this.pendingWork.splice(0, this.pendingWork.length - this.workers.length * this.maxPerWorker));
    }
    this.workers[w]!.postMessage({ id, buf: ab, count: checks.length }, [ab]);
  }

  private pickWorker(): number {
    let best = -1;
    for (let i = 0; i < this.workers.length; i++) {
      const n = this.inFlight[i] ?? 0;
      if (n < this.maxPerWorker && (best < 0 || n < (this.inFlight[best] ?? 0))) best = i;
    }
    return best;
  }

  private onMessage(worker: number, m: { id: number; out: Uint8Array }): void {
    const cb = this.callbacks.get(m.id);
    if (cb === undefined) return;
    this.callbacks.delete(m.id);
    this.inFlight[worker] = (this.inFlight[worker] ?? 1) - 1;
    try {
      for (let i = 0; i < cb.tags.length; i++) {
        this.checked++;
        this.onResult(cb.tags[i]!, m.out[i] === 1);
      }
      cb.resolve();
    } catch (e) {
      cb.reject(e);
    }
    const next = this.waiting.shift();
    if (next !== undefined) next();
  }

  private fail(e: unknown): void {
    this.failure = e;
    for (const cb of this.callbacks.values()) cb.reject(e);
    this.callbacks.clear();
    for (const w of this.waiting.splice(0)) w();
  }
}
