// @ts-check
/**
 * A vendor's own read model, kept in the vendor's SQLite database (better-sqlite3): the current
 * value of every score cell and, from them, per-class, per-subject averages for a dashboard. The
 * projection is imperative — it writes rows — and the runner calls it inside the same SQLite
 * transaction that moves its checkpoint, so a crash can neither skip an event nor apply one twice.
 *
 * The averages here are a vendor's statistic (mean of the current scores of a class in a subject),
 * not the regulation's ĐTBmhk; they are still computed in exact decimals.
 */
import { decodeEnvelope } from '@hoso/core';
import { divRoundHalfUp, parseScore, toDecimalString, withScale } from '@hoso/books';

/**
 * Create the vendor's tables (idempotent).
 * @param {import('better-sqlite3').Database} db
 */
export function migrate(db) {
  db.exec(`
    CREATE TABLE IF NOT EXISTS hoso_checkpoint (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS score_cell (
      cell TEXT PRIMARY KEY, year TEXT NOT NULL, class TEXT NOT NULL, subject TEXT NOT NULL,
      tenths INTEGER NOT NULL, corrections INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS score_event (event TEXT PRIMARY KEY, cell TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS score_cell_class ON score_cell (year, class, subject);
  `);
}

/**
 * The checkpoint side of the runner's contract, in the same database as the model.
 * @param {import('better-sqlite3').Database} db
 * @returns {import('@hoso/books').TransactionalCheckpoints}
 */
export function sqliteCheckpoints(db) {
  const read = db.prepare('SELECT version, position FROM hoso_checkpoint WHERE name = ?');
  const write = db.prepare(
    'INSERT INTO hoso_checkpoint (name, version, position) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET version = excluded.version, position = excluded.position',
  );
  const remove = db.prepare('DELETE FROM hoso_checkpoint WHERE name = ?');
  return {
    transaction: (fn) => db.transaction(fn)(),
    read: (name) => /** @type {{version: number, position: number} | undefined} */ (read.get(name)) ?? null,
    write: (name, cp) => void write.run(name, cp.version, cp.position),
    remove: (name) => void remove.run(name),
  };
}

const tenthsOf = (/** @type {string} */ value) => {
  const d = parseScore(value);
  if (d._tag === 'Left') throw new Error(`not a score: ${value}`);
  return Number(withScale(d.right, 1).units);
};

/**
 * The imperative projection. `hooks.beforeApply` lets a test simulate a crash at any event.
 * @param {import('better-sqlite3').Database} db
 * @param {{ version?: number, beforeApply?: (position: number) => void }} [hooks]
 * @returns {import('@hoso/books').ImperativeProjection}
 */
export function classAveragesProjection(db, hooks = {}) {
  const upsert = db.prepare(
    'INSERT INTO score_cell (cell, year, class, subject, tenths) VALUES (?, ?, ?, ?, ?) ON CONFLICT(cell) DO UPDATE SET tenths = excluded.tenths',
  );
  const link = db.prepare('INSERT INTO score_event (event, cell) VALUES (?, ?)');
  const target = db.prepare('SELECT cell FROM score_event WHERE event = ?');
  const correct = db.prepare('UPDATE score_cell SET tenths = ?, corrections = corrections + 1 WHERE cell = ?');
  return {
    kind: 'imperative',
    name: 'vendor.class-averages',
    version: hooks.version ?? 1,
    reset() {
      db.exec('DELETE FROM score_cell; DELETE FROM score_event;');
    },
    apply(event) {
      hooks.beforeApply?.(event.position);
      if (event.type !== 'ScoreEntered' && event.type !== 'CorrectionMade') return;
      const env = decodeEnvelope(event.bytes);
      if (env._tag === 'Left') return; // the verifier reports malformed events; a dashboard skips them
      // The fields of ScoreEntered and CorrectionMade that the model reads (docs/events.md).
      const d =
        /** @type {{ year: string, class: string, subject: string, student: string, term: string, column: string,
         *   index?: number, value: string, target: string, new: string }} */ (env.right.data);
      if (event.type === 'ScoreEntered') {
        const cell = `${event.stream}#${d.student}/${d.term}/${d.column}${d.index ?? ''}`;
        upsert.run(cell, d.year, d.class, d.subject, tenthsOf(d.value));
        link.run(event.id, cell);
      } else {
        const row = /** @type {{cell: string} | undefined} */ (target.get(d.target));
        if (row === undefined) return; // a correction of something that is not a score
        correct.run(tenthsOf(d.new), row.cell);
        link.run(event.id, row.cell);
      }
    },
  };
}

/**
 * Per class and subject: number of scores, exact mean to one decimal (half up), corrections.
 * @param {import('better-sqlite3').Database} db
 */
export function classAverages(db) {
  /** @typedef {{ year: string, class: string, subject: string, n: number, total: number, corrections: number }} Row */
  const rows = /** @type {Row[]} */ (
    db
      .prepare(
        'SELECT year, class, subject, COUNT(*) AS n, SUM(tenths) AS total, SUM(corrections) AS corrections FROM score_cell GROUP BY year, class, subject ORDER BY year, class, subject',
      )
      .all()
  );
  return rows.map((r) => ({
    year: r.year,
    class: r.class,
    subject: r.subject,
    scores: r.n,
    average: toDecimalString(divRoundHalfUp({ units: BigInt(r.total), scale: 1 }, r.n, 1)),
    corrections: r.corrections,
  }));
}
