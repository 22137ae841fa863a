/**
 * Key files. One format for every key hoso's command line handles: a signer key file holds the
 * C2SP/Go `note` signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>` (secret,
 * written with mode 0600), its verifier key file the vkey `<name>+<hex key ID>+<base64(type ‖ key)>`.
 * The same 32-byte Ed25519 seed signs ledger events (public key base64url in `by.key`) and, for
 * the seal and witness keys, checkpoints and cosignatures.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  ed25519,
  formatSignerKey,
  formatVerifierKey,
  localSigner,
  parseSignerKey,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE,
  SIG_TYPE_ED25519,
  toBase64Url,
  type NoteSigner,
  type NoteVerifier,
  type Signer,
} from '@hoso/core';
import { usage } from './exit.js';
import { readText } from './io.js';

/** A loaded signer key: its note name, seed, ledger signer and public forms. */
export interface KeyMaterial {
  readonly name: string;
  readonly seed: Uint8Array;
  /** Signs ledger events. */
  readonly signer: Signer;
  /** Signs notes (checkpoints, cosignatures). */
  readonly note: NoteSigner;
  /** base64url public key, as envelopes write it (`by.key`). */
  readonly publicKey: string;
  /** `xxxx xxxx xxxx xxxx`, first 8 bytes of SHA-256 of the public key (printed on paper). */
  readonly fingerprint: string;
}

/**
 * The fingerprint printed on paper beside a signature (as `@hoso/print` computes it): the first
 * 8 bytes of SHA-256 of the raw public key, in four groups of hex.
 */
export function fingerprintOf(publicKey: Uint8Array): string {
  const h = createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
  return `${h.slice(0, 4)} ${h.slice(4, 8)} ${h.slice(8, 12)} ${h.slice(12, 16)}`;
}

/** Key material from a seed and a note name. */
export function keyFromSeed(name: string, seed: Uint8Array): KeyMaterial {
  const signer = localSigner(seed);
  const publicKey = toBase64Url(signer.publicKey);
  return { name, seed, signer, note: { name, seed }, publicKey, fingerprint: fingerprintOf(signer.publicKey) };
}

/** A fresh random key. */
export function generateKey(name: string): KeyMaterial {
  if (!/^[^\s+]+$/.test(name))
    throw usage('invalid-key-name', 'a key name is non-empty, without spaces or "+"', '--name', 'C2SP signed-note');
  return keyFromSeed(name, new Uint8Array(randomBytes(32)));
}

/** The signer key text (secret). */
export function signerKeyText(k: KeyMaterial): string {
  return formatSignerKey(k.name, k.seed) + '\n';
}

/** The verifier key text: type 0x01 (checkpoint signer) or 0x04 (witness cosigner). */
export function verifierKeyText(k: KeyMaterial, cosigner = false): string {
  return (
    formatVerifierKey(k.name, ed25519.publicKey(k.seed), cosigner ? SIG_TYPE_COSIGNATURE : SIG_TYPE_ED25519) + '\n'
  );
}

/** Read a signer key file named by option `arg`. */
export function readSignerKey(path: string, arg: string): KeyMaterial {
  const text = readText(path, arg);
  const parsed = parseSignerKey(text.trim());
  if (parsed._tag === 'Left')
    throw usage('invalid-key', `${path} is not a signer key: ${parsed.left.message}`, arg, 'C2SP signed-note');
  return keyFromSeed(parsed.right.name, parsed.right.seed);
}

/** Parse a verifier key given as text or as a file path. */
export function readVerifierKey(textOrPath: string, arg: string): { text: string; verifier: NoteVerifier } {
  const direct = parseVerifierKey(textOrPath.trim());
  if (direct._tag === 'Right') return { text: textOrPath.trim(), verifier: direct.right };
  const text = readText(textOrPath, arg).trim();
  const parsed = parseVerifierKey(text);
  if (parsed._tag === 'Left')
    throw usage('invalid-key', `${textOrPath} is not a verifier key: ${parsed.left.message}`, arg, 'C2SP signed-note');
  return { text, verifier: parsed.right };
}
