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
