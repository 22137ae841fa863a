import { NotLeaderError } from '@eventstore/db-client';
import { sha256, utf8, uuidText } from '@hoso/core';

/**
 * What every call the adapter makes carries.
 *
 * `requiresLeader: true` on every read, subscription, append and metadata call: a follower serves
 * reads from its own copy, which lags behind the leader (by design, in every EventStoreDB cluster),
 * and the adapter's index must never be caught up from a past the server has moved beyond — a lag
 * of one event reads as a missing event, a false corruption alarm, or a wrong-size conflict. With
 * the header a follower answers NotLeader with the leader's address, and the client reconnects
 * there (docs/eventstoredb.md §4).
 */
export const LEADER = { requiresLeader: true } as const;

/**
 * Attempts of one call refused with NotLeader. The refusal names the leader and the client
 * reconnects there for the next call, so a second attempt normally reaches it; a third covers an
 * election in progress (the named leader has just stepped down too).
 */
export const LEADER_ATTEMPTS = 3;

/** True for the client's NotLeader error (the node is a follower, or no longer the leader). */
export function isNotLeader(err: unknown): boolean {
  return err instanceof NotLeaderError;
}

/**
 * Run `f` (a call carrying {@link LEADER}), again when a follower refused it with NotLeader. Only for
 * calls that are safe to repeat: reads, and writes whose repetition is harmless (snapshot chunks and
 * manifests, metadata written at an expected revision). Ledger appends handle NotLeader themselves,
 * since a BatchAppend call failing with NotLeader also fails appends that may have landed.
 */
export async function onLeader<T>(f: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (err) {
      if (attempt >= LEADER_ATTEMPTS || !isNotLeader(err)) throw err;
    }
  }
}

const EVENT_ID_DOMAIN = utf8('hoso-esdb-event-id/1\n');

/**
 * The EventStoreDB event id of a hoso event: a UUID version 8 (RFC 9562 §5.8) made from SHA-256 of
 * the envelope id and the event's leaf hash. The server recognises a retried append by event ids
 * alone, never by content; an id that depends on the bytes too makes that recognition exact — a
 * retry of the same bytes is idempotent, while the same envelope id with other bytes is refused as
 * WrongExpectedVersion and then decided on the caught-up index (`duplicate-id`), whichever process
 * sends it. The envelope id itself stays in the event's data and metadata.
 */
export function esdbEventId(envelopeId: string, leafHash: Uint8Array): string {
  const h = sha256(EVENT_ID_DOMAIN, utf8(envelopeId), leafHash);
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8
  h[8] = (h[8]! & 0x3f) | 0x80; // variant 10 (RFC 9562 §4.1)
  const dv = new DataView(h.buffer, h.byteOffset, 16);
  return uuidText([dv.getUint32(0), dv.getUint32(4), dv.getUint32(8), dv.getUint32(12)]);
}
