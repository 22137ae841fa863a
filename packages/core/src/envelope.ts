/**
 * The signed event envelope of docs/design.md §3 (fixed format): io-ts codecs for its fields, strict
 * decoding of stored bytes, canonical encoding, signing and signature verification.
 *
 * An event's bytes are its RFC 8785 canonical JSON (UTF-8, no newline, at most
 * {@link MAX_EVENT_BYTES}). Every signature is Ed25519 over {@link EVENT_SIGNING_PREFIX} followed by
 * the canonical bytes of the envelope without `sigs`; the first signature is the author's (`by`),
 * and every other signer's key must be written somewhere in `data` as a string, so that no signer
 * can be added or have their role swapped after the author signed.
 */
import * as t from 'io-ts';
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import { v7 as uuidv7 } from 'uuid';
import { hosoError, HosoFailure, type HosoError } from './errors.js';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { canonicalize } from './canonical.js';
import { leafHash } from './hash.js';
import { vouch } from './vouched.js';
import { backend as defaultBackendOf, type Ed25519Backend } from './ed25519/index.js';
import type { Envelope, EventAuthor, EventSignature, JsonObject, UnsignedEnvelope } from './event-types.js';

/** Domain separation: what every event signature signs before the canonical unsigned envelope. */
export const EVENT_SIGNING_PREFIX = 'hoso/event/v1\n';

/** Largest event accepted, in bytes of its canonical form (64 KiB). */
export const MAX_EVENT_BYTES = 65_536;

/** Deepest nesting allowed inside `data` (the `data` object itself is level 1). */
export const MAX_DATA_DEPTH = 32;

const RULE = 'docs/design.md §3';

// ---------------------------------------------------------------------------------------------
// Field codecs. Each is an io-ts Type whose `is` is the complete check (used as the fast path)
// and whose failure message is a plain-words rule; the path comes from the io-ts context.

/** Message given when a required field is absent. */
const REQUIRED = 'is required';

