import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  bytesEqual,
  hosoError,
  utf8,
  HosoFailure,
  isHosoFailure,
  leafHash,
  treeConsistencyProof,
  treeInclusionProof,
  treeRoot,
} from '@hoso/core';
import {
  checkConsistencyArgs,
  checkInclusionArgs,
  checkTreeSize,
  decodeBatch,
  planAppend,
  requireIndex,
  resolveReadRange,
  resolveStreamRange,
  storeClosed,
  type AppendOptions,
  type AppendResult,
  type DecodedEvent,
  type EventBytes,
  type EventStore,
  type LedgerView,
  type ReadRange,
  type StoreError,
  type StoredEvent,
  type StreamHead,
  type StreamRange,
  type Subscription,
} from '@hoso/store';
import {
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  WrongExpectedVersionError,
  binaryEvent,
} from '@eventstore/db-client';
import { corruptStream, storageFailure, storageFailureThrown } from './errors.js';
import { parseHeader } from './header.js';
import { LedgerIndex } from './ledger-index.js';
import { uuidWords } from './id-table.js';
import { readIndexed, readPhysical, readPositions, type PhysicalRecord } from './physical.js';
import { subscribeLedger, type RetryPolicy } from './subscription.js';
import {
  checkOptions,
  defaultSnapshotStreamName,
  defaultStreamName,
  type EventStoreDbStoreOptions,
} from './options.js';
import {
  SNAPSHOT_DEFAULTS,
  loadSnapshot,
  snapshotDue,
  writeSnapshot,
  type EsdbDiagnostic,
  type SnapshotState,
  type SnapshotTarget,
} from './snapshot-store.js';
import { CHUNK_HEADER_BYTES, CHUNK_TYPE } from './snapshot.js';
import { Lock } from './lock.js';
import { LEADER, LEADER_ATTEMPTS, esdbEventId, isNotLeader } from './calls.js';
import { checkBatchSize, resolveLimits, sizeOnDisk } from './limits.js';

/** Events per batch of `readBytes`. */
const BYTES_BATCH = 512;

/**
 * Waits (100, 200, 400, 800 ms: 1.5 s in all, about the server's 2 s write timeout) for a write the
 * server counts but does not yet serve, before an append refused because of it gives up.
 */
const PENDING_WAITS = 4;
const PENDING_DELAY_MS = 100;

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `storage-failure` for an append refused at a revision the caught-up index has reached, while the
 * server's stream is no longer (`storage-consistent`): the stream is shorter than what this process
 * read before (restored from an older backup, or deleted). Nothing was written.
 */
function behindFailure(st: { physical: string }, from: number, actual: unknown): StoreError {
  return hosoError(
    'storage-failure',
    `the server refused expected revision ${from - 1} of ${st.physical}, saying its stream ends at ${String(actual)}, shorter than this process has read: was it restored from an older backup or deleted? Nothing was written`,
    {
      rule: 'storage-consistent',
      details: {
        physicalStream: st.physical,
        outcome: 'not-written',
        expectedRevision: from - 1,
        current: String(actual),
      },
    },
  );
}

/**
 * `storage-failure` for an append refused because the server holds a write it does not serve yet
 * (`replication-pending`): nothing of this batch was written; try again once it is readable.
 */
function pendingFailure(st: { physical: string }, from: number, err: WrongExpectedVersionError): StoreError {
  const current = err.actualVersion;
  return hosoError(
    'storage-failure',
    `the server holds events of ${st.physical} beyond revision ${from - 1} that it does not serve yet (being replicated, or written by a request whose answer was lost); nothing was written: try again`,
    {
      rule: 'storage-available',
      details: {
        esdb: 'replication-pending',
        outcome: 'not-written',
        physicalStream: st.physical,
        expectedRevision: from - 1,
        current: String(current),
      },
    },
  );
}

