import { describe, it, expect } from 'vitest';
import { buildSchool, as, ok, person } from '@hoso/ledger/testing';
import { Y, minutes, score, refusedNothingWritten } from './helpers.js';

describe('entry windows and locks (QC Điều 6.2c)', () => {
  it('refuses entry when no window is open, naming none', async () => {
    const s = await buildSchool({ openWindow: false });
    const e = await refusedNothingWritten(
      s,
      score('hs-001', '8'),
      [as(s.people.teacher, 'subject')],
      'outside-window',
      ['data'],
      'QC Điều 6.2c',
    );
    expect(e.message).toContain('no entry window');
  });

  it('checks the window period, scope and time against the append clock (Asia/Ho_Chi_Minh)', async () => {
    const s = await buildSchool({ openWindow: false });
    const L = [as(s.people.principal, 'leader')];
    const T = [as(s.people.teacher, 'subject')];
    await s.run(
      {
        type: 'OpenWindow',
        data: {
          window: 'gk1-toan',
          year: Y,
          period: 'GK1',
          scope: { subject: 'toan' },
          opens: '2024-10-20T07:00:00+07:00',
          closes: '2024-11-01T00:00:00+07:00',
        },
      },
      L,
    );
    // Before it opens (clock: 2024-10-01).
    let e = await refusedNothingWritten(
      s,
      score('hs-001', '8', { column: 'gk', index: undefined }),
      T,
      'outside-window',
    );
    expect(e.details?.['window']).toBe('gk1-toan');
    expect(e.message).toContain('opens at 2024-10-20T07:00:00+07:00');
    // 06:59:59.999 Vietnam time is still before 07:00 +07:00.
    s.clock.now = new Date('2024-10-19T23:59:59.999Z');
    await refusedNothingWritten(s, score('hs-001', '8', { column: 'gk', index: undefined }), T, 'outside-window');
    s.clock.now = new Date('2024-10-20T00:00:00.000Z');
    const r = ok(await s.ledger.execute(score('hs-001', '8', { column: 'gk', index: undefined }), T));
    expect(r.events[0]!.type).toBe('ScoreEntered');
    // A mid-term window does not open the regular column, nor another subject.
    await refusedNothingWritten(s, score('hs-002', '8'), T, 'outside-window');
    // At the closing instant it is closed.
    s.clock.now = new Date('2024-10-31T17:00:00.000Z');
    e = await refusedNothingWritten(s, score('hs-002', '8', { column: 'gk', index: undefined }), T, 'outside-window');
    expect(e.message).toContain('closed at');
  });

  it('a lock is in force for every event after it; unlocking needs a reason', async () => {
    const s = await buildSchool();
    const L = [as(s.people.principal, 'leader')];
    const T = [as(s.people.teacher, 'subject')];
    ok(await s.ledger.execute(score('hs-001', '8'), T));
    await s.run({ type: 'CloseWindow', data: { window: 'nam-hoc', reason: 'khóa sổ' } }, L);
    const e = await refusedNothingWritten(s, score('hs-002', '8'), T, 'outside-window');
    expect(e.details?.['window']).toBe('nam-hoc');
    await refusedNothingWritten(s, { type: 'CloseWindow', data: { window: 'nam-hoc' } }, L, 'window-already-closed');
    await refusedNothingWritten(
      s,
      {
        type: 'OpenWindow',
        data: { window: 'mo-lai', year: Y, period: 'HK1', scope: { class: '10A1', subject: 'toan' } },
      },
      L,
      'unlock-needs-reason',
      ['data', 'reason'],
      'QC Điều 6.2c',
    );
    await s.run(
      {
        type: 'OpenWindow',
        data: {
          window: 'mo-lai',
          year: Y,
          period: 'HK1',
          scope: { class: '10A1', subject: 'toan', student: 'hs-002' },
          reason: 'học sinh thi bù',
        },
      },
      L,
    );
    ok(await s.ledger.execute(score('hs-002', '8'), T));
    // Only that student's cell is open.
    await refusedNothingWritten(s, score('hs-003', '8'), T, 'outside-window');
    await refusedNothingWritten(
      s,
      { type: 'OpenWindow', data: { window: 'mo-lai', year: Y, period: 'HK2', scope: {}, reason: 'x' } },
      L,
      'duplicate-window',
    );
  });
});

