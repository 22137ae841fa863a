import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  bytesEqual,
  decodeEnvelope,
  hosoError,
  leafHash,
  toHex,
  vouchedEnvelope,
  type EnvelopeHeader,
} from '@hoso/core';
import type { StoreError } from './contract.js';

/**
 * The append semantics every adapter shares (see the package README and the conformance suite):
 * decode and check a batch on its own ({@link decodeBatch}), then decide it against the ledger's
 * current state ({@link planAppend}). Adapters only supply a {@link LedgerView} and write the plan,
 * so the memory, SQLite and EventStoreDB stores cannot drift apart in what they accept.
 */

/** One event of a batch, decoded once: the header fields the store indexes, the bytes and their leaf hash. */
export interface DecodedEvent {
  /** Index of the event in the batch (for error details). */
  readonly index: number;
  readonly id: string;
  readonly stream: string;
  readonly rev: number;
  /** Lowercase hex leaf hash of the stream's previous event; null at rev 0. */
  readonly prev: string | null;
  readonly type: string;
  /** A private copy of the caller's bytes (a later change to the caller's buffer cannot reach the store). */
  readonly bytes: Uint8Array;
  readonly leafHash: Uint8Array;
}

/** A decoded event with the ledger position it will be written at. */
export interface PlannedEvent extends DecodedEvent {
  readonly position: number;
}

/** What an adapter must be able to answer, consistently, while it decides an append. */
export interface LedgerView {
  /** Ledger size. */
  readonly size: number;
  /** The stored event with this id (its position and exact bytes), or null. */
  byId(id: string): { readonly position: number; readonly bytes: Uint8Array } | null;
  /** The stream's head (last revision and its leaf hash), or null for an empty stream. */
  head(stream: string): { readonly rev: number; readonly leafHash: Uint8Array } | null;
}

/** The decision for a batch: write these events, or nothing because the whole batch is already stored. */
export type AppendPlan =
  | { readonly kind: 'write'; readonly from: number; readonly size: number; readonly events: readonly PlannedEvent[] }
  | { readonly kind: 'stored'; readonly from: number; readonly size: number };

/** True when `n` is a non-negative safe integer (positions, sizes, revisions). */
export function isIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Decode every event of a batch and check what can be checked without the ledger: non-empty
 * batch, each element canonical envelope bytes (`decodeEnvelope`), each of this `ledger`, no id
 * twice. Bytes core vouches for (`vouchedEnvelope`: it signed or fully decoded that very array, and
 * it still hashes to the leaf vouched for) are not decoded again; every other caller's bytes are.
 * Errors are `invalid-event` with `details.index` = the offending event's index in the batch.
 */
export function decodeBatch(ledger: string, events: readonly Uint8Array[]): Either<StoreError, DecodedEvent[]> {
  if (!Array.isArray(events)) {
    return left(
      hosoError('invalid-event', 'the batch must be an array of event bytes', {
        path: ['events'],
        rule: 'batch-array',
      }),
    );
  }
  if (events.length === 0) {
    return left(
      hosoError('invalid-event', 'an append needs at least one event', { path: ['events'], rule: 'batch-not-empty' }),
    );
  }
  const out: DecodedEvent[] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < events.length; index++) {
    const raw: unknown = events[index];
    if (!(raw instanceof Uint8Array)) {
      return left(
        hosoError('invalid-event', `event ${index} is not a byte array`, {
          path: ['events', index],
          rule: 'event-bytes',
          details: { index },
        }),
      );
    }
    // Copy first: the store decodes, hashes and keeps the same bytes, whatever the caller does with its buffer.
    const bytes = new Uint8Array(raw);
    const hash = leafHash(bytes);
    // Bytes core signed or fully decoded (the ledger's) carry core's vouch: trusted only when the
    // copy still hashes to the leaf vouched for, i.e. they are the very bytes core checked.
    const vouched = vouchedEnvelope(raw);
    let env: EnvelopeHeader;
    if (vouched !== undefined && bytesEqual(vouched.leafHash, hash)) env = vouched.header;
    else {
      const decoded = decodeEnvelope(bytes);
      if (isLeft(decoded)) {
        const e = decoded.left;
        return left(
          hosoError('invalid-event', `event ${index}: ${e.message}`, {
            path: ['events', index, ...(e.path ?? [])],
            ...(e.rule !== undefined ? { rule: e.rule } : {}),
            details: { index, cause: e.code, ...(e.path !== undefined ? { field: e.path } : {}) },
          }),
        );
      }
      env = decoded.right;
    }
    if (env.ledger !== ledger) {
      return left(
        hosoError(
          'invalid-event',
          `event ${index} belongs to ledger ${JSON.stringify(env.ledger)}, not ${JSON.stringify(ledger)}`,
          {
            path: ['events', index, 'ledger'],
            rule: 'event-ledger-matches',
            details: { index, ledger, eventLedger: env.ledger },
          },
        ),
      );
    }
    const first = seen.get(env.id);
    if (first !== undefined) {
      return left(
        hosoError('invalid-event', `event ${index} repeats the id ${env.id} of event ${first} in the same batch`, {
          path: ['events', index, 'id'],
          rule: 'batch-ids-unique',
          details: { index, id: env.id, firstIndex: first },
        }),
      );
    }
    seen.set(env.id, index);
    out.push({
      index,
      id: env.id,
      stream: env.stream,
      rev: env.rev,
      prev: env.prev,
      type: env.type,
      bytes,
      leafHash: hash,
    });
  }
  return right(out);
}

