/**
 * The compliance pass reports every rule an event breaks. Each case writes one event straight into
 * the store behind the library's back — signed correctly with real keys, chained correctly,
 * appended with `store.append`, never through `openLedger` — and runs the real `verifyStore`: the
 * event must be a `rule-violation` finding at its position carrying the ledger code of the rule it
 * breaks (or, where another pass owns the very same problem, that pass's finding at its position).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodeEnvelope, newEventId, signEnvelope, type JsonObject, type UnsignedEnvelope } from '@hoso/core';
import { createMemoryStore, type EventStore } from '@hoso/store';
import {
  formatAt,
  LEDGER_ERROR_CODES,
  markbookStream,
  openLedger,
  streamOf,
  type ActingSigner,
  type Appended,
  type Ledger,
  type LedgerErrorCode,
  type LedgerEvent,
  commitFields,
} from '@hoso/ledger';
import { as, buildSchool, completeMarks, ok, person, type SchoolPeople, type TestPerson } from '@hoso/ledger/testing';
import { RULE_VI } from '../src/passes/compliance.js';
import { verifyStore, type VerifyReport } from '../src/index.js';

const LEDGER = 'thpt-test';
const Y = '2024-2025';
const C = '10A1';

let base: readonly Uint8Array[] = [];
let people: SchoolPeople;

beforeAll(async () => {
  const s = await buildSchool({ students: 3 });
  people = s.people;
  const out: Uint8Array[] = [];
  for await (const e of s.store.read(LEDGER)) out.push(e.bytes);
  base = out;
});

/** A copy of the base school on a fresh store, with a ledger open on it. */
interface Case {
  readonly store: EventStore;
  readonly ledger: Ledger;
  readonly clock: { now: Date };
  run(command: unknown, signers: readonly ActingSigner[]): Promise<Appended>;
  /** Enter (through the library) every mark a sign-off of HK1 still asks for, so that it goes through. */
  complete(): Promise<number>;
  /** Sign and append one event behind the library's back; its position. */
  forge(event: { type: string; data: unknown }, signers: readonly ActingSigner[], stream?: string): Promise<number>;
  verify(): Promise<VerifyReport>;
}

async function fresh(events: readonly Uint8Array[] = base): Promise<Case> {
  const store = createMemoryStore();
  if (events.length > 0) {
    const r = await store.append(LEDGER, [...events], { expected: 0 });
    if (isLeft(r)) throw new Error(r.left.message);
  }
  const clock = { now: new Date('2024-10-02T08:00:00+07:00') };
  const ledger = await openLedger({ store, ledger: LEDGER, clock: () => clock.now });
  return {
    store,
    ledger,
    clock,
    run: async (command, signers) => ok(await ledger.execute(command, signers), JSON.stringify(command).slice(0, 60)),
    complete: () =>
      completeMarks(ledger, {
        year: Y,
        class: C,
        term: 'HK1',
        signers: (cell) =>
          cell.subject === undefined
            ? [as(people.homeroom, 'homeroom')]
            : [as(cell.subject === 'van' ? people.homeroom : people.teacher, 'subject')],
      }),
    async forge(event, signers, stream) {
      await ledger.refresh();
      const st = stream ?? streamOf(event as LedgerEvent);
      if (st === null) throw new Error('forge: give the stream');
      const head = ledger.state().heads.get(st);
      const author = signers[0]!;
      const unsigned: UnsignedEnvelope = {
        v: 1,
        id: newEventId(),
        ledger: LEDGER,
        stream: st,
        rev: head === undefined ? 0 : head.rev + 1,
        prev: head === undefined ? null : head.leafHash,
        type: event.type,
        data: event.data as JsonObject,
        at: formatAt(clock.now),
        by: { key: keyOf(author), role: author.role },
      };
      const env = await signEnvelope(unsigned, signers);
      const position = await store.size(LEDGER);
      const r = await store.append(LEDGER, [encodeEnvelope(env)], { expected: position });
      if (isLeft(r)) throw new Error(`forge: ${r.left.message}`);
      await ledger.refresh();
      return position;
    },
    async verify() {
      const r = await verifyStore(store, LEDGER, { trust: { rootKeys: [people.principal.key] }, workers: 0 });
      if (isLeft(r)) throw new Error(r.left.message);
      return r.right;
    },
  };
}

function keyOf(a: ActingSigner): string {
  return Buffer.from(a.signer.publicKey).toString('base64url');
}

/** The ledger codes of the rule violations found at `position`. */
function ruleCodes(report: VerifyReport, position: number): string[] {
  return report.findings
    .filter((f) => f.code === 'rule-violation' && f.position === position)
    .map((f) => String(f.details?.['ledgerCode']));
}

