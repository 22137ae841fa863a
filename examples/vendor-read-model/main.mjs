// @ts-check
/**
 * Run: `npm start --prefix examples/vendor-read-model` (builds the packages, then runs this).
 * Keeps per-class averages in ./vendor.db, catching up from its checkpoint, then follows live.
 */
import Database from 'better-sqlite3';
import { createMemoryStore } from '@hoso/store';
import { runProjection } from '@hoso/books';
import { classAverages, classAveragesProjection, migrate, sqliteCheckpoints } from './read-model.mjs';
import { DemoLedger } from './demo-ledger.mjs';

const store = createMemoryStore();
const ledger = new DemoLedger(store, 'demo-school');
await ledger.append([
  DemoLedger.score('10A1', 'toan', 'an', '8.5'),
  DemoLedger.score('10A1', 'toan', 'binh', '6.0'),
  DemoLedger.score('10A1', 'ngu-van', 'an', '7.0'),
  DemoLedger.score('10A2', 'toan', 'chi', '9.0'),
]);

const db = new Database(':memory:');
migrate(db);
const checkpoints = sqliteCheckpoints(db);
const projection = classAveragesProjection(db);

const caught = await runProjection(store, 'demo-school', projection, checkpoints, { mode: 'catch-up' });
if (caught._tag === 'Left') throw new Error(caught.left.message);
console.log(
  `caught up to position ${caught.right.position} (${caught.right.applied} applied, rebuilt: ${caught.right.rebuilt})`,
);
console.table(classAverages(db));

// Follow live: new marks arrive while the runner is listening.
const stop = new AbortController();
const live = runProjection(store, 'demo-school', projection, checkpoints, {
  mode: 'live',
  signal: stop.signal,
  onCommit: (p) => {
    if (p === 6) stop.abort();
  },
});
await ledger.append([DemoLedger.score('10A1', 'toan', 'chau', '7.5'), DemoLedger.score('10A2', 'toan', 'dung', '5.5')]);
const followed = await live;
if (followed._tag === 'Left') throw new Error(followed.left.message);
console.log(`followed live to position ${followed.right.position}`);
console.table(classAverages(db));
console.log('checkpoint:', checkpoints.read(projection.name));
db.close();
