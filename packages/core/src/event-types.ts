/**
 * The event envelope of docs/design.md §3 as TypeScript types. The io-ts codecs that check these shapes
 * at run time live in `envelope.ts`; the two must agree (a test holds them together).
 */

/** One signature over the event: who signed, in which role, and the 64-byte Ed25519 signature. */
export interface EventSignature {
  /** Signer's Ed25519 public key, base64url without padding (32 bytes). */
  readonly key: string;
  /** The role the signer acted in (e.g. `subject`, `leader`, `admin`, `requester`). */
  readonly role: string;
  /** Ed25519 signature, base64url without padding (64 bytes). */
  readonly sig: string;
}

/** The author of an event: public key (base64url, 32 bytes) and the role acted in. */
export interface EventAuthor {
  readonly key: string;
  readonly role: string;
}

/** A JSON value as hoso stores it: no binary fractions, no undefined, no NaN. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** A JSON object payload. */
export type JsonObject = { readonly [k: string]: JsonValue };

/** The signed part of an event (everything but `sigs`). */
export interface UnsignedEnvelope {
  /** Format version, always 1. */
  readonly v: 1;
  /** UUID v7, unique in the ledger; re-appending the same id is a no-op. */
  readonly id: string;
  /** The ledger (school) id. */
  readonly ledger: string;
  /** Logical stream, e.g. `markbook/2024-2025/10A1/toan`. */
  readonly stream: string;
  /** Revision within the stream, gapless from 0. */
  readonly rev: number;
  /** Lowercase hex leaf hash (RFC 9162) of the stream's previous event; null at rev 0. */
  readonly prev: string | null;
  /** Event type, e.g. `ScoreEntered`. */
  readonly type: string;
  /** Type-specific payload. Decimals are strings (`"8.5"`); numbers are integers only. */
  readonly data: JsonObject;
  /** RFC 3339 time the author signed (a claim; see docs/design.md §8). */
  readonly at: string;
  readonly by: EventAuthor;
}

/** A complete, signed event. Its bytes are the RFC 8785 canonical form of this object. */
export interface Envelope extends UnsignedEnvelope {
  /** One or more signatures; the first is the author's. */
  readonly sigs: readonly EventSignature[];
}