describe('sign-offs in order', () => {
  it('subject → homeroom → leader → office; out of order or wrong person refused', async () => {
    const s = await buildSchool();
    const { teacher, homeroom, principal, office, vice } = s.people;
    const sign = (subject: string) => ({
      type: 'SignOffSubject',
      data: { year: Y, class: '10A1', subject, term: 'HK1' },
    });
    const confirm = { type: 'ConfirmClass', data: { year: Y, class: '10A1', term: 'HK1' } };
    const approve = { type: 'ApproveClass', data: { year: Y, class: '10A1', term: 'HK1' } };
    const seal = { type: 'SealBook', data: { year: Y, class: '10A1', term: 'HK1' } };

    await s.complete('HK1');
    await refusedNothingWritten(s, sign('van'), [as(teacher, 'subject')], 'role-not-held');
    await refusedNothingWritten(s, seal, [as(office, 'office')], 'out-of-order');
    await refusedNothingWritten(s, approve, [as(principal, 'leader')], 'out-of-order');
    ok(await s.ledger.execute(sign('toan'), [as(teacher, 'subject')]));
    await refusedNothingWritten(s, sign('toan'), [as(teacher, 'subject')], 'already-signed');
    const e = await refusedNothingWritten(s, confirm, [as(homeroom, 'homeroom')], 'out-of-order');
    expect(e.details?.['missing']).toEqual(['van', 'the-duc']);
    ok(await s.ledger.execute(sign('the-duc'), [as(teacher, 'subject')]));
    ok(await s.ledger.execute(sign('van'), [as(homeroom, 'subject')]));
    await refusedNothingWritten(s, confirm, [as(vice, 'homeroom')], 'role-not-held');
    ok(await s.ledger.execute(confirm, [as(homeroom, 'homeroom')]));
    await refusedNothingWritten(s, seal, [as(office, 'office')], 'out-of-order');
    await refusedNothingWritten(s, approve, [as(vice, 'leader')], 'role-not-held');
    ok(await s.ledger.execute(approve, [as(principal, 'leader')]));
    ok(await s.ledger.execute(seal, [as(office, 'office')]));
    await refusedNothingWritten(s, seal, [as(office, 'office')], 'already-signed');
    // The year sign-off needs both terms.
    await refusedNothingWritten(
      s,
      { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'CN' } },
      [as(teacher, 'subject')],
      'out-of-order',
    );
  });

  it('after a subject sign-off its term is closed to entry; homeroom records close at confirmation', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    await s.complete('HK1');
    ok(
      await s.ledger.execute(
        { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        T,
      ),
    );
    await refusedNothingWritten(s, score('hs-001', '8'), T, 'cell-signed-off', ['data'], 'QC Điều 12.3');
    ok(await s.ledger.execute(score('hs-001', '8', { term: 'HK2' }), T));
  });
});

