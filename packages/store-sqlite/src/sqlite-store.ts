import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  CompactRange,
  HosoFailure,
  hosoError,
  LedgerIdCodec,
  merkleRoot,
  rangeNodes,
  treeConsistencyProof,
  treeInclusionProof,
  treeRoot,
  type NodeSource,
} from '@hoso/core';
import {
  AppendSignal,
  checkConsistencyArgs,
  checkExpected,
  checkInclusionArgs,
  checkTreeSize,
  createSubscription,
  decodeBatch,
  planAppend,
  planChunk,
  resolveReadRange,
  resolveStreamRange,
  storeClosed,
  type AppendOptions,
  type AppendPlan,
  type AppendResult,
  type AppendSession,
  type EventBytes,
  type EventStore,
  type LedgerView,
  type ReadRange,
  type StoreError,
  type StoredEvent,
  type StreamHead,
  type StreamRange,
  type Subscription,
} from '@hoso/store';
import { ensureSchema, STORED_NODE_LEVEL } from './schema.js';
import { storageFailure } from './failure.js';
import type { SqliteExtension } from './extension.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** The ledger file (created when missing, unless `readonly`). */
  readonly path: string;
  /**
   * The ledger this file holds. A new file records it at once; an existing file must already hold
   * it (else the open throws `unknown-ledger`). Without it, the file records the ledger of its
   * first append.
   */
  readonly ledger?: string;
  /**
   * SQLite `synchronous` in WAL mode. `NORMAL` (default): a commit is durable once the WAL is
   * checkpointed; a power loss or OS crash may lose the last transactions acknowledged before it,
   * but never corrupts the file or tears a batch (a process crash loses nothing). `FULL`: every
   * commit is fsynced before it is acknowledged (about 3× slower single appends).
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** Open read-only: reads, roots and proofs work; appends fail with `storage-failure`. */
  readonly readonly?: boolean;
  /** How long a writer waits for another connection's write lock before `storage-failure` (ms, default 5000). */
  readonly busyTimeoutMs?: number;
  /** SQLite page cache of this connection in KiB (default 65536 = 64 MiB). */
  readonly cacheKiB?: number;
  /** How often a subscriber with no in-process signal looks for appends by other processes (ms, default 50). */
  readonly pollMs?: number;
  /** Modules whose tables live in this file and are written in the appends' transactions ({@link SqliteExtension}). */
  readonly extensions?: readonly SqliteExtension[];
}

/**
 * The SQLite {@link EventStore}, plus a durability point: `flush()` checkpoints the WAL into the
 * database file with fsync, so everything acknowledged so far survives a power loss even under
 * `synchronous = NORMAL`. Call it before signing a checkpoint of the current size.
 */
export interface SqliteEventStore extends EventStore {
  /**
   * Make every acknowledged append durable (WAL checkpoint with fsync). @throws HosoFailure `storage-failure`,
   * `store-closed`.
   */
  flush(): Promise<void>;
  /** The file this store reads and writes. */
  readonly path: string;
  /**
   * The ledger id the file holds, or null for a new file that has not been written yet. Lets a
   * tool open a ledger file it knows only by name (`openSqliteStore({ path, readonly: true }).ledger()`).
   */
  ledger(): string | null;
}

interface EventRow {
  position: number;
  id: string;
  stream: string;
  rev: number;
  type: string;
  bytes: Buffer;
  leaf: Buffer;
}

/** A Uint8Array view of a Buffer (tests and callers compare plain Uint8Arrays). */
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const toStored = (r: EventRow): StoredEvent => ({
  position: r.position,
  id: r.id,
  stream: r.stream,
  rev: r.rev,
  type: r.type,
  bytes: u8(r.bytes),
  leafHash: u8(r.leaf),
});

const CHUNK = 512;

