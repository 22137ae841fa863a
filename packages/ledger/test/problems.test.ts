/**
 * Specifications of the rules as given/when/then over events (no store, no signatures): every
 * problem of an event is found, whatever rule failed before it; a rule that cannot be evaluated
 * says so; a refusal to a stranger shows nothing of the books; a key is registered only with its
 * person's consent; one form of text.
 */
import { describe, it, expect } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { bookHeads, checkEvent, decodeCommand, type LedgerEvent } from '@hoso/ledger';
import { completeFacts, given, person, problemsOf, type Fact } from '@hoso/ledger/testing';
import { P, T, Y, admin, enter, leader, school, window } from './facts.js';

const V = person('pho-hieu-truong');
const O = person('van-thu');
const subject = { key: T.key, role: 'subject' };
const minutes = { number: '01', date: '2024-10-01', text: 'biên bản' };

/** The vice-principal (admin) and the clerk (office), each with a first key given by the leader. */
const staff: Fact[] = [V, O].flatMap((p): Fact[] => [
  { event: { type: 'StaffRegistered', data: { person: p.id, name: p.name } }, by: admin },
  {
    event: { type: 'KeyRegistered', data: { person: p.id, key: p.key, consent: { by: 'leader', key: P.key } } },
    by: admin,
    cosigners: [{ key: p.key, role: 'holder' }],
  },
]);
const roles: Fact[] = [
  { event: { type: 'RoleGranted', data: { person: V.id, role: 'admin' } }, by: leader },
  { event: { type: 'RoleGranted', data: { person: O.id, role: 'office' } }, by: leader },
];
const entered: Fact = {
  event: {
    type: 'ScoreEntered',
    data: { year: Y, class: '6A', subject: 'toan', student: 'hs-1', term: 'HK1', column: 'ck', value: '4' },
  },
  by: subject,
};
const all = [...school, ...staff, ...roles, window, entered];
/** Every other mark of 6A a sign-off of `term` asks for, after `facts`. */
const complete = (facts: readonly Fact[], term: 'HK1' | 'HK2' = 'HK1'): Fact[] =>
  completeFacts(facts, {
    year: Y,
    class: '6A',
    term,
    by: (c) => (c.subject === undefined ? { key: P.key, role: 'homeroom' } : subject),
  });
const codes = (r: ReturnType<ReturnType<typeof given>['when']>): string[] =>
  isLeft(r.result) ? problemsOf(r.result.left).map((e) => e.code) : [];

