/**
 * Store selection: `--db <file>` opens the embedded SQLite store (one ledger per file, its id
 * read from the file), `--store esdb://…` an EventStoreDB/KurrentDB cluster, where `--ledger`
 * names the school's ledger (one physical stream per ledger).
 */
import { existsSync } from 'node:fs';
import { isHosoFailure } from '@hoso/core';
import type { PersonalDataStore } from '@hoso/ledger';
import type { EventStore } from '@hoso/store';
import { openSqliteStore, sqlitePersonalData, type SqliteEventStore } from '@hoso/store-sqlite';
import { usage } from './exit.js';

/** The store options every ledger command takes. */
export interface StoreArgs {
  readonly db?: string;
  readonly store?: string;
  readonly ledger?: string;
}

/** An open store and the ledger it serves. */
export interface OpenedStore {
  readonly store: EventStore;
  readonly ledger: string;
  /** Where it lives, for messages. */
  readonly where: string;
  /** The SQLite store, when `--db` was used (it can flush before a checkpoint is signed). */
  readonly sqlite?: SqliteEventStore;
  /**
   * The ledger's personal-data store (docs/personal-data.md): a table in the same file with `--db`,
   * the ledger's pupil streams with `--store`.
   */
  readonly personal?: PersonalDataStore;
  /**
   * The folder of the ledger's state snapshot (`<db>.state`, beside `<db>.checkpoints`), when
   * `--db` was used: writing commands open the ledger from it (docs/ledger.md, "State snapshots").
   */
  readonly stateDir?: string;
  close(): Promise<void>;
}

const LEDGER_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The state snapshot folder of a SQLite ledger file. */
export function stateDirOf(db: string): string {
  return `${db}.state`;
}

/** Check a ledger id given on the command line. */
export function checkLedgerId(id: string, arg = '--ledger'): string {
  if (!LEDGER_ID.test(id))
    throw usage(
      'invalid-ledger-id',
      "a ledger id is 1–128 characters from A–Z, a–z, 0–9, '.', '_', '-'",
      arg,
      'docs/design.md §3',
    );
  return id;
}

/** The ledger id recorded in a SQLite ledger file, or null for a file with no ledger yet. */
export function sqliteLedgerOf(path: string): string | null {
  try {
    const s = openSqliteStore({ path, readonly: true });
    const id = s.ledger();
    void s.close();
    return id;
  } catch (e) {
    throw usage(
      'unreadable-ledger',
      `cannot open ${path} as a hoso ledger: ${isHosoFailure(e) ? e.error.message : String(e)}`,
      '--db',
    );
  }
}

/**
 * Open the store the options name. `create`: a missing SQLite file is created for `ledger`
 * (which is then required); otherwise the file must exist and hold a ledger. The EventStoreDB
 * client is loaded only when `--store` is used.
 */
export async function openStore(
  args: StoreArgs,
  options: { readonly create?: boolean; readonly readonly?: boolean } = {},
): Promise<OpenedStore> {
  if (args.db !== undefined && args.store !== undefined)
    throw usage('conflicting-options', 'give either --db or --store, not both', '--store');
  if (args.db !== undefined) {
    const path = args.db;
    let ledger: string | null = null;
    if (existsSync(path)) {
      ledger = sqliteLedgerOf(path);
      if (ledger !== null && args.ledger !== undefined && args.ledger !== ledger) {
        throw usage('wrong-ledger', `${path} holds ledger "${ledger}", not "${args.ledger}"`, '--ledger');
      }
      if (ledger === null && !options.create)
        throw usage('empty-ledger', `${path} holds no ledger yet (run hoso init first)`, '--db');
    } else if (!options.create) {
      throw usage('unreadable-file', `cannot read ${path}: no such file`, '--db');
    }
    const id = ledger ?? (args.ledger === undefined ? null : checkLedgerId(args.ledger));
    if (id === null) throw usage('missing-option', 'a new ledger file needs --ledger <id>', '--ledger');
    let store: SqliteEventStore;
    const personal = sqlitePersonalData();
    try {
      store = openSqliteStore({
        path,
        ledger: id,
        extensions: [personal.extension],
        ...(options.readonly ? { readonly: true } : {}),
      });
    } catch (e) {
      throw usage(
        'unreadable-ledger',
        `cannot open ${path}: ${isHosoFailure(e) ? e.error.message : String(e)}`,
        '--db',
      );
    }
    return {
      store,
      ledger: id,
      where: path,
      sqlite: store,
      personal,
      stateDir: stateDirOf(path),
      close: () => store.close(),
    };
  }
  if (args.store !== undefined) {
    if (!/^(esdb|kurrentdb|esdb\+discover|kurrentdb\+discover|kdb|kdb\+discover):\/\//.test(args.store)) {
      throw usage(
        'invalid-store',
        'a store is an EventStoreDB/KurrentDB connection string, e.g. esdb://localhost:2113?tls=false',
        '--store',
      );
    }
    if (args.ledger === undefined)
      throw usage('missing-option', 'with --store, name the ledger with --ledger <id>', '--ledger');
    const ledger = checkLedgerId(args.ledger);
    // Loaded only when asked for: the gRPC client is heavy and most commands never need it.
    const esdb = await import('@hoso/store-eventstoredb');
    let client: ReturnType<typeof esdb.connectEventStoreDb>;
    try {
      client = esdb.connectEventStoreDb(args.store);
    } catch (e) {
      throw usage('invalid-store', isHosoFailure(e) ? e.error.message : String(e), '--store');
    }
    // One connection for the events and the pupils' openings (docs/personal-data.md §7).
    const store = esdb.openEventStoreDbStore({ client });
    const close = async () => {
      await store.close();
      await client.dispose();
    };
    let personal: PersonalDataStore;
    try {
      personal = await esdb.openEventStoreDbPersonalData({ client, ledger });
    } catch (e) {
      await close();
      throw usage(
        'storage-failure',
        `cannot read the personal-data streams of ledger "${ledger}" at ${args.store}: ${e instanceof Error ? e.message : String(e)}`,
        '--store',
      );
    }
    return { store, ledger, where: args.store, personal, close };
  }
  throw usage('missing-option', 'name the ledger: --db <file> (SQLite) or --store <esdb://…> --ledger <id>', '--db');
}

/** Open, run `f`, and always close. */
export async function withStore<A>(
  args: StoreArgs,
  f: (s: OpenedStore) => Promise<A>,
  options: { readonly create?: boolean; readonly readonly?: boolean } = {},
): Promise<A> {
  const s = await openStore(args, options);
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}
