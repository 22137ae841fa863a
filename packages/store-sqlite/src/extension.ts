import type Database from 'better-sqlite3';

/** An event of a batch being appended, as an extension sees it inside the append's transaction. */
export interface ExtensionEvent {
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly bytes: Uint8Array;
}

/**
 * Tables of another module kept in the ledger's file and written in the same transactions as the
 * events (the personal-data store, docs/personal-data.md). The store calls `open` once its own
 * schema is in place, and `appended` inside every append's write transaction after the batch's
 * events are inserted: what it writes commits or rolls back with them; a throw rolls the batch back.
 */
export interface SqliteExtension {
  open(db: Database.Database, readonly: boolean): void;
  appended(db: Database.Database, events: readonly ExtensionEvent[]): void;
}
