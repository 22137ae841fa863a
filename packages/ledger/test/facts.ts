/** A small lower-secondary school as facts for `given` (no store, no signatures), shared by the rule specifications. */
import type { Fact } from '@hoso/ledger/testing';
import { person } from '@hoso/ledger/testing';

export const P = person('hieu-truong');
export const T = person('gv-toan');
export const Y = '2024-2025';
export const leader = { key: P.key, role: 'leader' };
export const admin = { key: P.key, role: 'admin' };

export const founding = {
  school: 'test-school',
  name: 'THCS Thử',
  levels: ['lower-secondary' as const],
  leader: { person: P.id, name: P.name },
  rootKey: P.key,
  timeZone: 'Asia/Ho_Chi_Minh' as const,
};
export const setup: Fact[] = [{ event: { type: 'SchoolFounded', data: founding }, by: leader }];

export const school: Fact[] = [
  ...setup,
  { event: { type: 'RoleGranted', data: { person: P.id, role: 'admin' } }, by: leader },
  { event: { type: 'StaffRegistered', data: { person: T.id, name: T.name } }, by: admin },
  {
    event: { type: 'KeyRegistered', data: { person: T.id, key: T.key, consent: { by: 'leader', key: P.key } } },
    by: admin,
    cosigners: [{ key: T.key, role: 'holder' }],
  },
  {
    event: {
      type: 'AcademicYearDefined',
      data: {
        year: Y,
        terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
      },
    },
    by: leader,
  },
  { event: { type: 'SubjectDefined', data: { subject: 'toan', name: 'Toán' } }, by: leader },
  {
    event: {
      type: 'SubjectOffered',
      data: { year: Y, grade: 6, subject: 'toan', periodsPerYear: 140, assessment: 'scored' },
    },
    by: leader,
  },
  { event: { type: 'ClassOpened', data: { year: Y, class: '6A', grade: 6 } }, by: leader },
  {
    event: { type: 'RoleGranted', data: { person: T.id, role: 'subject', year: Y, class: '6A', subject: 'toan' } },
    by: leader,
  },
  { event: { type: 'RoleGranted', data: { person: P.id, role: 'homeroom', year: Y, class: '6A' } }, by: leader },
  {
    event: {
      type: 'StudentRegistered',
      data: { student: 'hs-1', year: Y, class: '6A', bio: { name: 'An', birthDate: '2013-01-01', sex: 'M' } },
    },
    by: { key: P.key, role: 'homeroom' },
  },
  {
    event: { type: 'StudentEnrolled', data: { year: Y, class: '6A', student: 'hs-1', date: '2024-09-05' } },
    by: { key: P.key, role: 'homeroom' },
  },
];
export const window: Fact = {
  event: { type: 'WindowOpened', data: { window: 'hk1', year: Y, period: 'HK1', scope: { grade: 6 } } },
  by: leader,
};
export const enter = (value: string, extra: Record<string, unknown> = {}) => ({
  type: 'EnterScore',
  data: { year: Y, class: '6A', subject: 'toan', student: 'hs-1', term: 'HK1', column: 'ck', value, ...extra },
});
