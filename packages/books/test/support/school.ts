/**
 * A small secondary school year written straight into a memory store, for the book tests:
 * class 10A1 of 2024-2025, eight scored subjects of 70 periods (3 regular marks a term) and one
 * comment-only subject, two students, a correction with minutes, sign-offs and windows.
 */
import { createMemoryStore, type EventStore, type StoredEvent } from '@hoso/store';
import { TestLedger, sigOf, testKey } from './ledger.js';

export const YEAR = '2024-2025';
export const CLASS = '10A1';
export const SCORED = ['toan', 'ngu-van', 'vat-li', 'hoa-hoc', 'sinh-hoc', 'lich-su', 'dia-li', 'tieng-anh'] as const;
export const COMMENT = 'the-duc';

export const KEYS = {
  leader: testKey(1),
  admin: testKey(2),
  homeroom: testKey(3),
  teacher: testKey(4),
  office: testKey(5),
};

const as = (key: string, role: string) => ({ key, role });
const mb = (subject: string) => `markbook/${YEAR}/${CLASS}/${subject}`;
const hr = `homeroom/${YEAR}/${CLASS}`;

/** Every mark of one term of one scored subject: regular marks, mid, end. */
type TermMarks = readonly [readonly string[], string | null, string | null];
const flat = (v: string): TermMarks => [[v, v, v], v, v];

/** Per student, per subject, per term. */
const MARKS: Record<string, Record<string, { HK1: TermMarks; HK2: TermMarks }>> = {
  an: {
    toan: { HK1: [['5.0', '5.0', '5.3'], '7.0', '8.5'], HK2: flat('9') },
    'ngu-van': { HK1: flat('8'), HK2: flat('8') },
    'vat-li': { HK1: [['8', '8', '8'], '8', '6'], HK2: flat('8') }, // end of HK1 corrected 6 → 8
    'hoa-hoc': { HK1: flat('8'), HK2: flat('8') },
    'sinh-hoc': { HK1: flat('8'), HK2: flat('8') },
    'lich-su': { HK1: flat('8'), HK2: flat('8') },
    'dia-li': { HK1: flat('7'), HK2: flat('7') },
    'tieng-anh': { HK1: flat('7'), HK2: flat('7') },
  },
  binh: Object.fromEntries(
    SCORED.map((s) => [
      s,
      { HK1: flat('6.5'), HK2: s === 'hoa-hoc' ? ([['6.5', '6.5', '6.5'], '6.5', null] as TermMarks) : flat('6.5') },
    ]),
  ),
};

export interface SchoolYear {
  readonly store: EventStore;
  readonly ledger: string;
  readonly events: StoredEvent[];
  /** Position of the correction event. */
  readonly correctionAt: number;
  /** Id of the corrected entry. */
  readonly correctedEntry: string;
}

