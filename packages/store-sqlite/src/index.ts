/**
 * @hoso/store-sqlite — the embedded default store (docs/design.md §2, §6): one SQLite file per ledger
 * (better-sqlite3, WAL), appends in `BEGIN IMMEDIATE` transactions, the RFC 9162 tree kept as
 * stored perfect subtrees beside the events.
 */
export { openSqliteStore, type SqliteStoreOptions, type SqliteEventStore } from './sqlite-store.js';
export { SCHEMA_VERSION, READABLE_SCHEMAS, STORED_NODE_LEVEL } from './schema.js';
export { storageFailure } from './failure.js';
export type { SqliteExtension, ExtensionEvent } from './extension.js';
export {
  sqlitePersonalData,
  type SqlitePersonalData,
  type PersonalRow,
  type PurgeResult,
} from './personal/personal-data.js';
