import { describe, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { isRight } from 'fp-ts/lib/Either.js';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { EventStore } from '@hoso/store';
import { eventStoreConformance } from '@hoso/store/testing';
import { openEventStoreDbStore, type SnapshotOptions } from '../src/index.js';
import { EventStoreDbStandIn, type StandInCluster } from '../src/testing/index.js';

// The contract's conformance suite, through the real @eventstore/db-client and real gRPC, against
// the protocol stand-in: a fresh server (so a fresh, empty ledger) for every case — once with the
// server's features advertised, so the client appends through BatchAppend as it does against every
// real server since 21.10, and once without, so it falls back to plain Append.

/** Fail the case unless every append reached `nodes` through `via`, and every call carried `requires-leader`. */
function checkCalls(nodes: readonly EventStoreDbStandIn[], via: 'append' | 'batch-append'): void {
  const appends = nodes.flatMap((n) => n.appendLog);
  const wrong = appends.filter((a) => a.via !== via);
  if (wrong.length > 0) throw new Error(`${wrong.length} of ${appends.length} appends went through ${wrong[0]!.via}`);
  const calls = nodes.flatMap((n) => n.callLog);
  const bare = calls.filter((c) => !c.requiresLeader);
  if (bare.length > 0) throw new Error(`${bare[0]!.method} of ${bare[0]!.stream} without requires-leader`);
}

eventStoreConformance('eventstoredb, BatchAppend (stand-in over real gRPC)', async () => {
  const standIn = await EventStoreDbStandIn.start();
  const store = openEventStoreDbStore({ connectionString: standIn.connectionString });
  return {
    store,
    cleanup: async () => {
      await standIn.stop();
      checkCalls([standIn], 'batch-append');
    },
  };
});

eventStoreConformance('eventstoredb, plain Append (a server without ServerFeatures; stand-in)', async () => {
  const standIn = await EventStoreDbStandIn.start({ serverFeatures: false });
  const store = openEventStoreDbStore({ connectionString: standIn.connectionString });
  return {
    store,
    cleanup: async () => {
      await standIn.stop();
      checkCalls([standIn], 'append');
    },
  };
});

/**
 * A 3-node cluster whose followers' reads lag one event behind, where the client starts on a
 * follower and the leadership moves to the next node after every append that wrote something: the
 * client is left on a follower over and over (as after a real election), every call it makes there
 * is refused with NotLeader, and the adapter must follow the client to the leader — never catching
 * its index up from a follower's past.
 */
function rotatingLeader(cluster: StandInCluster, store: EventStore): EventStore {
  let next = 0;
  return {
    ...store,
    async append(ledger, events, options) {
      const r = await store.append(ledger, events, options);
      if (isRight(r) && r.right.written > 0) cluster.elect(cluster.nodes[++next % cluster.nodes.length]!);
      return r;
    },
  };
}

eventStoreConformance(
  'eventstoredb on a 3-node cluster: a lagging follower first, the leader moving after every append (stand-in)',
  async () => {
    const cluster = await EventStoreDbStandIn.startCluster({ nodes: 3 });
    for (const n of cluster.nodes) n.lag = 1;
    const store = openEventStoreDbStore({ connectionString: cluster.followers[0]!.connectionString });
    return {
      store: rotatingLeader(cluster, store),
      cleanup: async () => {
        await cluster.stop();
        checkCalls(cluster.nodes, 'batch-append');
      },
    };
  },
);

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
