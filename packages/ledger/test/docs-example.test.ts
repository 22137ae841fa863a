/** The worked example of docs/ledger.md, run as written. */
import { describe, it, expect } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { localSigner, newEventId, sha256, toBase64Url, utf8, type Signer } from '@hoso/core';
import { createMemoryStore } from '@hoso/store';
import { openLedger, type ActingSigner } from '@hoso/ledger';

describe('docs/ledger.md worked example', () => {
  it('runs', async () => {
    const seed = (n: string) => sha256(utf8(n));
    const principal = localSigner(seed('principal'));
    const vice = localSigner(seed('vice'));
    const teacher = localSigner(seed('teacher'));
    const key = (s: Signer) => toBase64Url(s.publicKey);

    const ledger = await openLedger({
      store: createMemoryStore(),
      ledger: 'thcs-hoa-binh',
      clock: () => new Date('2024-10-01T08:00:00+07:00'),
    });
    const run = async (command: unknown, signers: ActingSigner[]) => {
      const r = await ledger.execute(command, signers);
      if (isLeft(r)) throw new Error(`${r.left.code} at ${r.left.path?.join('.')}: ${r.left.message} (${r.left.rule})`);
      return r.right;
    };
    const L = [{ signer: principal, role: 'leader' }];
    const A = [{ signer: principal, role: 'admin' }];
    const Y = '2024-2025';

    await run(
      {
        type: 'FoundSchool',
        data: {
          school: 'thcs-hoa-binh',
          name: 'THCS Hòa Bình',
          levels: ['lower-secondary'],
          leader: { person: 'ht', name: 'Nguyễn Văn Hiệu' },
          rootKey: key(principal),
          timeZone: 'Asia/Ho_Chi_Minh',
        },
      },
      L,
    );
    await run({ type: 'GrantRole', data: { person: 'ht', role: 'admin' } }, L);
    for (const [person, name, signer] of [
      ['pht', 'Trần Thị Phó', vice],
      ['gv-toan', 'Lê Văn Toán', teacher],
    ] as const) {
      await run({ type: 'RegisterStaff', data: { person, name } }, A);
      await run({ type: 'RegisterKey', data: { person, key: key(signer) } }, [...A, { signer, role: 'holder' }]);
    }
    await run({ type: 'GrantRole', data: { person: 'pht', role: 'admin' } }, L);
    await run(
      {
        type: 'DefineYear',
        data: {
          year: Y,
          terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
        },
      },
      L,
    );
    await run({ type: 'DefineSubject', data: { subject: 'toan', name: 'Toán' } }, L);
    await run(
      { type: 'OfferSubject', data: { year: Y, grade: 6, subject: 'toan', periodsPerYear: 140, assessment: 'scored' } },
      L,
    );
    await run({ type: 'OpenClass', data: { year: Y, class: '6A', grade: 6 } }, L);
    await run(
      { type: 'GrantRole', data: { person: 'gv-toan', role: 'subject', year: Y, class: '6A', subject: 'toan' } },
      L,
    );
    await run({ type: 'GrantRole', data: { person: 'ht', role: 'homeroom', year: Y, class: '6A' } }, L);
    await run(
      {
        type: 'EnrollStudent',
        data: {
          year: Y,
          class: '6A',
          student: 'hs-001',
          date: '2024-09-05',
          bio: { name: 'Phạm Minh An', birthDate: '2013-04-12', sex: 'M' },
        },
      },
      [{ signer: principal, role: 'homeroom' }],
    );
    await run({ type: 'OpenWindow', data: { window: 'hk1', year: Y, period: 'HK1', scope: {} } }, L);

    const T = [{ signer: teacher, role: 'subject' }];
    const entered = await run(
      {
        type: 'EnterScore',
        id: newEventId(),
        data: { year: Y, class: '6A', subject: 'toan', student: 'hs-001', term: 'HK1', column: 'ck', value: '6.5' },
      },
      T,
    );
    for (const [column, index] of [['tx', 1], ['tx', 2], ['tx', 3], ['tx', 4], ['gk']] as const)
      await run(
        {
          type: 'EnterScore',
          data: {
            year: Y,
            class: '6A',
            subject: 'toan',
            student: 'hs-001',
            term: 'HK1',
            column,
            ...(index === undefined ? {} : { index }),
            value: '7',
          },
        },
        T,
      );
    await run({ type: 'SignOffSubject', data: { year: Y, class: '6A', subject: 'toan', term: 'HK1' } }, T);
    const fixed = await run(
      {
        type: 'Correct',
        data: {
          target: entered.events[0]!.id,
          old: '6.5',
          new: '7.5',
          reason: 'Cộng sót điểm câu 4',
          minutes: { number: '03/BB-SCDL', date: '2025-01-10', text: '…' },
        },
      },
      [...T, { signer: principal, role: 'leader' }, { signer: vice, role: 'admin' }],
    );
    expect(fixed.events[0]!.type).toBe('CorrectionMade');

    const r = await ledger.execute(
      {
        type: 'EnterScore',
        data: { year: Y, class: '6A', subject: 'toan', student: 'hs-001', term: 'HK1', column: 'gk', value: '11' },
      },
      T,
    );
    expect(isLeft(r) && r.left).toMatchObject({ code: 'invalid-data', path: ['data', 'value'], rule: 'TT22 Điều 5.2' });
    expect(ledger.state().cells.get('markbook/2024-2025/6A/toan#hs-001/HK1/ck')?.value).toBe('7.5');
  });
});
