import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  decodeEnvelopeVouched,
  encodeEnvelope,
  leafHash,
  localSigner,
  newEventId,
  signEnvelopeBytes,
  toBase64Url,
  vouchedEnvelope,
} from '@hoso/core';
import { createMemoryStore, decodeBatch, type DecodedEvent } from '@hoso/store';

const L = 'vouch-school';
const signer = localSigner(new Uint8Array(32).fill(7));
const key = toBase64Url(signer.publicKey);

async function signed(stream: string, n = 0) {
  return signEnvelopeBytes(
    {
      v: 1,
      id: newEventId(),
      ledger: L,
      stream,
      rev: 0,
      prev: null,
      type: 'TestEvent',
      data: { n },
      at: '2024-10-01T08:00:00.000+07:00',
      by: { key, role: 'tester' },
    },
    [{ signer, role: 'tester' }],
  );
}

const only = (r: ReturnType<typeof decodeBatch>): DecodedEvent => {
  if (isLeft(r)) throw new Error(r.left.message);
  return r.right[0]!;
};

describe("core's vouch for the bytes it signs or decodes", () => {
  it('signing vouches for the bytes returned, with their header and leaf hash; a copy carries no vouch', async () => {
    const { envelope, bytes } = await signed('x');
    const v = vouchedEnvelope(bytes);
    expect(v?.header).toEqual({ id: envelope.id, ledger: L, stream: 'x', rev: 0, prev: null, type: 'TestEvent' });
    expect(v?.leafHash).toEqual(leafHash(bytes));
    expect(vouchedEnvelope(new Uint8Array(bytes))).toBeUndefined();
    expect(vouchedEnvelope(encodeEnvelope(envelope))).toBeUndefined();
  });

  it('decodeEnvelopeVouched vouches only for bytes that decode', async () => {
    const { bytes } = await signed('x');
    const copy = new Uint8Array(bytes);
    const d = decodeEnvelopeVouched(copy);
    expect(isRight(d)).toBe(true);
    expect(vouchedEnvelope(copy)?.header.stream).toBe('x');
    const bad = new TextEncoder().encode('{"v":1}');
    expect(isLeft(decodeEnvelopeVouched(bad))).toBe(true);
    expect(vouchedEnvelope(bad)).toBeUndefined();
  });

  it('a store reads the same header from vouched bytes as from the full decode of a copy', async () => {
    const { bytes } = await signed('x', 3);
    const trusted = only(decodeBatch(L, [bytes]));
    const decoded = only(decodeBatch(L, [new Uint8Array(bytes)]));
    expect(trusted).toEqual(decoded);
  });

  it('vouched bytes changed afterwards are decoded in full: a changed header is read from the bytes, broken bytes refused', async () => {
    const { bytes } = await signed('x');
    // Still a well-formed canonical envelope, of another stream: the vouch (stream x) must not be used.
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"stream":"x"') + '"stream":"'.length;
    bytes[at] = 'y'.charCodeAt(0);
    expect(vouchedEnvelope(bytes)?.header.stream).toBe('x');
    expect(only(decodeBatch(L, [bytes])).stream).toBe('y');
    // Not canonical any more: refused as any caller's bytes would be.
    bytes[0] = 0x20;
    const r = decodeBatch(L, [bytes]);
    expect(isLeft(r) && r.left.code).toBe('invalid-event');
  });

  it('an append of vouched bytes that were changed after signing writes nothing (memory store)', async () => {
    const store = createMemoryStore();
    const { bytes } = await signed('x');
    bytes[bytes.length - 1] = 0x20; // the closing brace: no longer JSON
    const r = await store.append(L, [bytes], { expected: 0 });
    expect(isLeft(r) && r.left.code).toBe('invalid-event');
    expect(await store.size(L)).toBe(0);
  });
});
