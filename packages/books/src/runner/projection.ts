/**
 * What a projection is, for the runner: a named, versioned fold over the ledger's events, either
 * pure (state in, state out, checkpointed as a whole) or imperative (writes into a vendor's own
 * database inside the transaction that also moves its checkpoint).
 */
import type { EventBytes, StoredEvent } from '@hoso/store';
import { copyState } from './copy.js';

/**
 * A pure projection: `apply` folds one event into the state. Bump `version` whenever `apply`
 * changes meaning; the runner then rebuilds from position 0.
 */
export interface Projection<S> {
  readonly kind?: 'pure';
  /** Stable name; the checkpoint is stored under it. */
  readonly name: string;
  /** Integer ≥ 1. A stored checkpoint of another version is discarded and the model rebuilt. */
  readonly version: number;
  /** The state before any event. */
  init(): S;
  /** The state after `event`. May return the same object mutated: the runner never reuses an older state. */
  apply(state: S, event: StoredEvent): S;
}

/**
 * A pure projection that reads only each event's position and bytes (it decodes the envelope
 * itself): the runner catches it up with the store's lean read (`readBytes`, batches of positions
 * and bytes), not a {@link StoredEvent} per row and an async step per event. Otherwise as
 * {@link Projection}; in `live` mode it is handed the subscription's events (which carry more).
 */
export interface LeanProjection<S> {
  readonly kind: 'lean';
  readonly name: string;
  readonly version: number;
  init(): S;
  apply(state: S, event: EventBytes): S;
}

/** Where a read model stands: the projection version and the next position it will apply. */
export interface CheckpointRecord {
  readonly version: number;
  /** Number of ledger events applied: the position of the next one. */
  readonly position: number;
}

/** A pure projection's checkpoint: the position and the state as of that position, saved together. */
export interface Checkpoint<S> extends CheckpointRecord {
  readonly state: S;
}

/**
 * Storage for pure projections' checkpoints. `save` must be atomic: after a crash `load` returns
 * either the previous checkpoint or the new one, never a mix, so a state and its position always
 * belong together.
 */
export interface CheckpointStore<S> {
  load(name: string): Promise<Checkpoint<S> | null> | Checkpoint<S> | null;
  save(name: string, checkpoint: Checkpoint<S>): Promise<void> | void;
  /** Forget the checkpoint (before a rebuild). */
  clear(name: string): Promise<void> | void;
  /**
   * True when `save` keeps the state object itself rather than a copy (an in-memory store), and
   * `save` returns synchronously. The runner then keeps folding into the saved object: the next
   * batch's events are applied and saved without an await in between, so no caller observes a
   * state ahead of its position; if `apply` throws mid-batch, the runner restores the checkpoint by
   * replaying the ledger up to its position (or clears it when that replay fails too).
   */
  readonly keepsState?: boolean;
}

/**
 * An imperative projection that writes into the vendor's own database. Every call the runner
 * makes to it happens inside {@link TransactionalCheckpoints.transaction}, together with the
 * checkpoint write, so a crash leaves the model and its checkpoint consistent.
 */
export interface ImperativeProjection {
  readonly kind: 'imperative';
  readonly name: string;
  readonly version: number;
  /** Remove everything this projection wrote (called inside a transaction before a rebuild). */
  reset(): void;
  /** Write the effect of one event (called inside a transaction, in position order). */
  apply(event: StoredEvent): void;
}

/**
 * The vendor database's side of an imperative projection: a synchronous transaction (commit when
 * `fn` returns, roll back when it throws — better-sqlite3's `db.transaction` is exactly this) and
 * the checkpoint row kept in the same database.
 */
export interface TransactionalCheckpoints {
  transaction(fn: () => void): void;
  /** Read the checkpoint (outside or inside a transaction). */
  read(name: string): CheckpointRecord | null;
  /** Write the checkpoint; only ever called inside `transaction`. */
  write(name: string, checkpoint: CheckpointRecord): void;
  /** Delete the checkpoint; only ever called inside `transaction`. */
  remove(name: string): void;
}

/**
 * An in-memory checkpoint store, as {@link memoryCheckpointStore} and {@link sharedMemoryCheckpointStore} return it.
 */
export type MemoryCheckpointStore<S> = CheckpointStore<S> & {
  /** Number of checkpoints held. */
  readonly size: number;
  readonly keepsState: true;
};

function memoryStore<S>(copyOnLoad: boolean): MemoryCheckpointStore<S> {
  const saved = new Map<string, Checkpoint<S>>();
  return {
    keepsState: true,
    load: (name) => {
      const c = saved.get(name);
      if (c === undefined) return null;
      return { version: c.version, position: c.position, state: copyOnLoad ? copyState(c.state) : c.state };
    },
    save: (name, checkpoint) => {
      // A record of its own, so a caller's later change to its `checkpoint` object cannot move the position.
      saved.set(name, { version: checkpoint.version, position: checkpoint.position, state: checkpoint.state });
    },
    clear: (name) => {
      saved.delete(name);
    },
    get size() {
      return saved.size;
    },
  };
}

/**
 * An in-memory {@link CheckpointStore}. `save` keeps the state itself, not a copy (`keepsState`),
 * so a commit costs nothing however large the state: the runner folds on in the saved object and
 * repairs it by replay if a batch fails midway. `load` returns a deep copy (once per run) that
 * shares only immutable values (see {@link copyState}), so a checkpoint a caller loaded, or a state
 * an earlier run returned, is never changed by later folding. Do not change a state after saving it.
 */
export function memoryCheckpointStore<S>(): MemoryCheckpointStore<S> {
  return memoryStore(true);
}

/**
 * Like {@link memoryCheckpointStore}, but `load` hands out the saved state itself: no copy at all,
 * for a long-running process that calls `runProjection` in `catch-up` mode again and again over
 * one large state. The price: the state a run returned (and every book computed from it, since
 * books hold references to the cells) changes when the next run folds on; {@link copyState} it to
 * keep it. A batch failing midway is repaired by replay, as with {@link memoryCheckpointStore}.
 */
export function sharedMemoryCheckpointStore<S>(): MemoryCheckpointStore<S> {
  return memoryStore(false);
}