/** Write the school year; returns the store and every stored event. */
export async function writeSchoolYear(): Promise<SchoolYear> {
  const store = createMemoryStore();
  const l = new TestLedger(store);
  const L = as(KEYS.leader, 'leader');
  l.event(
    'school',
    'SchoolFounded',
    {
      school: 'test-school',
      name: 'THPT Thử nghiệm',
      levels: ['upper-secondary'],
      leader: { person: 'hieu-truong', name: 'Nguyễn Văn Hiệu' },
      rootKey: KEYS.leader,
      timeZone: 'Asia/Ho_Chi_Minh',
    },
    L,
  );
  l.event(
    'school',
    'AcademicYearDefined',
    {
      year: YEAR,
      terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
    },
    L,
  );
  for (const [person, name, key] of [
    ['quan-tri', 'Trần Quản Trị', KEYS.admin],
    ['gvcn', 'Lê Chủ Nhiệm', KEYS.homeroom],
    ['gvbm', 'Phạm Bộ Môn', KEYS.teacher],
    ['van-phong', 'Đỗ Văn Phòng', KEYS.office],
  ] as const) {
    l.event('school', 'StaffRegistered', { person, name }, L);
    l.event('school', 'KeyRegistered', { person, key }, L, [sigOf(key, 'holder')]);
  }
  l.event('school', 'RoleGranted', { person: 'quan-tri', role: 'admin' }, L);
  l.event('school', 'RoleGranted', { person: 'gvcn', role: 'homeroom', year: YEAR, class: CLASS }, L);
  for (const s of [...SCORED, COMMENT]) {
    l.event('school', 'SubjectDefined', { subject: s, name: s.toUpperCase() }, L);
    l.event(
      'school',
      'SubjectOffered',
      { year: YEAR, grade: 10, subject: s, periodsPerYear: 70, assessment: s === COMMENT ? 'comment' : 'scored' },
      L,
    );
    l.event('school', 'RoleGranted', { person: 'gvbm', role: 'subject', year: YEAR, class: CLASS, subject: s }, L);
  }
  l.event('windows', 'WindowOpened', { window: 'hk1', year: YEAR, period: 'HK1', scope: { grade: 10 } }, L);
  l.event(`class/${YEAR}/${CLASS}`, 'ClassOpened', { year: YEAR, class: CLASS, grade: 10 }, L);
  const H = as(KEYS.homeroom, 'homeroom');
  for (const [student, name, birthDate, sex] of [
    ['an', 'Nguyễn Thị An', '2009-03-02', 'F'],
    ['binh', 'Trần Văn Bình', '2009-11-20', 'M'],
  ] as const) {
    l.event(
      `student/${student}`,
      'StudentRegistered',
      { student, year: YEAR, class: CLASS, bio: { name, birthDate, sex } },
      H,
    );
    l.event(`class/${YEAR}/${CLASS}`, 'StudentEnrolled', { year: YEAR, class: CLASS, student, date: '2024-09-05' }, H);
  }
  await l.flush();

  const T = as(KEYS.teacher, 'subject');
  let correctedEntry = '';
  const writeTerm = (term: 'HK1' | 'HK2') => {
    for (const [student, subjects] of Object.entries(MARKS)) {
      for (const [subject, terms] of Object.entries(subjects)) {
        const [regular, mid, end] = terms[term];
        const base = { year: YEAR, class: CLASS, subject, student, term };
        regular.forEach((v, i) =>
          l.event(mb(subject), 'ScoreEntered', { ...base, column: 'tx', index: i + 1, value: v }, T),
        );
        if (mid !== null) l.event(mb(subject), 'ScoreEntered', { ...base, column: 'gk', value: mid }, T);
        if (end !== null) {
          const w = l.event(mb(subject), 'ScoreEntered', { ...base, column: 'ck', value: end }, T);
          if (student === 'an' && subject === 'vat-li' && term === 'HK1') correctedEntry = w.id;
        }
      }
      for (let i = 1; i <= 2; i++) {
        l.event(
          mb(COMMENT),
          'CommentLevelEntered',
          { year: YEAR, class: CLASS, subject: COMMENT, student, term, column: 'tx', index: i, value: 'Đ' },
          T,
        );
      }
      for (const column of ['gk', 'ck']) {
        l.event(
          mb(COMMENT),
          'CommentLevelEntered',
          { year: YEAR, class: CLASS, subject: COMMENT, student, term, column, value: 'Đ' },
          T,
        );
      }
      l.event(
        hr,
        'ConductAssessed',
        { year: YEAR, class: CLASS, student, term, value: student === 'an' ? 'Tốt' : term === 'HK1' ? 'Khá' : 'Tốt' },
        H,
      );
    }
  };
  writeTerm('HK1');
  l.event(
    hr,
    'AbsenceRecorded',
    { year: YEAR, class: CLASS, student: 'an', date: '2024-10-01', session: 'morning', value: 'P', reason: 'ốm' },
    H,
  );
  l.event(
    hr,
    'AbsenceRecorded',
    { year: YEAR, class: CLASS, student: 'an', date: '2025-03-03', session: 'afternoon', value: 'K' },
    H,
  );
  l.event(mb('toan'), 'SubjectSignedOff', { year: YEAR, class: CLASS, subject: 'toan', term: 'HK1' }, T);
  l.event('windows', 'WindowClosed', { window: 'hk1' }, L);
  l.event('windows', 'WindowOpened', { window: 'hk2', year: YEAR, period: 'HK2', scope: { grade: 10 } }, L);
  await l.flush();
  const correction = l.event(
    mb('vat-li'),
    'CorrectionMade',
    {
      target: correctedEntry,
      old: '6',
      new: '8',
      reason: 'nhập nhầm điểm bài kiểm tra cuối kì',
      minutes: { number: 'BB-07/2025', date: '2025-01-18', text: 'Biên bản sửa điểm môn Vật lí lớp 10A1' },
      requester: KEYS.teacher,
      approver: KEYS.leader,
      witness: KEYS.admin,
    },
    T,
    [sigOf(KEYS.leader, 'leader'), sigOf(KEYS.admin, 'admin')],
  );
  await l.flush();
  writeTerm('HK2');
  await l.flush();
  const events: StoredEvent[] = [];
  for await (const e of store.read(l.ledger)) events.push(e);
  return { store, ledger: l.ledger, events, correctionAt: correction.position, correctedEntry };
}
