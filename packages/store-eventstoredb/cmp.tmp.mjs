import { performance } from 'node:perf_hooks';
import { EventStoreDBClient } from '@eventstore/db-client';
import { encodeEnvelope, leafHash, localSigner, newEventId, signEnvelope, toBase64Url, toHex } from '@hoso/core';
import { openEventStoreDbStore } from './dist/index.js';
import { EventStoreDbStandIn } from './dist/testing/index.js';
const L = 'cmp'; const signer = localSigner(new Uint8Array(32).fill(3)); const key = toBase64Url(signer.publicKey);
const heads = new Map(); const evs = [];
for (let i = 0; i < 10000; i++) { const s = `s${i % 50}`; const h = heads.get(s);
  const env = await signEnvelope({ v: 1, id: newEventId(), ledger: L, stream: s, rev: h ? h.rev + 1 : 0, prev: h ? toHex(h.leaf) : null, type: 'T', data: { x: 'kiểm tra' }, at: '2024-10-01T08:00:00+07:00', by: { key, role: 'r' } }, [{ signer, role: 'r' }]);
  const b = encodeEnvelope(env); heads.set(s, { rev: h ? h.rev + 1 : 0, leaf: leafHash(b) }); evs.push(b); }
const si = await EventStoreDbStandIn.start();
const store = openEventStoreDbStore({ connectionString: si.connectionString });
for (let i = 0; i < evs.length; i += 500) { const r = await store.append(L, evs.slice(i, i + 500), { expected: i }); if (r._tag !== 'Right') throw new Error(JSON.stringify(r.left)); }
const c = EventStoreDBClient.connectionString(si.connectionString);
for (let k = 0; k < 2; k++) {
  let t = performance.now(); let n = 0; for await (const _ of c.readStream('hoso-ledger-cmp')) n++; const raw = performance.now() - t;
  t = performance.now(); n = 0; for await (const _ of store.read(L)) n++; const ad = performance.now() - t;
  const cold = openEventStoreDbStore({ connectionString: si.connectionString }); t = performance.now(); await cold.size(L); const rb = performance.now() - t; await cold.close();
  console.log('raw', Math.round(n * 1000 / raw), 'adapter read', Math.round(n * 1000 / ad), 'rebuild', Math.round(n * 1000 / rb));
}
await c.dispose(); await store.close(); await si.stop();
