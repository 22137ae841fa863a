/**
 * Offline proofs an inspector can check without the whole ledger: that one event is at its
 * position in a signed checkpoint (C2SP tlog-proof, RFC 9162 inclusion), and that a newer
 * checkpoint extends an older one (RFC 9162 consistency).
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  bytesEqual,
  checkpointsConsistent,
  decodeEnvelope,
  formatTlogProof,
  fromBase64,
  hosoError,
  leafHash,
  openCheckpoint,
  parseTlogProof,
  peekCheckpoint,
  toBase64,
  toHex,
  verifyEnvelopeSignatures,
  verifyInclusion,
  verifyTlogProof,
  type Checkpoint,
  type Envelope,
  type HosoError,
  type NoteVerifier,
} from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { originOf } from './bundle/format.js';
import { parseTrust, type TrustAnchors } from './checkpoints.js';

/** Why a proof could not be made or does not verify. */
export type ProofError = HosoError<
  | 'invalid-argument'
  | 'checkpoint-invalid'
  | 'checkpoint-mismatch'
  | 'invalid-proof'
  | 'checkpoint-untrusted'
  | 'not-witnessed'
  | 'inclusion-proof-failed'
  | 'consistency-proof-failed'
  | 'event-invalid'
  | 'signature-invalid'
>;

const CONSISTENCY_HEADER = 'hoso/consistency-proof@v1';

function checkpointFor(
  store: EventStore,
  ledger: string,
  note: string,
  path: string,
): Promise<Either<ProofError, Checkpoint>> {
  return (async () => {
    const cp = typeof note === 'string' ? peekCheckpoint(note) : undefined;
    if (cp === undefined || cp._tag === 'Left')
      return left(
        hosoError('checkpoint-invalid', `${path}: not a signed checkpoint note`, {
          path: [path],
          rule: 'C2SP tlog-checkpoint',
        }),
      );
    const c = cp.right;
    if (c.origin !== originOf(ledger))
      return left(
        hosoError('checkpoint-invalid', `${path}: origin is "${c.origin}", not "${originOf(ledger)}"`, {
          path: [path],
          rule: 'docs/design.md §5',
        }),
      );
    const size = await store.size(ledger);
    if (c.size > size)
      return left(
        hosoError('checkpoint-mismatch', `${path}: size ${c.size} exceeds the ledger size ${size}`, {
          path: [path],
          rule: 'RFC 9162 §2.1',
        }),
      );
    if (!bytesEqual(await store.root(ledger, c.size), c.root))
      return left(
        hosoError('checkpoint-mismatch', `${path}: root differs from this ledger's root at size ${c.size}`, {
          path: [path],
          rule: 'RFC 9162 §2.1',
        }),
      );
    return right(c);
  })();
}

/**
 * An offline inclusion proof for the event at `position` (C2SP tlog-proof): the `extra` line
 * carries the event's own canonical bytes (base64), then its index, the RFC 9162 inclusion hashes
 * and the checkpoint note, cosignatures included. Anyone holding the school's seal key can then
 * check, without the ledger, that this exact event is at this position of the sealed history.
 */
export async function proveEvent(
  store: EventStore,
  ledger: string,
  position: number,
  checkpointNote: string,
): Promise<Either<ProofError, string>> {
  const c = await checkpointFor(store, ledger, checkpointNote, 'checkpointNote');
  if (c._tag === 'Left') return c;
  const cp = c.right;
  if (!Number.isSafeInteger(position) || position < 0 || position >= cp.size)
    return left(
      hosoError('invalid-argument', `position: must be an integer in [0, ${cp.size}) (the checkpoint's size)`, {
        path: ['position'],
      }),
    );
  let bytes: Uint8Array | undefined;
  for await (const ev of store.read(ledger, { from: position, to: position + 1 })) bytes = ev.bytes;
  if (bytes === undefined)
    return left(hosoError('checkpoint-mismatch', `no event at position ${position}`, { path: ['position'] }));
  const proof = await store.inclusionProof(ledger, position, cp.size);
  // Never hand out a proof that does not check: the store could be corrupt.
  if (!verifyInclusion(leafHash(bytes), position, cp.size, proof, cp.root))
    return left(
      hosoError(
        'inclusion-proof-failed',
        `the store's inclusion proof for position ${position} does not lead to the checkpoint root`,
        { rule: 'RFC 9162 §2.1.3.2' },
      ),
    );
  return right(formatTlogProof({ index: position, proof, checkpointNote, extra: bytes }));
}

