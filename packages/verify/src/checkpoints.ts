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
import { finding, type Finding } from './findings.js';
import type { CheckpointSummary } from './report.js';

/**
 * What an inspector trusts, passed on the command line (docs/design.md §7: keys and roles themselves are
 * events in the ledger; only the anchors come from outside).
 */
export interface TrustAnchors {
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

/** Parse the trust anchors; a malformed key is an `invalid-argument` naming it. */
export function parseTrust(trust: TrustAnchors): Either<HosoError<'invalid-argument'>, ParsedTrust> {
  const rootKeys = new Set<string>();
  const roots = trust.rootKeys ?? [];
  if (!Array.isArray(roots))
    return left(hosoError('invalid-argument', 'trust.rootKeys: must be an array', { path: ['trust', 'rootKeys'] }));
  for (let i = 0; i < roots.length; i++) {
    const k: unknown = roots[i];
    const b = typeof k === 'string' ? fromBase64Url(k) : undefined;
    if (b === undefined || b.length !== 32)
      return left(
        hosoError(
          'invalid-argument',
          `trust.rootKeys[${i}]: must be base64url (no padding) of a 32-byte Ed25519 public key`,
          { path: ['trust', 'rootKeys', i], rule: 'docs/design.md §3' },
        ),
      );
    rootKeys.add(k as string);
  }
  const parseList = (name: 'sealKeys' | 'witnessKeys'): Either<HosoError<'invalid-argument'>, NoteVerifier[]> => {
    const list = trust[name] ?? [];
    if (!Array.isArray(list))
      return left(hosoError('invalid-argument', `trust.${name}: must be an array`, { path: ['trust', name] }));
    const out: NoteVerifier[] = [];
    for (let i = 0; i < list.length; i++) {
      const v: unknown = list[i];
      const p = typeof v === 'string' ? parseVerifierKey(v.trim()) : undefined;
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

/** The outcome of checking one checkpoint note on its own (its root is compared by the caller). */
export interface CheckpointCheck {
  readonly checkpoint?: Checkpoint;
  /** Parsed, of the right origin, signed by a trusted seal key (when seal keys were given). */
  readonly ok: boolean;
  readonly signedBy: string[];
  readonly cosignedBy: string[];
  /** The findings, phrased for where the checkpoint came from. */
  findings(where: string, where_vi: string): Finding[];
}

type Problem = {
  code: 'checkpoint-invalid' | 'checkpoint-origin-mismatch' | 'checkpoint-signature-invalid' | 'checkpoint-untrusted';
  en: string;
  vi: string;
  details?: Record<string, unknown>;
};

/**
 * Names of the verifiers whose signatures on `note` verify (C2SP signed-note semantics through
 * core's `openNote`); `bad` carries the message when a known key's signature fails.
 */
function signers(note: string, verifiers: readonly NoteVerifier[]): { names: string[]; bad: string | null } {
  if (verifiers.length === 0) return { names: [], bad: null };
  const r = openNote(note, verifiers);
  if (r._tag === 'Right') return { names: r.right.verifiedBy.map((v) => v.name), bad: null };
  if (r.left.code === 'note-unverified') return { names: [], bad: null };
  return { names: [], bad: r.left.message };
}

/**
 * Check one checkpoint note: body well-formed (C2SP tlog-checkpoint), origin `hoso/<ledger>`,
 * signed by at least one trusted seal key and by no trusted key with a bad signature (C2SP
 * signed-note semantics), and which trusted witnesses cosigned it.
 */
export function checkCheckpoint(note: string, origin: string | null, trust: ParsedTrust): CheckpointCheck {
  const problems: Problem[] = [];
  const parsed = peekCheckpoint(note);
  if (parsed._tag === 'Left') {
    problems.push({
      code: 'checkpoint-invalid',
      en: 'is not a well-formed signed checkpoint',
      vi: 'không đúng định dạng điểm kiểm tra có chữ ký',
    });
    return { ok: false, signedBy: [], cosignedBy: [], findings: render(problems) };
  }
  const cp = parsed.right;
  if (origin !== null && cp.origin !== origin)
    problems.push({
      code: 'checkpoint-origin-mismatch',
      en: `names origin "${cp.origin}", not "${origin}"`,
      vi: `ghi nguồn "${cp.origin}", không phải "${origin}"`,
      details: { expected: origin, actual: cp.origin },
    });
  const seal = signers(note, trust.seals);
  if (seal.bad !== null)
    problems.push({
      code: 'checkpoint-signature-invalid',
      en: `carries a seal signature that does not verify (${seal.bad})`,
      vi: 'mang chữ ký đóng dấu không hợp lệ',
    });
  else if (trust.seals.length > 0 && seal.names.length === 0)
    problems.push({
      code: 'checkpoint-untrusted',
      en: 'is signed by none of the trusted seal keys',
      vi: 'không được ký bởi khóa đóng dấu tin cậy nào',
    });
  const wit = signers(note, trust.witnesses);
  if (wit.bad !== null)
    problems.push({
      code: 'checkpoint-signature-invalid',
      en: `carries a witness cosignature that does not verify (${wit.bad})`,
      vi: 'mang chữ ký chứng kiến không hợp lệ',
    });
  return {
    checkpoint: cp,
    ok: problems.length === 0,
    signedBy: seal.names,
    cosignedBy: wit.names,
    findings: render(problems, cp),
  };
}

function render(problems: readonly Problem[], cp?: Checkpoint): (where: string, where_vi: string) => Finding[] {
  return (where, where_vi) =>
    problems.map((p) =>
      finding(p.code, {}, `${cap(where)} ${p.en}.`, `${cap(where_vi)} ${p.vi}.`, {
        details: { ...(p.details ?? {}), ...(cp !== undefined ? { size: cp.size, root: toHex(cp.root) } : {}) },
      }),
    );
}

function cap(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
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
  const findings = c
    .findings('the held checkpoint', 'điểm kiểm tra đang giữ')
    .map((f) => ({ ...f, code: 'since-invalid' as const, severity: 'error' as const }));
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
