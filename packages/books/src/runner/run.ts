/**
 * The projection runner: keeps a read model in step with a ledger. It reads events by position,
 * applies them in batches and moves the checkpoint in the same atomic step as the model, so a
 * crash at any point leaves a model that resumes exactly where its checkpoint says — no event
 * skipped, none applied twice. Positions are gapless by contract; the runner still checks each
 * one (an event out of sequence stops the run with `projection-gap`).
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, isHosoFailure, type HosoError } from '@hoso/core';
import type { EventBytes, EventStore, StoredEvent } from '@hoso/store';
import type {
  CheckpointStore,
  ImperativeProjection,
  LeanProjection,
  Projection,
  TransactionalCheckpoints,
} from './projection.js';

/** How to run: from scratch, up to the ledger's current size, or on and on following appends. */
export type RunMode = 'rebuild' | 'catch-up' | 'live';

/** Options of {@link runProjection}. */
export interface RunOptions {
  readonly mode: RunMode;
  /** Events per committed batch (default 500). */
  readonly batchSize?: number;
  /**
   * Live mode: commit the events received so far once no further event has arrived for this many
   * milliseconds (default 50), or when `batchSize` is reached. A burst of appends then costs one
   * commit, not one per event (a pure projection's checkpoint store may copy the whole state per
   * commit), while a quiet ledger's last events are committed within this delay.
   */
  readonly liveCommitMs?: number;
  /** Live mode runs until this signal aborts. */
  readonly signal?: AbortSignal;
  /** Called after each commit with the new checkpoint position (progress, tests). */
  readonly onCommit?: (position: number) => void;
}

/** What a run did. */
export interface RunResult<S> {
  readonly name: string;
  readonly version: number;
  /** Checkpoint position at the end: the number of ledger events reflected in the model. */
  readonly position: number;
  /** Events applied by this run. */
  readonly applied: number;
  /** True when the run started from an empty model (asked for, no checkpoint, or a version change). */
  readonly rebuilt: boolean;
  /** The state for pure projections (undefined for imperative ones). */
  readonly state: S | undefined;
}

/** Why a run stopped. The model and its checkpoint are as of the last commit in every case. */
export type RunnerError =
  /** Bad options or projection definition; nothing was done. */
  | HosoError<'invalid-input'>
  /** The checkpoint is beyond the ledger's end: the model belongs to another ledger or a lost one. */
  | HosoError<'checkpoint-ahead'>
  /** The store delivered an event out of position order. */
  | HosoError<'projection-gap'>
  /** The projection's `apply` (or the vendor database) threw; `details.position` is the event. */
  | HosoError<'projection-failed'>
  /** Reading the store failed (its own error is in `details.cause`). */
  | HosoError<'store-failure'>;

/** The runner's view of a read model: where it stands and how to commit a batch. */
interface Sink<S, E extends EventBytes = StoredEvent> {
  /** Load or reset; returns the start position and whether the model is now empty by rebuild. */
  open(rebuild: boolean): Promise<{ position: number; rebuilt: boolean }>;
  /** Apply the events and move the checkpoint to `to`, atomically. */
  commit(events: readonly E[], to: number): Promise<void>;
  state(): S | undefined;
}

function pureSink<S>(
  p: Projection<S> | LeanProjection<S>,
  checkpoints: CheckpointStore<S>,
  store: EventStore,
  ledger: string,
): Sink<S, EventBytes> {
  // A plain projection's apply takes StoredEvents; only those are handed to it (see runProjection).
  const apply = p.apply.bind(p) as (state: S, event: EventBytes) => S;
  let state: S = p.init();
  let position = 0;
  /**
   * A store that keeps the state object (memoryCheckpointStore) holds the very state a failed
   * batch left half-applied: put back the state as of the last commit by replaying the ledger up
   * to it, or forget the checkpoint when that fails too (the next run then rebuilds).
   */
  const restore = async (): Promise<void> => {
    try {
      let s = p.init();
      let at = 0;
      const events: AsyncIterable<readonly EventBytes[] | StoredEvent> =
        p.kind === 'lean'
          ? store.readBytes(ledger, { from: 0, to: position })
          : store.read(ledger, { from: 0, to: position });
      for await (const got of events) {
        for (const e of Array.isArray(got) ? (got as readonly EventBytes[]) : [got as StoredEvent]) {
          if (e.position !== at) throw new Error(`replay expected position ${at}, got ${e.position}`);
          s = apply(s, e);
          at++;
        }
      }
      if (at !== position) throw new Error(`replay reached ${at} of ${position} events`);
      await checkpoints.save(p.name, { version: p.version, position, state: s });
      state = s;
    } catch {
      await checkpoints.clear(p.name);
      state = p.init();
      position = 0;
    }
  };
  return {
    async open(rebuild) {
      const cp = await checkpoints.load(p.name);
      if (!rebuild && cp !== null && cp.version === p.version) {
        state = cp.state;
        position = cp.position;
        return { position: cp.position, rebuilt: false };
      }
      await checkpoints.clear(p.name);
      state = p.init();
      position = 0;
      await checkpoints.save(p.name, { version: p.version, position: 0, state });
      return { position: 0, rebuilt: true };
    },
    async commit(events, to) {
      let s = state;
      try {
        for (const e of events) s = apply(s, e);
      } catch (e) {
        if (checkpoints.keepsState === true) await restore();
        throw e;
      }
      await checkpoints.save(p.name, { version: p.version, position: to, state: s });
      state = s;
      position = to;
    },
    state: () => state,
  };
}

