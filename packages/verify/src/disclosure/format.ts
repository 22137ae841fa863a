/**
 * The disclosure file `hoso/disclosure@v1` (docs/formats.md §8): the openings `(student, field,
 * salt, value)` a school gives one audience, what they are for, and — for a transcript — the
 * pupil's events with their RFC 9162 inclusion proofs, signed by the school's leader with a
 * ledger key. One RFC 8785 canonical JSON document; the signature is Ed25519 over
 * `"hoso/disclosure@v1\n" ‖ canonical(the document without "signature")`.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  canonicalBytes,
  canonicalize,
  concatBytes,
  ed25519,
  fromBase64Url,
  hosoError,
  toBase64Url,
  utf8,
  type HosoError,
  type Signer,
} from '@hoso/core';
import { BIO_FIELDS, isBioField, SALT_BYTES } from '@hoso/ledger';

/** The format name, also the signature's domain tag. */
export const DISCLOSURE_FORMAT = 'hoso/disclosure@v1';
const TAG = utf8(`${DISCLOSURE_FORMAT}\n`);

/** Who a disclosure is for (docs/personal-data.md §6). */
export const DISCLOSURE_SCOPES = ['inspector', 'transcript', 'vendor'] as const;
/** One of {@link DISCLOSURE_SCOPES}. */
export type DisclosureScope = (typeof DISCLOSURE_SCOPES)[number];

/** One opening as a disclosure carries it. */
export interface DisclosedOpening {
  readonly student: string;
  readonly field: string;
  /** 64 lowercase hex digits, as the event signs it. */
  readonly commitment: string;
  /** base64url of the 32-byte salt. */
  readonly salt: string;
  readonly value: string;
}

/** What the school was asked for: the pupils (all, a class, or a list) and the fields. */
export interface DisclosureRequest {
  /** `all`, or the pupils' codes. */
  readonly students: 'all' | readonly string[];
  /** The class the list was drawn from, when one was named. */
  readonly class?: { readonly year: string; readonly class: string };
  readonly fields: readonly string[];
}

/** A disclosure without its signature: what the signature covers. */
export interface DisclosureBody {
  readonly format: typeof DISCLOSURE_FORMAT;
  /** `hoso/<ledger id>`: a disclosure for another ledger is refused. */
  readonly origin: string;
  readonly scope: DisclosureScope;
  /** The checkpoint it is bound to: the bundle it goes with ends at this size and root. */
  readonly size: number;
  /** Lowercase hex RFC 9162 root at `size`. */
  readonly root: string;
  /** Who receives it, e.g. "Phòng GD&ĐT quận 1 — đoàn kiểm tra". */
  readonly audience: string;
  /** Why it is given. */
  readonly purpose: string;
  /** ISO 8601 time of issue. */
  readonly issuedAt: string;
  /** The school's decision to disclose, when there is one. */
  readonly decision?: { readonly number: string; readonly date: string };
  readonly request: DisclosureRequest;
  /** Pupils asked for whose personal data was erased: nothing of theirs is disclosed. */
  readonly erased: readonly string[];
  readonly openings: readonly DisclosedOpening[];
  /** Transcript scope only: C2SP tlog-proof texts, one per event, in ledger order (docs/formats.md §3). */
  readonly events?: readonly string[];
  /** The signer's ledger key (base64url) and the role it signs in (`leader`). */
  readonly signer: { readonly key: string; readonly role: 'leader' };
}

/** A signed disclosure. */
export interface Disclosure extends DisclosureBody {
  /** base64url Ed25519 signature over {@link disclosureSigningBytes}. */
  readonly signature: string;
}

/** The bytes the school signs. */
export function disclosureSigningBytes(body: DisclosureBody): Uint8Array {
  const { signature: _ignored, ...rest } = body as Disclosure;
  void _ignored;
  return concatBytes(TAG, canonicalBytes(rest));
}

/** Sign `body` with the leader's ledger key; the result is written as {@link formatDisclosure}. */
export async function signDisclosure(body: Omit<DisclosureBody, 'signer'>, signer: Signer): Promise<Disclosure> {
  const full: DisclosureBody = { ...body, signer: { key: toBase64Url(signer.publicKey), role: 'leader' } };
  const sig = await signer.sign(disclosureSigningBytes(full));
  return { ...full, signature: toBase64Url(sig) };
}

/** The file's text: the canonical document and a newline. */
export function formatDisclosure(d: Disclosure): string {
  return `${canonicalize(d)}\n`;
}

/** True when the disclosure's signature verifies under the key it names. */
export function disclosureSignatureValid(d: Disclosure): boolean {
  const key = fromBase64Url(d.signer.key);
  const sig = fromBase64Url(d.signature);
  if (key === undefined || key.length !== 32 || sig === undefined || sig.length !== 64) return false;
  try {
    return ed25519.verify(key, disclosureSigningBytes(d), sig);
  } catch {
    return false;
  }
}