/**
 * The refusal of an `expected` that is not a size (`invalid-argument`) or, given the ledger's
 * `size`, not that size (`concurrency-conflict`); null when it is fine.
 */
export function checkExpected(expected: unknown, size: number | null): StoreError | null {
  if (!isIndex(expected))
    return hosoError(
      'invalid-argument',
      'expected must be a non-negative safe integer (the ledger size the writer saw)',
      {
        path: ['options', 'expected'],
        rule: 'expected-is-size',
        details: { expected },
      },
    );
  if (size === null || expected === size) return null;
  return hosoError('concurrency-conflict', `the ledger has ${size} events, not the expected ${expected}`, {
    path: ['options', 'expected'],
    rule: 'expected-size',
    details: { expected, actual: size },
  });
}

/**
 * Decide a decoded batch against the ledger's state. In this order:
 * 1. idempotency — every id already stored with identical bytes → `stored` (nothing to write,
 *    whatever `expected` says); an id stored with other bytes → `duplicate-id`; some stored and
 *    some not → `partial-batch`;
 * 2. `expected` must equal the ledger size → else `concurrency-conflict` `{ expected, actual }`;
 * 3. each event's `rev` must be its stream's next revision and `prev` the hex leaf hash of the
 *    stream's head (earlier events of the batch included) → else `stream-conflict`
 *    `{ stream, expectedRev, actualRev }`, where `expectedRev` is the revision the event carries
 *    (what its writer expected) and `actualRev` the revision the stream actually needs next.
 *
 * For a `stored` plan, `from`/`size` say where the batch already is: the position of its first
 * event and one past the position of its last.
 */
