import type { Either } from 'fp-ts/lib/Either.js';
import type { HosoError } from '@hoso/core';

/**
 * The store contract of docs/design.md §6. A store keeps one or more ledgers; each ledger is a single
 * append-only, gapless, totally ordered log of canonical event bytes, with an RFC 9162 Merkle tree
 * kept incrementally beside it. Every adapter (in-memory, SQLite, EventStoreDB) passes the
 * conformance suite exported from `@hoso/store/testing`.
 */

/** One stored event: its exact canonical bytes and what the store indexed from them. */
export interface StoredEvent {
  /** 0-based ledger position; also the event's Merkle leaf index. */
  readonly position: number;
  readonly id: string;
  readonly stream: string;
  readonly rev: number;
  readonly type: string;
  /** The exact bytes appended (RFC 8785 canonical JSON, UTF-8). */
  readonly bytes: Uint8Array;
  /** RFC 9162 leaf hash of `bytes`. */
  readonly leafHash: Uint8Array;
}

/**
 * One event as a replay that decodes the envelope itself needs it: its position and exact bytes,
 * nothing the store indexed from them (no id, stream, revision, type or leaf hash to build).
 */
export interface EventBytes {
  /** 0-based ledger position. */
  readonly position: number;
  /** The exact bytes appended (a private copy: changing it changes nothing stored). */
  readonly bytes: Uint8Array;
}

/** The head of a logical stream: what the next event in it must chain to. */
export interface StreamHead {
  readonly rev: number;
  readonly position: number;
  readonly leafHash: Uint8Array;
}

export interface AppendOptions {
  /**
   * The ledger size the writer decided against. The batch lands only if the ledger still has
   * exactly this size (docs/design.md §6: rules read several streams, so a whole-ledger check is needed).
   */
  readonly expected: number;
}

export interface AppendResult {
  /** Position of the first event of the batch. */
  readonly from: number;
  /** Ledger size after the append (one past the last event of the batch). */
  readonly size: number;
  /** Events actually written: 0 when the whole batch was already stored (idempotent retry). */
  readonly written: number;
}

/** Why an append was refused. Nothing was written in any of these cases. */
export type StoreError =
  /** The ledger's size is not `expected` (another writer got there first). Re-decide and retry. */
  | HosoError<'concurrency-conflict'>
  /** An event's `rev` is not its stream's next revision, or its `prev` is not the head's leaf hash. */
  | HosoError<'stream-conflict'>
  /** An event id already stored with different bytes. */
  | HosoError<'duplicate-id'>
  /** Part of the batch is already stored and part is not: a batch is appended whole or not at all. */
  | HosoError<'partial-batch'>
  /** Bytes that are not a well-formed canonical envelope of this ledger, or a malformed batch. */
  | HosoError<'invalid-event'>
  /** The ledger id does not belong to this store (a SQLite file holds exactly one ledger). */
  | HosoError<'unknown-ledger'>
  /** The storage medium failed (disk full, read-only file, lost connection). Nothing was written. */
  | HosoError<'storage-failure'>
  /** The store was closed. */
  | HosoError<'store-closed'>
  /** A malformed call: `expected` is not a non-negative safe integer. */
  | HosoError<'invalid-argument'>;

/**
 * A streamed atomic append in progress ({@link EventStore.beginAppend}): chunks are checked and
 * written as they come, in order, after the ledger's events and the chunks before them, and no
 * reader sees any of them until {@link AppendSession.commit} makes them all visible at once. A
 * refused chunk, an `abort`, or a crash before `commit` leaves the ledger exactly as it was. A
 * writer can thus append millions of events atomically while holding only one chunk.
 */
