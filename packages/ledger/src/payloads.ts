/**
 * A payload decoded by its type's catalogue codec once, however often it is asked for. On the
 * write path one payload used to pass io-ts three to five times (decide's check, the provisional
 * fold, `submit`'s replay check, its rule check and both folds); the verifier's replay twice. The
 * result is kept per payload object: envelopes are immutable once decoded or decided (nothing in
 * the ledger, the verifier or the books writes into an envelope's `data`), so a payload object
 * decodes the same way every time. Pure codecs, same result: only the repeated work goes.
 */
import type * as t from 'io-ts';
import { EVENT_CODECS, type EventType } from './events.js';

const decoded = new WeakMap<object, { readonly type: EventType; readonly result: t.Validation<unknown> }>();

/** `EVENT_CODECS[type].decode(data)`, computed once per (payload object, type). */
export function decodeData(type: EventType, data: unknown): t.Validation<unknown> {
  if (typeof data !== 'object' || data === null) return EVENT_CODECS[type].decode(data);
  const hit = decoded.get(data);
  if (hit !== undefined && hit.type === type) return hit.result;
  const result = EVENT_CODECS[type].decode(data);
  decoded.set(data, { type, result });
  return result;
}
