/** Ed25519 on `tweetnacl`: pure JavaScript (runs in browsers), ~100× slower than libsodium. */
import nacl from 'tweetnacl';
import { strictBackend } from './strict.js';
import type { Ed25519Backend } from './types.js';

/** The `tweetnacl` backend, with the strict rule of `strict.ts` (tweetnacl alone accepts S ≥ L). */
export const tweetnaclBackend: Ed25519Backend = strictBackend({
  name: 'tweetnacl',
  // tweetnacl's secret key is seed ‖ public key (64 bytes); it is always derived from the seed.
  publicKey: (seed) => nacl.sign.keyPair.fromSeed(seed).publicKey,
  sign: (seed, message) => nacl.sign.detached(message, nacl.sign.keyPair.fromSeed(seed).secretKey),
  verify: (publicKey, message, signature) => nacl.sign.detached.verify(message, signature, publicKey),
  signer(seed) {
    const { secretKey } = nacl.sign.keyPair.fromSeed(seed);
    return (message) => nacl.sign.detached(message, secretKey);
  },
  verifier(publicKey) {
    return (message, signature) => nacl.sign.detached.verify(message, signature, publicKey);
  },
});
