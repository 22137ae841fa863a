/**
 * The Web Worker transport of verify's {@link WorkerFactory}: each worker runs the page's own
 * worker script (worker.ts, inlined in the page and started from a Blob URL, so nothing is
 * fetched), named after the Ed25519 mode the page chose.
 */
import type { PoolWorker, WorkerFactory } from '@hoso/verify';
import { ED25519_FALLBACK, type Ed25519Mode } from './mode.js';

/** A factory of Web Workers running the script at `url` (a Blob URL) with Ed25519 `mode`. */
export function webWorkers(url: string, mode: Ed25519Mode): WorkerFactory {
  return (index) => {
    const worker = new Worker(url, { name: `hoso-verify-${index}${mode === 'js' ? ED25519_FALLBACK : ''}` });
    const pw: PoolWorker = {
      post: (message, transfer) => worker.postMessage(message, [...transfer]),
      listen: (onMessage, onFailure) => {
        worker.addEventListener('message', (e: MessageEvent<unknown>) => onMessage(e.data));
        worker.addEventListener('error', (e: ErrorEvent) => {
          e.preventDefault();
          onFailure(new Error(`verification worker ${index} failed: ${e.message}`));
        });
        worker.addEventListener('messageerror', () =>
          onFailure(new Error(`verification worker ${index} sent a message that could not be read`)),
        );
      },
      terminate: () => {
        worker.terminate();
        return Promise.resolve();
      },
    };
    return pw;
  };
}
