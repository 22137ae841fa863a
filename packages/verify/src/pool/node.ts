/**
 * The Node transport of the worker pool: each worker a `worker_threads` Worker running a compiled
 * module (the verifier's is `@hoso/verify/worker`, i.e. `dist/checks/node-worker.js`). This is the
 * only module of the pool that imports `node:`; a page supplies its own {@link WorkerFactory}.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { PoolWorker, WorkerFactory } from './protocol.js';

/**
 * A factory of worker threads running the ES module at `entry` (a file URL or path). A worker that
 * emits an error or exits while not being stopped is reported as failed.
 */
export function nodeWorkers(entry: string | URL): WorkerFactory {
  return (index) => {
    const worker = new Worker(entry);
    let stopping = false;
    const pw: PoolWorker = {
      post: (message, transfer) => worker.postMessage(message, transfer as ArrayBuffer[]),
      listen: (onMessage, onFailure) => {
        worker.on('message', onMessage);
        worker.on('error', (e: Error) => onFailure(e));
        worker.on('exit', (code: number) => {
          if (!stopping) onFailure(new Error(`verification worker ${index} exited (code ${code})`));
        });
      },
      terminate: async () => {
        stopping = true;
        await worker.terminate();
      },
    };
    return pw;
  };
}

/**
 * The compiled verification worker of this package. Resolved through the package's own
 * `./worker` export, so it is the same file whether the caller runs from `dist` or (under test)
 * from the TypeScript sources: the worker always runs the compiled code (`tsc -b` builds it).
 */
export function verificationWorkerPath(): string {
  return createRequire(import.meta.url).resolve('@hoso/verify/worker');
}
