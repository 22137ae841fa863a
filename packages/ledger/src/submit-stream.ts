/**
 * `submit` for more events than fit in memory: the events come in chunks, each decoded, verified
 * and checked against the state that already holds the chunks before it (the very checks of
 * `submit`), then written into the store's open streamed append (`EventStore.beginAppend`), which
 * makes them visible all at once on `commit` — or writes nothing. What is held is one chunk and the
 * state with the events folded in, never the events themselves (docs/spreadsheets.md#large-files).
 */
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Envelope } from '@hoso/core';
import type { AppendSession, EventStore, StoreError } from '@hoso/store';
import { firstProblem, ledgerError, under, type LedgerError } from './errors.js';
import { bytesOf, leafHexOf } from './encoded.js';
import { futureAt } from './clock.js';
import { checkEvent, replayCheck } from './rules/index.js';
import { evolve, forkState, type LedgerState } from './state.js';
import type { AppendedPersonalEvent, PersonalDataStore } from './personal/store.js';

/** What a committed streamed submission wrote. */
export interface StreamAppended {
  /** Position of the first event (the ledger size when nothing was written). */
  readonly from: number;
  /** Ledger size after the append. */
  readonly size: number;
  /** Events written. */
  readonly written: number;
}

/** A submission in progress; see {@link Ledger.beginSubmit}. */
export interface SubmitStream {
  /**
   * The ledger with every event added so far folded in: decide the next commands against it (read
   * it, do not change it). Gone once the stream ends.
   */
  readonly state: LedgerState;
  /** Events added so far. */
  readonly events: number;
  /**
   * Decode, verify and check `events` (in order, after every event added before) and write them
   * into the open append. A Left ends the stream and nothing of it is written; its path is
   * `['events', i, …]` with `i` counted from the stream's first event. An `ActCertified` must come
   * in the same `add` as the act it certifies.
   */
  add(events: readonly Uint8Array[]): Promise<Either<LedgerError, void>>;
  /** Make every event added visible at once. */
  commit(): Promise<Either<LedgerError, StreamAppended>>;
  /** End the stream writing nothing (idempotent). */
  abort(): Promise<void>;
}

/** What {@link openSubmitStream} needs of the open ledger. */
export interface SubmitStreamDeps {
  readonly store: EventStore;
  readonly ledger: string;
  /** The live state, caught up with the store. */
  readonly state: () => LedgerState;
  readonly clock: () => Date;
  readonly skewMs: number;
  /** `submit`'s decoding and signature check of the `i`-th event. */
  readonly decode: (bytes: unknown, i: number) => Either<LedgerError, Envelope>;
  /** `submit`'s certificate checks of `envs` against `base` (the first refusal or null). */
  readonly checkCertificates: (
    envs: readonly Envelope[],
    pointAt: (i: number) => ReadonlyArray<string | number>,
    known: (id: string) => Uint8Array | undefined,
    base: LedgerState,
  ) => Promise<LedgerError | null>;
  readonly personalData: PersonalDataStore | undefined;
  /** Told the state after a commit: the live state had not moved, so the stream's state is the ledger's. */
  readonly adopt: (s: LedgerState) => void;
}

/** Events held before they are handed to the store as one chunk. */
const CHUNK = 1024;

/** A store refusal of the open append, as the ledger's `store-error`. */
function storeRefusal(e: StoreError, at: ReadonlyArray<string | number> = []): LedgerError {
  return ledgerError('store-error', e.message, { path: [...at], details: { cause: e.code } });
}

