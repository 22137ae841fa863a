import { hosoError, HosoFailure } from '@hoso/core';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { checkClient, checkClientIntact, checkInstalledClient } from './client-check.js';
import type { RetryPolicy } from './subscription.js';
import type { EsdbDiagnostic } from './snapshot-store.js';
import { MAX_MAX_APPEND_SIZE, type ServerLimits } from './limits.js';

/** How the adapter persists its ledger indexes as snapshots in EventStoreDB (docs/eventstoredb.md §2). */
export interface SnapshotOptions {
  /**
   * Write a snapshot of a ledger's index whenever it has grown by this many events beyond the newest
   * snapshot this process loaded or wrote (default 10,000). Written in the background after the
   * append or catch-up that crossed the mark; an append never waits for it. A snapshot writes only
   * a tail segment of the new events (about 52 bytes each) unless it is time for a new base.
   */
  readonly every?: number;
  /**
   * …and by at least this fraction of the newest snapshot's size (default 0.05, from 0 to 1), so a
   * large ledger has fewer, longer tail segments between two bases.
   */
  readonly everyFraction?: number;
  /**
   * Tail segments after which the next snapshot writes a new base of the whole index (default 16;
   * a base is also written once the tails hold as many events as the base). Loading reads the base
   * and every tail, one call each.
   */
  readonly maxTails?: number;
  /**
   * On `close()`, write a tail segment for each resident ledger grown by at least this many events
   * since its newest snapshot (default 1,000; `Infinity`: never on close). `close()` waits for it;
   * it never writes a base (a whole index) unless the ledger has no snapshot it can extend.
   */
  readonly onCloseMin?: number;
  /**
   * Payload bytes per chunk event (default 900 KiB; 64 to 1,000,000). Chunks are also cut to fit the
   * server's limits given in `serverLimits`.
   */
  readonly chunkBytes?: number;
  /**
   * Side stream of a ledger's snapshots (default {@link defaultSnapshotStreamName}: `hoso-index-<ledger>`).
   * It must never be a ledger's physical stream; names starting with `$` are the server's.
   */
  readonly streamName?: (ledger: string) => string;
}

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
  /**
   * The server's `MaxAppendSize` and `MaxAppendEventSize` (defaults 1 MiB and the same): a batch
   * over them is refused before anything is sent, as `invalid-event` naming the limit.
   */
  readonly serverLimits?: ServerLimits;
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
   * appends. Size it to the ledgers one process serves (about 100 bytes per event each).
   */
  readonly maxLedgersInMemory?: number;
  /**
   * Index snapshots (default on, every 10,000 events): at first use of a ledger the newest valid
   * snapshot is loaded and checked against the ledger, and only the events after it are read.
   * `false`: never read nor write snapshots (every first use reads the whole physical stream).
   */
  readonly snapshots?: false | SnapshotOptions;
  /**
   * Called with what the adapter has to report that is not an error for any caller: snapshots
   * loaded, rejected (and why), written or not written. Exceptions it throws are ignored.
   */
  readonly onDiagnostic?: (d: EsdbDiagnostic) => void;
};

