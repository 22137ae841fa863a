/**
 * The school's signed checkpoints, kept as files beside the ledger: one C2SP signed note per file,
 * `checkpoint-<size, 12 digits>.note`, in the checkpoint folder (default `<db>.checkpoints/`).
 * Signing refuses a checkpoint inconsistent with the latest one kept (docs/design.md §5: the ledger never
 * signs two checkpoints that are not consistent), and witness cosignatures are added to the kept
 * note in place.
 */
import { readdirSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import { join } from 'node:path';
import {
  bytesEqual,
  checkpointsConsistent,
  ledgerOrigin,
  openCheckpoint,
  signerVerifier,
  peekCheckpoint,
  signCheckpoint,
  Witness,
  type Checkpoint,
  type NoteVerifier,
} from '@hoso/core';
import { refused, usage } from './exit.js';
import { isFile, readText, writeText } from './io.js';
import type { KeyMaterial } from './keys.js';
import type { OpenedStore } from './store.js';

/** A kept checkpoint: its file, note text and parsed body. */
export interface KeptCheckpoint {
  readonly path: string;
  readonly note: string;
  readonly checkpoint: Checkpoint;
}

/** The checkpoint folder: `--checkpoints`, else `<db>.checkpoints`. */
export function checkpointDir(args: { readonly checkpoints?: string; readonly db?: string }): string {
  if (args.checkpoints !== undefined) return args.checkpoints;
  if (args.db !== undefined) return `${args.db}.checkpoints`;
  throw usage('missing-option', 'with --store, name the checkpoint folder with --checkpoints <dir>', '--checkpoints');
}

const FILE = /^checkpoint-(\d{12})\.note$/;

/** The file name of a checkpoint of `size`. */
export const checkpointFile = (dir: string, size: number): string =>
  join(dir, `checkpoint-${String(size).padStart(12, '0')}.note`);

/** Parse a checkpoint note (signatures not checked), naming `where` on failure. */
export function parseNote(note: string, where: string): Checkpoint {
  const cp = peekCheckpoint(note);
  if (cp._tag === 'Left')
    throw usage(
      'invalid-checkpoint',
      `${where} is not a checkpoint note: ${cp.left.message}`,
      where,
      'C2SP tlog-checkpoint',
    );
  return cp.right;
}

/** Read a checkpoint note file named by option `arg`. */
export function readCheckpointFile(path: string, arg: string): KeptCheckpoint {
  const note = readText(path, arg);
  return { path, note, checkpoint: parseNote(note, arg) };
}

/** Every kept checkpoint, smallest size first (an absent folder holds none). */
export function listCheckpoints(dir: string): KeptCheckpoint[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => FILE.test(n))
    .sort()
    .map((n) => readCheckpointFile(join(dir, n), '--checkpoints'));
}

/** The latest kept checkpoint, or null. */
export function latestCheckpoint(dir: string): KeptCheckpoint | null {
  const all = listCheckpoints(dir);
  return all[all.length - 1] ?? null;
}

/**
 * Sign a checkpoint of the ledger's current size with the seal key and keep it; `stamp` (a TSA)
 * adds an RFC 3161 timestamp line before it is kept. Refused (exit 1) when the store's history no
 * longer extends the latest kept checkpoint.
 */
