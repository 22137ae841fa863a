/**
 * A corpus of Ed25519 inputs on which core's strict rule decides: honest signatures and their
 * one-bit alterations, and the crafted edge cases of core's backend conformance tests
 * (packages/core/test/ed25519.test.ts) — S + L, S = L, small-order keys with a universal forgery,
 * small-order and identity R, non-canonical encodings of A and R, zeros and wrong lengths — each
 * with the answer of core's default backend, which those tests prove every backend shares.
 */
import { backend, ed25519 } from '@hoso/core';
import {
  L,
  SMALL_ORDER_ENCODINGS,
  bigToLe32,
  challenge,
  concat,
  hex,
  leToBig,
  nonce,
  secretScalar,
} from '../../core/test/ed25519-helpers.js';

export interface Ed25519Case {
  readonly name: string;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  /** Core's answer. */
  readonly valid: boolean;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function ed25519Cases(): Ed25519Case[] {
  const out: Array<Omit<Ed25519Case, 'valid'>> = [];
  const add = (name: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void => {
    out.push({ name, publicKey, message, signature });
  };
  // RFC 8032 §7.1 TEST 1's key.
  const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pk = ed25519.publicKey(seed);
  const msg = utf8('Sổ gọi tên và ghi điểm');
  const good = ed25519.sign(seed, msg);
  add('honest', pk, msg, good);
  for (let i = 0; i < 24; i++) {
    const s = new Uint8Array(32).map((_, j) => (j * 13 + i * 101 + 7) & 0xff);
    const m = utf8(`điểm ${i} `.repeat(i));
    const sig = ed25519.sign(s, m);
    const k = ed25519.publicKey(s);
    add(`honest ${i}`, k, m, sig);
    const bit = (i * 37) % (8 * 64);
    const flipped = sig.slice();
    flipped[bit >> 3]! ^= 1 << (bit & 7);
    add(`signature bit ${bit} flipped`, k, m, flipped);
    const key = k.slice();
    key[i % 32]! ^= 1 << (i % 8);
    add(`key bit flipped`, key, m, sig);
    if (m.length > 0) {
      const m2 = m.slice();
      m2[i % m.length]! ^= 0x20;
      add('message altered', k, m2, sig);
    }
  }
  const S = leToBig(good.slice(32));
  add('S + L', pk, msg, concat(good.slice(0, 32), bigToLe32(S + L)));
  add('S = L', pk, msg, concat(good.slice(0, 32), bigToLe32(L)));
  add('S = 2^256 - 1', pk, msg, concat(good.slice(0, 32), new Uint8Array(32).fill(0xff)));
  for (const A of SMALL_ORDER_ENCODINGS) {
    for (let c = 0; ; c++) {
      const m = utf8(`điểm ${c}`);
      const R = ed25519.sign(seed, m).slice(0, 32);
      if (challenge(R, A, m) % 8n === 0n) {
        add('small-order key, universal forgery', A, m, concat(R, bigToLe32(nonce(seed, m))));
        break;
      }
    }
  }
  const a = secretScalar(seed);
  const identity = hex('0100000000000000000000000000000000000000000000000000000000000000');
  add('identity R', pk, msg, concat(identity, bigToLe32((challenge(identity, pk, msg) * a) % L)));
  for (const R of SMALL_ORDER_ENCODINGS)
    add('small-order R', pk, msg, concat(R, bigToLe32((challenge(R, pk, msg) * a) % L)));
  for (let low = 0xed; low <= 0xff; low += 3) {
    const y = new Uint8Array(32).fill(0xff);
    y[0] = low;
    y[31] = 0x7f;
    add('non-canonical key', y, msg, good);
    add('non-canonical R', pk, msg, concat(y, good.slice(32)));
  }
  add('zero signature', pk, msg, new Uint8Array(64));
  add('zero key', new Uint8Array(32), msg, good);
  add('short key', pk.slice(0, 31), msg, good);
  add('long key', concat(pk, new Uint8Array(1)), msg, good);
  add('short signature', pk, msg, good.slice(0, 63));
  add('long signature', pk, msg, concat(good, new Uint8Array(1)));
  const core = backend();
  return out.map((c) => ({ ...c, valid: core.verify(c.publicKey, c.message, c.signature) }));
}
