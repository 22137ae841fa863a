import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { createMemoryStore, type StoredEvent } from '@hoso/store';
import { foldRecords } from '../src/records/apply.js';
import type { Records } from '../src/records/state.js';
import { ASPECTS, preschoolBook, primarySummary } from '../src/books/primary.js';
import { register, transfers } from '../src/books/transcript.js';
import { PRESCHOOL_DEFAULTS, TT22 } from '../src/rules/index.js';
import { TestLedger, testKey } from './support/ledger.js';

const Y = '2024-2025';
const L = { key: testKey(1), role: 'leader' };
const H = { key: testKey(3), role: 'homeroom' };
const T = { key: testKey(4), role: 'subject' };
let records: Records;

beforeAll(async () => {
  const store = createMemoryStore();
  const l = new TestLedger(store, 'tieu-hoc');
  l.event(
    'school',
    'SchoolFounded',
    {
      school: 'tieu-hoc',
      name: 'Trường Tiểu học và Mầm non Thử',
      levels: ['preschool', 'primary'],
      leader: { person: 'ht', name: 'Hiệu Trưởng' },
      rootKey: L.key,
      timeZone: 'Asia/Ho_Chi_Minh',
    },
    L,
  );
  for (const [subject, assessment] of [
    ['tieng-viet', 'level-tested'],
    ['toan', 'level-tested'],
    ['dao-duc', 'level'],
  ] as const) {
    l.event('school', 'SubjectDefined', { subject, name: subject }, L);
    l.event('school', 'SubjectOffered', { year: Y, grade: 5, subject, periodsPerYear: 140, assessment }, L);
  }
  for (const [cls, grade] of [
    ['5A', 5],
    ['5B', 5],
    ['la', 0],
  ] as const) {
    l.event(`class/${Y}/${cls}`, 'ClassOpened', { year: Y, class: cls, grade }, L);
  }
  for (const [student, cls, name, birthDate, sex] of [
    ['hoa', '5A', 'Lê Hoa', '2014-05-01', 'F'],
    ['minh', '5A', 'Võ Minh', '2014-08-09', 'M'],
    ['be', 'la', 'Bé Na', '2020-01-15', 'F'],
  ] as const) {
    l.event(
      `student/${student}`,
      'StudentRegistered',
      { student, year: Y, class: cls, bio: { name, birthDate, sex } },
      H,
    );
    l.event(`class/${Y}/${cls}`, 'StudentEnrolled', { year: Y, class: cls, student, date: '2024-09-05' }, H);
  }
  const mb = (s: string) => `markbook/${Y}/5A/${s}`;
  for (const student of ['hoa', 'minh']) {
    for (const subject of ['tieng-viet', 'toan', 'dao-duc']) {
      l.event(
        mb(subject),
        'SubjectLevelEntered',
        { year: Y, class: '5A', subject, student, period: 'CN', value: 'T' },
        T,
      );
      if (subject !== 'dao-duc') {
        l.event(
          mb(subject),
          'TestScoreEntered',
          { year: Y, class: '5A', subject, student, period: 'CN', value: student === 'hoa' ? '9' : '7' },
          T,
        );
      }
    }
    for (const aspect of ASPECTS) {
      if (student === 'minh' && aspect === 'tin-hoc') continue;
      l.event(
        `homeroom/${Y}/5A`,
        'QualityAssessed',
        { year: Y, class: '5A', student, period: 'CN', aspect, value: 'Tốt' },
        H,
      );
    }
  }
  l.event(
    `class/${Y}/5A`,
    'StudentTransferred',
    { year: Y, class: '5A', student: 'minh', date: '2025-02-01', to: { class: '5B' }, reason: 'theo nguyện vọng' },
    H,
  );
  l.event(
    `class/${Y}/5B`,
    'StudentEnrolled',
    { year: Y, class: '5B', student: 'minh', date: '2025-02-01', from: { class: '5A' } },
    H,
  );
  const hr = `homeroom/${Y}/la`;
  for (const [date, value] of [
    ['2024-09-05', 'C'],
    ['2024-09-06', 'P'],
    ['2024-09-09', 'K'],
    ['2024-09-10', 'C'],
  ] as const) {
    l.event(hr, 'AttendanceRecorded', { year: Y, class: 'la', student: 'be', date, value }, H);
  }
  l.event(
    hr,
    'GrowthMeasured',
    { year: Y, class: 'la', student: 'be', date: '2024-09-15', measure: 'weight-kg', value: '12.0' },
    H,
  );
  l.event(
    hr,
    'GrowthMeasured',
    { year: Y, class: 'la', student: 'be', date: '2024-09-15', measure: 'height-cm', value: '95.0' },
    H,
  );
  await l.flush();
  const events: StoredEvent[] = [];
  for await (const e of store.read(l.ledger)) events.push(e);
  records = foldRecords(events);
});

