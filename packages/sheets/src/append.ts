/**
 * All or nothing, every refusal seen: commands are decided one by one, in order, on a scratch copy
 * of the ledger's state (each against the state that already holds the ones before it), signed,
 * and kept as envelope bytes; a refused command is returned to the caller and the next one is
 * decided. Only when the caller commits are the kept events appended, in one `submit` — which
 * checks every signature and rule again and writes the batch whole or not at all (the store's
 * atomic append, docs/design.md §6). Nothing is written before that, so a batch with any refusal
 * is simply dropped.
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
  type ActingSigner,
  type Ledger,
  type LedgerError,
  type LedgerState,
} from '@hoso/ledger';

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
}

/** Start a batch for `signers` (the author first) on the ledger as it is now. */
export async function openBatch(
  ledger: Ledger,
  signers: readonly ActingSigner[],
  now: Date = new Date(),
): Promise<Batch> {
  await ledger.refresh();
  // Released when the batch commits: `submit` checks the events again on a scratch state of its
  // own, so holding this one too through the append would double the memory a large file needs.
  let scratch: LedgerState | null = forkState(ledger.state());
  const working = (): LedgerState => {
    if (scratch === null) throw new Error('this batch has been committed: open a new one');
    return scratch;
  };
  const actors = signers.map((s) => ({ key: Buffer.from(s.signer.publicKey).toString('base64url'), role: s.role }));
  const bytes: Uint8Array[] = [];
  // The command each kept event came from, to name it when `submit` refuses the batch.
  const origin: number[] = [];
  let commands = 0;
  const start = scratch.size;
  return {
    get state() {
      return working();
    },
    get commands() {
      return commands;
    },
    get events() {
      return bytes.length;
    },
    commandOf(id) {
      const at = working().ids.get(id)?.position;
      return at === undefined || at < start ? undefined : origin[at - start];
    },
    async add(c) {
      const index = commands++;
      const id = c.id ?? uuidv7();
      const cmd = decodeCommand({ type: c.type, id, data: c.data });
      if (isLeft(cmd)) return cmd.left;
      const state = working();
      const commit = ledger.committer();
      const decided = decide(state, cmd.right, {
        ledger: ledger.id,
        now,
        actors,
        eventId: (k) => eventIdFor(id, k),
        ...(commit === undefined ? {} : { commit }),
      });
      if (isLeft(decided)) return decided.left;
      for (const u of decided.right) {
        const env = await signEnvelope(u, signers);
        const b = encodeEnvelope(env);
        evolve(state, env, toHex(leafHash(b)));
        bytes.push(b);
        origin.push(index);
      }
      return null;
    },
    async commit() {
      working();
      scratch = null;
      const size = ledger.state().size;
      if (bytes.length === 0) return right({ events: 0, from: size, size, duplicate: false });
      const r = await ledger.submit(bytes);
      if (isLeft(r)) {
        const k = r.left.path?.[0] === 'events' && typeof r.left.path[1] === 'number' ? r.left.path[1] : 0;
        return left({ index: origin[k] ?? 0, error: { ...r.left, path: r.left.path?.slice(2) ?? [] } });
      }
      return right({
        events: r.right.events.length,
        from: r.right.events[0]?.position ?? r.right.size,
        size: r.right.size,
        duplicate: r.right.duplicate,
      });
    },
  };
}
