import type Database from 'better-sqlite3';
import { HosoFailure, hosoError } from '@hoso/core';

/**
 * The SQLite file layout (schema version 1). One file holds one ledger:
 *
 * - `meta(key, value)`: `schema` = `'1'`, `ledger` = the ledger id (set on the first append or
 *   from the `ledger` open option, never changed afterwards);
 * - `events`: one row per event — `position` (the rowid: gapless from 0, the Merkle leaf index),
 *   `id` (unique), `stream` + `rev` (unique together: the index stream heads and stream reads
 *   use), `type`, the exact canonical `bytes`, and `leaf` (RFC 9162 leaf hash);
 * - `nodes(level, idx, hash)`: every complete perfect subtree of level ≥ 1, written in the same
 *   transaction as the leaf that completes it (level 0 is `events.leaf`). Any root or proof is the
 *   fold of O(log n) of these rows.
 */

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = '1';

const DDL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY,
  id       TEXT    NOT NULL UNIQUE,
  stream   TEXT    NOT NULL,
  rev      INTEGER NOT NULL,
  type     TEXT    NOT NULL,
  bytes    BLOB    NOT NULL,
  leaf     BLOB    NOT NULL,
  UNIQUE (stream, rev)
);
CREATE TABLE IF NOT EXISTS nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB    NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
`;

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function schemaVersion(db: Database.Database): string | undefined {
  if (!hasTable(db, 'meta')) return undefined;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
  return row?.value;
}

function unsupported(path: string, found: string | undefined): HosoFailure {
  return new HosoFailure(
    hosoError(
      'storage-failure',
      `${path} is not a hoso ledger file of schema ${SCHEMA_VERSION} (found ${found ?? 'none'})`,
      {
        path: ['path'],
        rule: 'schema-version',
        details: { path, schema: found ?? null, supported: SCHEMA_VERSION },
      },
    ),
  );
}

/**
 * Create the tables in a new file, or check the schema version of an existing one. Read-only
 * connections only check. Runs in an IMMEDIATE transaction so that two processes opening a new
 * file at once cannot both create it.
 */
export function ensureSchema(db: Database.Database, path: string, readonly: boolean): void {
  if (readonly) {
    const v = schemaVersion(db);
    if (v !== SCHEMA_VERSION) throw unsupported(path, v);
    return;
  }
  db.transaction(() => {
    const v = schemaVersion(db);
    if (v === SCHEMA_VERSION) return;
    if (v !== undefined || hasTable(db, 'events')) throw unsupported(path, v);
    db.exec(DDL);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  }).immediate();
}
