import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, fromBase64, toBase64 } from '../bytes.js';
import { hosoError, type HosoError } from '../errors.js';
import { sha256 } from '../hash.js';
import { verifyConsistency } from '../merkle/verify.js';
import {
  checkSigner,
  signerVerifier,
  SIG_TYPE_COSIGNATURE,
  formatVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from './keys.js';
import { cosignatureLine } from './note.js';
import { formatCheckpointBody, openCheckpoint, peekCheckpoint, type Checkpoint } from './checkpoint.js';
import { invalidArgument, parseDecimal } from './text.js';

/**
 * A transparency-log witness (https://c2sp.org/tlog-witness; "bên chứng kiến", e.g. the district
 * or Department of Education). It keeps the latest checkpoint it cosigned per origin and cosigns
 * a new one only when it is signed by the log's key and proven consistent with that one — so a
 * school cannot show two inspectors two different histories without one witness noticing.
 * Error codes carry the HTTP status tlog-witness prescribes in `details.status`.
 */

/** The rule cited by witness errors. */
export const WITNESS_RULE = 'C2SP tlog-witness';

/** Most consistency proof lines a request may carry. */
export const MAX_WITNESS_PROOF_LINES = 63;

/** Why a witness refused to cosign. Nothing was recorded in any of these cases. */
export type WitnessError =
  /** 400: malformed request, or old size larger than the checkpoint's size. */
  | HosoError<'witness-bad-request'>
  /** 404: the witness does not follow this origin. */
  | HosoError<'witness-unknown-origin'>
  /** 403: no valid signature from the log's key (or a bad one). */
  | HosoError<'witness-unauthenticated'>
  /** 409: old size is not the size the witness last cosigned (`details.latestSize`), or same size with another root. */
  | HosoError<'witness-conflict'>
  /** 422: the consistency proof does not verify. */
  | HosoError<'witness-bad-proof'>;

/** A log the witness follows: its origin and the keys its checkpoints must be signed with. */
export interface WitnessedLog {
  readonly origin: string;
  readonly verifiers: readonly NoteVerifier[];
}

/** Construction options of a {@link Witness}. */
export interface WitnessOptions {
  /** The witness's key name and 32-byte seed; it cosigns with type 0x04. */
  readonly signer: NoteSigner;
  readonly logs: readonly WitnessedLog[];
  /** Latest cosigned checkpoints to resume from (from the witness's own storage). */
  readonly latest?: readonly Checkpoint[];
  /** POSIX seconds; defaults to the system clock. */
  readonly clock?: () => number;
}

/** A successful cosigning. */
export interface Cosigned {
  /** The tlog-witness response body: the cosignature line(s). */
  readonly cosignature: string;
  /** The submitted note with the cosignature appended. */
  readonly note: string;
  readonly checkpoint: Checkpoint;
  readonly time: number;
}

/** A parsed tlog-witness `add-checkpoint` request. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  readonly note: string;
}

function fail<C extends WitnessError['code']>(
  code: C,
  status: number,
  message: string,
  details: Record<string, unknown> = {},
  path?: string[],
) {
  return left(
    hosoError(code, message, { rule: WITNESS_RULE, details: { status, ...details }, ...(path ? { path } : {}) }),
  );
}

/** The `add-checkpoint` request body: `old <size>\n`, proof lines, a blank line, the checkpoint note. */
export function formatAddCheckpoint(req: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(req.oldSize) || req.oldSize < 0)
    throw invalidArgument(['oldSize'], 'must be an integer ≥ 0', WITNESS_RULE);
  req.proof.forEach((h, i) => {
    if (!(h instanceof Uint8Array) || h.length !== 32)
      throw invalidArgument(['proof', i], 'must be a 32-byte hash', WITNESS_RULE);
  });
  return `old ${req.oldSize}\n${req.proof.map((h) => toBase64(h) + '\n').join('')}\n${req.note}`;
}

/** Parse an `add-checkpoint` request body. */
export function parseAddCheckpoint(body: string): Either<HosoError<'witness-bad-request'>, AddCheckpointRequest> {
  const bad = (message: string) => fail('witness-bad-request', 400, message);
  if (typeof body !== 'string') return bad('the request body is text');
  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    const nl = body.indexOf('\n', pos);
    if (nl < 0) return bad('the request needs an old size line, proof lines and a blank line before the checkpoint');
    const l = body.slice(pos, nl);
    pos = nl + 1;
    if (l === '') break;
    lines.push(l);
    if (lines.length > 1 + MAX_WITNESS_PROOF_LINES)
      return bad(`more than ${MAX_WITNESS_PROOF_LINES} consistency proof lines`);
  }
  const [first, ...hashes] = lines;
  const oldSize = first?.startsWith('old ') ? parseDecimal(first.slice(4)) : undefined;
  if (oldSize === undefined) return bad('the first line must be "old <size>"');
  const proof: Uint8Array[] = [];
  for (const h of hashes) {
    const b = fromBase64(h);
    if (b === undefined || b.length !== 32) return bad('each proof line is the base64 of a 32-byte hash');
    proof.push(b);
  }
  return right({ oldSize, proof, note: body.slice(pos) });
}