export async function signAndKeep(
  s: OpenedStore,
  seal: KeyMaterial,
  dir: string,
  stamp?: (note: string) => Promise<string>,
): Promise<KeptCheckpoint> {
  // A checkpoint must never name a size the store could still lose (store-sqlite README).
  if (s.sqlite !== undefined) await s.sqlite.flush();
  const size = await s.store.size(s.ledger);
  const root = await s.store.root(s.ledger, size);
  const cp: Checkpoint = { origin: ledgerOrigin(s.ledger), size, root };
  const latest = latestCheckpoint(dir);
  if (latest !== null) {
    const old = latest.checkpoint;
    if (old.origin !== cp.origin)
      throw usage('wrong-ledger', `${latest.path} is a checkpoint of ${old.origin}, not ${cp.origin}`, '--checkpoints');
    const proof = old.size === 0 || old.size > size ? [] : await s.store.consistencyProof(s.ledger, old.size, size);
    if (old.size > size || !checkpointsConsistent(old, cp, proof)) {
      throw refused(
        'inconsistent-checkpoint',
        `the ledger at size ${size} does not extend the checkpoint of size ${old.size} already signed (${latest.path}); signing would fork the history`,
        '--checkpoints',
        'docs/design.md §5',
      );
    }
    if (old.size === size) {
      // Already signed at this size: hand it back, unless another key signed it.
      if (isLeft(openCheckpoint(latest.note, [signerVerifier(seal.note)]))) {
        throw refused(
          'checkpoint-exists',
          `a checkpoint of size ${size} is already kept (${latest.path}), signed by another key`,
          '--key',
          'docs/design.md §5',
        );
      }
      return latest;
    }
  }
  const signed = signCheckpoint(cp, seal.note);
  // Stamped before it is kept: a TSA that fails leaves no checkpoint behind (docs/formats.md §2).
  const note = stamp === undefined ? signed : await stamp(signed);
  const path = checkpointFile(dir, size);
  writeText(path, note, '--checkpoints');
  return { path, note, checkpoint: cp };
}

/** What a witness cosigning step needs. */
export interface WitnessStep {
  /** The witness's signer key. */
  readonly key: KeyMaterial;
  /** The log's seal verifier (the witness checks the school's signature first). */
  readonly seal: NoteVerifier;
  /** The last checkpoint this witness cosigned (its state), or null for a first cosignature. */
  readonly previous: Checkpoint | null;
  /** POSIX seconds of the cosignature. */
  readonly time: number;
}

/**
 * Cosign `note` as a C2SP tlog witness: the seal signature must verify and the checkpoint must
 * extend the one the witness cosigned before (consistency proof from the store). Refusals exit 1.
 */
export async function cosign(s: OpenedStore, note: string, w: WitnessStep): Promise<string> {
  const cp = parseNote(note, 'checkpoint');
  const origin = ledgerOrigin(s.ledger);
  if (cp.origin !== origin)
    throw usage('wrong-ledger', `the checkpoint is of ${cp.origin}, not ${origin}`, 'checkpoint', 'docs/design.md §5');
  const prev = w.previous;
  if (prev !== null && prev.origin !== origin)
    throw usage('wrong-ledger', `the witness state is of ${prev.origin}, not ${origin}`, '--state');
  const witness = new Witness({
    signer: w.key.note,
    logs: [{ origin, verifiers: [w.seal] }],
    ...(prev === null || prev.size === 0 ? {} : { latest: [prev] }),
    clock: () => w.time,
  });
  const oldSize = prev === null ? 0 : prev.size;
  let proof: Uint8Array[] = [];
  if (oldSize > 0 && oldSize < cp.size) proof = await s.store.consistencyProof(s.ledger, oldSize, cp.size);
  if (prev !== null && oldSize === cp.size && !bytesEqual(prev.root, cp.root)) {
    throw refused(
      'witness-conflict',
      `a different root for the cosigned size ${cp.size}: the log forked`,
      'checkpoint',
      'C2SP tlog-witness',
    );
  }
  const r = witness.cosign(note, proof, oldSize);
  if (r._tag === 'Left') throw refused(r.left.code, r.left.message, 'checkpoint', r.left.rule ?? 'C2SP tlog-witness');
  return r.right.note;
}

/** Keep a (cosigned) note in the folder, replacing the same checkpoint's file. */
export function keep(dir: string, note: string): KeptCheckpoint {
  const cp = parseNote(note, 'checkpoint');
  const path = checkpointFile(dir, cp.size);
  if (isFile(path)) {
    const old = parseNote(readText(path, '--checkpoints'), path);
    if (!bytesEqual(old.root, cp.root))
      throw refused(
        'inconsistent-checkpoint',
        `${path} holds another root for size ${cp.size}`,
        '--checkpoints',
        'docs/design.md §5',
      );
  }
  writeText(path, note, '--checkpoints');
  return { path, note, checkpoint: cp };
}
