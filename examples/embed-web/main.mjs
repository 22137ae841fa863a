/**
 * Start the embed-web example: `node main.mjs [ledger.db]` (default `./embed-web.db`; created and
 * set up with the demo school when new, reused otherwise). Port from `PORT` (default 0: random).
 */
import { existsSync } from 'node:fs';
import { startServer } from './server.mjs';

const db = process.argv[2] ?? process.env.HOSO_DB ?? 'embed-web.db';
const port = Number(process.env.PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer 0–65535, got "${process.env.PORT}"`);
  process.exit(2);
}
const reused = existsSync(db);
const app = await startServer({ db, port });
console.log(
  `${reused ? 'Opened' : 'Created'} ledger ${app.ledger.id} in ${db} (${await app.store.size(app.ledger.id)} events).`,
);
console.log(`Open ${app.url} — sổ điểm của giáo viên bộ môn (demo). Ctrl+C to stop.`);
const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
