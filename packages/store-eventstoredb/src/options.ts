import { hosoError, HosoFailure } from '@hoso/core';
import type { EventStoreDBClient } from '@eventstore/db-client';
import type { RetryPolicy } from './subscription.js';

/** Options of {@link openEventStoreDbStore}: a client, or a connection string to make one. */
export type EventStoreDbStoreOptions = (
  | {
      /** A client the caller owns (it is not disposed by `close()`). */
      readonly client: EventStoreDBClient;
      readonly connectionString?: undefined;
    }
  | {
      /** E.g. `esdb://node1:2113,node2:2113,node3:2113?tls=true`; the store disposes the client on `close()`. */
      readonly connectionString: string;
      readonly client?: undefined;
    }
) & {
  /** Physical stream of a ledger (default {@link defaultStreamName}: `hoso-ledger-<ledger>`). */
  readonly streamName?: (ledger: string) => string;
  /**
   * `readStream` reads the ledger positions of a logical stream in spans: positions closer than this
   * share one read (default 16; see docs/eventstoredb.md for the measurements behind it).
   */
  readonly readStreamMaxGap?: number;
  /** Span reads in flight at once for `readStream` (default 8). */
  readonly readStreamParallel?: number;
  /** Subscription retry policy (default 30 retries, 50 ms doubling to 2 s). */
  readonly subscriptionRetry?: Partial<RetryPolicy>;
  /**
   * Ledger indexes kept in memory at once (default: no limit). The least recently used index
   * beyond this is dropped and rebuilt from its physical stream when the ledger is used again —
   * safe at any moment, because the server's expected-revision check, not the index, orders
   * appends. Size it to the ledgers one process serves (about 220 bytes per event each).
   */
  readonly maxLedgersInMemory?: number;
};

/** Throw `invalid-argument` (with the option's path) for options no store can be opened with. */
export function checkOptions(options: EventStoreDbStoreOptions): void {
  const bad = (field: string, message: string, rule: string): never => {
    throw new HosoFailure(hosoError('invalid-argument', `${field}: ${message}`, { path: ['options', ...field.split('.')], rule }));
  };
  if (typeof options !== 'object' || options === null) bad('options', 'must be an object', 'options-object');
  const hasClient = options.client !== undefined;
  const hasString = options.connectionString !== undefined;
  if (hasClient === hasString) bad(hasClient ? 'client' : 'connectionString', 'give exactly one of client and connectionString', 'one-connection');
  // Duck-typed: another copy of the client package (or its KurrentDB successor) is fine too.
  if (hasClient && typeof (options.client as { appendToStream?: unknown }).appendToStream !== 'function') {
    bad('client', 'must be an EventStoreDBClient', 'esdb-client');
  }
  if (hasString && (typeof options.connectionString !== 'string' || options.connectionString === '')) {
    bad('connectionString', 'must be a non-empty string', 'esdb-connection-string');
  }
  if (options.streamName !== undefined && typeof options.streamName !== 'function') bad('streamName', 'must be a function', 'stream-name-function');
  const positive = (field: 'readStreamMaxGap' | 'readStreamParallel' | 'maxLedgersInMemory'): void => {
    const v = options[field];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1) && v !== Number.POSITIVE_INFINITY) bad(field, `must be an integer ≥ 1, got ${String(v)}`, 'positive-integer');
  };
  positive('readStreamMaxGap');
  positive('readStreamParallel');
  positive('maxLedgersInMemory');
  const r = options.subscriptionRetry;
  if (r !== undefined) {
    for (const k of ['retries', 'baseDelayMs', 'maxDelayMs'] as const) {
      const v = r[k];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) bad(`subscriptionRetry.${k}`, `must be a non-negative integer, got ${String(v)}`, 'non-negative-integer');
    }
  }
}

/** `hoso-ledger-<ledger>`: one physical EventStoreDB stream per school ledger. */
export function defaultStreamName(ledger: string): string {
  return `hoso-ledger-${ledger}`;
}