/** A tlog witness holding the latest cosigned checkpoint per origin (in memory; see `latest`). */
export class Witness {
  readonly #signer: NoteSigner;
  readonly #logs: Map<string, readonly NoteVerifier[]>;
  readonly #latest = new Map<string, Checkpoint>();
  readonly #clock: () => number;
  /** The verifier (type 0x04) clients use to check this witness's cosignatures. */
  readonly verifier: NoteVerifier;

  /** @throws HosoFailure `invalid-argument` for a bad signer or a duplicated origin. */
  constructor(options: WitnessOptions) {
    checkSigner(options.signer, ['signer']);
    this.#signer = { name: options.signer.name, seed: options.signer.seed.slice() };
    this.verifier = signerVerifier(this.#signer, SIG_TYPE_COSIGNATURE);
    this.#logs = new Map();
    options.logs.forEach((l, i) => {
      if (this.#logs.has(l.origin)) throw invalidArgument(['logs', i, 'origin'], 'origin listed twice', WITNESS_RULE);
      this.#logs.set(l.origin, [...l.verifiers]);
    });
    (options.latest ?? []).forEach((cp, i) => {
      // Reuse the body formatter's checks so a corrupt saved state fails loudly here.
      formatCheckpointBody(cp);
      if (!this.#logs.has(cp.origin))
        throw invalidArgument(['latest', i, 'origin'], 'not one of the witnessed logs', WITNESS_RULE);
      this.#latest.set(cp.origin, cp);
    });
    this.#clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The witness's verifier key text (type 0x04 vkey). */
  vkey(): string {
    return formatVerifierKey(this.verifier.name, this.verifier.publicKey, SIG_TYPE_COSIGNATURE);
  }

  /** The latest checkpoint cosigned for `origin` (persist it to resume a witness). */
  latest(origin: string): Checkpoint | undefined {
    return this.#latest.get(origin);
  }

  /**
   * Cosign `note` if it is signed by its log's key and `proof` proves it consistent with the
   * latest checkpoint cosigned for its origin, whose size the caller states as `oldSize`
   * (0 when it believes the witness has none). Follows tlog-witness `add-checkpoint`.
   */
  cosign(note: string, proof: readonly Uint8Array[], oldSize: number): Either<WitnessError, Cosigned> {
    const peek = peekCheckpoint(note);
    if (peek._tag === 'Left') return fail('witness-bad-request', 400, peek.left.message);
    const origin = peek.right.origin;
    const verifiers = this.#logs.get(origin);
    if (verifiers === undefined)
      return fail('witness-unknown-origin', 404, `this witness does not follow ${JSON.stringify(origin)}`, { origin });
    const opened = openCheckpoint(note, verifiers, { origin });
    if (opened._tag === 'Left')
      return fail('witness-unauthenticated', 403, `checkpoint not signed by the log: ${opened.left.message}`, {
        cause: opened.left.code,
      });
    const cp = opened.right.checkpoint;
    if (cp.size === 0 && !bytesEqual(cp.root, sha256()))
      return fail('witness-bad-request', 400, 'an empty tree has the root SHA-256("")', {}, ['root']);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0)
      return fail('witness-bad-request', 400, 'old size must be an integer ≥ 0', {}, ['oldSize']);
    if (oldSize > cp.size)
      return fail('witness-bad-request', 400, `old size ${oldSize} exceeds the checkpoint size ${cp.size}`, {}, [
        'oldSize',
      ]);
    if (!Array.isArray(proof) || proof.length > MAX_WITNESS_PROOF_LINES)
      return fail('witness-bad-request', 400, 'bad consistency proof list', {}, ['proof']);
    const prev = this.#latest.get(origin);
    const latestSize = prev?.size ?? 0;
    if (oldSize !== latestSize) {
      return fail('witness-conflict', 409, `old size ${oldSize} is not the latest cosigned size ${latestSize}`, {
        latestSize,
      });
    }
    if (prev === undefined || oldSize === 0) {
      if (proof.length !== 0) return fail('witness-bad-proof', 422, 'the proof must be empty from size 0');
    } else if (oldSize === cp.size) {
      if (!bytesEqual(prev.root, cp.root)) {
        return fail('witness-conflict', 409, `a different root for the cosigned size ${cp.size}: the log forked`, {
          latestSize,
        });
      }
      if (proof.length !== 0) return fail('witness-bad-proof', 422, 'the proof must be empty between equal sizes');
    } else if (!verifyConsistency(oldSize, cp.size, prev.root, cp.root, proof)) {
      return fail('witness-bad-proof', 422, `the consistency proof from ${oldSize} to ${cp.size} does not verify`);
    }
    const time = this.#clock();
    const cosignature = cosignatureLine(opened.right.body, this.#signer, time);
    this.#latest.set(origin, cp);
    return right({ cosignature, note: note + cosignature, checkpoint: cp, time });
  }

  /** {@link Witness.cosign} on a raw tlog-witness `add-checkpoint` request body. */
  addCheckpoint(requestBody: string): Either<WitnessError, Cosigned> {
    const req = parseAddCheckpoint(requestBody);
    if (req._tag === 'Left') return req;
    return this.cosign(req.right.note, req.right.proof, req.right.oldSize);
  }
}
