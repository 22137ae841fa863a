/**
 * The window index (window-index.ts) answers exactly what a scan of every window of the year
 * answers — which window covers a cell and is open at a time, which closed window an opening
 * reopens — and replaying windows costs work linear in their number (counted, never timed).
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import fc from 'fast-check';
import type { Envelope } from '@hoso/core';
import {
  coverage,
  evolve,
  initialState,
  LayerMap,
  lockedBy,
  periodsOverlap,
  Score10,
  type CellRef,
  type LedgerState,
  type WindowOpened,
  type WindowPeriod,
  type WindowScope,
} from '@hoso/ledger';
import { given, type Fact } from '@hoso/ledger/testing';
import { Y, leader, setup } from './facts.js';

const PERIODS: readonly WindowPeriod[] = ['GK1', 'HK1', 'GK2', 'HK2', 'CN', 'HE'];
const TIMES = [1_000, 2_000, 3_000, 4_000];

const scopeArb: fc.Arbitrary<WindowScope> = fc.record(
  {
    grade: fc.constantFrom(6, 7),
    class: fc.constantFrom('6A', '6B'),
    subject: fc.constantFrom('toan', 'van'),
    column: fc.constantFrom('tx', 'gk', 'ck', 'conduct', 'retest'),
    student: fc.constantFrom('a', 'b'),
  },
  { requiredKeys: [] },
);

type Op = { readonly open: Omit<WindowOpened, 'window' | 'year'> } | { readonly close: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    open: fc.record(
      {
        period: fc.constantFrom(...PERIODS),
        scope: scopeArb,
        opens: fc.constantFrom(...TIMES).map((t) => new Date(t).toISOString()),
        closes: fc.constantFrom(...TIMES).map((t) => new Date(t + 1_500).toISOString()),
      },
      { requiredKeys: ['period', 'scope'] },
    ),
  }),
  fc.record({ close: fc.nat(40) }),
);

const cellArb: fc.Arbitrary<{ cell: CellRef; grade: number; at: number }> = fc
  .record({
    grade: fc.constantFrom(6, 7),
    class: fc.constantFrom('6A', '6B'),
    subject: fc.option(fc.constantFrom('toan', 'van'), { nil: undefined }),
    column: fc.constantFrom('tx', 'gk', 'ck', 'conduct', 'retest'),
    student: fc.constantFrom('a', 'b'),
    term: fc.option(fc.constantFrom('HK1' as const, 'HK2' as const), { nil: undefined }),
    summer: fc.boolean(),
    at: fc.integer({ min: 0, max: 6_000 }),
  })
  .map((c) => ({
    grade: c.grade,
    at: c.at,
    cell: {
      key: 'k',
      stream: 's',
      year: Y,
      class: c.class,
      student: c.student,
      ...(c.subject === undefined ? {} : { subject: c.subject }),
      column: c.column,
      ...(c.term === undefined || c.summer ? {} : { term: c.term }),
      mid: c.column === 'gk',
      writer: 'subject',
      codec: Score10,
      windowed: true,
      ...(c.summer ? { summer: true } : {}),
    },
  }));

/** Fold the operations as `WindowOpened` / `WindowClosed` events; the windows in opening order. */
function fold(ops: readonly Op[]): { state: LedgerState; opened: string[] } {
  const state = initialState();
  const opened: string[] = [];
  for (const op of ops) {
    let type: string;
    let data: unknown;
    if ('open' in op) {
      const id = `w${opened.length}`;
      opened.push(id);
      type = 'WindowOpened';
      data = { window: id, year: Y, ...op.open };
    } else {
      type = 'WindowClosed';
      data = { window: `w${op.close}` };
    }
    const env = {
      v: 1,
      id: `01900000-0000-7000-8000-${String(state.size).padStart(12, '0')}`,
      ledger: 'x',
      stream: 'windows',
      rev: state.size,
      prev: null,
      type,
      data,
      at: '2024-10-01T08:00:00.000+07:00',
      by: leader,
      sigs: [],
    } as unknown as Envelope;
    evolve(state, env, '0'.repeat(64));
  }
  return { state, opened };
}

