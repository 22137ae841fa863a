/**
 * Property: random command sequences from random actors claiming random roles. A small model of
 * the rules, written independently of `rules.ts`, predicts each outcome; the ledger must accept
 * exactly what the model allows, write nothing when it refuses, and every stored event must pass
 * `replayCheck` at its position.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { decodeEnvelope, toHex } from '@hoso/core';
import { evolve, initialState, replayCheck } from '@hoso/ledger';
import { buildSchool, as } from '@hoso/ledger/testing';
import { Y } from './helpers.js';
import { Model, cmdArb, personOf, resolve, toCommand } from './command-gen.js';

describe('property: the ledger accepts exactly what an independent model of the rules allows', () => {
  it('random command sequences from random actors', async () => {
    const tally: Record<string, { accepted: number; refused: number }> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 20, maxLength: 60, size: 'max' }), async (cmds) => {
        const s = await buildSchool({ openWindow: false });
        await s.run({ type: 'OpenWindow', data: { window: 'w0', year: Y, period: 'CN', scope: {} } }, [
          as(s.people.principal, 'leader'),
        ]);
        // Term I's marks are all in, so its sign-offs and the confirm → approve → seal chain can run.
        await s.complete('HK1');
        const m = new Model();
        m.seed('HK1');
        for (const raw of cmds) {
          const c = resolve(raw, m);
          const expected = m.allows(c);
          const signers = [as(personOf(s, c.who), c.role)];
          if (c.k === 'correct')
            signers.push(as(personOf(s, c.approver), 'leader'), as(personOf(s, c.witness), 'admin'));
          const sizeBefore = await s.store.size('thpt-test');
          const r = await s.ledger.execute(toCommand(c, m), signers);
          if (isRight(r) !== expected) {
            throw new Error(
              `${JSON.stringify(c)}: model says ${expected ? 'allow' : 'refuse'}, ledger ${isLeft(r) ? `refused ${r.left.code}: ${r.left.message}` : 'accepted'}`,
            );
          }
          const t = (tally[c.k] ??= { accepted: 0, refused: 0 });
          if (isRight(r)) t.accepted += 1;
          else t.refused += 1;
          if (isRight(r)) {
            m.apply(
              c,
              r.right.events.map((e) => e.id),
            );
          } else {
            expect(await s.store.size('thpt-test')).toBe(sizeBefore);
          }
        }
        // Every stored event is allowed by the rules at its position.
        const state = initialState();
        for await (const e of s.store.read('thpt-test')) {
          const env = decodeEnvelope(e.bytes);
          if (isLeft(env)) throw new Error('undecodable');
          expect(replayCheck(state, env.right), `position ${e.position}`).toEqual([]);
          evolve(state, env.right, toHex(e.leafHash));
        }
      }),
      // HOSO_PROP_RUNS=600 searches harder (CI keeps the default small).
      { numRuns: Number(process.env.HOSO_PROP_RUNS ?? 25) },
    );
    // The generator reaches both outcomes of the main commands (the property is not vacuous).
    for (const k of ['score', 'sign', 'correct', 'close', 'open', 'revoke']) {
      expect(tally[k]?.accepted, `${k} accepted`).toBeGreaterThan(0);
      expect(tally[k]?.refused, `${k} refused`).toBeGreaterThan(0);
    }
  });
});