/** The finding codes at `position`. */
function findingCodes(report: VerifyReport, position: number): string[] {
  return report.findings.filter((f) => f.position === position).map((f) => f.code);
}

const P = (): TestPerson => people.principal;
const T = (): TestPerson => people.teacher;
const H = (): TestPerson => people.homeroom;
const V = (): TestPerson => people.vice;
const O = (): TestPerson => people.office;

const score = (extra: Record<string, unknown> = {}): { type: string; data: Record<string, unknown> } => ({
  type: 'ScoreEntered',
  data: { year: Y, class: C, subject: 'toan', student: 'hs-001', term: 'HK1', column: 'ck', value: '8', ...extra },
});
const enterScore = (extra: Record<string, unknown> = {}): { type: string; data: Record<string, unknown> } => ({
  type: 'EnterScore',
  data: score(extra).data,
});
const minutes = { number: 'BB-01', date: '2024-10-02', text: 'Biên bản sửa điểm' };

/** Sign off every subject of 10A1 for HK1, confirm, approve and seal it (through the library). */
async function sealHK1(c: Case): Promise<void> {
  await c.complete();
  for (const [subject, who] of [
    ['toan', T()],
    ['the-duc', T()],
    ['van', H()],
  ] as const)
    await c.run({ type: 'SignOffSubject', data: { year: Y, class: C, subject, term: 'HK1' } }, [as(who, 'subject')]);
  await c.run({ type: 'ConfirmClass', data: { year: Y, class: C, term: 'HK1' } }, [as(H(), 'homeroom')]);
  await c.run({ type: 'ApproveClass', data: { year: Y, class: C, term: 'HK1' } }, [as(P(), 'leader')]);
  await c.run({ type: 'SealBook', data: { year: Y, class: C, term: 'HK1' } }, [as(O(), 'office')]);
}

/** One case: the code, and how to write an event breaking it (after what preparation). */
interface RuleCase {
  readonly code: LedgerErrorCode;
  readonly events?: 'empty';
  write(c: Case): Promise<number>;
}

const newStaff = person('gv-moi');