export function planAppend(
  batch: readonly DecodedEvent[],
  expected: number,
  view: LedgerView,
): Either<StoreError, AppendPlan> {
  const malformed = checkExpected(expected, null);
  if (malformed !== null) return left(malformed);
  let storedCount = 0;
  let firstMissing = -1;
  let firstStored = -1;
  let minPos = Number.POSITIVE_INFINITY;
  let maxPos = -1;
  for (const e of batch) {
    const found = view.byId(e.id);
    if (found === null) {
      if (firstMissing < 0) firstMissing = e.index;
      continue;
    }
    if (!bytesEqual(found.bytes, e.bytes)) {
      return left(
        hosoError(
          'duplicate-id',
          `event ${e.index}: id ${e.id} is already stored at position ${found.position} with other bytes`,
          {
            path: ['events', e.index, 'id'],
            rule: 'event-id-unique',
            details: { index: e.index, id: e.id, position: found.position },
          },
        ),
      );
    }
    if (firstStored < 0) firstStored = e.index;
    storedCount++;
    minPos = Math.min(minPos, found.position);
    maxPos = Math.max(maxPos, found.position);
  }
  if (storedCount === batch.length) return right({ kind: 'stored', from: minPos, size: maxPos + 1 });
  if (storedCount > 0) {
    return left(
      hosoError(
        'partial-batch',
        `event ${firstStored} is already stored but event ${firstMissing} is not; a batch is appended whole or not at all`,
        {
          path: ['events'],
          rule: 'batch-atomic',
          details: { storedIndex: firstStored, missingIndex: firstMissing, stored: storedCount, total: batch.length },
        },
      ),
    );
  }
  const stale = checkExpected(expected, view.size);
  if (stale !== null) return left(stale);
  const heads = new Map<string, { rev: number; leafHash: Uint8Array } | null>();
  const planned: PlannedEvent[] = [];
  for (const e of batch) {
    let head = heads.get(e.stream);
    if (head === undefined) head = view.head(e.stream);
    const nextRev = head === null ? 0 : head.rev + 1;
    if (e.rev !== nextRev) {
      return left(
        hosoError(
          'stream-conflict',
          `event ${e.index}: stream ${JSON.stringify(e.stream)} needs revision ${nextRev}, the event has ${e.rev}`,
          {
            path: ['events', e.index, 'rev'],
            rule: 'stream-rev-next',
            details: { index: e.index, stream: e.stream, expectedRev: e.rev, actualRev: nextRev },
          },
        ),
      );
    }
    const wantPrev = head === null ? null : toHex(head.leafHash);
    if (e.prev !== wantPrev) {
      return left(
        hosoError(
          'stream-conflict',
          `event ${e.index}: prev does not match the leaf hash of the head of stream ${JSON.stringify(e.stream)}`,
          {
            path: ['events', e.index, 'prev'],
            rule: 'stream-prev-head',
            details: {
              index: e.index,
              stream: e.stream,
              expectedRev: e.rev,
              actualRev: nextRev,
              expectedPrev: e.prev,
              actualPrev: wantPrev,
            },
          },
        ),
      );
    }
    heads.set(e.stream, { rev: e.rev, leafHash: e.leafHash });
    planned.push({
      index: e.index,
      id: e.id,
      stream: e.stream,
      rev: e.rev,
      prev: e.prev,
      type: e.type,
      bytes: e.bytes,
      leafHash: e.leafHash,
      position: view.size + planned.length,
    });
  }
  return right({ kind: 'write', from: view.size, size: view.size + planned.length, events: planned });
}

/**
 * Decide the next chunk of a streamed append (`EventStore.beginAppend`) against a view that holds the
 * ledger and the session's earlier chunks. As {@link planAppend}, except that a chunk whose every
 * id is stored already is refused (`partial-batch`) rather than answered `stored`: a session writes
 * new events only, and a stored chunk in the middle of a stream means the stream is not the one
 * the writer began.
 */
export function planChunk(
  batch: readonly DecodedEvent[],
  expected: number,
  view: LedgerView,
): Either<StoreError, Extract<AppendPlan, { kind: 'write' }>> {
  const plan = planAppend(batch, expected, view);
  if (isLeft(plan)) return plan;
  if (plan.right.kind === 'write') return right(plan.right);
  return left(
    hosoError(
      'partial-batch',
      'every event of this chunk is already stored; a streamed append writes new events only',
      {
        path: ['events', 0, 'id'],
        rule: 'event-id-unique',
        details: { from: plan.right.from, size: plan.right.size },
      },
    ),
  );
}

/**
 * The events a session has written but not committed, as a {@link LedgerView} over the committed
 * `base`: for stores whose uncommitted writes their own reads do not see (the memory store).
 */
export class PendingEvents {
  private readonly ids = new Map<string, { readonly position: number; readonly bytes: Uint8Array }>();
  private readonly heads = new Map<string, { readonly rev: number; readonly leafHash: Uint8Array }>();
  private count = 0;
  constructor(private readonly base: LedgerView) {}

  /** Number of events pending. */
  get size(): number {
    return this.count;
  }

  /** The ledger as the next chunk sees it. */
  view(): LedgerView {
    return {
      size: this.base.size + this.count,
      byId: (id) => this.ids.get(id) ?? this.base.byId(id),
      head: (stream) => this.heads.get(stream) ?? this.base.head(stream),
    };
  }

  /** Record a chunk's planned events. */
  add(events: readonly PlannedEvent[]): void {
    for (const e of events) {
      this.ids.set(e.id, { position: e.position, bytes: e.bytes });
      this.heads.set(e.stream, { rev: e.rev, leafHash: e.leafHash });
    }
    this.count += events.length;
  }
}