/** Only ever handed StoredEvents (an imperative projection is never lean: see runProjection). */
function imperativeSink(p: ImperativeProjection, db: TransactionalCheckpoints): Sink<undefined, EventBytes> {
  return {
    async open(rebuild) {
      const cp = db.read(p.name);
      if (!rebuild && cp !== null && cp.version === p.version) return { position: cp.position, rebuilt: false };
      db.transaction(() => {
        p.reset();
        db.remove(p.name);
        db.write(p.name, { version: p.version, position: 0 });
      });
      return { position: 0, rebuilt: true };
    },
    async commit(events, to) {
      db.transaction(() => {
        for (const e of events) p.apply(e as StoredEvent);
        db.write(p.name, { version: p.version, position: to });
      });
    },
    state: () => undefined,
  };
}

const message = (e: unknown): string =>
  isHosoFailure(e) ? `${e.error.code}: ${e.error.message}` : e instanceof Error ? e.message : String(e);

class StoreReadError extends Error {
  constructor(readonly failure: unknown) {
    super('the store failed while being read');
  }
}

/** Wrap an async iterable so a failure of the store itself is told apart from a projection's. */
async function* guarded(it: AsyncIterable<StoredEvent>): AsyncGenerator<StoredEvent> {
  const iter = it[Symbol.asyncIterator]();
  for (;;) {
    let r: IteratorResult<StoredEvent>;
    try {
      r = await iter.next();
    } catch (e) {
      throw new StoreReadError(e);
    }
    if (r.done === true) return;
    yield r.value;
  }
}

/** {@link guarded} for the lean read's batches. */
async function* guardedBatches(it: AsyncIterable<readonly EventBytes[]>): AsyncGenerator<readonly EventBytes[]> {
  const iter = it[Symbol.asyncIterator]();
  for (;;) {
    let r: IteratorResult<readonly EventBytes[]>;
    try {
      r = await iter.next();
    } catch (e) {
      throw new StoreReadError(e);
    }
    if (r.done === true) return;
    yield r.value;
  }
}

function checkArgs(projection: { name?: unknown; version?: unknown }, options: RunOptions): RunnerError | null {
  const bad = (path: string[], msg: string) => hosoError('invalid-input', msg, { path });
  if (typeof projection.name !== 'string' || projection.name === '')
    return bad(['projection', 'name'], 'a projection needs a non-empty name');
  if (!Number.isSafeInteger(projection.version) || (projection.version as number) < 1) {
    return bad(['projection', 'version'], 'a projection version is an integer ≥ 1');
  }
  if (!['rebuild', 'catch-up', 'live'].includes(options.mode))
    return bad(['options', 'mode'], 'mode is rebuild, catch-up or live');
  if (options.batchSize !== undefined && (!Number.isSafeInteger(options.batchSize) || options.batchSize < 1)) {
    return bad(['options', 'batchSize'], 'batchSize is an integer ≥ 1');
  }
  if (options.liveCommitMs !== undefined && (!Number.isSafeInteger(options.liveCommitMs) || options.liveCommitMs < 0)) {
    return bad(['options', 'liveCommitMs'], 'liveCommitMs is an integer ≥ 0');
  }
  return null;
}

/**
 * Bring `projection`'s read model up to date with `ledger` in `store`.
 *
 * - `rebuild`: empty the model, replay every event.
 * - `catch-up`: resume from the checkpoint (rebuild when there is none or its version differs)
 *   up to the ledger size at the start of the run.
 * - `live`: catch up, then follow appends until `options.signal` aborts.
 *
 * For a pure {@link Projection} pass a {@link CheckpointStore}; for an
 * {@link ImperativeProjection} pass the {@link TransactionalCheckpoints} of the vendor database
 * the projection writes into.
 */
