import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { createPublicKey, verify as nodeCryptoVerify } from 'node:crypto';
import {
  availableBackends,
  backend,
  ed25519,
  hasSmallOrder,
  isCanonicalScalar,
  isCanonicalY,
  nodeBackend,
  sodiumBackend,
  strictPrecheck,
  tweetnaclBackend,
  type Ed25519Backend,
} from '../src/ed25519/index.js';
import { HosoFailure, isHosoFailure } from '../src/errors.js';
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
  toHexStr,
} from './ed25519-helpers.js';

const backends: Ed25519Backend[] = availableBackends();
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Every backend's verdict, through both `verify` and a prepared `verifier`. */
function verdicts(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean[] {
  return backends.flatMap((b) => [b.verify(pk, msg, sig), b.verifier(pk)(msg, sig)]);
}
const allReject = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): void => {
  expect(verdicts(pk, msg, sig)).toEqual(backends.flatMap(() => [false, false]));
};
const allAccept = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): void => {
  expect(verdicts(pk, msg, sig)).toEqual(backends.flatMap(() => [true, true]));
};

// The unchecked libraries, to show the disagreements the strict rule removes.
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
function rawNodeVerify(pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  return nodeCryptoVerify(
    null,
    msg,
    createPublicKey({ key: Buffer.concat([SPKI, pk]), format: 'der', type: 'spki' }),
    sig,
  );
}
const rawNaclVerify = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean =>
  nacl.sign.detached.verify(msg, sig, pk);

