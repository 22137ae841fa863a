import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { foldRecords } from '../src/records/apply.js';
import { classMarkbook, learnersBook, type Markbook } from '../src/books/markbook.js';
import { GDTX, TT22, TT27, withOverrides, type LearningOutcome } from '../src/rules/index.js';
import type { Records } from '../src/records/state.js';
import { CLASS, KEYS, YEAR, writeSchoolYear, type SchoolYear } from './support/school.js';

let school: SchoolYear;
let records: Records;
let book: Markbook;

beforeAll(async () => {
  school = await writeSchoolYear();
  records = foldRecords(school.events);
  const b = classMarkbook(records, YEAR, CLASS);
  if (isLeft(b)) throw new Error(b.left.message);
  book = b.right;
});

const page = (s: string) => book.subjects.find((p) => p.subject === s)!;
const row = (s: string, student: string) => page(s).rows.find((r) => r.student === student)!;
const summary = (student: string) => book.students.find((s) => s.student === student)!;

describe('class markbook (TT22)', () => {
  it('decodes every event and picks TT22 for grade 10 in 2024-2025', () => {
    expect(records.problems).toEqual([]);
    expect(book.ruleSet.id).toBe('tt22');
    expect(book.homeroom).toEqual(['Lê Chủ Nhiệm']);
    expect(book.subjects.map((p) => p.subject)).toEqual([
      'toan',
      'ngu-van',
      'vat-li',
      'hoa-hoc',
      'sinh-hoc',
      'lich-su',
      'dia-li',
      'tieng-anh',
      'the-duc',
    ]);
    expect(page('toan').regularCount).toBe(3);
    expect(page('the-duc').regularCount).toBe(2);
  });
  it('computes ĐTBmhk and ĐTBmcn exactly (the 6.85 case rounds to 6.9)', () => {
    expect(row('toan', 'an').HK1.result).toBe('6.9');
    expect(row('toan', 'an').HK2.result).toBe('9.0');
    expect(row('toan', 'an').year).toBe('8.3'); // (6.9 + 2·9.0) / 3 = 8.3
    expect(row('the-duc', 'an').year).toBe('Đ');
  });
  it('shows a corrected cell with its whole history and the minutes', () => {
    const cell = row('vat-li', 'an').HK1.end!;
    expect(cell.value).toBe('8');
    expect(cell.history.map((v) => v.value)).toEqual(['6', '8']);
    const [entry, fix] = cell.history;
    expect(entry!.by).toMatchObject({ key: KEYS.teacher, person: 'gvbm', name: 'Phạm Bộ Môn' });
    expect(entry!.correction).toBeUndefined();
    expect(fix!.correction).toMatchObject({
      target: school.correctedEntry,
      old: '6',
      oldMatches: true,
      minutes: { number: 'BB-07/2025' },
      requester: { person: 'gvbm' },
      approver: { person: 'hieu-truong', role: 'leader' },
      witness: { person: 'quan-tri', role: 'admin' },
    });
    expect(row('vat-li', 'an').HK1.result).toBe('8.0');
  });
  it('learning, conduct, absences, promotion and award of a complete student', () => {
    const an = summary('an');
    expect((an.year.learning as LearningOutcome).level).toBe('Tốt');
    expect(an.year.conduct).toBe('Tốt');
    expect(an.year.absences).toEqual({ excused: 1, unexcused: 1, total: 2, sessionsPerDay: 1, counted: 2 });
    expect(an.year.promotion).toEqual({ status: 'promoted' });
    expect(an.year.award).toBe('Học sinh Giỏi');
  });
  it('the book as of an earlier position shows the value before the correction, and its consequences', () => {
    const before = classMarkbook(foldRecords(school.events.slice(0, school.correctionAt)), YEAR, CLASS);
    expect(isRight(before)).toBe(true);
    if (isRight(before)) {
      const vl = before.right.subjects.find((p) => p.subject === 'vat-li')!.rows.find((r) => r.student === 'an')!;
      expect(vl.HK1.result).toBe('7.3'); // (24 + 16 + 18) / 8 = 7.25 → 7.3
      expect(vl.HK1.end!.history).toHaveLength(1);
    }
  });
  it('a missing end-of-term mark makes the affected results incomplete, naming it', () => {
    const b = summary('binh');
    expect(row('hoa-hoc', 'binh').HK2.result).toEqual({ tag: 'incomplete', missing: [['end']] });
    expect(b.HK2.learning).toEqual({ tag: 'incomplete', missing: [['hoa-hoc', 'end']] });
    expect(b.year.learning).toEqual({ tag: 'incomplete', missing: [['hoa-hoc', 'term2', 'end']] });
    expect((b.HK1.learning as LearningOutcome).level).toBe('Khá');
    expect(b.year.conduct).toBe('Tốt'); // II Tốt, I Khá
    expect(b.year.promotion).toMatchObject({ tag: 'incomplete' });
  });
  it('sign-off and lock status per column', () => {
    expect(page('toan').status.HK1.signedOff).toMatchObject({ by: { person: 'gvbm' } });
    expect(page('toan').status.HK2.signedOff).toBeNull();
    expect(page('toan').status.HK1.lock).toMatchObject({ tx: { state: 'locked' }, ck: { state: 'locked' } });
    expect(page('toan').status.HK2.lock.gk).toEqual({ state: 'open', windows: ['hk2'], cellWindows: [] });
  });
  it('a province override changes the result and is named in the book', () => {
    const strict = withOverrides(TT22, { good: { highCount: 7 } });
    if (isLeft(strict)) throw new Error('override refused');
    const b = classMarkbook(records, YEAR, CLASS, { ruleSet: strict.right });
    expect(isRight(b) && b.right.ruleSet.overridden).toEqual(['good.highCount']);
    expect(isRight(b) && (b.right.students[0]!.year.learning as LearningOutcome).level).toBe('Khá');
  });
  it('refuses an unknown class and a rule set of another level', () => {
    const a = classMarkbook(records, YEAR, '12Z');
    expect(isLeft(a) && a.left).toMatchObject({ code: 'unknown-class', path: ['class'] });
    const b = classMarkbook(records, '2021-2022', CLASS);
    expect(isLeft(b) && b.left.code).toBe('unknown-class');
    const c = classMarkbook(records, YEAR, CLASS, { ruleSet: TT27 });
    expect(isLeft(c) && c.left).toMatchObject({ code: 'wrong-level', path: ['ruleSet'] });
  });
  it("the GDTX learners' book uses the TT43 rule set and its overrides", () => {
    const g = learnersBook(records, YEAR, CLASS);
    expect(isRight(g) && g.right.ruleSet).toEqual({ id: 'gdtx', regulation: GDTX.regulation, overridden: [] });
    const lenient = withOverrides(GDTX, { maxAbsentSessions: 1 });
    if (isLeft(lenient)) throw new Error('override refused');
    const h = learnersBook(records, YEAR, CLASS, { ruleSet: lenient.right });
    expect(isRight(h) && h.right.students[0]!.year.promotion).toEqual({ status: 'retained', reasons: ['absences'] });
  });
});
