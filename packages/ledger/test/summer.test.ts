/**
 * Re-tests and conduct re-evaluation after the year (TT22 Điều 12): dated after the last term,
 * entered once the year results are final, only in a summer (`HE`) window, corrected like any cell.
 */
import { describe, it, expect, beforeEach } from 'vitest';
import { buildSchool, as, ok, type School } from '@hoso/ledger/testing';
import { Y, minutes, refusedNothingWritten } from './helpers.js';

const retest = (extra: Record<string, unknown> = {}) => ({
  type: 'EnterRetestScore',
  data: { year: Y, class: '10A1', subject: 'toan', student: 'hs-001', value: '5.5', date: '2025-07-05', ...extra },
});
const reeval = (extra: Record<string, unknown> = {}) => ({
  type: 'ReevaluateConduct',
  data: { year: Y, class: '10A1', student: 'hs-001', value: 'Đạt', date: '2025-07-20', ...extra },
});

describe('summer: re-tests and re-evaluation', () => {
  let s: School;
  const T = () => [as(s.people.teacher, 'subject')];
  const H = () => [as(s.people.homeroom, 'homeroom')];
  const L = () => [as(s.people.principal, 'leader')];
  const signOff = async (subject: string, who: 'teacher' | 'homeroom') =>
    s.run({ type: 'SignOffSubject', data: { year: Y, class: '10A1', subject, term: 'HK2' } }, [
      as(s.people[who], 'subject'),
    ]);
  const openSummer = () => s.run({ type: 'OpenWindow', data: { window: 'he', year: Y, period: 'HE', scope: {} } }, L());

  beforeEach(async () => {
    s = await buildSchool();
    s.clock.now = new Date('2025-07-05T08:00:00+07:00');
    // Every mark of term II is in, so the year's sign-offs go through.
    await s.complete('HK2');
  });

  it('a re-test comes after the subject is signed off for the year, in a summer window', async () => {
    await refusedNothingWritten(s, retest(), T(), 'out-of-order', ['data'], 'TT22 Điều 12');
    await signOff('toan', 'teacher');
    // The year window (CN) does not cover the summer.
    const e = await refusedNothingWritten(s, retest(), T(), 'outside-window', ['data']);
    expect(e.message).toMatch(/no entry window/);
    await openSummer();
    await refusedNothingWritten(
      s,
      retest({ date: '2025-05-20' }),
      T(),
      'date-before-year-end',
      ['data', 'date'],
      'TT22 Điều 12',
    );
    await refusedNothingWritten(s, retest({ value: '10.5' }), T(), 'invalid-data', ['data', 'value']);
    await refusedNothingWritten(s, retest({ subject: 'the-duc' }), T(), 'wrong-assessment');
    await refusedNothingWritten(s, retest({ student: 'hs-404' }), T(), 'student-not-in-class');
    await refusedNothingWritten(s, retest(), H(), 'not-permitted', ['by', 'role']);
    const r = ok(await s.ledger.execute(retest(), T()));
    expect(r.events[0]?.type).toBe('RetestScoreEntered');
    expect(s.ledger.state().cells.get('markbook/2024-2025/10A1/toan#hs-001/retest')?.value).toBe('5.5');
    // Once: a second re-test result changes only by a correction.
    await refusedNothingWritten(s, retest({ value: '6' }), T(), 'cell-already-entered');
    ok(
      await s.ledger.execute(
        { type: 'Correct', data: { target: r.events[0]!.id, old: '5.5', new: '6.0', reason: 'cộng sót', minutes } },
        [...T(), as(s.people.principal, 'leader'), as(s.people.vice, 'admin')],
      ),
    );
    expect(s.ledger.state().cells.get('markbook/2024-2025/10A1/toan#hs-001/retest')?.value).toBe('6.0');
  });

  it('a closed summer window locks; a regular window never covers summer cells nor the reverse', async () => {
    await signOff('toan', 'teacher');
    await openSummer();
    await s.run({ type: 'CloseWindow', data: { window: 'he' } }, L());
    await refusedNothingWritten(s, retest(), T(), 'outside-window');
    // Reopening the summer needs a reason (an unlock); closing the year window does not touch it.
    await refusedNothingWritten(
      s,
      { type: 'OpenWindow', data: { window: 'he2', year: Y, period: 'HE', scope: {} } },
      L(),
      'unlock-needs-reason',
    );
    ok(
      await s.ledger.execute(
        {
          type: 'OpenWindow',
          data: { window: 'he2', year: Y, period: 'HE', scope: { column: 'retest' }, reason: 'thi lại đợt 2' },
        },
        L(),
      ),
    );
    ok(await s.ledger.execute(retest(), T()));
  });

  it('conduct re-evaluation: homeroom, after the class is confirmed for the year', async () => {
    await openSummer();
    await refusedNothingWritten(s, reeval(), H(), 'out-of-order', ['data']);
    await signOff('toan', 'teacher');
    await signOff('the-duc', 'teacher');
    await signOff('van', 'homeroom');
    await s.run({ type: 'ConfirmClass', data: { year: Y, class: '10A1', term: 'HK2' } }, H());
    await refusedNothingWritten(s, reeval(), T(), 'not-permitted');
    await refusedNothingWritten(s, reeval({ value: 'Giỏi' }), H(), 'invalid-data', ['data', 'value']);
    const r = ok(await s.ledger.execute(reeval(), H()));
    expect(r.events[0]?.type).toBe('ConductReevaluated');
    expect(s.ledger.state().cells.get('homeroom/2024-2025/10A1#hs-001/reevaluation')?.value).toBe('Đạt');
    // The year's conduct cells stay closed by the confirmation.
    await refusedNothingWritten(
      s,
      { type: 'AssessConduct', data: { year: Y, class: '10A1', student: 'hs-002', term: 'HK2', value: 'Tốt' } },
      H(),
      'cell-signed-off',
    );
  });
});
