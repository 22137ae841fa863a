// Realistic benchmark events shared by bench/peers.mjs and bench/growth.mjs: a teacher's scores
// (ScoreEntered) in mark-book streams, signed and chained as hoso's ledger writes them.
// Plain ESM on the compiled packages (run `npx tsc -b` first; `npm run bench` does).
import { leafHash, localSigner, newEventId, signEnvelopeBytes, toBase64Url, toHex } from '@hoso/core';

const SEED = new Uint8Array(32).map((_, i) => (i * 29 + 3) & 0xff);
const signer = localSigner(SEED);
const key = toBase64Url(signer.publicKey);

/**
 * The payload of the k-th score: 45 students per class, 4 regular columns, values "0.5".."9.5".
 * @param {number} k
 */
export function scoreData(k) {
  return {
    year: '2024-2025',
    class: `10A${Math.floor(k / 180) % 100}`,
    subject: 'toan',
    student: `hs-${String((k % 45) + 1).padStart(3, '0')}`,
    term: 'HK1',
    column: 'tx',
    index: (Math.floor(k / 45) % 4) + 1,
    value: `${k % 10}.5`,
  };
}

/**
 * Signed, chained events for `ledger`, batch by batch: each batch goes to one mark-book stream
 * (a teacher entering a column for a class of 45), cycling over `streams` streams.
 * @param {string} ledger
 */
export function eventMaker(ledger, streams = 100) {
  /** @type {Map<string, { rev: number, leaf: string }>} */
  const heads = new Map();
  let k = 0;
  let b = 0;
  return {
    /** The next batch: `n` events of one stream, signed now. Returns their canonical bytes and payloads. */
    async next(/** @type {number} */ n) {
      const stream = `markbook/2024-2025/c${b++ % streams}/toan`;
      /** @type {Uint8Array[]} */
      const bytes = [];
      /** @type {{ stream: string, id: string, rev: number, data: ReturnType<typeof scoreData> }[]} */
      const data = [];
      for (let i = 0; i < n; i++, k++) {
        const h = heads.get(stream);
        const d = scoreData(k);
        const { envelope: env, bytes: bb } = await signEnvelopeBytes(
          {
            v: 1,
            id: newEventId(),
            ledger,
            stream,
            rev: h === undefined ? 0 : h.rev + 1,
            prev: h === undefined ? null : h.leaf,
            type: 'ScoreEntered',
            data: d,
            at: '2024-10-01T08:00:00.000+07:00',
            by: { key, role: 'subject' },
          },
          [{ signer, role: 'subject' }],
        );
        heads.set(stream, { rev: env.rev, leaf: toHex(leafHash(bb)) });
        bytes.push(bb);
        data.push({ stream, id: env.id, rev: env.rev, data: d });
      }
      return { bytes, data };
    },
  };
}

/**
 * Median of numbers (of at least one).
 * @param {readonly number[]} xs
 */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return /** @type {number} */ (s[Math.floor(s.length / 2)]);
}

/** Format a rate or duration for a table. */
export const fmt = (/** @type {number} */ n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
