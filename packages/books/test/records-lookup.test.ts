import { describe, it, expect } from 'vitest';
import { createMemoryStore, type StoredEvent } from '@hoso/store';
import { foldRecords } from '../src/records/apply.js';
import { TestLedger, testKey } from './support/ledger.js';

const T = { key: testKey(4), role: 'subject' };
const TOAN = 'markbook/2024-2025/10A1/toan';
const score = (student: string, value: string) => ({
  year: '2024-2025',
  class: '10A1',
  subject: 'toan',
  student,
  term: 'HK1',
  column: 'gk',
  value,
});
const correction = (target: string, old: string, value: string) => ({
  target,
  old,
  new: value,
  reason: 'nhập nhầm',
  minutes: { number: '1', date: '2025-01-01', text: 't' },
  requester: testKey(4),
  approver: testKey(1),
  witness: testKey(2),
});

async function fold(write: (l: TestLedger) => void) {
  const store = createMemoryStore();
  const l = new TestLedger(store);
  write(l);
  await l.flush();
  const events: StoredEvent[] = [];
  for await (const e of store.read(l.ledger)) events.push(e);
  return foldRecords(events);
}

describe('corrections find their cell without an index of every event', () => {
  it('a correction of an older cell, and a correction of that correction, reach the same cell', async () => {
    const r = await fold((l) => {
      const first = l.event(TOAN, 'ScoreEntered', score('an', '7.0'), T).id;
      l.event(TOAN, 'ScoreEntered', score('binh', '6.0'), T);
      const fix = l.event(TOAN, 'CorrectionMade', correction(first, '7.0', '8.0'), T).id;
      l.event(TOAN, 'CorrectionMade', correction(fix, '8.0', '8.5'), T);
    });
    expect(r.problems).toEqual([]);
    const an = r.cells[`${TOAN}#an/HK1/gk`]!;
    expect(an.value).toBe('8.5');
    expect(an.history.map((v) => [v.value, v.position, v.correction?.oldMatches])).toEqual([
      ['7.0', 0, undefined],
      ['8.0', 2, true],
      ['8.5', 3, true],
    ]);
    expect(r.cells[`${TOAN}#binh/HK1/gk`]!.history).toHaveLength(1);
  });

  it('a correction naming an event that wrote no cell of its stream is a problem', async () => {
    const r = await fold((l) => {
      l.event(TOAN, 'ScoreEntered', score('an', '7.0'), T);
      const other = l.event(
        'markbook/2024-2025/10A1/van',
        'ScoreEntered',
        { ...score('an', '5.0'), subject: 'van' },
        T,
      ).id;
      l.event(TOAN, 'CorrectionMade', correction(other, '5.0', '6.0'), T);
      l.event(TOAN, 'CorrectionMade', correction('0191bfad-7670-7494-a67a-173aa8e1e965', '7.0', '6.0'), T);
    });
    expect(r.problems.map((p) => [p.position, p.code])).toEqual([
      [2, 'unknown-correction-target'],
      [3, 'unknown-correction-target'],
    ]);
    expect(r.cells[`${TOAN}#an/HK1/gk`]!.value).toBe('7.0');
    expect(r.cells['markbook/2024-2025/10A1/van#an/HK1/gk']!.value).toBe('5.0');
  });

  it('versions by one author share one actor object; the state stays plain data', async () => {
    const r = await fold((l) => {
      for (const s of ['an', 'binh', 'chi']) l.event(TOAN, 'ScoreEntered', score(s, '7.0'), T);
    });
    const cells = r.streamCells[TOAN]!.map((k) => r.cells[k]!);
    expect(new Set(cells.map((c) => c.history[0]!.by)).size).toBe(1);
    // The state is still plain data: a structured clone or a JSON round trip gives equal records.
    expect(structuredClone(r)).toEqual(r);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