describe('corrections (QC Điều 12.3)', () => {
  async function setup() {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const entry = ok(await s.ledger.execute(score('hs-001', '5.5'), T)).events[0]!.id;
    await s.complete('HK1');
    ok(
      await s.ledger.execute(
        { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        T,
      ),
    );
    const cmd = (extra: Record<string, unknown> = {}) => ({
      type: 'Correct',
      data: { target: entry, old: '5.5', new: '6.5', reason: 'cộng nhầm điểm', minutes, ...extra },
    });
    return { s, entry, cmd };
  }

  it('one event, three signers, three people; the old value stays in the log', async () => {
    const { s, entry, cmd } = await setup();
    const { teacher, principal, vice } = s.people;
    const r = ok(await s.ledger.execute(cmd(), [as(teacher, 'subject'), as(principal, 'leader'), as(vice, 'admin')]));
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.stream).toBe('markbook/2024-2025/10A1/toan');
    const stored = await s.store.getById('thpt-test', r.events[0]!.id);
    const env = JSON.parse(Buffer.from(stored!.bytes).toString('utf8')) as {
      type: string;
      sigs: { role: string }[];
      data: unknown;
    };
    expect(env.type).toBe('CorrectionMade');
    expect(env.sigs.map((x: { role: string }) => x.role)).toEqual(['subject', 'leader', 'admin']);
    expect(env.data).toMatchObject({
      target: entry,
      old: '5.5',
      new: '6.5',
      requester: teacher.key,
      approver: principal.key,
      witness: vice.key,
    });
    expect(await s.store.getById('thpt-test', entry)).not.toBeNull();
    // A second correction must start from the corrected value.
    await refusedNothingWritten(
      s,
      cmd({ new: '7' }),
      [as(teacher, 'subject'), as(principal, 'leader'), as(vice, 'admin')],
      'stale-old-value',
      ['data', 'old'],
    );
    ok(
      await s.ledger.execute(cmd({ old: '6.5', new: '7', target: r.events[0]!.id }), [
        as(teacher, 'subject'),
        as(principal, 'leader'),
        as(vice, 'admin'),
      ]),
    );
  });

  it('refuses a missing, wrong-role, revoked or repeated signer', async () => {
    const { s, cmd } = await setup();
    const { teacher, principal, vice, homeroom, office } = s.people;
    await refusedNothingWritten(
      s,
      cmd(),
      [as(teacher, 'subject'), as(principal, 'leader')],
      'missing-signature',
      ['data', 'witness'],
      'QC Điều 12.3',
    );
    await refusedNothingWritten(s, cmd(), [as(teacher, 'subject'), as(vice, 'admin')], 'missing-signature', [
      'data',
      'approver',
    ]);
    await refusedNothingWritten(
      s,
      cmd(),
      [as(teacher, 'subject'), as(homeroom, 'leader'), as(vice, 'admin')],
      'role-not-held',
      ['data', 'approver'],
    );
    await refusedNothingWritten(
      s,
      cmd(),
      [as(teacher, 'subject'), as(principal, 'leader'), as(office, 'admin')],
      'role-not-held',
      ['data', 'witness'],
    );
    await refusedNothingWritten(
      s,
      cmd(),
      [as(homeroom, 'subject'), as(principal, 'leader'), as(vice, 'admin')],
      'role-not-held',
      ['data', 'requester'],
    );
    // The principal holds leader and admin: approver and witness in one person.
    await refusedNothingWritten(
      s,
      cmd(),
      [as(teacher, 'subject'), as(principal, 'leader'), as(principal, 'admin')],
      'same-person-twice',
      ['data'],
      'QC Điều 12.3',
    );
    // The same person with a second key is still the same person.
    const second = person(principal.id, 'k2');
    await s.run({ type: 'RegisterKey', data: { person: principal.id, key: second.key } }, [
      as(vice, 'admin'),
      as(second, 'holder'),
      as(principal, 'consent'),
    ]);
    await refusedNothingWritten(
      s,
      cmd(),
      [as(teacher, 'subject'), as(principal, 'leader'), as(second, 'admin')],
      'same-person-twice',
    );
    await s.run({ type: 'RevokeKey', data: { key: vice.key, reason: 'mất điện thoại' } }, [as(principal, 'admin')]);
    await refusedNothingWritten(
      s,
      cmd(),
      [as(teacher, 'subject'), as(principal, 'leader'), as(vice, 'admin')],
      'key-revoked',
      ['data', 'witness'],
    );
  });

  it('validates the new value for its column and refuses no-op corrections', async () => {
    const { s, cmd } = await setup();
    const signers = [as(s.people.teacher, 'subject'), as(s.people.principal, 'leader'), as(s.people.vice, 'admin')];
    await refusedNothingWritten(s, cmd({ new: '11' }), signers, 'invalid-value', ['data', 'new'], 'TT22 Điều 5.2');
    await refusedNothingWritten(s, cmd({ new: '5.5' }), signers, 'no-change', ['data', 'new']);
    await refusedNothingWritten(s, cmd({ target: '01900000-0000-7000-8000-000000000001' }), signers, 'unknown-target', [
      'data',
      'target',
    ]);
    await refusedNothingWritten(
      s,
      cmd({ minutes: { number: 'x', date: '2024-13-01', text: 'y' } }),
      signers,
      'invalid-data',
      ['data', 'minutes', 'date'],
    );
    await refusedNothingWritten(s, cmd({ reason: undefined }), signers, 'invalid-data', ['data', 'reason']);
  });
});