/** What a verified inclusion proof establishes. */
export interface VerifiedEventProof {
  /** The event, decoded, with its signatures verified. */
  readonly event: Envelope;
  readonly position: number;
  readonly checkpoint: { readonly origin: string; readonly size: number; readonly root: string };
  /** Trusted seal keys that signed the checkpoint. */
  readonly signedBy: readonly string[];
  /** Trusted witnesses that cosigned it. */
  readonly cosignedBy: readonly string[];
}

function names(vs: readonly NoteVerifier[], among: readonly NoteVerifier[]): string[] {
  return vs.filter((v) => among.includes(v)).map((v) => v.name);
}

/**
 * Check an inclusion proof from {@link proveEvent} offline: the event bytes in `extra` decode as
 * a canonical envelope whose signatures verify; the checkpoint is signed by a trusted seal key of
 * the event's ledger (and cosigned by a trusted witness when witness keys are given); and the
 * inclusion hashes lead from the event's leaf hash at `index` to the checkpoint's root.
 *
 * What one event cannot show on its own: that its signers' keys were registered and its roles
 * held at that position — that needs the history (`verifyBundle`).
 */
export function verifyProof(text: string, trust: TrustAnchors): Either<ProofError, VerifiedEventProof> {
  const t = parseTrust(trust ?? {});
  if (t._tag === 'Left') return t;
  if (t.right.seals.length === 0)
    return left(
      hosoError('invalid-argument', 'trust.sealKeys: at least one seal key is needed to check a proof', {
        path: ['trust', 'sealKeys'],
      }),
    );
  const parsed = parseTlogProof(text);
  if (parsed._tag === 'Left')
    return left(
      hosoError('invalid-proof', parsed.left.message, {
        ...(parsed.left.path !== undefined ? { path: parsed.left.path } : {}),
        rule: 'C2SP tlog-proof',
      }),
    );
  const extra = parsed.right.extra;
  if (extra === undefined)
    return left(
      hosoError('invalid-proof', 'the proof carries no event (extra line)', {
        path: ['extra'],
        rule: 'C2SP tlog-proof',
      }),
    );
  const env = decodeEnvelope(extra);
  if (env._tag === 'Left')
    return left(
      hosoError('event-invalid', `the proven event is not a valid envelope: ${env.left.message}`, {
        path: ['extra'],
        rule: 'docs/design.md §3',
      }),
    );
  const sigs = verifyEnvelopeSignatures(env.right);
  if (sigs._tag === 'Left')
    return left(
      hosoError('signature-invalid', `the proven event's signatures fail: ${sigs.left.message}`, {
        path: ['extra', 'sigs'],
        rule: 'RFC 8032 §5.1.7',
      }),
    );
  const verifiers = [...t.right.seals, ...t.right.witnesses];
  const r = verifyTlogProof(parsed.right, leafHash(extra), verifiers, { origin: originOf(env.right.ledger) });
  if (r._tag === 'Left') {
    const code =
      r.left.code === 'inclusion-proof-failed'
        ? 'inclusion-proof-failed'
        : r.left.code === 'note-unverified'
          ? 'checkpoint-untrusted'
          : 'checkpoint-invalid';
    return left(hosoError(code, r.left.message, { rule: r.left.rule ?? 'C2SP tlog-proof' }));
  }
  const signedBy = names(r.right.verifiedBy, t.right.seals);
  const cosignedBy = names(r.right.verifiedBy, t.right.witnesses);
  if (signedBy.length === 0)
    return left(
      hosoError('checkpoint-untrusted', 'the checkpoint is not signed by any trusted seal key', {
        rule: 'C2SP signed-note',
      }),
    );
  if (t.right.witnesses.length > 0 && cosignedBy.length === 0)
    return left(
      hosoError('not-witnessed', 'no trusted witness cosigned the checkpoint', { rule: 'C2SP tlog-cosignature' }),
    );
  const cp = r.right.checkpoint;
  return right({
    event: env.right,
    position: r.right.index,
    checkpoint: { origin: cp.origin, size: cp.size, root: toHex(cp.root) },
    signedBy,
    cosignedBy,
  });
}