describe('primary class summary (TT27)', () => {
  it('computes the year result from end-of-year levels, tests and qualities', () => {
    expect(records.problems).toEqual([]);
    const s = primarySummary(records, Y, '5A');
    expect(isRight(s)).toBe(true);
    if (!isRight(s)) return;
    expect(s.right.ruleSet.id).toBe('tt27');
    expect(s.right.subjects).toEqual([
      { subject: 'tieng-viet', name: 'tieng-viet', tested: true },
      { subject: 'toan', name: 'toan', tested: true },
      { subject: 'dao-duc', name: 'dao-duc', tested: false },
    ]);
    expect(s.right.pupils[0]).toMatchObject({ student: 'hoa', result: 'Hoàn thành xuất sắc' });
    expect(s.right.pupils[1]!.result).toEqual({ tag: 'incomplete', missing: [['qualities', 'tin-hoc', 'CN']] });
  });
  it('refuses a secondary rule set', () => {
    const s = primarySummary(records, Y, '5A', { ruleSet: TT22 as never });
    expect(isLeft(s) && s.left.code).toBe('wrong-level');
  });
});

describe('transfers and register across classes', () => {
  it('records the move out of 5A and into 5B, and the register shows both enrolments', () => {
    expect(transfers(records, Y).map((t) => [t.direction, t.class, t.student])).toEqual([
      ['out', '5A', 'minh'],
      ['in', '5B', 'minh'],
    ]);
    const minh = register(records).find((e) => e.student === 'minh')!;
    expect(minh.enrolments.map((e) => [e.class, e.enrolled, e.left?.date ?? null])).toEqual([
      ['5A', '2024-09-05', '2025-02-01'],
      ['5B', '2025-02-01', null],
    ]);
  });
});

describe('preschool child book', () => {
  // An illustrative reference (not WHO data): normal curves (L = 1), SD = M·S.
  const reference = (q: { indicator: string }) =>
    q.indicator === 'height-for-age' ? { L: 1, M: 110, S: 0.05 } : { L: 1, M: 14, S: 0.1 };
  it('counts attendance and classifies measurements with the supplied reference', () => {
    const b = preschoolBook(records, Y, 'la', PRESCHOOL_DEFAULTS, reference);
    expect(isRight(b)).toBe(true);
    if (!isRight(b)) return;
    const be = b.right[0]!;
    expect(be.attendance).toMatchObject({ present: 2, excused: 1, unexcused: 1 });
    expect(be.growth).toHaveLength(1);
    const g = be.growth[0]!;
    expect(g.ageDays).toBe(1705);
    expect(g.weight?.value).toBe('12.0');
    // weight z = (12 − 14) / 1.4 = −1.43 → normal; height z = (95 − 110) / 5.5 = −2.73 → stunted.
    expect(g.status['weight-for-age']?.status).toBe('normal');
    expect(g.status['height-for-age']?.z).toBeCloseTo(-2.727, 3);
    expect(g.status['height-for-age']?.status).toBe('stunted');
    expect(g.status['weight-for-height']?.status).toBe('normal');
  });
  it('without a reference the measurements are listed unclassified', () => {
    const b = preschoolBook(records, Y, 'la', PRESCHOOL_DEFAULTS);
    expect(isRight(b) && b.right[0]!.growth[0]!.status).toEqual({});
  });
});
