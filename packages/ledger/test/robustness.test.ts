/** The verifier feeds `replayCheck` and `evolve` whatever a bundle holds: they must never throw. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeEnvelope, toHex, type Envelope } from '@hoso/core';
import { EVENT_TYPES, evolve, initialState, replayCheck } from '@hoso/ledger';
import { buildSchool, as, ok } from '@hoso/ledger/testing';
import { score } from './helpers.js';

describe('replayCheck and evolve on hostile histories', () => {
  it('never throw, whatever the types and payloads', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const entry = ok(await s.ledger.execute(score('hs-001', '5'), T)).events[0]!.id;
    ok(
      await s.ledger.execute(
        {
          type: 'Correct',
          data: {
            target: entry,
            old: '5',
            new: '6',
            reason: 'r',
            minutes: { number: '1', date: '2024-10-01', text: 't' },
          },
        },
        [...T, as(s.people.principal, 'leader'), as(s.people.vice, 'admin')],
      ),
    );
    const history: Array<[Envelope, string]> = [];
    for await (const e of s.store.read('thpt-test')) {
      const env = decodeEnvelope(e.bytes);
      if (isLeft(env)) throw new Error('undecodable');
      history.push([env.right, toHex(e.leafHash)]);
    }
    const json = fc.jsonValue({ maxDepth: 3 });
    const mutation = fc.record({
      at: fc.nat(),
      type: fc.option(fc.constantFrom(...EVENT_TYPES, 'Nope'), { nil: undefined }),
      field: fc.constantFrom(
        'year',
        'class',
        'subject',
        'student',
        'value',
        'target',
        'key',
        'person',
        'role',
        'term',
        'window',
        'scope',
        'index',
        'terms',
        'levels',
      ),
      value: json,
      role: fc.option(fc.constantFrom('leader', 'admin', 'subject', 'holder', 'x'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (muts) => {
        const events = history.map(([e, h]) => [e, h] as [Envelope, string]);
        for (const m of muts) {
          const i = m.at % events.length;
          const [e, h] = events[i]!;
          const data = { ...(e.data as Record<string, unknown>), [m.field]: m.value };
          events[i] = [
            {
              ...e,
              type: m.type ?? e.type,
              data: data as Envelope['data'],
              by: m.role === undefined ? e.by : { ...e.by, role: m.role },
            },
            h,
          ];
        }
        const state = initialState();
        for (const [e, h] of events) {
          const r = replayCheck(state, e);
          expect(r.every((p) => typeof p.code === 'string')).toBe(true);
          evolve(state, e, h);
        }
        expect(state.size).toBe(events.length);
      }),
      { numRuns: 150 },
    );
  });
});
