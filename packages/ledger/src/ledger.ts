/**
 * `openLedger()`: the write side's I/O shell around the pure rules. It folds the ledger once,
 * catches up from `store.size()` before each decision, decides, signs, and appends with
 * `expected` = the size it decided against; on a conflict it catches up, re-decides and re-signs
 * only the events whose stream moved (docs/design.md §6).
 */
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import { v7 as uuidv7 } from 'uuid';
import {
  backend as defaultBackend,
  bytesEqual,
  decodeEnvelope,
  decodeEnvelopeVouched,
  isHosoFailure,
  leafHash,
  toBase64Url,
  signingBytes,
  toHex,
  verifyEnvelopeSignatures,
  type Ed25519Backend,
  type Envelope,
  type Signer,
  type UnsignedEnvelope,
} from '@hoso/core';
import type { EventStore, StoreError } from '@hoso/store';
import { firstProblem, ledgerError, under, withDetails, type LedgerError } from './errors.js';
import { decodeCommand, type Command } from './commands.js';
import { decide, decideBatch, type PersonalCommitter } from './decide.js';
import { commitFields, isBioField, type Opening } from './personal/commitment.js';
import type { PersonalDataStore } from './personal/store.js';
import { openingsOfSubmitted } from './personal/submitted.js';
import { RULES } from './rules/articles.js';
import { signInOrder } from './chain.js';
import { eventIdFor } from './ids.js';
import { bytesOf, leafHexOf, rememberBytes, signRemembering } from './encoded.js';
import { checkEvent, replayCheck } from './rules/index.js';
import { erasedInState, evolve, forkState, initialState, type LedgerState } from './state.js';
import {
  loadStateSnapshot,
  saveStateSnapshot,
  type SnapshotEvent,
  type SnapshotProblem,
  type SnapshotSaved,
} from './snapshot.js';
import type { StateSnapshots } from './snapshot-files.js';
import { openSubmitStream, type SubmitStream } from './submit-stream.js';
import type { SignerView } from './views.js';
import { DEFAULT_CLOCK_SKEW_MS, futureAt } from './clock.js';
import { PENDING_PREV } from './chain.js';
import { isCertifiableAct } from './events.js';
import { certificateChecker, needsCertificateCheck, type CertificateTrust } from './certs/check.js';
import { caSign, certificateBinding, type CaSigning } from './certs/sign.js';

export type { SnapshotEvent, SnapshotSaved } from './snapshot.js';
export type { StreamAppended, SubmitStream } from './submit-stream.js';

/** A signer and the role it signs in for this command (the first is the author). */
export interface ActingSigner {
  readonly signer: Signer;
  readonly role: string;
}

/** Run-time knobs (the rules themselves are fixed by the genesis event). */
export interface LedgerPolicy {
  /** How many times a command is re-decided after concurrency conflicts (default 20). */
  readonly maxRetries?: number;
  /**
   * How far (milliseconds) an event's `at` may run ahead of the appender's clock before the append
   * is refused with `at-in-future` (default {@link DEFAULT_CLOCK_SKEW_MS}, five minutes).
   */
  readonly maxClockSkewMs?: number;
}

/** Options of {@link openLedger}. */
export interface OpenLedgerOptions {
  readonly store: EventStore;
  /** The ledger (school) id. */
  readonly ledger: string;
  /** The append clock (default `() => new Date()`); windows are checked against it. */
  readonly clock?: () => Date;
  /** Ed25519 backend used to verify events given to `submit` (default: core's default backend). */
  readonly backend?: Ed25519Backend;
  readonly policy?: LedgerPolicy;
  /**
   * Where the state snapshot lives (default: none — every open folds the whole ledger). At open the
   * newest snapshot is checked against the store (format, hash, ledger id, the Merkle root at its
   * size) and only the events after it are folded; a snapshot that fails any check is ignored
   * (reported through `onSnapshot`) and the whole ledger is folded. Never an error for the caller.
   */
  readonly snapshots?: StateSnapshots;
  /**
   * Save a snapshot at the end of the open when at least this many events were folded there (after
   * the snapshot loaded, or from 0). Default: never automatically; call `saveSnapshot()`. A failed
   * automatic save is reported through `onSnapshot`, not thrown.
   */
  readonly autoSnapshotAfter?: number;
  /** Told what happened to snapshots (loaded, ignored and why, saved, save failed). */
  readonly onSnapshot?: (event: SnapshotEvent) => void;
  /**
   * The school's trust list (docs/legal.md): the roots every certificate bound, every certificate
   * consent and every CA signature on an act must chain to, checked before they are written.
   * Without it such events are refused (`no-trust-list`); the rest of the ledger works as before.
   */
  readonly trust?: CertificateTrust;
  /**
   * Where pupils' biographical values live once the ledger adopted the personal-data format
   * (docs/personal-data.md): clear fields of `EnrollStudent` and `ChangeBiography` are committed
   * and their openings written with the events; `ErasePersonalData` destroys them. Without it such
   * a ledger refuses clear fields and erasures; the rest works as before.
   */
  readonly personalData?: PersonalDataStore;
  /**
   * Draws the 32-byte salts of the commitments (default: the platform's CSPRNG). Only for a
   * reproducible demo or test: a predictable salt lets anyone who can predict it guess a committed
   * value from a small set (a sex, a birth date) by trying them all.
   */
  readonly salts?: () => Uint8Array;
}

