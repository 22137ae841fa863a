import { HosoFailure } from '@hoso/core';
import type { StoredEvent, Subscription } from '@hoso/store';
import { START, type EventStoreDBClient, type ResolvedEvent, type StreamSubscription } from '@eventstore/db-client';
import { corruptStream, isTransient, storageFailureThrown } from './errors.js';
import { physicalRecord, type PhysicalRecord } from './physical.js';

/**
 * A ledger subscription on EventStoreDB: a native catch-up subscription to the ledger's physical
 * stream (`subscribeToStream`), resumed by ledger position. Position p is stream revision p, and the
 * server's subscriptions start AFTER the revision given, so "from p" is `fromRevision: p − 1`
 * (`START` for p = 0).
 *
 * When the subscription fails with a transient error (server restart, leader change, dropped
 * connection) it resubscribes after the last position it delivered, so nothing is skipped or
 * delivered twice: events the server re-sends below the next position are dropped, and an event
 * beyond it is reported as corruption rather than silently skipped. Because this is a single
 * stream read by revision — not a filtered `$all` subscription resumed from a checkpoint — the
 * KurrentDB filtered-checkpoint bug (REFERENCES §5) cannot make it skip an event.
 */

/** Retry policy of a subscription. */
export interface RetryPolicy {
  /** Consecutive failed attempts (no event or confirmation in between) before giving up. */
  readonly retries: number;
  /** First back-off delay in ms; doubles per consecutive failure up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** What {@link subscribeLedger} needs. */
export interface LedgerSubscriptionSource {
  readonly client: EventStoreDBClient;
  readonly physical: string;
  readonly from: number;
  readonly retry: RetryPolicy;
  /** Turns a physical record into the contract's event (parses and checks its header). */
  toStored(rec: PhysicalRecord): StoredEvent;
  /** Argument and state checks when iteration starts; throws a HosoFailure. */
  check(): void;
  /** Called once when the subscription ends. */
  onClose(): void;
}

/** A {@link Subscription} over the ledger's physical stream; iterate it once. */
export function subscribeLedger(src: LedgerSubscriptionSource): Subscription {
  let closed = false;
  let started = false;
  let current: StreamSubscription | null = null;
  let wake: () => void = () => undefined;
  const closedSignal = new Promise<void>((resolve) => {
    wake = resolve;
  });

  const stop = async (sub: StreamSubscription): Promise<void> => {
    await sub.unsubscribe().catch(() => undefined);
    // Cancelling the gRPC call does not always end the client's stream; destroying it ends a pending iteration.
    sub.destroy();
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    wake();
    const sub = current;
    current = null;
    if (sub !== null) await stop(sub);
    src.onClose();
  };

  async function* run(): AsyncGenerator<StoredEvent, void, undefined> {
    try {
      src.check();
      let next = src.from;
      let failures = 0;
      while (!closed) {
        const sub = src.client.subscribeToStream(src.physical, { fromRevision: next === 0 ? START : BigInt(next - 1) });
        current = sub;
        sub.on('confirmation', () => {
          failures = 0;
        });
        let failure: unknown;
        try {
          for await (const resolved of sub) {
            if (closed) return;
            failures = 0;
            const rec = physicalRecord(src.physical, resolved as ResolvedEvent);
            // After a resubscription the server may resend what was delivered: drop it.
            if (rec.position < next) continue;
            if (rec.position > next) throw corruptStream(src.physical, rec.position, `subscription jumped from position ${next}`);
            const event = src.toStored(rec);
            next++;
            yield event;
          }
        } catch (err) {
          failure = err;
        } finally {
          if (current === sub) current = null;
          await stop(sub);
        }
        if (closed) return;
        if (failure instanceof HosoFailure) throw failure;
        // A clean end of the call (the server closed it) is resumed like a transient failure.
        if (failure !== undefined && !isTransient(failure)) throw storageFailureThrown(failure, 'subscription', src.physical);
        failures++;
        if (failures > src.retry.retries) {
          throw storageFailureThrown(failure ?? new Error(`subscription ended ${failures} times in a row`), 'subscription', src.physical);
        }
        const delay = Math.min(src.retry.maxDelayMs, src.retry.baseDelayMs * 2 ** (failures - 1));
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, delay))), closedSignal]);
        clearTimeout(timer);
      }
    } finally {
      await close();
    }
  }

  return {
    close,
    [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
      if (started) throw new Error('a subscription can be iterated only once');
      started = true;
      return run();
    },
  };
}