/**
 * A consistency proof between two checkpoints of one ledger (RFC 9162 §2.1.4), as text:
 * `hoso/consistency-proof@v1`, `old <m>`, `new <n>`, the proof hashes (base64, one per line), a
 * blank line, then the old checkpoint note followed directly by the new one. It shows an inspector
 * holding the old checkpoint that the new one extends it: nothing was rewritten, removed or reordered.
 */
export async function proveConsistency(
  store: EventStore,
  ledger: string,
  oldNote: string,
  newNote: string,
): Promise<Either<ProofError, string>> {
  const o = await checkpointFor(store, ledger, oldNote, 'oldNote');
  if (o._tag === 'Left') return o;
  const n = await checkpointFor(store, ledger, newNote, 'newNote');
  if (n._tag === 'Left') return n;
  if (o.right.size > n.right.size)
    return left(
      hosoError('invalid-argument', `oldNote: size ${o.right.size} is larger than newNote's ${n.right.size}`, {
        path: ['oldNote'],
      }),
    );
  const proof = o.right.size === 0 ? [] : await store.consistencyProof(ledger, o.right.size, n.right.size);
  if (!checkpointsConsistent(o.right, n.right, proof))
    return left(
      hosoError('consistency-proof-failed', "the store's consistency proof does not link the two checkpoints", {
        rule: 'RFC 9162 §2.1.4.2',
      }),
    );
  return right(
    `${CONSISTENCY_HEADER}\nold ${o.right.size}\nnew ${n.right.size}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${oldNote}${newNote}`,
  );
}

/** A parsed consistency proof. */
export interface ConsistencyProof {
  readonly oldSize: number;
  readonly newSize: number;
  readonly proof: readonly Uint8Array[];
  readonly oldNote: string;
  readonly newNote: string;
}

/** Parse the text of {@link proveConsistency} (no signature is checked here). */
export function parseConsistencyProof(text: string): Either<ProofError, ConsistencyProof> {
  const bad = (message: string, path: ReadonlyArray<string | number>) =>
    left(hosoError('invalid-proof', message, { path, rule: 'RFC 9162 §2.1.4' }));
  if (typeof text !== 'string') return bad('a consistency proof is text', []);
  const lines = text.split('\n');
  if (lines[0] !== CONSISTENCY_HEADER) return bad(`the first line must be ${CONSISTENCY_HEADER}`, ['header']);
  const num = (l: string | undefined, key: string): number | undefined => {
    const m = l === undefined ? null : new RegExp(`^${key} (0|[1-9][0-9]{0,15})$`).exec(l);
    const v = m === null ? undefined : Number(m[1]);
    return v !== undefined && Number.isSafeInteger(v) ? v : undefined;
  };
  const oldSize = num(lines[1], 'old');
  const newSize = num(lines[2], 'new');
  if (oldSize === undefined) return bad('expected "old <size>"', ['old']);
  if (newSize === undefined) return bad('expected "new <size>"', ['new']);
  const proof: Uint8Array[] = [];
  let i = 3;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const h = fromBase64(lines[i]!);
    if (h === undefined || h.length !== 32)
      return bad('each proof line is the base64 of a 32-byte hash', ['proof', proof.length]);
    if (proof.length === 63) return bad('more than 63 proof lines', ['proof']);
    proof.push(h);
  }
  if (i >= lines.length) return bad('missing blank line before the checkpoints', ['proof']);
  // The notes follow: the old note's signature lines start with "— "; the new note starts at the
  // first later line that does not.
  const rest = lines.slice(i + 1);
  const blank = rest.indexOf('');
  if (blank < 0) return bad('the old checkpoint note has no signatures', ['oldNote']);
  let j = blank + 1;
  while (j < rest.length && rest[j]!.startsWith('\u2014 ')) j++;
  if (j === blank + 1) return bad('the old checkpoint note has no signatures', ['oldNote']);
  const oldNote = rest.slice(0, j).join('\n') + '\n';
  const newNote = rest.slice(j).join('\n');
  if (newNote.length === 0) return bad('missing new checkpoint note', ['newNote']);
  return right({ oldSize, newSize, proof, oldNote, newNote });
}