const pupil = { year: Y, class: C, student: 'hs-001' };
const decision = { number: 'QĐ-01', date: '2024-10-01' };
const CASES: readonly RuleCase[] = [
  { code: 'no-missed-test', write: (c) => c.forge(score({ makeUp: { taken: true } }), [as(T(), 'subject')]) },
  {
    code: 'not-transferred-in',
    write: (c) =>
      c.forge(score({ source: { school: 'THPT Khác', document: { number: 'HB-1', date: '2024-09-30' } } }), [
        as(T(), 'subject'),
      ]),
  },
  {
    code: 'no-individual-plan',
    write: (c) =>
      c.forge({ type: 'PromotionDecided', data: { ...pupil, decision: 'promoted', document: decision } }, [
        as(P(), 'leader'),
      ]),
  },
  {
    code: 'already-decided',
    write: async (c) => {
      await c.run({ type: 'SetSessionsPerDay', data: { year: Y, sessionsPerDay: 2 } }, [as(P(), 'leader')]);
      return c.forge({ type: 'SessionsPerDaySet', data: { year: Y, sessionsPerDay: 1 } }, [as(P(), 'leader')]);
    },
  },
  {
    code: 'no-genesis',
    events: 'empty',
    write: (c) => c.forge(score(), [as(T(), 'subject')]),
  },
  {
    code: 'wrong-ledger',
    events: 'empty',
    // The genesis names another school than the ledger.
    write: (c) =>
      c.forge(
        {
          type: 'SchoolFounded',
          data: {
            school: 'other-school',
            name: 'THPT Khác',
            levels: ['upper-secondary'],
            leader: { person: P().id, name: P().name },
            rootKey: P().key,
            timeZone: 'Asia/Ho_Chi_Minh',
          },
        },
        [as(P(), 'leader')],
      ),
  },
  {
    code: 'already-founded',
    write: (c) =>
      c.forge(
        {
          type: 'SchoolFounded',
          data: {
            school: LEDGER,
            name: 'Again',
            levels: ['upper-secondary'],
            leader: { person: P().id, name: P().name },
            rootKey: P().key,
            timeZone: 'Asia/Ho_Chi_Minh',
          },
        },
        [as(P(), 'leader')],
      ),
  },
  { code: 'wrong-stream', write: (c) => c.forge(score(), [as(T(), 'subject')], markbookStream(Y, C, 'van')) },
  { code: 'not-permitted', write: (c) => c.forge(score(), [as(T(), 'homeroom')]) },
  { code: 'role-not-held', write: (c) => c.forge(score(), [as(H(), 'subject')]) },
  {
    code: 'unknown-key',
    write: (c) => c.forge({ type: 'KeyRevoked', data: { key: newStaff.key, reason: 'mất máy' } }, [as(P(), 'admin')]),
  },
  {
    code: 'key-revoked',
    write: async (c) => {
      await c.run({ type: 'RevokeKey', data: { key: T().key, reason: 'nghỉ việc' } }, [as(P(), 'admin')]);
      return c.forge({ type: 'KeyRevoked', data: { key: T().key, reason: 'lần nữa' } }, [as(P(), 'admin')]);
    },
  },
  {
    code: 'unexpected-signature',
    // A revocation is the admin's alone; the key it names co-signs as well.
    write: (c) =>
      c.forge({ type: 'KeyRevoked', data: { key: H().key, reason: 'đổi máy' } }, [as(P(), 'admin'), as(H(), 'holder')]),
  },
  {
    code: 'missing-signature',
    write: async (c) => {
      await c.run({ type: 'RegisterStaff', data: { person: newStaff.id, name: newStaff.name } }, [as(P(), 'admin')]);
      return c.forge(
        {
          type: 'KeyRegistered',
          data: { person: newStaff.id, key: newStaff.key, consent: { by: 'leader', key: P().key } },
        },
        [as(P(), 'admin')],
      );
    },
  },
  {
    code: 'missing-consent',
    write: async (c) => {
      await c.run({ type: 'RegisterStaff', data: { person: newStaff.id, name: newStaff.name } }, [as(P(), 'admin')]);
      return c.forge({ type: 'KeyRegistered', data: { person: newStaff.id, key: newStaff.key } }, [
        as(P(), 'admin'),
        as(newStaff, 'holder'),
      ]);
    },
  },
  {
    code: 'invalid-consent',
    // The teacher holds a key: a leader's consent does not stand for theirs.
    write: (c) => {
      const second = person(T().id, 'k2');
      return c.forge(
        { type: 'KeyRegistered', data: { person: T().id, key: second.key, consent: { by: 'leader', key: P().key } } },
        [as(P(), 'admin'), as(second, 'holder')],
      );
    },
  },
  {
    code: 'key-already-registered',
    write: (c) =>
      c.forge({ type: 'KeyRegistered', data: { person: H().id, key: T().key, consent: { by: 'key', key: H().key } } }, [
        as(P(), 'admin'),
        as(T(), 'holder'),
        as(H(), 'consent'),
      ]),
  },
  {
    code: 'unknown-person',
    write: (c) =>
      c.forge(
        {
          type: 'KeyRegistered',
          data: { person: 'nobody', key: newStaff.key, consent: { by: 'leader', key: P().key } },
        },
        [as(P(), 'admin'), as(newStaff, 'holder')],
      ),
  },
  {
    code: 'duplicate-person',
    write: (c) => c.forge({ type: 'StaffRegistered', data: { person: T().id, name: 'Again' } }, [as(P(), 'admin')]),
  },
  {
    code: 'invalid-role-scope',
    write: (c) =>
      c.forge({ type: 'RoleGranted', data: { person: T().id, role: 'homeroom', year: Y } }, [as(P(), 'leader')]),
  },
  {
    code: 'role-already-held',
    write: (c) =>
      c.forge({ type: 'RoleGranted', data: { person: T().id, role: 'subject', year: Y, class: C, subject: 'toan' } }, [
        as(P(), 'leader'),
      ]),
  },
  {
    code: 'duplicate-year',
    write: (c) =>
      c.forge(
        {
          type: 'AcademicYearDefined',
          data: {
            year: Y,
            terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
          },
        },
        [as(P(), 'leader')],
      ),
  },
  {
    code: 'invalid-calendar',
    write: (c) =>
      c.forge(
        {
          type: 'AcademicYearDefined',
          data: {
            year: '2025-2026',
            terms: { HK1: { start: '2026-09-05', end: '2026-01-15' }, HK2: { start: '2026-01-20', end: '2026-05-25' } },
          },
        },
        [as(P(), 'leader')],
      ),
  },
  {
    code: 'unknown-year',
    write: (c) =>
      c.forge(
        {
          type: 'SubjectOffered',
          data: { year: '2030-2031', grade: 10, subject: 'toan', periodsPerYear: 105, assessment: 'scored' },
        },
        [as(P(), 'leader')],
      ),
  },
  {
    code: 'duplicate-subject',
    write: (c) => c.forge({ type: 'SubjectDefined', data: { subject: 'toan', name: 'Toán' } }, [as(P(), 'leader')]),
  },
  {
    code: 'unknown-subject',
    write: (c) =>
      c.forge(
        {
          type: 'SubjectOffered',
          data: { year: Y, grade: 10, subject: 'tin-hoc', periodsPerYear: 35, assessment: 'scored' },
        },
        [as(P(), 'leader')],
      ),
  },
  {
    code: 'duplicate-offering',
    write: (c) =>
      c.forge(
        {
          type: 'SubjectOffered',
          data: { year: Y, grade: 10, subject: 'toan', periodsPerYear: 105, assessment: 'scored' },
        },
        [as(P(), 'leader')],
      ),
  },
  {
    code: 'grade-not-taught',
    write: (c) => c.forge({ type: 'ClassOpened', data: { year: Y, class: '6A', grade: 6 } }, [as(P(), 'leader')]),
  },
  {
    code: 'wrong-level',
    write: async (c) => {
      await c.run({ type: 'DefineSubject', data: { subject: 'tin-hoc', name: 'Tin học' } }, [as(P(), 'leader')]);
      return c.forge(
        {
          type: 'SubjectOffered',
          data: { year: Y, grade: 10, subject: 'tin-hoc', periodsPerYear: 35, assessment: 'level' },
        },
        [as(P(), 'leader')],
      );
    },
  },
  {
    code: 'wrong-assessment',
    write: (c) => c.forge(score({ subject: 'the-duc' }), [as(T(), 'subject')]),
  },
  {
    code: 'duplicate-class',
    write: (c) => c.forge({ type: 'ClassOpened', data: { year: Y, class: C, grade: 10 } }, [as(P(), 'leader')]),
  },
  { code: 'unknown-class', write: (c) => c.forge(score({ class: '10A9' }), [as(T(), 'subject')]) },
  {
    code: 'subject-not-offered',
    write: async (c) => {
      await c.run({ type: 'DefineSubject', data: { subject: 'tin-hoc', name: 'Tin học' } }, [as(P(), 'leader')]);
      return c.forge(score({ subject: 'tin-hoc' }), [as(T(), 'subject')]);
    },
  },
  {
    code: 'duplicate-student',
    write: (c) =>
      c.forge(
        {
          type: 'StudentRegistered',
          data: { student: 'hs-001', year: Y, class: C, bio: { name: 'Lại', birthDate: '2009-01-01', sex: 'M' } },
        },
        [as(H(), 'homeroom')],
      ),
  },
  {
    code: 'unknown-student',
    write: (c) =>
      c.forge({ type: 'StudentEnrolled', data: { year: Y, class: C, student: 'hs-999', date: '2024-09-05' } }, [
        as(H(), 'homeroom'),
      ]),
  },
  {
    code: 'already-enrolled',
    write: (c) =>
      c.forge({ type: 'StudentEnrolled', data: { year: Y, class: C, student: 'hs-001', date: '2024-09-06' } }, [
        as(H(), 'homeroom'),
      ]),
  },
  {
    code: 'transfer-mismatch',
    write: (c) =>
      c.forge(
        {
          type: 'StudentTransferred',
          data: { year: Y, class: C, student: 'hs-001', date: '2024-10-01', to: { class: C }, reason: 'x' },
        },
        [as(H(), 'homeroom')],
      ),
  },
  { code: 'student-not-in-class', write: (c) => c.forge(score({ student: 'hs-999' }), [as(T(), 'subject')]) },
  {
    code: 'empty-change',
    write: (c) =>
      c.forge({ type: 'BiographyChanged', data: { student: 'hs-001', year: Y, class: C, changes: {}, reason: 'x' } }, [
        as(H(), 'homeroom'),
      ]),
  },
  {
    code: 'personal-data-in-clear',
    write: async (c) => {
      await c.run({ type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } }, [as(P(), 'leader')]);
      return c.forge(
        {
          type: 'StudentRegistered',
          data: { student: 'hs-new', year: Y, class: C, bio: { name: 'Rõ', birthDate: '2009-01-01', sex: 'M' } },
        },
        [as(H(), 'homeroom')],
      );
    },
  },
  {
    code: 'personal-data-format-not-adopted',
    write: (c) =>
      c.forge({ type: 'StudentRegistered', data: { student: 'hs-new', year: Y, class: C, pd: committed('hs-new') } }, [
        as(H(), 'homeroom'),
      ]),
  },
  {
    code: 'personal-data-erased',
    write: async (c) => {
      await c.run({ type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } }, [as(P(), 'leader')]);
      await c.forge(
        { type: 'StudentRegistered', data: { student: 'hs-pd', year: Y, class: C, pd: committed('hs-pd') } },
        [as(H(), 'homeroom')],
      );
      const erase = {
        type: 'PersonalDataErased',
        data: { students: ['hs-pd'], basis: 'retention-expired', reason: 'x' },
      };
      await c.forge(erase, [as(P(), 'leader')]);
      return c.forge(erase, [as(P(), 'leader')]);
    },
  },
  {
    code: 'personal-data-in-chain',
    write: (c) =>
      c.forge({ type: 'PersonalDataErased', data: { students: ['hs-001'], basis: 'guardian-request', reason: 'x' } }, [
        as(P(), 'leader'),
      ]),
  },
  {
    code: 'regular-index-out-of-range',
    write: (c) => c.forge(score({ subject: 'van', column: 'tx', index: 3 }), [as(H(), 'subject')]),
  },
  {
    code: 'date-outside-year',
    write: (c) =>
      c.forge(
        {
          type: 'AbsenceRecorded',
          data: { year: Y, class: C, student: 'hs-001', date: '2025-07-01', session: 'morning', value: 'P' },
        },
        [as(H(), 'homeroom')],
      ),
  },
  {
    code: 'date-before-year-end',
    write: (c) =>
      c.forge(
        {
          type: 'RetestScoreEntered',
          data: { year: Y, class: C, subject: 'toan', student: 'hs-001', value: '6', date: '2025-05-01' },
        },
        [as(T(), 'subject')],
      ),
  },
  {
    code: 'out-of-order',
    write: (c) => c.forge({ type: 'ClassApproved', data: { year: Y, class: C, term: 'HK1' } }, [as(P(), 'leader')]),
  },
  {
    code: 'already-signed',
    write: async (c) => {
      await c.complete();
      await c.run({ type: 'SignOffSubject', data: { year: Y, class: C, subject: 'toan', term: 'HK1' } }, [
        as(T(), 'subject'),
      ]);
      return c.forge({ type: 'SubjectSignedOff', data: { year: Y, class: C, subject: 'toan', term: 'HK1' } }, [
        as(T(), 'subject'),
      ]);
    },
  },
  {
    code: 'cell-signed-off',
    write: async (c) => {
      await c.complete();
      await c.run({ type: 'SignOffSubject', data: { year: Y, class: C, subject: 'toan', term: 'HK1' } }, [
        as(T(), 'subject'),
      ]);
      return c.forge(score(), [as(T(), 'subject')]);
    },
  },
  {
    // A sign-off with Toán's marks missing (none entered), appended behind the library's back.
    code: 'marks-missing',
    write: (c) =>
      c.forge({ type: 'SubjectSignedOff', data: { year: Y, class: C, subject: 'toan', term: 'HK1' } }, [
        as(T(), 'subject'),
      ]),
  },
  {
    code: 'cell-already-entered',
    write: async (c) => {
      await c.run(enterScore(), [as(T(), 'subject')]);
      return c.forge(score({ value: '9' }), [as(T(), 'subject')]);
    },
  },
  {
    code: 'outside-window',
    write: async (c) => {
      await c.run({ type: 'CloseWindow', data: { window: 'nam-hoc' } }, [as(P(), 'leader')]);
      return c.forge(score(), [as(T(), 'subject')]);
    },
  },
  {
    code: 'duplicate-window',
    write: (c) =>
      c.forge({ type: 'WindowOpened', data: { window: 'nam-hoc', year: Y, period: 'HK1', scope: {} } }, [
        as(P(), 'leader'),
      ]),
  },
  {
    code: 'unknown-window',
    write: (c) => c.forge({ type: 'WindowClosed', data: { window: 'khong-co' } }, [as(P(), 'leader')]),
  },
  {
    code: 'window-already-closed',
    write: async (c) => {
      await c.run({ type: 'CloseWindow', data: { window: 'nam-hoc' } }, [as(P(), 'leader')]);
      return c.forge({ type: 'WindowClosed', data: { window: 'nam-hoc' } }, [as(P(), 'leader')]);
    },
  },
  {
    code: 'unlock-needs-reason',
    write: async (c) => {
      await c.run({ type: 'CloseWindow', data: { window: 'nam-hoc' } }, [as(P(), 'leader')]);
      return c.forge(
        { type: 'WindowOpened', data: { window: 'mo-lai', year: Y, period: 'HK1', scope: { class: C } } },
        [as(P(), 'leader')],
      );
    },
  },
  {
    code: 'unknown-target',
    write: (c) =>
      c.forge(
        {
          type: 'CorrectionMade',
          data: {
            target: newEventId(),
            old: '8',
            new: '9',
            reason: 'x',
            minutes,
            requester: T().key,
            approver: P().key,
            witness: V().key,
          },
        },
        [as(T(), 'subject'), as(P(), 'leader'), as(V(), 'admin')],
        markbookStream(Y, C, 'toan'),
      ),
  },
  ...(['stale-old-value', 'invalid-value', 'no-change'] as const).map((code): RuleCase => ({
    code,
    write: async (c) => {
      const r = await c.run(enterScore(), [as(T(), 'subject')]);
      const [old, value] =
        code === 'stale-old-value' ? ['7', '9'] : code === 'invalid-value' ? ['8', '11'] : ['8', '8'];
      return c.forge(
        {
          type: 'CorrectionMade',
          data: {
            target: r.events[0]!.id,
            old,
            new: value,
            reason: 'x',
            minutes,
            requester: T().key,
            approver: P().key,
            witness: V().key,
          },
        },
        [as(T(), 'subject'), as(P(), 'leader'), as(V(), 'admin')],
        markbookStream(Y, C, 'toan'),
      );
    },
  })),
  {
    code: 'same-person-twice',
    write: async (c) => {
      const r = await c.run(enterScore(), [as(T(), 'subject')]);
      // The principal's second key, registered with her own consent, signs as the witness.
      const second = person(P().id, 'k2');
      await c.run({ type: 'RegisterKey', data: { person: P().id, key: second.key } }, [
        as(P(), 'admin'),
        as(second, 'holder'),
      ]);
      return c.forge(
        {
          type: 'CorrectionMade',
          data: {
            target: r.events[0]!.id,
            old: '8',
            new: '9',
            reason: 'x',
            minutes,
            requester: T().key,
            approver: P().key,
            witness: second.key,
          },
        },
        [as(T(), 'subject'), as(P(), 'leader'), as(second, 'admin')],
        markbookStream(Y, C, 'toan'),
      );
    },
  },
  {
    code: 'invalid-data',
    // A mid-term score with an index: not the catalogue's refusal but the rule's (TT22 Điều 7).
    write: (c) => c.forge(score({ column: 'gk', index: 1 }), [as(T(), 'subject')]),
  },
  // CA-backed signatures: the structure is the rules' (the cryptography is the certificate pass's).
  {
    code: 'certificate-already-bound',
    write: async (c) => {
      await c.forge({ type: 'CertificateBound', data: bound(T().id) }, [as(P(), 'admin')]);
      return c.forge({ type: 'CertificateBound', data: bound(H().id) }, [as(P(), 'admin')]);
    },
  },
  {
    code: 'certificate-not-bound',
    write: async (c) => {
      const act = await signOff(c);
      return c.forge({ type: 'ActCertified', data: certified(act) }, [as(T(), 'subject')], MARKBOOK);
    },
  },
  {
    code: 'unknown-act',
    write: (c) => c.forge({ type: 'ActCertified', data: certified(newEventId()) }, [as(T(), 'subject')], MARKBOOK),
  },
  {
    code: 'not-act-signer',
    write: async (c) => {
      const act = await signOff(c);
      return c.forge({ type: 'ActCertified', data: certified(act) }, [as(H(), 'subject')], MARKBOOK);
    },
  },
  {
    code: 'already-certified',
    write: async (c) => {
      const act = await signOff(c);
      await c.forge({ type: 'CertificateBound', data: bound(T().id) }, [as(P(), 'admin')]);
      await c.forge({ type: 'ActCertified', data: certified(act, BOUND_DIGEST) }, [as(T(), 'subject')], MARKBOOK);
      return c.forge({ type: 'ActCertified', data: certified(act, BOUND_DIGEST) }, [as(T(), 'subject')], MARKBOOK);
    },
  },
  {
    code: 'book-mismatch',
    write: (c) =>
      c.forge(
        {
          type: 'ClassApproved',
          data: {
            year: Y,
            class: C,
            term: 'HK1',
            book: [{ stream: `class/${Y}/${C}`, rev: 99, hash: '0'.repeat(64) }],
          },
        },
        [as(P(), 'leader')],
      ),
  },
];

