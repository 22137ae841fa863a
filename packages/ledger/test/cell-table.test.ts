/**
 * The compact cells of the ledger state against the structure they replaced (a `LayerMap` of
 * `CellState` objects): the same cell back, field for field, for every cell event type's
 * reference and for hand-made ones the rows cannot spell; the same answers through forks (which
 * never change their parent) and rewrites; and the key table giving every key's text back exactly,
 * whatever its shape, past the hash table's growth.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CELL_EVENT_TYPES, cellOf, type CellRef, type CellState } from '@hoso/ledger';
import { Y } from './helpers.js';
import { cellMap, type CellMap } from '../src/cell-table.js';
import { KeyTable } from '../src/key-table.js';
import { LayerMap } from '../src/layer-map.js';

/** One reference of each cell event type (both growth measures), in streams of their own. */
function refsOfEveryType(student = 'hs-001'): CellRef[] {
  const data = {
    year: Y,
    class: '10A1',
    student,
    subject: 'toan',
    term: 'HK1',
    column: 'tx',
    index: 1,
    period: 'CK1',
    aspect: 'trung-thuc',
    date: '2024-10-01',
    session: 'morning',
    value: 'v',
  };
  return CELL_EVENT_TYPES.flatMap((type) =>
    type === 'GrowthMeasured'
      ? ['weight-kg', 'height-cm'].map((measure) => cellOf({ type, data: { ...data, measure } } as never, 'so-diem/x'))
      : [cellOf({ type, data } as never, `so-diem/${type}`)],
  );
}

const ENTRY = '01900000-0000-7000-8000-000000000001';

describe('the compact cell map', () => {
  it('gives back every cell event type’s cell field for field (codec objects included), in order of first writing', () => {
    const m = cellMap();
    const model = new LayerMap<string, CellState>();
    for (const [i, ref] of refsOfEveryType().entries()) {
      const c: CellState = {
        ref,
        type: CELL_EVENT_TYPES[i % CELL_EVENT_TYPES.length]!,
        value: String(i % 3),
        entry: i % 2 === 0 ? ENTRY : `not-a-uuid-${i}`,
        author: `key-${i % 2}`,
        corrections: i,
      };
      m.set(ref.key, c);
      model.set(ref.key, c);
    }
    expect([...m.entries()]).toEqual([...model.entries()]);
    for (const [k, c] of model.entries()) {
      expect(m.get(k)).toEqual(c);
      expect(m.get(k)!.ref.codec).toBe(c.ref.codec);
      expect(m.has(k)).toBe(true);
    }
    expect(m.get('so-diem/x#hs-002/2024-10-01/weight-kg')).toBeUndefined();
    expect(m.has('so-diem/x#hs-001/2024-10-02/weight-kg')).toBe(false);
  });

  it('keeps as given a cell whose reference its key does not spell, or with a field the rows do not know', () => {
    const [ref] = refsOfEveryType();
    const odd: CellState[] = [
      {
        ref: { ...ref!, student: 'someone-else' },
        type: 'ScoreEntered',
        value: '1',
        entry: ENTRY,
        author: 'k',
        corrections: 0,
      },
      {
        ref: { ...ref!, key: 'no-hash-here' },
        type: 'ScoreEntered',
        value: '1',
        entry: ENTRY,
        author: 'k',
        corrections: 0,
      },
      {
        ref: { ...ref!, extra: 1 } as CellRef,
        type: 'ScoreEntered',
        value: '1',
        entry: ENTRY,
        author: 'k',
        corrections: 0,
      },
      { ref: ref!, type: 'ScoreEntered', value: '1', entry: ENTRY, author: 'k', corrections: 1.5 },
    ];
    for (const c of odd) {
      const m = cellMap();
      m.set(c.ref.key, c);
      expect(m.get(c.ref.key)).toBe(c);
      expect([...m.entries()]).toEqual([[c.ref.key, c]]);
    }
  });

  it('answers as a LayerMap of CellState objects would, through rewrites and forks (which never change their parent)', () => {
    const refs = [...refsOfEveryType('hs-001'), ...refsOfEveryType('hs-002')];
    type Op = { kind: 'set'; ref: number; value: number; corrections: number; entry: boolean } | { kind: 'fork' };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 9,
        arbitrary: fc.record({
          kind: fc.constant('set' as const),
          ref: fc.nat({ max: refs.length - 1 }),
          value: fc.nat({ max: 4 }),
          corrections: fc.nat({ max: 3 }),
          entry: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'fork' as const }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const layers: Array<[CellMap, LayerMap<string, CellState>]> = [[cellMap(), new LayerMap()]];
        const seen: Array<Array<[string, CellState]>> = [[]];
        for (const op of ops) {
          const [c, m] = layers[layers.length - 1]!;
          if (op.kind === 'fork') {
            // What each layer held when it was forked: the child's writes must not change it.
            seen[layers.length - 1] = [...m.entries()];
            layers.push([c.fork(), m.fork()]);
            seen.push([]);
            continue;
          }
          const ref = refs[op.ref]!;
          const cell: CellState = {
            ref,
            type: 'ScoreEntered',
            value: `${op.value},5`,
            entry: op.entry ? ENTRY : 'e1',
            author: `k${op.value % 2}`,
            corrections: op.corrections,
          };
          c.set(ref.key, cell);
          m.set(ref.key, cell);
        }
        for (const [i, [c, m]] of layers.entries()) {
          if (i < layers.length - 1) expect([...m.entries()]).toEqual(seen[i]);
          expect([...c.entries()]).toEqual([...m.entries()]);
          for (const ref of refs) expect(c.get(ref.key)).toEqual(m.get(ref.key));
        }
      }),
    );
  });
});

describe('the key table', () => {
  it('numbers keys densely in order of first appearance and gives each one back exactly, whatever its shape', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc
              .tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }))
              .map(([a, b, c]) => `${a}#${b}/${c}`),
          ),
          { maxLength: 60 },
        ),
        (keys) => {
          const t = new KeyTable();
          const model = new Map<string, number>();
          for (const k of keys) {
            const n = t.number(k);
            if (!model.has(k)) model.set(k, model.size);
            expect(n).toBe(model.get(k));
          }
          expect(t.size).toBe(model.size);
          expect(t.list()).toEqual([...model.keys()]);
          for (const [k, n] of model) {
            expect(t.find(k)).toBe(n);
            expect(t.name(n)).toBe(k);
          }
          for (const k of ['#/', 'x#y', 'never#seen/key']) if (!model.has(k)) expect(t.find(k)).toBeUndefined();
          expect(KeyTable.of(t.list()).list()).toEqual(t.list());
        },
      ),
    );
  });

  it('holds 300,000 cell keys past many growths, each found at its number', () => {
    const t = new KeyTable();
    const key = (i: number): string =>
      `markbook/${Y}/10A${i % 7}/toan#hs-${Math.floor(i / 13)}/HK${1 + (i % 2)}/tx${i % 13}`;
    for (let i = 0; i < 300_000; i++) expect(t.number(key(i))).toBe(i);
    for (let i = 0; i < 300_000; i += 997) {
      expect(t.find(key(i))).toBe(i);
      expect(t.name(i)).toBe(key(i));
    }
    expect(t.find(key(300_000))).toBeUndefined();
    expect(() => KeyTable.of(['a#b/c', 'a#b/c'])).toThrow(RangeError);
  });
});
