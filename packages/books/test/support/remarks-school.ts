/**
 * A school year with teachers' remarks (*nhận xét*), written by `@hoso/ledger` (real signatures,
 * roles, windows), for the remark tests of books and print:
 *
 * - primary class 3A (grade 3, TT27), pupil `an`: Toán level `T` at `CN` with a remark, then
 *   corrected to `H` with minutes (the remark stays as written); Đạo đức level `T` without one;
 * - secondary class 10A1 of `buildSchool`, student `hs-001`: conduct `Tốt` in HK1 and `Khá` in HK2,
 *   each with the homeroom teacher's remark, and an absence with its reason.
 */
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import type { StoredEvent } from '@hoso/store';
import { foldRecords } from '../../src/records/apply.js';
import type { Records } from '../../src/records/state.js';

export const Y = '2024-2025';
/** The remarks written, by where they were written. */
export const REMARKS = {
  toan: 'Em tính nhanh, cẩn thận.',
  conductHK1: 'Ngoan, lễ phép, chăm học.',
  conductHK2: 'Cần mạnh dạn phát biểu hơn.',
  absence: 'ốm, có giấy của phụ huynh',
} as const;

/** What {@link writeRemarksYear} wrote. */
export interface RemarksYear {
  readonly school: School;
  readonly records: Records;
  readonly events: StoredEvent[];
}

async function fold(s: School): Promise<{ records: Records; events: StoredEvent[] }> {
  const events: StoredEvent[] = [];
  for await (const e of s.store.read('thpt-test')) events.push(e);
  return { records: foldRecords(events), events };
}

/** Write the year (about 60 signed events) into a memory store and fold it. */
export async function writeRemarksYear(): Promise<RemarksYear> {
  const s = await buildSchool({ students: 1, levels: ['primary', 'upper-secondary'] });
  const L = [as(s.people.principal, 'leader')];
  const H = [as(s.people.homeroom, 'homeroom')];
  const T = [as(s.people.teacher, 'subject')];
  await s.run({ type: 'DefineSubject', data: { subject: 'dao-duc', name: 'Đạo đức' } }, L);
  await s.run(
    {
      type: 'OfferSubject',
      data: { year: Y, grade: 3, subject: 'toan', periodsPerYear: 105, assessment: 'level-tested' },
    },
    L,
  );
  await s.run(
    { type: 'OfferSubject', data: { year: Y, grade: 3, subject: 'dao-duc', periodsPerYear: 35, assessment: 'level' } },
    L,
  );
  await s.run({ type: 'OpenClass', data: { year: Y, class: '3A', grade: 3 } }, L);
  await s.run({ type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: Y, class: '3A' } }, L);
  for (const subject of ['toan', 'dao-duc'])
    await s.run(
      { type: 'GrantRole', data: { person: s.people.teacher.id, role: 'subject', year: Y, class: '3A', subject } },
      L,
    );
  await s.run(
    {
      type: 'EnrollStudent',
      data: {
        year: Y,
        class: '3A',
        student: 'an',
        date: '2024-09-05',
        bio: { name: 'Nguyễn Văn An', birthDate: '2016-04-12', sex: 'M' },
      },
    },
    H,
  );
  const level = { year: Y, class: '3A', student: 'an', period: 'CN' };
  await s.run({ type: 'EnterSubjectLevel', data: { ...level, subject: 'toan', value: 'T', comment: REMARKS.toan } }, T);
  await s.run({ type: 'EnterSubjectLevel', data: { ...level, subject: 'dao-duc', value: 'T' } }, T);
  const target = (await fold(s)).records.cells[`markbook/${Y}/3A/toan#an/CN/level`]!.history[0]!.eventId;
  await s.run(
    {
      type: 'Correct',
      data: {
        target,
        old: 'T',
        new: 'H',
        reason: 'nhập nhầm mức',
        minutes: { number: '05/BB-SCDL', date: '2025-05-20', text: 'biên bản' },
      },
    },
    [...T, ...L, as(s.people.vice, 'admin')],
  );
  const home = { year: Y, class: '10A1', student: 'hs-001' };
  await s.run({ type: 'AssessConduct', data: { ...home, term: 'HK1', value: 'Tốt', comment: REMARKS.conductHK1 } }, H);
  await s.run({ type: 'AssessConduct', data: { ...home, term: 'HK2', value: 'Khá', comment: REMARKS.conductHK2 } }, H);
  await s.run(
    {
      type: 'RecordAbsence',
      data: { ...home, date: '2024-10-14', session: 'morning', value: 'P', reason: REMARKS.absence },
    },
    H,
  );
  const { records, events } = await fold(s);
  return { school: s, records, events };
}