function field<A>(name: string, test: (u: unknown) => boolean, must: string): t.Type<A, A, unknown> {
  const is = (u: unknown): u is A => test(u);
  return new t.Type<A, A, unknown>(
    name,
    is,
    (u, c) => (test(u) ? t.success(u as A) : t.failure(u, c, u === undefined ? REQUIRED : must)),
    t.identity,
  );
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LEDGER = /^[A-Za-z0-9._-]{1,128}$/;
// eslint-disable-next-line no-control-regex -- the control characters are what it refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /\p{Surrogate}/u;
const TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ROLE = /^[a-z-]{1,32}$/;
// Canonical unpadded base64url of exactly 32 / 64 bytes: the last character carries only the
// remaining 4 / 2 bits, so its unused low bits must be zero.
const KEY32 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const SIG64 = /^[A-Za-z0-9_-]{85}[AQgw]$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

function isString(u: unknown): u is string {
  return typeof u === 'string';
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** RFC 3339 §5.6 date-time with an explicit offset (`Z` or `±hh:mm`), upper-case `T`/`Z`, no leap second. */
export function isRfc3339(u: unknown): u is string {
  if (typeof u !== 'string') return false;
  const m = RFC3339.exec(u);
  if (m === null) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return true;
}

/** `v`: the format version, exactly 1. */
export const VersionCodec = field<1>('Version', (u) => u === 1, 'must be 1');
/** `id`: a lowercase UUID v7 string. */
export const EventIdCodec = field<string>(
  'EventId',
  (u) => isString(u) && UUID_V7.test(u),
  'must be a lowercase UUID v7 string',
);
/** `ledger`: 1–128 characters from `A–Z a–z 0–9 . _ -`. */
export const LedgerIdCodec = field<string>(
  'LedgerId',
  (u) => isString(u) && LEDGER.test(u),
  "must be 1–128 characters from A–Z, a–z, 0–9, '.', '_', '-'",
);
/** `stream`: 1–256 UTF-16 code units, no control characters, well-formed Unicode. */
export const StreamNameCodec = field<string>(
  'StreamName',
  (u) => isString(u) && u.length >= 1 && u.length <= 256 && !CONTROL.test(u) && !LONE_SURROGATE.test(u),
  'must be 1–256 characters of well-formed text without control characters',
);
/** `rev`: a safe integer ≥ 0. */
export const RevisionCodec = field<number>(
  'Revision',
  (u) => Number.isSafeInteger(u) && (u as number) >= 0,
  'must be an integer ≥ 0',
);
/** `prev`: null or 64 lowercase hex characters (a leaf hash); whether it must be null depends on `rev`. */
export const PrevCodec = field<string | null>(
  'Prev',
  (u) => u === null || (isString(u) && HEX64.test(u)),
  'must be null or 64 lowercase hex characters',
);
/** `type`: 1–64 characters, a letter then letters or digits (`ScoreEntered`). */
export const EventTypeCodec = field<string>(
  'EventType',
  (u) => isString(u) && TYPE.test(u),
  'must be 1–64 characters: a letter, then letters or digits',
);
/** `at`: RFC 3339 date-time with offset, e.g. `2024-09-05T07:30:00.000+07:00`. */
export const TimestampCodec = field<string>(
  'Timestamp',
  isRfc3339,
  'must be an RFC 3339 date-time with offset, e.g. 2024-09-05T07:30:00.000+07:00',
);
/** A public key: canonical unpadded base64url of 32 bytes. */
export const PublicKeyCodec = field<string>(
  'PublicKey',
  (u) => isString(u) && KEY32.test(u),
  'must be base64url (no padding) of 32 bytes',
);
/** A role name: 1–32 characters from `a–z` and `-`. */
export const RoleCodec = field<string>(
  'Role',
  (u) => isString(u) && ROLE.test(u),
  "must be 1–32 characters from a–z and '-'",
);
/** A signature: canonical unpadded base64url of 64 bytes. */
export const SignatureCodec = field<string>(
  'Signature',
  (u) => isString(u) && SIG64.test(u),
  'must be base64url (no padding) of 64 bytes',
);

function isPlainObject(u: unknown): u is Record<string, unknown> {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  const p: unknown = Object.getPrototypeOf(u);
  return p === Object.prototype || p === null;
}

type Path = Array<string | number>;
interface DataProblem {
  readonly path: Path;
  readonly message: string;
}

const NUMBER_RULE = 'numbers must be integers within ±(2^53 − 1); write decimals as strings ("8.5")';

/** First problem in a `data` value, or undefined; `path` is relative to `data`. */
function dataProblem(u: unknown, path: Path, depth: number): DataProblem | undefined {
  switch (typeof u) {
    case 'string':
      return LONE_SURROGATE.test(u)
        ? { path, message: 'strings must be well-formed Unicode (no lone surrogates)' }
        : undefined;
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isSafeInteger(u) && !Object.is(u, -0) ? undefined : { path, message: NUMBER_RULE };
    case 'object': {
      if (u === null) return undefined;
      if (depth > MAX_DATA_DEPTH) return { path, message: `must not nest deeper than ${MAX_DATA_DEPTH} levels` };
      if (Array.isArray(u)) {
        for (let i = 0; i < u.length; i++) {
          const p = dataProblem(u[i], [...path, i], depth + 1);
          if (p !== undefined) return p;
        }
        return undefined;
      }
      if (!isPlainObject(u))
        return { path, message: 'must be JSON: null, boolean, integer, string, array or plain object' };
      for (const k of Object.keys(u)) {
        if (LONE_SURROGATE.test(k))
          return { path: [...path, k], message: 'keys must be well-formed Unicode (no lone surrogates)' };
        const p = dataProblem(u[k], [...path, k], depth + 1);
        if (p !== undefined) return p;
      }
      return undefined;
    }
    default:
      return { path, message: 'must be JSON: null, boolean, integer, string, array or plain object' };
  }
}

function appendPath(c: t.Context, path: Path, root: unknown, type: t.Decoder<unknown, unknown>): t.Context {
  const out: t.ContextEntry[] = [...c];
  let cur: unknown = root;
  for (const k of path) {
    cur = (cur as Record<string | number, unknown>)[k];
    out.push({ key: String(k), type, actual: cur });
  }
  return out;
}

/** `data`: a plain JSON object whose numbers are all safe integers (decimals travel as strings). */
export const DataCodec: t.Type<JsonObject, JsonObject, unknown> = new t.Type<JsonObject, JsonObject, unknown>(
  'Data',
  (u): u is JsonObject => isPlainObject(u) && dataProblem(u, [], 1) === undefined,
  (u, c) => {
    if (u === undefined) return t.failure(u, c, REQUIRED);
    if (!isPlainObject(u)) return t.failure(u, c, 'must be a JSON object');
    const p = dataProblem(u, [], 1);
    if (p === undefined) return t.success(u as JsonObject);
    const ctx = appendPath(c, p.path, u, DataCodec);
    return t.failure(ctx[ctx.length - 1]?.actual, ctx, p.message);
  },
  t.identity,
);

type Props = Record<string, t.Mixed>;

/**
 * A plain object with exactly the given fields (no extras), validated without copying: the
 * decoded value is the input object itself.
 */
function strictStruct<A>(name: string, props: Props, check?: (a: A, c: t.Context) => t.Errors): t.Type<A, A, unknown> {
  const keys = Object.keys(props);
  const keySet = new Set(keys);
  const fast = (u: unknown): boolean => {
    if (!isPlainObject(u)) return false;
    let n = 0;
    for (const k in u) {
      if (!Object.prototype.hasOwnProperty.call(u, k)) continue;
      if (!keySet.has(k)) return false;
      n++;
    }
    if (n !== keys.length) return false;
    for (const k of keys) if (!props[k]!.is(u[k])) return false;
    return true;
  };
  const type: t.Type<A, A, unknown> = new t.Type<A, A, unknown>(
    name,
    (u): u is A => fast(u) && (check === undefined || check(u as A, []).length === 0),
    (u, c) => {
      if (u === undefined) return t.failure(u, c, REQUIRED);
      if (!isPlainObject(u)) return t.failure(u, c, 'must be a JSON object');
      const errors: t.Errors = [];
      if (!fast(u)) {
        for (const k of keys) {
          const p = props[k]!;
          const v = u[k];
          if (p.is(v)) continue;
          const r = p.validate(v, [...c, { key: k, type: p, actual: v }]);
          if (isLeft(r)) errors.push(...r.left);
        }
        for (const k of Object.keys(u)) {
          if (!keySet.has(k))
            errors.push({
              value: u[k],
              context: [...c, { key: k, type, actual: u[k] }],
              message: `is not a field of ${name}`,
            });
        }
      }
      if (errors.length === 0 && check !== undefined) errors.push(...check(u as A, c));
      return errors.length === 0 ? t.success(u as A) : t.failures(errors);
    },
    t.identity,
  );
  return type;
}

/** `by`: the author's key and the role acted in. */
export const AuthorCodec = strictStruct<EventAuthor>('Author', { key: PublicKeyCodec, role: RoleCodec });

/** One entry of `sigs`. */
export const EventSignatureCodec = strictStruct<EventSignature>('EventSignature', {
  key: PublicKeyCodec,
  role: RoleCodec,
  sig: SignatureCodec,
});

/** `sigs`: a non-empty array of {@link EventSignatureCodec}. */
export const SignaturesCodec: t.Type<readonly EventSignature[], readonly EventSignature[], unknown> = new t.Type<
  readonly EventSignature[],
  readonly EventSignature[],
  unknown
>(
  'Signatures',
  (u): u is readonly EventSignature[] => Array.isArray(u) && u.length > 0 && u.every((s) => EventSignatureCodec.is(s)),
  (u, c) => {
    if (u === undefined) return t.failure(u, c, REQUIRED);
    if (!Array.isArray(u) || u.length === 0) return t.failure(u, c, 'must be a non-empty array of signatures');
    const errors: t.Errors = [];
    for (let i = 0; i < u.length; i++) {
      const s: unknown = u[i];
      if (EventSignatureCodec.is(s)) continue;
      const r = EventSignatureCodec.validate(s, [...c, { key: String(i), type: EventSignatureCodec, actual: s }]);
      if (isLeft(r)) errors.push(...r.left);
    }
    return errors.length === 0 ? t.success(u as readonly EventSignature[]) : t.failures(errors);
  },
  t.identity,
);

/** `prev` must be null exactly at revision 0 (the stream's first event chains to nothing). */
function prevMatchesRev(e: UnsignedEnvelope, c: t.Context): t.Errors {
  if ((e.rev === 0) === (e.prev === null)) return [];
  const message =
    e.rev === 0
      ? 'must be null at rev 0'
      : 'must be the leaf hash of the previous event (64 lowercase hex) when rev > 0';
  return [{ value: e.prev, context: [...c, { key: 'prev', type: PrevCodec, actual: e.prev }], message }];
}

const UNSIGNED_PROPS: Props = {
  v: VersionCodec,
  id: EventIdCodec,
  ledger: LedgerIdCodec,
  stream: StreamNameCodec,
  rev: RevisionCodec,
  prev: PrevCodec,
  type: EventTypeCodec,
  data: DataCodec,
  at: TimestampCodec,
  by: AuthorCodec,
};

/** io-ts codec of the signed part of an event (every field but `sigs`; extra fields refused). */
export const UnsignedEnvelopeCodec: t.Type<UnsignedEnvelope, UnsignedEnvelope, unknown> =
  strictStruct<UnsignedEnvelope>('UnsignedEnvelope', UNSIGNED_PROPS, prevMatchesRev);

/**
 * io-ts codec of a complete event (docs/design.md §3; extra fields refused). Decoding returns the input object itself.
 */
export const EnvelopeCodec: t.Type<Envelope, Envelope, unknown> = strictStruct<Envelope>(
  'Envelope',
  { ...UNSIGNED_PROPS, sigs: SignaturesCodec },
  prevMatchesRev,
);

// ---------------------------------------------------------------------------------------------
// Errors

/** Why bytes or a value are not a valid envelope. */
export type EnvelopeError = HosoError<
  'invalid-utf8' | 'invalid-json' | 'not-canonical' | 'invalid-field' | 'too-large'
>;

/**
 * Why an envelope's signatures are not acceptable (docs/design.md §3 signature rule); `invalid-field` when
 * the value handed to {@link verifyEnvelopeSignatures} is not a valid envelope at all.
 */
export type SignatureError = HosoError<
  'no-signature' | 'author-mismatch' | 'duplicate-signer' | 'unnamed-signer' | 'bad-signature' | 'invalid-field'
>;

/** Why {@link signEnvelope} refused (it rejects with a HosoFailure carrying one of these). */
export type SignEnvelopeError = EnvelopeError | SignatureError | HosoError<'invalid-key'>;

function pathOf(c: t.Context): Path {
  const out: Path = [];
  for (let i = 1; i < c.length; i++) {
    const e = c[i]!;
    out.push(Array.isArray(c[i - 1]!.actual) ? Number(e.key) : e.key);
  }
  return out;
}

function showPath(p: Path): string {
  let s = '';
  for (const k of p) s += typeof k === 'number' ? `[${k}]` : s === '' ? k : `.${k}`;
  return s === '' ? 'envelope' : s;
}

/**
 * Turn io-ts errors into one {@link EnvelopeError} `invalid-field`: the first problem gives the
 * `path` and message (`rev: must be an integer ≥ 0`); `details.problems` lists them all.
 */
export function envelopeFieldError(errors: t.Errors): HosoError<'invalid-field'> {
  const problems = errors.map((e) => {
    const path = pathOf(e.context);
    return { path, message: `${showPath(path)}: ${e.message ?? 'is invalid'}` };
  });
  const first = problems[0] ?? { path: [], message: 'envelope: is invalid' };
  return hosoError('invalid-field', first.message, {
    path: first.path,
    rule: RULE,
    details: { problems: problems.map((p) => p.message) },
  });
}

// ---------------------------------------------------------------------------------------------
// Bytes

/** Check an in-memory value against {@link EnvelopeCodec}; the Right is the same object. */
export function validateEnvelope(u: unknown): Either<HosoError<'invalid-field'>, Envelope> {
  const r = EnvelopeCodec.validate(u, [{ key: '', type: EnvelopeCodec, actual: u }]);
  return isLeft(r) ? left(envelopeFieldError(r.left)) : right(r.right);
}

/** Check an in-memory value against {@link UnsignedEnvelopeCodec}; the Right is the same object. */
export function validateUnsignedEnvelope(u: unknown): Either<HosoError<'invalid-field'>, UnsignedEnvelope> {
  const r = UnsignedEnvelopeCodec.validate(u, [{ key: '', type: UnsignedEnvelopeCodec, actual: u }]);
  return isLeft(r) ? left(envelopeFieldError(r.left)) : right(r.right);
}

// Keep a BOM as a character (so JSON.parse refuses it) instead of silently dropping it.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function tooLarge(size: number): HosoError<'too-large'> {
  return hosoError('too-large', `event is ${size} bytes; the maximum is ${MAX_EVENT_BYTES}`, {
    path: [],
    rule: RULE,
    details: { size, max: MAX_EVENT_BYTES },
  });
}

/**
 * Decode stored event bytes, refusing anything but a valid envelope in exactly its canonical
 * form: `too-large` (> 64 KiB), `invalid-utf8`, `invalid-json`, `invalid-field` (with the path),
 * `not-canonical` (valid, but not byte-identical to its RFC 8785 form — whitespace, key order,
 * `1.0`, escapes). Signatures are not checked here: see {@link verifyEnvelopeSignatures}.
 */
export function decodeEnvelope(bytes: Uint8Array): Either<EnvelopeError, Envelope> {
  if (!(bytes instanceof Uint8Array))
    return left(hosoError('invalid-field', 'event bytes must be a Uint8Array', { path: [], rule: RULE }));
  if (bytes.length > MAX_EVENT_BYTES) return left(tooLarge(bytes.length));
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return left(hosoError('invalid-utf8', 'event bytes are not valid UTF-8', { path: [], rule: 'RFC 8785 §3.2.4' }));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return left(
      hosoError('invalid-json', `event bytes are not JSON: ${e instanceof Error ? e.message : String(e)}`, {
        path: [],
        rule: 'RFC 8259',
      }),
    );
  }
  const v = validateEnvelope(value);
  if (isLeft(v)) return v;
  // Validation guarantees canonicalize cannot fail (no lone surrogates, bounded depth).
  if (canonicalize(v.right) !== text) {
    return left(
      hosoError('not-canonical', 'event bytes are not in RFC 8785 canonical form', { path: [], rule: 'RFC 8785 §3.2' }),
    );
  }
  return right(v.right);
}

