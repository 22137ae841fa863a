/**
 * Specifications of the rules of the school year as it runs (given/when/then over events): make-ups
 * of missed periodic tests (TT22 Điều 7), results brought by a student transferred in (QC Điều 8.2),
 * exemptions, individual plans and the principal's promotion decision (TT22 Điều 10–12), the class's
 * recognition (TT27 Điều 13.1a), sessions a day, TT27 test scores from 0.
 */
import { describe, it, expect } from 'vitest';
import { given, type Fact } from '@hoso/ledger/testing';
import { TestScore10, type LedgerEvent } from '@hoso/ledger';
import { P, T, Y, enter, founding, leader, school, window } from './facts.js';

const subject = { key: T.key, role: 'subject' };
/** An event as the specs write it: its data built from the commands' literals. */
const event = (type: string, data: unknown): LedgerEvent => ({ type, data }) as LedgerEvent;
const homeroom = { key: P.key, role: 'homeroom' };
const doc = { number: '12/QĐ-THCS', date: '2024-10-01' };
const base = { year: Y, class: '6A', student: 'hs-1' };
const all: Fact[] = [...school, window];

const missed: Fact = {
  event: { type: 'TestMissed', data: { ...base, subject: 'toan', term: 'HK1', column: 'ck', reason: 'ốm, nằm viện' } },
  by: subject,
};
const plan = {
  type: 'RecordIndividualPlan',
  data: { ...base, mode: 'inclusive', plan: doc, planSubjects: ['toan'] },
};
const planned: Fact = { event: event('IndividualPlanRecorded', plan.data), by: leader };

describe('make-ups of missed periodic tests (TT22 Điều 7)', () => {
  it('a make-up result is refused until the test is recorded as missed', () => {
    const e = given(...all)
      .when(enter('7', { makeUp: { taken: true } }), [subject])
      .thenRefused('no-missed-test', ['data', 'makeUp']);
    expect(e.rule).toBe('TT22 Điều 7');
  });

  it('once recorded as missed, the make-up fills the cell, marked as such', () => {
    given(...all, missed)
      .when(enter('7', { makeUp: { taken: true } }), [subject])
      .thenEvents(event('ScoreEntered', enter('7', { makeUp: { taken: true } }).data));
  });

  it('a regular assessment has no make-up of this kind', () => {
    given(...all, missed)
      .when(enter('7', { column: 'tx', index: 1, makeUp: { taken: true } }), [subject])
      .thenRefused('no-missed-test');
  });

  it('a test is recorded missed once, and not after its result is in', () => {
    const cmd = { type: 'RecordMissedTest', data: missed.event.data };
    given(...all, missed)
      .when(cmd, [subject])
      .thenRefused('already-decided', ['data', 'column']);
    const entered: Fact = { event: event('ScoreEntered', enter('6').data), by: subject };
    given(...all, entered)
      .when(cmd, [subject])
      .thenRefused('cell-already-entered', ['data', 'column']);
  });

  it('only the subject teacher records a missed test', () => {
    given(...all)
      .when({ type: 'RecordMissedTest', data: missed.event.data }, [homeroom])
      .thenRefused('not-permitted');
  });
});

describe('results transferred in (QC Điều 8.2)', () => {
  const source = { school: 'THCS Nguyễn Du', document: { number: 'HB-2024-17', date: '2024-11-02' } };

  it('a result read from another school is refused for a student who did not come from one', () => {
    given(...all)
      .when(enter('8', { source }), [subject])
      .thenRefused('not-transferred-in', ['data', 'source']);
  });

  it('is entered with its source for a student enrolled from another school', () => {
    const arrived: Fact[] = [
      {
        event: {
          type: 'StudentRegistered',
          data: { ...base, student: 'hs-2', bio: { name: 'Bình', birthDate: '2013-02-02', sex: 'F' } },
        },
        by: homeroom,
      },
      {
        event: {
          type: 'StudentEnrolled',
          data: { ...base, student: 'hs-2', date: '2024-11-04', from: { school: source.school } },
        },
        by: homeroom,
      },
    ];
    given(...all, ...arrived)
      .when(enter('8', { student: 'hs-2', source }), [subject])
      .thenEvents(event('ScoreEntered', enter('8', { student: 'hs-2', source }).data));
  });

  it('a transfer out carries the document the records were handed out with', () => {
    const data = {
      ...base,
      date: '2024-12-01',
      to: { school: 'THCS Lê Lợi' },
      reason: 'gia đình chuyển nơi ở',
      transcript: { number: '45/GCT', date: '2024-12-01' },
    };
    given(...all)
      .when({ type: 'TransferStudent', data }, [homeroom])
      .thenEvents({ type: 'StudentTransferred', data });
  });
});