/** What {@link Ledger.bindCertificate} needs: whose certificate, and the certificate's signer. */
export interface BindCertificateOptions extends Omit<CaSigning, 'roots'> {
  readonly person: string;
  /** The command id (idempotency key, UUID v7); a fresh one when absent. */
  readonly id?: string;
}

/** What {@link Ledger.certify} needs: the act (an event id) and its signer's certificate signer. */
export interface CertifyOptions extends Omit<CaSigning, 'roots'> {
  readonly act: string;
  /** The command id (idempotency key, UUID v7); a fresh one when absent. */
  readonly id?: string;
}

/**
 * A CA signature on an act of the same batch (docs/legal.md): once the batch is decided and
 * signed the act's bytes are final, so the ledger CA-signs them and appends the `ActCertified`
 * in the same atomic append.
 */
export interface BatchCertify extends Omit<CaSigning, 'roots'> {
  /**
   * Index in `commands` of the command whose act is signed: its first sign-off, confirmation,
   * approval, seal or correction.
   */
  readonly command: number;
  /** Who writes the `ActCertified`: one of the act's signers, in the role they signed it in. */
  readonly by: ActingSigner;
  /** The `CertifyAct` command id (idempotency key, UUID v7); a fresh one when absent. */
  readonly id?: string;
}

/** Options of {@link Ledger.executeBatch}. */
export interface BatchOptions {
  readonly certify?: readonly BatchCertify[];
}

/** One event written (or found already written) by a command. */
export interface AppendedEvent {
  readonly id: string;
  readonly stream: string;
  readonly rev: number;
  readonly type: string;
  readonly position: number;
}

/** Options of {@link Ledger.submit}. */
export interface SubmitOptions {
  /**
   * The openings of the `pd` commitments the submitted events sign (docs/personal-data.md §7): each
   * is checked against its commitment (`personal-data-opening-invalid`, path `['openings', i, …]`,
   * nothing written) and written with the events, in the same transaction. Needs `personalData`.
   */
  readonly openings?: readonly Opening[];
}

/** What `execute`/`submit` did. */
export interface Appended {
  /** The command id (the first event's id). */
  readonly commandId: string;
  readonly events: readonly AppendedEvent[];
  /** Ledger size after the append. */
  readonly size: number;
  /** True when the command had already been appended: nothing was written this time. */
  readonly duplicate: boolean;
  /** How many concurrency conflicts were retried. */
  readonly retries: number;
}

/** What `executeBatch` did: the whole batch, and each command's own events. */
export interface BatchAppended extends Appended {
  /** Per command, in order: its id and events. */
  readonly commands: readonly { readonly commandId: string; readonly events: readonly AppendedEvent[] }[];
}

/** An open ledger. */
export interface Ledger {
  readonly id: string;
  readonly store: EventStore;
  /**
   * Decode, decide, sign and append one command. `signers[0]` is the author; corrections add the
   * approver (`leader`) and witness (`admin`), key registrations the new key (`holder`).
   * Refusals are `Left` and nothing is written.
   */
  execute(command: unknown, signers: readonly ActingSigner[]): Promise<Either<LedgerError, Appended>>;
  /**
   * Append events signed elsewhere (canonical envelope bytes, in order): each is decoded, its
   * signatures verified, and every rule checked at its position before the batch is appended
   * whole. A bad or foreign signature is refused.
   */
  submit(events: readonly Uint8Array[], options?: SubmitOptions): Promise<Either<LedgerError, Appended>>;
  /**
   * Begin a submission of events signed elsewhere that is too large to hold: `add` them in chunks
   * (each decoded, verified and checked against the ledger with the chunks before it, as `submit`
   * checks), then `commit` — one atomic append of them all, or nothing (docs/design.md §6). Decide
   * the next commands against the stream's `state`. Needs a store with `beginAppend` (SQLite, the
   * memory store; else `store-error`, `details.cause` `streamed-append-unsupported`). SQLite holds its
   * write lock until the stream ends: other writers wait.
   */
  beginSubmit(): Promise<Either<LedgerError, SubmitStream>>;
  /**
   * The committer to give `decide` when the caller decides and signs itself and then `submit`s
   * (docs/personal-data.md): the openings it stages are written with the submitted events. Undefined
   * without `personalData`.
   */
  committer(): PersonalCommitter | undefined;
  /**
   * Several commands of one author (the same `signers` for each), decided in order — each against
   * the state that already holds the ones before it — and appended in ONE atomic append: all or
   * nothing. A refusal names the command: `path: ['commands', k, ...]`, `details.command = k`.
   * Idempotent as a whole: when every command id is already in the ledger, `duplicate: true`; when
   * only some are, the batch is refused (`invalid-command` at `['commands', k, 'id']`).
   * `options.certify` puts CA signatures on acts of this very batch, appended with it (their
   * refusals name `['certify', j, ...]`).
   */
  executeBatch(
    commands: readonly unknown[],
    signers: readonly ActingSigner[],
    options?: BatchOptions,
  ): Promise<Either<LedgerError, BatchAppended>>;
  /**
   * Refresh, decode and decide `command` for the signers `actors` (base64url keys and roles, the
   * author first) and return the unsigned envelopes — for a signer that lives elsewhere (a browser,
   * a phone, a remote service): sign them (`signPrepared`, or `linkPrev` + `signEnvelope` in order)
   * and give the bytes to {@link Ledger.submit}. The windows are checked at the clock's time now;
   * `submit` checks every rule again. Nothing is written.
   */
  prepare(command: unknown, actors: readonly SignerView[]): Promise<Either<LedgerError, UnsignedEnvelope[]>>;
  /** Catch up with the store; resolves to the ledger size folded. */
  refresh(): Promise<number>;
  /**
   * The live folded state (read it, do not change it, and do not keep it across awaits: it moves
   * as the ledger catches up). Use `forkState` for a scratch copy.
   */
  state(): LedgerState;
  /**
   * Catch up, then save a snapshot of the state at the current size to `options.snapshots` (the next
   * open folds only what follows). `snapshot-no-place` when the ledger was opened without one;
   * `snapshot-empty-ledger` before genesis; `snapshot-store-error` / `snapshot-save-failed` when the
   * store's root or the write fails.
   */
  saveSnapshot(): Promise<Either<SnapshotProblem, SnapshotSaved>>;
  /**
   * Bind the certificate of `o.signer` to `o.person` (`CertificateBound`): the certificate's key
   * signs the binding statement (with the revocation evidence inside, and a timestamp with
   * `o.tsa`), and `signers` — the administrator — writes it. Refused, with nothing written, when the
   * certificate does not chain to the trust list, lacks the key usage, is revoked or expired, or
   * carries another identity number than the staff record.
   */
  bindCertificate(o: BindCertificateOptions, signers: readonly ActingSigner[]): Promise<Either<LedgerError, Appended>>;
  /**
   * Put a CA-backed signature (*ký số*) on an act — a sign-off, a confirmation, an approval, a
   * seal, or a correction (once per signer): `o.signer` (the signer's certificate, on a token, a
   * remote service or a software key) signs the act's complete stored bytes, and `signers` — the
   * act's own signer, with the key and role they signed it with — writes the `ActCertified`.
   */
  certify(o: CertifyOptions, signers: readonly ActingSigner[]): Promise<Either<LedgerError, Appended>>;
}

