/**
 * Ed25519 on libsodium through `sodium-native` (a CommonJS native addon): the fastest backend.
 * Loaded with `createRequire` inside try/catch so a platform without the prebuilt addon falls
 * back to `node:crypto` instead of failing to import.
 */
import { createRequire } from 'node:module';
import { strictBackend } from './strict.js';
import type { Ed25519Backend } from './types.js';

/** The slice of the sodium-native API used here (the package ships no types). */
interface SodiumNative {
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

function load(): SodiumNative | undefined {
  try {
    const mod = createRequire(import.meta.url)('sodium-native') as Partial<SodiumNative>;
    if (
      typeof mod.crypto_sign_seed_keypair !== 'function' ||
      typeof mod.crypto_sign_detached !== 'function' ||
      typeof mod.crypto_sign_verify_detached !== 'function'
    ) {
      return undefined;
    }
    return mod as SodiumNative;
  } catch {
    return undefined;
  }
}

function make(s: SodiumNative): Ed25519Backend {
  const keyPair = (seed: Uint8Array): { pk: Uint8Array; sk: Uint8Array } => {
    const pk = new Uint8Array(32);
    const sk = new Uint8Array(64);
    s.crypto_sign_seed_keypair(pk, sk, seed);
    return { pk, sk };
  };
  const signWith = (sk: Uint8Array, message: Uint8Array): Uint8Array => {
    const sig = new Uint8Array(64);
    s.crypto_sign_detached(sig, message, sk);
    return sig;
  };
  return strictBackend({
    name: 'sodium',
    publicKey: (seed) => keyPair(seed).pk,
    sign: (seed, message) => signWith(keyPair(seed).sk, message),
    verify: (publicKey, message, signature) => s.crypto_sign_verify_detached(signature, message, publicKey),
    signer(seed) {
      const { sk } = keyPair(seed);
      return (message) => signWith(sk, message);
    },
    verifier(publicKey) {
      return (message, signature) => s.crypto_sign_verify_detached(signature, message, publicKey);
    },
  });
}

const native = load();

/** The libsodium backend, or `undefined` when `sodium-native` could not be loaded on this platform. */
export const sodiumBackend: Ed25519Backend | undefined = native === undefined ? undefined : make(native);