describe('every problem of an event, not the first', () => {
  it('a one-signature correction claiming role subject is checked for approver, witness and three people', () => {
    const s = given(...all);
    const target = [...s.state.cells.entries()][0]![1].entry;
    // Written as a signed event would be (the writer fills requester/approver/witness from the signers).
    const problems = checkEvent(s.state, {
      ledger: 'test-school',
      stream: 'markbook/2024-2025/6A/toan',
      type: 'CorrectionMade',
      data: { target, old: '4', new: '9', reason: 'x', minutes, requester: T.key, approver: P.key, witness: V.key },
      by: { key: O.key, role: 'subject' },
      signers: [{ key: O.key, role: 'subject' }],
      at: new Date('2024-10-01T08:00:00+07:00'),
    });
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['invalid-data', 'data.requester'],
      ['missing-signature', 'data.approver'],
      ['missing-signature', 'data.witness'],
      ['role-not-held', 'by.key'],
    ]);
  });

  it('a correction whose target does not exist says so, and is still checked for its three places', () => {
    const s = given(...all);
    const problems = checkEvent(s.state, {
      ledger: 'test-school',
      stream: 'markbook/2024-2025/6A/toan',
      type: 'CorrectionMade',
      data: {
        target: '01900000-0000-7000-8000-00000000ffff',
        old: '4',
        new: '9',
        reason: 'x',
        minutes,
        requester: T.key,
        approver: P.key,
        witness: P.key,
      },
      by: subject,
      signers: [subject, leader, admin],
      at: new Date('2024-10-01T08:00:00+07:00'),
    });
    expect(problems.map((p) => p.code)).toEqual(['unknown-target', 'same-person-twice']);
    expect(problems[0]!.message).toMatch(/cannot be checked/);
  });

  it('an entry with a bad index is still checked for window, lock and sign-off', () => {
    const s = given(
      ...all,
      ...complete(all),
      { event: { type: 'WindowClosed', data: { window: 'hk1' } }, by: leader },
      {
        event: { type: 'SubjectSignedOff', data: { year: Y, class: '6A', subject: 'toan', term: 'HK1' } },
        by: subject,
      },
    );
    const r = s.when(enter('7', { column: 'gk', index: 2 }), [subject]);
    expect(codes(r)).toEqual(['invalid-data', 'cell-signed-off', 'outside-window']);
    expect(codes(s.when(enter('7', { column: 'tx' }), [subject]))).toEqual([
      'invalid-data',
      'cell-signed-off',
      'outside-window',
    ]);
  });

  it('the writer refuses with the first problem and lists the rest in details.more', () => {
    const s = given(...all, { event: { type: 'WindowClosed', data: { window: 'hk1' } }, by: leader });
    const e = s.when(enter('7', { column: 'tx' }), [{ key: T.key, role: 'homeroom' }]).thenRefused('not-permitted');
    expect(e.details?.more?.map((m) => m.code)).toEqual(['invalid-data', 'outside-window']);
  });

  it('a stranger refused learns nothing of the book: no cell value in the refusal', () => {
    const stranger = person('nguoi-la');
    const r = given(...all).when(enter('9'), [{ key: stranger.key, role: 'subject' }]);
    const problems = isLeft(r.result) ? problemsOf(r.result.left) : [];
    expect(problems.map((p) => p.code)).toEqual(['unknown-key', 'cell-already-entered']);
    expect(JSON.stringify(problems)).not.toContain('"4"');
    // The author of the cell is told what it holds.
    const own = given(...all)
      .when(enter('9'), [subject])
      .thenRefused('cell-already-entered');
    expect(own.details).toMatchObject({ value: '4' });
  });

  it('a class confirmation lists the unsigned subjects, in any order of sign-off, counted once', () => {
    const offer = (code: string): Fact[] => [
      { event: { type: 'SubjectDefined', data: { subject: code, name: code } }, by: leader },
      {
        event: {
          type: 'SubjectOffered',
          data: { year: Y, grade: 6, subject: code, periodsPerYear: 35, assessment: 'scored' },
        },
        by: leader,
      },
      {
        event: { type: 'RoleGranted', data: { person: T.id, role: 'subject', year: Y, class: '6A', subject: code } },
        by: leader,
      },
    ];
    const signOff = (code: string): Fact => ({
      event: { type: 'SubjectSignedOff', data: { year: Y, class: '6A', subject: code, term: 'HK1' } },
      by: subject,
    });
    const confirm = { type: 'ConfirmClass', data: { year: Y, class: '6A', term: 'HK1' } };
    const homeroom = [{ key: P.key, role: 'homeroom' }];
    const base = [...school, ...offer('van'), ...offer('su'), window];
    const marked = [...base, ...complete(base)];
    const none = given(...base)
      .when(confirm, homeroom)
      .thenRefused('out-of-order');
    expect(none.details?.missing).toEqual(['toan', 'van', 'su']);
    const some = given(...marked, signOff('su'), signOff('toan'))
      .when(confirm, homeroom)
      .thenRefused('out-of-order');
    expect(some.details?.missing).toEqual(['van']);
    const done = given(...marked, signOff('su'), signOff('toan'), signOff('van'));
    const book = bookHeads(done.state, Y, '6A');
    expect(book?.map((h) => h.stream)).toEqual([
      'class/2024-2025/6A',
      'homeroom/2024-2025/6A',
      'markbook/2024-2025/6A/su',
      'markbook/2024-2025/6A/toan',
      'markbook/2024-2025/6A/van',
    ]);
    done.when(confirm, homeroom).thenEvents({ type: 'ClassConfirmed', data: { ...confirm.data, book } } as LedgerEvent);
    // A subject offered after the others were signed off must be signed off too.
    const later = given(...marked, signOff('su'), signOff('toan'), signOff('van'), ...offer('dia'));
    expect(later.when(confirm, homeroom).thenRefused('out-of-order').details?.missing).toEqual(['dia']);
  });
});