describe('exemptions, individual plans, the principal’s decision (TT22 Điều 10–12)', () => {
  const exemption = (scope: string) => ({
    type: 'DecideExemption',
    data: { ...base, subject: 'toan', period: 'CN', scope, decision: doc, reason: 'khuyết tật vận động' },
  });

  it('the practical part is exempted by the leader with the decision’s number', () => {
    given(...all)
      .when(exemption('practice'), [leader])
      .thenEvents(event('ExemptionDecided', exemption('practice').data));
    given(...all)
      .when(exemption('practice'), [homeroom])
      .thenRefused('not-permitted');
  });

  it('a whole subject only for a pupil on an individual plan', () => {
    given(...all)
      .when(exemption('subject'), [leader])
      .thenRefused('no-individual-plan', ['data', 'scope']);
    given(...all, planned)
      .when(exemption('subject'), [leader])
      .thenEvents(event('ExemptionDecided', exemption('subject').data));
  });

  it('an exemption names a subject offered and a student on the list: both problems at once', () => {
    given(...all)
      .when({ ...exemption('practice'), data: { ...exemption('practice').data, subject: 'van', student: 'hs-9' } }, [
        leader,
      ])
      .thenProblems(['student-not-in-class', ['data', 'student']], ['subject-not-offered', ['data', 'subject']]);
  });

  it('an individual plan once a year, its subjects offered', () => {
    given(...all, planned)
      .when(plan, [leader])
      .thenRefused('already-decided');
    given(...all)
      .when({ ...plan, data: { ...plan.data, planSubjects: ['toan', 'van'] } }, [leader])
      .thenRefused('subject-not-offered', ['data', 'planSubjects', 1]);
  });

  it('promotion is decided by the principal for a pupil on a plan, once', () => {
    const decide = { type: 'DecidePromotion', data: { ...base, decision: 'promoted', document: doc } };
    given(...all)
      .when(decide, [leader])
      .thenRefused('no-individual-plan', ['data', 'student']);
    given(...all, planned)
      .when(decide, [leader])
      .thenEvents(event('PromotionDecided', decide.data));
    const decided: Fact = { event: event('PromotionDecided', decide.data), by: leader };
    given(...all, planned, decided)
      .when(decide, [leader])
      .thenRefused('already-decided');
  });
});

describe('the class’s recognition of a primary pupil (TT27 Điều 13.1a)', () => {
  const primary: Fact[] = [
    { event: { type: 'SchoolFounded', data: { ...founding, levels: ['primary', 'lower-secondary'] } }, by: leader },
    ...school.slice(1),
    { event: { type: 'SubjectDefined', data: { subject: 'tieng-viet', name: 'Tiếng Việt' } }, by: leader },
    {
      event: {
        type: 'SubjectOffered',
        data: { year: Y, grade: 3, subject: 'tieng-viet', periodsPerYear: 245, assessment: 'level-tested' },
      },
      by: leader,
    },
    { event: { type: 'ClassOpened', data: { year: Y, class: '3A', grade: 3 } }, by: leader },
    { event: { type: 'RoleGranted', data: { person: P.id, role: 'homeroom', year: Y, class: '3A' } }, by: leader },
    {
      event: {
        type: 'StudentRegistered',
        data: { student: 'hs-3', year: Y, class: '3A', bio: { name: 'Chi', birthDate: '2016-03-03', sex: 'F' } },
      },
      by: homeroom,
    },
    {
      event: { type: 'StudentEnrolled', data: { year: Y, class: '3A', student: 'hs-3', date: '2024-09-05' } },
      by: homeroom,
    },
  ];
  const recognise = {
    type: 'RecordRecognition',
    data: { year: Y, class: '3A', student: 'hs-3', basis: { subject: 'tieng-viet' }, minutes: doc },
  };

  it('is recorded by the homeroom teacher, once a year', () => {
    given(...primary)
      .when(recognise, [homeroom])
      .thenEvents({ type: 'RecognitionRecorded', data: recognise.data });
    const done: Fact = { event: { type: 'RecognitionRecorded', data: recognise.data }, by: homeroom };
    given(...primary, done)
      .when(recognise, [homeroom])
      .thenRefused('already-decided');
  });

  it('is a primary award only', () => {
    given(...primary)
      .when({ ...recognise, data: { ...base, basis: { aspect: 'cham-chi' } } }, [homeroom])
      .thenRefused('wrong-level');
  });
});

describe('sessions a day and TT27 test scores', () => {
  it('sessions a day are set once for a defined year', () => {
    const set = { type: 'SetSessionsPerDay', data: { year: Y, sessionsPerDay: 2 } };
    given(...all)
      .when(set, [leader])
      .thenEvents(event('SessionsPerDaySet', set.data));
    given(...all, { event: event('SessionsPerDaySet', set.data), by: leader })
      .when(set, [leader])
      .thenRefused('already-decided');
    given(...all)
      .when({ ...set, data: { year: '2030-2031', sessionsPerDay: 1 } }, [leader])
      .thenRefused('unknown-year');
    given(...all)
      .when({ ...set, data: { year: Y, sessionsPerDay: 3 } }, [leader])
      .thenRefused('invalid-data');
  });

  it('a TT27 test score may be 0 (TT27 Điều 7.1d), never a decimal', () => {
    expect(TestScore10.is('0')).toBe(true);
    expect(TestScore10.is('0.5')).toBe(false);
  });
});
