/**
 * Every cell of the role × command table, through `execute`: a person holding exactly one role
 * issues a valid command in that role; it must be appended iff the table allows the role, and be
 * refused with nothing written otherwise.
 */
import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { readFileSync } from 'node:fs';
import { ROLES, PERMISSION_TABLE, mayIssue, COMMAND_TYPES, type CommandType, type RoleName } from '@hoso/ledger';
import { buildSchool, person, as, type School, type TestPerson } from '@hoso/ledger/testing';
import { caSign, certificateBinding, memoryPersonalData, type ActingSigner } from '@hoso/ledger';
import { createTestPki } from '@hoso/pki/testing';

// The test PKI for the certificate commands (valid around the fixture's clock).
const PKI_NOW = new Date('2024-10-01T08:00:00+07:00');
const pki = await createTestPki({ keyType: 'ecdsa-p256', now: PKI_NOW });
const evidence = { crls: [await pki.crl(PKI_NOW), await pki.crl(PKI_NOW, pki.root)] };

interface Case {
  readonly command: CommandType;
  readonly label: string;
  /** Class (and subject) the scoped roles are granted for. */
  readonly scope: { readonly class: string; readonly subject?: string };
  /** Who may issue it, if narrower than the table row (corrections: the writer of that value). */
  readonly only?: RoleName;
  prepare?(s: School): Promise<Record<string, string>>;
  make(s: School, x: TestPerson, ctx: Record<string, string>): { command: unknown; extra?: ActingSigner[] };
}

const Y = '2024-2025';
const minutes = { number: 'BB-01/2024', date: '2024-10-01', text: 'Biên bản sửa chữa dữ liệu' };

/** Year results final (every subject of 10A1 signed off for HK2), a summer window open, the clock in July. */
async function summer(s: School, confirm: boolean): Promise<Record<string, string>> {
  await signAll(s, 'HK2');
  if (confirm)
    await s.run({ type: 'ConfirmClass', data: { year: Y, class: '10A1', term: 'HK2' } }, [
      as(s.people.homeroom, 'homeroom'),
    ]);
  await s.run({ type: 'OpenWindow', data: { window: 'he-2025', year: Y, period: 'HE', scope: {} } }, [
    as(s.people.principal, 'leader'),
  ]);
  s.clock.now = new Date('2025-07-10T08:00:00+07:00');
  return {};
}

async function signAll(s: School, term: 'HK1' | 'HK2'): Promise<void> {
  const { teacher, homeroom } = s.people;
  await s.complete(term);
  await s.run({ type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term } }, [
    as(teacher, 'subject'),
  ]);
  await s.run({ type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'the-duc', term } }, [
    as(teacher, 'subject'),
  ]);
  await s.run({ type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'van', term } }, [
    as(homeroom, 'subject'),
  ]);
}

const newStaff = person('nhan-vien-moi');

const doc = { number: '07/QĐ-THPT', date: '2024-10-01' };
const pupil = { year: Y, class: '10A1', student: 'hs-001' };