/**
 * Run `attempt` until it gives an answer (`Right(null)` is "a concurrency conflict, try again"), at
 * most `maxRetries + 1` times; then `too-many-conflicts`. `attempt` gets its 0-based number.
 */
async function retrying<R>(
  maxRetries: number,
  attempt: (n: number) => Promise<Either<LedgerError, R | null>>,
): Promise<Either<LedgerError, R>> {
  for (let n = 0; n <= maxRetries; n++) {
    const r = await attempt(n);
    if (isLeft(r)) return r;
    if (r.right !== null) return right(r.right);
  }
  return left(
    ledgerError(
      'too-many-conflicts',
      `gave up after ${maxRetries + 1} attempts: other writers kept moving the ledger`,
      {
        details: { attempts: maxRetries + 1 },
      },
    ),
  );
}

/** A refusal of the k-th command of a batch, pointed at it. */
function inCommand(e: LedgerError, k: number): LedgerError {
  return withDetails(under(e, ['commands', k]), { command: k });
}

/** Check the signers: each a 32-byte public key and a role. */
function actorsOf(signers: readonly ActingSigner[]): Either<LedgerError, SignerView[]> {
  if (!Array.isArray(signers) || signers.length === 0)
    return left(
      ledgerError('missing-signature', 'a command needs at least its author as signer', { path: ['signers'] }),
    );
  const actors: SignerView[] = [];
  // Checked one by one: the caller may be plain JavaScript.
  const given: readonly Partial<ActingSigner>[] = signers;
  for (const [i, s] of given.entries()) {
    const pk = s?.signer?.publicKey;
    if (!(pk instanceof Uint8Array) || pk.length !== 32 || typeof s?.role !== 'string')
      return left(
        ledgerError('invalid-command', 'a signer needs a 32-byte public key and a role', { path: ['signers', i] }),
      );
    actors.push({ key: toBase64Url(pk), role: s.role });
  }
  return right(actors);
}

/** The events of envelopes written from position `from`. */
const eventsOf = (envs: readonly Envelope[], from: number): AppendedEvent[] =>
  envs.map((e, i) => ({ id: e.id, stream: e.stream, rev: e.rev, type: e.type, position: from + i }));

/** A submitted event that does not decode or whose signatures fail, as the refusal of `events[i]`. */
function decodeSubmitted(
  bytes: unknown,
  i: number,
  ledger: string,
  backend: Ed25519Backend,
): Either<LedgerError, Envelope> {
  if (!(bytes instanceof Uint8Array))
    return left(
      ledgerError('invalid-envelope', 'an event is given as its bytes (a Uint8Array)', {
        path: ['events', i],
        rule: 'docs/design.md §3',
        details: { cause: 'invalid-field' },
      }),
    );
  // A copy (the caller may reuse its buffer), decoded once and vouched for: the store trusts these
  // bytes without decoding them again, and their leaf hash is known from here on.
  const copy = Uint8Array.from(bytes);
  const decoded = decodeEnvelopeVouched(copy);
  if (isLeft(decoded))
    return left(
      ledgerError('invalid-envelope', decoded.left.message, {
        path: ['events', i, ...(decoded.left.path ?? [])],
        rule: 'docs/design.md §3',
        details: { cause: decoded.left.code },
      }),
    );
  const env = decoded.right.envelope;
  rememberBytes(env, copy);
  // The signing bytes come from the canonical bytes (no second canonicalisation); only a refusal
  // takes `verifyEnvelopeSignatures`, for its exact error.
  const checks = decoded.right.signatures;
  const verified =
    !isLeft(checks) && checks.right.checks.every((c) => backend.verify(c.publicKey, checks.right.message, c.signature));
  const sig = verified ? right(true) : verifyEnvelopeSignatures(env, backend);
  if (isLeft(sig))
    return left(
      ledgerError('bad-signature', sig.left.message, {
        path: ['events', i, ...sig.left.path],
        rule: sig.left.rule ?? 'docs/design.md §3',
        details: { cause: sig.left.code },
      }),
    );
  if (env.ledger !== ledger)
    return left(
      ledgerError('wrong-ledger', `event of ledger "${env.ledger}" submitted to "${ledger}"`, {
        path: ['events', i, 'ledger'],
      }),
    );
  return right(env);
}