export function runProjection<S>(
  store: EventStore,
  ledger: string,
  projection: Projection<S> | LeanProjection<S>,
  checkpoints: CheckpointStore<S>,
  options: RunOptions,
): Promise<Either<RunnerError, RunResult<S>>>;
export function runProjection(
  store: EventStore,
  ledger: string,
  projection: ImperativeProjection,
  checkpoints: TransactionalCheckpoints,
  options: RunOptions,
): Promise<Either<RunnerError, RunResult<undefined>>>;
export async function runProjection<S>(
  store: EventStore,
  ledger: string,
  projection: Projection<S> | LeanProjection<S> | ImperativeProjection,
  checkpoints: CheckpointStore<S> | TransactionalCheckpoints,
  options: RunOptions,
): Promise<Either<RunnerError, RunResult<S | undefined>>> {
  const invalid = checkArgs(projection, options);
  if (invalid !== null) return left(invalid);
  const sink: Sink<S | undefined, EventBytes> =
    projection.kind === 'imperative'
      ? imperativeSink(projection, checkpoints as TransactionalCheckpoints)
      : pureSink(projection, checkpoints as CheckpointStore<S>, store, ledger);
  const batchSize = options.batchSize ?? 500;
  const liveCommitMs = options.liveCommitMs ?? 50;
  const { name, version } = projection;

  let opened: { position: number; rebuilt: boolean };
  try {
    opened = await sink.open(options.mode === 'rebuild');
  } catch (e) {
    return left(
      hosoError('projection-failed', `opening the read model failed: ${message(e)}`, { details: { position: null } }),
    );
  }
  let position = opened.position;
  let applied = 0;
  const result = (): RunResult<S | undefined> => ({
    name,
    version,
    position,
    applied,
    rebuilt: opened.rebuilt,
    state: sink.state(),
  });

  const commit = async (batch: EventBytes[]): Promise<RunnerError | null> => {
    if (batch.length === 0) return null;
    const to = position + batch.length;
    try {
      await sink.commit(batch, to);
    } catch (e) {
      return hosoError(
        'projection-failed',
        `projection ${name} failed on an event in [${position}, ${to}): ${message(e)}`,
        {
          details: { from: position, to, cause: message(e) },
        },
      );
    }
    position = to;
    applied += batch.length;
    options.onCommit?.(position);
    return null;
  };

  const IDLE = Symbol('idle');
  const follow = async (events: AsyncIterable<StoredEvent>, live: boolean): Promise<RunnerError | null> => {
    let batch: StoredEvent[] = [];
    const iter = guarded(events);
    let next = iter.next();
    try {
      for (;;) {
        let r: IteratorResult<StoredEvent> | typeof IDLE;
        if (live && batch.length > 0) {
          // Wait for the next event, but not longer than liveCommitMs with uncommitted events.
          let timer: NodeJS.Timeout | undefined;
          const idle = new Promise<typeof IDLE>((resolve) => (timer = setTimeout(() => resolve(IDLE), liveCommitMs)));
          r = await Promise.race([next, idle]);
          clearTimeout(timer);
        } else {
          r = await next;
        }
        if (r === IDLE) {
          const err = await commit(batch);
          if (err !== null) return err;
          batch = [];
          continue; // `next` is still pending
        }
        if (r.done === true) break;
        next = iter.next();
        const e = r.value;
        const expected = position + batch.length;
        if (e.position !== expected) {
          return hosoError('projection-gap', `expected the event at position ${expected}, got ${e.position}`, {
            details: { expected, got: e.position },
          });
        }
        batch.push(e);
        if (batch.length >= batchSize) {
          const err = await commit(batch);
          if (err !== null) return err;
          batch = [];
        }
      }
    } catch (e) {
      if (e instanceof StoreReadError) {
        return hosoError('store-failure', `reading ledger ${ledger} failed: ${message(e.failure)}`, {
          details: { cause: message(e.failure) },
        });
      }
      throw e;
    } finally {
      // Stopped early (an error): release the read; a subscription is also closed by the caller.
      void iter.return(undefined).catch(() => undefined);
    }
    return commit(batch);
  };

  /** The catch-up of a lean projection: the store's batches of positions and bytes, re-cut to `batchSize`. */
  const catchUpLean = async (batches: AsyncIterable<readonly EventBytes[]>): Promise<RunnerError | null> => {
    let batch: EventBytes[] = [];
    try {
      for await (const got of guardedBatches(batches)) {
        for (const e of got) {
          const expected = position + batch.length;
          if (e.position !== expected) {
            return hosoError('projection-gap', `expected the event at position ${expected}, got ${e.position}`, {
              details: { expected, got: e.position },
            });
          }
          batch.push(e);
          if (batch.length >= batchSize) {
            const err = await commit(batch);
            if (err !== null) return err;
            batch = [];
          }
        }
      }
    } catch (e) {
      if (e instanceof StoreReadError) {
        return hosoError('store-failure', `reading ledger ${ledger} failed: ${message(e.failure)}`, {
          details: { cause: message(e.failure) },
        });
      }
      throw e;
    }
    return commit(batch);
  };

  let size: number;
  try {
    size = await store.size(ledger);
  } catch (e) {
    return left(
      hosoError('store-failure', `reading ledger ${ledger} failed: ${message(e)}`, { details: { cause: message(e) } }),
    );
  }
  if (position > size) {
    return left(
      hosoError(
        'checkpoint-ahead',
        `the checkpoint of ${name} is at ${position} but ledger ${ledger} has ${size} events`,
        {
          details: { position, size },
        },
      ),
    );
  }
  const caught =
    projection.kind === 'lean'
      ? await catchUpLean(store.readBytes(ledger, { from: position, to: size }))
      : await follow(store.read(ledger, { from: position, to: size }), false);
  if (caught !== null) return left(caught);
  if (options.mode !== 'live') return right(result());

  if (options.signal?.aborted === true) return right(result());
  const sub = store.subscribe(ledger, { from: position });
  const stop = () => void sub.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    const live = await follow(sub, true);
    if (live !== null) return left(live);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await sub.close();
  }
  return right(result());
}
