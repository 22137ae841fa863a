/**
 * Canonical envelope bytes that core itself produced (`signEnvelopeBytes`) or fully checked
 * (`decodeEnvelopeVouched`), remembered with the header a store indexes and their RFC 9162 leaf
 * hash, so that a store handed those very bytes need not decode them again (the write path used
 * to validate and canonicalise each event when signing, then re-decode it in the store).
 *
 * Only this package can vouch: the registry is keyed by the byte array's identity and its setter is
 * not exported. A byte array is mutable, so a vouch holds only for bytes that still hash to the
 * leaf recorded: a store recomputes the leaf hash (which it needs anyway) and compares before it
 * trusts the header; bytes changed after vouching, or never vouched, get the full decode.
 */
import type { Envelope } from './event-types.js';

/** What a store indexes from an event's bytes (docs/design.md §6). */
export interface EnvelopeHeader {
  readonly id: string;
  readonly ledger: string;
  readonly stream: string;
  readonly rev: number;
  /** Lowercase hex leaf hash of the stream's previous event; null at rev 0. */
  readonly prev: string | null;
  readonly type: string;
}

/** A vouch: the header of the bytes and their leaf hash when core vouched for them. */
export interface Vouched {
  readonly header: EnvelopeHeader;
  readonly leafHash: Uint8Array;
}

const registry = new WeakMap<Uint8Array, Vouched>();

/** Remember `bytes` as the canonical encoding of `env`, with their leaf hash. Internal to core. */
export function vouch(bytes: Uint8Array, env: Envelope, leaf: Uint8Array): void {
  registry.set(bytes, {
    header: { id: env.id, ledger: env.ledger, stream: env.stream, rev: env.rev, prev: env.prev, type: env.type },
    leafHash: leaf,
  });
}

/**
 * Core's vouch for `bytes` (this very array), or undefined. A caller that trusts it must first
 * check that the bytes still hash to `leafHash` (see the module comment).
 */
export function vouchedEnvelope(bytes: Uint8Array): Vouched | undefined {
  return registry.get(bytes);
}
