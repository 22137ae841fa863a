/**
 * The one message format between a {@link WorkerPool} and its workers, and the two transports it
 * runs over. Messages are plain objects whose bulk travels in transferred `ArrayBuffer`s, so the
 * same format works with Node's `worker_threads` and with a page's Web Workers (both use the
 * structured-clone algorithm with a transfer list). Nothing here imports a `node:` module.
 */

/** A job sent to a worker: the pool's job number and the job itself. */
export interface PoolRequest<B> {
  readonly id: number;
  readonly body: B;
}

/** A worker's answer to job `id`: its result, or why the job failed. */
export type PoolReply<R> =
  | { readonly id: number; readonly ok: true; readonly body: R }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A job's result with the buffers to transfer (not copy) back. */
export interface Transferable<T> {
  readonly value: T;
  readonly transfer: readonly ArrayBuffer[];
}

/** The pool's side of one worker: post a message, hear replies and failure, stop it. */
export interface PoolWorker {
  /** Send `message`, moving the buffers in `transfer` (the sender loses them). */
  post(message: unknown, transfer: readonly ArrayBuffer[]): void;
  /**
   * Called once, at start: `onMessage` for each message from the worker, `onFailure` when the
   * worker dies or reports an error it could not send as a reply (then it is not used again).
   */
  listen(onMessage: (message: unknown) => void, onFailure: (error: Error) => void): void;
  /** Stop the worker; no failure is reported for a worker being stopped. */
  terminate(): Promise<void>;
}

/** Starts the `index`-th worker of a pool (Node: `nodeWorkers`; a page: a Web Worker wrapper). */
export type WorkerFactory = (index: number) => PoolWorker;

/** The worker's side: hear jobs, post replies. Node's `parentPort` and a Web Worker's `self` fit it. */
export interface WorkerPort {
  post(message: unknown, transfer: readonly ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
}
