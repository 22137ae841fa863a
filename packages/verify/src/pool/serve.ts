/**
 * The worker's side of the pool's message format: answer each {@link PoolRequest} on a
 * {@link WorkerPort} with the handler's result, or with the error it threw. No `node:` import:
 * the same loop serves a Node worker thread and a page's Web Worker.
 */
import type { PoolReply, PoolRequest, Transferable, WorkerPort } from './protocol.js';

/** Serve jobs on `port` with `handle`, one at a time, in the order they arrive. */
export function servePool<B, R>(port: WorkerPort, handle: (body: B) => Transferable<R>): void {
  port.onMessage((m) => {
    const { id, body } = m as PoolRequest<B>;
    let reply: PoolReply<R>;
    let transfer: readonly ArrayBuffer[] = [];
    try {
      const r = handle(body);
      reply = { id, ok: true, body: r.value };
      transfer = r.transfer;
    } catch (e) {
      reply = { id, ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    port.post(reply, transfer);
  });
}
