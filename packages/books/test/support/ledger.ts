/**
 * Test support: writes well-formed, canonical event envelopes straight into a store, chaining
 * each stream's `prev`. Signatures are placeholders: projections and the runner never check them
 * (that is the verifier's job), and the store checks only the envelope's shape and chain.
 */
import { encodeEnvelope, leafHash, newEventId, toBase64Url, toHex, type Envelope } from '@hoso/core';
import type { EventStore } from '@hoso/store';

const SIG = 'A'.repeat(86);

/** A deterministic, well-formed public key for test person `n`. */
export function testKey(n: number): string {
  const b = new Uint8Array(32);
  b[0] = n & 0xff;
  b[1] = (n >> 8) & 0xff;
  b[31] = 0; // keeps the last base64url character canonical
  return toBase64Url(b);
}

export interface Written {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly position: number;
}

/** Builds envelopes for one ledger and appends them one batch at a time. */
export class TestLedger {
  private readonly heads = new Map<string, { rev: number; hash: string }>();
  private readonly pending: Uint8Array[] = [];
  private size = 0;
  private clock = Date.parse('2024-09-05T07:30:00+07:00');
  constructor(
    readonly store: EventStore,
    readonly ledger = 'test-school',
  ) {}

  /** Build the next event of `stream` (queued until {@link flush}). */
  event(
    stream: string,
    type: string,
    data: Record<string, unknown>,
    by: { key: string; role: string },
    extraSigs: Envelope['sigs'] = [],
  ): Written {
    const head = this.heads.get(stream);
    this.clock += 60_000;
    const env = {
      v: 1 as const,
      id: newEventId(),
      ledger: this.ledger,
      stream,
      rev: head === undefined ? 0 : head.rev + 1,
      prev: head === undefined ? null : head.hash,
      type,
      data: data as Envelope['data'],
      at: new Date(this.clock).toISOString().replace('Z', '+00:00'),
      by,
      sigs: [{ key: by.key, role: by.role, sig: SIG }, ...extraSigs],
    };
    const bytes = encodeEnvelope(env);
    this.heads.set(stream, { rev: env.rev, hash: toHex(leafHash(bytes)) });
    this.pending.push(bytes);
    return { id: env.id, bytes, position: this.size + this.pending.length - 1 };
  }

  /** Append the queued events as one batch. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const r = await this.store.append(this.ledger, this.pending.splice(0), { expected: this.size });
    if (r._tag === 'Left') throw new Error(`append failed: ${r.left.code} ${r.left.message}`);
    this.size = r.right.size;
  }
}

export const sigOf = (key: string, role: string): Envelope['sigs'][number] => ({ key, role, sig: SIG });
