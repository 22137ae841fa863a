/** Ed25519 on `node:crypto` (OpenSSL): always available in Node, about half libsodium's speed. */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { strictBackend } from './strict.js';
import type { Ed25519Backend } from './types.js';

// DER wrappers for raw keys (RFC 8410): PKCS#8 for the 32-byte seed, SPKI for the public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function privateKeyObject(seed: Uint8Array): KeyObject {
  // Always exactly 32 bytes: OpenSSL silently accepts a 64-byte tweetnacl key after the prefix.
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// Verifiers meet the same few hundred teacher keys over and over while replaying a ledger;
// building an SPKI KeyObject per call would dominate, so recent ones are kept (bounded).
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyObject>();

function cachedPublicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('base64');
  let k = keyCache.get(id);
  if (k === undefined) {
    k = publicKeyObject(publicKey);
    if (keyCache.size >= KEY_CACHE_LIMIT) {
      const oldest = keyCache.keys().next();
      if (oldest.done !== true) keyCache.delete(oldest.value);
    }
    keyCache.set(id, k);
  }
  return k;
}

function publicKeyOf(key: KeyObject): Uint8Array {
  return Uint8Array.from(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}

/** The `node:crypto` backend, with the strict rule of `strict.ts`. */
export const nodeBackend: Ed25519Backend = strictBackend({
  name: 'node',
  publicKey: (seed) => publicKeyOf(privateKeyObject(seed)),
  sign: (seed, message) => view(nodeSign(null, message, privateKeyObject(seed))),
  verify: (publicKey, message, signature) => nodeVerify(null, message, cachedPublicKeyObject(publicKey), signature),
  signer(seed) {
    const key = privateKeyObject(seed);
    return (message) => view(nodeSign(null, message, key));
  },
  verifier(publicKey) {
    const key = publicKeyObject(publicKey);
    return (message, signature) => nodeVerify(null, message, key, signature);
  },
});
