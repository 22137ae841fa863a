/**
 * The inspector's trust anchors, parsed, and the checks of one checkpoint note on its own: its
 * form (C2SP tlog-checkpoint), its origin, the seal signatures (C2SP signed-note) and the witness
 * cosignatures with their times (C2SP tlog-cosignature). Whether its root matches the events is
 * the engine's part.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  fromBase64Url,
  hosoError,
  noteVerifier,
  openNote,
  parseVerifierKey,
  peekCheckpoint,
  SIG_TYPE_COSIGNATURE,
  toHex,
  type Checkpoint,
  type HosoError,
  type NoteVerifier,
} from '@hoso/core';
import type { Finding } from './findings.js';
import { say, type CheckpointPlace, type CheckpointProblem } from './messages.js';
import type { CheckpointSummary } from './report.js';

/**
 * What an inspector trusts, passed on the command line (docs/design.md §7: keys and roles themselves are
 * events in the ledger; only the anchors come from outside).
 */
export interface TrustAnchors {
  /**
   * The inspector's trust list for CA-backed signatures (docs/legal.md): root certificates, DER
   * bytes or PEM text (one or more `CERTIFICATE` blocks each). Without it CA signatures are not
   * checked (`ca-signatures-unchecked`).
   */
  readonly certificates?: readonly (Uint8Array | string)[];
  /** The school's root key(s): base64url (no padding) of the 32-byte Ed25519 public key. */
  readonly rootKeys?: readonly string[];
  /** Seal keys that sign checkpoints, as C2SP vkeys `<name>+<hex id>+<base64(0x01‖key)>`. */
  readonly sealKeys?: readonly string[];
  /**
   * Witness keys (district, Department) that cosign checkpoints (C2SP tlog-cosignature), as C2SP
   * vkeys; a type 0x01 vkey is read as the same key's cosignature (type 0x04) verifier.
   */
  readonly witnessKeys?: readonly string[];
}

/** Trust anchors after parsing. */
export interface ParsedTrust {
  readonly rootKeys: ReadonlySet<string>;
  readonly seals: readonly NoteVerifier[];
  readonly witnesses: readonly NoteVerifier[];
}

/**
 * The key a key file holds: its text without a leading byte-order mark or the whitespace around
 * it — a trailing newline, a Windows CRLF — as `hoso keys generate` writes `.vkey` and `.pub`
 * files and as editors save them. The CLI's `--trust` and {@link parseTrust} read keys with it,
 * so a key accepted on the command line is accepted by the API.
 */
export function keyText(text: string): string {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
}

/** Parse the trust anchors; a malformed key is an `invalid-argument` naming it. */
export function parseTrust(trust: TrustAnchors): Either<HosoError<'invalid-argument'>, ParsedTrust> {
  const rootKeys = new Set<string>();
  const roots = trust.rootKeys ?? [];
  if (!Array.isArray(roots))
    return left(hosoError('invalid-argument', 'trust.rootKeys: must be an array', { path: ['trust', 'rootKeys'] }));
  for (let i = 0; i < roots.length; i++) {
    const given: unknown = roots[i];
    const k = typeof given === 'string' ? keyText(given) : undefined;
    const b = k === undefined ? undefined : fromBase64Url(k);
    if (b === undefined || b.length !== 32)
      return left(
        hosoError(
          'invalid-argument',
          `trust.rootKeys[${i}]: must be base64url (no padding) of a 32-byte Ed25519 public key`,
          { path: ['trust', 'rootKeys', i], rule: 'docs/design.md §3' },
        ),
      );
    rootKeys.add(k!);
  }
  const parseList = (name: 'sealKeys' | 'witnessKeys'): Either<HosoError<'invalid-argument'>, NoteVerifier[]> => {
    const list = trust[name] ?? [];
    if (!Array.isArray(list))
      return left(hosoError('invalid-argument', `trust.${name}: must be an array`, { path: ['trust', name] }));
    const out: NoteVerifier[] = [];
    for (let i = 0; i < list.length; i++) {
      const v: unknown = list[i];
      const p = typeof v === 'string' ? parseVerifierKey(keyText(v)) : undefined;
      if (p === undefined || p._tag === 'Left')
        return left(
          hosoError(
            'invalid-argument',
            `trust.${name}[${i}]: must be a C2SP verifier key <name>+<hex key id>+<base64 key>`,
            { path: ['trust', name, i], rule: 'docs/design.md §5' },
          ),
        );
      out.push(p.right);
    }
    return right(out);
  };
  const seals = parseList('sealKeys');
  if (seals._tag === 'Left') return seals;
  const witnesses = parseList('witnessKeys');
  if (witnesses._tag === 'Left') return witnesses;
  const asCosigner = (v: NoteVerifier): NoteVerifier =>
    v.type === SIG_TYPE_COSIGNATURE ? v : noteVerifier(v.name, v.publicKey, SIG_TYPE_COSIGNATURE);
  return right({ rootKeys, seals: seals.right, witnesses: witnesses.right.map(asCosigner) });
}

/** One trusted witness's verified cosignature of a checkpoint. */
export interface Cosigned {
  readonly witness: string;
  /** POSIX seconds, as the witness signed them (C2SP tlog-cosignature). */
  readonly time: number;
}

