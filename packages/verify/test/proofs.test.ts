import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { proveConsistency, proveEvent, verifyConsistencyProof, verifyProof } from '../src/index.js';
import { buildFixture, storeOf, type Fixture } from './fixture.js';

/** Proofs are attacked like bundles: no mutation of a proof may verify as something else, and nothing throws. */

let f: Fixture;
let proof = '';
let consistency = '';

beforeAll(async () => {
  f = await buildFixture({ students: 3, changes: 4 });
  const store = await storeOf(f);
  const n = f.events.length;
  const p = await proveEvent(store, f.ledger, 7, f.checkpoint(n));
  const c = await proveConsistency(store, f.ledger, f.checkpoint(5), f.checkpoint(n));
  if (p._tag === 'Left' || c._tag === 'Left') throw new Error('proofs could not be made');
  proof = p.right;
  consistency = c.right;
});

function mutate(text: string, i: number, c: string): string {
  return text.slice(0, i) + c + text.slice(i + 1);
}

describe('inclusion proof', () => {
  it('verifies untouched, for every position', async () => {
    const store = await storeOf(f);
    const n = f.events.length;
    for (let pos = 0; pos < n; pos++) {
      const p = await proveEvent(store, f.ledger, pos, f.checkpoint(n));
      expect(p._tag).toBe('Right');
      if (p._tag === 'Right')
        expect(verifyProof(p.right, f.trust)).toMatchObject({ _tag: 'Right', right: { position: pos } });
    }
  });

  it('refuses bad arguments', async () => {
    const store = await storeOf(f);
    expect(await proveEvent(store, f.ledger, f.events.length, f.checkpoint(f.events.length))).toMatchObject({
      _tag: 'Left',
      left: { code: 'invalid-argument', path: ['position'] },
    });
    expect(await proveEvent(store, f.ledger, 0, 'not a note')).toMatchObject({
      _tag: 'Left',
      left: { code: 'checkpoint-invalid' },
    });
    expect(await proveEvent(store, 'other', 0, f.checkpoint(3))).toMatchObject({
      _tag: 'Left',
      left: { code: 'checkpoint-invalid' },
    });
    expect(verifyProof(proof, {})).toMatchObject({
      _tag: 'Left',
      left: { code: 'invalid-argument', path: ['trust', 'sealKeys'] },
    });
  });

  it('any changed character either fails or proves the very same event at the same place', () => {
    const chars = 'AQZaz09+/=\n —x';
    fc.assert(
      fc.property(fc.nat({ max: proof.length - 1 }), fc.constantFrom(...chars), (i, c) => {
        const r = verifyProof(mutate(proof, i, c), f.trust);
        if (r._tag === 'Right') {
          const orig = verifyProof(proof, f.trust);
          expect(
            orig._tag === 'Right' &&
              r.right.position === orig.right.position &&
              r.right.event.id === orig.right.event.id &&
              r.right.checkpoint.root === orig.right.checkpoint.root,
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('consistency proof', () => {
  it('verifies untouched', () => {
    expect(verifyConsistencyProof(consistency, f.trust)).toMatchObject({
      _tag: 'Right',
      right: { old: { size: 5 }, new: { size: f.events.length }, cosignedBy: [f.witness.name] },
    });
  });

  it('any changed character either fails or shows the same two checkpoints', () => {
    const chars = 'AQZaz09+/=\n —x';
    fc.assert(
      fc.property(fc.nat({ max: consistency.length - 1 }), fc.constantFrom(...chars), (i, c) => {
        const r = verifyConsistencyProof(mutate(consistency, i, c), f.trust);
        if (r._tag === 'Right') {
          const orig = verifyConsistencyProof(consistency, f.trust);
          expect(
            orig._tag === 'Right' &&
              JSON.stringify([r.right.old, r.right.new]) === JSON.stringify([orig.right.old, orig.right.new]),
          ).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
