import { describe, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { isRight } from 'fp-ts/lib/Either.js';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore } from '@hoso/store';
import { eventStoreConformance } from '@hoso/store/testing';
import { openEventStoreDbStore, type SnapshotOptions } from '../src/index.js';
import { EventStoreDbStandIn } from '../src/testing/index.js';

// The contract's conformance suite, through the real @eventstore/db-client and real gRPC, against
// the protocol stand-in: a fresh server (so a fresh, empty ledger) for every case.
eventStoreConformance('eventstoredb (stand-in over real gRPC)', async () => {
  const standIn = await EventStoreDbStandIn.start();
  const store = openEventStoreDbStore({ connectionString: standIn.connectionString });
  return { store, cleanup: () => standIn.stop() };
});

/**
 * The adapter as many short-lived processes would use it: after every append that wrote something
 * the next calls go to a NEW adapter instance (a cold index), whose first use loads the newest
 * snapshot — written every few events, in the background, by the instances before it — checks it,
 * and reads only the tail. Earlier instances stay open until close (a read may still be iterating
 * on one); subscriptions run on an instance of their own.
 */
function reopening(client: EventStoreDBClient, snapshots: SnapshotOptions): EventStore {
  const all: EventStore[] = [];
  const fresh = (): EventStore => {
    const s = openEventStoreDbStore({ client, snapshots });
    all.push(s);
    return s;
  };
  let current = fresh();
  const subs = fresh();
  let closed = false;
  return {
    kind: 'eventstoredb',
    async append(ledger, events, options) {
      const r = await current.append(ledger, events, options);
      if (!closed && isRight(r) && r.right.written > 0) current = fresh();
      return r;
    },
    size: (l) => current.size(l),
    read: (l, r) => current.read(l, r),
    readBytes: (l, r) => current.readBytes(l, r),
    readStream: (l, s, r) => current.readStream(l, s, r),
    streamHead: (l, s) => current.streamHead(l, s),
    getById: (l, id) => current.getById(l, id),
    subscribe: (l, o) => subs.subscribe(l, o),
    root: (l, n) => current.root(l, n),
    inclusionProof: (l, i, n) => current.inclusionProof(l, i, n),
    consistencyProof: (l, m, n) => current.consistencyProof(l, m, n),
    async close() {
      closed = true;
      await Promise.all(all.map((s) => s.close()));
      await client.dispose();
    },
  };
}

// Snapshots on, every 3 events, in chunks of 256 bytes, and a new adapter instance after every append.
eventStoreConformance(
  'eventstoredb with index snapshots every 3 events, a cold instance after each append (stand-in)',
  async () => {
    const standIn = await EventStoreDbStandIn.start();
    const store = reopening(EventStoreDBClient.connectionString(standIn.connectionString), {
      every: 3,
      everyFraction: 0,
      chunkBytes: 256,
      onCloseMin: Number.POSITIVE_INFINITY,
    });
    return { store, cleanup: () => standIn.stop() };
  },
);

// The same suite against a real EventStoreDB / KurrentDB node or cluster, when one is given.
// Every case gets its own physical stream names, so runs never see each other's ledgers.
const url = process.env['HOSO_ESDB_URL'];
if (url !== undefined && url !== '') {
  eventStoreConformance(`eventstoredb (real server at ${url})`, async () => {
    const prefix = `hoso-conformance-${randomUUID()}-`;
    return {
      store: openEventStoreDbStore({
        connectionString: url,
        streamName: (ledger) => `${prefix}${ledger}`,
        snapshots: { every: 3, everyFraction: 0, chunkBytes: 256, streamName: (ledger) => `${prefix}index-${ledger}` },
      }),
    };
  });
} else {
  describe('EventStore conformance: eventstoredb (real server)', () => {
    it.skip('skipped: set HOSO_ESDB_URL (e.g. esdb://127.0.0.1:2113?tls=false) to run the suite against a real EventStoreDB/KurrentDB', () =>
      undefined);
  });
}
