/**
 * The CLI's state snapshot beside a SQLite ledger (`<db>.state/`): written after commands that
 * appended, read at open, never written by a command that appended nothing, and a snapshot that
 * cannot be written or read is a warning, never a failed command.
 */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRight } from 'fp-ts/lib/Either.js';
import { openSqliteStore } from '@hoso/store-sqlite';
import { buildSchool, as } from '@hoso/ledger/testing';
import type { SnapshotEvent } from '@hoso/ledger';
import { openCliLedger, submitBatch } from '../src/ledger-ops.js';
import { openStore } from '../src/store.js';

/** A SQLite school ledger in a fresh folder. */
async function school(): Promise<{
  dir: string;
  db: string;
  people: Awaited<ReturnType<typeof buildSchool>>['people'];
}> {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-cli-state-'));
  const db = join(dir, 'ledger.db');
  const store = openSqliteStore({ path: db, ledger: 'thpt-test' });
  const s = await buildSchool({ store });
  await store.close();
  return { dir, db, people: s.people };
}

const mark = (student: string, index: number) => ({
  type: 'EnterScore',
  data: { year: '2024-2025', class: '10A1', subject: 'toan', student, term: 'HK1', column: 'tx', index, value: '8' },
});
const NOW = new Date('2024-10-01T08:00:00+07:00');

describe('hoso writing commands: the state snapshot in <db>.state/', () => {
  it('after an append it is saved; the next open reads it; a damaged one is ignored with a note', async () => {
    const { dir, db, people } = await school();
    try {
      const warnings: string[] = [];
      const s = await openStore({ db });
      expect(s.stateDir).toBe(`${db}.state`);
      const first = await openCliLedger(s, { saveAfter: 1, warn: (l) => warnings.push(l) });
      const r = await submitBatch(first.ledger, [mark('hs-001', 1)], [as(people.teacher, 'subject')], NOW);
      expect(isRight(r)).toBe(true);
      await first.afterCommand(1);
      await s.close();
      expect(readdirSync(`${db}.state`)).toEqual(['thpt-test.state']);
      const file = join(`${db}.state`, 'thpt-test.state');
      const written = readFileSync(file);

      // Reopened from the snapshot: one more event is below a threshold of 5, so the snapshot stays.
      const s2 = await openStore({ db });
      const second = await openCliLedger(s2, { saveAfter: 5, warn: (l) => warnings.push(l) });
      expect(second.ledger.state().size).toBe(await s2.store.size('thpt-test'));
      expect(isRight(await submitBatch(second.ledger, [mark('hs-002', 1)], [as(people.teacher, 'subject')], NOW))).toBe(
        true,
      );
      await second.afterCommand(1);
      await s2.close();
      expect(readFileSync(file).equals(written)).toBe(true);
      expect(warnings).toEqual([]);

      // Damaged: ignored, said on warn, the ledger folded whole and still writes.
      writeFileSync(file, written.subarray(0, 100));
      const s3 = await openStore({ db });
      const third = await openCliLedger(s3, { saveAfter: 1, warn: (l) => warnings.push(l) });
      expect(third.ledger.state().size).toBe(await s3.store.size('thpt-test'));
      expect(warnings.join('')).toMatch(/not used \(snapshot-hash\)/);
      expect(isRight(await submitBatch(third.ledger, [mark('hs-003', 1)], [as(people.teacher, 'subject')], NOW))).toBe(
        true,
      );
      await third.afterCommand(1);
      await s3.close();
      expect(readFileSync(file).length).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a command that appended nothing (a dry run, a refusal) and --no-state write no snapshot', async () => {
    const { dir, db, people } = await school();
    try {
      const s = await openStore({ db });
      const dry = await openCliLedger(s, { saveAfter: 1, warn: () => undefined });
      await dry.afterCommand(0);
      expect(existsSync(`${db}.state`)).toBe(false);
      const off = await openCliLedger(s, { state: false, saveAfter: 1, warn: () => undefined });
      expect(isRight(await submitBatch(off.ledger, [mark('hs-001', 1)], [as(people.teacher, 'subject')], NOW))).toBe(
        true,
      );
      await off.afterCommand(1);
      await s.close();
      expect(existsSync(`${db}.state`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a snapshot folder that cannot be written is a warning; the append stands', async () => {
    const { dir, db, people } = await school();
    try {
      // A file where the folder should be: mkdir fails as on read-only media.
      writeFileSync(`${db}.state`, 'not a folder');
      const warnings: string[] = [];
      const s = await openStore({ db });
      const l = await openCliLedger(s, { saveAfter: 1, warn: (x) => warnings.push(x) });
      const before = await s.store.size('thpt-test');
      expect(isRight(await submitBatch(l.ledger, [mark('hs-001', 1)], [as(people.teacher, 'subject')], NOW))).toBe(
        true,
      );
      await l.afterCommand(1);
      expect(await s.store.size('thpt-test')).toBe(before + 1);
      await s.close();
      expect(warnings.join('')).toMatch(/state snapshot not saved .*snapshot-save-failed/);
      expect(statSync(`${db}.state`).isFile()).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('--state-dir puts the snapshot where it is told (the way an EventStoreDB ledger gets one)', async () => {
    const { dir, db, people } = await school();
    try {
      const elsewhere = join(dir, 'elsewhere');
      const s = await openStore({ db });
      const first = await openCliLedger(s, { saveAfter: 1, stateDir: elsewhere, warn: () => undefined });
      expect(isRight(await submitBatch(first.ledger, [mark('hs-001', 1)], [as(people.teacher, 'subject')], NOW))).toBe(
        true,
      );
      await first.afterCommand(1);
      await s.close();
      expect(readdirSync(elsewhere)).toEqual(['thpt-test.state']);
      expect(existsSync(`${db}.state`)).toBe(false);
      const notes: SnapshotEvent[] = [];
      const s2 = await openStore({ db });
      const { openLedger, fileStateSnapshots } = await import('@hoso/ledger');
      const reopened = await openLedger({
        store: s2.store,
        ledger: 'thpt-test',
        snapshots: fileStateSnapshots(elsewhere),
        onSnapshot: (e) => notes.push(e),
      });
      expect(notes.map((e) => e.kind)).toEqual(['loaded']);
      expect(reopened.state().size).toBe(await s2.store.size('thpt-test'));
      await s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
