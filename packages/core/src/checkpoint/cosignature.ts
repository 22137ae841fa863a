import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, type HosoError } from '../errors.js';
import { SIG_TYPE_COSIGNATURE, type NoteSigner, type NoteVerifier } from './keys.js';
import { cosignatureLine } from './note.js';
import { openCheckpoint, parseCheckpointBody, type Checkpoint, type OpenCheckpointError } from './checkpoint.js';
import { invalidArgument, splitNote } from './text.js';

/**
 * Witness cosignatures (https://c2sp.org/tlog-cosignature, Ed25519 type 0x04; "chữ ký xác nhận"
 * of a district or Department witness): a note signature line whose signature covers
 * `cosignature/v1\ntime <t>\n` followed by the checkpoint body.
 */

/** The rule cited by cosignature errors. */
export const COSIGNATURE_RULE = 'C2SP tlog-cosignature';

/**
 * Add the cosignature of `signer` at `timeSeconds` to a checkpoint note. The existing signatures
 * are kept as they are and NOT checked here: a witness checks them first (see `Witness`).
 * @throws HosoFailure `invalid-argument` when the note has no checkpoint body, or the signer or time is bad.
 */
export function cosignCheckpoint(noteText: string, signer: NoteSigner, timeSeconds: number): string {
  const parts = typeof noteText === 'string' ? splitNote(noteText) : undefined;
  if (parts === undefined || parts.signatures.length === 0 || !parts.signatures.endsWith('\n')) {
    throw invalidArgument(['noteText'], 'must be a signed checkpoint note', COSIGNATURE_RULE);
  }
  const cp = parseCheckpointBody(parts.body);
  if (cp._tag === 'Left') throw invalidArgument(['noteText'], `not a checkpoint: ${cp.left.message}`, COSIGNATURE_RULE);
  return noteText + cosignatureLine(parts.body, signer, timeSeconds);
}

/** A verified cosignature. */
export interface VerifiedCosignature {
  readonly checkpoint: Checkpoint;
  /** When the witness cosigned (POSIX seconds, as the witness claims). */
  readonly time: number;
}

/**
 * Check that `cosigner` (a type 0x04 verifier) cosigned the checkpoint in `noteText`. Other
 * signature lines are ignored; the cosigner's must be present and valid.
 */
export function verifyCosignature(
  noteText: string,
  cosigner: NoteVerifier,
): Either<OpenCheckpointError | HosoError<'invalid-argument'>, VerifiedCosignature> {
  if (cosigner?.type !== SIG_TYPE_COSIGNATURE) {
    return left(
      hosoError('invalid-argument', 'cosigner: must be a type 0x04 (cosignature) verifier', {
        path: ['cosigner'],
        rule: COSIGNATURE_RULE,
      }),
    );
  }
  const opened = openCheckpoint(noteText, [cosigner]);
  if (opened._tag === 'Left') return opened;
  const time = opened.right.signatures.find((s) => s.time !== undefined)?.time ?? 0;
  return right({ checkpoint: opened.right.checkpoint, time });
}
