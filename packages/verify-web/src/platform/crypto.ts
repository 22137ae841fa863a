/**
 * `node:crypto` in the page — the browser build maps the module here. Only what core and the
 * verifier call: SHA-256 (one-shot and incremental, on @noble/hashes: synchronous, and faster than
 * WebCrypto's asynchronous digest for the small inputs a Merkle tree hashes), Ed25519 through
 * Node's KeyObject calls (on @noble/curves, RFC 8032 strict decoding: `zip215: false`), random
 * ids and bytes (the page's `crypto`). Core's strict rule still runs before every verify.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';

function onlySha256(alg: string): void {
  if (alg !== 'sha256') throw new Error(`the page computes only sha256, not ${alg}`);
}

/** One-shot digest (`crypto.hash`, Node ≥ 20.12). */
export function hash(alg: string, data: Uint8Array): Uint8Array {
  onlySha256(alg);
  return sha256(data);
}

interface Hash {
  update(data: Uint8Array): Hash;
  digest(): Uint8Array;
}

/** Incremental digest (`crypto.createHash`). */
export function createHash(alg: string): Hash {
  onlySha256(alg);
  const h = sha256.create();
  const self: Hash = {
    update: (data) => {
      h.update(data);
      return self;
    },
    digest: () => h.digest(),
  };
  return self;
}

// The DER wrappers core's node backend puts around raw keys (RFC 8410).
const PKCS8_PREFIX_LENGTH = 16;
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** A KeyObject of this module: an Ed25519 seed or public key. */
export interface KeyObject {
  readonly kind: 'private' | 'public';
  readonly raw: Uint8Array;
  export(options: { format: 'der'; type: 'spki' }): Uint8Array;
}

function keyObject(kind: KeyObject['kind'], raw: Uint8Array): KeyObject {
  return {
    kind,
    raw,
    export: () => {
      if (kind !== 'public') throw new Error('only a public key is exported');
      const out = new Uint8Array(SPKI_PREFIX.length + 32);
      out.set(SPKI_PREFIX);
      out.set(raw, SPKI_PREFIX.length);
      return out;
    },
  };
}

function derKey(k: { key: Uint8Array } | KeyObject, prefix: number): Uint8Array {
  const der = (k as { key: Uint8Array }).key;
  if (!(der instanceof Uint8Array) || der.length !== prefix + 32) throw new Error('not a raw Ed25519 key in DER');
  return Uint8Array.from(der.subarray(prefix));
}

/** `createPrivateKey({ key: pkcs8 DER })` for an Ed25519 seed. */
export function createPrivateKey(k: { key: Uint8Array }): KeyObject {
  return keyObject('private', derKey(k, PKCS8_PREFIX_LENGTH));
}

/** `createPublicKey({ key: spki DER })`, or the public key of a private KeyObject. */
export function createPublicKey(k: { key: Uint8Array } | KeyObject): KeyObject {
  if ('kind' in k) return keyObject('public', k.kind === 'public' ? k.raw : ed25519.getPublicKey(k.raw));
  return keyObject('public', derKey(k, SPKI_PREFIX.length));
}

/** `crypto.sign(null, message, privateKey)`: an Ed25519 signature. */
export function sign(_alg: null, message: Uint8Array, key: KeyObject): Uint8Array {
  if (key.kind !== 'private') throw new Error('signing needs a private key');
  return ed25519.sign(message, key.raw);
}

/** `crypto.verify(null, message, publicKey, signature)`: RFC 8032 verification with strict decoding. */
export function verify(_alg: null, message: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  if (key.kind !== 'public') throw new Error('verifying needs a public key');
  return ed25519.verify(signature, message, key.raw, { zip215: false });
}

/** `crypto.randomUUID()`. */
export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

/** `crypto.randomBytes(n)`. */
export function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}