/** Begin a streamed submission at the live state's size; see {@link SubmitStream}. */
export async function openSubmitStream(deps: SubmitStreamDeps): Promise<Either<LedgerError, SubmitStream>> {
  const { store, ledger } = deps;
  if (store.beginAppend === undefined)
    return left(
      ledgerError(
        'store-error',
        `the ${store.kind} store cannot append a stream of events atomically: submit them in batches`,
        {
          rule: 'docs/design.md §6',
          details: { cause: 'streamed-append-unsupported' },
        },
      ),
    );
  const live = deps.state();
  const opened = await store.beginAppend(ledger, { expected: live.size });
  if (isLeft(opened)) return left(storeRefusal(opened.left));
  const session: AppendSession = opened.right;
  let scratch: LedgerState | null = forkState(live);
  const working = (): LedgerState => {
    if (scratch === null) throw new Error('this submission has ended');
    return scratch;
  };
  let pending: Uint8Array[] = [];
  let pendingFrom = 0;
  let added = 0;
  // Only the events whose openings the personal-data store must write after the append (class
  // lists), not every event: a stream of marks keeps nothing here.
  const personal: AppendedPersonalEvent[] = [];
  const pd = deps.personalData;

  const end = async (): Promise<void> => {
    scratch = null;
    pending = [];
    await session.abort();
    pd?.discard(personal.map((e) => e.id));
  };
  const flush = async (): Promise<LedgerError | null> => {
    if (pending.length === 0) return null;
    const r = await session.chunk(pending);
    if (isLeft(r)) {
      const k = r.left.details?.['index'];
      return storeRefusal(r.left, typeof k === 'number' ? ['events', pendingFrom + k] : []);
    }
    pendingFrom += pending.length;
    pending = [];
    return null;
  };

  return right({
    get state() {
      return working();
    },
    get events() {
      return added;
    },
    async add(events) {
      const s = working();
      const base = added;
      const pointAt = (i: number): ReadonlyArray<string | number> => ['events', base + i];
      const envs: Envelope[] = [];
      for (const [i, bytes] of events.entries()) {
        const env = deps.decode(bytes, base + i);
        if (isLeft(env)) {
          await end();
          return env;
        }
        envs.push(env.right);
      }
      const ahead = futureAt(envs, deps.clock(), deps.skewMs);
      if (ahead !== null) {
        await end();
        return left(under(ahead.error, pointAt(ahead.index)));
      }
      const given = new Map(envs.map((e) => [e.id, bytesOf(e)]));
      const refused = await deps.checkCertificates(envs, pointAt, (id) => given.get(id), s);
      if (refused !== null) {
        await end();
        return left(refused);
      }
      const now = deps.clock();
      for (const [i, env] of envs.entries()) {
        // The rules at the event's own `at` (what the verifier replays) and at the append clock (docs/design.md §8).
        let problems = replayCheck(s, env);
        if (problems.length === 0)
          problems = checkEvent(s, {
            ledger: env.ledger,
            stream: env.stream,
            type: env.type,
            data: env.data,
            by: env.by,
            signers: env.sigs,
            at: now,
          });
        if (problems.length > 0) {
          await end();
          return left(under(firstProblem(problems), pointAt(i)));
        }
        evolve(s, env, leafHexOf(env));
        pending.push(bytesOf(env));
        if (pd !== undefined && (pd.staged(env.id) !== undefined || env.type === 'PersonalDataErased'))
          personal.push({ id: env.id, type: env.type, data: env.data });
      }
      added += envs.length;
      if (pending.length >= CHUNK) {
        const failed = await flush();
        if (failed !== null) {
          await end();
          return left(failed);
        }
      }
      return right(undefined);
    },
    async commit() {
      const s = working();
      const failed = await flush();
      if (failed !== null) {
        await end();
        return left(failed);
      }
      const r = await session.commit();
      scratch = null;
      if (isLeft(r)) {
        pd?.discard(personal.map((e) => e.id));
        return left(storeRefusal(r.left));
      }
      if (r.right.written > 0) {
        if (deps.state() === live && live.size === r.right.from) deps.adopt(s);
        if (pd !== undefined && personal.length > 0) await pd.afterAppend(personal);
      }
      pd?.discard(personal.map((e) => e.id));
      return right({ from: r.right.from, size: r.right.size, written: r.right.written });
    },
    async abort() {
      if (scratch === null) return;
      await end();
    },
  });
}