/** Commitments to a made-up biography (`hoso/pd/v1`). */
const committed = (student: string) =>
  commitFields(student, { name: 'Ẩn Danh', birthDate: '2009-01-01', sex: 'F' }).commitments;
/** A certificate binding as the rules see it (its bytes are not a certificate: the rules do not parse it). */
const FAKE_CERT = Buffer.from('not a certificate, but base64').toString('base64');
const BOUND_DIGEST = createHash('sha256').update(Buffer.from(FAKE_CERT, 'base64')).digest('hex');
const bound = (person: string) => ({ person, certificate: FAKE_CERT, chain: [], proof: 'AAAA' });
const certified = (act: string, certificate = 'ab'.repeat(32)) => ({ act, certificate, cms: 'AAAA' });
const MARKBOOK = markbookStream(Y, C, 'toan');
async function signOff(c: Case): Promise<string> {
  await c.complete();
  const r = await c.run({ type: 'SignOffSubject', data: { year: Y, class: C, subject: 'toan', term: 'HK1' } }, [
    as(T(), 'subject'),
  ]);
  return r.events[0]!.id;
}

/** Codes `checkEvent` never returns (the writer's run-time refusals, and what other passes own). */
const NOT_FROM_RULES: ReadonlySet<LedgerErrorCode> = new Set<LedgerErrorCode>([
  'invalid-command',
  'at-in-future',
  'bad-signature',
  'too-many-conflicts',
  'store-error',
  'signer-failed',
  'no-trust-list',
  'personal-data-store-required',
  'personal-data-unavailable',
  'personal-data-opening-invalid',
]);
/** Codes another pass reports with its own finding at the event (see `reportedElsewhere`). */
const ELSEWHERE: ReadonlySet<LedgerErrorCode> = new Set<LedgerErrorCode>([
  'stream-conflict',
  'invalid-envelope',
  'unknown-event-type',
  'text-not-nfc',
  'control-character',
  // The certificate pass: the cryptography of bindings, consents and CA signatures.
  'ca-signature-invalid',
  'identity-mismatch',
]);

