/**
 * The primary học bạ (TT27) over a history written by `@hoso/ledger` (real signatures, roles,
 * windows, a correction with minutes): given a school year of class 3A and 3B, when the học bạ of a
 * pupil is made, then each end-of-year value, the year result, award and completion are the ones
 * the records and the TT27 rule set give — blank where the records hold nothing.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import type { School } from '@hoso/ledger/testing';
import type { Records } from '../src/records/state.js';
import { primaryAward, primarySummary, programmeCompletion } from '../src/books/primary.js';
import { primaryTranscript, type PrimaryTranscriptPage } from '../src/books/primary-transcript.js';
import { transcript } from '../src/books/transcript.js';
import { writePrimaryYear, Y } from './support/primary-school.js';

let s: School;
let records: Records;
let correctionEvent = '';

beforeAll(async () => {
  const year = await writePrimaryYear();
  ({ school: s, records, correctionEvent } = year);
});

function pageOf(student: string): PrimaryTranscriptPage {
  const t = primaryTranscript(records, student);
  if (isLeft(t)) throw new Error(t.left.message);
  expect(t.right.pages).toHaveLength(1);
  return t.right.pages[0]!;
}

describe('primary học bạ (TT27)', () => {
  it('a complete year: end-of-year levels and tests, qualities and competencies, HTXS, award and completion', () => {
    const p = pageOf('an');
    expect(p).toMatchObject({
      year: Y,
      class: '3A',
      grade: 3,
      ruleSet: 'tt27',
      result: 'Hoàn thành xuất sắc',
      award: 'Học sinh Xuất sắc',
      completion: 'Hoàn thành chương trình lớp học',
    });
    expect(p.subjects.map((x) => [x.name, x.tested, x.level?.value, x.test?.value ?? null])).toEqual([
      ['Tiếng Việt', true, 'T', '9'],
      ['Toán', true, 'T', '10'],
      ['Đạo đức', false, 'T', null],
    ]);
    expect(p.subjects[0]!.teachers).toEqual(['Test gv-toan']);
    expect(p.qualities.map((q) => q.aspect)).toEqual(['yeu-nuoc', 'nhan-ai', 'cham-chi', 'trung-thuc', 'trach-nhiem']);
    expect(p.generalCompetencies).toHaveLength(3);
    expect(p.specificCompetencies).toHaveLength(7);
    expect(
      [...p.qualities, ...p.generalCompetencies, ...p.specificCompetencies].every((a) => a.level?.value === 'Tốt'),
    ).toBe(true);
    expect(p.homeroom).toEqual(['Test gvcn-10a1']);
    // 3A never signed its year: no confirmation or approval on the page.
    expect(p.signoffs).toEqual({ confirmed: null, approved: null, sealed: null });
  });

  it('a corrected test score keeps its history: the old value, the minutes and the three signers', () => {
    const p = pageOf('an');
    expect(p.corrections).toHaveLength(1);
    const c = p.corrections[0]!;
    expect(c.history.map((v) => v.value)).toEqual(['9', '10']);
    expect(c.history[1]!.eventId).toBe(correctionEvent);
    expect(c.history[1]!.correction).toMatchObject({
      old: '9',
      oldMatches: true,
      reason: 'cộng sót điểm câu 5',
      minutes: { number: '02/BB-SCDL' },
    });
    expect([
      c.history[1]!.correction!.requester.person,
      c.history[1]!.correction!.approver.person,
      c.history[1]!.correction!.witness.person,
    ]).toEqual([s.people.teacher.id, s.people.principal.id, s.people.vice.id]);
  });

  it('an incomplete year: the result, award and completion stay incomplete, never guessed', () => {
    const p = pageOf('binh');
    expect(p.result).toEqual({ tag: 'incomplete', missing: [['qualities', 'the-chat', 'CN']] });
    expect(p.award).toMatchObject({ tag: 'incomplete' });
    expect(p.completion).toMatchObject({ tag: 'incomplete' });
    expect(p.specificCompetencies.find((a) => a.aspect === 'the-chat')!.level).toBeNull();
  });

  it('agrees with the class summary on every year result (QC Điều 12.2)', () => {
    const sum = primarySummary(records, Y, '3A');
    expect(isRight(sum)).toBe(true);
    if (!isRight(sum)) return;
    for (const student of ['an', 'binh'])
      expect(pageOf(student).result).toEqual(sum.right.pupils.find((x) => x.student === student)!.result);
  });

  it('a pupil who changed class mid-year: one page, signed by the second class, with the transfer; HTT unrecognised by a confirmed class: no award', () => {
    const p = pageOf('chi');
    expect(p.class).toBe('3B');
    expect(p.enrolments.map((e) => [e.class, e.enrolled, e.left?.date ?? null])).toEqual([
      ['3A', '2024-09-05', '2025-01-20'],
      ['3B', '2025-01-20', null],
    ]);
    // The end-of-year values are 3B's; 3A's term I values do not leak onto the year.
    expect(p.subjects.map((x) => [x.level?.value, x.level?.class, x.test?.value ?? null])).toEqual([
      ['T', '3B', '8'],
      ['T', '3B', '8'],
      ['T', '3B', null],
    ]);
    expect(p.result).toBe('Hoàn thành tốt');
    expect(p.recognition).toBeNull();
    expect(p.award).toBeNull();
    expect(p.completion).toBe('Hoàn thành chương trình lớp học');
    expect(p.signoffs.confirmed?.by.person).toBe(s.people.homeroom.id);
    expect(p.signoffs.approved?.by.person).toBe(s.people.principal.id);
  });

  it('secondary classes are not primary pages; the TT22 học bạ still leaves primary classes out', () => {
    const t = primaryTranscript(records, 'hs-001');
    expect(isRight(t) && t.right.pages).toEqual([]);
    const sec = transcript(records, 'an');
    expect(isRight(sec) && sec.right.pages).toEqual([]);
  });

  it("a quality's end-of-year remark is on its line, with its author (the học bạ's *nhận xét* column)", () => {
    const key = Object.keys(records.cells).find((k) => k.includes('#an/CN/trung-thuc'))!;
    const r = structuredClone(records);
    const cell = r.cells[key]!;
    const last = cell.history.at(-1)!;
    r.cells[key] = {
      ...cell,
      history: [...cell.history.slice(0, -1), { ...last, comment: 'Luôn nói thật, nhận lỗi khi sai.' }],
    };
    const t = primaryTranscript(r, 'an');
    if (isLeft(t)) throw new Error(t.left.message);
    const line = t.right.pages[0]!.qualities.find((q) => q.aspect === 'trung-thuc')!;
    expect(line.remark).toMatchObject({ text: 'Luôn nói thật, nhận lỗi khi sai.', writtenWith: 'Tốt', by: last.by });
    // Without a comment the line has no remark.
    expect(pageOf('an').qualities.every((q) => q.remark === null)).toBe(true);
  });

  it('a pupil on an individual education plan: the page carries the plan', () => {
    const r = structuredClone(records);
    const by = pageOf('an').signoffs.confirmed?.by ?? { key: 'k', role: 'leader', person: 'hieu-truong', name: 'H' };
    r.plans[`${Y}/an`] = {
      year: Y,
      student: 'an',
      mode: 'inclusive',
      plan: { number: 'KHGDCN-01', date: '2024-09-15' },
      planSubjects: ['toan'],
      position: 1,
      by,
    };
    const t = primaryTranscript(r, 'an');
    if (isLeft(t)) throw new Error(t.left.message);
    expect(t.right.pages[0]!.plan?.plan.number).toBe('KHGDCN-01');
    expect(pageOf('an').plan).toBeNull();
  });

  it('refuses an unknown pupil', () => {
    const t = primaryTranscript(records, 'nobody');
    expect(isLeft(t) && t.left).toMatchObject({ code: 'unknown-student', path: ['student'] });
  });
});

describe('award and completion from the year result (TT27)', () => {
  it('HTXS → Học sinh Xuất sắc; HTT → the class decides (TT27 Điều 13.1a); HT, CHT → none', () => {
    expect(primaryAward('Hoàn thành xuất sắc')).toBe('Học sinh Xuất sắc');
    expect(primaryAward('Hoàn thành tốt')).toEqual({ tag: 'incomplete', missing: [['class-recognition']] });
    const recognised = {
      year: '2024-2025',
      class: '3B',
      student: 'chi',
      basis: { subject: 'toan' },
      position: 9,
      by: { key: 'k', role: 'homeroom', person: 'gvcn', name: 'GVCN' },
    };
    expect(primaryAward('Hoàn thành tốt', recognised)).toBe(
      'Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện',
    );
    expect(primaryAward('Hoàn thành tốt', null, true)).toBeNull();
    expect(primaryAward('Hoàn thành', recognised)).toBeNull();
    expect(primaryAward('Hoàn thành')).toBeNull();
    expect(primaryAward('Chưa hoàn thành')).toBeNull();
  });
  it('grade 5 completes the primary programme; CHT completes nothing yet', () => {
    expect(programmeCompletion(5, 'Hoàn thành')).toBe('Hoàn thành chương trình tiểu học');
    expect(programmeCompletion(4, 'Hoàn thành tốt')).toBe('Hoàn thành chương trình lớp học');
    expect(programmeCompletion(5, 'Chưa hoàn thành')).toBe('Chưa hoàn thành chương trình lớp học');
  });
});