/** Throw `invalid-argument` (with the option's path) for options no store can be opened with. */
export function checkOptions(options: EventStoreDbStoreOptions): void {
  const bad = (field: string, message: string, rule: string): never => {
    throw new HosoFailure(
      hosoError('invalid-argument', `${field}: ${message}`, { path: ['options', ...field.split('.')], rule }),
    );
  };
  checkInstalledClient();
  if (typeof options !== 'object' || options === null) bad('options', 'must be an object', 'options-object');
  const hasClient = options.client !== undefined;
  const hasString = options.connectionString !== undefined;
  if (hasClient === hasString)
    bad(hasClient ? 'client' : 'connectionString', 'give exactly one of client and connectionString', 'one-connection');
  if (hasClient) checkClient(options.client);
  checkClientIntact();
  if (hasString && (typeof options.connectionString !== 'string' || options.connectionString === '')) {
    bad('connectionString', 'must be a non-empty string', 'esdb-connection-string');
  }
  if (options.streamName !== undefined && typeof options.streamName !== 'function')
    bad('streamName', 'must be a function', 'stream-name-function');
  const positive = (field: 'readStreamMaxGap' | 'readStreamParallel' | 'maxLedgersInMemory'): void => {
    const v = options[field];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1) && v !== Number.POSITIVE_INFINITY)
      bad(field, `must be an integer ≥ 1, got ${String(v)}`, 'positive-integer');
  };
  positive('readStreamMaxGap');
  positive('readStreamParallel');
  positive('maxLedgersInMemory');
  if (options.onDiagnostic !== undefined && typeof options.onDiagnostic !== 'function')
    bad('onDiagnostic', 'must be a function', 'diagnostic-function');
  const snap = options.snapshots;
  if (snap !== undefined && snap !== false) {
    if (typeof snap !== 'object' || snap === null) bad('snapshots', 'must be false or an object', 'snapshot-options');
    if (snap.every !== undefined && !(Number.isSafeInteger(snap.every) && snap.every >= 1))
      bad('snapshots.every', `must be an integer ≥ 1, got ${String(snap.every)}`, 'positive-integer');
    if (
      snap.everyFraction !== undefined &&
      !(typeof snap.everyFraction === 'number' && snap.everyFraction >= 0 && snap.everyFraction <= 1)
    ) {
      bad('snapshots.everyFraction', `must be a number from 0 to 1, got ${String(snap.everyFraction)}`, 'fraction');
    }
    if (
      snap.onCloseMin !== undefined &&
      !(Number.isSafeInteger(snap.onCloseMin) && snap.onCloseMin >= 1) &&
      snap.onCloseMin !== Number.POSITIVE_INFINITY
    ) {
      bad(
        'snapshots.onCloseMin',
        `must be an integer ≥ 1 or Infinity, got ${String(snap.onCloseMin)}`,
        'positive-integer',
      );
    }
    if (
      snap.chunkBytes !== undefined &&
      !(Number.isSafeInteger(snap.chunkBytes) && snap.chunkBytes >= 64 && snap.chunkBytes <= 1_000_000)
    ) {
      bad(
        'snapshots.chunkBytes',
        `must be an integer from 64 to 1,000,000, got ${String(snap.chunkBytes)}`,
        'snapshot-chunk-bytes',
      );
    }
    if (snap.streamName !== undefined && typeof snap.streamName !== 'function')
      bad('snapshots.streamName', 'must be a function', 'stream-name-function');
  }
  const lim = options.serverLimits;
  if (lim !== undefined) {
    if (typeof lim !== 'object' || lim === null) bad('serverLimits', 'must be an object', 'server-limits');
    const limit = (k: 'maxAppendSize' | 'maxAppendEventSize', max: number, why: string): void => {
      const v = lim[k];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 1024 && v <= max))
        bad(
          `serverLimits.${k}`,
          `must be an integer from 1,024 to ${max.toLocaleString('en-US')} bytes${why}, got ${String(v)}`,
          'server-limit',
        );
    };
    limit('maxAppendSize', MAX_MAX_APPEND_SIZE, ' (the most a server accepts)');
    limit('maxAppendEventSize', 0x7fffffff, '');
  }
  if (
    snap !== undefined &&
    snap !== false &&
    snap.maxTails !== undefined &&
    !(Number.isSafeInteger(snap.maxTails) && snap.maxTails >= 1)
  )
    bad('snapshots.maxTails', `must be an integer ≥ 1, got ${String(snap.maxTails)}`, 'positive-integer');
  const r = options.subscriptionRetry;
  if (r !== undefined) {
    for (const k of ['retries', 'baseDelayMs', 'maxDelayMs'] as const) {
      const v = r[k];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0))
        bad(`subscriptionRetry.${k}`, `must be a non-negative integer, got ${String(v)}`, 'non-negative-integer');
    }
  }
}

/** `hoso-ledger-<ledger>`: one physical EventStoreDB stream per school ledger. */
export function defaultStreamName(ledger: string): string {
  return `hoso-ledger-${ledger}`;
}

/** `hoso-index-<ledger>`: the side stream of a ledger's index snapshots (never a `hoso-ledger-*` name). */
export function defaultSnapshotStreamName(ledger: string): string {
  return `hoso-index-${ledger}`;
}
