/**
 * Key files. One format for every key hoso's command line handles: a signer key file holds the
 * C2SP/Go `note` signer key `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>` (secret,
 * written with mode 0600), its verifier key file the vkey `<name>+<hex key ID>+<base64(type ‖ key)>`.
 * The same 32-byte Ed25519 seed signs ledger events (public key base64url in `by.key`) and, for
 * the seal and witness keys, checkpoints and cosignatures.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
import { readText, reason } from './io.js';

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

/**
 * Write a secret key file so that nobody else can read it or redirect it at any moment: created
 * with `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600, so the secret is never in a file someone
 * else planted (an existing file or a symlink at `path` is refused, not followed) nor, for a
 * moment, readable by others. With `overwrite`, the secret goes to a new file of an unpredictable
 * name in the same folder (created the same way) that is then renamed over `path`: a rename
 * replaces a symlink rather than writing through it.
 */
export function writeSecretFile(path: string, text: string, arg: string, overwrite: boolean): void {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const target = overwrite ? join(dirname(path), `.${basename(path)}.${randomBytes(16).toString('hex')}`) : path;
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(target, flags, 0o600);
    // The umask can only take bits away from 0600; set it exactly in case a platform ignores the mode.
    fchmodSync(fd, 0o600);
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (overwrite) renameSync(target, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (overwrite)
      try {
        unlinkSync(target);
      } catch {
        /* nothing was created */
      }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP')
      throw usage('file-exists', `${path} already exists (a file or a link); pass --force to replace it`, arg);
    throw usage('unwritable-file', `cannot write ${path}: ${reason(e)}`, arg);
  }
}
