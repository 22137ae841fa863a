/**
 * Teachers' remarks (*nhận xét*) through the records: given entries written by `@hoso/ledger` with
 * a `comment` (a TT27 subject level, TT22 conduct) or a `reason` (an absence), when the records are
 * folded and the books made, then the text is on the entry's version of the cell with its author,
 * a correction of the value leaves it as written, and the primary and secondary học bạ carry it.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { RemarksYear } from './support/remarks-school.js';
import { REMARKS, writeRemarksYear, Y } from './support/remarks-school.js';
import { primaryTranscript } from '../src/books/primary-transcript.js';
import { transcript, attendance } from '../src/books/transcript.js';
import { classMarkbook } from '../src/books/markbook.js';
import { remarkOf } from '../src/books/remarks.js';
import type { Actor, Cell, CellVersion } from '../src/records/state.js';

let year: RemarksYear;
beforeAll(async () => {
  year = await writeRemarksYear();
});

const cell = (key: string): Cell => {
  const c = year.records.cells[key];
  if (c === undefined) throw new Error(`no cell ${key}`);
  return c;
};

describe('remarks in the records', () => {
  it('keeps the comment on the entry version, with its author; the correction version has none', () => {
    const c = cell(`markbook/${Y}/3A/toan#an/CN/level`);
    expect(c.value).toBe('H');
    expect(c.history.map((v) => [v.value, v.comment ?? null, v.correction !== undefined])).toEqual([
      ['T', REMARKS.toan, false],
      ['H', null, true],
    ]);
    expect(c.history[0]!.by.person).toBe(year.school.people.teacher.id);
  });

  it('keeps an absence reason', () => {
    const c = cell(`homeroom/${Y}/10A1#hs-001/2024-10-14/morning`);
    expect(c.history[0]!.reason).toBe(REMARKS.absence);
    const lines = attendance(year.records, Y, '10A1');
    expect(isLeft(lines) ? null : lines.right[0]!.absences[0]!.history[0]!.reason).toBe(REMARKS.absence);
  });

  it('an entry without a comment has no remark', () => {
    expect(remarkOf(cell(`markbook/${Y}/3A/dao-duc#an/CN/level`))).toBeNull();
    expect(remarkOf(null)).toBeNull();
  });
});

describe('remarkOf', () => {
  it('a corrected value keeps the remark as written and says it was written with the old value', () => {
    const r = remarkOf(cell(`markbook/${Y}/3A/toan#an/CN/level`));
    expect(r).toMatchObject({ text: REMARKS.toan, writtenWith: 'T', correctedSince: true });
    expect(r!.by.person).toBe(year.school.people.teacher.id);
  });

  it('the latest plain entry restates the cell: its comment, or none', () => {
    const by: Actor = { key: 'k', role: 'subject', person: 'gv', name: 'GV' };
    const v = (value: string, position: number, comment?: string): CellVersion => ({
      value,
      eventId: `e${position}`,
      position,
      at: '2025-05-01T00:00:00Z',
      by,
      ...(comment !== undefined ? { comment } : {}),
    });
    const base = {
      key: 'k',
      type: 'SubjectLevelEntered' as const,
      stream: 's',
      year: Y,
      class: '3A',
      student: 'an',
      column: 'level',
    };
    const amended: Cell = { ...base, value: 'H', history: [v('T', 1, 'tốt'), v('H', 2, 'khá hơn')] };
    expect(remarkOf(amended)).toMatchObject({ text: 'khá hơn', writtenWith: 'H', correctedSince: false, position: 2 });
    const restated: Cell = { ...base, value: 'H', history: [v('T', 1, 'tốt'), v('H', 2)] };
    expect(remarkOf(restated)).toBeNull();
  });
});

describe('remarks in the books', () => {
  it('the primary học bạ: each subject line carries its end-of-year remark', () => {
    const t = primaryTranscript(year.records, 'an');
    if (isLeft(t)) throw new Error(t.left.message);
    const page = t.right.pages[0]!;
    expect(page.subjects.map((s) => [s.subject, s.level?.value, s.remark?.text ?? null])).toEqual([
      ['toan', 'H', REMARKS.toan],
      ['dao-duc', 'T', null],
    ]);
  });

  it('the secondary học bạ: the homeroom remarks of each term', () => {
    const t = transcript(year.records, 'hs-001');
    if (isLeft(t)) throw new Error(t.left.message);
    const r = t.right.pages[0]!.remarks;
    expect([r.HK1?.text, r.HK2?.text, r.reevaluation]).toEqual([REMARKS.conductHK1, REMARKS.conductHK2, null]);
    expect(r.HK1!.by.person).toBe(year.school.people.homeroom.id);
  });

  it('the markbook: the conduct cells carry the remarks', () => {
    const b = classMarkbook(year.records, Y, '10A1');
    if (isLeft(b)) throw new Error(b.left.message);
    const s = b.right.students[0]!;
    expect([remarkOf(s.HK1.conductCell)?.text, remarkOf(s.HK2.conductCell)?.text]).toEqual([
      REMARKS.conductHK1,
      REMARKS.conductHK2,
    ]);
  });
});
