import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as nodeCrypto from 'node:crypto';
import { Buffer as PageBuffer } from '../src/platform/buffer.js';
import * as page from '../src/platform/crypto.js';
import { availableParallelism } from '../src/platform/os.js';
import { createRequire, statSync } from '../src/platform/no-fs.js';

// The page's substitutes for what core and verify take from Node answer exactly as Node does on
// the calls they make (the page's end-to-end parity is in tamper-parity.test.ts).
const bytes = fc.uint8Array({ maxLength: 200 });

describe('the page’s Buffer', () => {
  it('encodes and decodes base64url, base64 and hex as Node does', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const n = Buffer.from(b);
        const p = PageBuffer.from(b);
        for (const enc of ['base64url', 'base64', 'hex', 'latin1'] as const) {
          expect(p.toString(enc)).toBe(n.toString(enc));
          expect([...PageBuffer.from(n.toString(enc), enc)]).toEqual([...b]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any base64url text core might be given as Node does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/), (s) => {
        expect([...PageBuffer.from(s, 'base64url')]).toEqual([...Buffer.from(s, 'base64url')]);
      }),
      { numRuns: 300 },
    );
  });

  it('finds bytes as Node does (envelope signing bytes, line splitting)', () => {
    fc.assert(
      fc.property(bytes, fc.uint8Array({ minLength: 1, maxLength: 4 }), (b, needle) => {
        const n = Buffer.from(b);
        const p = PageBuffer.from(b);
        expect(p.lastIndexOf(PageBuffer.from(needle))).toBe(n.lastIndexOf(Buffer.from(needle)));
        expect(p.indexOf(needle[0]!, 1)).toBe(n.indexOf(needle[0]!, 1));
      }),
    );
  });
});

describe('the page’s node:crypto', () => {
  it('SHA-256, one-shot and incremental, as Node', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 4 }), (parts) => {
        const h = page.createHash('sha256');
        const n = nodeCrypto.createHash('sha256');
        for (const p of parts) {
          h.update(p);
          n.update(p);
        }
        expect([...h.digest()]).toEqual([...n.digest()]);
        const all = Buffer.concat(parts);
        expect([...page.hash('sha256', all)]).toEqual([...nodeCrypto.createHash('sha256').update(all).digest()]);
      }),
    );
    expect(() => page.createHash('sha1')).toThrow(/only sha256/);
  });

  it('Ed25519 through KeyObject calls, as node:crypto (core’s node backend calls these)', () => {
    const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
    const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), bytes, (seed, m) => {
        const nPriv = nodeCrypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' });
        const pPriv = page.createPrivateKey({ key: Buffer.concat([PKCS8, seed]) });
        const nPub = nodeCrypto.createPublicKey(nPriv).export({ format: 'der', type: 'spki' });
        expect([...page.createPublicKey(pPriv).export({ format: 'der', type: 'spki' })]).toEqual([...nPub]);
        const sig = page.sign(null, m, pPriv);
        expect([...sig]).toEqual([...nodeCrypto.sign(null, m, nPriv)]);
        const pub = page.createPublicKey({ key: Buffer.concat([SPKI, nPub.subarray(SPKI.length)]) });
        expect(page.verify(null, m, pub, sig)).toBe(true);
        const bad = sig.slice();
        bad[5]! ^= 1;
        expect(page.verify(null, m, pub, bad)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('random ids and bytes from the platform', () => {
    expect(page.randomUUID()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(page.randomBytes(16)).toHaveLength(16);
  });
});

describe('what the page does not have', () => {
  it('says so when called, and loads no native module', () => {
    expect(() => statSync()).toThrow(/not available in the page/);
    expect(() => createRequire('x')('sodium-native')).toThrow(/cannot be loaded in the page/);
    expect(availableParallelism()).toBeGreaterThanOrEqual(1);
  });
});
