import { describe, it, expect } from 'vitest';
import { isRight } from 'fp-ts/lib/Either.js';
import { buildSchool, as, ok } from '@hoso/ledger/testing';
import { recordsProjection } from '../src/records/apply.js';
import type { Records } from '../src/records/state.js';
import { classMarkbook } from '../src/books/markbook.js';
import { memoryCheckpointStore, runProjection } from '../src/runner/index.js';

const Y = '2024-2025';

describe('books over events written by @hoso/ledger (real signatures, roles, corrections)', () => {
  it('folds a signed history into a markbook with resolved people and the correction minutes', async () => {
    const s = await buildSchool({ students: 2 });
    const T = [as(s.people.teacher, 'subject')];
    const enter = (subject: string, term: string, column: string, value: string, index?: number) =>
      s.run(
        {
          type: 'EnterScore',
          data: {
            year: Y,
            class: '10A1',
            subject,
            student: 'hs-001',
            term,
            column,
            value,
            ...(index !== undefined ? { index } : {}),
          },
        },
        T,
      );
    const first = await enter('toan', 'HK1', 'tx', '5.0', 1);
    for (const [i, v] of [
      [2, '5.0'],
      [3, '5.3'],
      [4, '6.0'],
    ] as const)
      await enter('toan', 'HK1', 'tx', v, i);
    await enter('toan', 'HK1', 'gk', '7.0');
    await enter('toan', 'HK1', 'ck', '8.5');
    // The other student's marks and the other subjects, so that the sign-off has nothing missing.
    await s.complete('HK1');
    ok(
      await s.ledger.execute(
        { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        T,
      ),
    );
    ok(
      await s.ledger.execute(
        {
          type: 'Correct',
          data: {
            target: first.events[0]!.id,
            old: '5.0',
            new: '6.0',
            reason: 'cộng nhầm',
            minutes: { number: 'BB-01', date: '2024-10-02', text: 'biên bản' },
          },
        },
        [...T, as(s.people.principal, 'leader'), as(s.people.vice, 'admin')],
      ),
    );
    const run = await runProjection(s.store, 'thpt-test', recordsProjection, memoryCheckpointStore<Records>(), {
      mode: 'rebuild',
    });
    expect(isRight(run)).toBe(true);
    if (!isRight(run)) return;
    const records = run.right.state!;
    expect(records.problems).toEqual([]);
    const book = classMarkbook(records, Y, '10A1');
    expect(isRight(book)).toBe(true);
    if (!isRight(book)) return;
    const toan = book.right.subjects.find((p) => p.subject === 'toan')!;
    expect(toan.regularCount).toBe(4);
    const row = toan.rows.find((r) => r.student === 'hs-001')!;
    // (6.0 + 5.0 + 5.3 + 6.0 + 2·7.0 + 3·8.5) / 9 = 61.8 / 9 = 6.866… → 6.9
    expect(row.HK1.result).toBe('6.9');
    const cell = row.HK1.regular[0]!;
    expect(cell.history.map((v) => v.value)).toEqual(['5.0', '6.0']);
    expect(cell.history[0]!.by).toMatchObject({ person: s.people.teacher.id, role: 'subject' });
    expect(cell.history[1]!.correction).toMatchObject({
      oldMatches: true,
      minutes: { number: 'BB-01' },
      requester: { person: s.people.teacher.id },
      approver: { person: s.people.principal.id, role: 'leader' },
      witness: { person: s.people.vice.id, role: 'admin' },
    });
    expect(toan.status.HK1.signedOff?.by.person).toBe(s.people.teacher.id);
    expect(toan.status.HK1.lock.tx).toMatchObject({ state: 'open', windows: ['nam-hoc'] });
    expect(row.HK2.result).toEqual({
      tag: 'incomplete',
      missing: [['regular', 0], ['regular', 1], ['regular', 2], ['regular', 3], ['mid'], ['end']],
    });
  });
});
