import { HosoFailure } from '@hoso/core';
import { delayUnlessClosed, subscriptionLoop, type StoredEvent, type Subscription } from '@hoso/store';
import { START, type EventStoreDBClient, type StreamSubscription } from '@eventstore/db-client';
import { LEADER } from './calls.js';
import { corruptStream, isTransient, storageFailureThrown } from './errors.js';
import { physicalRecord, type PhysicalRecord } from './physical.js';

/**
 * A ledger subscription on EventStoreDB: a native catch-up subscription to the ledger's physical
 * stream (`subscribeToStream`), resumed by ledger position. Position p is stream revision p, and the
 * server's subscriptions start AFTER the revision given, so "from p" is `fromRevision: p − 1`
 * (`START` for p = 0).
 *
 * It runs on the store kit's one subscription loop (`subscriptionLoop` of `@hoso/store`, which
 * the memory and SQLite stores use too): each native subscription is a segment. When one fails
 * with a transient error (server restart, leader change, dropped connection) or the server ends
 * it, the loop opens the next segment after the last position it delivered, so nothing is skipped
 * or delivered twice: events the server re-sends below the next position are dropped, and an
 * event beyond it is reported as corruption rather than silently skipped. Because this is a single
 * stream read by revision — not a filtered `$all` subscription resumed from a checkpoint — the
 * KurrentDB filtered-checkpoint bug (KurrentDB issue 4958, fixed in 24.10 / 25.0) cannot make it skip an event.
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

/** End a native subscription; a pending iteration of it finishes. Safe to call twice. */
async function stop(sub: StreamSubscription): Promise<void> {
  await sub.unsubscribe().catch(() => undefined);
  // Cancelling the gRPC call does not always end the client's stream; destroying it ends a pending iteration.
  sub.destroy();
}

/** A {@link Subscription} over the ledger's physical stream; iterate it once. */
export function subscribeLedger(src: LedgerSubscriptionSource): Subscription {
  // Consecutive failed attempts: reset by any sign of life (a confirmation or an event).
  let failures = 0;

  /** The native subscription's events as the contract's events. */
  async function* eventsOf(sub: StreamSubscription): AsyncGenerator<StoredEvent> {
    for await (const resolved of sub) {
      failures = 0;
      yield src.toStored(physicalRecord(src.physical, resolved));
    }
  }

  return subscriptionLoop({
    from: src.from,
    check: () => src.check(),
    onClose: () => src.onClose(),
    // After a resubscription the server may resend what was delivered: the loop drops it.
    resends: true,
    gap: (expected, got) => corruptStream(src.physical, got, `subscription jumped from position ${expected}`),
    open(next) {
      const sub = src.client.subscribeToStream(src.physical, {
        fromRevision: next === 0 ? START : BigInt(next - 1),
        ...LEADER,
      });
      sub.on('confirmation', () => {
        failures = 0;
      });
      return { events: eventsOf(sub), stop: () => stop(sub) };
    },
    async after(end, watch) {
      if (end.failed && end.error instanceof HosoFailure) throw end.error;
      // A clean end of the call (the server closed it) is resumed like a transient failure.
      if (end.failed && !isTransient(end.error)) throw storageFailureThrown(end.error, 'subscription', src.physical);
      failures++;
      if (failures > src.retry.retries) {
        const cause = end.failed ? end.error : new Error(`subscription ended ${failures} times in a row`);
        throw storageFailureThrown(cause, 'subscription', src.physical);
      }
      await delayUnlessClosed(Math.min(src.retry.maxDelayMs, src.retry.baseDelayMs * 2 ** (failures - 1)), watch);
    },
  });
}
