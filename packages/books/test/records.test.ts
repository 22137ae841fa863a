import { describe, it, expect } from 'vitest';
import { createMemoryStore, type StoredEvent } from '@hoso/store';
import { foldRecords } from '../src/records/apply.js';
import { TestLedger, testKey } from './support/ledger.js';

const Y = '2024-2025';
const T = { key: testKey(4), role: 'subject' };

async function fold(write: (l: TestLedger) => void) {
  const store = createMemoryStore();
  const l = new TestLedger(store);
  write(l);
  await l.flush();
  const events: StoredEvent[] = [];
  for await (const e of store.read(l.ledger)) events.push(e);
  return foldRecords(events);
}

const score = (value: string) => ({
  year: Y,
  class: '10A1',
  subject: 'toan',
  student: 'an',
  term: 'HK1',
  column: 'gk',
  value,
});

describe('records fold', () => {
  it('a payload outside the catalogue is a listed problem; an unknown type is skipped', async () => {
    const r = await fold((l) => {
      l.event('markbook/2024-2025/10A1/toan', 'ScoreEntered', { ...score('8.5'), extra: 1 }, T);
      l.event('markbook/2024-2025/10A1/toan', 'ScoreEntered', score('11'), T);
      l.event('somewhere', 'FutureEventType', { anything: true }, T);
    });
    expect(r.problems).toEqual([
      { position: 0, code: 'invalid-payload', message: 'the ScoreEntered payload does not match the event catalogue' },
      { position: 1, code: 'invalid-payload', message: 'the ScoreEntered payload does not match the event catalogue' },
    ]);
    expect(r.cells).toEqual({});
    expect(r.applied).toBe(3);
  });
  it('a second entry of the same cell is kept as a version without minutes', async () => {
    const r = await fold((l) => {
      l.event('markbook/2024-2025/10A1/toan', 'ScoreEntered', score('7.0'), T);
      l.event('markbook/2024-2025/10A1/toan', 'ScoreEntered', score('7.5'), T);
    });
    const cell = r.cells['markbook/2024-2025/10A1/toan#an/HK1/gk']!;
    expect(cell.value).toBe('7.5');
    expect(cell.history.map((v) => [v.value, v.position, v.correction])).toEqual([
      ['7.0', 0, undefined],
      ['7.5', 1, undefined],
    ]);
    expect(cell.history[0]!.by).toEqual({ key: T.key, role: 'subject', person: null, name: null });
  });
  it('a correction naming no cell of its stream is a problem and changes nothing', async () => {
    let id = '';
    const r = await fold((l) => {
      id = l.event('markbook/2024-2025/10A1/toan', 'ScoreEntered', score('7.0'), T).id;
      l.event(
        'markbook/2024-2025/10A1/van',
        'CorrectionMade',
        {
          target: id,
          old: '7.0',
          new: '9.0',
          reason: 'x',
          minutes: { number: '1', date: '2025-01-01', text: 't' },
          requester: testKey(4),
          approver: testKey(1),
          witness: testKey(2),
        },
        T,
      );
    });
    expect(r.problems.map((p) => p.code)).toEqual(['unknown-correction-target']);
    expect(r.cells['markbook/2024-2025/10A1/toan#an/HK1/gk']!.value).toBe('7.0');
  });
});

describe('cell keys agree with the ledger', () => {
  it('cellPlace gives the same key as @hoso/ledger cellOf for every cell event type', async () => {
    const { cellOf } = await import('@hoso/ledger');
    const { cellPlace } = await import('../src/records/apply.js');
    const base = { year: Y, class: '10A1', student: 'an' };
    const cases = [
      ['ScoreEntered', { ...base, subject: 'toan', term: 'HK1', column: 'tx', index: 2, value: '8' }],
      ['ScoreEntered', { ...base, subject: 'toan', term: 'HK2', column: 'ck', value: '8' }],
      ['CommentLevelEntered', { ...base, subject: 'the-duc', term: 'HK1', column: 'gk', value: 'Đ' }],
      ['SubjectLevelEntered', { ...base, subject: 'toan', period: 'GK2', value: 'T' }],
      ['TestScoreEntered', { ...base, subject: 'toan', period: 'CN', value: '9' }],
      ['ConductAssessed', { ...base, term: 'HK2', value: 'Tốt' }],
      ['QualityAssessed', { ...base, period: 'CK1', aspect: 'cham-chi', value: 'Đạt' }],
      ['AbsenceRecorded', { ...base, date: '2024-10-01', session: 'morning', value: 'P' }],
      ['AttendanceRecorded', { ...base, date: '2024-10-01', value: 'C' }],
      ['GrowthMeasured', { ...base, date: '2024-10-01', measure: 'weight-kg', value: '12.5' }],
    ] as const;
    for (const [type, data] of cases) {
      const stream = `s/${type}`;
      expect(cellPlace(type, data as never, stream).key).toBe(cellOf({ type, data } as never, stream).key);
    }
  });
});
