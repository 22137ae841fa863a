/**
 * The strict verification rule every hoso Ed25519 backend applies before its own verify.
 *
 * Ed25519 implementations agree on honest signatures but not on crafted edge cases (tweetnacl
 * accepts S ≥ L; OpenSSL and tweetnacl accept small-order keys, for which one signature verifies
 * every message; libsodium refuses both). A ledger that three programs verify must give one
 * answer, so before any backend runs, a signature is refused when:
 *
 * 1. the public key is not 32 bytes, the signature not 64 bytes, or either (or the message) is not a `Uint8Array`;
 * 2. S (the last 32 bytes, little-endian) is not canonical: S ≥ L, the group order (RFC 8032 §5.1.7);
 * 3. the public key A is not a canonical point encoding (its y ≥ p = 2^255 − 19), or is one of the
 *    8-torsion (small-order) points in any encoding (libsodium's blocklist);
 * 4. R (the first 32 bytes) is non-canonical or of small order, by the same test.
 *
 * What is left is decided by the backend's cofactorless check `[S]B = R + [k]A` with an encoding
 * comparison of R, which libsodium, OpenSSL and tweetnacl all implement identically.
 */
import { hosoError, HosoFailure } from '../errors.js';
import type { Ed25519Backend, RawEd25519 } from './types.js';

/** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
export const GROUP_ORDER_LE: Uint8Array = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

function hex32(h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

/**
 * The y-coordinates (sign bit cleared) of every point of small order, including the
 * non-canonical encodings p and p+1 of 0 and 1 — libsodium's `ge25519_has_small_order` list.
 */
export const SMALL_ORDER_Y: ReadonlyArray<Uint8Array> = [
  hex32('0000000000000000000000000000000000000000000000000000000000000000'), // y=0: order 4
  hex32('0100000000000000000000000000000000000000000000000000000000000000'), // y=1: identity
  hex32('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'), // order 8
  hex32('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'), // order 8
  hex32('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), // y=p-1: order 2
  hex32('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), // y=p (≡0), non-canonical
  hex32('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), // y=p+1 (≡1), non-canonical
];

/** True when the 32 little-endian bytes at `offset` are < L (a canonical scalar S). */
export function isCanonicalScalar(b: Uint8Array, offset = 0): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = b[offset + i]!;
    const l = GROUP_ORDER_LE[i]!;
    if (x < l) return true;
    if (x > l) return false;
  }
  return false; // equal to L
}

/** True when the point encoding at `offset` has y < p (sign bit ignored). */
export function isCanonicalY(b: Uint8Array, offset = 0): boolean {
  if ((b[offset + 31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (b[offset + i] !== 0xff) return true;
  return b[offset]! < 0xed;
}

/** True when the point encoding at `offset` is a point of small order, in any encoding. */
export function hasSmallOrder(b: Uint8Array, offset = 0): boolean {
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 31; i++) if (b[offset + i] !== y[i]) continue outer;
    if ((b[offset + 31]! & 0x7f) === y[31]) return true;
  }
  return false;
}

/** Rule 1 and 3 of the strict rule for a public key alone. */
export function isAcceptablePublicKey(publicKey: unknown): publicKey is Uint8Array {
  return (
    publicKey instanceof Uint8Array && publicKey.length === 32 && isCanonicalY(publicKey) && !hasSmallOrder(publicKey)
  );
}

/** Rules 1, 2 and 4 for a signature alone (and that the message is bytes). */
export function isAcceptableSignature(message: unknown, signature: unknown): boolean {
  return (
    message instanceof Uint8Array &&
    signature instanceof Uint8Array &&
    signature.length === 64 &&
    isCanonicalScalar(signature, 32) &&
    isCanonicalY(signature, 0) &&
    !hasSmallOrder(signature, 0)
  );
}

/** The whole strict pre-check (module comment): false means every backend must answer false. */
export function strictPrecheck(publicKey: unknown, message: unknown, signature: unknown): boolean {
  return isAcceptablePublicKey(publicKey) && isAcceptableSignature(message, signature);
}

/** @throws HosoFailure `invalid-key` unless `seed` is a 32-byte Uint8Array. */
export function assertSeed(seed: unknown): asserts seed is Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new HosoFailure(
      hosoError(
        'invalid-key',
        `seed must be a 32-byte Uint8Array, got ${seed instanceof Uint8Array ? `${seed.length} bytes` : typeof seed}`,
        {
          path: ['seed'],
          rule: 'RFC 8032 §5.1.5',
        },
      ),
    );
  }
}

function assertMessage(message: unknown): asserts message is Uint8Array {
  if (!(message instanceof Uint8Array)) {
    throw new HosoFailure(
      hosoError('invalid-message', `message must be a Uint8Array, got ${typeof message}`, { path: ['message'] }),
    );
  }
}

/** Wrap a backend's raw primitives with argument checks and the strict rule, in one place for all. */
export function strictBackend(raw: RawEd25519): Ed25519Backend {
  return Object.freeze({
    name: raw.name,
    publicKey(seed: Uint8Array): Uint8Array {
      assertSeed(seed);
      return raw.publicKey(seed);
    },
    sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
      assertSeed(seed);
      assertMessage(message);
      return raw.sign(seed, message);
    },
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (!strictPrecheck(publicKey, message, signature)) return false;
      try {
        return raw.verify(publicKey, message, signature) === true;
      } catch {
        return false;
      }
    },
    signer(seed: Uint8Array): (message: Uint8Array) => Uint8Array {
      assertSeed(seed);
      const s = raw.signer(seed);
      return (message: Uint8Array) => {
        assertMessage(message);
        return s(message);
      };
    },
    verifier(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => boolean {
      if (!isAcceptablePublicKey(publicKey)) return () => false;
      let v: (message: Uint8Array, signature: Uint8Array) => boolean;
      try {
        // Copy: a caller mutating its array later must not change whom this verifier trusts.
        v = raw.verifier(Uint8Array.from(publicKey));
      } catch {
        return () => false;
      }
      return (message: Uint8Array, signature: Uint8Array) => {
        if (!isAcceptableSignature(message, signature)) return false;
        try {
          return v(message, signature) === true;
        } catch {
          return false;
        }
      };
    },
  });
}
