import type { StoredEvent, Subscription } from './contract.js';

/**
 * Live subscriptions for any adapter, driven by positions: the subscriber remembers the next
 * position it owes and asks the store for events from there. Catch-up and live are the same
 * loop, so there is no hand-over at which an event could be skipped or delivered twice.
 */

/**
 * Wakes waiting subscribers of one ledger when an append lands (in this process). Waiters are
 * registered and removed explicitly (not by racing a long-lived promise, whose reactions would
 * pile up on every poll of an idle subscription).
 */
export class AppendSignal {
  #version = 0;
  readonly #waiters = new Set<() => void>();

  /**
   * Counts notifications. Read it BEFORE looking for new events, and wait only if it is still
   * the same afterwards: an append that lands between the look and the wait is then not missed.
   */
  get version(): number {
    return this.#version;
  }

  /** Call `wake` at the next {@link notify}; returns the function that unregisters it. */
  on(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  /** Wake everyone waiting (call after an append commits). */
  notify(): void {
    this.#version++;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }
}

/** What {@link createSubscription} needs from an adapter. */
export interface SubscriptionSource {
  /** First position to deliver. */
  readonly from: number;
  /** Up to `limit` stored events from `position` on, in position order (fewer or none at the end of the ledger). */
  fetch(position: number, limit: number): Promise<readonly StoredEvent[]> | readonly StoredEvent[];
  /** In-process append signal of the ledger. */
  readonly signal: AppendSignal;
  /**
   * When set, also look again after this many milliseconds without a signal: appends by other
   * processes (a shared SQLite file) raise no in-process signal.
   */
  readonly pollMs?: number;
  /** Checks the arguments and the store state when iteration starts; throws a HosoFailure. */
  readonly check?: () => void;
  /** Called once when the subscription ends (to unregister it from its store). */
  readonly onClose?: () => void;
}

const CHUNK = 256;

/**
 * A {@link Subscription} over a {@link SubscriptionSource}. It may be iterated once; `close()`
 * makes a pending or later `next()` finish the iteration promptly.
 */
export function createSubscription(source: SubscriptionSource): Subscription {
  let closed = false;
  let wakeOnClose: (() => void) | undefined;
  let started = false;

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    wakeOnClose?.();
    source.onClose?.();
  };

  /** Wait until an append is signalled after `seen`, the poll interval passes, or the subscription closes. */
  const waitForChange = (seen: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (closed || source.signal.version !== seen) return resolve();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        off();
        wakeOnClose = undefined;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      const off = source.signal.on(done);
      wakeOnClose = done;
      if (source.pollMs !== undefined) timer = setTimeout(done, source.pollMs);
    });

  async function* run(): AsyncGenerator<StoredEvent, void, undefined> {
    try {
      source.check?.();
      let position = source.from;
      while (!closed) {
        const seen = source.signal.version;
        const events = await source.fetch(position, CHUNK);
        for (const e of events) {
          if (closed) return;
          // A source must never hand back another position; a skipped or repeated event would be silent corruption.
          if (e.position !== position) throw new Error(`subscription expected position ${position}, store returned ${e.position}`);
          position++;
          yield e;
        }
        if (events.length === 0) await waitForChange(seen);
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
