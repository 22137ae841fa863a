import {
  encodeEnvelope,
  leafHash,
  signEnvelopeBytes,
  toHex,
  vouchedEnvelope,
  type Envelope,
  type Signer,
  type UnsignedEnvelope,
} from '@hoso/core';

// The canonical bytes of envelopes this package signed (or decoded from a submission), kept so
// that appending, chaining (`prev`) and folding neither serialise the same envelope again nor hash
// it again: core vouched for these arrays with their leaf hash when it signed or decoded them, and
// the ledger never hands them out or mutates them. Only envelopes created here are cached.
const signed = new WeakMap<Envelope, Uint8Array>();
const leaves = new WeakMap<Envelope, string>();

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

/**
 * Remember the bytes `env` was decoded from (they are its canonical bytes: decoding checks that).
 * The ledger's own copy: nothing else may hold or change it.
 */
export function rememberBytes(env: Envelope, bytes: Uint8Array): void {
  signed.set(env, bytes);
}

/** Lowercase hex RFC 9162 leaf hash of `env`'s canonical bytes, computed at most once. */
export function leafHexOf(env: Envelope): string {
  const known = leaves.get(env);
  if (known !== undefined) return known;
  const bytes = bytesOf(env);
  const hex = toHex(vouchedEnvelope(bytes)?.leafHash ?? leafHash(bytes));
  leaves.set(env, hex);
  return hex;
}
