import { encodeEnvelope, signEnvelopeBytes, type Envelope, type Signer, type UnsignedEnvelope } from '@hoso/core';

// The canonical bytes of envelopes this package signed, kept from signing so that appending,
// chaining (`prev`) and folding do not serialise the same envelope again. Only envelopes created
// here are cached, and the ledger never mutates them.
const signed = new WeakMap<Envelope, Uint8Array>();

/** Sign `unsigned` (as core's `signEnvelope`) and remember its bytes. */
export async function signRemembering(
  unsigned: UnsignedEnvelope,
  signers: ReadonlyArray<{ signer: Signer; role: string }>,
): Promise<Envelope> {
  const { envelope, bytes } = await signEnvelopeBytes(unsigned, signers);
  signed.set(envelope, bytes);
  return envelope;
}

/** The canonical bytes of `env`: remembered from signing, else encoded. */
export function bytesOf(env: Envelope): Uint8Array {
  return signed.get(env) ?? encodeEnvelope(env);
}

/** Remember the bytes `env` was decoded from (they are its canonical bytes: decoding checks that). */
export function rememberBytes(env: Envelope, bytes: Uint8Array): void {
  signed.set(env, bytes);
}