/** Canonical bytes of a valid envelope, or why it cannot be encoded (`invalid-field`, `too-large`). */
export function encodeEnvelopeE(env: Envelope): Either<EnvelopeError, Uint8Array> {
  const v = validateEnvelope(env);
  if (isLeft(v)) return v;
  const bytes = utf8(canonicalize(env));
  return bytes.length > MAX_EVENT_BYTES ? left(tooLarge(bytes.length)) : right(bytes);
}

/**
 * Canonical bytes of a valid envelope — what the store keeps and the Merkle leaf hashes.
 * @throws HosoFailure `invalid-field` or `too-large` (see {@link encodeEnvelopeE}).
 */
export function encodeEnvelope(env: Envelope): Uint8Array {
  const r = encodeEnvelopeE(env);
  if (isLeft(r)) throw new HosoFailure(r.left);
  return r.right;
}

/**
 * The bytes every signature of `env` signs: {@link EVENT_SIGNING_PREFIX} ‖ canonical(env without
 * `sigs`). Does not validate `env` (callers decode or validate first).
 * @throws HosoFailure `not-canonicalizable` when `env` holds values with no JSON form.
 */
export function signingBytes(env: UnsignedEnvelope | Envelope): Uint8Array {
  const { sigs: _sigs, ...unsigned } = env as Envelope;
  return utf8(EVENT_SIGNING_PREFIX + canonicalize(unsigned));
}

