// @ts-check
/**
 * Demo events for the example: well-formed, canonical envelopes with placeholder signatures,
 * written straight into a store. A real vendor reads the school's ledger instead (the SQLite file
 * `hoso demo` leaves, or EventStoreDB); the read model never depends on how events were written.
 */
import { encodeEnvelope, leafHash, newEventId, toBase64Url, toHex } from '@hoso/core';

const SIG = 'A'.repeat(86);
const key = (/** @type {number} */ n) => toBase64Url(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? n : 0)));
export const TEACHER = key(4);
export const LEADER = key(1);
export const ADMIN = key(2);

/** Appends demo events to `ledger` in `store`, chaining each stream. */
export class DemoLedger {
  /** @param {import('@hoso/store').EventStore} store @param {string} ledger */
  constructor(store, ledger) {
    this.store = store;
    this.ledger = ledger;
    /** @type {Map<string, {rev: number, hash: string}>} */
    this.heads = new Map();
    this.t = Date.parse('2024-10-01T08:00:00+07:00');
  }

  /** Append one batch of `[stream, type, data, role?]` events; returns their ids. */
  async append(/** @type {Array<[string, string, Record<string, unknown>, string?]>} */ events) {
    const bytes = [];
    const ids = [];
    for (const [stream, type, data, role = 'subject'] of events) {
      const head = this.heads.get(stream);
      const by = { key: role === 'subject' ? TEACHER : LEADER, role };
      this.t += 60_000;
      const env = {
        v: /** @type {1} */ (1),
        id: newEventId(),
        ledger: this.ledger,
        stream,
        rev: head ? head.rev + 1 : 0,
        prev: head ? head.hash : null,
        type,
        data: /** @type {any} */ (data),
        at: new Date(this.t).toISOString().replace('Z', '+00:00'),
        by,
        sigs: [{ ...by, sig: SIG }],
      };
      const b = encodeEnvelope(env);
      this.heads.set(stream, { rev: env.rev, hash: toHex(leafHash(b)) });
      bytes.push(b);
      ids.push(env.id);
    }
    const size = await this.store.size(this.ledger);
    const r = await this.store.append(this.ledger, bytes, { expected: size });
    if (r._tag === 'Left') throw new Error(`${r.left.code}: ${r.left.message}`);
    return ids;
  }

  /** A score entry event for `[stream, type, data]`. */
  static score(
    /** @type {string} */ cls,
    /** @type {string} */ subject,
    /** @type {string} */ student,
    /** @type {string} */ value,
    index = 1,
  ) {
    return /** @type {[string, string, Record<string, unknown>]} */ ([
      `markbook/2024-2025/${cls}/${subject}`,
      'ScoreEntered',
      { year: '2024-2025', class: cls, subject, student, term: 'HK1', column: 'tx', index, value },
    ]);
  }
}
