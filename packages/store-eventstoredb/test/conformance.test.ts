import { describe, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eventStoreConformance } from '@hoso/store/testing';
import { openEventStoreDbStore } from '../src/index.js';
import { EventStoreDbStandIn } from '../src/testing/index.js';

// The contract's conformance suite, through the real @eventstore/db-client and real gRPC, against
// the protocol stand-in: a fresh server (so a fresh, empty ledger) for every case.
eventStoreConformance('eventstoredb (stand-in over real gRPC)', async () => {
  const standIn = await EventStoreDbStandIn.start();
  const store = openEventStoreDbStore({ connectionString: standIn.connectionString });
  return { store, cleanup: () => standIn.stop() };
});

// The same suite against a real EventStoreDB / KurrentDB node or cluster, when one is given.
// Every case gets its own physical stream names, so runs never see each other's ledgers.
const url = process.env['HOSO_ESDB_URL'];
if (url !== undefined && url !== '') {
  eventStoreConformance(`eventstoredb (real server at ${url})`, async () => {
    const prefix = `hoso-conformance-${randomUUID()}-`;
    return { store: openEventStoreDbStore({ connectionString: url, streamName: (ledger) => `${prefix}${ledger}` }) };
  });
} else {
  describe('EventStore conformance: eventstoredb (real server)', () => {
    it.skip('skipped: set HOSO_ESDB_URL (e.g. esdb://127.0.0.1:2113?tls=false) to run the suite against a real EventStoreDB/KurrentDB', () => undefined);
  });
}
