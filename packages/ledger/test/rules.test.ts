/** The pure rules, given/when/then, without a store or signatures. */
import { describe, it, expect } from 'vitest';
import { LayerMap, forkState, evolve, checkEvent, streamOf, streamKind, eventIdFor, formatAt } from '@hoso/ledger';
import type { LedgerEvent } from '@hoso/ledger';
import { given, person } from '@hoso/ledger/testing';

import { P, T, Y, leader, admin, founding, school, window, enter } from './facts.js';

describe('given/when/then', () => {
  it('an entry inside an open window becomes one ScoreEntered in the markbook stream', () => {
    const [ev] = given(...school, window)
      .when(enter('9.5'), [{ key: T.key, role: 'subject' }])
      .thenEvents({
        type: 'ScoreEntered',
        data: { year: Y, class: '6A', subject: 'toan', student: 'hs-1', term: 'HK1', column: 'ck', value: '9.5' },
      });
    expect(ev!.stream).toBe('markbook/2024-2025/6A/toan');
    expect(ev!.rev).toBe(0);
    expect(ev!.prev).toBeNull();
    expect(ev!.at).toBe('2024-10-01T08:00:00.000+07:00');
  });

  it('the window scope (grade 6) does not cover another grade, and HK1 does not cover HK2', () => {
    given(...school, window)
      .when(enter('9', { term: 'HK2' }), [{ key: T.key, role: 'subject' }])
      .thenRefused('outside-window', ['data']);
  });

  it('a second entry of the cell is refused; a correction with three people is the way', () => {
    const V = person('pho-hieu-truong');
    const s = given(
      ...school,
      window,
      { event: { type: 'StaffRegistered', data: { person: V.id, name: V.name } }, by: admin },
      {
        event: { type: 'KeyRegistered', data: { person: V.id, key: V.key, consent: { by: 'leader', key: P.key } } },
        by: admin,
        cosigners: [{ key: V.key, role: 'holder' }],
      },
      { event: { type: 'RoleGranted', data: { person: V.id, role: 'admin' } }, by: leader },
      {
        event: {
          type: 'ScoreEntered',
          data: { year: Y, class: '6A', subject: 'toan', student: 'hs-1', term: 'HK1', column: 'ck', value: '4' },
        },
        by: { key: T.key, role: 'subject' },
      },
    );
    s.when(enter('5'), [{ key: T.key, role: 'subject' }]).thenRefused('cell-already-entered');
    const entry = [...s.state.cells.entries()][0]![1].entry;
    const fix = {
      type: 'Correct',
      data: {
        target: entry,
        old: '4',
        new: '5',
        reason: 'chấm sót câu 3',
        minutes: { number: '01', date: '2024-10-01', text: 'biên bản' },
      },
    };
    s.when(fix, [{ key: T.key, role: 'subject' }, leader, { key: V.key, role: 'admin' }]).thenEvents({
      type: 'CorrectionMade',
      data: { ...fix.data, requester: T.key, approver: P.key, witness: V.key },
    });
    s.when(fix, [{ key: T.key, role: 'subject' }, leader, admin]).thenRefused('same-person-twice', ['data']);
  });

  it('decide does not change the state it is given', () => {
    const s = given(...school, window);
    const size = s.state.size;
    s.when(enter('9'), [{ key: T.key, role: 'subject' }]).thenEvents({
      type: 'ScoreEntered',
      data: enter('9').data,
    } as LedgerEvent);
    expect(s.state.size).toBe(size);
    expect([...s.state.cells.entries()]).toHaveLength(0);
  });

  it('genesis comes first and only once', () => {
    given()
      .when(enter('9'), [{ key: T.key, role: 'subject' }])
      .thenRefused('no-genesis');
    given(...school)
      .when({ type: 'FoundSchool', data: founding }, [leader])
      .thenRefused('already-founded');
    given()
      .when({ type: 'FoundSchool', data: { ...founding, rootKey: T.key } }, [leader])
      .thenRefused('not-permitted', ['by']);
    given()
      .when({ type: 'FoundSchool', data: { ...founding, school: 'other' } }, [leader])
      .thenRefused('wrong-ledger', ['data', 'school']);
    given()
      .when({ type: 'FoundSchool', data: { ...founding, levels: [] } }, [leader])
      .thenRefused('invalid-data', ['data', 'levels']);
    given()
      .when({ type: 'FoundSchool', data: founding }, [leader])
      .thenEvents({ type: 'SchoolFounded', data: founding });
  });

  it('checkEvent refuses an event in the wrong stream and an author/signature mismatch', () => {
    const s = given(...school, window).state;
    const base = {
      ledger: 'test-school',
      type: 'ScoreEntered',
      data: enter('9').data,
      by: { key: T.key, role: 'subject' },
      signers: [{ key: T.key, role: 'subject' }],
      at: new Date('2024-10-01T01:00:00Z'),
    };
    expect(checkEvent(s, { ...base, stream: 'markbook/2024-2025/6A/van' })[0]?.code).toBe('wrong-stream');
    expect(checkEvent(s, { ...base, stream: 'markbook/2024-2025/6A/toan', signers: [leader] })[0]?.code).toBe(
      'invalid-envelope',
    );
    expect(checkEvent(s, { ...base, stream: 'markbook/2024-2025/6A/toan', signers: [base.by, leader] })[0]?.code).toBe(
      'unexpected-signature',
    );
    expect(checkEvent(s, { ...base, stream: 'markbook/2024-2025/6A/toan', ledger: 'x' })[0]?.code).toBe('wrong-ledger');
    expect(checkEvent(s, { ...base, stream: 'markbook/2024-2025/6A/toan', type: 'Nope' })[0]?.code).toBe(
      'unknown-event-type',
    );
    expect(checkEvent(s, { ...base, stream: 'markbook/2024-2025/6A/toan' })).toEqual([]);
  });
});

