/**
 * The compact id index of the ledger state against the structure it replaced (a `LayerMap` of
 * per-event objects): the same answers for every id, before and after forks, for UUID and other
 * ids, for ids recorded twice, and past the hash table's growth. And a school folded with the
 * compact index answers for each of its events exactly what that event says about itself.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeEnvelope, newEventId, toHex } from '@hoso/core';
import { evolve, initialState, isCellEventType, type EventIndex } from '@hoso/ledger';
import { as, buildSchool } from '@hoso/ledger/testing';
import { Y, score } from './helpers.js';
import { eventIndexMap, type EventIndexMap } from '../src/event-index.js';
import { LayerMap } from '../src/layer-map.js';

type Op =
  { kind: 'set'; id: number; stream: number; rev: number; type: number; cell: number | null } | { kind: 'fork' };

const STREAMS = ['school', 'student/hs1', 'student/hs2', 'class/2024-2025/10A1'];
const TYPES = ['SchoolFounded', 'ScoreEntered', 'CorrectionMade', 'NoSuchType'];
const CELLS = ['2024-2025/10A1/toan/HK1/hs1/tx1', '2024-2025/10A1/van/HK1/hs2/gk'];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      id: fc.nat(),
      stream: fc.nat({ max: 3 }),
      rev: fc.nat({ max: 1000 }),
      type: fc.nat({ max: 3 }),
      cell: fc.option(fc.nat({ max: 1 }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'fork' as const }) },
);

function entry(op: Extract<Op, { kind: 'set' }>, position: number): EventIndex {
  const e = { position, stream: STREAMS[op.stream]!, rev: op.rev, type: TYPES[op.type]! };
  return op.cell === null ? e : { ...e, cell: CELLS[op.cell]! };
}

describe('the compact event index', () => {
  it('answers as a LayerMap of EventIndex objects would, through forks (which never change their parent)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.uuid(), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 10 }),
        fc.array(opArb, { maxLength: 60 }),
        (pool, ops) => {
          // Each layer: [compact, model]; a fork layers both.
          const layers: Array<[EventIndexMap, LayerMap<string, EventIndex>]> = [[eventIndexMap(), new LayerMap()]];
          let position = 0;
          for (const op of ops) {
            const [c, m] = layers[layers.length - 1]!;
            if (op.kind === 'fork') layers.push([c.fork(), m.fork()]);
            else {
              const id = pool[op.id % pool.length]!;
              const e = entry(op, position++);
              c.set(id, e);
              m.set(id, e);
            }
          }
          for (const [c, m] of layers)
            for (const id of [...pool, 'never-recorded', newEventId()]) {
              expect(c.get(id)).toEqual(m.get(id));
              expect(c.has(id)).toBe(m.has(id));
            }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps every id through the hash table’s growth', () => {
    const c = eventIndexMap();
    const ids = Array.from({ length: 5000 }, () => newEventId());
    ids.forEach((id, p) =>
      c.set(id, {
        position: p,
        stream: STREAMS[p % 4]!,
        rev: p >> 2,
        type: TYPES[p % 3]!,
        ...(p % 5 === 0 ? { cell: CELLS[p % 2]! } : {}),
      }),
    );
    ids.forEach((id, p) =>
      expect(c.get(id)).toEqual({
        position: p,
        stream: STREAMS[p % 4],
        rev: p >> 2,
        type: TYPES[p % 3],
        ...(p % 5 === 0 ? { cell: CELLS[p % 2] } : {}),
      }),
    );
    expect(c.has(newEventId())).toBe(false);
  });

  it('refuses positions and revisions it cannot hold', () => {
    const c = eventIndexMap();
    expect(() => c.set(newEventId(), { position: -1, stream: 's', rev: 0, type: 't' })).toThrow(RangeError);
    expect(() => c.set(newEventId(), { position: 2 ** 32, stream: 's', rev: 0, type: 't' })).toThrow(RangeError);
    expect(() => c.set(newEventId(), { position: 0, stream: 's', rev: 2 ** 32, type: 't' })).toThrow(RangeError);
  });

  it('a folded school: each event id gives that event’s position, stream, revision and type; a score and its correction their cell', async () => {
    const school = await buildSchool({ students: 3 });
    const T = [as(school.people.teacher, 'subject')];
    const entered = (await school.ledger.execute(score('hs-001', '5'), T)) as unknown as {
      _tag: 'Right';
      right: { events: Array<{ id: string }> };
    };
    const target = entered.right.events[0]!.id;
    await school.complete('HK1');
    await school.ledger.execute(
      { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
      T,
    );
    const fixed = (await school.ledger.execute(
      {
        type: 'Correct',
        data: { target, old: '5', new: '6', reason: 'r', minutes: { number: '1', date: '2024-10-01', text: 't' } },
      },
      [...T, as(school.people.principal, 'leader'), as(school.people.vice, 'admin')],
    )) as unknown as { _tag: 'Right'; right: { events: Array<{ id: string }> } };
    expect(fixed._tag).toBe('Right');
    const s = initialState();
    const envs = [];
    for await (const e of school.store.read('thpt-test')) {
      const d = decodeEnvelope(e.bytes);
      if (d._tag === 'Left') throw new Error('stored event does not decode');
      envs.push(d.right);
      evolve(s, d.right, toHex(e.leafHash));
    }
    envs.forEach((env, position) =>
      expect(s.ids.get(env.id)).toMatchObject({ position, stream: env.stream, rev: env.rev, type: env.type }),
    );
    const cell = 'markbook/2024-2025/10A1/toan#hs-001/HK1/tx1';
    expect(s.ids.get(target)?.cell).toBe(cell);
    expect(s.ids.get(fixed.right.events[0]!.id)).toMatchObject({ type: 'CorrectionMade', cell });
    // Exactly the entries (the score, the term's other marks for the sign-off) and the correction carry a cell.
    const cellEvents = envs.filter((e) => isCellEventType(e.type) || e.type === 'CorrectionMade');
    expect(cellEvents.at(-1)?.type).toBe('CorrectionMade');
    expect(envs.filter((e) => s.ids.get(e.id)?.cell !== undefined)).toEqual(cellEvents);
    expect(s.cells.get(cell)).toMatchObject({ value: '6', entry: target, corrections: 1 });
  });
});
