/**
 * Writing to the ledger from the command line: signers from key files, one command through
 * `execute`, and a batch (an import, a command file) decided in order against a scratch copy of
 * the state, signed, then appended whole through `submit` — so a batch with any bad line writes
 * nothing, and every bad line is reported, not just the first. `dryRun` stops before the append.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { openBatch, type BatchResult } from '@hoso/sheets';
import {
  fileStateSnapshots,
  openLedger,
  type ActingSigner,
  type Ledger,
  type LedgerError,
  type PersonalDataStore,
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
/** The `personalData` option of `openLedger` for a store opened with its personal-data store. */
export const personalOf = (s: OpenedStore): { personalData?: PersonalDataStore } =>
  s.personal === undefined ? {} : { personalData: s.personal };

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
    const ledger = await openLedger({ store: s.store, ledger: s.ledger, ...personalOf(s) });
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
  const ledger = await openLedger({
    store: s.store,
    ledger: s.ledger,
    snapshots: fileStateSnapshots(dir),
    onSnapshot,
    ...personalOf(s),
  });
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

export type { BatchResult } from '@hoso/sheets';

/**
 * Decide every command in order on a scratch state, sign the events, then append them all in one
 * `submit` (`@hoso/sheets`'s batch, which imports use too). Returns every refused command (nothing
 * written), or what was appended.
 */
export async function submitBatch(
  ledger: Ledger,
  commands: ReadonlyArray<{ readonly type: string; readonly data: unknown; readonly id?: string }>,
  signers: readonly ActingSigner[],
  now: Date = new Date(),
  dryRun = false,
): Promise<Either<BatchProblem[], BatchResult>> {
  const batch = await openBatch(ledger, signers, now);
  const problems: BatchProblem[] = [];
  for (const [index, c] of commands.entries()) {
    const error = await batch.add(c);
    if (error !== null) problems.push({ index, error });
  }
  if (problems.length > 0) return left(problems);
  if (dryRun) {
    const size = ledger.state().size;
    return right({ events: batch.events, from: size, size, duplicate: false });
  }
  const r = await batch.commit();
  return isLeft(r) ? left([r.left]) : right(r.right);
}
