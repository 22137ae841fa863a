/**
 * RFC 3161 timestamps on the school's checkpoints (docs/formats.md §2, docs/legal.md): the seal
 * signs a checkpoint, a TSA stamps the signed note's exact bytes, and the token rides in the note
 * as a `rfc3161-timestamp` line. ONE check, shared by whoever stamps (to refuse a token that does
 * not hold before it is kept) and the verifier: the imprint is the SHA-256 of the note up to the
 * line, the TSA's certificate chains to the trust list at the token's time with the critical
 * timeStamping EKU (RFC 3161 §2.3), with the revocation evidence the token carries.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { addTimestampLine, hosoError, noteImprint, noteTimestamps, type HosoError } from '@hoso/core';
import {
  verifyTimestampToken,
  withRevocationInfo,
  type Certificate,
  type PkiError,
  type TimestampAuthority,
} from '@hoso/pki';
import type { CertificateTrust } from './check.js';

/** Revocation evidence (DER) to put inside the token, so that its TSA can be checked offline later. */
export interface TimestampEvidence {
  readonly crls?: readonly Uint8Array[];
  readonly ocspResponses?: readonly Uint8Array[];
}

/** Where a checkpoint's timestamp comes from. */
export interface CheckpointTsa {
  readonly authority: TimestampAuthority;
  /** The TSA's revocation evidence at stamping time, embedded in the token. */
  readonly evidence?: TimestampEvidence;
  /** When given, the token is checked against it before it is kept (a bad token is refused). */
  readonly trust?: CertificateTrust;
}

/**
 * `note` (a signed checkpoint, as the seal signed it) with an RFC 3161 timestamp line over its
 * exact bytes. Errors are `@hoso/pki`'s (`http-error`, `timestamp-refused`, `timestamp-mismatch`,
 * or a check's problem when `tsa.trust` is given); nothing is returned to keep then.
 */
export async function timestampCheckpoint(
  note: string,
  tsa: CheckpointTsa,
): Promise<Either<PkiError | HosoError<'invalid-argument'>, string>> {
  if (typeof note !== 'string' || !note.endsWith('\n') || !note.includes('\n\n'))
    return left(
      hosoError('invalid-argument', 'note: must be a signed note (text, a blank line, signature lines)', {
        path: ['note'],
        rule: 'C2SP signed-note',
      }),
    );
  const got = await tsa.authority.timestamp({ hash: 'SHA-256', digest: noteImprint(note) });
  if (isLeft(got)) return got;
  const evidence = tsa.evidence ?? {};
  const token = withRevocationInfo(got.right, evidence);
  if (isLeft(token)) return token;
  const stamped = addTimestampLine(note, token.right);
  if (tsa.trust !== undefined) {
    const [check] = await checkCheckpointTimestamps(stamped, tsa.trust);
    if (check !== undefined && !check.ok) return left(check.problems[0]!);
  }
  return right(stamped);
}

/** What one timestamp line of a checkpoint proves, or why it does not. */
export interface CheckpointTimestampCheck {
  /** 0-based index among the note's signature lines. */
  readonly index: number;
  readonly ok: boolean;
  /** The token's genTime: the note existed no later than this (when `ok`). */
  readonly time?: Date;
  /** The TSA's certificate (its subject names the TSA). */
  readonly tsa?: Certificate;
  /** Every problem `@hoso/pki` found, paths under `['timestamps', index]`. */
  readonly problems: readonly PkiError[];
}

/** Check every timestamp line of `note` against `trust` (see the module comment). */
export async function checkCheckpointTimestamps(
  note: string,
  trust: CertificateTrust,
): Promise<CheckpointTimestampCheck[]> {
  const out: CheckpointTimestampCheck[] = [];
  for (const t of noteTimestamps(note)) {
    const v = await verifyTimestampToken(
      t.token,
      {
        trustAnchors: trust.roots,
        data: new TextEncoder().encode(t.data),
        ...(trust.revocation === undefined ? {} : { revocation: trust.revocation }),
      },
      ['timestamps', t.index],
    );
    out.push({
      index: t.index,
      ok: v.ok,
      ...(v.info === undefined ? {} : { time: v.info.genTime }),
      ...(v.tsa === undefined ? {} : { tsa: v.tsa }),
      problems: v.problems,
    });
  }
  return out;
}