describe('compliance: every rule broken behind the library’s back is a finding at its position', () => {
  for (const c of CASES)
    it(`${c.code}`, async () => {
      const k = await fresh(c.events === 'empty' ? [] : base);
      const position = await c.write(k);
      const report = await k.verify();
      expect(report.ok).toBe(false);
      expect(ruleCodes(report, position)).toContain(c.code);
    });

  it('covers every code the rules return', () => {
    const covered = new Set<string>(CASES.map((c) => c.code));
    const missing = LEDGER_ERROR_CODES.filter((c) => !NOT_FROM_RULES.has(c) && !ELSEWHERE.has(c) && !covered.has(c));
    expect(missing).toEqual([]);
  });

  // (A broken stream chain cannot be appended to a store at all; the tamper tests cover it in bundles.)
  it('where another pass owns the very problem, that pass reports it at the position instead', async () => {
    const k = await fresh();
    // Text the catalogue refuses (decomposed Vietnamese; a terminal escape): the catalogue check's finding.
    const p2 = await k.forge(
      { type: 'StaffRegistered', data: { person: 'gv-nfd', name: 'Nguye\u0302\u0303n Thi\u0323 Nu\u031b\u0303' } },
      [as(P(), 'admin')],
    );
    const p3 = await k.forge(
      { type: 'StaffRegistered', data: { person: 'gv-esc', name: 'Lan\u001b]52;c;aGk=\u0007' } },
      [as(P(), 'admin')],
    );
    const p4 = await k.forge({ type: 'NoSuchEvent', data: {} }, [as(P(), 'admin')], 'school');
    // A signer the ledger never registered: the key pass's finding.
    const stranger = person('nguoi-la');
    const p5 = await k.forge(score({ student: 'hs-002' }), [as(stranger, 'subject')]);
    const r = await k.verify();
    for (const p of [p2, p3, p4]) {
      expect(findingCodes(r, p)).toContain('event-invalid');
      expect(ruleCodes(r, p)).toEqual([]);
    }
    expect(findingCodes(r, p5)).toContain('key-unregistered');
    expect(ruleCodes(r, p5)).not.toContain('unknown-key');
  });

  it('every code has a Vietnamese sentence of its own', () => {
    const sentences = LEDGER_ERROR_CODES.map((c) => RULE_VI[c]);
    expect(sentences.every((s) => s.length > 10)).toBe(true);
    expect(new Set(sentences).size).toBe(sentences.length);
  });
});

