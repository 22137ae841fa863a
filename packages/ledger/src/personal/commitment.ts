/**
 * Commitments to personal data (*dữ liệu cá nhân*, Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): the
 * signed event carries, for each personal field, `SHA-256("hoso/pd/v1\n" ‖ salt ‖ canonical(value))`
 * with a fresh 32-byte salt, and the value with its salt (the *opening*) lives outside the chain, in
 * a personal-data store. Destroying the opening erases the value while every signature, hash chain
 * and Merkle proof over the commitment stays valid (docs/personal-data.md). One commitment per field,
 * so that one field can be disclosed without the others.
 */
import { bytesEqual, canonicalBytes, concatBytes, fromHex, sha256, toHex, utf8 } from '@hoso/core';

/** The commitment scheme and its domain tag. */
export const PD_FORMAT = 'hoso/pd/v1';
const TAG = utf8(`${PD_FORMAT}\n`);

/**
 * Salt length in bytes: enough that a value from a small set (a birth date, a sex) cannot be
 * guessed from its commitment.
 */
export const SALT_BYTES = 32;

/**
 * The biographical fields (*sơ yếu lý lịch*) the học bạ and the sổ đăng bộ print, each committed
 * on its own. The pupil's school code (`student`) is not among them: it is the pseudonym every
 * mark and every stream name keeps.
 */
export const BIO_FIELDS = [
  'name',
  'birthDate',
  'sex',
  'birthPlace',
  'ethnicity',
  'nationality',
  'address',
  'guardian',
  'phone',
] as const;

/** One of {@link BIO_FIELDS}. */
export type BioField = (typeof BIO_FIELDS)[number];

/** True for {@link BioField} names. */
export function isBioField(s: string): s is BioField {
  return (BIO_FIELDS as readonly string[]).includes(s);
}

/** The opening of one field's commitment: what the personal-data store keeps, and what a disclosure carries. */
export interface Opening {
  /** The pupil's school code (`student`). */
  readonly subject: string;
  /** One of {@link BIO_FIELDS}. */
  readonly field: string;
  /** 64 lowercase hex digits, as signed in the event. */
  readonly commitment: string;
  /** {@link SALT_BYTES} random bytes. */
  readonly salt: Uint8Array;
  readonly value: string;
}

/** The commitment to `value` under `salt`, as 64 lowercase hex digits. */
export function commitValue(salt: Uint8Array, value: string): string {
  return toHex(sha256(concatBytes(TAG, salt, canonicalBytes(value))));
}

/** True when `salt` and `value` open `commitment`. A malformed commitment or salt opens nothing. */
export function opens(commitment: string, salt: Uint8Array, value: string): boolean {
  const c = fromHex(commitment);
  if (c === undefined || c.length !== 32 || salt.length !== SALT_BYTES) return false;
  return bytesEqual(c, fromHex(commitValue(salt, value))!);
}

/** A fresh salt from the platform's CSPRNG (WebCrypto, in Node as in a browser). */
export function newSalt(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}

/**
 * Commit to each field of `fields` with a fresh salt: the commitments to sign, and their openings.
 * `salt` draws the salts (default {@link newSalt}); only a reproducible demo or test passes another.
 */
export function commitFields(
  subject: string,
  fields: Readonly<Partial<Record<BioField, string>>>,
  salt: () => Uint8Array = newSalt,
): { commitments: Partial<Record<BioField, string>>; openings: Opening[] } {
  const commitments: Partial<Record<BioField, string>> = {};
  const openings: Opening[] = [];
  for (const field of BIO_FIELDS) {
    const value = fields[field];
    if (value === undefined) continue;
    const drawn = salt();
    const commitment = commitValue(drawn, value);
    commitments[field] = commitment;
    openings.push({ subject, field, commitment, salt: drawn, value });
  }
  return { commitments, openings };
}
