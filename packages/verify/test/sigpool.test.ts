import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { backend, GROUP_ORDER_LE, localSigner } from '@hoso/core';
import { SignaturePool, type SignatureCheck } from '../src/index.js';

/** S + L: the same signature with a non-canonical scalar (libsodium rejects; tweetnacl would not). */
function addOrder(sig: Uint8Array): Uint8Array {
  const out = sig.slice();
  let carry = 0;
  for (let i = 0; i < 32; i++) {
    const v = out[32 + i]! + GROUP_ORDER_LE[i]! + carry;
    out[32 + i] = v & 0xff;
    carry = v >> 8;
  }
  return out;
}

async function run(workers: number, checks: SignatureCheck[], batchSize = 4): Promise<boolean[]> {
  const results: boolean[] = new Array<boolean>(checks.length);
  const pool = new SignaturePool<number>((i, ok) => (results[i] = ok), { workers, batchSize, queuePerWorker: 1 });
  try {
    for (const [i, c] of checks.entries()) await pool.submit(i, c);
    await pool.flush();
  } finally {
    await pool.close();
  }
  return results;
}

describe('SignaturePool', () => {
  it('gives the same answers on worker threads as core’s strict backend, bad inputs included', async () => {
    const be = backend();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            seed: fc.uint8Array({ minLength: 32, maxLength: 32 }),
            msg: fc.uint8Array({ maxLength: 200 }),
            mutate: fc.constantFrom('none', 'msg', 'sig', 'key', 'non-canonical-s', 'short-sig'),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (specs) => {
          const checks = specs.map(({ seed, msg, mutate }) => {
            const s = localSigner(seed);
            let signature = be.sign(seed, msg);
            let message = msg;
            let publicKey = s.publicKey;
            if (mutate === 'msg') message = Uint8Array.from([...msg, 1]);
            if (mutate === 'sig') signature = signature.map((b, i) => (i === 5 ? b ^ 1 : b));
            if (mutate === 'key') publicKey = localSigner(seed.map((b) => b ^ 0xff)).publicKey;
            if (mutate === 'non-canonical-s') signature = addOrder(signature);
            if (mutate === 'short-sig') signature = signature.slice(0, 63);
            return { publicKey, message, signature };
          });
          const expected = checks.map((c) => be.verify(c.publicKey, c.message, c.signature));
          expect(await run(2, checks)).toEqual(expected);
          expect(await run(0, checks)).toEqual(expected);
          specs.forEach((s, i) => expect(expected[i]).toBe(s.mutate === 'none'));
        },
      ),
      { numRuns: 8 },
    );
  });

  it('counts every check and bounds the work in flight', async () => {
    const seed = new Uint8Array(32).fill(3);
    const be = backend();
    const checks = Array.from({ length: 100 }, (_, i) => {
      const message = Uint8Array.of(i);
      return { publicKey: localSigner(seed).publicKey, message, signature: be.sign(seed, message) };
    });
    let seen = 0;
    const pool = new SignaturePool<number>(() => seen++, { workers: 1, batchSize: 8, queuePerWorker: 1 });
    for (const [i, c] of checks.entries()) await pool.submit(i, c);
    await pool.flush();
    await pool.close();
    expect(seen).toBe(100);
    expect(pool.checked).toBe(100);
    expect(pool.size).toBe(1);
  });
});
