/**
 * A bundle (docs/design.md §7) as a read-only ledger: its events appended, in batches, to an in-memory
 * store, and its checkpoints kept beside, so `hoso print`, `show` and `log` read a bundle exactly
 * as they read a ledger. Loading checks what a store checks on append (canonical envelopes of
 * this ledger, stream chains) and that every checkpoint's root is the root of the events before
 * it; it does NOT check signatures or the school rules — that is `hoso verify`'s job.
 */
import { bytesEqual, isHosoFailure, peekCheckpoint } from '@hoso/core';
import { createMemoryStore } from '@hoso/store';
import { ledgerOfOrigin, readBundle } from '@hoso/verify';
import { CliError, usage } from './exit.js';
import { isFile } from './io.js';
import type { KeptCheckpoint } from './checkpoints.js';
import type { OpenedStore } from './store.js';

/** A bundle loaded into memory: the store it reads as, and its checkpoints, oldest first. */
export interface LoadedBundle extends OpenedStore {
  /** The bundle's checkpoints in file order (at least one; the last fixes the bundle's size). */
  readonly checkpoints: readonly KeptCheckpoint[];
}

/** Events per append: large enough to amortise the store's work, small enough to bound memory spikes. */
const BATCH = 2000;

const RULE = 'docs/design.md §7';

/**
 * Load the bundle at `path`. Anything that makes it unreadable — not a file, a bad header, a line
 * that is neither event nor checkpoint, events the store refuses, no checkpoint, a checkpoint whose
 * root is not that of the events before it — is exit 2 naming `path` (as argument `arg`).
 */
export async function openBundle(path: string, arg = '<bundle>'): Promise<LoadedBundle> {
  if (!isFile(path)) throw usage('unreadable-file', `cannot read ${path}: no such file`, arg);
  const bad = (code: string, message: string, rule = RULE): never => {
    throw usage(
      code,
      `${path} is not a readable hoso bundle: ${message} (run hoso verify ${path} for a full report)`,
      arg,
      rule,
    );
  };
  const store = createMemoryStore();
  let ledger: string | undefined;
  const checkpoints: KeptCheckpoint[] = [];
  let batch: Uint8Array[] = [];
  let batchLine = 0;
  let size = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const r = await store.append(ledger!, batch, { expected: size });
    if (r._tag === 'Left')
      bad('unreadable-bundle', `the events from line ${batchLine} on: ${r.left.message}`, r.left.rule ?? RULE);
    size += batch.length;
    batch = [];
  };
  try {
    for await (const item of readBundle(path)) {
      switch (item.kind) {
        case 'header':
          ledger = ledgerOfOrigin(item.header.origin);
          if (ledger === undefined) bad('not-a-bundle', `line 1: origin ${item.header.origin} is not hoso/<ledger id>`);
          break;
        case 'header-invalid':
          bad('not-a-bundle', `line 1: ${item.error.message}`);
          break;
        case 'invalid':
          bad('unreadable-bundle', `line ${item.line}: ${item.error.message}`);
          break;
        case 'event':
          if (ledger === undefined) bad('not-a-bundle', 'no header line');
          if (batch.length === 0) batchLine = item.line;
          batch.push(item.bytes);
          if (batch.length >= BATCH) await flush();
          break;
        case 'checkpoint': {
          await flush();
          const cp = peekCheckpoint(item.note);
          if (cp._tag === 'Left')
            bad('invalid-checkpoint', `line ${item.line}: ${cp.left.message}`, 'C2SP tlog-checkpoint');
          else checkpoints.push({ path: `${path}:${item.line}`, note: item.note, checkpoint: cp.right });
          break;
        }
      }
    }
    await flush();
  } catch (e) {
    if (e instanceof CliError) throw e;
    bad('unreadable-bundle', isHosoFailure(e) ? e.error.message : String(e));
  }
  if (ledger === undefined) bad('not-a-bundle', 'the file is empty');
  if (checkpoints.length === 0)
    bad('no-checkpoint', 'it holds no checkpoint (a bundle ends with the checkpoints that fix its size)');
  for (const k of checkpoints) {
    const where = k.path.slice(path.length + 1);
    if (k.checkpoint.origin !== `hoso/${ledger}`)
      bad('wrong-ledger', `line ${where}: a checkpoint of ${k.checkpoint.origin}, not hoso/${ledger}`);
    if (k.checkpoint.size > size)
      bad(
        'short-bundle',
        `line ${where}: a checkpoint of size ${k.checkpoint.size}, but the bundle holds ${size} events`,
      );
    const root = await store.root(ledger!, k.checkpoint.size);
    if (!bytesEqual(root, k.checkpoint.root))
      bad(
        'checkpoint-mismatch',
        `line ${where}: the checkpoint's root is not the Merkle root of the first ${k.checkpoint.size} events`,
        'RFC 9162',
      );
  }
  return { store, ledger: ledger!, where: path, checkpoints, close: () => store.close() };
}
