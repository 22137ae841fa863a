import { describe, it, expect, beforeAll } from 'vitest';
import { isRight } from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { Score10, TestScore10, WeightKg, HeightCm, regularCount, sameValue } from '@hoso/ledger';
import { buildSchool, as, ok, type School } from '@hoso/ledger/testing';
import { Y, score, refusedNothingWritten } from './helpers.js';

describe('value codecs', () => {
  it('Score10 accepts 0–10 with at most one decimal, written as a string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), (n) => {
        const s = n % 10 === 0 ? String(n / 10) : (n / 10).toFixed(1);
        expect(Score10.is(s)).toBe(true);
      }),
    );
    for (const bad of ['11', '7.25', 'X', '-1', '10.5', '8,5', '', ' 8', '08.5x', '1e1'])
      expect(Score10.is(bad), bad).toBe(false);
    expect(Score10.is(8.5)).toBe(false);
  });
  it('TestScore10 (TT27) takes whole numbers 1–10 only', () => {
    for (const good of ['1', '5', '10']) expect(TestScore10.is(good)).toBe(true);
    for (const bad of ['8.5', '11', '9.0', '-1']) expect(TestScore10.is(bad), bad).toBe(false);
  });
  it('growth measures have plausible ranges and one decimal', () => {
    expect(WeightKg.is('15.2')).toBe(true);
    expect(WeightKg.is('0.5')).toBe(false);
    expect(WeightKg.is('61')).toBe(false);
    expect(HeightCm.is('102.5')).toBe(true);
    expect(HeightCm.is('39.9')).toBe(false);
    expect(HeightCm.is('100.25')).toBe(false);
  });
  it('decimal strings compare by value', () => {
    expect(sameValue('8', '8.0')).toBe(true);
    expect(sameValue('8.5', '8.50')).toBe(true);
    expect(sameValue('8.5', '8.4')).toBe(false);
    expect(sameValue('Đ', 'Đ')).toBe(true);
  });
  it('regular assessment count follows the periods (TT22 Điều 6.2)', () => {
    expect([35, 36, 70, 71, 105].map((p) => regularCount('scored', p))).toEqual([2, 3, 3, 4, 4]);
    expect(regularCount('comment', 105)).toBe(2);
  });
});