/** The cases of the school year as it runs (make-ups, exemptions, plans, recognition, sessions a day). */
const YEAR_CASES: Case[] = [
  {
    command: 'RecordMissedTest',
    label: 'RecordMissedTest',
    scope: { class: '10A1', subject: 'toan' },
    make: () => ({
      command: {
        type: 'RecordMissedTest',
        data: { ...pupil, subject: 'toan', term: 'HK1', column: 'ck', reason: 'ốm, có giấy của trạm y tế' },
      },
    }),
  },
  {
    command: 'DecideExemption',
    label: 'DecideExemption',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'DecideExemption',
        data: { ...pupil, subject: 'toan', period: 'HK1', scope: 'practice', decision: doc, reason: 'chấn thương' },
      },
    }),
  },
  {
    command: 'RecordIndividualPlan',
    label: 'RecordIndividualPlan',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'RecordIndividualPlan',
        data: { ...pupil, mode: 'inclusive', plan: doc, planSubjects: ['toan'] },
      },
    }),
  },
  {
    command: 'DecidePromotion',
    label: 'DecidePromotion',
    scope: { class: '10A1' },
    prepare: async (s) => {
      await s.run(
        { type: 'RecordIndividualPlan', data: { ...pupil, mode: 'inclusive', plan: doc, planSubjects: ['toan'] } },
        [as(s.people.principal, 'leader')],
      );
      return {};
    },
    make: () => ({
      command: { type: 'DecidePromotion', data: { ...pupil, decision: 'promoted', document: doc } },
    }),
  },
  {
    command: 'RecordRecognition',
    label: 'RecordRecognition',
    scope: { class: '3A' },
    make: () => ({
      command: {
        type: 'RecordRecognition',
        data: { year: Y, class: '3A', student: 'hs-101', basis: { aspect: 'cham-chi' } },
      },
    }),
  },
  {
    command: 'SetSessionsPerDay',
    label: 'SetSessionsPerDay',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'SetSessionsPerDay', data: { year: Y, sessionsPerDay: 2 } } }),
  },
  {
    command: 'AdoptPersonalDataFormat',
    label: 'AdoptPersonalDataFormat',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } } }),
  },
  {
    command: 'ErasePersonalData',
    label: 'ErasePersonalData (a pupil registered with commitments)',
    scope: { class: '10A1' },
    prepare: async (s) => {
      await s.run({ type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } }, [
        as(s.people.principal, 'leader'),
      ]);
      await s.run(
        {
          type: 'EnrollStudent',
          data: {
            ...pupil,
            student: 'hs-pd',
            date: '2024-09-05',
            bio: { name: 'Em Xóa', birthDate: '2009-02-02', sex: 'F' },
          },
        },
        [as(s.people.homeroom, 'homeroom')],
      );
      return {};
    },
    make: () => ({
      command: {
        type: 'ErasePersonalData',
        data: { students: ['hs-pd'], basis: 'retention-expired', reason: 'hết thời hạn lưu trữ' },
      },
    }),
  },
  {
    command: 'AdoptAccessLog',
    label: 'AdoptAccessLog',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'AdoptAccessLog', data: {} } }),
  },
  {
    command: 'RecordPersonalDataAccess',
    label: 'RecordPersonalDataAccess (a read logged by its reader, in any role held)',
    scope: { class: '10A1' },
    make: (s, x) => ({
      command: {
        type: 'RecordPersonalDataAccess',
        data: { person: x.id, purpose: 'kiểm tra', via: 'api', reads: [{ student: s.students[0], fields: ['name'] }] },
      },
    }),
  },
];