/** What a verified consistency proof establishes. */
export interface VerifiedConsistency {
  readonly origin: string;
  readonly old: { readonly size: number; readonly root: string };
  readonly new: { readonly size: number; readonly root: string };
  readonly signedBy: readonly string[];
  readonly cosignedBy: readonly string[];
}

/**
 * Check a consistency proof offline: both checkpoints signed by a trusted seal key (the new one
 * cosigned by a trusted witness when witness keys are given), of the same origin, with the sizes
 * the header states, and the RFC 9162 proof linking the old root to the new one.
 */
export function verifyConsistencyProof(text: string, trust: TrustAnchors): Either<ProofError, VerifiedConsistency> {
  const t = parseTrust(trust ?? {});
  if (t._tag === 'Left') return t;
  if (t.right.seals.length === 0)
    return left(
      hosoError('invalid-argument', 'trust.sealKeys: at least one seal key is needed to check a proof', {
        path: ['trust', 'sealKeys'],
      }),
    );
  const p = parseConsistencyProof(text);
  if (p._tag === 'Left') return p;
  const verifiers = [...t.right.seals, ...t.right.witnesses];
  const open = (note: string, which: string) => {
    const r = openCheckpoint(note, verifiers);
    if (r._tag === 'Left')
      return left(
        hosoError(
          r.left.code === 'note-unverified' ? 'checkpoint-untrusted' : 'checkpoint-invalid',
          `${which}: ${r.left.message}`,
          { path: [which], rule: 'C2SP signed-note' },
        ),
      );
    if (names(r.right.verifiedBy, t.right.seals).length === 0)
      return left(
        hosoError('checkpoint-untrusted', `${which}: not signed by any trusted seal key`, {
          path: [which],
          rule: 'C2SP signed-note',
        }),
      );
    return right(r.right);
  };
  const o = open(p.right.oldNote, 'oldNote');
  if (o._tag === 'Left') return o;
  const n = open(p.right.newNote, 'newNote');
  if (n._tag === 'Left') return n;
  const oc = o.right.checkpoint;
  const nc = n.right.checkpoint;
  if (oc.size !== p.right.oldSize || nc.size !== p.right.newSize)
    return left(
      hosoError('invalid-proof', 'the sizes in the header differ from the checkpoints', {
        path: ['old'],
        rule: 'RFC 9162 §2.1.4',
      }),
    );
  const cosignedBy = names(n.right.verifiedBy, t.right.witnesses);
  if (t.right.witnesses.length > 0 && cosignedBy.length === 0)
    return left(
      hosoError('not-witnessed', 'no trusted witness cosigned the new checkpoint', { rule: 'C2SP tlog-cosignature' }),
    );
  if (!checkpointsConsistent(oc, nc, p.right.proof))
    return left(
      hosoError(
        'consistency-proof-failed',
        `the checkpoint of size ${nc.size} does not extend the one of size ${oc.size}`,
        { rule: 'RFC 9162 §2.1.4.2' },
      ),
    );
  return right({
    origin: oc.origin,
    old: { size: oc.size, root: toHex(oc.root) },
    new: { size: nc.size, root: toHex(nc.root) },
    signedBy: names(n.right.verifiedBy, t.right.seals),
    cosignedBy,
  });
}
