/**
 * The personal-data store in the ledger's SQLite file (docs/personal-data.md): table
 * `personal_data (subject, field, commitment, salt, value, event)`, created by its own idempotent
 * setup, written in the transaction that appends the events committing to the rows, and emptied
 * of a pupil's rows in the transaction that appends the `PersonalDataErased` naming them.
 *
 * Erasure leaves no byte of a value in the file: the connection runs with `secure_delete = ON`
 * (SQLite zeroes deleted cells and freed pages instead of leaving them in the free list), and after
 * an erasure the WAL, which still holds the pages as they were before, is checkpointed into the
 * file and truncated to zero bytes (`wal_checkpoint(TRUNCATE)`). The -shm file holds the WAL index
 * only, never row content.
 */
import type Database from 'better-sqlite3';
import type { ExtensionEvent, SqliteExtension } from '../extension.js';

/** One opening: the value and salt of one committed field (the shape of `Opening` in @hoso/ledger). */
export interface PersonalRow {
  readonly subject: string;
  readonly field: string;
  readonly commitment: string;
  readonly salt: Uint8Array;
  readonly value: string;
}

/** What the last erasure left to finish: `busy` when a reader kept the WAL from being truncated. */
export interface PurgeResult {
  readonly wal: 'truncated' | 'busy' | 'nothing-to-do';
}

/** The SQLite personal-data store: give `extension` to `openSqliteStore` and the store itself to `openLedger`. */
export interface SqlitePersonalData {
  readonly extension: SqliteExtension;
  openings(subject: string): readonly PersonalRow[];
  staged(eventId: string): readonly PersonalRow[] | undefined;
  stage(eventId: string, openings: readonly PersonalRow[]): void;
  discard(eventIds: Iterable<string>): void;
  afterAppend(events: readonly { readonly id: string; readonly type: string; readonly data: unknown }[]): void;
  reconcile(erased: readonly string[]): void;
  /** Checkpoint the WAL into the file and truncate it, so that erased rows survive nowhere. */
  purge(): PurgeResult;
  /** The result of the last purge an erasure ran. */
  lastPurge(): PurgeResult | null;
  /** How many openings the file holds (for reports and tests). */
  count(): number;
}

const SETUP = `
CREATE TABLE IF NOT EXISTS personal_data (
  commitment TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  field TEXT NOT NULL,
  salt BLOB NOT NULL,
  value TEXT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS personal_data_subject ON personal_data (subject);
`;

interface Row {
  subject: string;
  field: string;
  commitment: string;
  salt: Buffer;
  value: string;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** The students a `PersonalDataErased` event's bytes name. */
function erasedIn(e: ExtensionEvent): string[] {
  const env = JSON.parse(new TextDecoder().decode(e.bytes)) as { data?: { students?: unknown } };
  const s = env.data?.students;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
}

/** A personal-data store for one SQLite ledger file. */
export function sqlitePersonalData(): SqlitePersonalData {
  const pending = new Map<string, readonly PersonalRow[]>();
  let db: Database.Database | null = null;
  let hasTable = false;
  let insert: Database.Statement<[string, string, string, Buffer, string, string]> | null = null;
  let del: Database.Statement<[string]> | null = null;
  let select: Database.Statement<[string], Row> | null = null;
  let erasedSinceCheckpoint = false;
  // The table was created in an append not yet known to have committed.
  let unconfirmed = false;
  /** After a rolled-back append that created the table, forget it. */
  const settle = (d: Database.Database): void => {
    if (!unconfirmed) return;
    unconfirmed = false;
    hasTable = tableExists(d);
    if (!hasTable) insert = del = select = null;
  };
  let last: PurgeResult | null = null;

  const need = (): Database.Database => {
    if (db === null)
      throw new Error(
        'the personal-data store is not attached to a SQLite store (give `extension` to openSqliteStore)',
      );
    return db;
  };

  const eraseSubjects = (subjects: readonly string[]): number => {
    if (!hasTable || del === null) return 0;
    let n = 0;
    for (const s of subjects) n += del.run(s).changes;
    return n;
  };

  const prepare = (d: Database.Database, readonly: boolean): void => {
    insert = readonly
      ? null
      : d.prepare(
          'INSERT OR IGNORE INTO personal_data (subject, field, commitment, salt, value, event) VALUES (?, ?, ?, ?, ?, ?)',
        );
    del = readonly ? null : d.prepare('DELETE FROM personal_data WHERE subject = ?');
    select = d.prepare(
      'SELECT subject, field, commitment, salt, value FROM personal_data WHERE subject = ? ORDER BY rowid',
    );
  };
  const tableExists = (d: Database.Database): boolean =>
    d
      .prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'personal_data'",
      )
      .get()!.n === 1;

  const extension: SqliteExtension = {
    open(d, readonly) {
      db = d;
      // Deleted content is overwritten with zeros, never left in free pages
      // (https://sqlite.org/pragma.html#pragma_secure_delete). A connection setting: writes nothing.
      if (!readonly) d.pragma('secure_delete = ON');
      // The table is created by the first append that needs it, never at open: opening a ledger
      // (or a refused command) must leave the file byte for byte as it was.
      hasTable = tableExists(d);
      if (hasTable) prepare(d, readonly);
    },
    appended(d, events) {
      for (const e of events) {
        const rows = pending.get(e.id);
        if (rows !== undefined && rows.length > 0) {
          // Inside the append's transaction: a rollback takes the new table with it, so look again.
          if (!hasTable || !tableExists(d)) {
            d.exec(SETUP);
            prepare(d, false);
            hasTable = true;
            unconfirmed = true;
          }
          if (insert === null) throw new Error('personal_data is read-only on this connection');
          for (const r of rows) insert.run(r.subject, r.field, r.commitment, Buffer.from(r.salt), r.value, e.id);
        }
        if (e.type === 'PersonalDataErased') {
          eraseSubjects(erasedIn(e));
          erasedSinceCheckpoint = true;
        }
      }
    },
  };

  function purge(): PurgeResult {
    const d = need();
    const r = d.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    const busy = r[0]?.busy ?? 0;
    last = { wal: busy !== 0 ? 'busy' : 'truncated' };
    if (busy === 0) erasedSinceCheckpoint = false;
    return last;
  }

  return {
    extension,
    openings(subject) {
      settle(need());
      if (select === null) return [];
      return select.all(subject).map((r) => ({
        subject: r.subject,
        field: r.field,
        commitment: r.commitment,
        salt: u8(r.salt),
        value: r.value,
      }));
    },
    staged: (id) => pending.get(id),
    stage(id, openings) {
      pending.set(id, openings);
    },
    discard(ids) {
      for (const id of ids) pending.delete(id);
    },
    afterAppend(events) {
      unconfirmed = false;
      for (const e of events) pending.delete(e.id);
      if (erasedSinceCheckpoint) purge();
    },
    reconcile(erased) {
      const d = need();
      settle(d);
      if (!hasTable || del === null || erased.length === 0) return;
      const n = d.transaction(() => eraseSubjects(erased)).immediate();
      if (n > 0 || erasedSinceCheckpoint) purge();
    },
    purge,
    lastPurge: () => last,
    count() {
      const d = need();
      settle(d);
      return hasTable ? d.prepare<[], { n: number }>('SELECT count(*) AS n FROM personal_data').get()!.n : 0;
    },
  };
}
