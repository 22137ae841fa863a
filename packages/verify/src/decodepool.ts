import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Why an event line is not a valid envelope (core's `decodeEnvelope` error, as sent back by a worker). */
export interface DecodeProblem {
  readonly code: string;
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
}

/**
 * What a worker found out about one event line, all of it per-event and independent of the
 * others: its leaf hash, whether core's `decodeEnvelope` accepts it (UTF-8, JSON, every field,
 * RFC 8785 canonical form), whether its signatures follow core's structural rule, and the strict
 * Ed25519 verdict of each signature (in `sigs` order).
 */
export type DecodedEvent =
  | { readonly kind: 'invalid'; readonly leaf: Uint8Array; readonly problem: DecodeProblem }
  | {
      readonly kind: 'valid';
      readonly leaf: Uint8Array;
      /** Core's `verifyEnvelopeSignatures` structural error (author, duplicate or unnamed signer), or null. */
      readonly structure: DecodeProblem | null;
      /** One verdict per signature core asked to check (none when `structure` is set). */
      readonly signatures: readonly boolean[];
    };

/** Options for {@link DecodePool}. */
export interface DecodePoolOptions {
  /** Worker threads (at least 1). */
  readonly workers: number;
  /** Events per message to a worker (default 256): one transferred buffer each way per batch. */
  readonly batchSize?: number;
  /** Batches in flight per worker before `submit` waits (default 3): keeps memory flat. */
  readonly queuePerWorker?: number;
}

/**
 * The worker's source, evaluated (`eval: true`) so it runs the same from the compiled package and
 * from the TypeScript sources under test. It loads the compiled `@hoso/core` (resolved by the
 * calling thread) and applies exactly core's functions: `leafHash`, `decodeForVerification`
 * (strict decoding and the signer rules, leaving the Ed25519 checks) and `backend().verify` (the
 * strict rule plus libsodium or node:crypto).
 *
 * Mode `full` — in: `{ id, buf, count }`, `buf` holding `count` × (u32 LE length ‖ bytes); out:
 * `{ id, leaves, status, sigCounts, sigOk, problems }` — leaves 32 bytes per event; status 0
 * valid, 1 invalid; per event the number of signature verdicts and the verdicts themselves;
 * `problems` sparse. Mode `sigs` (the calling thread decoded the batch itself) — in: `count` ×
 * (u32 LE message length ‖ key ‖ signature ‖ message); out: `{ id, sigOk }`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = import(workerData.coreUrl);
function problemOf(e) {
  return { code: e.code, message: e.message, ...(e.path !== undefined ? { path: e.path } : {}) };
}
parentPort.on('message', async (m) => {
  const core = await ready;
  const be = core.backend();
  const data = new Uint8Array(m.buf);
  const view = new DataView(m.buf);
  if (m.mode === 'sigs') {
    const sigOk = new Uint8Array(m.count);
    let o = 0;
    for (let i = 0; i < m.count; i++) {
      const len = view.getUint32(o, true); o += 4;
      const pk = data.subarray(o, o + 32); o += 32;
      const sig = data.subarray(o, o + 64); o += 64;
      const msg = data.subarray(o, o + len); o += len;
      sigOk[i] = be.verify(pk, msg, sig) ? 1 : 0;
    }
    parentPort.postMessage({ id: m.id, sigOk }, [sigOk.buffer]);
    return;
  }
  const leaves = new Uint8Array(m.count * 32);
  const status = new Uint8Array(m.count);
  const sigCounts = new Uint8Array(m.count);
  const verdicts = [];
  const problems = [];
  let o = 0;
  for (let i = 0; i < m.count; i++) {
    const len = view.getUint32(o, true); o += 4;
    const bytes = data.subarray(o, o + len); o += len;
    leaves.set(core.leafHash(bytes), i * 32);
    const d = core.decodeForVerification(bytes);
    if (d._tag === 'Left') { status[i] = 1; problems.push({ i, structure: false, ...problemOf(d.left) }); continue; }
    const s = d.right.signatures;
    if (s._tag === 'Left') { problems.push({ i, structure: true, ...problemOf(s.left) }); continue; }
    const { message, checks } = s.right;
    sigCounts[i] = checks.length;
    for (const c of checks) verdicts.push(be.verify(c.publicKey, message, c.signature) ? 1 : 0);
  }
  const sigOk = Uint8Array.from(verdicts);
  parentPort.postMessage({ id: m.id, leaves, status, sigCounts, sigOk, problems }, [leaves.buffer, status.buffer, sigCounts.buffer, sigOk.buffer]);
});
`;

interface WorkerReply {
  readonly id: number;
  readonly leaves?: Uint8Array;
  readonly status?: Uint8Array;
  readonly sigCounts?: Uint8Array;
  readonly sigOk: Uint8Array;
  readonly problems?: ReadonlyArray<{
    i: number;
    structure: boolean;
    code: string;
    message: string;
    path?: Array<string | number>;
  }>;
}

/** One Ed25519 check to make: 32-byte key, message, 64-byte signature. */
export interface PendingCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * An event the calling thread decoded itself (see {@link DecodePool}): the verdict without the
 * signature arithmetic, the value for the rule passes, and the checks still to make.
 */
export interface LocalDecode<E> {
  readonly decoded: DecodedEvent;
  readonly value: E | undefined;
  readonly checks: readonly PendingCheck[];
}

interface Batch<E> {
  readonly id: number;
  readonly events: Uint8Array[];
  /** Set when the calling thread decoded the batch and the worker only checks signatures. */
  readonly local: Array<LocalDecode<E>> | null;
  reply: WorkerReply | null;
}

function coreUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('@hoso/core')).href;
}

