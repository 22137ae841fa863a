/** Shared fixtures for the envelope tests: fixed seeds, signers and a valid unsigned event. */
import { toBase64Url } from '../src/bytes.js';
import { localSigner } from '../src/envelope.js';
import type { UnsignedEnvelope } from '../src/event-types.js';

export const authorSeed = new Uint8Array(32).fill(1);
export const approverSeed = new Uint8Array(32).fill(2);
export const witnessSeed = new Uint8Array(32).fill(3);
export const author = localSigner(authorSeed);
export const approver = localSigner(approverSeed);
export const witness = localSigner(witnessSeed);
export const authorKey = toBase64Url(author.publicKey);
export const approverKey = toBase64Url(approver.publicKey);
export const witnessKey = toBase64Url(witness.publicKey);

export function unsigned(over: Partial<Record<keyof UnsignedEnvelope, unknown>> = {}): UnsignedEnvelope {
  return {
    v: 1,
    id: '0191c0de-7a3c-7b21-9f00-1234567890ab',
    ledger: 'thpt-chu-van-an',
    stream: 'markbook/2024-2025/10A1/toan',
    rev: 3,
    prev: 'ab'.repeat(32),
    type: 'ScoreEntered',
    data: { student: 'HS-000123', column: 'tx1', score: '8.5', term: 1, note: 'Kiểm tra thường xuyên lần 1' },
    at: '2024-09-05T07:30:00.000+07:00',
    by: { key: authorKey, role: 'subject' },
    ...over,
  } as UnsignedEnvelope;
}

/** A correction-like payload naming two co-signers. */
export function coSigned(): UnsignedEnvelope {
  return unsigned({
    type: 'ScoreCorrected',
    data: {
      student: 'HS-000123',
      column: 'tx1',
      from: '8.5',
      to: '9',
      approver: { key: approverKey },
      witnesses: [witnessKey],
    },
    by: { key: authorKey, role: 'requester' },
  });
}
