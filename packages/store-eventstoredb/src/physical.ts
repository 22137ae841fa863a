import { FORWARDS, StreamNotFoundError, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import { LEADER, LEADER_ATTEMPTS, isNotLeader } from './calls.js';
import { corruptStream, storageFailureThrown } from './errors.js';

/**
 * Reading the physical stream of a ledger. Ledger position p is stream revision p, so any range
 * of positions is one `Streams/Read` from revision p with a count.
 */

/** One record of the physical stream: its revision (= ledger position), event type and exact bytes. */
export interface PhysicalRecord {
  readonly position: number;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/** Turn a client event into a {@link PhysicalRecord}, refusing anything that is not a binary event. */
export function physicalRecord(stream: string, resolved: ResolvedEvent): PhysicalRecord {
  const ev = resolved.event;
  if (ev === undefined) throw corruptStream(stream, -1, 'a record without an event (link to a deleted event?)');
  const position = Number(ev.revision);
  if (ev.isJson || !(ev.data instanceof Uint8Array))
    throw corruptStream(stream, position, 'the event is not binary (application/octet-stream)');
  // Copy: the client may hand a view into a larger message buffer.
  return { position, type: ev.type, bytes: new Uint8Array(ev.data) };
}

/**
 * The records at positions [from, from + count) of `stream`, in order; nothing for a stream that
 * does not exist. Transport and server errors are thrown as `storage-failure`. A follower refuses
 * the read (NotLeader) before sending anything; it is then repeated on the leader the client has
 * switched to.
 */
export async function* readPhysical(
  client: EventStoreDBClient,
  stream: string,
  from: number,
  count: number,
): AsyncGenerator<PhysicalRecord> {
  if (count <= 0) return;
  for (let attempt = 1; ; attempt++) {
    let yielded = false;
    try {
      for await (const rec of readOnce(client, stream, from, count)) {
        yielded = true;
        yield rec;
      }
      return;
    } catch (err) {
      if (yielded || attempt >= LEADER_ATTEMPTS || !isNotLeader(err)) throw storageFailureThrown(err, 'read', stream);
    }
  }
}

/**
 * {@link readPhysical} of positions the index holds: all `count` records must come, or the stream
 * is shorter than what was indexed (restored from an older backup, deleted) and that is reported
 * rather than returned as a shorter ledger.
 */
export async function* readIndexed(
  client: EventStoreDBClient,
  stream: string,
  from: number,
  count: number,
): AsyncGenerator<PhysicalRecord> {
  let n = 0;
  for await (const rec of readPhysical(client, stream, from, count)) {
    n++;
    yield rec;
  }
  if (n < count) throw corruptStream(stream, from + n, 'the server did not return an indexed event');
}

/** One `Streams/Read` call of {@link readPhysical}; client errors are thrown as they are. */
async function* readOnce(
  client: EventStoreDBClient,
  stream: string,
  from: number,
  count: number,
): AsyncGenerator<PhysicalRecord> {
  const rs = client.readStream(stream, { fromRevision: BigInt(from), maxCount: count, direction: FORWARDS, ...LEADER });
  // Not `for await (… of rs)`: leaving that loop early destroys the client's stream while the gRPC
  // call under it may still hold unread messages, so the call never finishes and the client's
  // dispose() (which waits for every call) hangs. Keep the stream, cancel the call, drain it.
  const events = rs.iterator({ destroyOnReturn: false }) as AsyncIterableIterator<ResolvedEvent>;
  let expected = from;
  let complete = false;
  try {
    for await (const resolved of events) {
      const rec = physicalRecord(stream, resolved);
      if (rec.position !== expected) throw corruptStream(stream, rec.position, `expected revision ${expected}`);
      expected++;
      yield rec;
    }
    complete = true;
  } catch (err) {
    if (err instanceof StreamNotFoundError) {
      complete = true;
      return;
    }
    throw err;
  } finally {
    if (!complete) {
      await rs.cancel().catch(() => undefined);
      rs.on('error', () => undefined);
      rs.resume();
    }
  }
}

/**
 * Split sorted positions into spans to read with one call each: consecutive positions closer than
 * `maxGap` share a span (the events in between are read and dropped). `maxGap = 1` reads exact
 * runs only; a large `maxGap` reads the whole range once.
 */
export function spans(positions: readonly number[], maxGap: number): Array<{ from: number; count: number }> {
  const out: Array<{ from: number; count: number }> = [];
  let i = 0;
  while (i < positions.length) {
    const start = positions[i]!;
    let end = start;
    i++;
    while (i < positions.length && positions[i]! - end <= maxGap) {
      end = positions[i]!;
      i++;
    }
    out.push({ from: start, count: end - start + 1 });
  }
  return out;
}

/**
 * The records at the given sorted positions, in order, reading `spans(positions, maxGap)` one call
 * each with up to `parallel` calls in flight (results still yielded in order).
 */
export async function* readPositions(
  client: EventStoreDBClient,
  stream: string,
  positions: readonly number[],
  maxGap: number,
  parallel: number,
): AsyncGenerator<PhysicalRecord> {
  const wanted = new Set(positions);
  const plan = spans(positions, maxGap);
  const fetchSpan = async (s: { from: number; count: number }): Promise<PhysicalRecord[]> => {
    const out: PhysicalRecord[] = [];
    for await (const r of readPhysical(client, stream, s.from, s.count)) if (wanted.has(r.position)) out.push(r);
    return out;
  };
  const inFlight: Array<Promise<PhysicalRecord[]>> = [];
  let next = 0;
  const fill = () => {
    while (inFlight.length < parallel && next < plan.length) {
      const p = fetchSpan(plan[next++]!);
      // Keep a rejection from being reported as unhandled while earlier spans are being yielded.
      p.catch(() => undefined);
      inFlight.push(p);
    }
  };
  fill();
  let expectedIndex = 0;
  while (inFlight.length > 0) {
    const recs = await inFlight.shift()!;
    fill();
    for (const r of recs) {
      if (r.position !== positions[expectedIndex])
        throw corruptStream(stream, r.position, `expected position ${positions[expectedIndex]}`);
      expectedIndex++;
      yield r;
    }
  }
  if (expectedIndex !== positions.length) {
    throw corruptStream(stream, positions[expectedIndex]!, 'the server did not return an indexed event');
  }
}
