/**
 * Writing to the ledger from the command line: signers from key files, one command through
 * `execute`, and a batch (an import, a command file) decided in order against a scratch copy of
 * the state, signed, then appended whole through `submit` — so a batch with any bad line writes
 * nothing, and every bad line is reported, not just the first. `dryRun` stops before the append.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { v7 as uuidv7 } from 'uuid';
import { encodeEnvelope, leafHash, signEnvelope, toHex } from '@hoso/core';
import {
  decide,
  decodeCommand,
  eventIdFor,
  evolve,
  fileStateSnapshots,
  forkState,
  openLedger,
  type ActingSigner,
  type Ledger,
  type LedgerError,
  type SnapshotEvent,
} from '@hoso/ledger';
import { usage } from './exit.js';
import { readSignerKey } from './keys.js';
import type { OpenedStore } from './store.js';

/** Events folded beyond the state snapshot after which an appending command saves a new one. */
export const STATE_SAVE_AFTER = 1000;

/** A ledger opened by a writing command, and what to do after it appended. */
export interface CliLedger {
  readonly ledger: Ledger;
  /**
   * Call after the command: when it appended (`appended` > 0) and at least `saveAfter` events lie
   * beyond the snapshot the ledger was opened from, save a new one. Never throws: a snapshot that
   * cannot be written (read-only folder, full disk) is a warning, the append stands.
   */
  afterCommand(appended: number): Promise<void>;
}

/**
 * Open the ledger of `s` for a writing command: from its state snapshot (`stateDir`, else
 * `s.stateDir`: `<db>.state` for SQLite, none for EventStoreDB) unless `state` is false, folding
 * only the events after it. A snapshot that is ignored
 * (damaged, of another history) is said on `warn`; the ledger is then folded from the start.
 */
export async function openCliLedger(
  s: OpenedStore,
  options: {
    readonly state?: boolean;
    readonly stateDir?: string;
    readonly saveAfter?: number;
    readonly warn: (line: string) => void;
  },
): Promise<CliLedger> {
  const dir = options.state === false ? undefined : (options.stateDir ?? s.stateDir);
  if (dir === undefined) {
    const ledger = await openLedger({ store: s.store, ledger: s.ledger });
    return { ledger, afterCommand: async () => undefined };
  }
  let covered = 0;
  const onSnapshot = (e: SnapshotEvent): void => {
    if (e.kind === 'loaded') covered = e.size;
    if (e.kind === 'ignored')
      options.warn(
        `hoso: note: state snapshot in ${dir} not used (${e.problem.code}): ${e.problem.message}; folded the whole ledger\n`,
      );
  };
  const ledger = await openLedger({ store: s.store, ledger: s.ledger, snapshots: fileStateSnapshots(dir), onSnapshot });
  const saveAfter = options.saveAfter ?? STATE_SAVE_AFTER;
  return {
    ledger,
    async afterCommand(appended) {
      if (appended <= 0) return;
      await ledger.refresh();
      if (ledger.state().size - covered < saveAfter) return;
      const r = await ledger.saveSnapshot();
      if (isLeft(r))
        options.warn(`hoso: warning: state snapshot not saved in ${dir} (${r.left.code}): ${r.left.message}\n`);
      else covered = r.right.size;
    },
  };
}

/** `--key K --role R` plus `--cosigner K:ROLE`… as the signers of a command (author first). */
export function signersFrom(key: string, role: string, cosigners: readonly string[]): ActingSigner[] {
  const out: ActingSigner[] = [{ signer: readSignerKey(key, '--key').signer, role: checkRole(role, '--role') }];
  for (const c of cosigners) {
    const i = c.lastIndexOf(':');
    if (i <= 0) throw usage('invalid-option', `--cosigner is <key file>:<role>, got "${c}"`, '--cosigner');
    out.push({
      signer: readSignerKey(c.slice(0, i), '--cosigner').signer,
      role: checkRole(c.slice(i + 1), '--cosigner'),
    });
  }
  return out;
}

function checkRole(role: string, arg: string): string {
  if (!/^[a-z-]{1,32}$/.test(role))
    throw usage(
      'invalid-option',
      `a role is 1–32 letters a–z or "-" (leader, admin, office, homeroom, subject, inspector, holder), got "${role}"`,
      arg,
      'docs/design.md §3',
    );
  return role;
}

/** A refused line of a batch: its index in the batch and the ledger's error. */
export interface BatchProblem {
  readonly index: number;
  readonly error: LedgerError;
}

/** What a batch appended. */
export interface BatchResult {
  readonly events: number;
  readonly from: number;
  readonly size: number;
  readonly duplicate: boolean;
}

/**
 * Decide every command in order on a scratch state, sign the events, then append them all in one
 * `submit`. Returns every refused command (nothing written), or what was appended.
 */
export async function submitBatch(
  ledger: Ledger,
  commands: ReadonlyArray<{ readonly type: string; readonly data: unknown; readonly id?: string }>,
  signers: readonly ActingSigner[],
  now: Date = new Date(),
  dryRun = false,
): Promise<Either<BatchProblem[], BatchResult>> {
  await ledger.refresh();
  const scratch = forkState(ledger.state());
  const actors = signers.map((s) => ({ key: Buffer.from(s.signer.publicKey).toString('base64url'), role: s.role }));
  const bytes: Uint8Array[] = [];
  const origin: number[] = [];
  const problems: BatchProblem[] = [];
  for (const [i, c] of commands.entries()) {
    const id = c.id ?? uuidv7();
    const cmd = decodeCommand({ type: c.type, id, data: c.data });
    if (isLeft(cmd)) {
      problems.push({ index: i, error: cmd.left });
      continue;
    }
    const decided = decide(scratch, cmd.right, { ledger: ledger.id, now, actors, eventId: (k) => eventIdFor(id, k) });
    if (isLeft(decided)) {
      problems.push({ index: i, error: decided.left });
      continue;
    }
    for (const u of decided.right) {
      const env = await signEnvelope(u, signers);
      const b = encodeEnvelope(env);
      evolve(scratch, env, toHex(leafHash(b)));
      bytes.push(b);
      origin.push(i);
    }
  }
  if (problems.length > 0) return left(problems);
  if (bytes.length === 0 || dryRun)
    return right({ events: bytes.length, from: ledger.state().size, size: ledger.state().size, duplicate: false });
  const r = await ledger.submit(bytes);
  if (isLeft(r)) {
    const k = r.left.path?.[0] === 'events' && typeof r.left.path[1] === 'number' ? r.left.path[1] : 0;
    return left([{ index: origin[k] ?? 0, error: { ...r.left, path: r.left.path?.slice(2) ?? [] } }]);
  }
  return right({
    events: r.right.events.length,
    from: r.right.events[0]?.position ?? r.right.size,
    size: r.right.size,
    duplicate: r.right.duplicate,
  });
}