interface LedgerState {
  readonly ledger: string;
  readonly physical: string;
  /** Replaced once, at first use, by the index loaded from a snapshot. */
  index: LedgerIndex;
  readonly lock: Lock;
  /** Whether the index has been caught up at least once (the physical stream read at first use). */
  loaded: boolean;
  /** Where this ledger's snapshots live (null: snapshots off, or a side stream name that cannot be used). */
  readonly snapshot: SnapshotTarget | null;
  /** The newest snapshot this process loaded or wrote (null: none). */
  snapshotState: SnapshotState | null;
  /**
   * An append's outcome was unknown (its answer lost or timed out: it may have landed): the next
   * append catches up before deciding, never on the index as it is.
   */
  uncertain: boolean;
  /** The snapshot being written in the background, if any (one at a time per ledger). */
  snapshotting: Promise<void> | null;
}

/**
 * A client for `connectionString` (`esdb://…`, `kurrentdb://…`), for callers that share one
 * connection between the store and the personal-data store ({@link openEventStoreDbPersonalData});
 * the caller disposes of it. A malformed string is `invalid-argument` on `connectionString`.
 */
export function connectEventStoreDb(connectionString: string): EventStoreDBClient {
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (err) {
    throw new HosoFailure(
      hosoError('invalid-argument', `connectionString: ${err instanceof Error ? err.message : String(err)}`, {
        path: ['options', 'connectionString'],
        rule: 'esdb-connection-string',
      }),
    );
  }
}

/**
 * The hoso {@link EventStore} on EventStoreDB / KurrentDB (docs/design.md §6, §10).
 *
 * One physical stream per ledger; ledger position p = stream revision p. A batch is appended with
 * one `appendToStream` at the exact expected revision `expected − 1` (`NO_STREAM` for an empty
 * ledger) — never `ANY` — and `requires-leader`, with event ids derived from each envelope id and
 * its bytes ({@link esdbEventId}), the envelope type as event type and the canonical bytes as binary
 * data, unchanged; so the server enforces the single-writer order and makes a retried append
 * idempotent, while the same id with other bytes is refused. The contract's checks (envelopes, ids, stream
 * chains, expected size) run on a client-side {@link LedgerIndex} caught up with the server before
 * every operation; Merkle roots and proofs come from that index. The index is loaded at first use
 * from the newest snapshot on the ledger's side stream that passes its checks (then only the tail
 * is read), and snapshots are written every `snapshots.every` events (docs/eventstoredb.md §2).
 */
