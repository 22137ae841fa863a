/**
 * The page's verification worker (a Web Worker started from a Blob URL): the pool's message loop
 * over `self`, running verify's own per-event job, `checkEventBatchWith`, with the signatures
 * verified by WebCrypto or by the pure-JS fallback. The page chooses which and names the worker
 * after it (`self.name`), so every worker of a run does the same.
 */
import { servePool, checkEventBatchWith, type EventBatch, type SignatureVerifier } from '@hoso/verify';
import { fallbackVerifier, pageSubtle, webCryptoVerifier } from './ed25519.js';
import { ED25519_FALLBACK, type Ed25519Mode } from './mode.js';

interface WorkerScope {
  readonly name: string;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (e: { readonly data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const mode: Ed25519Mode = scope.name.endsWith(ED25519_FALLBACK) ? 'js' : 'webcrypto';
const subtle = pageSubtle();
const verifier: SignatureVerifier =
  mode === 'webcrypto' && subtle !== undefined ? webCryptoVerifier(subtle) : fallbackVerifier();

servePool<EventBatch, unknown>(
  {
    post: (message, transfer) => scope.postMessage(message, [...transfer]),
    onMessage: (handler) => scope.addEventListener('message', (e) => handler(e.data)),
  },
  (batch) => checkEventBatchWith(batch, verifier),
);