const CASES: Case[] = [
  {
    command: 'FoundSchool',
    label: 'FoundSchool',
    scope: { class: '10A1' },
    make: (s, x) => ({
      command: {
        type: 'FoundSchool',
        data: {
          school: 'thpt-test',
          name: 'Again',
          levels: ['primary'],
          leader: { person: x.id, name: x.name },
          rootKey: x.key,
          timeZone: 'Asia/Ho_Chi_Minh',
        },
      },
    }),
  },
  {
    command: 'DefineYear',
    label: 'DefineYear',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'DefineYear',
        data: {
          year: '2025-2026',
          terms: { HK1: { start: '2025-09-05', end: '2026-01-15' }, HK2: { start: '2026-01-19', end: '2026-05-25' } },
        },
      },
    }),
  },
  {
    command: 'DefineSubject',
    label: 'DefineSubject',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'DefineSubject', data: { subject: 'tin-hoc', name: 'Tin học' } } }),
  },
  {
    command: 'OfferSubject',
    label: 'OfferSubject',
    scope: { class: '10A1' },
    prepare: async (s) => (
      await s.run({ type: 'DefineSubject', data: { subject: 'tin-hoc', name: 'Tin học' } }, [
        as(s.people.principal, 'leader'),
      ]),
      {}
    ),
    make: () => ({
      command: {
        type: 'OfferSubject',
        data: { year: Y, grade: 10, subject: 'tin-hoc', periodsPerYear: 70, assessment: 'scored' },
      },
    }),
  },
  {
    command: 'OpenClass',
    label: 'OpenClass',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'OpenClass', data: { year: Y, class: '10A3', grade: 10 } } }),
  },
  {
    command: 'RegisterStaff',
    label: 'RegisterStaff',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'RegisterStaff', data: { person: newStaff.id, name: newStaff.name } } }),
  },
  {
    command: 'RegisterKey',
    label: 'RegisterKey',
    scope: { class: '10A1' },
    prepare: async (s) => (
      await s.run({ type: 'RegisterStaff', data: { person: newStaff.id, name: newStaff.name } }, [
        as(s.people.principal, 'admin'),
      ]),
      {}
    ),
    // A first key: a leader consents (QC Điều 6.1, 7.1).
    make: (s) => ({
      command: { type: 'RegisterKey', data: { person: newStaff.id, key: newStaff.key } },
      extra: [as(newStaff, 'holder'), as(s.people.principal, 'leader')],
    }),
  },
  {
    command: 'RevokeKey',
    label: 'RevokeKey',
    scope: { class: '10A1' },
    prepare: async (s) => {
      await s.run({ type: 'RegisterStaff', data: { person: newStaff.id, name: newStaff.name } }, [
        as(s.people.principal, 'admin'),
      ]);
      await s.run({ type: 'RegisterKey', data: { person: newStaff.id, key: newStaff.key } }, [
        as(s.people.principal, 'admin'),
        as(newStaff, 'holder'),
      ]);
      return {};
    },
    make: () => ({ command: { type: 'RevokeKey', data: { key: newStaff.key, reason: 'máy bị mất' } } }),
  },
  {
    command: 'GrantRole',
    label: 'GrantRole',
    scope: { class: '10A1' },
    make: (s) => ({ command: { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'inspector' } } }),
  },
  {
    command: 'RevokeRole',
    label: 'RevokeRole',
    scope: { class: '10A1' },
    make: (s) => ({
      command: {
        type: 'RevokeRole',
        data: { person: s.people.inspector.id, role: 'inspector', reason: 'hết nhiệm vụ' },
      },
    }),
  },
  {
    command: 'EnrollStudent',
    label: 'EnrollStudent',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'EnrollStudent',
        data: {
          year: Y,
          class: '10A1',
          student: 'hs-050',
          date: '2024-10-01',
          bio: { name: 'Nguyễn Văn Mới', birthDate: '2009-05-05', sex: 'M' },
        },
      },
    }),
  },
  {
    command: 'TransferStudent',
    label: 'TransferStudent',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'TransferStudent',
        data: {
          year: Y,
          class: '10A1',
          student: 'hs-003',
          date: '2024-10-01',
          to: { class: '10A2' },
          reason: 'xin chuyển lớp',
        },
      },
    }),
  },
  {
    command: 'ChangeBiography',
    label: 'ChangeBiography',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'ChangeBiography',
        data: { student: 'hs-001', year: Y, class: '10A1', changes: { address: 'Gia Nghĩa' }, reason: 'chuyển nhà' },
      },
    }),
  },
  {
    command: 'RecordAbsence',
    label: 'RecordAbsence',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'RecordAbsence',
        data: { year: Y, class: '10A1', student: 'hs-001', date: '2024-10-01', session: 'morning', value: 'P' },
      },
    }),
  },
  {
    command: 'AssessConduct',
    label: 'AssessConduct',
    scope: { class: '10A1' },
    make: () => ({
      command: {
        type: 'AssessConduct',
        data: { year: Y, class: '10A1', student: 'hs-001', term: 'HK1', value: 'Tốt' },
      },
    }),
  },
  {
    command: 'AssessQuality',
    label: 'AssessQuality',
    scope: { class: '3A' },
    make: () => ({
      command: {
        type: 'AssessQuality',
        data: { year: Y, class: '3A', student: 'hs-101', period: 'GK1', aspect: 'cham-chi', value: 'Tốt' },
      },
    }),
  },
  {
    command: 'RecordAttendance',
    label: 'RecordAttendance',
    scope: { class: 'MG5' },
    make: () => ({
      command: {
        type: 'RecordAttendance',
        data: { year: Y, class: 'MG5', student: 'hs-201', date: '2024-10-01', value: 'C' },
      },
    }),
  },
  {
    command: 'RecordGrowth',
    label: 'RecordGrowth',
    scope: { class: 'MG5' },
    make: () => ({
      command: {
        type: 'RecordGrowth',
        data: { year: Y, class: 'MG5', student: 'hs-201', date: '2024-10-01', measure: 'weight-kg', value: '15.2' },
      },
    }),
  },
  {
    command: 'EnterScore',
    label: 'EnterScore',
    scope: { class: '10A1', subject: 'toan' },
    make: () => ({
      command: {
        type: 'EnterScore',
        data: {
          year: Y,
          class: '10A1',
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: '8.5',
        },
      },
    }),
  },
  {
    command: 'EnterCommentLevel',
    label: 'EnterCommentLevel',
    scope: { class: '10A1', subject: 'the-duc' },
    make: () => ({
      command: {
        type: 'EnterCommentLevel',
        data: {
          year: Y,
          class: '10A1',
          subject: 'the-duc',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: 'Đ',
        },
      },
    }),
  },
  {
    command: 'EnterSubjectLevel',
    label: 'EnterSubjectLevel',
    scope: { class: '3A', subject: 'tieng-viet' },
    make: () => ({
      command: {
        type: 'EnterSubjectLevel',
        data: { year: Y, class: '3A', subject: 'tieng-viet', student: 'hs-101', period: 'GK1', value: 'T' },
      },
    }),
  },
  {
    command: 'EnterTestScore',
    label: 'EnterTestScore',
    scope: { class: '3A', subject: 'tieng-viet' },
    make: () => ({
      command: {
        type: 'EnterTestScore',
        data: { year: Y, class: '3A', subject: 'tieng-viet', student: 'hs-101', period: 'CK1', value: '9' },
      },
    }),
  },
  {
    command: 'EnterScores',
    label: 'EnterScores',
    scope: { class: '10A1', subject: 'toan' },
    make: () => ({
      command: {
        type: 'EnterScores',
        data: {
          year: Y,
          class: '10A1',
          subject: 'toan',
          term: 'HK1',
          column: 'gk',
          entries: [
            { student: 'hs-001', value: '7.5' },
            { student: 'hs-002', value: '8' },
            { student: 'hs-003', value: '6' },
          ],
        },
      },
    }),
  },
  {
    command: 'EnterCommentLevels',
    label: 'EnterCommentLevels',
    scope: { class: '10A1', subject: 'the-duc' },
    make: () => ({
      command: {
        type: 'EnterCommentLevels',
        data: {
          year: Y,
          class: '10A1',
          subject: 'the-duc',
          term: 'HK1',
          column: 'tx',
          index: 1,
          entries: [
            { student: 'hs-001', value: 'Đ' },
            { student: 'hs-002', value: 'CĐ' },
          ],
        },
      },
    }),
  },
  {
    command: 'EnterRetestScore',
    label: 'EnterRetestScore',
    scope: { class: '10A1', subject: 'toan' },
    prepare: (s) => summer(s, false),
    make: () => ({
      command: {
        type: 'EnterRetestScore',
        data: { year: Y, class: '10A1', subject: 'toan', student: 'hs-001', value: '5.5', date: '2025-07-05' },
      },
    }),
  },
  {
    command: 'EnterRetestCommentLevel',
    label: 'EnterRetestCommentLevel',
    scope: { class: '10A1', subject: 'the-duc' },
    prepare: (s) => summer(s, false),
    make: () => ({
      command: {
        type: 'EnterRetestCommentLevel',
        data: { year: Y, class: '10A1', subject: 'the-duc', student: 'hs-001', value: 'Đ', date: '2025-07-05' },
      },
    }),
  },
  {
    command: 'ReevaluateConduct',
    label: 'ReevaluateConduct',
    scope: { class: '10A1' },
    prepare: (s) => summer(s, true),
    make: () => ({
      command: {
        type: 'ReevaluateConduct',
        data: { year: Y, class: '10A1', student: 'hs-001', value: 'Đạt', date: '2025-07-20' },
      },
    }),
  },
  {
    command: 'OpenWindow',
    label: 'OpenWindow',
    scope: { class: '10A1' },
    make: () => ({
      command: { type: 'OpenWindow', data: { window: 'w-10a1', year: Y, period: 'HK1', scope: { class: '10A1' } } },
    }),
  },
  {
    command: 'CloseWindow',
    label: 'CloseWindow',
    scope: { class: '10A1' },
    make: () => ({ command: { type: 'CloseWindow', data: { window: 'nam-hoc' } } }),
  },
  {
    command: 'SignOffSubject',
    label: 'SignOffSubject',
    scope: { class: '10A1', subject: 'toan' },
    prepare: async (s) => (await s.complete('HK1'), {}),
    make: () => ({
      command: { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
    }),
  },
  {
    command: 'ConfirmClass',
    label: 'ConfirmClass',
    scope: { class: '10A1' },
    prepare: async (s) => (await signAll(s, 'HK1'), {}),
    make: () => ({ command: { type: 'ConfirmClass', data: { year: Y, class: '10A1', term: 'HK1' } } }),
  },
  {
    command: 'ApproveClass',
    label: 'ApproveClass',
    scope: { class: '10A1' },
    prepare: async (s) => {
      await signAll(s, 'HK1');
      await s.run({ type: 'ConfirmClass', data: { year: Y, class: '10A1', term: 'HK1' } }, [
        as(s.people.homeroom, 'homeroom'),
      ]);
      return {};
    },
    make: () => ({ command: { type: 'ApproveClass', data: { year: Y, class: '10A1', term: 'HK1' } } }),
  },
  {
    command: 'SealBook',
    label: 'SealBook',
    scope: { class: '10A1' },
    prepare: async (s) => {
      await signAll(s, 'HK1');
      await s.run({ type: 'ConfirmClass', data: { year: Y, class: '10A1', term: 'HK1' } }, [
        as(s.people.homeroom, 'homeroom'),
      ]);
      await s.run({ type: 'ApproveClass', data: { year: Y, class: '10A1', term: 'HK1' } }, [
        as(s.people.principal, 'leader'),
      ]);
      return {};
    },
    make: () => ({ command: { type: 'SealBook', data: { year: Y, class: '10A1', term: 'HK1' } } }),
  },
  {
    command: 'BindCertificate',
    label: 'BindCertificate',
    scope: { class: '10A1' },
    prepare: async (s) => {
      const cert = await pki.issuePerson({ name: 'Giáo viên Toán', cccd: '001185000201' });
      const r = await certificateBinding('thpt-test', s.people.teacher.id, { signer: pki.signer(cert), evidence });
      if (isLeft(r)) throw new Error(r.left.message);
      return { data: JSON.stringify(r.right) };
    },
    make: (_s, _x, ctx) => ({ command: { type: 'BindCertificate', data: JSON.parse(ctx['data']!) as unknown } }),
  },
  {
    command: 'CertifyAct',
    label: 'CertifyAct (a sign-off, by its signer)',
    only: 'subject',
    scope: { class: '10A1', subject: 'toan' },
    prepare: async (s) => {
      // The act is x's when x teaches toan here, else the toan teacher's: only its signer's role may certify it.
      const x = person('x-subject');
      const own = s.ledger.state().keys.get(x.key) !== undefined;
      const by = own ? x : s.people.teacher;
      await s.complete('HK1');
      const act = await s.run(
        { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        [as(by, 'subject')],
      );
      const cert = await pki.issuePerson({ name: 'Người ký', cccd: '001185000202' });
      // Bound to the act's signer; another role is refused (not-permitted) before the certificate is looked at.
      const bound = await s.ledger.bindCertificate({ person: by.id, signer: pki.signer(cert), evidence }, [
        as(s.people.principal, 'admin'),
      ]);
      if (isLeft(bound)) throw new Error(bound.left.message);
      const stored = await s.store.getById('thpt-test', act.events[0]!.id);
      const sig = await caSign(stored!.bytes, { signer: pki.signer(cert), evidence, signingTime: s.clock.now });
      if (isLeft(sig)) throw new Error(sig.left.message);
      return { act: act.events[0]!.id, certificate: sig.right.certificate.fingerprint, cms: sig.right.cms };
    },
    make: (_s, _x, ctx) => ({ command: { type: 'CertifyAct', data: ctx } }),
  },
  {
    command: 'Correct',
    label: 'Correct (markbook value)',
    only: 'subject',
    scope: { class: '10A1', subject: 'toan' },
    prepare: async (s) => {
      const r = await s.run(
        {
          type: 'EnterScore',
          data: {
            year: Y,
            class: '10A1',
            subject: 'toan',
            student: 'hs-001',
            term: 'HK1',
            column: 'tx',
            index: 1,
            value: '8.5',
          },
        },
        [as(s.people.teacher, 'subject')],
      );
      return { target: r.events[0]!.id };
    },
    make: (s, _x, ctx) => ({
      command: {
        type: 'Correct',
        data: { target: ctx['target'], old: '8.5', new: '9.0', reason: 'nhập nhầm', minutes },
      },
      extra: [as(s.people.principal, 'leader'), as(s.people.vice, 'admin')],
    }),
  },
  {
    command: 'Correct',
    label: 'Correct (homeroom value)',
    only: 'homeroom',
    scope: { class: '10A1' },
    prepare: async (s) => {
      const r = await s.run(
        {
          type: 'RecordAbsence',
          data: { year: Y, class: '10A1', student: 'hs-001', date: '2024-10-01', session: 'morning', value: 'P' },
        },
        [as(s.people.homeroom, 'homeroom')],
      );
      return { target: r.events[0]!.id };
    },
    make: (s, _x, ctx) => ({
      command: { type: 'Correct', data: { target: ctx['target'], old: 'P', new: 'K', reason: 'nhập nhầm', minutes } },
      extra: [as(s.people.principal, 'leader'), as(s.people.vice, 'admin')],
    }),
  },
];

/** A multi-level school plus a person `x` holding exactly `role` (scoped to the case). */
async function fixture(role: RoleName, c: Case): Promise<{ s: School; x: TestPerson }> {
  const s = await buildSchool({
    levels: ['preschool', 'primary', 'upper-secondary'],
    trust: { roots: [pki.root.certificate] },
    personalData: memoryPersonalData(),
  });
  const P = s.people.principal;
  const L = [as(P, 'leader')];
  await s.run({ type: 'DefineSubject', data: { subject: 'tieng-viet', name: 'Tiếng Việt' } }, L);
  await s.run(
    {
      type: 'OfferSubject',
      data: { year: Y, grade: 3, subject: 'tieng-viet', periodsPerYear: 245, assessment: 'level-tested' },
    },
    L,
  );
  for (const [cls, grade] of [
    ['3A', 3],
    ['MG5', 0],
    ['10A2', 10],
  ] as const)
    await s.run({ type: 'OpenClass', data: { year: Y, class: cls, grade } }, L);
  for (const cls of ['3A', 'MG5', '10A2'])
    await s.run(
      { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: Y, class: cls } },
      L,
    );
  await s.run(
    {
      type: 'GrantRole',
      data: { person: s.people.teacher.id, role: 'subject', year: Y, class: '3A', subject: 'tieng-viet' },
    },
    L,
  );
  const H = [as(s.people.homeroom, 'homeroom')];
  await s.run(
    {
      type: 'EnrollStudent',
      data: {
        year: Y,
        class: '3A',
        student: 'hs-101',
        date: '2024-09-05',
        bio: { name: 'Em Ba', birthDate: '2016-02-02', sex: 'F' },
      },
    },
    H,
  );
  await s.run(
    {
      type: 'EnrollStudent',
      data: {
        year: Y,
        class: 'MG5',
        student: 'hs-201',
        date: '2024-09-05',
        bio: { name: 'Bé Năm', birthDate: '2019-06-06', sex: 'M' },
      },
    },
    H,
  );

  const x = person(`x-${role}`);
  await s.run({ type: 'RegisterStaff', data: { person: x.id, name: x.name } }, [as(P, 'admin')]);
  await s.run({ type: 'RegisterKey', data: { person: x.id, key: x.key } }, [as(P, 'admin'), as(x, 'holder')]);
  const scope =
    role === 'homeroom'
      ? { year: Y, class: c.scope.class }
      : role === 'subject'
        ? c.scope.subject === undefined
          ? { year: Y, class: '10A1', subject: 'toan' }
          : { year: Y, class: c.scope.class, subject: c.scope.subject }
        : {};
  await s.run({ type: 'GrantRole', data: { person: x.id, role, ...scope } }, L);
  return { s, x };
}

