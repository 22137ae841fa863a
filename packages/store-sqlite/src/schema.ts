import type Database from 'better-sqlite3';
import { HosoFailure, hosoError } from '@hoso/core';

/**
 * The SQLite file layout (schema version 2). One file holds one ledger:
 *
 * - `meta(key, value)`: `schema` = `'2'`, `ledger` = the ledger id (set on the first append or
 *   from the `ledger` open option, never changed afterwards);
 * - `events`: one row per event — `position` (the rowid: gapless from 0, the Merkle leaf index),
 *   `id` (unique), `stream` + `rev` (unique together: the index stream heads and stream reads
 *   use), `type`, the exact canonical `bytes`, and `leaf` (RFC 9162 leaf hash);
 * - `nodes(level, idx, hash)`: every complete perfect subtree of level ≥ {@link STORED_NODE_LEVEL}
 *   (32 leaves), written in the same transaction as the leaf that completes it. A subtree below that
 *   level is recomputed from its ≤ 16 leaves when a root or proof needs it (level 0 is
 *   `events.leaf`). Any root or proof reads O(log n) of these rows and at most a few dozen leaves.
 *
 * Schema 1 stored every subtree of level ≥ 1: one more row, in a second B-tree, for almost every
 * event appended. A schema-1 file is a valid schema-2 file with extra rows (they hold the same
 * hashes and are simply no longer read): opening one writable records `schema = '2'` and changes
 * nothing else; read-only connections read it as it is. Other tables in the file are left alone.
 */

/** The schema version this code writes. */
export const SCHEMA_VERSION = '2';

/** The schema versions this code reads (and, writable, upgrades to {@link SCHEMA_VERSION}). */
export const READABLE_SCHEMAS: readonly string[] = ['1', '2'];

/** The lowest level of the Merkle subtrees stored in `nodes` (schema 2); lower ones are recomputed. */
export const STORED_NODE_LEVEL = 5;

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
      `${path} is not a hoso ledger file of schema ${READABLE_SCHEMAS.join(' or ')} (found ${found ?? 'none'})`,
      {
        path: ['path'],
        rule: 'schema-version',
        details: { path, schema: found ?? null, supported: READABLE_SCHEMAS.join(',') },
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
    if (v === undefined || !READABLE_SCHEMAS.includes(v)) throw unsupported(path, v);
    return;
  }
  db.transaction(() => {
    const v = schemaVersion(db);
    if (v === SCHEMA_VERSION) return;
    if (v === '1') {
      // Schema 1 → 2: the rows schema 2 stops writing are a superset of nothing it needs (see above).
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_VERSION);
      return;
    }
    if (v !== undefined || hasTable(db, 'events')) throw unsupported(path, v);
    db.exec(DDL);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  }).immediate();
}