describe('building blocks', () => {
  it('LayerMap forks read through and keep their own writes', () => {
    const a = new LayerMap<string, number>();
    a.set('x', 1).set('y', 2);
    const b = a.fork();
    b.set('x', 10);
    b.delete('y');
    b.set('z', 3);
    expect([a.get('x'), a.get('y'), a.get('z')]).toEqual([1, 2, undefined]);
    expect([b.get('x'), b.get('y'), b.get('z')]).toEqual([10, undefined, 3]);
    expect([...b.entries()]).toEqual([
      ['x', 10],
      ['z', 3],
    ]);
  });

  it('evolving a fork leaves the parent state untouched', () => {
    const s = given(...school).state;
    const f = forkState(s);
    evolve(
      f,
      {
        v: 1,
        id: '01900000-0000-7000-8000-00000000ffff',
        ledger: 'test-school',
        stream: 'school',
        rev: 99,
        prev: null,
        type: 'SubjectDefined',
        data: { subject: 'van', name: 'Văn' },
        at: '2024-10-01T08:00:00+07:00',
        by: leader,
        sigs: [],
      },
      '0'.repeat(64),
    );
    expect(f.subjects.get('van')).toBe('Văn');
    expect(s.subjects.get('van')).toBeUndefined();
    expect(s.size).toBe(f.size - 1);
  });

  it('stream names follow the scheme', () => {
    expect(streamOf({ type: 'ScoreEntered', data: enter('1').data } as LedgerEvent)).toBe('markbook/2024-2025/6A/toan');
    expect(streamOf({ type: 'ClassApproved', data: { year: Y, class: '6A', term: 'CN' } })).toBe(
      'approvals/2024-2025/6A',
    );
    expect(streamKind('markbook/2024-2025/6A/toan')).toBe('markbook');
    expect(streamKind('markbook/2024-2025/6A')).toBeNull();
    expect(streamKind('elsewhere')).toBeNull();
  });

  it('derived event ids are UUID v7 with the command time, distinct per index', () => {
    const cmd = '0192d3a4-5b6c-7d8e-9f00-112233445566';
    expect(eventIdFor(cmd, 0)).toBe(cmd);
    const ids = [1, 2, 3].map((i) => eventIdFor(cmd, i));
    for (const id of ids) expect(id).toMatch(/^0192d3a4-5b6c-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('formats the append time in Asia/Ho_Chi_Minh', () => {
    expect(formatAt(new Date('2024-12-31T17:30:00Z'))).toBe('2025-01-01T00:30:00.000+07:00');
  });
});
