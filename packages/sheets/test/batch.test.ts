/**
 * The import's batch: decided on a scratch state, appended once. The scratch state is let go when
 * the batch commits (the ledger checks the events again on its own), so a large file does not hold
 * two copies of the ledger's state through the append.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { as } from '@hoso/ledger/testing';
import { openBatch } from '../src/index.js';
import { sqliteSchool, type SqliteSchool } from './school.js';

let school: SqliteSchool | undefined;
afterEach(async () => {
  await school?.close();
  school = undefined;
});

const score = (student: string, column: 'gk' | 'ck', value: string) => ({
  type: 'EnterScore',
  data: { year: '2024-2025', class: '10A1', subject: 'toan', student, term: 'HK1', column, value },
});

describe('openBatch', () => {
  it('appends what it kept in one go, and cannot be read or committed again afterwards', async () => {
    const s = (school = await sqliteSchool());
    const batch = await openBatch(s.ledger, [as(s.people.teacher, 'subject')], s.clock.now);
    const before = s.ledger.state().size;
    expect(await batch.add(score('hs-001', 'gk', '8'))).toBeNull();
    expect(await batch.add(score('hs-002', 'gk', '7.5'))).toBeNull();
    // The second entry of one cell is refused against the scratch state, which holds the first.
    expect((await batch.add(score('hs-001', 'gk', '9')))?.code).toBe('cell-already-entered');
    expect(batch.state.size).toBe(before + 2);
    expect(s.ledger.state().size).toBe(before);

    const r = await batch.commit();
    if (isLeft(r)) throw new Error(r.left.error.message);
    expect(r.right).toMatchObject({ events: 2, from: before, size: before + 2, duplicate: false });
    expect(s.ledger.state().size).toBe(before + 2);
    expect(() => batch.state).toThrow(/committed/);
    await expect(batch.commit()).rejects.toThrow(/committed/);
    await expect(batch.add(score('hs-003', 'gk', '6'))).rejects.toThrow(/committed/);
    expect(s.ledger.state().size).toBe(before + 2);
  });
});