describe('a key is registered only with its person’s consent (QC Điều 7.1)', () => {
  const setup = [...school, ...staff, ...roles];
  const vice = { key: V.key, role: 'admin' };
  const second = person(T.id, 'k2');
  const holder = { key: second.key, role: 'holder' };
  const register = (data: Record<string, unknown> = {}): unknown => ({
    type: 'RegisterKey',
    data: { person: T.id, key: second.key, ...data },
  });

  it("a second key: co-signed by one of the person's keys", () => {
    given(...setup)
      .when(register(), [vice, holder, { key: T.key, role: 'consent' }])
      .thenEvents({
        type: 'KeyRegistered',
        data: { person: T.id, key: second.key, consent: { by: 'key', key: T.key } },
      });
    // Without it, whoever registers it: refused.
    given(...setup)
      .when(register(), [vice, holder])
      .thenRefused('invalid-consent', ['data', 'consent', 'by']);
    given(...setup)
      .when(register(), [vice, holder, leader])
      .thenRefused('invalid-consent', ['data', 'consent', 'by']);
    // Naming a key of someone else as the person's.
    given(...setup)
      .when(register({ consent: { by: 'key', key: V.key } }), [vice, holder])
      .thenRefused('invalid-consent', ['data', 'consent', 'key']);
    // Naming the person's key without its signature.
    given(...setup)
      .when(register({ consent: { by: 'key', key: T.key } }), [vice, holder])
      .thenRefused('missing-signature', ['data', 'consent']);
  });

  it('an administrator registering a key of her own consents by her own signature', () => {
    const mine = person(V.id, 'k2');
    given(...setup)
      .when({ type: 'RegisterKey', data: { person: V.id, key: mine.key } }, [vice, { key: mine.key, role: 'holder' }])
      .thenEvents({
        type: 'KeyRegistered',
        data: { person: V.id, key: mine.key, consent: { by: 'key', key: V.key } },
      });
  });

  it("a first key: a leader's consent, co-signed or the author's own when she is the leader", () => {
    const n = person('gv-moi');
    const facts: Fact[] = [
      ...setup,
      { event: { type: 'StaffRegistered', data: { person: n.id, name: n.name } }, by: admin },
    ];
    const first = { type: 'RegisterKey', data: { person: n.id, key: n.key } };
    const nHolder = { key: n.key, role: 'holder' };
    given(...facts)
      .when(first, [vice, nHolder, leader])
      .thenEvents({ type: 'KeyRegistered', data: { person: n.id, key: n.key, consent: { by: 'leader', key: P.key } } });
    given(...facts)
      .when(first, [admin, nHolder])
      .thenEvents({ type: 'KeyRegistered', data: { person: n.id, key: n.key, consent: { by: 'leader', key: P.key } } });
    // An administrator who is not a leader cannot stand in for one.
    given(...facts)
      .when(first, [vice, nHolder])
      .thenRefused('invalid-consent', ['data', 'consent', 'key']);
    given(...facts)
      .when(first, [vice, nHolder, { key: O.key, role: 'leader' }])
      .thenRefused('invalid-consent', ['data', 'consent', 'key']);
  });

  it('consent by a certificate not bound to the person is refused (the CMS is checked in certs/check.ts)', () => {
    const n = person('gv-moi');
    given(...setup, { event: { type: 'StaffRegistered', data: { person: n.id, name: n.name } }, by: admin })
      .when(
        {
          type: 'RegisterKey',
          data: {
            person: n.id,
            key: n.key,
            consent: { by: 'certificate', certificate: 'ab'.repeat(32), signature: 'AAAA' },
          },
        },
        [vice, { key: n.key, role: 'holder' }],
      )
      .thenRefused('invalid-consent', ['data', 'consent', 'certificate']);
  });

  it('a registration without consent (as written before consent existed) is refused: missing-consent', () => {
    const s = given(...setup);
    const problems = checkEvent(s.state, {
      ledger: 'test-school',
      stream: 'school',
      type: 'KeyRegistered',
      data: { person: T.id, key: second.key },
      by: vice,
      signers: [vice, holder],
      at: new Date('2024-10-01T08:00:00+07:00'),
    });
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([['missing-consent', 'data.consent']]);
  });
});

