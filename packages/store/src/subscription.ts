import type { StoredEvent, Subscription } from './contract.js';

/**
 * Live subscriptions for every adapter, driven by positions: the subscriber remembers the next
 * position it owes and asks the store for events from there. Catch-up and live are the same
 * loop, so there is no hand-over at which an event could be skipped or delivered twice.
 *
 * One loop ({@link subscriptionLoop}) owns what every subscription must get right — iterate once,
 * check each position, end promptly on `close()`, unregister once — and asks the adapter only
 * for *segments*: a run of events from a position on (a fetched chunk, or a native server
 * subscription until it drops), and what to do when a segment ends (wait for an append, back off
 * and reconnect, or give up). {@link createSubscription} is the polled form the memory and
 * SQLite stores use; the EventStoreDB adapter drives the loop with native catch-up subscriptions.
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

/** Lets an adapter's wait between segments end as soon as the subscription is closed. */
export interface CloseWatch {
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * Call `wake` once when the subscription closes (at once if it is closed); returns the function that unregisters it.
   */
  on(wake: () => void): () => void;
}

/** How a segment ended. */
export interface SegmentEnd {
  /** Events of the segment delivered to the consumer (resent ones that were dropped not counted). */
  readonly delivered: number;
  /** True when opening or iterating the segment threw; the error is in `error`. */
  readonly failed: boolean;
  readonly error: unknown;
}

/** One run of events from a position on, as an adapter serves it. */
export interface SubscriptionSegment {
  /** The events, in position order, from the position the segment was opened at. */
  readonly events: AsyncIterable<StoredEvent> | Iterable<StoredEvent>;
  /**
   * End the segment now: called when it has ended and when the subscription is closed while it is
   * being iterated (so that a pending native read finishes). May be called more than once.
   */
  stop?(): Promise<void> | void;
}

/** What {@link subscriptionLoop} needs from an adapter. */
export interface SegmentSource {
  /** First position to deliver. */
  readonly from: number;
  /** Open a segment of events from `position` on (a throw counts as a failed segment). */
  open(position: number): SubscriptionSegment | Promise<SubscriptionSegment>;
  /**
   * Between segments: resolve to open the next one, throw to end the subscription with that
   * error. Every wait must end when `watch` reports the subscription closed.
   */
  after(end: SegmentEnd, watch: CloseWatch): Promise<void> | void;
  /**
   * True when a reopened segment may start again below the next position (a native subscription
   * resumed after a drop): such events are dropped. Otherwise any event not at the next position
   * is an error.
   */
  readonly resends?: boolean;
  /** The error for an event at `got` where `expected` was owed (default: a plain Error). */
  gap?(expected: number, got: number): Error;
  /** Checks the arguments and the store state when iteration starts; throws a HosoFailure. */
  readonly check?: () => void;
  /** Called once when the subscription ends (to unregister it from its store). */
  readonly onClose?: () => void;
}

const defaultGap = (expected: number, got: number): Error =>
  new Error(`subscription expected position ${expected}, store returned ${got}`);

/**
 * The one subscription loop: a {@link Subscription} over a {@link SegmentSource}. It may be
 * iterated once; `close()` makes a pending or later `next()` finish the iteration promptly, stops
 * the current segment and calls `onClose` once. Exported for adapters.
 */
export function subscriptionLoop(source: SegmentSource): Subscription {
  let closed = false;
  let started = false;
  let current: SubscriptionSegment | null = null;
  const closeWaiters = new Set<() => void>();
  const watch: CloseWatch = {
    get closed() {
      return closed;
    },
    on(wake) {
      if (closed) {
        wake();
        return () => undefined;
      }
      closeWaiters.add(wake);
      return () => closeWaiters.delete(wake);
    },
  };
  const gap = source.gap === undefined ? defaultGap : (expected: number, got: number) => source.gap!(expected, got);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const waiters = [...closeWaiters];
    closeWaiters.clear();
    for (const w of waiters) w();
    const seg = current;
    current = null;
    if (seg !== null) await seg.stop?.();
    source.onClose?.();
  };

  async function* run(): AsyncGenerator<StoredEvent, void, undefined> {
    try {
      source.check?.();
      let position = source.from;
      while (!closed) {
        let delivered = 0;
        let failed = false;
        let error: unknown;
        let seg: SubscriptionSegment | null = null;
        let broken: Error | null = null;
        try {
          seg = await source.open(position);
          current = seg;
          if (closed) return;
          for await (const e of seg.events) {
            if (closed) return;
            if (e.position < position && source.resends === true) continue;
            // A skipped or repeated event would be silent corruption: end with an error, no retry.
            if (e.position !== position) {
              broken = gap(position, e.position);
              break;
            }
            position++;
            delivered++;
            yield e;
          }
        } catch (err) {
          failed = true;
          error = err;
        } finally {
          if (seg !== null) {
            if (current === seg) current = null;
            await seg.stop?.();
          }
        }
        if (broken !== null) throw broken;
        if (closed) return;
        await source.after({ delivered, failed, error }, watch);
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

/** Wait `ms` milliseconds, or less if the subscription closes first (a back-off between segments). */
export function delayUnlessClosed(ms: number, watch: CloseWatch): Promise<void> {
  return new Promise<void>((resolve) => {
    if (watch.closed) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = watch.on(done);
  });
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
 * Wait until an append is signalled after `seen`, `pollMs` passes, or the subscription closes.
 * Both registrations are removed when it ends, so an idle subscription leaves nothing behind.
 */
function waitForChange(
  signal: AppendSignal,
  seen: number,
  pollMs: number | undefined,
  watch: CloseWatch,
): Promise<void> {
  return new Promise<void>((resolve) => {
    if (watch.closed || signal.version !== seen) return resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      offSignal();
      offClose();
      if (timer !== undefined) clearTimeout(timer);
      resolve();
    };
    const offSignal = signal.on(done);
    const offClose = watch.on(done);
    if (pollMs !== undefined) timer = setTimeout(done, pollMs);
  });
}

/**
 * A polled {@link Subscription} for stores that can fetch by position (memory, SQLite): each
 * segment is one fetched chunk; after an empty one it waits for the append signal (or the poll
 * interval). It may be iterated once; `close()` makes a pending or later `next()` finish the
 * iteration promptly.
 */
export function createSubscription(source: SubscriptionSource): Subscription {
  let seen = 0;
  return subscriptionLoop({
    from: source.from,
    ...(source.check !== undefined ? { check: source.check } : {}),
    ...(source.onClose !== undefined ? { onClose: source.onClose } : {}),
    async open(position) {
      // Read the signal's version before looking: an append after the look then ends the wait at once.
      seen = source.signal.version;
      return { events: await source.fetch(position, CHUNK) };
    },
    async after(end, watch) {
      if (end.failed) throw end.error;
      if (end.delivered === 0) await waitForChange(source.signal, seen, source.pollMs, watch);
    },
  });
}