/**
 * Decodes, hashes and signature-checks event lines on N worker threads, in batches sent as one
 * transferred buffer each, and hands the results back **in submission order** to
 * `onEvent(bytes, decoded)` on the calling thread — so the sequential checks (chains, Merkle
 * range, keys, compliance) see events in ledger order while everything per-event runs in
 * parallel. `submit` waits while `workers × queuePerWorker` batches are in flight, so memory is
 * bounded whatever the input size. A worker that fails makes `submit`/`flush` reject.
 */
export class DecodePool<E> {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly queue: Array<Batch<E>> = [];
  private readonly waiting: Array<() => void> = [];
  private current: Uint8Array[] = [];
  private currentBytes = 0;
  private nextId = 0;
  private readonly batchSize: number;
  private readonly maxPerWorker: number;
  private readonly localThreshold: number;
  private failure: unknown = null;
  private closing = false;
  private readonly started: number;

  constructor(
    private readonly onEvent: (bytes: Uint8Array, decoded: DecodedEvent, value: E | undefined) => void,
    private readonly decodeHere: (bytes: Uint8Array) => LocalDecode<E>,
    options: DecodePoolOptions,
  ) {
    const n = Math.max(1, Math.floor(options.workers));
    this.batchSize = Math.max(1, Math.floor(options.batchSize ?? 256));
    this.maxPerWorker = Math.max(1, Math.floor(options.queuePerWorker ?? 3));
    // With 3 batches allowed per worker, "busy" means 2 queued: enough work ahead that decoding
    // here cannot starve a worker (measured best of 1–2 on 2 cores, 1 and 2 workers).
    this.localThreshold = Math.max(1, this.maxPerWorker - 1);
    this.started = n;
    let url: string | null = null;
    try {
      url = coreUrl();
    } catch (e) {
      this.failure = e;
    }
    if (url === null) return;
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { coreUrl: url } });
      w.on('message', (m: WorkerReply) => this.onMessage(i, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`verification worker ${i} exited (code ${code})`));
      });
      this.workers.push(w);
      this.inFlight.push(0);
    }
  }

  /** Number of worker threads. */
  get size(): number {
    return this.started;
  }

  /** Queue one event line; resolves when there is room for more. */
  async submit(bytes: Uint8Array): Promise<void> {
    if (this.failure !== null) throw this.failure;
    this.current.push(bytes);
    this.currentBytes += bytes.length;
    if (this.current.length >= this.batchSize) await this.dispatch();
  }

  /** Send the partial batch and wait until every submitted event has been handed to `onEvent`. */
  async flush(): Promise<void> {
    if (this.current.length > 0) await this.dispatch();
    while (this.queue.length > 0 && this.failure === null)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure !== null) throw this.failure;
  }

  /** Stop the workers. Safe to call twice. */
  async close(): Promise<void> {
    this.closing = true;
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private async dispatch(): Promise<void> {
    const events = this.current;
    const total = this.currentBytes;
    this.current = [];
    this.currentBytes = 0;
    let w = this.pickWorker();
    while (w < 0) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.failure !== null) throw this.failure;
      w = this.pickWorker();
    }
    // Balance the per-event work: while every worker already has a batch queued, the workers are
    // the bottleneck, so this thread decodes the batch itself and sends only the signature
    // arithmetic; when a worker is idle, it gets the raw lines and does everything.
    const busy = this.inFlight.every((n) => n >= this.localThreshold);
    const batch: Batch<E> = busy ? this.localBatch(events) : { id: this.nextId++, events, local: null, reply: null };
    if (batch.local === null) {
      const ab = new ArrayBuffer(total + 4 * events.length);
      const view = new DataView(ab);
      const out = new Uint8Array(ab);
      let o = 0;
      for (const e of events) {
        view.setUint32(o, e.length, true);
        out.set(e, o + 4);
        o += 4 + e.length;
      }
      this.send(w, batch, { mode: 'full', id: batch.id, buf: ab, count: events.length }, ab);
    } else {
      let size = 0;
      let count = 0;
      for (const l of batch.local)
        for (const c of l.checks) {
          size += 100 + c.message.length;
          count++;
        }
      const ab = new ArrayBuffer(size);
      const view = new DataView(ab);
      const out = new Uint8Array(ab);
      let o = 0;
      for (const l of batch.local)
        for (const c of l.checks) {
          view.setUint32(o, c.message.length, true);
          out.set(c.publicKey, o + 4);
          out.set(c.signature, o + 36);
          out.set(c.message, o + 100);
          o += 100 + c.message.length;
        }
      this.send(w, batch, { mode: 'sigs', id: batch.id, buf: ab, count }, ab);
    }
  }

  private localBatch(events: Uint8Array[]): Batch<E> {
    const local = events.map((e) => this.decodeHere(e));
    return { id: this.nextId++, events, local, reply: null };
  }

  private send(
    w: number,
    batch: Batch<E>,
    message: { mode: 'full' | 'sigs'; id: number; buf: ArrayBuffer; count: number },
    ab: ArrayBuffer,
  ): void {
    this.queue.push(batch);
    this.inFlight[w] = (this.inFlight[w] ?? 0) + 1;
    this.workers[w]!.postMessage(message, [ab]);
  }

  private pickWorker(): number {
    let best = -1;
    for (let i = 0; i < this.workers.length; i++) {
      const n = this.inFlight[i] ?? 0;
      if (n < this.maxPerWorker && (best < 0 || n < (this.inFlight[best] ?? 0))) best = i;
    }
    return best;
  }

  private onMessage(worker: number, m: WorkerReply): void {
    this.inFlight[worker] = (this.inFlight[worker] ?? 1) - 1;
    const batch = this.queue.find((b) => b.id === m.id);
    if (batch === undefined) return;
    batch.reply = m;
    try {
      // Hand results over strictly in submission order: a later batch that finished first waits.
      while (this.queue.length > 0 && this.queue[0]!.reply !== null) this.deliver(this.queue.shift()!);
    } catch (e) {
      this.fail(e);
      return;
    }
    for (const next of this.waiting.splice(0)) next();
  }

  private deliver(batch: Batch<E>): void {
    const m = batch.reply!;
    if (batch.local !== null) {
      let s = 0;
      for (let i = 0; i < batch.events.length; i++) {
        const l = batch.local[i]!;
        const d = l.decoded;
        if (d.kind === 'valid') {
          const signatures: boolean[] = [];
          for (let k = 0; k < l.checks.length; k++) signatures.push(m.sigOk[s + k] === 1);
          s += l.checks.length;
          this.onEvent(batch.events[i]!, { ...d, signatures }, l.value);
        } else this.onEvent(batch.events[i]!, d, l.value);
      }
      return;
    }
    const problems = new Map(m.problems!.map((p) => [p.i, p]));
    let s = 0;
    for (let i = 0; i < batch.events.length; i++) {
      const leaf = m.leaves!.subarray(i * 32, i * 32 + 32);
      const p = problems.get(i);
      const problem =
        p === undefined
          ? null
          : { code: p.code, message: p.message, ...(p.path !== undefined ? { path: p.path } : {}) };
      if (m.status![i] === 1) {
        this.onEvent(batch.events[i]!, { kind: 'invalid', leaf, problem: problem! }, undefined);
        continue;
      }
      const n = m.sigCounts![i]!;
      const signatures: boolean[] = [];
      for (let k = 0; k < n; k++) signatures.push(m.sigOk[s + k] === 1);
      s += n;
      this.onEvent(
        batch.events[i]!,
        { kind: 'valid', leaf, structure: p !== undefined && p.structure ? problem : null, signatures },
        undefined,
      );
    }
  }

  private fail(e: unknown): void {
    if (this.failure === null) this.failure = e;
    for (const w of this.waiting.splice(0)) w();
  }
}
