/**
 * All or nothing, every refusal seen: commands are decided one by one, in order, on a scratch copy
 * of the ledger's state (each against the state that already holds the ones before it); a refused
 * command is returned to the caller and the next one is decided. Three batches share that:
 *
 * - {@link openBatch} signs each event and keeps its bytes; `commit` appends them all in one
 *   `submit` — which checks every signature and rule again and writes the batch whole or not at
 *   all (the store's atomic append, docs/design.md §6). Memory grows with the batch.
 * - {@link checkBatch} only decides: no signature, nothing kept but the scratch state. The first
 *   pass of a large import, which finds every problem of the file before anything is written.
 * - {@link streamBatch} signs each event and hands it straight to the ledger's streamed submission
 *   (`Ledger.beginSubmit`), which checks it and writes it into the store's open atomic append;
 *   `commit` makes them all visible at once. Memory holds the state, never the events.
 *
 * Nothing is visible before `commit`, so a batch with any refusal is simply dropped (or aborted).
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { v7 as uuidv7 } from 'uuid';
import { encodeEnvelope, leafHash, signEnvelope, toHex } from '@hoso/core';
import {
  decide,
  decodeCommand,
  eventIdFor,
  evolve,
  forkState,
  PENDING_PREV,
  type ActingSigner,
  type Ledger,
  type LedgerError,
  type LedgerState,
  type SubmitStream,
} from '@hoso/ledger';
import type { UnsignedEnvelope } from '@hoso/core';

/** What a committed batch appended. */
export interface BatchResult {
  readonly events: number;
  /** Position of the first event appended (the ledger size when nothing was). */
  readonly from: number;
  readonly size: number;
  /** True when every event was already in the ledger (the same command ids appended before). */
  readonly duplicate: boolean;
}

/** A batch refused as a whole at commit: which command (its number in `add` order) and why. */
export interface CommitProblem {
  readonly index: number;
  readonly error: LedgerError;
}

/** A batch being built. */
export interface Batch {
  /**
   * The scratch state: the ledger with every command added so far (read it, do not change it).
   * Gone once the batch commits (reading it then throws).
   */
  readonly state: LedgerState;
  /** Commands added (refused ones included) and events kept. */
  readonly commands: number;
  readonly events: number;
  /**
   * The number (in `add` order) of the command of this batch that wrote event `id`, or undefined
   * for an event already in the ledger (or none).
   */
  commandOf(id: string): number | undefined;
  /** Decide, sign and keep one command; its refusal, or null. */
  add(command: { readonly type: string; readonly data: unknown; readonly id?: string }): Promise<LedgerError | null>;
  /** Append every kept event in one `submit`; with nothing kept, appends nothing. Once only. */
  commit(): Promise<Either<CommitProblem, BatchResult>>;
  /** Drop the batch writing nothing (a streamed batch ends its open append). */
  abort(): Promise<void>;
}

/** What each kind of batch does with a command's decided events. */
interface Sink {
  /** The state commands are decided against. */
  state(): LedgerState;
  /** Take a command's decided events (evolving `state()` with them); a refusal, or null. */
  take(decided: readonly UnsignedEnvelope[]): Promise<LedgerError | null>;
  commit(): Promise<Either<{ readonly at: number; readonly error: LedgerError }, BatchResult>>;
  abort(): Promise<void>;
}

