/**
 * The verification worker as a Node worker thread (`@hoso/verify/worker`): the pool's message
 * loop over `parentPort`, running {@link checkEventBatch}. A page's Web Worker runs the same two
 * calls over `self`.
 */
import { parentPort } from 'node:worker_threads';
import { servePool } from '../pool/serve.js';
import { checkEventBatch, type EventBatch } from './batch.js';

const port = parentPort;
if (port === null) throw new Error('@hoso/verify/worker runs as a worker thread');
servePool<EventBatch, unknown>(
  {
    post: (message, transfer) => port.postMessage(message, transfer as ArrayBuffer[]),
    onMessage: (handler) => port.on('message', handler),
  },
  checkEventBatch,
);
