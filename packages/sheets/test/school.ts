/**
 * A test school in a real SQLite file (the embedded default store), and the hash of that file as
 * it lies on disk — the database and its write-ahead log — to show that a refused import leaves
 * it byte for byte as it was.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@hoso/store-sqlite';
import { buildSchool, type School } from '@hoso/ledger/testing';

/** A school ledger in `<dir>/ledger.db`, and a way to hash the file. */
export interface SqliteSchool extends School {
  readonly dir: string;
  readonly db: string;
  /** SHA-256 over the database file and its WAL (`-wal`), as they are on disk now. */
  hash(): string;
  /** Write `name` in the school's folder; returns its path. */
  path(name: string): string;
  close(): Promise<void>;
}

/** Hash a SQLite database as it lies on disk: the file and its write-ahead log. */
export function hashDb(db: string): string {
  const h = createHash('sha256');
  for (const f of [db, `${db}-wal`]) {
    h.update(f.endsWith('-wal') ? 'wal' : 'db');
    h.update(existsSync(f) ? readFileSync(f) : Buffer.alloc(0));
  }
  return h.digest('hex');
}

/** A fresh school (see `buildSchool`) on a SQLite file in a temporary folder. */
export async function sqliteSchool(options: Parameters<typeof buildSchool>[0] = {}): Promise<SqliteSchool> {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-sheets-'));
  const db = join(dir, 'ledger.db');
  const store = openSqliteStore({ path: db, ledger: 'thpt-test' });
  const s = await buildSchool({ ...options, store });
  return {
    ...s,
    dir,
    db,
    hash: () => hashDb(db),
    path: (name) => join(dir, name),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