/** Why a disclosure file could not be read; `path` names the field. */
export type DisclosureFormatError = HosoError<'disclosure-invalid'>;

const HEX64 = /^[0-9a-f]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function bad(path: (string | number)[], message: string): Either<DisclosureFormatError, never> {
  return left(
    hosoError('disclosure-invalid', `${path.join('.')}: ${message}`, {
      path: ['disclosure', ...path],
      rule: 'docs/formats.md §8',
    }),
  );
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2000;

const KEYS = new Set([
  'format',
  'origin',
  'scope',
  'size',
  'root',
  'audience',
  'purpose',
  'issuedAt',
  'decision',
  'request',
  'erased',
  'openings',
  'events',
  'signer',
  'signature',
]);

/** Read a disclosure file's text; shape only (the signature and openings are the verifier's to check). */
export function parseDisclosure(text: string): Either<DisclosureFormatError, Disclosure> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return bad([], `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObj(v)) return bad([], 'a JSON object');
  for (const k of Object.keys(v)) if (!KEYS.has(k)) return bad([k], 'not a field of hoso/disclosure@v1');
  if (v.format !== DISCLOSURE_FORMAT) return bad(['format'], `must be "${DISCLOSURE_FORMAT}"`);
  if (typeof v.origin !== 'string' || !v.origin.startsWith('hoso/')) return bad(['origin'], 'hoso/<ledger id>');
  if (!(DISCLOSURE_SCOPES as readonly unknown[]).includes(v.scope))
    return bad(['scope'], `one of ${DISCLOSURE_SCOPES.join(', ')}`);
  if (!Number.isSafeInteger(v.size) || (v.size as number) < 1) return bad(['size'], 'a ledger size ≥ 1');
  if (typeof v.root !== 'string' || !HEX64.test(v.root)) return bad(['root'], '64 lowercase hex digits');
  for (const k of ['audience', 'purpose', 'issuedAt'] as const) if (!isText(v[k])) return bad([k], 'a non-empty text');
  if (v.decision !== undefined) {
    const d = v.decision;
    if (!isObj(d) || !isText(d.number) || typeof d.date !== 'string' || !DATE.test(d.date))
      return bad(['decision'], '{ number, date: YYYY-MM-DD }');
  }
  const r = v.request;
  if (!isObj(r)) return bad(['request'], '{ students, fields }');
  if (r.students !== 'all' && !(Array.isArray(r.students) && r.students.every((s) => typeof s === 'string')))
    return bad(['request', 'students'], '"all" or a list of pupil codes');
  if (!Array.isArray(r.fields) || !r.fields.every((f) => typeof f === 'string' && isBioField(f)))
    return bad(['request', 'fields'], `a list of ${BIO_FIELDS.join(', ')}`);
  if (!Array.isArray(v.erased) || !v.erased.every((s) => typeof s === 'string'))
    return bad(['erased'], 'a list of pupil codes');
  if (!Array.isArray(v.openings)) return bad(['openings'], 'a list of openings');
  for (const [i, o] of (v.openings as unknown[]).entries()) {
    if (!isObj(o)) return bad(['openings', i], '{ student, field, commitment, salt, value }');
    if (typeof o.student !== 'string') return bad(['openings', i, 'student'], "the pupil's code");
    if (typeof o.field !== 'string' || !isBioField(o.field))
      return bad(['openings', i, 'field'], `one of ${BIO_FIELDS.join(', ')}`);
    if (typeof o.commitment !== 'string' || !HEX64.test(o.commitment))
      return bad(['openings', i, 'commitment'], '64 lowercase hex digits');
    const salt = typeof o.salt === 'string' ? fromBase64Url(o.salt) : undefined;
    if (salt?.length !== SALT_BYTES) return bad(['openings', i, 'salt'], `base64url of ${SALT_BYTES} bytes`);
    if (typeof o.value !== 'string') return bad(['openings', i, 'value'], 'a text');
  }
  if (v.events !== undefined && !(Array.isArray(v.events) && v.events.every((e) => typeof e === 'string')))
    return bad(['events'], 'a list of C2SP tlog-proof texts');
  if (v.scope === 'transcript' && v.events === undefined) return bad(['events'], 'a transcript carries its events');
  if (v.scope !== 'transcript' && v.events !== undefined) return bad(['events'], 'only a transcript carries events');
  if (v.scope === 'vendor' && (v.openings as unknown[]).length > 0)
    return bad(['openings'], 'a vendor gets no opening');
  const s = v.signer;
  if (!isObj(s) || typeof s.key !== 'string' || fromBase64Url(s.key)?.length !== 32 || s.role !== 'leader')
    return bad(['signer'], '{ key: base64url Ed25519 key, role: "leader" }');
  if (typeof v.signature !== 'string' || fromBase64Url(v.signature)?.length !== 64)
    return bad(['signature'], 'base64url of a 64-byte Ed25519 signature');
  return right(v as unknown as Disclosure);
}