/** The command that wrote each event of a batch, by position from the batch's start: a number per event. */
class Origins {
  private a = new Uint32Array(1024);
  length = 0;
  push(k: number): void {
    if (this.length === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = k;
  }
  at(i: number): number | undefined {
    return i >= 0 && i < this.length ? this.a[i] : undefined;
  }
}

/** The batch over `sink`: decide each command, hand its events to the sink, map refusals to commands. */
function batchOver(ledger: Ledger, signers: readonly ActingSigner[], now: Date, start: number, sink: Sink): Batch {
  const actors = signers.map((s) => ({ key: Buffer.from(s.signer.publicKey).toString('base64url'), role: s.role }));
  const origin = new Origins();
  let commands = 0;
  let done = false;
  const working = (): LedgerState => {
    if (done) throw new Error('this batch has been committed: open a new one');
    return sink.state();
  };
  return {
    get state() {
      return working();
    },
    get commands() {
      return commands;
    },
    get events() {
      return origin.length;
    },
    commandOf(id) {
      const at = working().ids.get(id)?.position;
      return at === undefined ? undefined : origin.at(at - start);
    },
    async add(c) {
      const index = commands++;
      const id = c.id ?? uuidv7();
      const cmd = decodeCommand({ type: c.type, id, data: c.data });
      if (isLeft(cmd)) return cmd.left;
      const commit = ledger.committer();
      const decided = decide(working(), cmd.right, {
        ledger: ledger.id,
        now,
        actors,
        eventId: (k) => eventIdFor(id, k),
        ...(commit === undefined ? {} : { commit }),
      });
      if (isLeft(decided)) return decided.left;
      const refused = await sink.take(decided.right);
      if (refused !== null) return refused;
      for (let k = 0; k < decided.right.length; k++) origin.push(index);
      return null;
    },
    async commit() {
      working();
      done = true;
      const r = await sink.commit();
      return isLeft(r) ? left({ index: origin.at(r.left.at) ?? 0, error: r.left.error }) : r;
    },
    async abort() {
      done = true;
      await sink.abort();
    },
  };
}

/** A refusal of `submit` pointed at `['events', k, …]`: its event number and the rest of its path. */
function pointed(e: LedgerError): { readonly at: number; readonly error: LedgerError } {
  const k = e.path?.[0] === 'events' && typeof e.path[1] === 'number' ? e.path[1] : 0;
  return { at: k, error: { ...e, path: e.path?.slice(2) ?? [] } };
}

/**
 * A batch that decides and checks only: each command's events are folded into a scratch state
 * unsigned (a signature changes no rule's answer), and nothing is kept. `commit` appends nothing.
 */
export async function checkBatch(
  ledger: Ledger,
  signers: readonly ActingSigner[],
  now: Date = new Date(),
): Promise<Batch> {
  await ledger.refresh();
  let scratch: LedgerState | null = forkState(ledger.state());
  const start = scratch.size;
  const unsignedSigs = signers.map((s) => ({
    key: Buffer.from(s.signer.publicKey).toString('base64url'),
    role: s.role,
    sig: '',
  }));
  return batchOver(ledger, signers, now, start, {
    state: () => scratch!,
    async take(decided) {
      for (const u of decided) evolve(scratch!, { ...u, sigs: unsignedSigs }, PENDING_PREV);
      return null;
    },
    async commit() {
      scratch = null;
      const size = ledger.state().size;
      return right({ events: 0, from: size, size, duplicate: false });
    },
    async abort() {
      scratch = null;
    },
  });
}

/**
 * A batch written as it is built, into one atomic append: each command's events are signed and
 * added to the ledger's streamed submission (`Ledger.beginSubmit`), which checks them against the
 * state with the ones before them and writes them into the store's open append; `commit` makes
 * them visible at once, `abort` (or any refusal) writes nothing. The store must have `beginAppend`
 * (SQLite): a Left otherwise. Signed and checked events are not kept, so memory does not grow with
 * the batch beyond the ledger's state. A refusal ends the batch: `add` after it throws.
 */
export async function streamBatch(
  ledger: Ledger,
  signers: readonly ActingSigner[],
  now: Date = new Date(),
): Promise<Either<LedgerError, Batch>> {
  const opened = await ledger.beginSubmit();
  if (isLeft(opened)) return opened;
  const stream: SubmitStream = opened.right;
  const start = stream.state.size;
  return right(
    batchOver(ledger, signers, now, start, {
      state: () => stream.state,
      async take(decided) {
        const bytes: Uint8Array[] = [];
        for (const u of decided) bytes.push(encodeEnvelope(await signEnvelope(u, signers)));
        const r = await stream.add(bytes);
        return isLeft(r) ? { ...r.left, path: r.left.path?.slice(2) ?? [] } : null;
      },
      async commit() {
        const r = await stream.commit();
        if (isLeft(r)) return left(pointed(r.left));
        return right({ events: r.right.written, from: r.right.from, size: r.right.size, duplicate: false });
      },
      abort: () => stream.abort(),
    }),
  );
}

/** Start a batch for `signers` (the author first) on the ledger as it is now; see the module comment. */
export async function openBatch(
  ledger: Ledger,
  signers: readonly ActingSigner[],
  now: Date = new Date(),
): Promise<Batch> {
  await ledger.refresh();
  // Released when the batch commits: `submit` checks the events again on a scratch state of its
  // own, so holding this one too through the append would double the memory a large file needs.
  let scratch: LedgerState | null = forkState(ledger.state());
  const start = scratch.size;
  let bytes: Uint8Array[] = [];
  return batchOver(ledger, signers, now, start, {
    state: () => scratch!,
    async take(decided) {
      for (const u of decided) {
        const env = await signEnvelope(u, signers);
        const b = encodeEnvelope(env);
        evolve(scratch!, env, toHex(leafHash(b)));
        bytes.push(b);
      }
      return null;
    },
    async commit() {
      scratch = null;
      const size = ledger.state().size;
      if (bytes.length === 0) return right({ events: 0, from: size, size, duplicate: false });
      const r = await ledger.submit(bytes);
      bytes = [];
      if (isLeft(r)) return left(pointed(r.left));
      return right({
        events: r.right.events.length,
        from: r.right.events[0]?.position ?? r.right.size,
        size: r.right.size,
        duplicate: r.right.duplicate,
      });
    },
    async abort() {
      scratch = null;
      bytes = [];
    },
  });
}
