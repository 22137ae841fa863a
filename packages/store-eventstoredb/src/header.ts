import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { fromUtf8 } from '@hoso/core';

/**
 * The few envelope fields the adapter indexes, read from stored bytes with one `JSON.parse`.
 * Bytes reach the physical stream only through `append`, which fully decodes every envelope
 * (`decodeBatch`), so reading them back needs no second canonical-form check; what this does check
 * is that the record still is a hoso event of this ledger, so a foreign or damaged record is
 * reported instead of indexed.
 */
export interface EventHeader {
  readonly id: string;
  readonly ledger: string;
  readonly stream: string;
  readonly rev: number;
  readonly prev: string | null;
  readonly type: string;
}

/** Parse the indexed header fields of stored event bytes; Left(reason) when they are not a hoso envelope. */
export function parseHeader(bytes: Uint8Array): Either<string, EventHeader> {
  const text = fromUtf8(bytes);
  if (text === undefined) return left('not UTF-8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return left('not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return left('not a JSON object');
  const o = v as Record<string, unknown>;
  if (o['v'] !== 1) return left('field v is not 1');
  for (const f of ['id', 'ledger', 'stream', 'type'] as const) {
    if (typeof o[f] !== 'string') return left(`field ${f} is not a string`);
  }
  const rev = o['rev'];
  if (typeof rev !== 'number' || !Number.isSafeInteger(rev) || rev < 0)
    return left('field rev is not a non-negative integer');
  const prev = o['prev'];
  if (prev !== null && typeof prev !== 'string') return left('field prev is neither null nor a string');
  return right({
    id: o['id'] as string,
    ledger: o['ledger'] as string,
    stream: o['stream'] as string,
    rev,
    prev,
    type: o['type'] as string,
  });
}