describe('one form of text (docs/events.md#text)', () => {
  const decomposed = 'Nguye\u0302\u0303n Thi\u0323 Nu\u031b\u0303';
  const composed = decomposed.normalize('NFC');

  it('a command is NFC-normalised before it is decided', () => {
    expect(decomposed).not.toBe(composed);
    const d = decodeCommand({ type: 'RegisterStaff', data: { person: 'gv-a', name: decomposed } });
    expect(!isLeft(d) && (d.right.data as { name: string }).name).toBe(composed);
    given(...school)
      .when({ type: 'RegisterStaff', data: { person: 'gv-a', name: decomposed } }, [admin])
      .thenEvents({ type: 'StaffRegistered', data: { person: 'gv-a', name: composed } });
    // Sex given as decomposed "Nữ" is the precomposed value once normalised (the codec reads NFC).
    const bio = decodeCommand({
      type: 'EnrollStudent',
      data: {
        year: Y,
        class: '6A',
        student: 'hs-2',
        date: '2024-09-05',
        bio: { name: decomposed, birthDate: '2013-01-01', sex: 'M', birthPlace: 'Hà Nội'.normalize('NFD') },
      },
    });
    expect(!isLeft(bio) && JSON.stringify(bio.right.data)).toContain('Hà Nội');
  });

  it('a signed event with text not in NFC is refused, naming the field', () => {
    const s = given(...school);
    const problems = checkEvent(s.state, {
      ledger: 'test-school',
      stream: 'school',
      type: 'StaffRegistered',
      data: { person: 'gv-a', name: decomposed },
      by: admin,
      signers: [admin],
      at: new Date('2024-10-01T08:00:00+07:00'),
    });
    expect(problems.map((p) => [p.code, p.path.join('.')])).toEqual([['text-not-nfc', 'data.name']]);
  });

  it('control characters and bidirectional overrides are refused, naming the field; LF only in multi-line text', () => {
    const s = given(...school);
    const at = new Date('2024-10-01T08:00:00+07:00');
    const staff = (name: string) =>
      checkEvent(s.state, {
        ledger: 'test-school',
        stream: 'school',
        type: 'StaffRegistered',
        data: { person: 'gv-a', name },
        by: admin,
        signers: [admin],
        at,
      }).map((p) => [p.code, p.path.join('.')]);
    for (const bad of [
      'Lan\u001b]52;c;aGk=\u0007',
      'Lan\rVERIFIED',
      'Lan\u0085',
      'Lan\u007f',
      'abc\u202eFDP.exe',
      'x\u2066y',
      'a\nb',
    ])
      expect(staff(bad), JSON.stringify(bad)).toEqual([['control-character', 'data.name']]);
    expect(staff('Nguyễn Thị Lan')).toEqual([]);
    // A reason may run over several lines; a tab or a carriage return is still refused there.
    const revoke = (reason: string) =>
      checkEvent(s.state, {
        ledger: 'test-school',
        stream: 'school',
        type: 'KeyRevoked',
        data: { key: P.key, reason },
        by: admin,
        signers: [admin],
        at,
      }).map((p) => p.code);
    expect(revoke('mất máy\nđã báo cáo')).toEqual([]);
    expect(revoke('mất máy\r\nđã báo cáo')).toEqual(['control-character']);
    // The writer refuses the command the same way: nothing is normalised away.
    given(...school)
      .when({ type: 'RegisterStaff', data: { person: 'gv-a', name: 'Lan\u202e' } }, [admin])
      .thenRefused('control-character', ['data', 'name']);
  });
});
