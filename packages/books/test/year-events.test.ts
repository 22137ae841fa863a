/**
 * The events of the school year as it runs, written by @hoso/ledger with real signatures and roles,
 * folded into the records the books read: a missed test and its make-up, an exemption, an individual
 * plan and the principal's decision, a transfer out with its transcript, two sessions a day.
 */
import { describe, it, expect } from 'vitest';
import { isRight } from 'fp-ts/lib/Either.js';
import { buildSchool, as } from '@hoso/ledger/testing';
import { recordsProjection } from '../src/records/apply.js';
import { sessionsPerDay, type Records } from '../src/records/state.js';
import { circumstancesOf, gapReason } from '../src/books/circumstances.js';
import { memoryCheckpointStore, runProjection } from '../src/runner/index.js';

const Y = '2024-2025';
const C = '10A1';
const doc = { number: '15/QĐ-THPT', date: '2024-10-01' };

describe('the year’s events in the records', () => {
  it('fold into the circumstances the markbook and the học bạ read', async () => {
    const s = await buildSchool({ students: 3 });
    const T = [as(s.people.teacher, 'subject')];
    const L = [as(s.people.principal, 'leader')];
    const H = [as(s.people.homeroom, 'homeroom')];
    const at = { year: Y, class: C };
    await s.run(
      {
        type: 'RecordMissedTest',
        data: { ...at, subject: 'toan', student: 'hs-001', term: 'HK1', column: 'gk', reason: 'ốm' },
      },
      T,
    );
    await s.run(
      {
        type: 'RecordMissedTest',
        data: { ...at, subject: 'toan', student: 'hs-002', term: 'HK1', column: 'gk', reason: 'ốm' },
      },
      T,
    );
    await s.run(
      {
        type: 'EnterScore',
        data: {
          ...at,
          subject: 'toan',
          student: 'hs-002',
          term: 'HK1',
          column: 'gk',
          value: '6.5',
          makeUp: { taken: true },
        },
      },
      T,
    );
    await s.run(
      {
        type: 'DecideExemption',
        data: {
          ...at,
          student: 'hs-002',
          subject: 'toan',
          period: 'CN',
          scope: 'practice',
          decision: doc,
          reason: 'chấn thương',
        },
      },
      L,
    );
    await s.run(
      {
        type: 'RecordIndividualPlan',
        data: { ...at, student: 'hs-003', mode: 'inclusive', plan: doc, planSubjects: ['toan'] },
      },
      L,
    );
    await s.run(
      { type: 'DecidePromotion', data: { ...at, student: 'hs-003', decision: 'promoted', document: doc } },
      L,
    );
    await s.run({ type: 'SetSessionsPerDay', data: { year: Y, sessionsPerDay: 2 } }, L);
    const transcript = { number: '31/GCT', date: '2024-12-02' };
    await s.run(
      {
        type: 'TransferStudent',
        data: {
          ...at,
          student: 'hs-003',
          date: '2024-12-02',
          to: { school: 'THPT Lê Lợi' },
          reason: 'chuyển nhà',
          transcript,
        },
      },
      H,
    );

    const run = await runProjection(s.store, 'thpt-test', recordsProjection, memoryCheckpointStore<Records>(), {
      mode: 'rebuild',
    });
    if (!isRight(run)) throw new Error('projection failed');
    const r = run.right.state!;
    expect(r.problems).toEqual([]);
    const roster = r.classes[`${Y}/${C}`]!.roster;
    const entry = (student: string) => roster.find((e) => e.student === student)!;

    // The make-up owed for hs-001 is the reason its empty gk cell may stay empty.
    const gk1 = `markbook/${Y}/${C}/toan#hs-001/HK1/gk`;
    expect(r.missedTests[gk1]?.reason).toBe('ốm');
    const c1 = circumstancesOf(r, Y, entry('hs-001'));
    expect(gapReason(r, c1, gk1, 'toan', 'HK1', '2025-01-15')).toBe('make-up-pending');
    // hs-002's make-up is in its cell, marked as such.
    const gk2 = r.cells[`markbook/${Y}/${C}/toan#hs-002/HK1/gk`]!;
    expect(gk2.history[0]).toMatchObject({ value: '6.5', makeUp: { taken: true } });
    const c2 = circumstancesOf(r, Y, entry('hs-002'));
    expect(c2.exemptions).toMatchObject([{ subject: 'toan', period: 'CN', scope: 'practice', decision: doc }]);
    const c3 = circumstancesOf(r, Y, entry('hs-003'));
    expect(c3.plan).toMatchObject({ planSubjects: ['toan'], plan: doc });
    expect(c3.decision).toMatchObject({ decision: 'promoted', document: doc });
    expect(c3.left).toMatchObject({ date: '2024-12-02', to: { school: 'THPT Lê Lợi' }, transcript });
    expect(sessionsPerDay(r, Y)).toBe(2);
  });
});