/** The scan the index replaces: does window `w` cover the cell? */
function covers(d: WindowOpened, cell: CellRef, grade: number): boolean {
  const p = d.period;
  const periodOk =
    cell.summer === true
      ? p === 'HE'
      : p === 'CN' ||
        p === cell.term ||
        (cell.mid && ((p === 'GK1' && cell.term === 'HK1') || (p === 'GK2' && cell.term === 'HK2')));
  const sc = d.scope;
  return (
    periodOk &&
    (sc.grade === undefined || sc.grade === grade) &&
    (sc.class === undefined || sc.class === cell.class) &&
    (sc.subject === undefined || sc.subject === cell.subject) &&
    (sc.column === undefined || sc.column === cell.column) &&
    (sc.student === undefined || sc.student === cell.student)
  );
}

function scanCoverage(s: LedgerState, opened: readonly string[], cell: CellRef, grade: number, at: number) {
  let missed: string | undefined;
  for (const id of opened) {
    const w = s.windows.get(id)!;
    if (!covers(w.data, cell, grade)) continue;
    const lo = w.data.opens === undefined ? -Infinity : Date.parse(w.data.opens);
    const hi = w.data.closes === undefined ? Infinity : Date.parse(w.data.closes);
    if (!w.closed && at >= lo && at < hi) return { open: true };
    missed = id;
  }
  return missed === undefined ? { open: false } : { open: false, missed };
}

function scanLock(s: LedgerState, opened: readonly string[], d: WindowOpened): string | undefined {
  const overlap = (a: WindowScope, b: WindowScope): boolean =>
    (['grade', 'class', 'subject', 'column', 'student'] as const).every(
      (f) => a[f] === undefined || b[f] === undefined || a[f] === b[f],
    );
  return opened.find((id) => {
    const w = s.windows.get(id)!;
    return w.closed && periodsOverlap(w.data.period, d.period) && overlap(w.data.scope, d.scope);
  });
}

describe('the window index answers what a scan of every window answers', () => {
  it('coverage: open, or the latest covering window missed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.array(cellArb, { minLength: 1, maxLength: 20 }),
        (ops, cells) => {
          const { state, opened } = fold(ops);
          for (const { cell, grade, at } of cells)
            expect(coverage(state, cell, grade, at)).toEqual(scanCoverage(state, opened, cell, grade, at));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('locks: the earliest closed window an opening reopens (property)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 40 }),
        fc.array(fc.record({ period: fc.constantFrom(...PERIODS), scope: scopeArb }), { minLength: 1, maxLength: 10 }),
        (ops, openings) => {
          const { state, opened } = fold(ops);
          for (const o of openings) {
            const d: WindowOpened = { window: 'new', year: Y, ...o };
            expect(lockedBy(state, d)).toBe(scanLock(state, opened, d));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('replay work is linear in the windows', () => {
  afterEach(() => vi.restoreAllMocks());

  /** State look-ups made replaying n windows opened, n closed and n more opened over them. */
  function work(n: number): number {
    const facts: Fact[] = [
      ...setup,
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
    ];
    for (let i = 0; i < n; i++)
      facts.push({
        event: { type: 'WindowOpened', data: { window: `a${i}`, year: Y, period: 'HK1', scope: { student: `s${i}` } } },
        by: leader,
      });
    for (let i = 0; i < n; i++) facts.push({ event: { type: 'WindowClosed', data: { window: `a${i}` } }, by: leader });
    // Each of these asks whether it reopens a lock (none does: another period, or a reason given).
    for (let i = 0; i < n; i++)
      facts.push({
        event: {
          type: 'WindowOpened',
          data:
            i % 2 === 0
              ? { window: `b${i}`, year: Y, period: 'HK2', scope: { student: `s${i}` } }
              : { window: `b${i}`, year: Y, period: 'HK1', scope: { student: `s${i}` }, reason: 'bổ sung' },
        },
        by: leader,
      });
    const spy = vi.spyOn(LayerMap.prototype, 'get');
    given(...facts);
    const calls = spy.mock.calls.length;
    spy.mockRestore();
    return calls;
  }

  it('4× the windows cost about 4× the look-ups, not 16×', () => {
    const small = work(5_000);
    const large = work(20_000);
    expect(large / small).toBeLessThan(4.5);
  });
});
