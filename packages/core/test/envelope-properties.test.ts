import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isRight } from 'fp-ts/lib/Either.js';
import {
  decodeEnvelope,
  decodeForVerification,
  encodeEnvelope,
  signEnvelope,
  signEnvelopeBytes,
  signingBytes,
  verifyEnvelopeSignatures,
} from '../src/envelope.js';
import { backend } from '../src/ed25519/index.js';
import { fromBase64Url } from '../src/bytes.js';
import type { Envelope, JsonObject, JsonValue, UnsignedEnvelope } from '../src/event-types.js';
import { approver, approverKey, author, authorKey, witness, witnessKey } from './envelope-fixtures.js';

/** JSON as hoso stores it: every number that is not a safe integer becomes a decimal string. */
function hosoJson(v: unknown): JsonValue {
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? v : String(v);
  if (Array.isArray(v)) return v.map(hosoJson);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, JsonValue> = {};
    // defineProperty, not `out[k] =`: a generated "__proto__" key would otherwise set the
    // prototype and make a value that is not plain JSON (what JSON.parse gives is an own key).
    for (const k of Object.keys(v))
      Object.defineProperty(out, k, {
        value: hosoJson((v as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return v as JsonValue;
}

const cosigners = [
  { signer: approver, key: approverKey, role: 'approver' },
  { signer: witness, key: witnessKey, role: 'witness' },
];

const arbUnsigned = fc
  .record({
    id: fc.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    ledger: fc.stringMatching(/^[A-Za-z0-9._-]{1,24}$/),
    stream: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      // eslint-disable-next-line no-control-regex -- control characters are what the filter excludes
      .filter((s) => s.length <= 256 && !/[\u0000-\u001f\u007f-\u009f]/.test(s)),
    rev: fc.nat({ max: 1_000_000 }),
    prevHex: fc.stringMatching(/^[0-9a-f]{64}$/),
    type: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,30}$/),
    payload: fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.jsonValue({ maxDepth: 3, stringUnit: 'grapheme' }),
      { maxKeys: 5 },
    ),
    at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    offset: fc.constantFrom('Z', '+07:00', '-03:30'),
    role: fc.stringMatching(/^[a-z-]{1,32}$/),
    nCosigners: fc.integer({ min: 0, max: 2 }),
  })
  .map((r) => {
    const co = cosigners.slice(0, r.nCosigners);
    const data: JsonObject = { ...(hosoJson(r.payload) as JsonObject), cosigners: co.map((c) => c.key) };
    const u: UnsignedEnvelope = {
      v: 1,
      id: r.id,
      ledger: r.ledger,
      stream: r.stream,
      rev: r.rev,
      prev: r.rev === 0 ? null : r.prevHex,
      type: r.type,
      data,
      at: r.at.toISOString().replace('Z', r.offset),
      by: { key: authorKey, role: r.role },
    };
    return { u, signers: [{ signer: author, role: r.role }, ...co.map((c) => ({ signer: c.signer, role: c.role }))] };
  });

const arbSigned = arbUnsigned;

describe('envelope properties', () => {
  it('random valid envelopes: sign → encode → decode is the identity and verifies', async () => {
    await fc.assert(
      fc.asyncProperty(arbSigned, async ({ u, signers }) => {
        const env = await signEnvelope(u, signers);
        const bytes = encodeEnvelope(env);
        const back = decodeEnvelope(bytes);
        expect(isRight(back)).toBe(true);
        if (!isRight(back)) return;
        expect(back.right).toEqual(env);
        expect(encodeEnvelope(back.right)).toEqual(bytes);
        expect(isRight(verifyEnvelopeSignatures(back.right))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('signEnvelopeBytes: the spliced bytes are exactly encodeEnvelope of the envelope (streams with quotes, escapes, Vietnamese)', async () => {
    const tricky = fc.constantFrom('a","type":"X', 'lớp 10A1/toán', 'back\\slash"', '"stream":"', 'e\u0301');
    await fc.assert(
      fc.asyncProperty(arbSigned, fc.option(tricky, { nil: undefined }), async ({ u, signers }, stream) => {
        const input = stream === undefined ? u : { ...u, stream };
        const { envelope, bytes } = await signEnvelopeBytes(input, signers);
        expect(Buffer.from(bytes).toString('utf8')).toBe(Buffer.from(encodeEnvelope(envelope)).toString('utf8'));
        expect(envelope).toEqual(await signEnvelope(input, signers));
      }),
      { numRuns: 150 },
    );
  });

  /** The envelope with co-signers' roles blanked: the only part no signature covers. */
  const withoutCosignerRoles = (e: Envelope): unknown => ({
    ...e,
    sigs: e.sigs.map((s, i) => (i === 0 ? s : { ...s, role: '' })),
  });

  it('random byte mutations: decoding or verification fails (co-signer roles aside)', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    await fc.assert(
      fc.asyncProperty(arbSigned, mutation, async ({ u, signers }, m) => {
        const env = await signEnvelope(u, signers);
        const bytes = encodeEnvelope(env);
        const i = m.at % bytes.length;
        let mutated: Uint8Array;
        if (m.kind === 'flip') {
          mutated = Uint8Array.from(bytes);
          mutated[i]! ^= 1 << m.bit;
        } else if (m.kind === 'delete') {
          mutated = new Uint8Array([...bytes.slice(0, i), ...bytes.slice(i + 1)]);
        } else if (m.kind === 'insert') {
          mutated = new Uint8Array([...bytes.slice(0, i), m.byte, ...bytes.slice(i)]);
        } else {
          mutated = Uint8Array.from(bytes);
          mutated[i] = m.byte;
        }
        if (Buffer.from(mutated).equals(Buffer.from(bytes))) return;
        const d = decodeEnvelope(mutated);
        if (!isRight(d)) return;
        if (!isRight(verifyEnvelopeSignatures(d.right))) return;
        // Both passed: only an unsigned co-signer role may have changed.
        expect(withoutCosignerRoles(d.right)).toEqual(withoutCosignerRoles(env));
        expect(d.right.sigs.length).toBeGreaterThan(1);
      }),
      { numRuns: 400 },
    );
  });
});

describe('decodeForVerification', () => {
  // Data that holds its own "sigs" member (nested), and streams that look like JSON, must not
  // confuse the cut of the top-level `sigs` member out of the canonical bytes.
  const trickyData = fc.constantFrom<JsonObject>(
    { sigs: [] },
    { sigs: [{ key: 'x', role: 'y', sig: ']' }] },
    { note: ',"sigs":[', z: ']' },
    { a: { sigs: ['],"stream":"'] } },
  );
  const trickyStream = fc.constantFrom('a","sigs":["', 'x],"sigs":[y', 'lớp 10A1/toán', '"]');

  it('gives the signing bytes of signingBytes and checks that verify exactly when verifyEnvelopeSignatures does', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbSigned,
        fc.option(trickyData, { nil: undefined }),
        fc.option(trickyStream, { nil: undefined }),
        async ({ u, signers }, extra, stream) => {
          const input: UnsignedEnvelope = {
            ...u,
            ...(stream === undefined ? {} : { stream }),
            data: { ...u.data, ...(extra ?? {}) },
          };
          const env = await signEnvelope(input, signers);
          const d = decodeForVerification(encodeEnvelope(env));
          expect(isRight(d)).toBe(true);
          if (!isRight(d)) return;
          expect(d.right.envelope).toEqual(env);
          const s = d.right.signatures;
          expect(isRight(s)).toBe(true);
          if (!isRight(s)) return;
          expect(Buffer.from(s.right.message).toString('utf8')).toBe(Buffer.from(signingBytes(env)).toString('utf8'));
          expect(s.right.checks.map((c) => c.index)).toEqual(env.sigs.map((_, i) => i));
          // Keys and signatures decoded once, without the checked decoder, give the same bytes.
          expect(s.right.checks.map((c) => [[...c.publicKey], [...c.signature]])).toEqual(
            env.sigs.map((x) => [[...fromBase64Url(x.key)!], [...fromBase64Url(x.sig)!]]),
          );
          expect(s.right.checks.every((c) => backend().verify(c.publicKey, s.right.message, c.signature))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('on mutated bytes: the same decode errors, and all checks verify exactly when verifyEnvelopeSignatures accepts', async () => {
    await fc.assert(
      fc.asyncProperty(arbSigned, fc.nat(), fc.integer({ min: 0, max: 255 }), async ({ u, signers }, at, byte) => {
        const bytes = Uint8Array.from(encodeEnvelope(await signEnvelope(u, signers)));
        bytes[at % bytes.length] = byte;
        const plain = decodeEnvelope(bytes);
        const d = decodeForVerification(bytes);
        if (!isRight(plain)) {
          expect(d).toEqual(plain);
          return;
        }
        expect(isRight(d)).toBe(true);
        if (!isRight(d)) return;
        const reference = verifyEnvelopeSignatures(plain.right);
        const s = d.right.signatures;
        const fast =
          isRight(s) && s.right.checks.every((c) => backend().verify(c.publicKey, s.right.message, c.signature));
        expect(fast).toBe(isRight(reference));
        if (!isRight(s)) expect(s).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });

  it('reports a signer rule broken by a well-formed event (a co-signer its data does not name)', async () => {
    const { u, signers } = fc.sample(
      arbSigned.filter((x) => x.signers.length > 1),
      { numRuns: 1, seed: 7 },
    )[0]!;
    const env = await signEnvelope(u, signers);
    const stripped: Envelope = { ...env, data: { ...env.data, cosigners: [] } };
    const d = decodeForVerification(encodeEnvelope(stripped));
    expect(isRight(d) && d.right.signatures).toMatchObject({
      _tag: 'Left',
      left: { code: 'unnamed-signer', path: ['sigs', 1, 'key'] },
    });
  });
});