export function openEventStoreDbStore(options: EventStoreDbStoreOptions): EventStore {
  checkOptions(options);
  const ownsClient = options.client === undefined;
  const client = options.client ?? connectEventStoreDb(options.connectionString ?? '');
  const streamName = options.streamName ?? defaultStreamName;
  const maxGap = options.readStreamMaxGap ?? 16;
  const parallel = options.readStreamParallel ?? 8;
  const retry: RetryPolicy = { retries: 30, baseDelayMs: 50, maxDelayMs: 2000, ...options.subscriptionRetry };
  const maxLedgers = options.maxLedgersInMemory ?? Number.POSITIVE_INFINITY;
  const snap = options.snapshots === false ? null : (options.snapshots ?? {});
  const snapEvery = snap?.every ?? SNAPSHOT_DEFAULTS.every;
  const snapFraction = snap?.everyFraction ?? SNAPSHOT_DEFAULTS.everyFraction;
  const snapOnCloseMin = snap?.onCloseMin ?? SNAPSHOT_DEFAULTS.onCloseMin;
  const limits = resolveLimits(options.serverLimits);
  // A chunk event must fit the server's limits as it counts them (header and type included).
  const snapPolicy = {
    chunkBytes: Math.min(
      snap?.chunkBytes ?? SNAPSHOT_DEFAULTS.chunkBytes,
      limits.maxAppendEventSize - sizeOnDisk(CHUNK_TYPE, new Uint8Array(CHUNK_HEADER_BYTES), new Uint8Array(0)),
    ),
    maxTails: snap?.maxTails ?? SNAPSHOT_DEFAULTS.maxTails,
  };
  const snapStreamName = snap?.streamName ?? defaultSnapshotStreamName;
  const pendingSnapshots = new Set<Promise<void>>();
  const report = (d: EsdbDiagnostic): void => {
    try {
      options.onDiagnostic?.(d);
    } catch {
      // A diagnostic hook must not break the store.
    }
  };
  // Insertion order doubles as recency order: a used ledger is moved to the end.
  const ledgers = new Map<string, LedgerState>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) storeClosed('eventstoredb');
  };

  const stateOf = (ledger: string): LedgerState => {
    let st = ledgers.get(ledger);
    if (st === undefined) {
      const physical = streamName(ledger);
      st = {
        ledger,
        physical,
        index: new LedgerIndex(),
        lock: new Lock(),
        loaded: false,
        snapshot: snapshotTarget(ledger, physical),
        snapshotState: null,
        uncertain: false,
        snapshotting: null,
      };
    } else {
      ledgers.delete(ledger);
    }
    ledgers.set(ledger, st);
    while (ledgers.size > maxLedgers) ledgers.delete(ledgers.keys().next().value!);
    return st;
  };

  /** The side stream of a ledger's snapshots, or null when snapshots are off or its name is unusable. */
  function snapshotTarget(ledger: string, physical: string): SnapshotTarget | null {
    if (snap === null) return null;
    let side: unknown;
    try {
      side = snapStreamName(ledger);
    } catch (err) {
      side = err;
    }
    if (typeof side !== 'string' || side === '' || side === physical || side.startsWith('$')) {
      report({
        code: 'snapshot-read-failed',
        ledger,
        reason: `snapshot stream name ${JSON.stringify(String(side))} is unusable (empty, the ledger's own stream, or a $ system stream): snapshots off for this ledger`,
      });
      return null;
    }
    return { client, ledger, physical, side };
  }

  const snapshotSize = (st: LedgerState): number => st.snapshotState?.size ?? 0;

  /** Write a snapshot of the ledger's index as it is now; failures are reported, never thrown. */
  const snapshotNow = async (st: LedgerState, mode: 'regular' | 'close'): Promise<void> => {
    const t = st.snapshot;
    if (t === null || st.index.size === 0 || st.index.size <= snapshotSize(st)) return;
    const size = st.index.size;
    try {
      const r = await writeSnapshot(t, st.index, st.snapshotState, snapPolicy, mode);
      if (r.state.size > snapshotSize(st)) st.snapshotState = r.state;
      report({ code: 'snapshot-written', ledger: st.ledger, ...r.written });
    } catch (err) {
      report({
        code: 'snapshot-write-failed',
        ledger: st.ledger,
        size,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  };

  /**
   * Start a background snapshot when the index has grown by max(`every`, `everyFraction` × its size) events
   * since the newest one.
   */
  const maybeSnapshot = (st: LedgerState): void => {
    if (st.snapshot === null || closed || st.snapshotting !== null || !st.loaded) return;
    if (!snapshotDue(st.index.size, snapshotSize(st), snapEvery, snapFraction)) return;
    const p: Promise<void> = snapshotNow(st, 'regular').finally(() => {
      st.snapshotting = null;
      pendingSnapshots.delete(p);
    });
    st.snapshotting = p;
    pendingSnapshots.add(p);
  };

  /** Index what other writers (or an append whose answer was lost) added since the last look. Run under the lock. */
  const catchUp = async (st: LedgerState): Promise<number> => {
    if (!st.loaded && st.snapshot !== null && st.index.size === 0) {
      // First use: start from the best snapshot that passes the checks, then read only the tail.
      const loaded = await loadSnapshot(st.snapshot, report);
      if (loaded !== null) {
        st.index = loaded.index;
        st.snapshotState = loaded.state;
      }
    }
    const ix = st.index;
    for await (const rec of readPhysical(client, st.physical, ix.size, Number.MAX_SAFE_INTEGER)) {
      if (rec.position !== ix.size) throw corruptStream(st.physical, rec.position, `expected revision ${ix.size}`);
      const h = parseHeader(rec.bytes);
      if (isLeft(h)) throw corruptStream(st.physical, rec.position, h.left);
      const e = h.right;
      if (e.ledger !== st.ledger)
        throw corruptStream(st.physical, rec.position, `event of ledger ${JSON.stringify(e.ledger)}`);
      if (e.type !== rec.type)
        throw corruptStream(
          st.physical,
          rec.position,
          `event type ${JSON.stringify(rec.type)} differs from the envelope's`,
        );
      if (uuidWords(e.id) === undefined)
        throw corruptStream(st.physical, rec.position, `id ${JSON.stringify(e.id)} is not a lowercase UUID`);
      if (ix.position(e.id) !== undefined) throw corruptStream(st.physical, rec.position, `id ${e.id} appears twice`);
      const want = ix.next(e.stream);
      if (e.rev !== want.rev || e.prev !== want.prev) {
        throw corruptStream(
          st.physical,
          rec.position,
          `stream ${JSON.stringify(e.stream)} does not chain (rev ${e.rev}, needs ${want.rev})`,
        );
      }
      ix.add({ id: e.id, stream: e.stream, rev: e.rev, leafHash: leafHash(rec.bytes) });
    }
    st.loaded = true;
    st.uncertain = false;
    maybeSnapshot(st);
    return ix.size;
  };

  /** Catch up under the ledger's lock; failures thrown as `storage-failure`. */
  const freshIndex = async (st: LedgerState): Promise<LedgerIndex> => {
    await st.lock
      .run(() => catchUp(st))
      .catch((err: unknown) => {
        throw storageFailureThrown(err, 'catch-up read', st.physical);
      });
    ensureOpen();
    return st.index;
  };

  /** The index entry of a physical record, after checking the record's bytes against the indexed leaf hash. */
  const indexed = (st: LedgerState, rec: PhysicalRecord): ReturnType<LedgerIndex['at']> => {
    const i = st.index.at(rec.position);
    if (!bytesEqual(leafHash(rec.bytes), i.leafHash))
      throw corruptStream(st.physical, rec.position, 'bytes differ from the indexed leaf hash');
    return i;
  };

  /** The contract's event from a physical record and the index (bytes checked against the indexed leaf hash). */
  const storedFromIndex = (st: LedgerState, rec: PhysicalRecord): StoredEvent => {
    const i = indexed(st, rec);
    return {
      position: rec.position,
      id: i.id,
      stream: i.stream,
      rev: i.rev,
      type: rec.type,
      bytes: rec.bytes,
      leafHash: i.leafHash,
    };
  };

  /** The contract's event from a physical record alone (subscriptions may run ahead of the index). */
  const storedFromBytes = (st: LedgerState, rec: PhysicalRecord): StoredEvent => {
    const h = parseHeader(rec.bytes);
    if (isLeft(h)) throw corruptStream(st.physical, rec.position, h.left);
    if (h.right.ledger !== st.ledger)
      throw corruptStream(st.physical, rec.position, `event of ledger ${JSON.stringify(h.right.ledger)}`);
    const { id, stream, rev, type } = h.right;
    return { position: rec.position, id, stream, rev, type, bytes: rec.bytes, leafHash: leafHash(rec.bytes) };
  };

  /**
   * The {@link LedgerView} `planAppend` decides against. Ids of the batch that are already stored
   * (a retry) have their stored bytes read back from the server, so "same id, same bytes" is
   * checked on the bytes themselves.
   */
  const viewFor = async (st: LedgerState, batch: readonly DecodedEvent[]): Promise<LedgerView> => {
    const ix = st.index;
    const known = batch
      .map((e) => ix.position(e.id))
      .filter((p): p is number => p !== undefined)
      .sort((a, b) => a - b);
    const bytesAt = new Map<number, Uint8Array>();
    for await (const rec of readPositions(client, st.physical, known, maxGap, parallel))
      bytesAt.set(rec.position, storedFromIndex(st, rec).bytes);
    return {
      size: ix.size,
      byId(id) {
        const p = ix.position(id);
        return p === undefined ? null : { position: p, bytes: bytesAt.get(p)! };
      },
      head(stream) {
        const h = ix.head(stream);
        return h === null ? null : { rev: h.rev, leafHash: h.leafHash };
      },
    };
  };

  const failureOf = (err: unknown, what: string, st: LedgerState): StoreError =>
    isHosoFailure(err)
      ? (err.error as StoreError)
      : storageFailure(err, what, { stream: st.physical, outcome: 'not-written' });

  async function append(
    ledger: string,
    events: readonly Uint8Array[],
    opts: AppendOptions,
  ): Promise<Either<StoreError, AppendResult>> {
    if (closed) return left(hosoError('store-closed', 'the eventstoredb store is closed', { rule: 'store-open' }));
    if (typeof ledger !== 'string' || ledger === '') {
      return left(
        hosoError('invalid-argument', 'ledger must be a non-empty string', { path: ['ledger'], rule: 'ledger-id' }),
      );
    }
    const batch = decodeBatch(ledger, events);
    if (isLeft(batch)) return batch;
    // What goes on the wire, and its size as the server counts it: a batch the server would refuse
    // is refused here, before anything is sent.
    const wire = batch.right.map((e) =>
      binaryEvent({
        id: esdbEventId(e.id, e.leafHash),
        type: e.type,
        data: e.bytes,
        metadata: utf8(JSON.stringify({ id: e.id, stream: e.stream, rev: e.rev })),
      }),
    );
    const tooBig = checkBatchSize(
      wire.map((w) => ({ type: w.type, data: w.data, metadata: w.metadata })),
      limits,
    );
    if (tooBig !== undefined) return left(tooBig);
    const st = stateOf(ledger);
    return st.lock.run(async (): Promise<Either<StoreError, AppendResult>> => {
      // Optimistic when the caller expects the size this index already has: decide on the index
      // and let the server's exact expected-revision check confirm it (one round trip). Any
      // refusal — by the plan or by the server — is decided again on a freshly caught-up index.
      let fresh = false;
      // Set when the server refused the expected revision: the next plan runs on a caught-up index.
      let refusedByServer: WrongExpectedVersionError | null = null;
      let notLeader = 0;
      let pendingWaits = 0;
      for (;;) {
        if (closed) return left(hosoError('store-closed', 'the eventstoredb store is closed', { rule: 'store-open' }));
        let view: LedgerView;
        try {
          if (!fresh && (!st.loaded || st.uncertain || opts?.expected !== st.index.size)) {
            await catchUp(st);
            fresh = true;
          }
          view = await viewFor(st, batch.right);
        } catch (err) {
          return left(failureOf(err, 'catch-up read', st));
        }
        const plan = planAppend(batch.right, opts?.expected, view);
        if (isLeft(plan)) {
          if (fresh) return plan;
          try {
            await catchUp(st);
          } catch (err) {
            return left(failureOf(err, 'catch-up read', st));
          }
          fresh = true;
          continue;
        }
        const p = plan.right;
        if (p.kind === 'stored') return right({ from: p.from, size: p.size, written: 0 });
        if (refusedByServer !== null) {
          // Refused at this revision, yet the caught-up stream has not moved: the server holds a
          // write it has not made readable yet (being replicated to a majority; or one whose answer
          // was lost). Wait for it to become readable and decide again, for a bounded time.
          const actual = refusedByServer.actualVersion;
          if (typeof actual !== 'bigint' || actual < BigInt(p.from)) {
            // The server's stream is no longer than this index: nothing is pending, the two disagree.
            return left(behindFailure(st, p.from, actual));
          }
          if (pendingWaits >= PENDING_WAITS) return left(pendingFailure(st, p.from, refusedByServer));
          await delay(PENDING_DELAY_MS * 2 ** pendingWaits++);
          refusedByServer = null;
          try {
            await catchUp(st);
          } catch (err) {
            return left(failureOf(err, 'catch-up read', st));
          }
          continue;
        }
        try {
          const res = await client.appendToStream(
            st.physical,
            p.events.map((e) => wire[e.index]!),
            // The exact revision the batch follows — never ANY: the server is the single-writer arbiter.
            { expectedRevision: p.from === 0 ? NO_STREAM : BigInt(p.from - 1), ...LEADER },
          );
          // throwOnAppendFailure=false in the connection string reports WrongExpectedVersion this way.
          if (!res.success)
            throw new WrongExpectedVersionError(undefined, {
              streamName: st.physical,
              current: res.nextExpectedRevision,
              expected: BigInt(p.from - 1),
            });
          if (res.nextExpectedRevision !== BigInt(p.size - 1)) {
            return left(
              hosoError(
                'storage-failure',
                `append to ${st.physical} answered revision ${res.nextExpectedRevision}, expected ${p.size - 1}`,
                {
                  rule: 'storage-consistent',
                  details: {
                    physicalStream: st.physical,
                    answered: String(res.nextExpectedRevision),
                    expected: p.size - 1,
                  },
                },
              ),
            );
          }
          for (const e of p.events) st.index.add(e);
          maybeSnapshot(st);
          return right({ from: p.from, size: p.size, written: p.events.length });
        } catch (err) {
          if (err instanceof WrongExpectedVersionError) {
            refusedByServer = err;
            try {
              await catchUp(st);
            } catch (e) {
              return left(failureOf(e, 'catch-up read', st));
            }
            fresh = true;
            continue;
          }
          if (err instanceof MaxAppendSizeExceededError) {
            return left(
              hosoError(
                'invalid-event',
                `the batch exceeds the server's maximum append size of ${err.maxAppendSize} bytes; split it`,
                {
                  path: ['events'],
                  rule: 'esdb-max-append-size',
                  details: { maxAppendSize: err.maxAppendSize },
                },
              ),
            );
          }
          // The request may have reached the server and landed: the next attempt catches up first,
          // and a retry of the same batch is then found stored (written: 0). A NotLeader refusal is
          // tried again at once on the leader the client has switched to — also uncertain, because
          // a BatchAppend call failing with NotLeader fails every append pending on it.
          st.uncertain = true;
          if (isNotLeader(err) && ++notLeader < LEADER_ATTEMPTS) {
            fresh = false;
            continue;
          }
          return left(storageFailure(err, 'append', { stream: st.physical, outcome: 'unknown' }));
        }
      }
    });
  }

  async function* read(ledger: string, range?: ReadRange): AsyncGenerator<StoredEvent> {
    ensureOpen();
    resolveReadRange(range, Number.MAX_SAFE_INTEGER);
    const st = stateOf(ledger);
    const ix = await freshIndex(st);
    const { from, to } = resolveReadRange(range, ix.size);
    if (from >= to) return;
    for await (const rec of readIndexed(client, st.physical, from, to - from)) {
      ensureOpen();
      yield storedFromIndex(st, rec);
    }
  }

  async function* readBytes(ledger: string, range?: ReadRange): AsyncGenerator<readonly EventBytes[]> {
    ensureOpen();
    resolveReadRange(range, Number.MAX_SAFE_INTEGER);
    const st = stateOf(ledger);
    const ix = await freshIndex(st);
    const { from, to } = resolveReadRange(range, ix.size);
    if (from >= to) return;
    // The same records and checks as `read`, gathered into batches: the gRPC stream delivers one
    // record at a time, the consumer gets one async step per batch.
    let batch: EventBytes[] = [];
    for await (const rec of readIndexed(client, st.physical, from, to - from)) {
      ensureOpen();
      indexed(st, rec);
      batch.push({ position: rec.position, bytes: rec.bytes });
      if (batch.length === BYTES_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async function* readStream(ledger: string, stream: string, range?: StreamRange): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const { fromRev, toRev } = resolveStreamRange(range);
    const st = stateOf(ledger);
    const ix = await freshIndex(st);
    const all = ix.streamPositions(stream);
    const positions = all.slice(fromRev, Math.min(toRev, all.length));
    for await (const rec of readPositions(client, st.physical, positions, maxGap, parallel)) {
      ensureOpen();
      yield storedFromIndex(st, rec);
    }
  }

  const store: EventStore = {
    kind: 'eventstoredb',
    append,
    async size(ledger) {
      ensureOpen();
      return (await freshIndex(stateOf(ledger))).size;
    },
    read,
    readBytes,
    readStream,
    async streamHead(ledger, stream): Promise<StreamHead | null> {
      ensureOpen();
      const h = (await freshIndex(stateOf(ledger))).head(stream);
      return h === null ? null : { rev: h.rev, position: h.position, leafHash: new Uint8Array(h.leafHash) };
    },
    async getById(ledger, id) {
      ensureOpen();
      const st = stateOf(ledger);
      const ix = await freshIndex(st);
      const p = typeof id === 'string' ? ix.position(id) : undefined;
      if (p === undefined) return null;
      // Read to the end of the one-event call (no early return: the call then completes normally).
      let found: StoredEvent | null = null;
      for await (const rec of readPhysical(client, st.physical, p, 1)) found = storedFromIndex(st, rec);
      if (found === null) throw corruptStream(st.physical, p, 'the server did not return an indexed event');
      return found;
    },
    subscribe(ledger, opts) {
      const st = stateOf(ledger);
      const sub: Subscription = subscribeLedger({
        client,
        physical: st.physical,
        from: opts?.from ?? 0,
        retry,
        toStored: (rec) => storedFromBytes(st, rec),
        check: () => {
          ensureOpen();
          if (opts?.from !== undefined) requireIndex(opts.from, ['options', 'from'], 'options.from');
        },
        onClose: () => subscriptions.delete(sub),
      });
      subscriptions.add(sub);
      return sub;
    },
    async root(ledger, size) {
      ensureOpen();
      if (size !== undefined) requireIndex(size, ['size'], 'size');
      const ix = await freshIndex(stateOf(ledger));
      const n = size === undefined ? ix.size : checkTreeSize(size, ix.size);
      return n === ix.size ? ix.root() : treeRoot(n, ix.nodeSource());
    },
    async inclusionProof(ledger, index, size) {
      ensureOpen();
      checkInclusionArgs(index, size, Number.MAX_SAFE_INTEGER);
      const ix = await freshIndex(stateOf(ledger));
      const a = checkInclusionArgs(index, size, ix.size);
      return treeInclusionProof(a.index, a.size, ix.nodeSource());
    },
    async consistencyProof(ledger, m, n) {
      ensureOpen();
      checkConsistencyArgs(m, n, Number.MAX_SAFE_INTEGER);
      const ix = await freshIndex(stateOf(ledger));
      const a = checkConsistencyArgs(m, n, ix.size);
      return treeConsistencyProof(a.m, a.n, ix.nodeSource());
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      await Promise.all([...pendingSnapshots]);
      // Only what grew since the newest snapshot: a tail segment each, never a whole index.
      for (const st of ledgers.values()) {
        if (st.loaded && st.index.size - snapshotSize(st) >= snapOnCloseMin) await snapshotNow(st, 'close');
      }
      ledgers.clear();
      if (ownsClient) await client.dispose();
    },
  };
  return store;
}