describe('entries through execute', () => {
  let s: School;
  beforeAll(async () => {
    s = await buildSchool({ levels: ['primary', 'upper-secondary'] });
    const L = [as(s.people.principal, 'leader')];
    await s.run({ type: 'DefineSubject', data: { subject: 'tieng-viet', name: 'Tiếng Việt' } }, L);
    await s.run(
      {
        type: 'OfferSubject',
        data: {
          year: Y,
          grade: 4,
          subject: 'tieng-viet',
          periodsPerYear: 245,
          assessment: 'level-tested',
          midTermTests: true,
        },
      },
      L,
    );
    await s.run({ type: 'DefineSubject', data: { subject: 'dao-duc', name: 'Đạo đức' } }, L);
    await s.run(
      {
        type: 'OfferSubject',
        data: { year: Y, grade: 4, subject: 'dao-duc', periodsPerYear: 35, assessment: 'level' },
      },
      L,
    );
    await s.run({ type: 'OpenClass', data: { year: Y, class: '4A', grade: 4 } }, L);
    await s.run(
      {
        type: 'GrantRole',
        data: { person: s.people.teacher.id, role: 'subject', year: Y, class: '4A', subject: 'tieng-viet' },
      },
      L,
    );
    await s.run(
      {
        type: 'GrantRole',
        data: { person: s.people.teacher.id, role: 'subject', year: Y, class: '4A', subject: 'dao-duc' },
      },
      L,
    );
    await s.run(
      { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: Y, class: '4A' } },
      L,
    );
    await s.run(
      {
        type: 'EnrollStudent',
        data: {
          year: Y,
          class: '4A',
          student: 'hs-401',
          date: '2024-09-05',
          bio: { name: 'Em Bốn', birthDate: '2015-01-01', sex: 'F' },
        },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
  });
  const T = (): ReturnType<typeof as>[] => [as(s.people.teacher, 'subject')];

  it('refuses 11, 7.25 and X as secondary scores, naming the field and TT22 Điều 5.2', async () => {
    for (const v of ['11', '7.25', 'X']) {
      const e = await refusedNothingWritten(
        s,
        score('hs-001', v),
        T(),
        'invalid-data',
        ['data', 'value'],
        'TT22 Điều 5.2',
      );
      expect(e.message).toContain('0 to 10');
    }
  });
  it('refuses 8.5 as a primary test score (whole numbers, TT27 Điều 7)', async () => {
    await refusedNothingWritten(
      s,
      {
        type: 'EnterTestScore',
        data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-401', period: 'CK1', value: '8.5' },
      },
      T(),
      'invalid-data',
      ['data', 'value'],
      'TT27 Điều 7',
    );
  });
  it('accepts a primary test score, level and mid-term test where the subject has one', async () => {
    ok(
      await s.ledger.execute(
        {
          type: 'EnterTestScore',
          data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-401', period: 'CK1', value: '9' },
        },
        T(),
      ),
    );
    ok(
      await s.ledger.execute(
        {
          type: 'EnterTestScore',
          data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-401', period: 'GK1', value: '7' },
        },
        T(),
      ),
    );
    ok(
      await s.ledger.execute(
        {
          type: 'EnterSubjectLevel',
          data: {
            year: Y,
            class: '4A',
            subject: 'dao-duc',
            student: 'hs-401',
            period: 'CK1',
            value: 'H',
            comment: 'Chăm ngoan',
          },
        },
        T(),
      ),
    );
  });
  it('refuses a test score in a level-only subject and a score in a primary class', async () => {
    await refusedNothingWritten(
      s,
      {
        type: 'EnterTestScore',
        data: { year: Y, class: '4A', subject: 'dao-duc', student: 'hs-401', period: 'CK1', value: '9' },
      },
      T(),
      'wrong-assessment',
      ['type'],
      'TT27 Điều 6, 7',
    );
    await refusedNothingWritten(
      s,
      {
        type: 'EnterScore',
        data: {
          year: Y,
          class: '4A',
          subject: 'tieng-viet',
          student: 'hs-401',
          term: 'HK1',
          column: 'ck',
          value: '8.5',
        },
      },
      T(),
      'wrong-assessment',
      ['type'],
      'TT22 Điều 5',
    );
  });
  it('refuses conduct in a primary class and qualities in a secondary class', async () => {
    await refusedNothingWritten(
      s,
      { type: 'AssessConduct', data: { year: Y, class: '4A', student: 'hs-401', term: 'HK1', value: 'Tốt' } },
      [as(s.people.homeroom, 'homeroom')],
      'wrong-level',
      ['type'],
      'TT22 Điều 8',
    );
    await refusedNothingWritten(
      s,
      {
        type: 'AssessQuality',
        data: { year: Y, class: '10A1', student: 'hs-001', period: 'GK1', aspect: 'trung-thuc', value: 'Tốt' },
      },
      [as(s.people.homeroom, 'homeroom')],
      'wrong-level',
      ['type'],
      'TT27 Điều 6',
    );
  });
  it('numbers regular assessments by the subject periods', async () => {
    ok(await s.ledger.execute(score('hs-002', '7', { index: 4 }), T())); // toan: 105 periods → 4
    await refusedNothingWritten(
      s,
      { ...score('hs-002', '7', { index: 3 }), data: { ...score('hs-002', '7', { index: 3 }).data, subject: 'van' } },
      [as(s.people.homeroom, 'subject')],
      'regular-index-out-of-range',
      ['data', 'index'],
      'TT22 Điều 6.2',
    );
    await refusedNothingWritten(
      s,
      {
        type: 'EnterCommentLevel',
        data: {
          year: Y,
          class: '10A1',
          subject: 'the-duc',
          student: 'hs-002',
          term: 'HK1',
          column: 'tx',
          index: 3,
          value: 'Đ',
        },
      },
      T(),
      'regular-index-out-of-range',
      ['data', 'index'],
    );
    await refusedNothingWritten(
      s,
      score('hs-002', '7', { index: undefined }),
      T(),
      'invalid-data',
      ['data', 'index'],
      'TT22 Điều 6.2',
    );
    await refusedNothingWritten(s, score('hs-002', '7', { column: 'gk', index: 1 }), T(), 'invalid-data', [
      'data',
      'index',
    ]);
  });
  it('refuses a comment level "X" and a score for a comment-only subject', async () => {
    await refusedNothingWritten(
      s,
      {
        type: 'EnterCommentLevel',
        data: { year: Y, class: '10A1', subject: 'the-duc', student: 'hs-003', term: 'HK1', column: 'gk', value: 'X' },
      },
      T(),
      'invalid-data',
      ['data', 'value'],
      'TT22 Điều 5.1',
    );
    await refusedNothingWritten(
      s,
      { ...score('hs-003', '8'), data: { ...score('hs-003', '8').data, subject: 'the-duc' } },
      T(),
      'wrong-assessment',
    );
  });
  it('refuses a second entry of the same cell: values change only by correction (QC Điều 12.3)', async () => {
    ok(await s.ledger.execute(score('hs-003', '6.5'), T()));
    const e = await refusedNothingWritten(
      s,
      score('hs-003', '7'),
      T(),
      'cell-already-entered',
      ['data'],
      'QC Điều 12.3',
    );
    expect(e.details?.['value']).toBe('6.5');
  });
  it('refuses a scope the teacher does not hold (role-not-held), and unknown fields', async () => {
    await refusedNothingWritten(
      s,
      { ...score('hs-001', '8'), data: { ...score('hs-001', '8').data, subject: 'van' } },
      T(),
      'role-not-held',
      ['by', 'key'],
      'QC Điều 7.2',
    );
    await refusedNothingWritten(s, score('hs-001', '8', { weight: 2 }), T(), 'invalid-data', ['data', 'weight']);
    await refusedNothingWritten(s, { type: 'EnterMarks', data: {} }, T(), 'invalid-command', ['type']);
    await refusedNothingWritten(s, { ...score('hs-001', '8'), id: 'not-a-uuid' }, T(), 'invalid-command', ['id']);
  });
  it('refuses absences outside the year and students not on the list', async () => {
    const H = [as(s.people.homeroom, 'homeroom')];
    await refusedNothingWritten(
      s,
      {
        type: 'RecordAbsence',
        data: { year: Y, class: '10A1', student: 'hs-001', date: '2025-07-01', session: 'morning', value: 'P' },
      },
      H,
      'date-outside-year',
      ['data', 'date'],
    );
    await refusedNothingWritten(
      s,
      {
        type: 'RecordAbsence',
        data: { year: Y, class: '10A1', student: 'hs-401', date: '2024-10-01', session: 'morning', value: 'P' },
      },
      H,
      'student-not-in-class',
      ['data', 'student'],
    );
    await refusedNothingWritten(
      s,
      {
        type: 'RecordAbsence',
        data: { year: Y, class: '10A1', student: 'hs-001', date: '2025-02-30', session: 'morning', value: 'P' },
      },
      H,
      'invalid-data',
      ['data', 'date'],
    );
  });
  it('transfers: out of one class, then into the other by its homeroom teacher', async () => {
    const L = [as(s.people.principal, 'leader')];
    await s.run({ type: 'OpenClass', data: { year: Y, class: '10A2', grade: 10 } }, L);
    await s.run({ type: 'GrantRole', data: { person: s.people.vice.id, role: 'homeroom', year: Y, class: '10A2' } }, L);
    const H2 = [as(s.people.vice, 'homeroom')];
    const enrolIn = {
      type: 'EnrollStudent',
      data: { year: Y, class: '10A2', student: 'hs-002', date: '2024-11-01', from: { class: '10A1' } },
    };
    await refusedNothingWritten(s, enrolIn, H2, 'already-enrolled');
    ok(
      await s.ledger.execute(
        {
          type: 'TransferStudent',
          data: {
            year: Y,
            class: '10A1',
            student: 'hs-002',
            date: '2024-11-01',
            to: { class: '10A2' },
            reason: 'xin chuyển',
          },
        },
        [as(s.people.homeroom, 'homeroom')],
      ),
    );
    await refusedNothingWritten(s, score('hs-002', '8', { index: 2 }), T(), 'student-not-in-class');
    await refusedNothingWritten(
      s,
      { ...enrolIn, data: { ...enrolIn.data, from: { class: '10A3' } } },
      H2,
      'transfer-mismatch',
      ['data', 'from'],
    );
    expect(isRight(await s.ledger.execute(enrolIn, H2))).toBe(true);
  });
});