const ALL_CASES: readonly Case[] = [...CASES, ...YEAR_CASES];

async function fullRead(s: School): Promise<string> {
  const parts: string[] = [];
  for await (const e of s.store.read('thpt-test')) parts.push(Buffer.from(e.bytes).toString('base64'));
  return parts.join('\n');
}

describe('permissions: every role × command cell through execute', () => {
  it('covers every command of the table', () => {
    expect(new Set(ALL_CASES.map((c) => c.command))).toEqual(new Set(COMMAND_TYPES));
  });

  for (const c of ALL_CASES) {
    describe(c.label, () => {
      for (const role of ROLES) {
        const allowed = c.only !== undefined ? c.only === role : mayIssue(role, c.command);
        it(`${role}: ${allowed ? 'allowed' : 'refused'}`, async () => {
          const { s, x } = await fixture(role, c);
          const ctx = (await c.prepare?.(s)) ?? {};
          const { command, extra = [] } = c.make(s, x, ctx);
          const before = await fullRead(s);
          const r = await s.ledger.execute(command, [as(x, role), ...extra]);
          if (allowed) {
            if (isLeft(r)) throw new Error(`${role} refused: ${r.left.code} ${r.left.message}`);
            expect(r.right.events.length).toBeGreaterThan(0);
            expect(await s.store.size('thpt-test')).toBe(r.right.size);
          } else {
            expect(isRight(r)).toBe(false);
            if (isLeft(r)) {
              expect(r.left.code).toBe(c.command === 'FoundSchool' ? 'already-founded' : 'not-permitted');
              expect(r.left.rule).toMatch(/QC Điều/);
            }
            expect(await fullRead(s)).toBe(before);
          }
        });
      }
    });
  }
});

describe('docs/permissions.md', () => {
  it('prints exactly the table the code uses', () => {
    const md = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
    for (const row of PERMISSION_TABLE) {
      const line = md.split('\n').find((l) => l.startsWith(`| \`${row.command}\` |`));
      expect(line, row.command).toBeDefined();
      const cells = line!.split('|').map((x) => x.trim());
      // | command | leader | admin | office | homeroom | subject | inspector | co-signers | article |
      ROLES.forEach((role, i) => {
        const mark = cells[2 + i];
        const may = row.roles !== 'genesis' && row.roles.includes(role);
        expect(mark, `${row.command} × ${role}`).toBe(row.roles === 'genesis' ? '—' : may ? '✓' : '✗');
      });
      expect(cells[8], row.command).toBe(row.cosigners.length === 0 ? '—' : row.cosigners.join(', '));
      expect(cells[9], row.command).toBe(row.rule);
    }
  });
});
