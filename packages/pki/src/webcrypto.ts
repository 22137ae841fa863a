/**
 * WebCrypto types taken from `globalThis.crypto` itself, so that this package needs neither the
 * DOM library nor `node:crypto` to name them, and its main entry imports no Node module.
 */
type Subtle = typeof globalThis.crypto.subtle;

/** A WebCrypto key (`CryptoKey` in a browser, `webcrypto.CryptoKey` in Node). */
export type CryptoKey = Awaited<ReturnType<Subtle['importKey']>>;

/** A WebCrypto key pair, as `generateKey` returns it for RSA and ECDSA. */
export interface CryptoKeyPair {
  readonly publicKey: CryptoKey;
  readonly privateKey: CryptoKey;
}

export function subtle(): Subtle {
  return globalThis.crypto.subtle;
}