/** RFC 9162 leaf hash of an event's bytes — its `prev` link and Merkle leaf. */
export function envelopeLeafHash(bytes: Uint8Array): Uint8Array {
  return leafHash(bytes);
}

/** A new event id: lowercase UUID v7 (time-ordered, so stores index it cheaply). */
export function newEventId(): string {
  return uuidv7();
}

// ---------------------------------------------------------------------------------------------
// Signing and verification

/** Something that signs event bytes: a local seed, or a remote key (HSM, phone) behind a promise. */
export interface Signer {
  /** The 32-byte Ed25519 public key the signatures verify under. */
  readonly publicKey: Uint8Array;
  /** The role this signer usually acts in (informational; {@link signEnvelope} takes the role per call). */
  readonly role?: string;
  /** A 64-byte Ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

// Signers built here derive their public key from the very seed they sign with, so their
// signatures need no check; any other Signer's are verified before an envelope is returned.
const trustedSigners = new WeakSet<Signer>();

/**
 * A {@link Signer} over a 32-byte seed, with the key material prepared once.
 * @throws HosoFailure `invalid-key` when the seed is not 32 bytes.
 */
export function localSigner(seed: Uint8Array, backend: Ed25519Backend = defaultBackendOf()): Signer {
  const sign = backend.signer(seed);
  const signer: Signer = Object.freeze({ publicKey: backend.publicKey(seed), sign });
  trustedSigners.add(signer);
  return signer;
}

/** Every string value anywhere inside `v` (where co-signers' keys are named). */
function collectStrings(v: unknown, out: Set<string>): Set<string> {
  if (typeof v === 'string') out.add(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (typeof v === 'object' && v !== null)
    for (const k of Object.keys(v)) collectStrings((v as Record<string, unknown>)[k], out);
  return out;
}

/**
 * The key/role rules of docs/design.md §3 that do not need cryptography: at least one signature; the first
 * is `by.key` in `by.role`; no key twice; every other key named as a string in `data`.
 */
function checkSigners(
  unsigned: UnsignedEnvelope,
  sigs: ReadonlyArray<{ key: string; role: string }>,
  at: string,
): SignatureError | undefined {
  if (sigs.length === 0)
    return hosoError('no-signature', 'an event needs at least the author signature', { path: [at], rule: RULE });
  const first = sigs[0]!;
  if (first.key !== unsigned.by.key || first.role !== unsigned.by.role) {
    return hosoError('author-mismatch', `${at}[0]: the first signature must be by.key acting as by.role`, {
      path: [at, 0],
      rule: RULE,
    });
  }
  const seen = new Set<string>();
  let named: Set<string> | undefined;
  for (let i = 0; i < sigs.length; i++) {
    const key = sigs[i]!.key;
    if (seen.has(key))
      return hosoError('duplicate-signer', `${at}[${i}].key: the same key signs twice`, {
        path: [at, i, 'key'],
        rule: RULE,
      });
    seen.add(key);
    if (i === 0) continue;
    named ??= collectStrings(unsigned.data, new Set());
    if (!named.has(key)) {
      return hosoError('unnamed-signer', `${at}[${i}].key: a co-signer's key must be named in data`, {
        path: [at, i, 'key'],
        rule: RULE,
      });
    }
  }
  return undefined;
}

function badSignature(i: number, why: string): HosoError<'bad-signature'> {
  return hosoError('bad-signature', `sigs[${i}].sig: ${why}`, {
    path: ['sigs', i, 'sig'],
    rule: 'RFC 8032 §5.1.7, docs/design.md §3',
  });
}

/**
 * Check every signature rule of docs/design.md §3 on `env`: the fields (as {@link validateEnvelope}, a few
 * microseconds), then the signer rules (`author-mismatch`, `duplicate-signer`, `unnamed-signer`),
 * then each Ed25519 signature over {@link signingBytes} under the strict rule of
 * `ed25519/strict.ts` (`bad-signature`, with the path of the failing `sigs[i].sig`).
 */
export function verifyEnvelopeSignatures(
  env: Envelope,
  backend: Ed25519Backend = defaultBackendOf(),
): Either<SignatureError, true> {
  const valid = validateEnvelope(env);
  if (isLeft(valid)) return valid;
  const sigs = env.sigs;
  const problem = checkSigners(env, sigs, 'sigs');
  if (problem !== undefined) return left(problem);
  const message = signingBytes(env); // cannot throw: validated above
  for (let i = 0; i < sigs.length; i++) {
    const s = sigs[i]!;
    const key = fromBase64Url(s.key);
    const sig = fromBase64Url(s.sig);
    if (key === undefined || key.length !== 32) return left(badSignature(i, 'key is not base64url of 32 bytes'));
    if (sig === undefined || sig.length !== 64) return left(badSignature(i, 'is not base64url of 64 bytes'));
    if (!backend.verify(key, message, sig)) return left(badSignature(i, `does not verify under sigs[${i}].key`));
  }
  return right(true);
}

/** One Ed25519 check of an event: `sigs[index]`'s key and signature, over the event's signing bytes. */
export interface SignatureCheck {
  readonly index: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
}

/** The Ed25519 checks an event still needs: one message (its signing bytes), one check per signature. */
export interface SignatureChecks {
  readonly message: Uint8Array;
  readonly checks: readonly SignatureCheck[];
}

/** {@link decodeForVerification}'s result: the envelope, and its signature checks or the signer rule it breaks. */
export interface DecodedForVerification {
  readonly envelope: Envelope;
  readonly signatures: Either<SignatureError, SignatureChecks>;
}

const SIGS_MEMBER = Buffer.from(',"sigs":[', 'latin1');
const PREFIX_BYTES = utf8(EVENT_SIGNING_PREFIX);
const CLOSE_BRACKET = 0x5d;

/**
 * The signing bytes of the canonical envelope `bytes` — {@link EVENT_SIGNING_PREFIX} ‖ `bytes` with
 * the top-level `sigs` member cut out. Exact only for bytes {@link decodeEnvelope} accepted: the
 * member is the last unescaped `,"sigs":[` (keys sort `sigs` after `data`, and a `"` inside any
 * JSON string is escaped), and its array holds only base64url and role characters, so its end is
 * the next `]`. Removing a member from canonical JSON leaves the canonical JSON of the rest.
 */
function signingBytesOfCanonical(bytes: Uint8Array): Uint8Array {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = b.lastIndexOf(SIGS_MEMBER);
  const end = b.indexOf(CLOSE_BRACKET, start + SIGS_MEMBER.length);
  const out = new Uint8Array(PREFIX_BYTES.length + start + (b.length - end - 1));
  out.set(PREFIX_BYTES, 0);
  out.set(bytes.subarray(0, start), PREFIX_BYTES.length);
  out.set(bytes.subarray(end + 1), PREFIX_BYTES.length + start);
  return out;
}

/**
 * {@link decodeEnvelope}, then every signature rule of docs/design.md §3 that needs no arithmetic, leaving
 * the Ed25519 checks for the caller to run where it likes (a worker pool, a batch verifier). The
 * envelope is validated once and its signing bytes are cut from `bytes` rather than serialised a
 * second time, and its keys and signatures are decoded from base64url once (the codecs already
 * proved them canonical), so this costs about what `decodeEnvelope` alone does. The checks' keys
 * and signatures are views of one buffer per event. Every check verifying under
 * the strict rule is exactly {@link verifyEnvelopeSignatures} returning `right(true)`.
 *
 * @example
 * const d = decodeForVerification(bytes);
 * if (isRight(d) && isRight(d.right.signatures)) {
 *   const { message, checks } = d.right.signatures.right;
 *   const ok = checks.every((c) => backend().verify(c.publicKey, message, c.signature));
 * }
 */
export function decodeForVerification(bytes: Uint8Array): Either<EnvelopeError, DecodedForVerification> {
  const d = decodeEnvelope(bytes);
  if (isLeft(d)) return d;
  const env = d.right;
  const sigs = env.sigs;
  const problem = checkSigners(env, sigs, 'sigs');
  if (problem !== undefined) return right({ envelope: env, signatures: left(problem) });
  // Decoding already proved every key and signature canonical base64url of exactly 32 and 64
  // bytes (PublicKeyCodec, SignatureCodec), so they are decoded here once, without a second check,
  // into one buffer per event (one allocation instead of two per signature).
  const raw = new Uint8Array(96 * sigs.length);
  const checks: SignatureCheck[] = [];
  for (let i = 0; i < sigs.length; i++) {
    const at = 96 * i;
    decodeCanonicalBase64Url(sigs[i]!.key, raw, at);
    decodeCanonicalBase64Url(sigs[i]!.sig, raw, at + 32);
    checks.push({ index: i, publicKey: raw.subarray(at, at + 32), signature: raw.subarray(at + 32, at + 96) });
  }
  return right({ envelope: env, signatures: right({ message: signingBytesOfCanonical(bytes), checks }) });
}

/** Values of the base64url alphabet (RFC 4648 §5) by character code; 255 for any other character. */
const BASE64URL_VALUES: Uint8Array = (() => {
  const t = new Uint8Array(128).fill(255);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * Decode unpadded base64url that is already known to be canonical (checked by its codec) into
 * `out` at `offset`; the bits past the last whole byte are zero by that check and are dropped.
 */
function decodeCanonicalBase64Url(s: string, out: Uint8Array, offset: number): void {
  let acc = 0;
  let bits = 0;
  let o = offset;
  for (let i = 0; i < s.length; i++) {
    acc = ((acc << 6) | BASE64URL_VALUES[s.charCodeAt(i)]!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
}

/** Exact canonical size of `unsigned` plus the `sigs` member (all ASCII), without re-serialising. */
function signedSize(unsignedCanonicalBytes: number, roles: readonly string[]): number {
  // ,"sigs":[ ... ]  and per entry {"key":"<43>","role":"<r>","sig":"<86>"}
  let n = unsignedCanonicalBytes + ',"sigs":['.length + 1 + (roles.length - 1);
  for (const r of roles) n += '{"key":"","role":"","sig":""}'.length + 43 + 86 + r.length;
  return n;
}

/**
 * Sign `unsigned` by every signer, author first, and return the complete envelope. Rejects (a
 * HosoFailure carrying {@link SignEnvelopeError}) when the unsigned envelope is invalid, a signer
 * key is malformed, the first signer is not `by`, a key repeats or a co-signer is not named in
 * `data`, a signer returns something that does not verify, or the result exceeds 64 KiB.
 * Signers run concurrently (remote ones may be slow). The result shares `data` with `unsigned`:
 * mutating either afterwards invalidates the signatures.
 */
export async function signEnvelope(
  unsigned: UnsignedEnvelope,
  signers: ReadonlyArray<{ signer: Signer; role: string }>,
): Promise<Envelope> {
  return (await signEnvelopeBytes(unsigned, signers)).envelope;
}

/**
 * {@link signEnvelope}, also returning the envelope's canonical bytes — exactly
 * `encodeEnvelope(envelope)`, built from the bytes that were signed instead of serialising the
 * envelope a second time (the hot path of every append).
 */
export async function signEnvelopeBytes(
  unsigned: UnsignedEnvelope,
  signers: ReadonlyArray<{ signer: Signer; role: string }>,
): Promise<{ readonly envelope: Envelope; readonly bytes: Uint8Array }> {
  const v = validateUnsignedEnvelope(unsigned);
  if (isLeft(v)) throw new HosoFailure(v.left);
  const u = v.right;
  const named: Array<{ key: string; role: string }> = [];
  for (let i = 0; i < signers.length; i++) {
    const { signer, role } = signers[i]!;
    const pk = signer?.publicKey;
    if (!(pk instanceof Uint8Array) || pk.length !== 32) {
      throw new HosoFailure(
        hosoError('invalid-key', `signers[${i}].signer.publicKey: must be 32 bytes`, {
          path: ['signers', i, 'signer', 'publicKey'],
          rule: 'RFC 8032 §5.1.5',
        }),
      );
    }
    if (!RoleCodec.is(role)) {
      throw new HosoFailure(
        hosoError('invalid-field', `signers[${i}].role: must be 1–32 characters from a–z and '-'`, {
          path: ['signers', i, 'role'],
          rule: RULE,
        }),
      );
    }
    named.push({ key: toBase64Url(pk), role });
  }
  const problem = checkSigners(u, named, 'signers');
  if (problem !== undefined) throw new HosoFailure(problem);

  const unsignedCopy: UnsignedEnvelope = {
    v: u.v,
    id: u.id,
    ledger: u.ledger,
    stream: u.stream,
    rev: u.rev,
    prev: u.prev,
    type: u.type,
    data: u.data,
    at: u.at,
    by: { key: u.by.key, role: u.by.role },
  };
  const message = signingBytes(unsignedCopy);
  const size = signedSize(
    message.length - EVENT_SIGNING_PREFIX.length,
    named.map((n) => n.role),
  );
  if (size > MAX_EVENT_BYTES) throw new HosoFailure(tooLarge(size));

  const raw = await Promise.all(signers.map(async ({ signer }) => signer.sign(message)));
  const verifier = defaultBackendOf();
  const sigs: EventSignature[] = raw.map((sig, i) => {
    if (!(sig instanceof Uint8Array) || sig.length !== 64)
      throw new HosoFailure(badSignature(i, 'the signer did not return 64 bytes'));
    const signer = signers[i]!.signer;
    if (!trustedSigners.has(signer) && !verifier.verify(signer.publicKey, message, sig)) {
      throw new HosoFailure(badSignature(i, "the signer's signature does not verify under its public key"));
    }
    return { key: named[i]!.key, role: named[i]!.role, sig: toBase64Url(sig) };
  });
  const envelope: Envelope = {
    v: unsignedCopy.v,
    id: unsignedCopy.id,
    ledger: unsignedCopy.ledger,
    stream: unsignedCopy.stream,
    rev: unsignedCopy.rev,
    prev: unsignedCopy.prev,
    type: unsignedCopy.type,
    data: unsignedCopy.data,
    at: unsignedCopy.at,
    by: unsignedCopy.by,
    sigs,
  };
  const bytes = spliceSigs(message, unsignedCopy, sigs);
  // The leaf hash is needed by every appender (the store's Merkle tree, the next event's `prev`):
  // computed once here, with the vouch that lets a store skip re-decoding these bytes.
  vouch(bytes, envelope, leafHash(bytes));
  return { envelope, bytes };
}

/**
 * {@link decodeForVerification} (the envelope, and its signature checks or the signer rule it
 * breaks), and on success a vouch for `bytes` (the array given) with their leaf hash: a store
 * handed these bytes unchanged does not decode them again (`vouchedEnvelope`). For an appender of
 * events signed elsewhere, which must verify them and then append them.
 */
export function decodeEnvelopeVouched(
  bytes: Uint8Array,
): Either<EnvelopeError, DecodedForVerification & { readonly leafHash: Uint8Array }> {
  const d = decodeForVerification(bytes);
  if (isLeft(d)) return d;
  const leaf = leafHash(bytes);
  vouch(bytes, d.right.envelope, leaf);
  return right({ envelope: d.right.envelope, signatures: d.right.signatures, leafHash: leaf });
}

/**
 * The canonical bytes of the signed envelope from those of the unsigned one. RFC 8785 orders the
 * members at, by, data, id, ledger, prev, rev, **sigs**, stream, type, v: so the signed form is the
 * unsigned one with `,"sigs":[…]` inserted before its last three members, whose canonical text is
 * known exactly (strings are written as JSON.stringify writes them; lone surrogates were refused
 * by validation, and every sig member is ASCII).
 */
function spliceSigs(message: Uint8Array, u: UnsignedEnvelope, sigs: readonly EventSignature[]): Uint8Array {
  const tail = utf8(`,"stream":${JSON.stringify(u.stream)},"type":${JSON.stringify(u.type)},"v":1}`);
  let inserted = ',"sigs":[';
  for (let i = 0; i < sigs.length; i++) {
    const x = sigs[i]!;
    inserted += `${i === 0 ? '' : ','}{"key":"${x.key}","role":"${x.role}","sig":"${x.sig}"}`;
  }
  inserted += ']';
  const head = message.subarray(EVENT_SIGNING_PREFIX.length, message.length - tail.length);
  const mid = utf8(inserted);
  const out = new Uint8Array(head.length + mid.length + tail.length);
  out.set(head, 0);
  out.set(mid, head.length);
  out.set(tail, head.length + mid.length);
  return out;
}
