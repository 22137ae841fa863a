import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { fromBase64, toBase64, utf8 } from '../src/bytes.js';
import { isHosoFailure } from '../src/errors.js';
import { leafHash, sha256 } from '../src/hash.js';
import { inclusionProof, merkleRoot } from '../src/merkle/index.js';
import {
  cosignCheckpoint,
  formatTlogProof,
  ledgerOrigin,
  parseTlogProof,
  signCheckpoint,
  signerVerifier,
  SIG_TYPE_COSIGNATURE,
  verifyTlogProof,
  type NoteSigner,
} from '../src/checkpoint/index.js';

const ok = <E, A>(e: Either<E, A>): A => {
  if (isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
};
const err = <E, A>(e: Either<E, A>): E => {
  if (isRight(e)) throw new Error('expected Left');
  return e.left;
};

const school: NoteSigner = { name: 'hoso/thpt-le-loi', seed: sha256(utf8('school seed')) };
const witness: NoteSigner = { name: 'pgd.example/w', seed: sha256(utf8('witness seed')) };
const schoolV = signerVerifier(school);
const witnessV = signerVerifier(witness, SIG_TYPE_COSIGNATURE);
const origin = ledgerOrigin('thpt-le-loi');
const events = Array.from({ length: 50 }, (_, i) => utf8(`{"event":${i}}`));
const leaves = events.map(leafHash);
const root = merkleRoot(leaves);
const note = cosignCheckpoint(signCheckpoint({ origin, size: 50, root }, school), witness, 1_750_000_000);

describe('tlog-proof format', () => {
  it('parses the C2SP example layout (extra, index, hashes, checkpoint)', () => {
    const example = [
      'c2sp.org/tlog-proof@v1',
      'extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ',
      'index 73894',
      'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
      'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
      '',
      'example.com/fancylog',
      '109482',
      'sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=',
      '',
      '— example.com/fancylog hI2DJw==',
      '',
    ].join('\n');
    const p = ok(parseTlogProof(example));
    expect(p.index).toBe(73894);
    expect(p.proof.map(toBase64)).toEqual([
      'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
      'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
    ]);
    expect(p.extra).toEqual(fromBase64('YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ'));
    expect(p.checkpointNote.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    expect(formatTlogProof(p)).toBe(example);
  });

  it('round trips (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 63 }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
        (index, proof, extra) => {
          const p =
            extra === undefined
              ? { index, proof, checkpointNote: note }
              : { index, proof, checkpointNote: note, extra };
          expect(ok(parseTlogProof(formatTlogProof(p)))).toEqual(p);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects malformed proofs naming the part', () => {
    const good = formatTlogProof({ index: 3, proof: [leaves[0]!], checkpointNote: note });
    const cases: Array<[string, string]> = [
      [good.replace('c2sp.org/tlog-proof@v1', 'c2sp.org/tlog-proof@v2'), 'header'],
      [good.replace('index 3', 'index 03'), 'index'],
      [good.replace('index 3', 'index -3'), 'index'],
      [good.replace('index 3', 'idx 3'), 'index'],
      [good.replace(toBase64(leaves[0]!), toBase64(leaves[0]!.slice(1))), 'proof.0'],
      [good.replace('index 3\n', 'extra !!\nindex 3\n'), 'extra'],
      ['c2sp.org/tlog-proof@v1\nindex 3\n' + toBase64(leaves[0]!) + '\n', 'proof'],
      ['c2sp.org/tlog-proof@v1\nindex 3\n\n', 'checkpoint'],
    ];
    for (const [text, path] of cases) {
      const e = err(parseTlogProof(text));
      expect(e.code).toBe('invalid-tlog-proof');
      expect(e.path?.join('.')).toBe(path);
    }
  });

  it('formatting refuses bad input', () => {
    for (const [p, path] of [
      [{ index: -1, proof: [], checkpointNote: note }, 'index'],
      [{ index: 0, proof: [new Uint8Array(3)], checkpointNote: note }, 'proof.0'],
      [{ index: 0, proof: [], checkpointNote: '' }, 'checkpointNote'],
      [{ index: 0, proof: [], checkpointNote: note, extra: new Uint8Array(0) }, 'extra'],
    ] as const) {
      try {
        formatTlogProof(p);
        throw new Error('expected a failure');
      } catch (e) {
        expect(isHosoFailure(e) && e.error.path?.join('.')).toBe(path);
      }
    }
  });
});

describe('verifyTlogProof', () => {
  const proofFor = (i: number) => formatTlogProof({ index: i, proof: inclusionProof(leaves, i), checkpointNote: note });

  it('accepts every event of the ledger under the school and witness keys', () => {
    for (let i = 0; i < 50; i++) {
      const r = ok(verifyTlogProof(proofFor(i), leafHash(events[i]!), [schoolV, witnessV], { origin }));
      expect(r.index).toBe(i);
      expect(r.checkpoint.size).toBe(50);
      expect(r.verifiedBy).toEqual([schoolV, witnessV]);
    }
  });

  it('rejects another event, another index, a forged checkpoint and a wrong origin', () => {
    expect(err(verifyTlogProof(proofFor(7), leafHash(events[8]!), [schoolV])).code).toBe('inclusion-proof-failed');
    const wrongIndex = formatTlogProof({ index: 8, proof: inclusionProof(leaves, 7), checkpointNote: note });
    expect(err(verifyTlogProof(wrongIndex, leafHash(events[7]!), [schoolV])).code).toBe('inclusion-proof-failed');
    const forgedRoot = merkleRoot([...leaves.slice(0, 49), leafHash(utf8('forged'))]);
    const forged = proofFor(7).replace(toBase64(root), toBase64(forgedRoot));
    expect(err(verifyTlogProof(forged, leafHash(events[7]!), [schoolV])).code).toBe('note-bad-signature');
    expect(err(verifyTlogProof(proofFor(7), leafHash(events[7]!), [schoolV], { origin: 'hoso/x' })).code).toBe(
      'checkpoint-origin-mismatch',
    );
    expect(
      err(verifyTlogProof(proofFor(7), leafHash(events[7]!), [signerVerifier({ name: 'x', seed: witness.seed })])).code,
    ).toBe('note-unverified');
    expect(err(verifyTlogProof('nonsense', leafHash(events[7]!), [schoolV])).code).toBe('invalid-tlog-proof');
  });

  it('a checkpoint signed by a stranger proves nothing, even with a correct tree', () => {
    const stranger: NoteSigner = { name: school.name, seed: sha256(utf8('stranger')) };
    const strangerNote = signCheckpoint({ origin, size: 50, root }, stranger);
    const text = formatTlogProof({ index: 1, proof: inclusionProof(leaves, 1), checkpointNote: strangerNote });
    // same name, different key ID: an unknown key, so nothing known signed it
    expect(err(verifyTlogProof(text, leafHash(events[1]!), [schoolV])).code).toBe('note-unverified');
  });
});