export interface AppendSession {
  /** Position the first chunk is written at (the ledger size the session began at). */
  readonly from: number;
  /**
   * Check and write the next chunk: the checks of {@link EventStore.append} (each event's
   * revision and `prev` continue its stream, earlier chunks included; no id stored already or
   * given twice). An id already stored is refused even with the same bytes (`duplicate-id` or
   * `partial-batch`): a session writes new events only, so a retry of a whole batch is found by the
   * caller before it begins. On a Left the session is over and nothing of it is written.
   */
  chunk(events: readonly Uint8Array[]): Promise<Either<StoreError, { readonly from: number; readonly size: number }>>;
  /** Make every chunk visible at once; `written` counts them all. A session with no chunk writes nothing. */
  commit(): Promise<Either<StoreError, AppendResult>>;
  /** End the session writing nothing (idempotent; a no-op after `commit` or a refused chunk). */
  abort(): Promise<void>;
}

export interface ReadRange {
  /** First position, inclusive (default 0). */
  readonly from?: number;
  /** Last position, exclusive (default: the size when the read started). */
  readonly to?: number;
}

export interface StreamRange {
  /** First revision, inclusive (default 0). */
  readonly fromRev?: number;
  /** Last revision, exclusive (default: to the end). */
  readonly toRev?: number;
}

/** A live subscription: iterate it; `close()` ends the iteration. */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /** A short name for messages and benchmarks (`memory`, `sqlite`, `eventstoredb`). */
  readonly kind: string;

  /**
   * Append a batch atomically at the end of the ledger, or write nothing.
   * Each element is an event's canonical bytes; the store decodes the envelope header (id,
   * ledger, stream, rev, prev), checks the chain and the ledger size, and stores the bytes as given.
   * Signatures are the ledger's business, not the store's.
   */
  append(
    ledger: string,
    events: readonly Uint8Array[],
    options: AppendOptions,
  ): Promise<Either<StoreError, AppendResult>>;

  /**
   * Begin a streamed atomic append ({@link AppendSession}) at `expected`, which must be the ledger
   * size (else `concurrency-conflict`). Optional: a store that cannot write millions of events in
   * one atomic step leaves it out. SQLite holds its write lock from here to `commit` or `abort`
   * (other writers wait); the memory store checks at `commit` that no other append came between.
   */
  beginAppend?(ledger: string, options: AppendOptions): Promise<Either<StoreError, AppendSession>>;

  /** Number of events in the ledger (0 for an unknown ledger). */
  size(ledger: string): Promise<number>;

  /** Events by position, in order; bytes exactly as appended. */
  read(ledger: string, range?: ReadRange): AsyncIterable<StoredEvent>;

  /**
   * The lean read: the same events as {@link EventStore.read} with the same range, the same
   * consistency and the same errors, but only their positions and bytes, delivered in batches
   * (consecutive positions, in order; never an empty batch). For replays that decode the envelope
   * themselves — ledger state load, bundle export, verification — which then skip building a
   * {@link StoredEvent} per row and an async step per event. Flatten with `for (const e of batch)`.
   */
  readBytes(ledger: string, range?: ReadRange): AsyncIterable<readonly EventBytes[]>;

  /** Events of one logical stream by revision, in order. */
  readStream(ledger: string, stream: string, range?: StreamRange): AsyncIterable<StoredEvent>;

  /** The stream's last event, or null for a stream with no events. */
  streamHead(ledger: string, stream: string): Promise<StreamHead | null>;

  /** The event with this id, or null. */
  getById(ledger: string, id: string): Promise<StoredEvent | null>;

  /**
   * Catch up from position `from` (inclusive, default 0), then follow live appends, with no gap and
   * no duplicate across the hand-over.
   */
  subscribe(ledger: string, options?: { readonly from?: number }): Subscription;

  /** RFC 9162 root of the first `size` events (default: the whole ledger). O(log n) reads. */
  root(ledger: string, size?: number): Promise<Uint8Array>;

  /** RFC 9162 inclusion proof of the leaf at `index` in the tree of `size`. O(log n) reads. */
  inclusionProof(ledger: string, index: number, size: number): Promise<Uint8Array[]>;

  /** RFC 9162 consistency proof from size `m` to size `n`. O(log n) reads. */
  consistencyProof(ledger: string, m: number, n: number): Promise<Uint8Array[]>;

  /** Release files and connections. Further calls fail with `store-closed`. */
  close(): Promise<void>;
}