describe('amending before sign-off (policy recorded at genesis)', () => {
  it('default (strict): the author may not re-enter a cell', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    ok(await s.ledger.execute(score('hs-001', '5'), T));
    await refusedNothingWritten(s, score('hs-001', '6'), T, 'cell-already-entered');
  });
  it('authorMayAmend: the author may, while the window is open and before sign-off; nobody else may', async () => {
    const s = await buildSchool({ rules: { authorMayAmend: true } });
    const T = [as(s.people.teacher, 'subject')];
    ok(await s.ledger.execute(score('hs-001', '5'), T));
    ok(await s.ledger.execute(score('hs-001', '6'), T));
    // A second subject teacher of toan is another person.
    await s.run(
      {
        type: 'GrantRole',
        data: { person: s.people.homeroom.id, role: 'subject', year: Y, class: '10A1', subject: 'toan' },
      },
      [as(s.people.principal, 'leader')],
    );
    await refusedNothingWritten(s, score('hs-001', '7'), [as(s.people.homeroom, 'subject')], 'cell-already-entered');
    await s.complete('HK1');
    ok(
      await s.ledger.execute(
        { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        T,
      ),
    );
    await refusedNothingWritten(s, score('hs-001', '7'), T, 'cell-signed-off');
  });
});

describe('identity: keys and roles', () => {
  it('key registration needs proof of possession; one key, one person; revoked keys sign nothing', async () => {
    const s = await buildSchool();
    const { principal, teacher, vice } = s.people;
    const A = [as(vice, 'admin')];
    const n = person('gv-moi');
    ok(await s.ledger.execute({ type: 'RegisterStaff', data: { person: n.id, name: 'Giáo viên mới' } }, A));
    await refusedNothingWritten(
      s,
      { type: 'RegisterStaff', data: { person: n.id, name: 'Again' } },
      A,
      'duplicate-person',
    );
    await refusedNothingWritten(
      s,
      { type: 'RegisterKey', data: { person: n.id, key: n.key } },
      A,
      'missing-signature',
      ['sigs', 1],
      'QC Điều 7.1',
    );
    await refusedNothingWritten(
      s,
      { type: 'RegisterKey', data: { person: n.id, key: n.key } },
      [as(vice, 'admin'), as(teacher, 'holder')],
      'missing-signature',
    );
    await refusedNothingWritten(
      s,
      { type: 'RegisterKey', data: { person: n.id, key: teacher.key } },
      [as(vice, 'admin'), as(teacher, 'holder')],
      'key-already-registered',
      ['data', 'key'],
      'QC Điều 7.1',
    );
    await refusedNothingWritten(
      s,
      { type: 'RegisterKey', data: { person: 'nobody', key: n.key } },
      [as(vice, 'admin'), as(n, 'holder')],
      'unknown-person',
    );
    ok(
      await s.ledger.execute({ type: 'RegisterKey', data: { person: n.id, key: n.key } }, [
        as(vice, 'admin'),
        as(n, 'holder'),
        as(principal, 'leader'),
      ]),
    );
    // An unregistered key signs nothing.
    const stranger = person('nguoi-la');
    await refusedNothingWritten(s, score('hs-001', '8'), [as(stranger, 'subject')], 'unknown-key', ['by', 'key']);
    // Revocation.
    ok(await s.ledger.execute({ type: 'RevokeKey', data: { key: teacher.key, reason: 'nghỉ việc' } }, A));
    await refusedNothingWritten(s, score('hs-001', '8'), [as(teacher, 'subject')], 'key-revoked', ['by', 'key']);
    await refusedNothingWritten(
      s,
      { type: 'RevokeKey', data: { key: teacher.key, reason: 'again' } },
      A,
      'key-revoked',
    );
    await refusedNothingWritten(
      s,
      { type: 'RegisterKey', data: { person: n.id, key: teacher.key } },
      [as(vice, 'admin'), as(teacher, 'holder')],
      'key-already-registered',
    );
    expect(principal.key).not.toBe(teacher.key);
  });

  it('role grants carry exactly the scope of their role', async () => {
    const s = await buildSchool();
    const L = [as(s.people.principal, 'leader')];
    const p = s.people.teacher.id;
    await refusedNothingWritten(
      s,
      { type: 'GrantRole', data: { person: p, role: 'homeroom', year: Y } },
      L,
      'invalid-role-scope',
      ['data', 'class'],
    );
    await refusedNothingWritten(
      s,
      { type: 'GrantRole', data: { person: p, role: 'leader', year: Y } },
      L,
      'invalid-role-scope',
      ['data', 'year'],
    );
    await refusedNothingWritten(
      s,
      { type: 'GrantRole', data: { person: p, role: 'subject', year: Y, class: '10A9', subject: 'toan' } },
      L,
      'unknown-class',
    );
    await refusedNothingWritten(
      s,
      { type: 'GrantRole', data: { person: p, role: 'subject', year: Y, class: '10A1', subject: 'toan' } },
      L,
      'role-already-held',
    );
    await refusedNothingWritten(s, { type: 'GrantRole', data: { person: p, role: 'admn' } }, L, 'invalid-data', [
      'data',
      'role',
    ]);
    ok(
      await s.ledger.execute(
        {
          type: 'RevokeRole',
          data: { person: p, role: 'subject', year: Y, class: '10A1', subject: 'toan', reason: 'đổi phân công' },
        },
        L,
      ),
    );
    await refusedNothingWritten(s, score('hs-001', '8'), [as(s.people.teacher, 'subject')], 'role-not-held');
    await refusedNothingWritten(
      s,
      {
        type: 'RevokeRole',
        data: { person: p, role: 'subject', year: Y, class: '10A1', subject: 'toan', reason: 'again' },
      },
      L,
      'role-not-held',
    );
  });

  it('school setup is checked: calendar, offerings by level, duplicates', async () => {
    const s = await buildSchool();
    const L = [as(s.people.principal, 'leader')];
    await refusedNothingWritten(
      s,
      {
        type: 'DefineYear',
        data: {
          year: '2025-2026',
          terms: { HK1: { start: '2025-09-05', end: '2026-01-20' }, HK2: { start: '2026-01-10', end: '2026-05-25' } },
        },
      },
      L,
      'invalid-calendar',
      ['data', 'terms', 'HK2', 'start'],
    );
    await refusedNothingWritten(
      s,
      {
        type: 'DefineYear',
        data: {
          year: '2025-2027',
          terms: { HK1: { start: '2025-09-05', end: '2026-01-15' }, HK2: { start: '2026-01-19', end: '2026-05-25' } },
        },
      },
      L,
      'invalid-data',
      ['data', 'year'],
    );
    await refusedNothingWritten(
      s,
      {
        type: 'DefineYear',
        data: {
          year: Y,
          terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
        },
      },
      L,
      'duplicate-year',
    );
    await refusedNothingWritten(
      s,
      { type: 'OpenClass', data: { year: Y, class: '3A', grade: 3 } },
      L,
      'grade-not-taught',
    );
    await refusedNothingWritten(
      s,
      { type: 'OpenClass', data: { year: Y, class: '10A1', grade: 10 } },
      L,
      'duplicate-class',
    );
    await refusedNothingWritten(
      s,
      { type: 'OfferSubject', data: { year: Y, grade: 11, subject: 'toan', periodsPerYear: 105, assessment: 'level' } },
      L,
      'wrong-level',
      ['data', 'assessment'],
    );
    await refusedNothingWritten(
      s,
      {
        type: 'OfferSubject',
        data: { year: Y, grade: 10, subject: 'toan', periodsPerYear: 105, assessment: 'scored' },
      },
      L,
      'duplicate-offering',
    );
    await refusedNothingWritten(
      s,
      { type: 'OfferSubject', data: { year: Y, grade: 11, subject: 'hoa', periodsPerYear: 70, assessment: 'scored' } },
      L,
      'unknown-subject',
    );
  });
});
