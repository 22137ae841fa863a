/**
 * Appends refuse an `at` too far ahead of the appender's clock (docs/design.md §8): one far-future
 * claim would make every honest event after it look backdated.
 */
import { describe, it, expect } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodeEnvelope, signEnvelope } from '@hoso/core';
import { DEFAULT_CLOCK_SKEW_MS, futureAt, openLedger } from '@hoso/ledger';
import { as, buildSchool, ok } from '@hoso/ledger/testing';

const score = (student: string) => ({
  type: 'EnterScore',
  data: { year: '2024-2025', class: '10A1', subject: 'toan', student, term: 'HK1', column: 'ck', value: '8' },
});

describe('at-in-future', () => {
  it('submit refuses an event signed with a time beyond the skew; nothing is written', async () => {
    const s = await buildSchool();
    const T = s.people.teacher;
    const ahead = { now: new Date(s.clock.now.getTime() + DEFAULT_CLOCK_SKEW_MS + 60_000) };
    const elsewhere = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => ahead.now });
    const unsigned = ok(await elsewhere.prepare(score('hs-001'), [{ key: T.key, role: 'subject' }]));
    const env = await signEnvelope(unsigned[0]!, [as(T, 'subject')]);
    const before = await s.store.size('thpt-test');
    const r = await s.ledger.submit([encodeEnvelope(env)]);
    expect(isLeft(r) && r.left.code).toBe('at-in-future');
    expect(isLeft(r) && r.left.path).toEqual(['events', 0, 'at']);
    expect(isLeft(r) && r.left.details).toMatchObject({
      limit: new Date(s.clock.now.getTime() + DEFAULT_CLOCK_SKEW_MS).toISOString(),
    });
    expect(await s.store.size('thpt-test')).toBe(before);
    // Within a wider skew the same event is accepted.
    const tolerant = await openLedger({
      store: s.store,
      ledger: 'thpt-test',
      clock: () => s.clock.now,
      policy: { maxClockSkewMs: DEFAULT_CLOCK_SKEW_MS + 120_000 },
    });
    ok(await tolerant.submit([encodeEnvelope(env)]));
    expect(await s.store.size('thpt-test')).toBe(before + 1);
  });

  it('execute refuses when the clock stepped back between deciding and appending', async () => {
    const s = await buildSchool();
    let calls = 0;
    const start = s.clock.now.getTime();
    // The first reading (the decision, written as `at`) is an hour ahead of the next (the append).
    const ledger = await openLedger({
      store: s.store,
      ledger: 'thpt-test',
      clock: () => new Date(calls++ === 0 ? start + 3_600_000 : start),
    });
    calls = 0;
    const r = await ledger.execute(score('hs-002'), [as(s.people.teacher, 'subject')]);
    expect(isLeft(r) && r.left.code).toBe('at-in-future');
  });

  it('futureAt names the first event beyond the limit', () => {
    const now = new Date('2024-10-01T01:00:00.000Z');
    const at = (iso: string) => ({ at: iso }) as never;
    expect(futureAt([at('2024-10-01T08:04:00.000+07:00')], now, DEFAULT_CLOCK_SKEW_MS)).toBeNull();
    const f = futureAt([at('2024-10-01T08:00:00.000+07:00'), at('9999-12-31T00:00:00.000+07:00')], now, 1000);
    expect(f?.index).toBe(1);
    expect(f?.error.rule).toBe('docs/design.md §8');
  });
});
