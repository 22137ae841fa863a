/**
 * The one Ed25519 (RFC 8032, "PureEdDSA" over edwards25519) interface hoso programs against. Three
 * backends implement it — libsodium (`sodium-native`), `node:crypto` (OpenSSL) and `tweetnacl` —
 * and every one applies the same strict verification rule ({@link strictPrecheck}), so they give
 * the same answer on every input.
 */
export interface Ed25519Backend {
  /** Which implementation does the arithmetic. */
  readonly name: 'sodium' | 'node' | 'tweetnacl';
  /**
   * 32-byte seed (RFC 8032 private key) → 32-byte public key.
   * @throws HosoFailure `invalid-key` when the seed is not 32 bytes.
   */
  publicKey(seed: Uint8Array): Uint8Array;
  /**
   * Deterministic 64-byte signature of `message`.
   * @throws HosoFailure `invalid-key` when the seed is not 32 bytes; `invalid-message` when the message is not bytes.
   */
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** True only for a valid signature under the strict rule; false (never a throw) for anything else. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Prepared signer: key material is expanded ONCE and reused (a `node:crypto` KeyObject per call
   * costs 10×). @throws HosoFailure `invalid-key` at preparation when the seed is not 32 bytes.
   */
  signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array;
  /**
   * Prepared verifier for one public key; same answers as {@link Ed25519Backend.verify}. A key
   * that can never verify (wrong length, non-canonical, small order) yields a verifier that
   * always answers false.
   */
  verifier(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => boolean;
}

/** The unchecked primitives a backend module supplies; `strict.ts` wraps them into an {@link Ed25519Backend}. */
export interface RawEd25519 {
  readonly name: Ed25519Backend['name'];
  publicKey(seed: Uint8Array): Uint8Array;
  sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Called only after the strict pre-check passed; may throw (treated as false). */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array;
  /** Called only with a public key that passed the key part of the pre-check. */
  verifier(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => boolean;
}
