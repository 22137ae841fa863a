import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { createMemoryStore } from '@hoso/store';
import { runProjection } from '@hoso/books';
import { classAverages, classAveragesProjection, migrate, sqliteCheckpoints } from '../read-model.mjs';
import { ADMIN, DemoLedger, LEADER, TEACHER } from '../demo-ledger.mjs';

function openDb(file: string) {
  const db = new Database(file);
  migrate(db);
  return db;
}

async function demo() {
  const store = createMemoryStore();
  const ledger = new DemoLedger(store, 'demo-school');
  const ids = await ledger.append([
    DemoLedger.score('10A1', 'toan', 'an', '8.5'),
    DemoLedger.score('10A1', 'toan', 'binh', '6.0'),
    DemoLedger.score('10A1', 'toan', 'chau', '7.0'),
    DemoLedger.score('10A2', 'toan', 'dung', '9.0'),
  ]);
  return { store, ledger, ids };
}

describe('vendor read model in SQLite', () => {
  it('keeps exact per-class averages, follows corrections, and survives a reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-vendor-'));
    try {
      const { store, ledger, ids } = await demo();
      let db = openDb(join(dir, 'vendor.db'));
      const r1 = await runProjection(store, 'demo-school', classAveragesProjection(db), sqliteCheckpoints(db), {
        mode: 'catch-up',
      });
      expect(isRight(r1) && r1.right.position).toBe(4);
      // (8.5 + 6.0 + 7.0) / 3 = 7.1666… → 7.2
      expect(classAverages(db)).toEqual([
        { year: '2024-2025', class: '10A1', subject: 'toan', scores: 3, average: '7.2', corrections: 0 },
        { year: '2024-2025', class: '10A2', subject: 'toan', scores: 1, average: '9.0', corrections: 0 },
      ]);
      db.close();
      await ledger.append([
        [
          'markbook/2024-2025/10A1/toan',
          'CorrectionMade',
          {
            target: ids[1],
            old: '6.0',
            new: '6.5',
            reason: 'cộng nhầm',
            minutes: { number: 'BB-1', date: '2024-10-02', text: 'biên bản' },
            requester: TEACHER,
            approver: LEADER,
            witness: ADMIN,
          },
        ],
      ]);
      db = openDb(join(dir, 'vendor.db'));
      const r2 = await runProjection(store, 'demo-school', classAveragesProjection(db), sqliteCheckpoints(db), {
        mode: 'catch-up',
      });
      expect(isRight(r2) && r2.right).toMatchObject({ position: 5, applied: 1, rebuilt: false });
      expect(classAverages(db)[0]).toEqual({
        year: '2024-2025',
        class: '10A1',
        subject: 'toan',
        scores: 3,
        average: '7.3',
        corrections: 1,
      });
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('property: crashes at any event, any batch size, then a restart, equal one rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('10A1', '10A2'), fc.integer({ min: 0, max: 100 })), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 30 }),
        async (marks, batchSize, crashAt) => {
          const store = createMemoryStore();
          const ledger = new DemoLedger(store, 'demo-school');
          await ledger.append(marks.map(([cls, v], i) => DemoLedger.score(cls, 'toan', `s${i}`, (v / 10).toFixed(1))));
          const db = openDb(':memory:');
          const crashing = classAveragesProjection(db, {
            beforeApply: (p) => {
              if (p === crashAt) throw new Error('power cut');
            },
          });
          const first = await runProjection(store, 'demo-school', crashing, sqliteCheckpoints(db), {
            mode: 'catch-up',
            batchSize,
          });
          if (isLeft(first)) {
            expect(first.left.code).toBe('projection-failed');
            expect(sqliteCheckpoints(db).read('vendor.class-averages')!.position).toBe(
              Math.floor(crashAt / batchSize) * batchSize,
            );
          }
          await runProjection(store, 'demo-school', classAveragesProjection(db), sqliteCheckpoints(db), {
            mode: 'catch-up',
            batchSize,
          });
          const fresh = openDb(':memory:');
          await runProjection(store, 'demo-school', classAveragesProjection(fresh), sqliteCheckpoints(fresh), {
            mode: 'rebuild',
          });
          expect(classAverages(db)).toEqual(classAverages(fresh));
          expect(db.prepare('SELECT COUNT(*) AS n FROM score_cell').get()).toEqual({ n: marks.length });
          db.close();
          fresh.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a version bump rebuilds the vendor tables from position 0', async () => {
    const { store } = await demo();
    const db = openDb(':memory:');
    await runProjection(store, 'demo-school', classAveragesProjection(db), sqliteCheckpoints(db), { mode: 'catch-up' });
    db.prepare('UPDATE score_cell SET tenths = 0').run(); // a stale model from an old version
    const r = await runProjection(
      store,
      'demo-school',
      classAveragesProjection(db, { version: 2 }),
      sqliteCheckpoints(db),
      { mode: 'catch-up' },
    );
    expect(isRight(r) && r.right).toMatchObject({ rebuilt: true, applied: 4, version: 2 });
    expect(classAverages(db)[0]!.average).toBe('7.2');
    db.close();
  });
});