/** The outcome of checking one checkpoint note on its own (its root is compared by the caller). */
export interface CheckpointCheck {
  readonly checkpoint?: Checkpoint;
  /** Parsed, of the right origin, signed by a trusted seal key (when seal keys were given). */
  readonly ok: boolean;
  readonly signedBy: string[];
  readonly cosignedBy: string[];
  /** The verified cosignatures of trusted witnesses, with their times. */
  readonly cosignatures: readonly Cosigned[];
  /** What is wrong with it, as data. */
  readonly problems: readonly CheckpointProblem[];
  /** The findings, phrased for where the checkpoint came from. */
  findings(place: CheckpointPlace): Finding[];
}

/**
 * The trusted verifiers whose signatures on `note` verify (C2SP signed-note semantics through
 * core's `openNote`), with cosignature times; `bad` carries the message when a known key's
 * signature fails.
 */
function signers(
  note: string,
  verifiers: readonly NoteVerifier[],
): { names: string[]; times: Cosigned[]; bad: string | null } {
  if (verifiers.length === 0) return { names: [], times: [], bad: null };
  const r = openNote(note, verifiers);
  if (r._tag === 'Right')
    return {
      names: r.right.verifiedBy.map((v) => v.name),
      times: r.right.signatures.flatMap((s) =>
        s.time === undefined ? [] : [{ witness: s.verifier.name, time: s.time }],
      ),
      bad: null,
    };
  if (r.left.code === 'note-unverified') return { names: [], times: [], bad: null };
  return { names: [], times: [], bad: r.left.message };
}

/** A checkpoint problem as the finding of its own code, at `place`. */
function problemFinding(p: CheckpointProblem, place: CheckpointPlace, details: Record<string, unknown>): Finding {
  const extra = {
    details: { ...(p.problem === 'origin' ? { expected: p.expected, actual: p.actual } : {}), ...details },
  };
  switch (p.problem) {
    case 'malformed':
      return say('checkpoint-invalid', {}, { kind: 'note', place }, extra);
    case 'origin':
      return say('checkpoint-origin-mismatch', {}, { place, actual: p.actual, expected: p.expected }, extra);
    case 'seal-signature':
    case 'witness-signature':
      return say(
        'checkpoint-signature-invalid',
        {},
        { place, signer: p.problem === 'seal-signature' ? 'seal' : 'witness', reason: p.reason },
        extra,
      );
    case 'untrusted':
      return say('checkpoint-untrusted', {}, { place }, extra);
  }
}

/**
 * Check one checkpoint note: body well-formed (C2SP tlog-checkpoint), origin `hoso/<ledger>`,
 * signed by at least one trusted seal key and by no trusted key with a bad signature (C2SP
 * signed-note semantics), and which trusted witnesses cosigned it, when.
 */
export function checkCheckpoint(note: string, origin: string | null, trust: ParsedTrust): CheckpointCheck {
  const problems: CheckpointProblem[] = [];
  const parsed = peekCheckpoint(note);
  if (parsed._tag === 'Left') {
    problems.push({ problem: 'malformed' });
    return {
      ok: false,
      signedBy: [],
      cosignedBy: [],
      cosignatures: [],
      problems,
      findings: (place) => problems.map((p) => problemFinding(p, place, {})),
    };
  }
  const cp = parsed.right;
  if (origin !== null && cp.origin !== origin)
    problems.push({ problem: 'origin', actual: cp.origin, expected: origin });
  const seal = signers(note, trust.seals);
  if (seal.bad !== null) problems.push({ problem: 'seal-signature', reason: seal.bad });
  else if (trust.seals.length > 0 && seal.names.length === 0) problems.push({ problem: 'untrusted' });
  const wit = signers(note, trust.witnesses);
  if (wit.bad !== null) problems.push({ problem: 'witness-signature', reason: wit.bad });
  const details = { size: cp.size, root: toHex(cp.root) };
  return {
    checkpoint: cp,
    ok: problems.length === 0,
    signedBy: seal.names,
    cosignedBy: wit.names,
    cosignatures: wit.times,
    problems,
    findings: (place) => problems.map((p) => problemFinding(p, place, details)),
  };
}

/** The held checkpoint (`--since`), checked: its size and root, its summary, and findings about it. */
export interface SinceCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  readonly summary: CheckpointSummary;
  readonly findings: readonly Finding[];
}

/**
 * Check the checkpoint an inspector holds. A note that does not parse is a bad option (Left); one
 * that parses but is not signed by a trusted seal key, or names another origin, yields
 * `since-invalid` findings (someone may have handed the inspector a forged checkpoint).
 */
export function checkSince(
  note: string,
  origin: string | null,
  trust: ParsedTrust,
): Either<HosoError<'invalid-argument'>, SinceCheckpoint> {
  if (typeof note !== 'string')
    return left(hosoError('invalid-argument', 'since: must be a signed checkpoint note', { path: ['since'] }));
  const c = checkCheckpoint(note, origin, trust);
  if (c.checkpoint === undefined)
    return left(
      hosoError('invalid-argument', 'since: not a well-formed signed checkpoint note', {
        path: ['since'],
        rule: 'C2SP tlog-checkpoint',
      }),
    );
  const details = { size: c.checkpoint.size, root: toHex(c.checkpoint.root) };
  const findings = c.problems.map((p) =>
    say('since-invalid', {}, p, {
      details: { ...(p.problem === 'origin' ? { expected: p.expected, actual: p.actual } : {}), ...details },
    }),
  );
  return right({
    size: c.checkpoint.size,
    root: c.checkpoint.root,
    findings,
    summary: {
      line: null,
      source: 'since',
      origin: c.checkpoint.origin,
      size: c.checkpoint.size,
      root: toHex(c.checkpoint.root),
      signedBy: c.signedBy,
      cosignedBy: c.cosignedBy,
      ok: c.ok,
    },
  });
}
