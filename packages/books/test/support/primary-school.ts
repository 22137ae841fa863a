/**
 * A primary school year written by `@hoso/ledger` (real signatures, roles, windows), for the
 * primary học bạ tests of books and print: class 3A and 3B of 2024-2025 (grade 3, TT27), subjects
 * Tiếng Việt and Toán (levels and tests) and Đạo đức (levels only).
 *
 * - `an`: every end-of-year value at the top (HTXS); the Toán test entered 9, corrected to 10 with
 *   minutes 02/BB-SCDL;
 * - `binh`: the physical competency never assessed (the year result is incomplete);
 * - `chi`: term I in 3A, moved to 3B on 2025-01-20, the year in 3B (HTT); 3B signs its year
 *   (subject sign-offs, homeroom confirmation, principal's approval).
 *
 * The school also has the secondary class 10A1 of `buildSchool` with pupil `hs-001`.
 */
import { as, buildSchool, completeMarks, type School } from '@hoso/ledger/testing';
import type { StoredEvent } from '@hoso/store';
import { foldRecords } from '../../src/records/apply.js';
import type { Records } from '../../src/records/state.js';
import { ASPECTS } from '../../src/books/primary.js';

export const Y = '2024-2025';
export const PRIMARY_SUBJECTS = [
  ['tieng-viet', 'Tiếng Việt', 'level-tested'],
  ['toan', 'Toán', 'level-tested'],
  ['dao-duc', 'Đạo đức', 'level'],
] as const;
const SUBJECTS = PRIMARY_SUBJECTS;

/** What {@link writePrimaryYear} wrote. */
export interface PrimaryYear {
  readonly school: School;
  readonly records: Records;
  readonly events: StoredEvent[];
  /** Id of the correction event of An's Toán test. */
  readonly correctionEvent: string;
}

async function fold(s: School): Promise<{ records: Records; events: StoredEvent[] }> {
  const events: StoredEvent[] = [];
  for await (const e of s.store.read('thpt-test')) events.push(e);
  return { records: foldRecords(events), events };
}

/** Write the year (about 200 signed events) into a memory store. */
export async function writePrimaryYear(): Promise<PrimaryYear> {
  const s = await buildSchool({ students: 1, levels: ['primary', 'upper-secondary'] });
  await fillPrimaryYear(s);
  const { records, events } = await fold(s);
  const correctionEvent = records.cells[`markbook/${Y}/3A/toan#an/CN/test`]!.history[1]!.eventId;
  return { school: s, records, events, correctionEvent };
}

/** Write the primary year into a school made by `buildSchool` with the `primary` level (ledger `thpt-test`). */
export async function fillPrimaryYear(s: School): Promise<void> {
  const L = [as(s.people.principal, 'leader')];
  const H = [as(s.people.homeroom, 'homeroom')];
  const T = [as(s.people.teacher, 'subject')];
  for (const [subject, name, assessment] of SUBJECTS) {
    if (subject !== 'toan') await s.run({ type: 'DefineSubject', data: { subject, name } }, L);
    await s.run({ type: 'OfferSubject', data: { year: Y, grade: 3, subject, periodsPerYear: 105, assessment } }, L);
  }
  for (const cls of ['3A', '3B']) {
    await s.run({ type: 'OpenClass', data: { year: Y, class: cls, grade: 3 } }, L);
    await s.run(
      { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: Y, class: cls } },
      L,
    );
    for (const [subject] of SUBJECTS)
      await s.run(
        { type: 'GrantRole', data: { person: s.people.teacher.id, role: 'subject', year: Y, class: cls, subject } },
        L,
      );
  }
  const pupils = [
    ['an', 'Nguyễn Văn An', 'M'],
    ['binh', 'Trần Thị Bình', 'F'],
    ['chi', 'Lê Thị Chi', 'F'],
  ] as const;
  for (const [student, name, sex] of pupils) {
    await s.run(
      {
        type: 'EnrollStudent',
        data: {
          year: Y,
          class: '3A',
          student,
          date: '2024-09-05',
          bio: { name, birthDate: '2016-04-12', sex, birthPlace: 'Đắk Nông', ethnicity: 'Kinh' },
        },
      },
      H,
    );
  }
  /** Every subject level and test, and every quality and competency, of `student` in `cls` at `period`. */
  const fill = async (
    cls: string,
    student: string,
    period: string,
    level: string,
    test: string,
    quality: string,
    skip: readonly string[] = [],
  ) => {
    for (const [subject, , assessment] of SUBJECTS) {
      await s.run(
        { type: 'EnterSubjectLevel', data: { year: Y, class: cls, subject, student, period, value: level } },
        T,
      );
      if (assessment === 'level-tested')
        await s.run(
          { type: 'EnterTestScore', data: { year: Y, class: cls, subject, student, period, value: test } },
          T,
        );
    }
    for (const aspect of ASPECTS) {
      if (skip.includes(aspect)) continue;
      await s.run({ type: 'AssessQuality', data: { year: Y, class: cls, student, period, aspect, value: quality } }, H);
    }
  };
  // Chi changes class at the start of term II: her term I in 3A, her year in 3B.
  await fill('3A', 'chi', 'CK1', 'H', '6', 'Đạt');
  await s.run(
    {
      type: 'TransferStudent',
      data: {
        year: Y,
        class: '3A',
        student: 'chi',
        date: '2025-01-20',
        to: { class: '3B' },
        reason: 'theo nguyện vọng gia đình',
      },
    },
    H,
  );
  await s.run(
    {
      type: 'EnrollStudent',
      data: { year: Y, class: '3B', student: 'chi', date: '2025-01-20', from: { class: '3A' } },
    },
    H,
  );
  await fill('3B', 'chi', 'CN', 'T', '8', 'Tốt');
  // An: every value at the top (HTXS); the Toán test entered 9, then corrected to 10 with minutes.
  await fill('3A', 'an', 'CN', 'T', '9', 'Tốt');
  const toan = (await fold(s)).records.cells[`markbook/${Y}/3A/toan#an/CN/test`]!;
  await s.run(
    {
      type: 'Correct',
      data: {
        target: toan.history[0]!.eventId,
        old: '9',
        new: '10',
        reason: 'cộng sót điểm câu 5',
        minutes: { number: '02/BB-SCDL', date: '2025-05-20', text: 'biên bản' },
      },
    },
    [...T, ...L, as(s.people.vice, 'admin')],
  );
  // Bình: the physical competency was never assessed → the year result cannot be computed.
  await fill('3A', 'binh', 'CN', 'T', '9', 'Tốt', ['the-chat']);
  // 3B signs its year: subject sign-offs, homeroom confirmation, principal's approval — with chi's
  // mid-term II levels and qualities entered first, so that nothing the sign-offs ask for is missing.
  await completeMarks(s.ledger, {
    year: Y,
    class: '3B',
    term: 'CN',
    signers: (c) => (c.subject === undefined ? H : T),
  });
  for (const term of ['HK1', 'HK2', 'CN']) {
    for (const [subject] of SUBJECTS)
      await s.run({ type: 'SignOffSubject', data: { year: Y, class: '3B', subject, term } }, T);
    await s.run({ type: 'ConfirmClass', data: { year: Y, class: '3B', term } }, H);
    await s.run({ type: 'ApproveClass', data: { year: Y, class: '3B', term } }, L);
  }
}
