/**
 * Test-only Ed25519 arithmetic on scalars (no curve operations): enough to craft the edge-case
 * signatures the strict rule must refuse, from a seed whose nonce and secret scalar we can derive.
 */
import { createHash } from 'node:crypto';
import { SMALL_ORDER_Y } from '../src/ed25519/strict.js';

/** The group order L. */
export const L = (1n << 252n) + 27742317777372353535851937790883648493n;

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHexStr = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function sha512(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function leToBig(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

export function bigToLe32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** The clamped secret scalar a of RFC 8032 §5.1.5. */
export function secretScalar(seed: Uint8Array): bigint {
  const h = sha512(seed).slice(0, 32);
  h[0]! &= 248;
  h[31]! &= 127;
  h[31]! |= 64;
  return leToBig(h);
}

/** The deterministic nonce r of RFC 8032 §5.1.6 for `message`. */
export function nonce(seed: Uint8Array, message: Uint8Array): bigint {
  return leToBig(sha512(sha512(seed).slice(32), message)) % L;
}

/** k = SHA-512(R ‖ A ‖ M) mod L. */
export function challenge(R: Uint8Array, A: Uint8Array, message: Uint8Array): bigint {
  return leToBig(sha512(R, A, message)) % L;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Every encoding of every small-order point: the 7 blocklisted y values with either sign bit. */
export const SMALL_ORDER_ENCODINGS: Uint8Array[] = SMALL_ORDER_Y.flatMap((y) => {
  const signed = Uint8Array.from(y);
  signed[31]! |= 0x80;
  return [Uint8Array.from(y), signed];
});
