import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, fromBase64, toBase64 } from '../bytes.js';
import { hosoError, type HosoError } from '../errors.js';
import { sha256 } from '../hash.js';
import { verifyConsistency } from '../merkle/verify.js';
import { type NoteSigner, type NoteVerifier } from './keys.js';
import { openNote, signNote, type NoteError, type OpenedNote } from './note.js';
import { invalidArgument, noteTextProblem, parseDecimal, splitNote } from './text.js';

/**
 * C2SP checkpoints (https://c2sp.org/tlog-checkpoint; "điểm kiểm tra" of the ledger): the signed
 * note body `<origin>\n<size>\n<base64 root>\n` plus optional extension lines. hoso's origin is
 * `hoso/<ledger id>`.
 */

/** The rule cited by checkpoint errors. */
export const CHECKPOINT_RULE = 'C2SP tlog-checkpoint';

/** A tree head: the log's origin, its size and its RFC 9162 root. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  /** 32-byte RFC 9162 root of the first `size` leaves. */
  readonly root: Uint8Array;
  /** Extension lines (opaque, discouraged by the spec); hoso writes none. */
  readonly extensions?: readonly string[];
}

/** The checkpoint origin of a ledger. */
export function ledgerOrigin(ledgerId: string): string {
  return `hoso/${ledgerId}`;
}

function checkLine(value: unknown, path: ReadonlyArray<string | number>): void {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\n')) {
    throw invalidArgument(path, 'must be a non-empty single line', CHECKPOINT_RULE);
  }
  const problem = noteTextProblem(value);
  if (problem !== undefined) throw invalidArgument(path, problem, CHECKPOINT_RULE);
}

/**
 * The checkpoint body `<origin>\n<size>\n<base64 root>\n[extension lines]`.
 * @throws HosoFailure `invalid-argument` naming the bad field (empty or multi-line origin, size
 * not an integer in [0, 2^53), root not 32 bytes, empty extension line).
 */
export function formatCheckpointBody(cp: Checkpoint): string {
  if (typeof cp !== 'object' || cp === null)
    throw invalidArgument(['checkpoint'], 'must be an object', CHECKPOINT_RULE);
  checkLine(cp.origin, ['origin']);
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw invalidArgument(['size'], 'must be an integer in [0, 2^53)', CHECKPOINT_RULE);
  if (!(cp.root instanceof Uint8Array) || cp.root.length !== 32)
    throw invalidArgument(['root'], 'must be a 32-byte hash', CHECKPOINT_RULE);
  const ext = cp.extensions ?? [];
  ext.forEach((e, i) => checkLine(e, ['extensions', i]));
  return [cp.origin, String(cp.size), toBase64(cp.root), ...ext].join('\n') + '\n';
}

/** Parse a checkpoint body (the note text, without signatures). */
export function parseCheckpointBody(text: string): Either<HosoError<'invalid-checkpoint'>, Checkpoint> {
  const bad = (message: string, path: ReadonlyArray<string | number>) =>
    left(hosoError('invalid-checkpoint', message, { path, rule: CHECKPOINT_RULE }));
  if (typeof text !== 'string' || !text.endsWith('\n')) return bad('a checkpoint body ends with a newline', ['body']);
  const problem = noteTextProblem(text);
  if (problem !== undefined) return bad(`the checkpoint ${problem}`, ['body']);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return bad('a checkpoint has at least three lines: origin, size, root', ['body']);
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) return bad('empty origin line', ['origin']);
  const size = parseDecimal(sizeText);
  if (size === undefined) return bad('the size must be a decimal without leading zeros, below 2^53', ['size']);
  const root = fromBase64(rootText);
  if (root === undefined || root.length !== 32) return bad('the root must be standard base64 of 32 bytes', ['root']);
  const empty = extensions.findIndex((e) => e.length === 0);
  if (empty >= 0) return bad('extension lines must not be empty', ['extensions', empty]);
  return right(extensions.length > 0 ? { origin, size, root, extensions } : { origin, size, root });
}

/**
 * Sign a checkpoint: its body, a blank line, and one Ed25519 signature line per signer (the
 * school's seal key — khóa con dấu — signs under the origin name by convention).
 * @throws HosoFailure `invalid-argument` as {@link formatCheckpointBody} and `signNote`.
 */
export function signCheckpoint(cp: Checkpoint, signer: NoteSigner | readonly NoteSigner[]): string {
  const signers = Array.isArray(signer) ? (signer as readonly NoteSigner[]) : [signer as NoteSigner];
  return signNote(formatCheckpointBody(cp), signers);
}

/** Errors of {@link openCheckpoint}. */
export type OpenCheckpointError = NoteError | HosoError<'invalid-checkpoint'> | HosoError<'checkpoint-origin-mismatch'>;

/** An opened, verified checkpoint note. */
export interface OpenedCheckpoint extends OpenedNote {
  readonly checkpoint: Checkpoint;
}

/**
 * Verify a checkpoint note against trusted keys (see `openNote`) and parse its body; with
 * `origin`, also require that origin.
 */
export function openCheckpoint(
  noteText: string,
  verifiers: readonly NoteVerifier[],
  options: { readonly origin?: string } = {},
): Either<OpenCheckpointError, OpenedCheckpoint> {
  const opened = openNote(noteText, verifiers);
  if (opened._tag === 'Left') return opened;
  const cp = parseCheckpointBody(opened.right.body);
  if (cp._tag === 'Left') return cp;
  if (options.origin !== undefined && cp.right.origin !== options.origin) {
    return left(
      hosoError(
        'checkpoint-origin-mismatch',
        `checkpoint origin ${JSON.stringify(cp.right.origin)} is not ${JSON.stringify(options.origin)}`,
        {
          path: ['origin'],
          rule: CHECKPOINT_RULE,
        },
      ),
    );
  }
  return right({ ...opened.right, checkpoint: cp.right });
}

/**
 * Parse the checkpoint in a note WITHOUT verifying any signature (to learn its origin and pick
 * the keys to verify with). Never trust the result before `openCheckpoint`.
 */
export function peekCheckpoint(noteText: string): Either<HosoError<'invalid-checkpoint'>, Checkpoint> {
  const parts = typeof noteText === 'string' ? splitNote(noteText) : undefined;
  if (parts === undefined) {
    return left(
      hosoError('invalid-checkpoint', 'not a signed note (no blank line before the signatures)', {
        path: ['text'],
        rule: CHECKPOINT_RULE,
      }),
    );
  }
  return parseCheckpointBody(parts.body);
}

/**
 * Whether `newer` extends `older` according to `proof` (RFC 9162 consistency): same origin,
 * older.size ≤ newer.size; equal sizes need equal roots and an empty proof; from size 0 the
 * proof is empty and the old root must be the empty-tree hash.
 */
export function checkpointsConsistent(older: Checkpoint, newer: Checkpoint, proof: readonly Uint8Array[]): boolean {
  if (older.origin !== newer.origin || !Array.isArray(proof)) return false;
  if (
    !Number.isSafeInteger(older.size) ||
    !Number.isSafeInteger(newer.size) ||
    older.size < 0 ||
    older.size > newer.size
  )
    return false;
  if (!(older.root instanceof Uint8Array) || !(newer.root instanceof Uint8Array)) return false;
  if (older.size === 0) return proof.length === 0 && bytesEqual(older.root, sha256()) && newer.root.length === 32;
  return verifyConsistency(older.size, newer.size, older.root, newer.root, proof);
}