describe('sign-off completeness on a ledger written around the library', () => {
  it('a sign-off and a confirmation with marks missing are findings listing every missing cell', async () => {
    const k = await fresh();
    await k.complete();
    // A fourth student put on the list after the marks were in: none of theirs is.
    await k.run(
      {
        type: 'EnrollStudent',
        data: {
          year: Y,
          class: C,
          student: 'hs-004',
          date: '2024-10-01',
          bio: { name: 'Học sinh 4', birthDate: '2009-05-05', sex: 'F' },
        },
      },
      [as(H(), 'homeroom')],
    );
    const signed = await k.forge(
      { type: 'SubjectSignedOff', data: { year: Y, class: C, subject: 'toan', term: 'HK1' } },
      [as(T(), 'subject')],
    );
    const confirmed = await k.forge({ type: 'ClassConfirmed', data: { year: Y, class: C, term: 'HK1' } }, [
      as(H(), 'homeroom'),
    ]);
    const r = await k.verify();
    const at = (p: number) => r.findings.find((f) => f.position === p && f.details?.['ledgerCode'] === 'marks-missing');
    const off = at(signed);
    expect(off?.rule).toBe('QC Điều 9.1, 9.3');
    expect(off?.details?.['cells']).toEqual(
      ['tx1', 'tx2', 'tx3', 'tx4', 'gk', 'ck'].map((column) => ({
        student: 'hs-004',
        subject: 'toan',
        term: 'HK1',
        column,
      })),
    );
    expect(off?.message).toContain('6 marks are missing');
    const conf = at(confirmed);
    expect(conf?.rule).toBe('QC Điều 8.3, 8.4b');
    // Every subject (Toán 4 + 2, Ngữ văn 2 + 2, Giáo dục thể chất 2 + 2) and the conduct: 15 cells.
    expect((conf?.details?.['cells'] as unknown[]).length).toBe(15);
    expect(conf?.details?.['cells']).toContainEqual({ student: 'hs-004', term: 'HK1', column: 'conduct' });
  });
});

