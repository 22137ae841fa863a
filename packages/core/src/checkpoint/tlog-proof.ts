import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { fromBase64, toBase64 } from '../bytes.js';
import { hosoError, type HosoError } from '../errors.js';
import { verifyInclusion } from '../merkle/verify.js';
import { type NoteVerifier } from './keys.js';
import { openCheckpoint, type OpenCheckpointError, type OpenedCheckpoint } from './checkpoint.js';
import { invalidArgument, parseDecimal } from './text.js';

/**
 * Offline inclusion proofs (https://c2sp.org/tlog-proof; "bằng chứng" that an event is in the
 * ledger): `c2sp.org/tlog-proof@v1`, an optional `extra` line, `index N`, the inclusion hashes
 * (base64, nearest sibling first), a blank line, then the (cosigned) checkpoint note verbatim.
 */

/** The rule cited by tlog-proof errors. */
export const TLOG_PROOF_RULE = 'C2SP tlog-proof';
const HEADER = 'c2sp.org/tlog-proof@v1';
/** RFC 9162 proofs of trees below 2^63 have at most 63 hashes. */
const MAX_PROOF_LINES = 63;

/** A parsed tlog-proof. */
export interface TlogProof {
  /** Leaf index (= ledger position) of the entry. */
  readonly index: number;
  /** RFC 9162 inclusion proof in the checkpointed tree. */
  readonly proof: readonly Uint8Array[];
  /** The checkpoint note, verbatim (with its signatures and cosignatures). */
  readonly checkpointNote: string;
  /** Unauthenticated application data; never trust it implicitly. */
  readonly extra?: Uint8Array;
}

/**
 * The text of a tlog-proof.
 * @throws HosoFailure `invalid-argument` for a bad index, a proof element that is not 32 bytes or an empty extra.
 */
export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0)
    throw invalidArgument(['index'], 'must be an integer ≥ 0', TLOG_PROOF_RULE);
  if (!Array.isArray(p.proof) || p.proof.length > MAX_PROOF_LINES)
    throw invalidArgument(['proof'], `must be at most ${MAX_PROOF_LINES} hashes`, TLOG_PROOF_RULE);
  p.proof.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== 32)
      throw invalidArgument(['proof', i], 'must be a 32-byte hash', TLOG_PROOF_RULE);
  });
  if (typeof p.checkpointNote !== 'string' || p.checkpointNote.length === 0)
    throw invalidArgument(['checkpointNote'], 'must be a signed checkpoint note', TLOG_PROOF_RULE);
  if (p.extra !== undefined && (!(p.extra instanceof Uint8Array) || p.extra.length === 0))
    throw invalidArgument(['extra'], 'must be non-empty bytes when present', TLOG_PROOF_RULE);
  const extra = p.extra === undefined ? '' : `extra ${toBase64(p.extra)}\n`;
  const proof: readonly Uint8Array[] = p.proof; // Array.isArray narrowed it to any[]
  return `${HEADER}\n${extra}index ${p.index}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${p.checkpointNote}`;
}

/** Parse a tlog-proof (the checkpoint's signatures are NOT checked here: see {@link verifyTlogProof}). */
export function parseTlogProof(text: string): Either<HosoError<'invalid-tlog-proof'>, TlogProof> {
  const bad = (message: string, path: ReadonlyArray<string | number>) =>
    left(hosoError('invalid-tlog-proof', message, { path, rule: TLOG_PROOF_RULE }));
  if (typeof text !== 'string') return bad('a tlog-proof is text', []);
  let pos = 0;
  const next = (): string | undefined => {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return undefined;
    const l = text.slice(pos, nl);
    pos = nl + 1;
    return l;
  };
  if (next() !== HEADER) return bad(`the first line must be ${HEADER}`, ['header']);
  let l = next();
  let extra: Uint8Array | undefined;
  if (l?.startsWith('extra ')) {
    extra = fromBase64(l.slice(6));
    if (extra === undefined || extra.length === 0)
      return bad('the extra line must carry non-empty standard base64', ['extra']);
    l = next();
  }
  const index = l?.startsWith('index ') ? parseDecimal(l.slice(6)) : undefined;
  if (index === undefined) return bad('expected "index <decimal without leading zeros>"', ['index']);
  const proof: Uint8Array[] = [];
  for (;;) {
    const h = next();
    if (h === undefined) return bad('missing blank line before the checkpoint', ['proof']);
    if (h === '') break;
    const b = fromBase64(h);
    if (b === undefined || b.length !== 32)
      return bad('each proof line is the base64 of a 32-byte hash', ['proof', proof.length]);
    if (proof.length === MAX_PROOF_LINES) return bad(`more than ${MAX_PROOF_LINES} proof lines`, ['proof']);
    proof.push(b);
  }
  const checkpointNote = text.slice(pos);
  if (checkpointNote.length === 0) return bad('missing checkpoint', ['checkpoint']);
  return right(extra === undefined ? { index, proof, checkpointNote } : { index, proof, checkpointNote, extra });
}

/** Errors of {@link verifyTlogProof}. */
export type TlogProofError =
  HosoError<'invalid-tlog-proof'> | OpenCheckpointError | HosoError<'inclusion-proof-failed'>;

/**
 * Verify a tlog-proof for the entry whose RFC 9162 leaf hash is `leafHash`: the checkpoint must
 * verify under `verifiers` (the log's key; add witness cosigner keys to require them too, and
 * check `verifiedBy` for a quorum), carry `origin` when given, and the inclusion proof must
 * lead from the leaf to its root.
 */
export function verifyTlogProof(
  proofText: string | TlogProof,
  leafHash: Uint8Array,
  verifiers: readonly NoteVerifier[],
  options: { readonly origin?: string } = {},
): Either<TlogProofError, OpenedCheckpoint & { readonly index: number }> {
  const parsed = typeof proofText === 'string' ? parseTlogProof(proofText) : right(proofText);
  if (parsed._tag === 'Left') return parsed;
  const { index, proof, checkpointNote } = parsed.right;
  const opened = openCheckpoint(checkpointNote, verifiers, options);
  if (opened._tag === 'Left') return opened;
  const cp = opened.right.checkpoint;
  if (!verifyInclusion(leafHash, index, cp.size, proof, cp.root)) {
    return left(
      hosoError('inclusion-proof-failed', `the entry is not proven at index ${index} of the tree of size ${cp.size}`, {
        path: ['proof'],
        rule: 'RFC 9162 §2.1.3.2',
      }),
    );
  }
  return right({ ...opened.right, index });
}
