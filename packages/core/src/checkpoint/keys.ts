import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8, bytesEqual } from '../bytes.js';
import { type HosoError } from '../errors.js';
import { sha256 } from '../hash.js';
import { ed25519 } from '../ed25519/index.js';
import { invalidArgument, isValidKeyName, noteError } from './text.js';

/**
 * Signed-note keys (C2SP signed-note, Go's golang.org/x/mod/sumdb/note): key IDs, verifier keys
 * (`vkey`: `<name>+<hex key ID>+<base64(type ‖ public key)>`) and signer keys
 * (`PRIVATE+KEY+<name>+<hex key ID>+<base64(type ‖ seed)>`).
 */

/** Signature type 0x01: Ed25519 note signatures (checkpoints; chữ ký của nhà trường). */
export const SIG_TYPE_ED25519 = 0x01;
/** Signature type 0x04: timestamped Ed25519 witness cosignatures (C2SP tlog-cosignature). */
export const SIG_TYPE_COSIGNATURE = 0x04;

/** The signature types hoso signs and verifies. */
export type NoteKeyType = typeof SIG_TYPE_ED25519 | typeof SIG_TYPE_COSIGNATURE;

/** A key a note is checked against: whose signature lines to verify and how. */
export interface NoteVerifier {
  readonly name: string;
  /** First 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
  readonly keyId: Uint8Array;
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  readonly type: NoteKeyType;
}

/** A signing identity: key name and 32-byte Ed25519 seed. */
export interface NoteSigner {
  readonly name: string;
  readonly seed: Uint8Array;
}

/** A parsed signer key: the signer plus what is derived from it. */
export interface ParsedSignerKey extends NoteSigner {
  readonly type: NoteKeyType;
  readonly keyId: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Errors of key parsing. */
export type KeyError = HosoError<'invalid-key'>;

const isKeyType = (t: unknown): t is NoteKeyType => t === SIG_TYPE_ED25519 || t === SIG_TYPE_COSIGNATURE;

/**
 * Key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key).
 * @throws HosoFailure `invalid-argument` for an invalid key name, a public key that is not 32 bytes or a type that is
 * not a byte.
 */
export function keyId(name: string, publicKey: Uint8Array, type: number = SIG_TYPE_ED25519): Uint8Array {
  if (!isValidKeyName(name)) throw invalidArgument(['name'], 'key names are non-empty, without spaces or "+"');
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32)
    throw invalidArgument(['publicKey'], 'must be 32 bytes');
  if (!Number.isInteger(type) || type < 0 || type > 255) throw invalidArgument(['type'], 'must be a byte');
  return sha256(utf8(name), Uint8Array.of(0x0a, type), publicKey).slice(0, 4);
}

/**
 * A verifier from a raw public key.
 * @throws HosoFailure `invalid-argument` as {@link keyId}, or for a type other than 0x01/0x04.
 */
export function noteVerifier(name: string, publicKey: Uint8Array, type: NoteKeyType = SIG_TYPE_ED25519): NoteVerifier {
  if (!isKeyType(type)) throw invalidArgument(['type'], 'must be 0x01 (Ed25519) or 0x04 (cosignature)');
  return { name, keyId: keyId(name, publicKey, type), publicKey: publicKey.slice(), type };
}

/** The verifier matching a signer (same name, public key derived from the seed). */
export function signerVerifier(signer: NoteSigner, type: NoteKeyType = SIG_TYPE_ED25519): NoteVerifier {
  checkSigner(signer, ['signer']);
  return noteVerifier(signer.name, ed25519.publicKey(signer.seed), type);
}

/** Throws `invalid-argument` unless `signer` has a valid name and a 32-byte seed. */
export function checkSigner(signer: NoteSigner, path: ReadonlyArray<string | number>): void {
  if (typeof signer !== 'object' || signer === null) throw invalidArgument(path, 'must be { name, seed }');
  if (!isValidKeyName(signer.name))
    throw invalidArgument([...path, 'name'], 'key names are non-empty, without spaces or "+"');
  if (!(signer.seed instanceof Uint8Array) || signer.seed.length !== 32)
    throw invalidArgument([...path, 'seed'], 'must be a 32-byte Ed25519 seed');
}

/**
 * Verifier key text `<name>+<hex key ID>+<base64(type ‖ public key)>`, as Go's `note.NewVerifier`
 * reads it (type 0x01; type 0x04 keys are the C2SP tlog-cosignature vkeys).
 * @throws HosoFailure `invalid-argument` as {@link noteVerifier}.
 */
export function formatVerifierKey(name: string, publicKey: Uint8Array, type: NoteKeyType = SIG_TYPE_ED25519): string {
  const v = noteVerifier(name, publicKey, type);
  return `${v.name}+${toHex(v.keyId)}+${toBase64(concatBytes(Uint8Array.of(type), v.publicKey))}`;
}

/** Split `<a>+<b>+<rest>` where `rest` may itself contain `+` (base64). */
function chop3(s: string): [string, string, string] | undefined {
  const i = s.indexOf('+');
  if (i < 0) return undefined;
  const j = s.indexOf('+', i + 1);
  if (j < 0) return undefined;
  return [s.slice(0, i), s.slice(i + 1, j), s.slice(j + 1)];
}

function keyError(message: string, path: ReadonlyArray<string | number>): KeyError {
  return noteError('invalid-key', message, { path });
}

/** Decode `<name>+<hex id>+<base64(type ‖ 32 bytes)>`, checking the key ID. */
function parseKeyParts(
  text: string,
  what: 'vkey' | 'skey',
  derivePublic: (material: Uint8Array) => Uint8Array,
): Either<
  KeyError,
  { name: string; type: NoteKeyType; material: Uint8Array; publicKey: Uint8Array; keyId: Uint8Array }
> {
  const parts = chop3(text);
  if (parts === undefined) return left(keyError(`a ${what} has the form <name>+<hex key ID>+<base64 key>`, [what]));
  const [name, idHex, b64] = parts;
  if (!isValidKeyName(name)) return left(keyError('invalid key name', [what, 'name']));
  const id = /^[0-9a-fA-F]{8}$/.test(idHex) ? fromHex(idHex) : undefined;
  if (id === undefined) return left(keyError('the key ID must be 8 hex digits', [what, 'keyId']));
  const raw = fromBase64(b64);
  if (raw === undefined || raw.length !== 33)
    return left(keyError('the key must be base64 of a type byte and 32 key bytes', [what, 'key']));
  const type = raw[0];
  if (!isKeyType(type))
    return left(keyError(`unsupported signature type 0x${(type ?? 0).toString(16).padStart(2, '0')}`, [what, 'type']));
  const material = raw.slice(1);
  let publicKey: Uint8Array;
  try {
    publicKey = derivePublic(material);
  } catch {
    return left(keyError('the key material is not a valid Ed25519 key', [what, 'key']));
  }
  const expected = keyId(name, publicKey, type);
  if (!bytesEqual(expected, id))
    return left(keyError(`key ID ${idHex} does not match the key (expected ${toHex(expected)})`, [what, 'keyId']));
  return right({ name, type, material, publicKey, keyId: expected });
}

/**
 * Parse a verifier key (`vkey`); the key ID must match name, type and key. Surrounding whitespace
 * (the final newline of a `.vkey` file) is ignored.
 */
export function parseVerifierKey(vkey: string): Either<KeyError, NoteVerifier> {
  if (typeof vkey !== 'string') return left(keyError('a vkey is a string', ['vkey']));
  const r = parseKeyParts(vkey.trim(), 'vkey', (m) => m);
  if (r._tag === 'Left') return r;
  const { name, keyId: id, publicKey, type } = r.right;
  return right({ name, keyId: id, publicKey, type });
}

/**
 * Signer key text `PRIVATE+KEY+<name>+<hex key ID>+<base64(type ‖ seed)>`, as Go's
 * `note.GenerateKey` writes it and `note.NewSigner` reads it. Secret: keep it out of logs.
 * @throws HosoFailure `invalid-argument` for a bad name or seed.
 */
export function formatSignerKey(name: string, seed: Uint8Array, type: NoteKeyType = SIG_TYPE_ED25519): string {
  checkSigner({ name, seed }, ['signer']);
  const id = keyId(name, ed25519.publicKey(seed), type);
  return `PRIVATE+KEY+${name}+${toHex(id)}+${toBase64(concatBytes(Uint8Array.of(type), seed))}`;
}

/**
 * Parse a signer key; the key ID must match the public key derived from the seed. Surrounding whitespace is ignored.
 */
export function parseSignerKey(skey: string): Either<KeyError, ParsedSignerKey> {
  const prefix = 'PRIVATE+KEY+';
  if (typeof skey !== 'string' || !skey.startsWith(prefix))
    return left(keyError('a signer key starts with PRIVATE+KEY+', ['skey']));
  const r = parseKeyParts(skey.trim().slice(prefix.length), 'skey', (seed) => ed25519.publicKey(seed));
  if (r._tag === 'Left') return r;
  const { name, keyId: id, publicKey, type, material } = r.right;
  return right({ name, seed: material, type, keyId: id, publicKey });
}