describe('the insider attacks of the security review', () => {
  it('a one-signature correction by the office clerk, claiming role subject, of a sealed mark is a finding', async () => {
    const k = await fresh();
    const entry = await k.run(enterScore(), [as(T(), 'subject')]);
    await sealHK1(k);
    const position = await k.forge(
      {
        type: 'CorrectionMade',
        data: {
          target: entry.events[0]!.id,
          old: '8',
          new: '10',
          reason: 'sửa theo yêu cầu',
          minutes,
          requester: T().key,
          approver: P().key,
          witness: V().key,
        },
      },
      [as(O(), 'subject')],
      markbookStream(Y, C, 'toan'),
    );
    const r = await k.verify();
    expect(r.ok).toBe(false);
    const codes = ruleCodes(r, position);
    // Every rule it breaks, not the first: requester ≠ author, both missing signatures, the author's role.
    expect(codes).toEqual(expect.arrayContaining(['invalid-data', 'missing-signature', 'role-not-held']));
    expect(codes.filter((c) => c === 'missing-signature')).toHaveLength(2);
  });

  it('gk/ck entries with an index and a tx without one, after lock, sign-off and seal, are findings', async () => {
    const k = await fresh();
    await sealHK1(k);
    await k.run({ type: 'CloseWindow', data: { window: 'nam-hoc' } }, [as(P(), 'leader')]);
    const gk = await k.forge(score({ column: 'gk', index: 2 }), [as(T(), 'subject')]);
    const ck = await k.forge(score({ column: 'ck', index: 1, student: 'hs-002' }), [as(T(), 'subject')]);
    const tx = await k.forge(score({ column: 'tx', student: 'hs-003' }), [as(T(), 'subject')]);
    const r = await k.verify();
    for (const p of [gk, ck, tx])
      expect(ruleCodes(r, p)).toEqual(expect.arrayContaining(['invalid-data', 'cell-signed-off', 'outside-window']));
  });

  it('an admin registering keys "for" the teacher and the principal is refused; behind the back it is a finding', async () => {
    const k = await fresh();
    const fakeT = person(T().id, 'fake');
    const fakeP = person(P().id, 'fake');
    // Through the library: refused, nothing written.
    const before = await k.store.size(LEDGER);
    for (const [who, fake] of [
      [T(), fakeT],
      [P(), fakeP],
    ] as const) {
      const r = await k.ledger.execute({ type: 'RegisterKey', data: { person: who.id, key: fake.key } }, [
        as(V(), 'admin'),
        as(fake, 'holder'),
      ]);
      expect(isLeft(r) && r.left.code).toBe('invalid-consent');
      // Claiming the person's consent by a key that is not theirs does not help either.
      const claimed = await k.ledger.execute(
        { type: 'RegisterKey', data: { person: who.id, key: fake.key, consent: { by: 'key', key: V().key } } },
        [as(V(), 'admin'), as(fake, 'holder')],
      );
      expect(isLeft(claimed) && claimed.left.code).toBe('invalid-consent');
    }
    expect(await k.store.size(LEDGER)).toBe(before);
    // Behind the library's back: each registration is a finding, and so the correction they enable is exposed.
    const entry = await k.run(enterScore(), [as(T(), 'subject')]);
    const regT = await k.forge({ type: 'KeyRegistered', data: { person: T().id, key: fakeT.key } }, [
      as(V(), 'admin'),
      as(fakeT, 'holder'),
    ]);
    const regP = await k.forge(
      { type: 'KeyRegistered', data: { person: P().id, key: fakeP.key, consent: { by: 'leader', key: V().key } } },
      [as(V(), 'admin'), as(fakeP, 'holder')],
    );
    await k.forge(
      {
        type: 'CorrectionMade',
        data: {
          target: entry.events[0]!.id,
          old: '8',
          new: '10',
          reason: 'x',
          minutes,
          requester: fakeT.key,
          approver: fakeP.key,
          witness: V().key,
        },
      },
      [as(fakeT, 'subject'), as(fakeP, 'leader'), as(V(), 'admin')],
      markbookStream(Y, C, 'toan'),
    );
    const r = await k.verify();
    expect(r.ok).toBe(false);
    expect(ruleCodes(r, regT)).toContain('missing-consent');
    expect(ruleCodes(r, regP)).toEqual(expect.arrayContaining(['invalid-consent']));
  });
});
