/**
 * Chaining the events of one command (or one batch) that go to the same stream. Each event's
 * `prev` is the leaf hash of the stream's previous event, and a leaf hash covers the signatures, so
 * the second of two events in one stream can only be finished once the first is signed. `decide`
 * writes {@link PENDING_PREV} there; {@link linkPrev} fills it from the signed event before it, and
 * {@link signInOrder} signs a decided batch that way: in order within a stream, streams in parallel.
 */
import { signEnvelope, type Envelope, type Signer, type UnsignedEnvelope } from '@hoso/core';
import { leafHexOf } from './encoded.js';

/**
 * The `prev` of an event that follows another event of the same command (or batch) in the same
 * stream: not yet known (the leaf hash of that event is fixed only when it is signed). An envelope
 * carrying it cannot be signed (`prev` must be null or 64 hex digits): fill it with {@link linkPrev}.
 */
export const PENDING_PREV = '';

/**
 * `next` with its `prev` filled from `signedBefore` when it is {@link PENDING_PREV}: the leaf hash
 * of the signed event of the same stream at `rev - 1`. Unchanged when `prev` is already known or no
 * such event is given (then signing it fails, as it must).
 */
export function linkPrev(next: UnsignedEnvelope, signedBefore: readonly Envelope[]): UnsignedEnvelope {
  if (next.prev !== PENDING_PREV) return next;
  for (let i = signedBefore.length - 1; i >= 0; i--) {
    const e = signedBefore[i]!;
    if (e.stream === next.stream && e.rev === next.rev - 1)
      return {
        v: next.v,
        id: next.id,
        ledger: next.ledger,
        stream: next.stream,
        rev: next.rev,
        prev: leafHexOf(e),
        type: next.type,
        data: next.data,
        at: next.at,
        by: next.by,
      };
  }
  return next;
}

/**
 * Sign decided envelopes with `sign`, each after {@link linkPrev} against the one before it in its
 * stream: sequential within a stream, parallel across streams; results in input order. A
 * rejection of `sign` rejects the whole.
 */
export async function signInOrder(
  unsigned: readonly UnsignedEnvelope[],
  sign: (u: UnsignedEnvelope) => Promise<Envelope>,
): Promise<Envelope[]> {
  const tails = new Map<string, Promise<Envelope>>();
  const all = unsigned.map((u) => {
    const before = tails.get(u.stream);
    const p = before === undefined ? sign(u) : before.then((b) => sign(linkPrev(u, [b])));
    tails.set(u.stream, p);
    return p;
  });
  return Promise.all(all);
}

/**
 * Sign what `ledger.prepare` returned, with the same signers for every event (the author first;
 * co-signers as the command needs), ready for `ledger.submit(envs.map(encodeEnvelope))`. Works with
 * any {@link Signer} — a browser key (`tweetnacl`), a phone, a remote service.
 */
export function signPrepared(
  unsigned: readonly UnsignedEnvelope[],
  signers: ReadonlyArray<{ signer: Signer; role: string }>,
): Promise<Envelope[]> {
  return signInOrder(unsigned, (u) => signEnvelope(u, signers));
}
