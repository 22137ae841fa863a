/**
 * One pool of workers for the verifier's per-event work: which worker gets a job, how many jobs
 * may wait, what a failure does, how the pool stops. The workers are made by an injected
 * {@link WorkerFactory}, so the same pool runs on Node's worker threads (`nodeWorkers`) and on a
 * page's Web Workers; no `node:` module is imported here.
 */
import type { PoolReply, PoolRequest, PoolWorker, WorkerFactory } from './protocol.js';

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of workers (at least 1). */
  readonly workers: number;
  /** Starts each worker. */
  readonly factory: WorkerFactory;
  /** Jobs in flight per worker before {@link WorkerPool.run} waits for room (default 3). */
  readonly perWorker?: number;
}

interface Pending<R> {
  readonly worker: number;
  readonly resolve: (r: R) => void;
  readonly reject: (e: Error) => void;
}

function isReply(m: unknown): m is PoolReply<unknown> {
  return typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'number' && 'ok' in m;
}

/**
 * Runs jobs of type `B` (answered by `R`) on N workers. A job goes to the worker with the fewest
 * jobs in flight; while every worker has `perWorker` jobs, {@link run} waits, so whoever feeds
 * the pool cannot run ahead of it and memory stays bounded. Results come back as each job ends
 * (callers that need order keep their promises in order). If any worker dies or a job fails,
 * the pool fails: every job in flight and every later {@link run} rejects with that error — a
 * verdict is never reached on work that was not all done.
 */
export class WorkerPool<B, R> {
  private readonly workers: PoolWorker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending<R>>();
  private readonly waiting: Array<() => void> = [];
  private readonly perWorker: number;
  private nextId = 0;
  private failed: Error | null = null;
  private closed = false;
  private started = 0;

  constructor(options: WorkerPoolOptions) {
    const n = Math.max(1, Math.floor(options.workers));
    this.perWorker = Math.max(1, Math.floor(options.perWorker ?? 3));
    for (let i = 0; i < n; i++) {
      let w: PoolWorker;
      try {
        w = options.factory(i);
      } catch (e) {
        this.fail(asError(e));
        break;
      }
      w.listen(
        (m) => this.onMessage(m),
        (e) => this.fail(e),
      );
      this.workers.push(w);
      this.load.push(0);
    }
    this.started = this.workers.length;
  }

  /** Number of workers started (still counted after {@link close}). */
  get size(): number {
    return this.started;
  }

  /** Jobs the pool holds at most at once (workers × per-worker). */
  get capacity(): number {
    return this.workers.length * this.perWorker;
  }

  /** The error that failed the pool, or null. */
  get failure(): Error | null {
    return this.failed;
  }

  /**
   * Run one job on the least busy worker, once one has room. The buffers in `transfer` move to
   * the worker (the caller must not touch them again). Rejects when the pool has failed or closed.
   */
  async run(body: B, transfer: readonly ArrayBuffer[] = []): Promise<R> {
    let w = this.pick();
    while (w < 0) {
      if (this.failed !== null) throw this.failed;
      if (this.closed) throw new Error('the worker pool is closed');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      w = this.pick();
    }
    const id = this.nextId++;
    const request: PoolRequest<B> = { id, body };
    const done = new Promise<R>((resolve, reject) => this.pending.set(id, { worker: w, resolve, reject }));
    this.load[w] = this.load[w]! + 1;
    try {
      this.workers[w]!.post(request, transfer);
    } catch (e) {
      this.fail(asError(e));
    }
    return done;
  }

  /** Stop every worker; jobs still in flight reject. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const error = new Error('the worker pool was closed');
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      this.wake();
    }
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private pick(): number {
    if (this.failed !== null || this.closed) return -1;
    let best = -1;
    for (let i = 0; i < this.workers.length; i++) {
      const n = this.load[i]!;
      if (n < this.perWorker && (best < 0 || n < this.load[best]!)) best = i;
    }
    return best;
  }

  private onMessage(m: unknown): void {
    if (!isReply(m)) {
      this.fail(new Error('a verification worker sent a message that is not a reply'));
      return;
    }
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    this.load[p.worker] = this.load[p.worker]! - 1;
    if (m.ok) p.resolve(m.body as R);
    else {
      const e = new Error(`a verification worker failed: ${m.error}`);
      p.reject(e);
      this.fail(e);
    }
    this.wake();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
    this.wake();
  }

  private wake(): void {
    for (const next of this.waiting.splice(0)) next();
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
