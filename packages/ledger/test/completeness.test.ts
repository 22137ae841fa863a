/**
 * Specifications of sign-off completeness (given/when/then over events): a subject is signed off and
 * a class confirmed only with every mark entered, or each empty cell excused by a reason the rules
 * allow — a make-up owed (TT22 Điều 7), an exemption or an individual plan (TT22 Điều 11), a
 * transfer out or in (QC Điều 8.2) — and a refusal lists every missing cell.
 */
import { describe, it, expect } from 'vitest';
import { given, type Fact } from '@hoso/ledger/testing';
import type { LedgerEvent, MissingCell } from '@hoso/ledger';
import { P, T, Y, leader, school } from './facts.js';

const subject = { key: T.key, role: 'subject' };
const homeroom = { key: P.key, role: 'homeroom' };
const event = (type: string, data: unknown): LedgerEvent => ({ type, data }) as LedgerEvent;
const doc = { number: '12/QĐ-THCS', date: '2024-10-01' };
const signOff = (term = 'HK1') => ({ type: 'SignOffSubject', data: { year: Y, class: '6A', subject: 'toan', term } });
const confirm = (term = 'HK1') => ({ type: 'ConfirmClass', data: { year: Y, class: '6A', term } });
const signed = (term: string): Fact => ({
  event: event('SubjectSignedOff', { year: Y, class: '6A', subject: 'toan', term }),
  by: subject,
});

/** Toán has 140 periods a year: four regular assessments a term (TT22 Điều 6.2), then gk and ck. */
const COLUMNS = [
  ['tx', 1],
  ['tx', 2],
  ['tx', 3],
  ['tx', 4],
  ['gk', undefined],
  ['ck', undefined],
] as const;

/** The Toán marks of `student` in `term`, every column, except those in `skip` (`tx1`, `gk`, …). */
function marks(student: string, term = 'HK1', skip: readonly string[] = []): Fact[] {
  return COLUMNS.filter(([c, i]) => !skip.includes(`${c}${i ?? ''}`)).map(([column, index]) => ({
    event: event('ScoreEntered', {
      year: Y,
      class: '6A',
      subject: 'toan',
      student,
      term,
      column,
      ...(index === undefined ? {} : { index }),
      value: '7',
    }),
    by: subject,
  }));
}

const windows: Fact[] = [
  { event: event('WindowOpened', { window: 'nam', year: Y, period: 'CN', scope: {} }), by: leader },
];
const base = [...school, ...windows];

/** A second student, registered and put on 6A's list on `date` (from `from`, when given). */
function second(date = '2024-09-05', from?: unknown): Fact[] {
  return [
    {
      event: event('StudentRegistered', {
        student: 'hs-2',
        year: Y,
        class: '6A',
        bio: { name: 'Bình', birthDate: '2013-02-02', sex: 'F' },
      }),
      by: homeroom,
    },
    {
      event: event('StudentEnrolled', {
        year: Y,
        class: '6A',
        student: 'hs-2',
        date,
        ...(from === undefined ? {} : { from }),
      }),
      by: homeroom,
    },
  ];
}

const cell = (student: string, column: string, term = 'HK1'): MissingCell => ({
  student,
  subject: 'toan',
  term: term as 'HK1',
  column,
});