// RFC 8032 §7.1 test vectors.
const VECTORS = [
  {
    name: 'TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    msg: 'af82',
    sig: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    seed: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    pk: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    msg: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    sig: 'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

describe('Ed25519 backends', () => {
  it('loads sodium-native here, and the default backend is libsodium', () => {
    expect(sodiumBackend).toBeDefined();
    expect(backends.map((b) => b.name)).toEqual(['sodium', 'node', 'tweetnacl']);
    expect(backend().name).toBe('sodium');
    expect(backend('node')).toBe(nodeBackend);
    expect(backend('tweetnacl')).toBe(tweetnaclBackend);
    expect(() => backend('openssl' as never)).toThrow(HosoFailure);
  });

  describe.each(VECTORS)('RFC 8032 §7.1 $name', (v) => {
    const seed = hex(v.seed);
    const msg = hex(v.msg);
    it.each(backends.map((b) => [b.name, b] as const))(
      '%s gives the exact key and signature and verifies it',
      (_n, b) => {
        expect(toHexStr(b.publicKey(seed))).toBe(v.pk);
        expect(toHexStr(b.sign(seed, msg))).toBe(v.sig);
        expect(toHexStr(b.signer(seed)(msg))).toBe(v.sig);
        expect(b.verify(hex(v.pk), msg, hex(v.sig))).toBe(true);
        expect(b.verifier(hex(v.pk))(msg, hex(v.sig))).toBe(true);
      },
    );
    it('the ed25519 reference functions (docs/design.md §4) agree', () => {
      expect(toHexStr(ed25519.publicKey(seed))).toBe(v.pk);
      expect(toHexStr(ed25519.sign(seed, msg))).toBe(v.sig);
      expect(ed25519.verify(hex(v.pk), msg, hex(v.sig))).toBe(true);
    });
  });

  it('returns plain Uint8Arrays of the right lengths', () => {
    const seed = hex(VECTORS[0]!.seed);
    for (const b of backends) {
      const pk = b.publicKey(seed);
      const sig = b.sign(seed, utf8('x'));
      expect([pk.constructor, pk.length, sig.constructor, sig.length]).toEqual([Uint8Array, 32, Uint8Array, 64]);
    }
  });
});

describe('the strict rule: one answer from every backend on crafted input', () => {
  const seed = hex(VECTORS[0]!.seed);
  const pk = hex(VECTORS[0]!.pk);
  const msg = utf8('Sổ gọi tên và ghi điểm');
  const good = ed25519.sign(seed, msg);

  it('refuses S + L (non-canonical S), which tweetnacl alone would accept', () => {
    const S = leToBig(good.slice(32));
    const bad = concat(good.slice(0, 32), bigToLe32(S + L));
    expect(rawNaclVerify(pk, msg, bad)).toBe(true); // why the rule exists
    allReject(pk, msg, bad);
    // S = L exactly, and the largest 32-byte value
    allReject(pk, msg, concat(good.slice(0, 32), bigToLe32(L)));
    allReject(pk, msg, concat(good.slice(0, 32), new Uint8Array(32).fill(0xff)));
  });

  it('refuses every small-order public key, though node:crypto and tweetnacl accept a forgery for all of them', () => {
    expect(SMALL_ORDER_ENCODINGS).toHaveLength(14);
    for (const A of SMALL_ORDER_ENCODINGS) {
      // With [k]A = identity (k ≡ 0 mod 8), R = [r]B and S = r verify for ANY message: a universal forgery.
      let forged: { m: Uint8Array; sig: Uint8Array } | undefined;
      for (let c = 0; forged === undefined; c++) {
        const m = utf8(`điểm ${c}`);
        const R = ed25519.sign(seed, m).slice(0, 32);
        if (challenge(R, A, m) % 8n === 0n) forged = { m, sig: concat(R, bigToLe32(nonce(seed, m))) };
      }
      expect(rawNaclVerify(A, forged.m, forged.sig)).toBe(true);
      expect(rawNodeVerify(A, forged.m, forged.sig)).toBe(true);
      allReject(A, forged.m, forged.sig);
      expect(backends.map((b) => b.verifier(A)(forged.m, forged.sig))).toEqual(backends.map(() => false));
    }
  });

  it('refuses a small-order R (the identity R verifies under node:crypto and tweetnacl)', () => {
    const a = secretScalar(seed);
    const identity = hex('0100000000000000000000000000000000000000000000000000000000000000');
    const k = challenge(identity, pk, msg);
    const sig = concat(identity, bigToLe32((k * a) % L));
    expect(rawNaclVerify(pk, msg, sig)).toBe(true);
    expect(rawNodeVerify(pk, msg, sig)).toBe(true);
    allReject(pk, msg, sig);
    for (const R of SMALL_ORDER_ENCODINGS) {
      allReject(pk, msg, concat(R, bigToLe32((challenge(R, pk, msg) * a) % L)));
      allReject(pk, msg, concat(R, good.slice(32)));
    }
  });

  it('refuses non-canonical encodings (y ≥ p) of the public key and R', () => {
    for (let low = 0xed; low <= 0xff; low++) {
      const y = new Uint8Array(32).fill(0xff);
      y[0] = low;
      y[31] = 0x7f;
      expect(isCanonicalY(y)).toBe(false);
      allReject(y, msg, good);
      allReject(pk, msg, concat(y, good.slice(32)));
    }
    const pMinus1 = new Uint8Array(32).fill(0xff);
    pMinus1[0] = 0xec;
    pMinus1[31] = 0x7f;
    expect(isCanonicalY(pMinus1)).toBe(true);
  });

  it('refuses the all-zero signature, all-zero key and wrong lengths — returning false, never throwing', () => {
    allReject(pk, msg, new Uint8Array(64));
    allReject(new Uint8Array(32), msg, good);
    allReject(pk.slice(0, 31), msg, good);
    allReject(concat(pk, new Uint8Array(1)), msg, good);
    allReject(pk, msg, good.slice(0, 63));
    allReject(pk, msg, concat(good, new Uint8Array(1)));
    for (const b of backends) {
      expect(b.verify('pk' as never, msg, good)).toBe(false);
      expect(b.verify(pk, 'msg' as never, good)).toBe(false);
      expect(b.verify(pk, msg, null as never)).toBe(false);
      expect(b.verify(Array.from(pk) as never, msg, good)).toBe(false);
      expect(b.verifier(undefined as never)(msg, good)).toBe(false);
      expect(b.verifier(pk)(msg, [] as never)).toBe(false);
    }
    expect(strictPrecheck(pk, msg, good)).toBe(true);
  });

  it('isCanonicalScalar is exactly S < L at the boundary', () => {
    expect(isCanonicalScalar(bigToLe32(L - 1n))).toBe(true);
    expect(isCanonicalScalar(bigToLe32(L))).toBe(false);
    expect(isCanonicalScalar(bigToLe32(L + 1n))).toBe(false);
    expect(isCanonicalScalar(bigToLe32(0n))).toBe(true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (s) => {
        expect(isCanonicalScalar(bigToLe32(s))).toBe(s < L);
      }),
      { numRuns: 500 },
    );
  });

  it('hasSmallOrder matches the blocklist and nothing from real keys', () => {
    for (const e of SMALL_ORDER_ENCODINGS) expect(hasSmallOrder(e)).toBe(true);
    expect(hasSmallOrder(pk)).toBe(false);
    expect(hasSmallOrder(good)).toBe(false);
  });

  it('keeps a prepared verifier independent of later changes to the caller’s key array', () => {
    const mine = Uint8Array.from(pk);
    for (const b of backends) {
      const v = b.verifier(mine);
      mine[0]! ^= 1;
      expect(v(msg, good)).toBe(true);
      mine[0]! ^= 1;
    }
  });
});

describe('bad keys for signing', () => {
  it.each([31, 33, 64, 0])('a %i-byte seed throws HosoFailure invalid-key on every backend', (n) => {
    for (const b of backends) {
      for (const f of [
        () => b.sign(new Uint8Array(n), utf8('m')),
        () => b.publicKey(new Uint8Array(n)),
        () => b.signer(new Uint8Array(n)),
      ]) {
        try {
          f();
          expect.unreachable();
        } catch (e) {
          expect(isHosoFailure(e)).toBe(true);
          expect((e as HosoFailure).error).toMatchObject({ code: 'invalid-key', path: ['seed'] });
        }
      }
    }
    expect(() => ed25519.sign(new Uint8Array(n), utf8('m'))).toThrow(HosoFailure);
  });

  it('a message that is not bytes throws HosoFailure invalid-message', () => {
    for (const b of backends) {
      expect(() => b.sign(new Uint8Array(32), 'text' as never)).toThrow(/invalid-message/);
      expect(() => b.signer(new Uint8Array(32))('text' as never)).toThrow(/invalid-message/);
    }
  });
});

describe('properties across backends', () => {
  const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const msgArb = fc.uint8Array({ maxLength: 200 });

  it('all backends derive the same key, produce identical signatures and verify each other’s', () => {
    fc.assert(
      fc.property(seedArb, msgArb, (seed, msg) => {
        const pks = backends.map((b) => toHexStr(b.publicKey(seed)));
        const sigs = backends.map((b) => b.sign(seed, msg));
        expect(new Set(pks).size).toBe(1);
        expect(new Set(sigs.map(toHexStr)).size).toBe(1);
        const pk = hex(pks[0]!);
        for (const sig of sigs) allAccept(pk, msg, sig);
      }),
      { numRuns: 12 },
    );
  });

  it('any single flipped bit in message, signature or key makes every backend refuse', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (seed, msg, mi, si, ki) => {
          const b0 = backends[0]!;
          const pk = b0.publicKey(seed);
          const sig = b0.sign(seed, msg);
          const flip = (a: Uint8Array, bit: number): Uint8Array => {
            const c = Uint8Array.from(a);
            c[(bit >> 3) % c.length]! ^= 1 << (bit & 7);
            return c;
          };
          allReject(pk, flip(msg, mi % (msg.length * 8)), sig);
          allReject(pk, msg, flip(sig, si % 512));
          allReject(flip(pk, ki % 256), msg, sig);
        },
      ),
      { numRuns: 12 },
    );
  });
});
