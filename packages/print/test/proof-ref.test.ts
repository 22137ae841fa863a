import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { signCheckpoint } from '@hoso/core';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  formatProofReference,
  parseProofReference,
  proofReferenceOf,
  verificationFromCheckpoint,
  type ProofReference,
} from '../src/index.js';

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const ref: fc.Arbitrary<ProofReference> = fc
  .record({
    origin: fc.stringMatching(/^hoso\/[a-z0-9][a-z0-9._/-]{0,30}$/),
    size: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    root: hex64,
    withIndex: fc.boolean(),
    leaf: fc.option(hex64, { nil: undefined }),
    book: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
    frac: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  })
  .map(({ origin, size, root, withIndex, leaf, book, frac }) => {
    const r: { -readonly [K in keyof ProofReference]: ProofReference[K] } = { origin, size, root };
    if (withIndex) {
      r.index = Math.min(size - 1, Math.floor(frac * size));
      if (leaf !== undefined) r.leaf = leaf;
    }
    if (book !== undefined) r.book = book;
    return r;
  });

const ROOT = 'a'.repeat(64);

describe('proof reference', () => {
  it('parses what it formats (round trip)', () => {
    fc.assert(
      fc.property(ref, (r) => {
        const parsed = parseProofReference(formatProofReference(r));
        expect(isRight(parsed) && parsed.right).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the documented URI form, parameters in a fixed order', () => {
    expect(
      formatProofReference({ origin: 'hoso/thpt-x', size: 10, root: ROOT, index: 9, book: 'hocba/2024-2025/hs 1' }),
    ).toBe(`hoso:proof?v=1&origin=hoso%2Fthpt-x&size=10&root=${ROOT}&index=9&book=hocba%2F2024-2025%2Fhs%201`);
  });

  it('takes the reference from a document verification block', () => {
    expect(proofReferenceOf({ origin: 'hoso/x', size: 3, root: ROOT, printedAt: 'now' })).toEqual({
      origin: 'hoso/x',
      size: 3,
      root: ROOT,
    });
  });

  it('ignores parameters it does not know, in any order', () => {
    const r = parseProofReference(`hoso:proof?root=${ROOT}&future=1&size=5&v=1&origin=hoso%2Fx`);
    expect(isRight(r) && r.right).toEqual({ origin: 'hoso/x', size: 5, root: ROOT });
  });

  const bad: Array<[string, string, ReadonlyArray<string>]> = [
    ['wrong scheme', `https://x/?v=1&origin=a&size=1&root=${ROOT}`, []],
    ['missing version', `hoso:proof?origin=a&size=1&root=${ROOT}`, ['v']],
    ['other version', `hoso:proof?v=2&origin=a&size=1&root=${ROOT}`, ['v']],
    ['no origin', `hoso:proof?v=1&size=1&root=${ROOT}`, ['origin']],
    ['origin with space', `hoso:proof?v=1&origin=a%20b&size=1&root=${ROOT}`, ['origin']],
    ['leading zero size', `hoso:proof?v=1&origin=a&size=01&root=${ROOT}`, ['size']],
    ['negative size', `hoso:proof?v=1&origin=a&size=-1&root=${ROOT}`, ['size']],
    ['huge size', `hoso:proof?v=1&origin=a&size=99999999999999999&root=${ROOT}`, ['size']],
    ['uppercase root', `hoso:proof?v=1&origin=a&size=1&root=${ROOT.toUpperCase()}`, ['root']],
    ['short root', `hoso:proof?v=1&origin=a&size=1&root=abcd`, ['root']],
    ['index at size', `hoso:proof?v=1&origin=a&size=5&root=${ROOT}&index=5`, ['index']],
    ['leaf without index', `hoso:proof?v=1&origin=a&size=5&root=${ROOT}&leaf=${ROOT}`, ['leaf']],
    ['duplicate', `hoso:proof?v=1&origin=a&origin=b&size=5&root=${ROOT}`, ['origin']],
    ['bad escape', `hoso:proof?v=1&origin=%E0%A4%A&size=5&root=${ROOT}`, ['origin']],
    ['empty book', `hoso:proof?v=1&origin=a&size=5&root=${ROOT}&book=`, ['book']],
    ['malformed', `hoso:proof?v=1&&origin=a&size=5&root=${ROOT}`, []],
  ];
  it.each(bad)('rejects %s with a typed error naming the field', (_name, text, path) => {
    const r = parseProofReference(text);
    expect(isLeft(r)).toBe(true);
    if (isLeft(r)) {
      expect(r.left.code).toBe('proof-ref-invalid');
      expect(r.left.path).toEqual(path);
      expect(r.left.rule).toMatch(/proof reference/);
    }
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseProofReference(`hoso:proof?${s}`);
        parseProofReference(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verificationFromCheckpoint', () => {
  const root = Buffer.alloc(32, 0xab);
  const body = `hoso/thpt-x\n42\n${root.toString('base64')}\n`;
  it('reads origin, size and root (as hex) from a note signed by core', () => {
    const note = signCheckpoint(
      { origin: 'hoso/thpt-x', size: 42, root: new Uint8Array(root) },
      { name: 'hoso/thpt-x', seed: new Uint8Array(32).fill(9) },
    );
    expect(note.startsWith(body)).toBe(true);
    const r = verificationFromCheckpoint(note, { index: 41, book: 'hocba/x' });
    expect(isRight(r) && r.right).toEqual({
      origin: 'hoso/thpt-x',
      size: 42,
      root: root.toString('hex'),
      index: 41,
      book: 'hocba/x',
    });
  });
  it.each([
    ['no origin', `\n42\n${root.toString('base64')}\n`, 'origin'],
    ['bad size', `hoso/x\n4x\n${root.toString('base64')}\n`, 'size'],
    ['short root', `hoso/x\n42\n${Buffer.alloc(16).toString('base64')}\n`, 'root'],
    ['no final newline', `hoso/x\n42\n${root.toString('base64')}`, 'body'],
  ])('rejects %s', (_n, note, field) => {
    const r = verificationFromCheckpoint(note);
    expect(isLeft(r) && r.left).toMatchObject({ code: 'print-invalid-verification', path: [field] });
  });
  it('refuses a head event outside the checkpoint', () => {
    expect(isLeft(verificationFromCheckpoint(body, { index: 42 }))).toBe(true);
  });
});