/**
 * Open a ledger on a store and fold its history once (or, with `snapshots`, only the events after
 * a checked snapshot). The returned {@link Ledger} is the I/O around the pure rules: catch up,
 * decide (`decide`, `decideBatch`), sign, append at the size decided against, retry on conflicts.
 */
export async function openLedger(options: OpenLedgerOptions): Promise<Ledger> {
  const { store, ledger, snapshots } = options;
  const clock = options.clock ?? (() => new Date());
  const backend = options.backend ?? defaultBackend();
  const maxRetries = options.policy?.maxRetries ?? 20;
  const skew = options.policy?.maxClockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const tell = (e: SnapshotEvent): void => {
    // A diagnostic callback that throws must not turn a usable ledger into a failed open.
    try {
      options.onSnapshot?.(e);
    } catch {
      /* ignored on purpose: see above */
    }
  };
  const checker = options.trust === undefined ? undefined : certificateChecker(options.trust);
  const loaded = snapshots === undefined ? null : await loadStateSnapshot(store, ledger, snapshots, tell);
  // `let`: a committed streamed submission hands over its state, which holds exactly the events written.
  let state = loaded ?? initialState();
  const foldedFrom = state.size;
  const pd = options.personalData;
  const commit: PersonalCommitter | undefined =
    pd === undefined
      ? undefined
      : (eventId, subject, fields) => {
          // A retry re-decides the command: the same values keep their salts, so unchanged events
          // compare equal and are not signed again.
          const before = new Map((pd.staged(eventId) ?? []).map((o) => [o.field, o]));
          const commitments: Record<string, string> = {};
          const openings: Opening[] = [];
          for (const [field, value] of Object.entries(fields)) {
            if (!isBioField(field)) continue;
            const old = before.get(field);
            const o =
              old !== undefined && old.value === value && old.subject === subject
                ? old
                : commitFields(subject, { [field]: value }, options.salts).openings[0]!;
            commitments[field] = o.commitment;
            openings.push(o);
          }
          pd.stage(eventId, openings);
          return commitments;
        };

  /** A store that writes outside the append's transaction gets the openings in first (see `beforeAppend`). */
  async function writeOpenings(events: readonly Envelope[]): Promise<LedgerError | null> {
    if (pd?.beforeAppend === undefined || !events.some((e) => pd.staged(e.id) !== undefined)) return null;
    const problem = await pd.beforeAppend(events.map((e) => ({ id: e.id, type: e.type, data: e.data })));
    return problem === null
      ? null
      : ledgerError(
          'personal-data-unavailable',
          `the personal-data store could not keep the openings, so nothing was appended: ${problem.message}`,
          { path: [], rule: RULES.personalData },
        );
  }

  async function refresh(): Promise<number> {
    for (;;) {
      const target = await store.size(ledger);
      if (state.size >= target) return state.size;
      // The lean read (positions and bytes, in batches). A stream head needs its leaf hash, but
      // only the last event of each stream in a batch stays a head: `evolve` gets a placeholder
      // (it reads no head hash itself) and the `finally` hashes those last events alone. A batch
      // is folded synchronously, so no other code can see a placeholder.
      for await (const batch of store.readBytes(ledger, { from: state.size, to: target })) {
        const lastOf = new Map<string, { readonly rev: number; readonly bytes: Uint8Array }>();
        try {
          for (const e of batch) {
            // Concurrent catch-ups may read the same events; each is folded once, in order.
            if (e.position !== state.size) continue;
            const env = decodeEnvelope(e.bytes);
            if (isLeft(env)) {
              state.size += 1;
              continue;
            }
            evolve(state, env.right, '');
            lastOf.set(env.right.stream, { rev: env.right.rev, bytes: e.bytes });
          }
        } finally {
          for (const [stream, h] of lastOf) state.heads.set(stream, { rev: h.rev, leafHash: toHex(leafHash(h.bytes)) });
        }
      }
    }
  }

  function existing(commandId: string): Appended | null {
    const first = state.ids.get(commandId);
    if (first === undefined) return null;
    const events: AppendedEvent[] = [];
    for (let i = 0; ; i++) {
      const id = eventIdFor(commandId, i);
      const x = state.ids.get(id);
      if (x === undefined) break;
      events.push({ id, stream: x.stream, rev: x.rev, type: x.type, position: x.position });
    }
    return { commandId, events, size: state.size, duplicate: true, retries: 0 };
  }

  async function signAll(
    unsigned: readonly UnsignedEnvelope[],
    signers: readonly ActingSigner[],
    cache: Map<string, Envelope>,
  ): Promise<Either<LedgerError, Envelope[]>> {
    try {
      // signInOrder has filled a pending `prev` by now, so an event whose stream (and predecessor)
      // did not move compares equal to its earlier signing and is not signed again.
      const out = await signInOrder(unsigned, async (u) => {
        const prev = cache.get(u.id);
        if (prev !== undefined) {
          if (bytesEqual(signingBytes(prev), signingBytes(u))) return prev;
        }
        const env = await signRemembering(u, signers);
        cache.set(u.id, env);
        return env;
      });
      return right(out);
    } catch (e) {
      if (isHosoFailure(e))
        return left(
          ledgerError('signer-failed', e.error.message, {
            path: ['signers'],
            ...(e.error.rule === undefined ? {} : { rule: e.error.rule }),
            details: { cause: e.error.code },
          }),
        );
      return left(ledgerError('signer-failed', e instanceof Error ? e.message : String(e), { path: ['signers'] }));
    }
  }

  /**
   * Append `envs` at `expected`, refusing any whose `at` runs ahead of the clock now; Right(null)
   * means "conflict, retry". `prefix` points a refusal at the event (`['events', i]` for `submit`).
   */
  async function appendAt(
    envs: readonly Envelope[],
    expected: number,
    pointAt: (i: number) => ReadonlyArray<string | number>,
  ): Promise<Either<LedgerError, { from: number; size: number; written: number } | null>> {
    const ahead = futureAt(envs, clock(), skew);
    if (ahead !== null) return left(under(ahead.error, pointAt(ahead.index)));
    const bytes = envs.map(bytesOf);
    const r = await store.append(ledger, bytes, { expected });
    if (isLeft(r)) {
      const err: StoreError = r.left;
      if (
        err.code === 'concurrency-conflict' ||
        err.code === 'stream-conflict' ||
        err.code === 'duplicate-id' ||
        err.code === 'partial-batch'
      )
        return right(null);
      return left(ledgerError('store-error', err.message, { details: { cause: err.code } }));
    }
    if (state.size === r.right.from && r.right.written === envs.length)
      for (const env of envs) evolve(state, env, leafHexOf(env));
    else await refresh();
    return right({ from: r.right.from, size: r.right.size, written: r.right.written });
  }

  /** The stored bytes of an event, by id (an act a CA signature is put on). */
  async function storedBytes(id: string): Promise<Uint8Array | undefined> {
    const e = await store.getById(ledger, id);
    return e === null ? undefined : e.bytes;
  }

  /**
   * The cryptographic checks of certificates and CA signatures (certs/check.ts) on the events about
   * to be written, each against the state holding the ones before it; the first refusal, or null.
   * `known` gives the bytes of earlier events of the same submission.
   */
  async function checkCertificates(
    envs: readonly UnsignedEnvelope[],
    pointAt: (i: number) => ReadonlyArray<string | number>,
    known: (id: string) => Uint8Array | undefined = () => undefined,
    base: LedgerState = state,
  ): Promise<LedgerError | null> {
    if (!envs.some((e) => needsCertificateCheck(e.type, e.data))) return null;
    const scratch = forkState(base);
    for (const [i, u] of envs.entries()) {
      if (needsCertificateCheck(u.type, u.data)) {
        if (checker === undefined)
          return under(
            ledgerError(
              'no-trust-list',
              "certificates are checked against the school's trust list: open the ledger with `trust`",
              {
                path: ['data'],
                rule: 'QC Điều 3.1',
              },
            ),
            pointAt(i),
          );
        const r = await checker.check(scratch, u, async (id) => known(id) ?? (await storedBytes(id)));
        if (r.problems.length > 0) return under(firstProblem(r.problems), pointAt(i));
      }
      evolve(scratch, { ...u, sigs: [{ key: u.by.key, role: u.by.role, sig: '' }] }, PENDING_PREV);
    }
    return null;
  }

  /**
   * What `execute` and `executeBatch` share: catch up, stop on `done`, decide, sign, append at the
   * size decided against, and on a conflict go round again.
   */
  function decideSignAppend(
    signers: readonly ActingSigner[],
    done: () => Either<LedgerError, Appended | null>,
    decideNow: (s: LedgerState) => Either<LedgerError, readonly UnsignedEnvelope[]>,
    pointAt: (i: number) => ReadonlyArray<string | number>,
    extend?: (signed: readonly Envelope[]) => Promise<Either<LedgerError, readonly Envelope[]>>,
  ): Promise<Either<LedgerError, Appended>> {
    const cache = new Map<string, Envelope>();
    const decidedIds = new Set<string>();
    const run = retrying(maxRetries, async (attempt): Promise<Either<LedgerError, Appended | null>> => {
      await refresh();
      const already = done();
      if (isLeft(already)) return already;
      if (already.right !== null) return right({ ...already.right, retries: attempt });
      const expected = state.size;
      const decided = decideNow(state);
      if (isLeft(decided)) return decided;
      for (const u of decided.right) decidedIds.add(u.id);
      const erasure = decided.right.findIndex((u) => u.type === 'PersonalDataErased');
      if (erasure >= 0 && pd === undefined)
        return left(
          under(
            ledgerError(
              'personal-data-store-required',
              'an erasure destroys the openings in the personal-data store: open the ledger with `personalData`',
              { path: ['data'], rule: RULES.personalData },
            ),
            pointAt(erasure),
          ),
        );
      const first = await signAll(decided.right, signers, cache);
      if (isLeft(first)) return first;
      const more = extend === undefined ? right([]) : await extend(first.right);
      if (isLeft(more)) return more;
      const all = [...first.right, ...more.right];
      // Signed first: an act's CA signature in the same batch is over its final bytes.
      const refused = await checkCertificates(all, pointAt, (id) => {
        const e = all.find((x) => x.id === id);
        return e === undefined ? undefined : bytesOf(e);
      });
      if (refused !== null) return left(refused);
      const unwritten = await writeOpenings(all);
      if (unwritten !== null) return left(unwritten);
      const appended = await appendAt(all, expected, pointAt);
      if (isLeft(appended) || appended.right === null) return appended as Either<LedgerError, null>;
      if (pd !== undefined && appended.right.written > 0)
        await pd.afterAppend(all.map((e) => ({ id: e.id, type: e.type, data: e.data })));
      // Another writer may have appended these very bytes first (same command id): the store
      // then wrote nothing, and this caller must not believe it wrote the events.
      return right({
        commandId: all[0]!.id,
        events: eventsOf(all, appended.right.from),
        size: appended.right.size,
        duplicate: appended.right.written === 0,
        retries: attempt,
      });
    });
    // Staged openings of events that never landed must not linger (nor be written by a later append).
    return run.finally(() => pd?.discard(decidedIds));
  }

  async function execute(command: unknown, signers: readonly ActingSigner[]): Promise<Either<LedgerError, Appended>> {
    const cmd = decodeCommand(command);
    if (isLeft(cmd)) return cmd;
    const actors = actorsOf(signers);
    if (isLeft(actors)) return actors;
    const commandId = cmd.right.id ?? uuidv7();
    const now = clock();
    const r = await decideSignAppend(
      signers,
      () => right(existing(commandId)),
      (s) =>
        decide(s, cmd.right, {
          ledger,
          now,
          actors: actors.right,
          eventId: (i) => eventIdFor(commandId, i),
          ...(commit === undefined ? {} : { commit }),
        }),
      () => [],
    );
    if (isLeft(r)) return r;
    return right({ ...r.right, commandId });
  }

  /**
   * The `ActCertified` events of `certify` over the acts among `signed` (the batch's events, `counts`
   * per command), each decided against the state holding the batch and the ones before it, and signed.
   */
  async function certifyInBatch(
    signed: readonly Envelope[],
    counts: readonly number[],
    certify: readonly BatchCertify[],
    ids: readonly string[],
    now: Date,
  ): Promise<Either<LedgerError, Envelope[]>> {
    const scratch = forkState(state);
    for (const e of signed) evolve(scratch, e, toHex(leafHash(bytesOf(e))));
    const out: Envelope[] = [];
    for (const [j, c] of certify.entries()) {
      const at = counts.slice(0, c.command).reduce((a, b) => a + b, 0);
      const act = signed.slice(at, at + (counts[c.command] ?? 0)).find((e) => isCertifiableAct(e.type));
      if (act === undefined)
        return left(
          ledgerError('unknown-act', `command ${c.command} of the batch writes no act a CA signature may be put on`, {
            path: ['certify', j, 'command'],
            rule: 'QC Điều 3.1',
          }),
        );
      const sig = await caSign(bytesOf(act), { signingTime: now, ...c, roots: options.trust?.roots ?? [] });
      if (isLeft(sig)) return left(under(sig.left, ['certify', j]));
      const actors = actorsOf([c.by]);
      if (isLeft(actors)) return left(under(actors.left, ['certify', j]));
      const cmd = decodeCommand({
        type: 'CertifyAct',
        id: ids[j],
        data: { act: act.id, certificate: sig.right.certificate.fingerprint, cms: sig.right.cms },
      });
      if (isLeft(cmd)) return left(under(cmd.left, ['certify', j]));
      const d = decide(scratch, cmd.right, {
        ledger,
        now,
        actors: actors.right,
        eventId: (i) => eventIdFor(ids[j]!, i),
      });
      if (isLeft(d)) return left(under(d.left, ['certify', j]));
      const env = await signAll(d.right, [c.by], new Map());
      if (isLeft(env)) return left(under(env.left, ['certify', j]));
      for (const e of env.right) {
        evolve(scratch, e, toHex(leafHash(bytesOf(e))));
        out.push(e);
      }
    }
    return right(out);
  }

  async function executeBatch(
    commands: readonly unknown[],
    signers: readonly ActingSigner[],
    options: BatchOptions = {},
  ): Promise<Either<LedgerError, BatchAppended>> {
    if (!Array.isArray(commands) || commands.length === 0)
      return left(ledgerError('invalid-command', 'a batch holds at least one command', { path: ['commands'] }));
    const cmds: Array<Command & { readonly id: string }> = [];
    for (const [k, c] of commands.entries()) {
      const d = decodeCommand(c);
      if (isLeft(d)) return left(inCommand(d.left, k));
      cmds.push({ ...d.right, id: d.right.id ?? uuidv7() });
    }
    const seen = new Set<string>();
    for (const [k, c] of cmds.entries()) {
      if (seen.has(c.id))
        return left(
          ledgerError('invalid-command', `command id ${c.id} appears twice in the batch`, {
            path: ['commands', k, 'id'],
            details: { command: k },
          }),
        );
      seen.add(c.id);
    }
    const actors = actorsOf(signers);
    if (isLeft(actors)) return actors;
    const now = clock();
    let counts: readonly number[] = [];
    const done = (): Either<LedgerError, Appended | null> => {
      const found = cmds.map((c) => existing(c.id));
      if (found.every((x) => x === null)) return right(null);
      const k = found.findIndex((x) => x === null);
      if (k >= 0)
        return left(
          ledgerError('invalid-command', `command ${cmds[k]!.id} is not in the ledger but others of this batch are`, {
            path: ['commands', k, 'id'],
            details: { command: k },
          }),
        );
      counts = found.map((x) => x!.events.length);
      return right({
        commandId: cmds[0]!.id,
        events: found.flatMap((x) => x!.events),
        size: state.size,
        duplicate: true,
        retries: 0,
      });
    };
    const decideAll = (s: LedgerState): Either<LedgerError, readonly UnsignedEnvelope[]> => {
      const d = decideBatch(s, cmds, {
        ledger,
        now,
        actors: actors.right,
        ...(commit === undefined ? {} : { commit }),
      });
      if (isLeft(d)) return d;
      counts = d.right.counts;
      return right(d.right.events);
    };
    const certify = options.certify ?? [];
    for (const [j, c] of certify.entries())
      if (!Number.isSafeInteger(c?.command) || c.command < 0 || c.command >= cmds.length)
        return left(
          ledgerError('invalid-command', `certify[${j}].command: must be the index of a command of the batch`, {
            path: ['certify', j, 'command'],
          }),
        );
    const certifyIds = certify.map((c) => c.id ?? uuidv7());
    const extend =
      certify.length === 0
        ? undefined
        : (signed: readonly Envelope[]): Promise<Either<LedgerError, readonly Envelope[]>> =>
            certifyInBatch(signed, counts, certify, certifyIds, now);
    const r = await decideSignAppend(signers, done, decideAll, () => [], extend);
    if (isLeft(r)) return r;
    const appended = r.right;
    const perCommand: Array<{ commandId: string; events: AppendedEvent[] }> = [];
    let at = 0;
    for (const [k, c] of cmds.entries()) {
      const n = counts[k] ?? 0;
      perCommand.push({ commandId: c.id, events: appended.events.slice(at, at + n) });
      at += n;
    }
    return right({ ...appended, commandId: cmds[0]!.id, commands: perCommand });
  }

  async function prepare(
    command: unknown,
    actors: readonly SignerView[],
  ): Promise<Either<LedgerError, UnsignedEnvelope[]>> {
    const cmd = decodeCommand(command);
    if (isLeft(cmd)) return cmd;
    if (!Array.isArray(actors) || actors.length === 0)
      return left(
        ledgerError('missing-signature', 'a command needs at least its author as signer', { path: ['signers'] }),
      );
    const given: readonly Partial<SignerView>[] = actors;
    for (const [i, a] of given.entries()) {
      if (typeof a?.key !== 'string' || typeof a.role !== 'string')
        return left(ledgerError('invalid-command', 'a signer is { key (base64url), role }', { path: ['signers', i] }));
    }
    await refresh();
    const commandId = cmd.right.id ?? uuidv7();
    if (state.ids.has(commandId))
      return left(ledgerError('invalid-command', `command ${commandId} is already in the ledger`, { path: ['id'] }));
    return decide(state, cmd.right, {
      ledger,
      now: clock(),
      actors: given.map((a) => ({ key: a.key!, role: a.role! })),
      eventId: (i) => eventIdFor(commandId, i),
    });
  }

  async function submit(events: readonly Uint8Array[], so?: SubmitOptions): Promise<Either<LedgerError, Appended>> {
    if (!Array.isArray(events) || events.length === 0)
      return left(ledgerError('invalid-envelope', 'submit at least one event', { path: ['events'] }));
    const envs: Envelope[] = [];
    const given: readonly unknown[] = events;
    for (const [i, bytes] of given.entries()) {
      const env = decodeSubmitted(bytes, i, ledger, backend);
      if (isLeft(env)) return env;
      envs.push(env.right);
    }
    const commandId = envs[0]!.id;
    const staged = openingsOfSubmitted(envs, so?.openings);
    if (isLeft(staged)) return staged;
    if (staged.right.size > 0 && pd === undefined)
      return left(
        ledgerError(
          'personal-data-store-required',
          'openings are kept in the personal-data store: open the ledger with `personalData`',
          { path: ['openings'], rule: RULES.personalData },
        ),
      );
    const erasure = envs.findIndex((e) => e.type === 'PersonalDataErased');
    if (erasure >= 0 && pd === undefined)
      return left(
        ledgerError(
          'personal-data-store-required',
          'an erasure destroys the openings in the personal-data store: open the ledger with `personalData`',
          { path: ['events', erasure], rule: RULES.personalData },
        ),
      );
    // Staged as `committer()` stages, so the store writes them in the append's own transaction.
    for (const [id, openings] of staged.right) pd!.stage(id, [...(pd!.staged(id) ?? []), ...openings]);
    const run = retrying(maxRetries, async (attempt): Promise<Either<LedgerError, Appended | null>> => {
      await refresh();
      if (envs.every((e) => state.ids.has(e.id)))
        return right({
          commandId,
          events: envs.map((e) => ({
            id: e.id,
            stream: e.stream,
            rev: e.rev,
            type: e.type,
            position: state.ids.get(e.id)!.position,
          })),
          size: state.size,
          duplicate: true,
          retries: attempt,
        });
      const expected = state.size;
      const now = clock();
      const scratch = forkState(state);
      for (const [i, env] of envs.entries()) {
        // The rules at the event's own `at` (what the verifier replays) and at the append clock (docs/design.md §8).
        let problems = replayCheck(scratch, env);
        if (problems.length === 0)
          problems = checkEvent(scratch, {
            ledger: env.ledger,
            stream: env.stream,
            type: env.type,
            data: env.data,
            by: env.by,
            signers: env.sigs,
            at: now,
          });
        if (problems.length > 0) return left(under(firstProblem(problems), ['events', i]));
        evolve(scratch, env, leafHexOf(env));
      }
      const submitted = new Map(envs.map((e) => [e.id, bytesOf(e)]));
      const refused = await checkCertificates(
        envs,
        (i) => ['events', i],
        (id) => submitted.get(id),
      );
      if (refused !== null) return left(refused);
      const unwritten = await writeOpenings(envs);
      if (unwritten !== null) return left(unwritten);
      const appended = await appendAt(envs, expected, (i) => ['events', i]);
      if (isLeft(appended) || appended.right === null) return appended as Either<LedgerError, null>;
      if (pd !== undefined && appended.right.written > 0)
        await pd.afterAppend(envs.map((e) => ({ id: e.id, type: e.type, data: e.data })));
      // Another writer may have appended these very bytes first (same command id): the store
      // then wrote nothing, and this caller must not believe it wrote the events.
      return right({
        commandId,
        events: eventsOf(envs, appended.right.from),
        size: appended.right.size,
        duplicate: appended.right.written === 0,
        retries: attempt,
      });
    });
    // Openings staged for these events (by `committer()` in the caller's decide) go with them or not at all.
    return run.finally(() => pd?.discard(envs.map((e) => e.id)));
  }

  async function beginSubmit(): Promise<Either<LedgerError, SubmitStream>> {
    for (let attempt = 0; ; attempt++) {
      await refresh();
      const r = await openSubmitStream({
        store,
        ledger,
        state: () => state,
        clock,
        skewMs: skew,
        decode: (bytes, i) => decodeSubmitted(bytes, i, ledger, backend),
        checkCertificates: (envs, pointAt, known, base) => checkCertificates(envs, pointAt, known, base),
        personalData: pd,
        adopt: (s) => {
          state = s;
        },
      });
      // Another writer appended between the catch-up and the store's begin: catch up again.
      if (
        isLeft(r) &&
        r.left.code === 'store-error' &&
        r.left.details?.cause === 'concurrency-conflict' &&
        attempt < maxRetries
      )
        continue;
      return r;
    }
  }

  async function saveSnapshot(): Promise<Either<SnapshotProblem, SnapshotSaved>> {
    if (snapshots === undefined)
      return left({
        code: 'snapshot-no-place',
        message: 'the ledger was opened without `snapshots`',
        path: ['snapshots'],
      });
    await refresh();
    const r = await saveStateSnapshot(store, ledger, snapshots, () => state);
    if (!isLeft(r)) tell({ kind: 'saved', size: r.right.size, bytes: r.right.bytes });
    return r;
  }

  async function bindCertificate(
    o: BindCertificateOptions,
    signers: readonly ActingSigner[],
  ): Promise<Either<LedgerError, Appended>> {
    const data = await certificateBinding(ledger, o.person, {
      signingTime: clock(),
      ...o,
      roots: options.trust?.roots ?? [],
    });
    if (isLeft(data)) return data;
    return execute({ type: 'BindCertificate', ...(o.id === undefined ? {} : { id: o.id }), data: data.right }, signers);
  }

  async function certify(o: CertifyOptions, signers: readonly ActingSigner[]): Promise<Either<LedgerError, Appended>> {
    await refresh();
    const bytes = typeof o.act === 'string' && state.acts.has(o.act) ? await storedBytes(o.act) : undefined;
    if (bytes === undefined)
      return left(
        ledgerError('unknown-act', `no act ${String(o.act)} a CA signature may be put on in this ledger`, {
          path: ['act'],
          rule: 'QC Điều 3.1',
        }),
      );
    const sig = await caSign(bytes, { signingTime: clock(), ...o, roots: options.trust?.roots ?? [] });
    if (isLeft(sig)) return sig;
    return execute(
      {
        type: 'CertifyAct',
        ...(o.id === undefined ? {} : { id: o.id }),
        data: { act: o.act, certificate: sig.right.certificate.fingerprint, cms: sig.right.cms },
      },
      signers,
    );
  }

  await refresh();
  await pd?.reconcile(erasedInState(state));
  if (loaded !== null) tell({ kind: 'loaded', size: foldedFrom, tail: state.size - foldedFrom });
  const auto = options.autoSnapshotAfter;
  if (snapshots !== undefined && auto !== undefined && state.size - foldedFrom >= auto && state.size > 0) {
    const r = await saveSnapshot();
    if (isLeft(r)) tell({ kind: 'save-failed', problem: r.left });
  }
  return {
    id: ledger,
    store,
    committer: () => commit,
    execute,
    executeBatch,
    prepare,
    submit,
    beginSubmit,
    refresh,
    state: () => state,
    saveSnapshot,
    bindCertificate,
    certify,
  };
}
