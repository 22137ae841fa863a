/**
 * Determinism for the demo: a seeded pseudo-random generator (sfc32, seeded from SHA-256 of a
 * label), 32-byte seeds derived from the demo seed, and UUID v7 event ids built from the
 * simulated clock and the generator, so one seed always writes byte-identical ledgers.
 */
import { sha256, utf8 } from '@hoso/core';

/** A deterministic generator of numbers in [0, 1). */
export interface Rng {
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<A>(xs: readonly A[]): A;
  /** True with probability p. */
  chance(p: number): boolean;
  /** n random bytes. */
  bytes(n: number): Uint8Array;
}

/** sfc32 seeded from SHA-256(`hoso-demo/<seed>/<label>`). */
export function seededRng(seed: string, label: string): Rng {
  const h = sha256(utf8(`hoso-demo/${seed}/${label}`));
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  let a = view.getUint32(0);
  let b = view.getUint32(4);
  let c = view.getUint32(8);
  let d = view.getUint32(12);
  const u32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  };
  // Discard the first outputs, as sfc32's authors advise for weak seeds.
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <A>(xs: readonly A[]): A => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
  };
}

/** A 32-byte Ed25519 seed derived from the demo seed and a label (`key/<person>`, `seal`, `witness`). */
export function derivedSeed(seed: string, label: string): Uint8Array {
  return sha256(utf8(`hoso-demo/${seed}/${label}`));
}

/**
 * A UUID v7 (RFC 9562) with the 48-bit Unix time `ms` and its 74 random bits from `rng`. Ids of
 * later commands must sort after earlier ones only within a millisecond's resolution; the demo's
 * clock moves forward between commands.
 */
export function uuidV7At(ms: number, rng: Rng): string {
  const time = Math.floor(ms).toString(16).padStart(12, '0').slice(-12);
  const r = rng.bytes(10);
  const hex = Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('');
  const variant = ((r[2]! & 0x3) | 0x8).toString(16);
  const s = `${time}7${hex.slice(0, 3)}${variant}${hex.slice(5, 20)}`;
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