/**
 * Open (or create) a SQLite ledger file as an {@link EventStore} (better-sqlite3, WAL). Several
 * connections and processes may share the file: every append runs in a `BEGIN IMMEDIATE`
 * transaction that re-reads the ledger size and the Merkle frontier from the file, so one
 * writer at a time appends, positions stay gapless, and a batch lands whole or not at all.
 * @throws HosoFailure `storage-failure` when the file cannot be opened or is not a hoso ledger;
 * `unknown-ledger` when `ledger` is given and the file holds another one.
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteEventStore {
  const path = options.path;
  if (typeof path !== 'string' || path === '') {
    throw new HosoFailure(
      hosoError('invalid-argument', 'path must be a non-empty string', { path: ['path'], rule: 'sqlite-path' }),
    );
  }
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new HosoFailure(
      hosoError('invalid-argument', "synchronous must be 'NORMAL' or 'FULL'", {
        path: ['synchronous'],
        rule: 'sqlite-synchronous',
      }),
    );
  }
  if (options.ledger !== undefined && !LedgerIdCodec.is(options.ledger)) {
    throw new HosoFailure(
      hosoError('invalid-argument', "ledger must be 1–128 characters from A–Z, a–z, 0–9, '.', '_', '-'", {
        path: ['ledger'],
        rule: 'ledger-id',
      }),
    );
  }
  for (const k of ['cacheKiB', 'busyTimeoutMs', 'pollMs'] as const) {
    const v = options[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) {
      throw new HosoFailure(
        hosoError('invalid-argument', `${k} must be a positive integer`, { path: [k], rule: 'positive-integer' }),
      );
    }
  }
  const readonly = options.readonly === true;
  let db: Database.Database;
  let snapshot: ReadOnlySnapshot | undefined;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly, timeout: options.busyTimeoutMs ?? 5000 });
    if (readonly) {
      try {
        db.pragma('schema_version');
      } catch (e) {
        // A WAL database needs a writable -shm beside it even to be read, so a ledger file on
        // read-only media (an inspector's copy, a read-only mount) cannot be opened in place
        // (SQLite's `immutable` URI parameter would do, but better-sqlite3 is built without URI
        // support). Read a private snapshot of it instead; the original is never touched.
        if ((e as { code?: string }).code !== 'SQLITE_CANTOPEN') throw e;
        db.close();
        snapshot = readOnlySnapshot(path);
        db = new Database(snapshot.path, {
          readonly: true,
          fileMustExist: true,
          timeout: options.busyTimeoutMs ?? 5000,
        });
      }
    }
  } catch (e) {
    snapshot?.remove();
    throw new HosoFailure(storageFailure(e, `cannot open ${path}`));
  }
  try {
    if (!readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    // 64 MiB of page cache (default 2 MiB): appends touch the (stream, rev) and id indexes at
    // random places, and a school-year ledger's indexes outgrow the default cache early.
    db.pragma(`cache_size = -${options.cacheKiB ?? 65_536}`);
    ensureSchema(db, path, readonly);
    for (const x of options.extensions ?? []) x.open(db, readonly);
  } catch (e) {
    db.close();
    snapshot?.remove();
    throw e instanceof HosoFailure ? e : new HosoFailure(storageFailure(e, `cannot open ${path}`));
  }

  const q = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?)'),
    size: db.prepare<[], { size: number }>('SELECT coalesce(max(position) + 1, 0) AS size FROM events'),
    byId: db.prepare<[string], EventRow>(
      'SELECT position, id, stream, rev, type, bytes, leaf FROM events WHERE id = ?',
    ),
    idBytes: db.prepare<[string], { position: number; bytes: Buffer }>(
      'SELECT position, bytes FROM events WHERE id = ?',
    ),
    head: db.prepare<[string], { rev: number; position: number; leaf: Buffer }>(
      'SELECT rev, position, leaf FROM events WHERE stream = ? ORDER BY rev DESC LIMIT 1',
    ),
    // A stream's head among committed events while a streamed append has written more (beginAppend).
    headBefore: db.prepare<[string, number], { rev: number; position: number; leaf: Buffer }>(
      'SELECT rev, position, leaf FROM events WHERE stream = ? AND position < ? ORDER BY rev DESC LIMIT 1',
    ),
    range: db.prepare<[number, number, number], EventRow>(
      'SELECT position, id, stream, rev, type, bytes, leaf FROM events WHERE position >= ? AND position < ? ORDER BY position LIMIT ?',
    ),
    // The lean read: two columns, as arrays (no row object, no id/stream/type strings, no leaf blob).
    rangeBytes: db
      .prepare<[number, number, number], [number, Buffer]>(
        'SELECT position, bytes FROM events WHERE position >= ? AND position < ? ORDER BY position LIMIT ?',
      )
      .raw(true),
    stream: db.prepare<[string, number, number, number], EventRow>(
      'SELECT position, id, stream, rev, type, bytes, leaf FROM events WHERE stream = ? AND rev >= ? AND rev < ? ORDER BY rev LIMIT ?',
    ),
    leaf: db.prepare<[number], { leaf: Buffer }>('SELECT leaf FROM events WHERE position = ?'),
    leaves: db
      .prepare<[number, number], Buffer>(
        'SELECT leaf FROM events WHERE position >= ? AND position < ? ORDER BY position',
      )
      .pluck(),
    node: db.prepare<[number, number], { hash: Buffer }>('SELECT hash FROM nodes WHERE level = ? AND idx = ?'),
    // Prepared on read-only connections too: running them there fails with SQLITE_READONLY, reported as
    // storage-failure.
    insertEvent: db.prepare<[number, string, string, number, string, Uint8Array, Uint8Array]>(
      'INSERT INTO events (position, id, stream, rev, type, bytes, leaf) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertNode: db.prepare<[number, number, Uint8Array]>('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
    // Changes only when another connection (this process or another) commits: while it stays put,
    // what this connection learnt of the file — its size, its stream heads — still holds.
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
  };

  /** The file's ledger id; cached once known (it never changes after it is set). */
  let fileLedger: string | null = q.getMeta.get('ledger')?.value ?? null;
  const readFileLedger = (): string | null => {
    if (fileLedger === null) fileLedger = q.getMeta.get('ledger')?.value ?? null;
    return fileLedger;
  };
  if (options.ledger !== undefined) {
    const current = readFileLedger();
    if (current !== null && current !== options.ledger) {
      db.close();
      throw new HosoFailure(
        hosoError(
          'unknown-ledger',
          `${path} holds ledger ${JSON.stringify(current)}, not ${JSON.stringify(options.ledger)}`,
          {
            path: ['ledger'],
            rule: 'one-ledger-per-file',
            details: { path, fileLedger: current, ledger: options.ledger },
          },
        ),
      );
    }
    if (current === null && !readonly) {
      try {
        db.transaction(() => {
          if (q.getMeta.get('ledger') === undefined) q.setMeta.run('ledger', options.ledger!);
        }).immediate();
      } catch (e) {
        db.close();
        throw new HosoFailure(storageFailure(e, `cannot record the ledger id in ${path}`));
      }
      fileLedger = null;
      readFileLedger();
    }
  }

  /** Whether `ledger` is this file's ledger (an unset file holds no ledger yet: every query is empty). */
  const holds = (ledger: string): boolean => readFileLedger() === ledger;

  /** A subtree below the stored levels, from its leaves (undefined when some are missing). */
  const subtreeOfLeaves = (level: number, index: number): Uint8Array | undefined => {
    const width = 2 ** level;
    const leaves = q.leaves.all(index * width, (index + 1) * width);
    return leaves.length === width ? merkleRoot(leaves.map(u8)) : undefined;
  };
  const nodes: NodeSource = {
    node(level, index) {
      const row =
        level === 0
          ? q.leaf.get(index)?.leaf
          : level < STORED_NODE_LEVEL
            ? subtreeOfLeaves(level, index)
            : q.node.get(level, index)?.hash;
      if (row === undefined) {
        throw new HosoFailure(
          hosoError('storage-failure', `Merkle node (level ${level}, index ${index}) is missing from ${path}`, {
            rule: 'merkle-nodes-complete',
            details: { level, index },
          }),
        );
      }
      return new Uint8Array(row);
    },
  };

  /**
   * The Merkle frontier of the last size this connection saw. Only a cache: every append checks
   * its size against the file inside the write transaction and reloads it on a mismatch (another
   * connection or process appended).
   */
  let frontier: CompactRange | null = null;
  const frontierAt = (size: number): CompactRange => {
    if (frontier !== null && frontier.size === size) return frontier.clone();
    return CompactRange.fromNodes(
      size,
      rangeNodes(0, size).map((id) => nodes.node(id.level, id.index)),
    );
  };

  const extensions = options.extensions ?? [];
  const signal = new AppendSignal();
  const pollMs = options.pollMs ?? 50;
  const subscriptions = new Set<Subscription>();
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) storeClosed('sqlite');
  };

  /**
   * What this connection knows of the file as of `PRAGMA data_version` = `version`: the ledger
   * size and the heads of the streams it has seen. Valid while the data version is unchanged (no
   * other connection committed since); dropped the moment it moves. Lets an append skip the size
   * and head look-ups, and `size()` the size query, when this connection is the only writer.
   */
  let known: {
    version: number;
    size: number;
    readonly heads: Map<string, { rev: number; leafHash: Uint8Array }>;
  } | null = null;
  /** `known` if still valid, else null (and forgotten). */
  const stillKnown = (): typeof known => {
    if (known !== null && q.dataVersion.get() !== known.version) known = null;
    return known;
  };

  /** The streamed append holding this connection's transaction, if any (see beginAppend). */
  let session: { readonly from: number; size: number; readonly ended: Promise<void>; end(): void } | null = null;

  type TxResult = Either<StoreError, { plan: AppendPlan; range: CompactRange | null; version: number }>;
  /**
   * The append transaction. `careful` false: trust `known` (when the data version says it holds)
   * and let the UNIQUE(id) index find an id already stored — the insert then fails, the
   * transaction rolls back, and the caller runs it again with `careful` true, which looks every id
   * up and so answers idempotent retries (`stored`), `duplicate-id` and `partial-batch` exactly.
   */
  const appendTx = db.transaction(
    (ledger: string, batch: Parameters<typeof planAppend>[0], expected: number, careful: boolean): TxResult => {
      // The ledger id never changes once recorded: looked up only until this connection knows it.
      const current = fileLedger ?? q.getMeta.get('ledger')?.value ?? null;
      if (current !== null && current !== ledger) {
        return left(
          hosoError(
            'unknown-ledger',
            `${path} holds ledger ${JSON.stringify(current)}, not ${JSON.stringify(ledger)}`,
            {
              path: ['ledger'],
              rule: 'one-ledger-per-file',
              details: { ledger, fileLedger: current },
            },
          ),
        );
      }
      // Inside the write lock: another process may have appended since this connection last looked,
      // which the data version tells; only then are the size and heads read from the file.
      const version = q.dataVersion.get()!;
      const trusted = careful || known === null || known.version !== version ? null : known;
      const size = trusted?.size ?? q.size.get()!.size;
      const heads = trusted?.heads;
      const view: LedgerView = {
        size,
        byId(id) {
          if (!careful) return null;
          const r = q.idBytes.get(id);
          return r === undefined ? null : { position: r.position, bytes: u8(r.bytes) };
        },
        head(stream) {
          const h = heads?.get(stream);
          if (h !== undefined) return h;
          const r = q.head.get(stream);
          return r === undefined ? null : { rev: r.rev, leafHash: u8(r.leaf) };
        },
      };
      const plan = planAppend(batch, expected, view);
      if (isLeft(plan)) return plan;
      if (plan.right.kind === 'stored') return right({ plan: plan.right, range: null, version });
      if (current === null) q.setMeta.run('ledger', ledger);
      const range = frontierAt(size);
      for (const e of plan.right.events) {
        q.insertEvent.run(e.position, e.id, e.stream, e.rev, e.type, e.bytes, e.leafHash);
        for (const n of range.append(e.leafHash)) {
          if (n.id.level >= STORED_NODE_LEVEL) q.insertNode.run(n.id.level, n.id.index, n.hash);
        }
      }
      for (const x of extensions) x.appended(db, plan.right.events);
      return right({ plan: plan.right, range, version });
    },
  );
  const isConstraint = (e: unknown): boolean =>
    typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('SQLITE_CONSTRAINT');

  async function append(
    ledger: string,
    events: readonly Uint8Array[],
    options: AppendOptions,
  ): Promise<Either<StoreError, AppendResult>> {
    if (closed) return left(hosoError('store-closed', 'the sqlite store is closed', { rule: 'store-open' }));
    if (typeof ledger !== 'string' || ledger === '') {
      return left(
        hosoError('invalid-argument', 'ledger must be a non-empty string', { path: ['ledger'], rule: 'ledger-id' }),
      );
    }
    // A streamed append holds this connection's transaction: wait for it to end.
    while (session !== null) await session.ended;
    if (closed) return left(hosoError('store-closed', 'the sqlite store is closed', { rule: 'store-open' }));
    // Decode and hash outside the write lock: it is the CPU-heavy part and needs no file state.
    const batch = decodeBatch(ledger, events);
    if (isLeft(batch)) return batch;
    let result: TxResult;
    try {
      try {
        result = appendTx.immediate(ledger, batch.right, options?.expected, false);
      } catch (e) {
        // An id already stored (the UNIQUE index said so; nothing was written): decide again
        // with every id looked up.
        if (!isConstraint(e)) throw e;
        result = left(hosoError('duplicate-id', 'an id of the batch is already stored', { rule: 'event-id-unique' }));
      }
      // Every refusal is decided again carefully: an idempotent retry must be told `stored`, not a
      // conflict, and only the careful pass looks ids up.
      if (isLeft(result)) {
        known = null;
        result = appendTx.immediate(ledger, batch.right, options?.expected, true);
      }
    } catch (e) {
      frontier = null;
      known = null;
      return left(storageFailure(e, 'append failed; nothing was written'));
    }
    if (isLeft(result)) return result;
    const { plan, range, version } = result.right;
    if (plan.kind === 'stored') return right({ from: plan.from, size: plan.size, written: 0 });
    frontier = range;
    fileLedger = ledger;
    // This connection's own commit leaves its data version as it was inside the transaction.
    if (known === null || known.version !== version) known = { version, size: plan.size, heads: new Map() };
    known.size = plan.size;
    for (const e of plan.events) known.heads.set(e.stream, { rev: e.rev, leafHash: e.leafHash });
    signal.notify();
    return right({ from: plan.from, size: plan.size, written: plan.events.length });
  }

  /**
   * A streamed append: one `BEGIN IMMEDIATE` transaction from `beginAppend` to `commit`, each chunk
   * decided (`planChunk`) and inserted in it. Other connections wait for the write lock (up to
   * their busy timeout) and see nothing of it; this connection's reads are kept to the committed
   * events (`sizeOf`, `getById`, `streamHead`, `readStream`), and its appends wait for the end.
   */
  async function beginAppend(ledger: string, options: AppendOptions): Promise<Either<StoreError, AppendSession>> {
    if (closed) return left(hosoError('store-closed', 'the sqlite store is closed', { rule: 'store-open' }));
    if (typeof ledger !== 'string' || ledger === '')
      return left(
        hosoError('invalid-argument', 'ledger must be a non-empty string', { path: ['ledger'], rule: 'ledger-id' }),
      );
    const malformed = checkExpected(options?.expected, null);
    if (malformed !== null) return left(malformed);
    while (session !== null) await session.ended;
    if (closed) return left(hosoError('store-closed', 'the sqlite store is closed', { rule: 'store-open' }));
    let from: number;
    let range: CompactRange;
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      return left(storageFailure(e, 'cannot begin the append; nothing was written'));
    }
    const rollback = (): void => {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } finally {
        frontier = null;
        known = null;
      }
    };
    try {
      const current = q.getMeta.get('ledger')?.value ?? null;
      if (current !== null && current !== ledger) {
        rollback();
        return left(
          hosoError(
            'unknown-ledger',
            `${path} holds ledger ${JSON.stringify(current)}, not ${JSON.stringify(ledger)}`,
            {
              path: ['ledger'],
              rule: 'one-ledger-per-file',
              details: { ledger, fileLedger: current },
            },
          ),
        );
      }
      from = q.size.get()!.size;
      const stale = checkExpected(options.expected, from);
      if (stale !== null) {
        rollback();
        return left(stale);
      }
      if (current === null) q.setMeta.run('ledger', ledger);
      range = frontierAt(from);
    } catch (e) {
      rollback();
      return left(storageFailure(e, 'cannot begin the append; nothing was written'));
    }
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    const s = { from, size: from, ended, end: () => end() };
    session = s;
    const finish = (): void => {
      if (session === s) session = null;
      end();
    };
    const over = (): Either<StoreError, never> =>
      left(hosoError('invalid-argument', 'this append session has ended', { rule: 'session-open' }));
    const fail = (e: unknown): Either<StoreError, never> => {
      try {
        rollback();
      } catch {
        /* the connection is failing already: the refusal below says so */
      }
      finish();
      return left(storageFailure(e, 'append failed; nothing was written'));
    };
    return right({
      from,
      async chunk(events) {
        if (session !== s) return over();
        const batch = decodeBatch(ledger, events);
        if (isLeft(batch)) {
          rollback();
          finish();
          return batch;
        }
        try {
          // The transaction sees its own rows: ids and heads of earlier chunks are found in the file.
          const view: LedgerView = {
            size: s.size,
            byId(id) {
              const r = q.idBytes.get(id);
              return r === undefined ? null : { position: r.position, bytes: u8(r.bytes) };
            },
            head(stream) {
              const r = q.head.get(stream);
              return r === undefined ? null : { rev: r.rev, leafHash: u8(r.leaf) };
            },
          };
          const plan = planChunk(batch.right, s.size, view);
          if (isLeft(plan)) {
            rollback();
            finish();
            return plan;
          }
          for (const e of plan.right.events) {
            q.insertEvent.run(e.position, e.id, e.stream, e.rev, e.type, e.bytes, e.leafHash);
            for (const n of range.append(e.leafHash)) {
              if (n.id.level >= STORED_NODE_LEVEL) q.insertNode.run(n.id.level, n.id.index, n.hash);
            }
          }
          for (const x of extensions) x.appended(db, plan.right.events);
          s.size = plan.right.size;
          return right({ from: plan.right.from, size: plan.right.size });
        } catch (e) {
          return fail(e);
        }
      },
      async commit() {
        if (session !== s) return over();
        try {
          db.exec('COMMIT');
        } catch (e) {
          return fail(e);
        }
        frontier = range;
        fileLedger = ledger;
        known = null;
        finish();
        if (s.size > from) signal.notify();
        return right({ from, size: s.size, written: s.size - from });
      },
      async abort() {
        if (session !== s) return;
        try {
          rollback();
        } finally {
          finish();
        }
      },
    });
  }

  /** Run a read against the file, turning SQLite errors into `storage-failure`. */
  const guarded = <T>(f: () => T): T => {
    ensureOpen();
    try {
      return f();
    } catch (e) {
      if (e instanceof HosoFailure) throw e;
      throw new HosoFailure(storageFailure(e, 'read failed'));
    }
  };
  const sizeOf = (ledger: string): number => {
    if (session !== null) return fileLedger === ledger || q.getMeta.get('ledger')?.value === ledger ? session.from : 0;
    if (!holds(ledger)) return 0;
    const k = stillKnown();
    return k !== null ? k.size : q.size.get()!.size;
  };

  async function* read(ledger: string, range?: ReadRange): AsyncGenerator<StoredEvent> {
    const { from, to } = guarded(() => resolveReadRange(range, sizeOf(ledger)));
    // Chunks, not one open cursor: better-sqlite3 refuses other statements on the connection while
    // an iterator is open, and the consumer may append between two events.
    for (let p = from; p < to;) {
      const rows = guarded(() => q.range.all(p, to, CHUNK));
      if (rows.length === 0) break;
      for (const r of rows) yield toStored(r);
      p = rows[rows.length - 1]!.position + 1;
    }
  }

  async function* readBytes(ledger: string, range?: ReadRange): AsyncGenerator<readonly EventBytes[]> {
    const { from, to } = guarded(() => resolveReadRange(range, sizeOf(ledger)));
    // The same chunks as `read` (and for the same reason): each is one statement on a committed
    // state, and [from, to) is fixed at the start, so appends during the iteration change nothing.
    for (let p = from; p < to;) {
      const rows = guarded(() => q.rangeBytes.all(p, to, CHUNK));
      if (rows.length === 0) break;
      const batch: EventBytes[] = new Array<EventBytes>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        batch[i] = { position: r[0], bytes: u8(r[1]) };
      }
      yield batch;
      p = batch[batch.length - 1]!.position + 1;
    }
  }

  async function* readStream(ledger: string, stream: string, range?: StreamRange): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const { fromRev, toRev } = resolveStreamRange(range);
    if (!guarded(() => holds(ledger))) return;
    for (let r = fromRev; r < toRev;) {
      const rows = guarded(() => q.stream.all(stream, r, toRev, CHUNK));
      if (rows.length === 0) break;
      for (const row of rows) {
        // Rows of a streamed append not yet committed come last in their stream (see beginAppend).
        if (session !== null && row.position >= session.from) return;
        yield toStored(row);
      }
      r = rows[rows.length - 1]!.rev + 1;
    }
  }

  const store: SqliteEventStore = {
    kind: 'sqlite',
    path,
    ledger: () => (closed ? fileLedger : readFileLedger()),
    append,
    beginAppend,
    async flush() {
      guarded(() => {
        if (readonly) return;
        // FULL waits for readers to finish with old frames; it fsyncs the WAL and the database.
        const r = db.pragma('wal_checkpoint(FULL)') as Array<{ busy: number; log: number; checkpointed: number }>;
        if (r[0] !== undefined && r[0].busy !== 0) {
          throw new HosoFailure(
            hosoError('storage-failure', 'the WAL checkpoint could not complete (another connection is busy)', {
              rule: 'storage-available',
              details: { sqliteCode: 'SQLITE_BUSY', ...r[0] },
            }),
          );
        }
      });
    },
    async size(ledger) {
      return guarded(() => sizeOf(ledger));
    },
    read,
    readBytes,
    readStream,
    async streamHead(ledger, stream): Promise<StreamHead | null> {
      return guarded(() => {
        if (!holds(ledger)) return null;
        const r = session === null ? q.head.get(stream) : q.headBefore.get(stream, session.from);
        return r === undefined ? null : { rev: r.rev, position: r.position, leafHash: u8(r.leaf) };
      });
    },
    async getById(ledger, id) {
      return guarded(() => {
        if (!holds(ledger)) return null;
        const r = q.byId.get(id);
        return r === undefined || (session !== null && r.position >= session.from) ? null : toStored(r);
      });
    },
    subscribe(ledger, options) {
      const sub: Subscription = createSubscription({
        from: options?.from ?? 0,
        signal,
        pollMs,
        check: () => {
          ensureOpen();
          if (options?.from !== undefined) resolveReadRange({ from: options.from }, 0);
        },
        fetch: (position, limit) =>
          guarded(() =>
            holds(ledger)
              ? q.range.all(position, session === null ? Number.MAX_SAFE_INTEGER : session.from, limit).map(toStored)
              : [],
          ),
        onClose: () => subscriptions.delete(sub),
      });
      subscriptions.add(sub);
      return sub;
    },
    async root(ledger, size) {
      return guarded(() => {
        const ledgerSize = sizeOf(ledger);
        return treeRoot(size === undefined ? ledgerSize : checkTreeSize(size, ledgerSize), nodes);
      });
    },
    async inclusionProof(ledger, index, size) {
      return guarded(() => {
        const a = checkInclusionArgs(index, size, sizeOf(ledger));
        return treeInclusionProof(a.index, a.size, nodes);
      });
    },
    async consistencyProof(ledger, m, n) {
      return guarded(() => {
        const a = checkConsistencyArgs(m, n, sizeOf(ledger));
        return treeConsistencyProof(a.m, a.n, nodes);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      // An unfinished streamed append is rolled back with the connection; its waiters are let go.
      const open = session;
      session = null;
      open?.end();
      db.close();
      snapshot?.remove();
    },
  };
  return store;
}

interface ReadOnlySnapshot {
  readonly path: string;
  remove(): void;
}

/** Copy a ledger file (and its -wal, if any) into a private temporary folder, for reading only. */
function readOnlySnapshot(path: string): ReadOnlySnapshot {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-ro-'));
  const copy = join(dir, basename(path));
  copyFileSync(path, copy);
  if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
  return { path: copy, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