describe('subject sign-off with marks missing (QC Điều 9.1, 9.3)', () => {
  it('is refused, listing every empty cell of every student, and nothing else is wrong', () => {
    const e = given(...base, ...second(), ...marks('hs-1', 'HK1', ['tx3', 'ck']))
      .when(signOff(), [subject])
      .thenRefused('marks-missing', ['data', 'term']);
    expect(e.rule).toBe('QC Điều 9.1, 9.3');
    expect(e.details?.cells).toEqual([
      cell('hs-1', 'tx3'),
      cell('hs-1', 'ck'),
      ...['tx1', 'tx2', 'tx3', 'tx4', 'gk', 'ck'].map((c) => cell('hs-2', c)),
    ]);
    expect(e.details?.more).toBeUndefined();
    expect(e.message).toContain('8 marks are missing');
    expect(e.message).toContain('hs-1 toan HK1 tx3');
  });

  it('goes through once every cell is entered', () => {
    given(...base, ...marks('hs-1'))
      .when(signOff(), [subject])
      .thenEvents(event('SubjectSignedOff', signOff().data));
  });

  it('the year (CN) asks for both terms', () => {
    const e = given(...base, ...marks('hs-1'), signed('HK1'), ...marks('hs-1', 'HK2'), signed('HK2'), ...second())
      .when(signOff('CN'), [subject])
      .thenRefused('marks-missing');
    expect(e.details?.cells?.map((c) => `${c.term} ${c.column}`)).toEqual(
      ['HK1', 'HK2'].flatMap((t) => ['tx1', 'tx2', 'tx3', 'tx4', 'gk', 'ck'].map((c) => `${t} ${c}`)),
    );
  });

  it('a periodic test missed for an accepted reason may stay empty until its make-up (TT22 Điều 7)', () => {
    const missed: Fact = {
      event: event('TestMissed', {
        year: Y,
        class: '6A',
        subject: 'toan',
        student: 'hs-1',
        term: 'HK1',
        column: 'ck',
        reason: 'ốm, nằm viện',
      }),
      by: subject,
    };
    given(...base, ...marks('hs-1', 'HK1', ['ck']), missed)
      .when(signOff(), [subject])
      .thenEvents(event('SubjectSignedOff', signOff().data));
    // A regular assessment has no such reason.
    const e = given(...base, ...marks('hs-1', 'HK1', ['ck', 'tx1']), missed)
      .when(signOff(), [subject])
      .thenRefused('marks-missing');
    expect(e.details?.cells).toEqual([cell('hs-1', 'tx1')]);
  });

  describe('exemptions and individual plans (TT22 Điều 10, 11)', () => {
    const plan = (planSubjects: string[]): Fact => ({
      event: event('IndividualPlanRecorded', {
        year: Y,
        class: '6A',
        student: 'hs-1',
        mode: 'inclusive',
        plan: doc,
        planSubjects,
      }),
      by: leader,
    });
    const exemption = (scope: string, period = 'HK1'): Fact => ({
      event: event('ExemptionDecided', {
        year: Y,
        class: '6A',
        student: 'hs-1',
        subject: 'toan',
        period,
        scope,
        decision: doc,
        reason: 'khuyết tật vận động',
      }),
      by: leader,
    });

    it('a subject the pupil is exempt from for the term (or the year) asks for no column', () => {
      for (const period of ['HK1', 'CN'])
        given(...base, plan([]), exemption('subject', period))
          .when(signOff(), [subject])
          .thenEvents(event('SubjectSignedOff', signOff().data));
    });

    it('an exemption for the other term excuses nothing in this one', () => {
      given(...base, plan([]), exemption('subject', 'HK2'))
        .when(signOff(), [subject])
        .thenRefused('marks-missing');
    });

    it('an exemption from the practical part still asks for every mark (assessed on the theory)', () => {
      const e = given(...base, exemption('practice'), ...marks('hs-1', 'HK1', ['gk']))
        .when(signOff(), [subject])
        .thenRefused('marks-missing');
      expect(e.details?.cells).toEqual([cell('hs-1', 'gk')]);
    });

    it('a subject assessed against the individual plan asks for none of the programme columns', () => {
      given(...base, plan(['toan']))
        .when(signOff(), [subject])
        .thenEvents(event('SubjectSignedOff', signOff().data));
    });
  });

  describe('transfers (QC Điều 8.2)', () => {
    const out = (date: string): Fact => ({
      event: event('StudentTransferred', {
        year: Y,
        class: '6A',
        student: 'hs-2',
        date,
        to: { school: 'THCS Nguyễn Du' },
        reason: 'gia đình chuyển nơi ở',
      }),
      by: homeroom,
    });

    it('a student who left before the term ended owes the class no mark of it', () => {
      given(...base, ...marks('hs-1'), ...second(), out('2024-12-01'))
        .when(signOff(), [subject])
        .thenEvents(event('SubjectSignedOff', signOff().data));
    });

    it('one who left after the term owes its marks', () => {
      const e = given(...base, ...marks('hs-1'), ...second(), ...marks('hs-2', 'HK1', ['ck']), out('2025-02-10'))
        .when(signOff(), [subject])
        .thenRefused('marks-missing');
      expect(e.details?.cells).toEqual([cell('hs-2', 'ck')]);
    });

    it('a student who came from another school after the term owes none of it; one simply enrolled late does', () => {
      given(...base, ...marks('hs-1'), ...second('2025-01-20', { school: 'THCS Lê Lợi' }))
        .when(signOff(), [subject])
        .thenEvents(event('SubjectSignedOff', signOff().data));
      given(...base, ...marks('hs-1'), ...second('2025-01-20'))
        .when(signOff(), [subject])
        .thenRefused('marks-missing');
    });

    it('one who came during the term owes the term, entered here or from the other school’s document', () => {
      const e = given(...base, ...marks('hs-1'), ...second('2024-11-04', { school: 'THCS Lê Lợi' }))
        .when(signOff(), [subject])
        .thenRefused('marks-missing');
      expect(e.details?.cells).toHaveLength(6);
    });
  });

  it('a repeated sign-off is refused as such alone', () => {
    given(...base, ...marks('hs-1'), signed('HK1'), ...second())
      .when(signOff(), [subject])
      .thenProblems('already-signed');
  });
});

describe('class confirmation with marks missing (QC Điều 8.3, 8.4b)', () => {
  const conduct = (student: string, term = 'HK1'): Fact => ({
    event: event('ConductAssessed', { year: Y, class: '6A', student, term, value: 'Tốt' }),
    by: homeroom,
  });

  it('asks for the homeroom’s conduct of every student', () => {
    const e = given(...base, ...marks('hs-1'), signed('HK1'))
      .when(confirm(), [homeroom])
      .thenRefused('marks-missing');
    expect(e.rule).toBe('QC Điều 8.3, 8.4b');
    expect(e.details?.cells).toEqual([{ student: 'hs-1', term: 'HK1', column: 'conduct' }]);
    const ok = given(...base, ...marks('hs-1'), signed('HK1'), conduct('hs-1')).when(confirm(), [homeroom]).result;
    expect(ok._tag === 'Right' && ok.right.map((e) => e.type)).toEqual(['ClassConfirmed']);
  });

  it('asks again for every subject’s marks: a student enrolled after the sign-off is not forgotten', () => {
    const e = given(...base, ...marks('hs-1'), signed('HK1'), conduct('hs-1'), ...second())
      .when(confirm(), [homeroom])
      .thenRefused('marks-missing');
    expect(e.details?.cells).toEqual([
      ...['tx1', 'tx2', 'tx3', 'tx4', 'gk', 'ck'].map((c) => cell('hs-2', c)),
      { student: 'hs-2', term: 'HK1', column: 'conduct' },
    ]);
  });

  it('reports the missing marks beside an unsigned subject', () => {
    given(...base)
      .when(confirm(), [homeroom])
      .thenProblems('out-of-order', 'marks-missing');
  });
});
