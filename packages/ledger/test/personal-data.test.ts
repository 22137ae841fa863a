import { describe, it, expect } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeEnvelope, fromHex, toHex } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import {
  BIO_FIELDS,
  checkEvent,
  commitFields,
  commitValue,
  evolve,
  initialState,
  memoryPersonalData,
  openLedger,
  opens,
  PD_FORMAT,
  replayCheck,
  type LedgerState,
} from '../src/index.js';
import { as, buildSchool } from '../src/testing/index.js';

const BIO = { name: 'Phạm Minh Châu', birthDate: '2009-05-06', sex: 'F', guardian: 'Phạm Văn Tư' } as const;

describe('commitments (hoso/pd/v1)', () => {
  it('are SHA-256 over the tag, the salt and the canonical value, and open only with both', () => {
    const salt = new Uint8Array(32).fill(1);
    const c = commitValue(salt, 'Phạm Minh Châu');
    expect(c).toMatch(/^[0-9a-f]{64}$/);
    expect(opens(c, salt, 'Phạm Minh Châu')).toBe(true);
    expect(opens(c, salt, 'Phạm Minh Chau')).toBe(false);
    expect(opens(c, new Uint8Array(32).fill(2), 'Phạm Minh Châu')).toBe(false);
    expect(opens(c, salt.slice(1), 'Phạm Minh Châu')).toBe(false);
    expect(opens('zz', salt, 'Phạm Minh Châu')).toBe(false);
    // The canonical value is the JSON string: a value and its quoted form differ.
    expect(commitValue(salt, '"x"')).not.toBe(commitValue(salt, 'x'));
  });

  it('salt each field afresh: equal values give unrelated commitments', () => {
    const a = commitFields('hs-1', { sex: 'F' });
    const b = commitFields('hs-2', { sex: 'F' });
    expect(a.commitments.sex).not.toBe(b.commitments.sex);
    expect(fromHex(a.commitments.sex!)!.length).toBe(32);
    expect(a.openings[0]!.salt.length).toBe(32);
  });
});

describe('a ledger that adopts the personal-data format', () => {
  it('signs commitments only, keeps the openings, and replays clean', async () => {
    const pd = memoryPersonalData();
    const s = await buildSchool({ students: 0, personalData: pd, adoptPersonalData: true });
    const r = await s.run(
      { type: 'EnrollStudent', data: { year: s.year, class: s.cls, student: 'hs-pd', date: '2024-09-05', bio: BIO } },
      [as(s.people.homeroom, 'homeroom')],
    );
    const stored = await s.store.getById(s.ledger.id, r.events[0]!.id);
    const text = new TextDecoder().decode(stored!.bytes);
    expect(text).not.toContain(BIO.name);
    expect(text).not.toContain(BIO.guardian);
    const env = JSON.parse(text) as { data: { pd: Record<string, string> } };
    expect(Object.keys(env.data.pd).sort()).toEqual(['birthDate', 'guardian', 'name', 'sex']);
    const openings = pd.openings('hs-pd');
    expect(openings.map((o) => [o.field, o.value])).toEqual(
      BIO_FIELDS.filter((f) => f in BIO).map((f) => [f, BIO[f as keyof typeof BIO]]),
    );
    for (const o of openings) expect(env.data.pd[o.field]).toBe(o.commitment);
    // The verifier's replay of the whole ledger accepts every event.
    const replayed = await replayAll(s.store, s.ledger.id);
    expect(replayed).toEqual([]);
  });

  it('refuses a clear biography without a personal-data store, and commitments before adoption', async () => {
    const s = await buildSchool({ students: 0, adoptPersonalData: true });
    const size = await s.store.size(s.ledger.id);
    const r = await s.ledger.execute(
      { type: 'EnrollStudent', data: { year: s.year, class: s.cls, student: 'hs-x', date: '2024-09-05', bio: BIO } },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-in-clear', path: ['data', 'bio'] } });
    expect(await s.store.size(s.ledger.id)).toBe(size);

    const old = await buildSchool({ students: 0 });
    const { commitments } = commitFields('hs-y', BIO);
    const by = { key: old.people.homeroom.key, role: 'homeroom' };
    const problems = checkEvent(old.ledger.state(), {
      ledger: old.ledger.id,
      stream: 'student/hs-y',
      type: 'StudentRegistered',
      data: { student: 'hs-y', year: old.year, class: old.cls, pd: commitments },
      by,
      signers: [by],
      at: old.clock.now,
    });
    expect(problems.map((p) => p.code)).toContain('personal-data-format-not-adopted');
  });

  it('adopts once, by the leader', async () => {
    const s = await buildSchool({ students: 0, adoptPersonalData: true });
    const again = await s.ledger.execute({ type: 'AdoptPersonalDataFormat', data: { format: PD_FORMAT } }, [
      as(s.people.principal, 'leader'),
    ]);
    expect(again).toMatchObject({ _tag: 'Left', left: { code: 'already-decided' } });
    const old = await buildSchool({ students: 0 });
    const byHomeroom = await old.ledger.execute({ type: 'AdoptPersonalDataFormat', data: { format: PD_FORMAT } }, [
      as(old.people.homeroom, 'homeroom'),
    ]);
    expect(isLeft(byHomeroom)).toBe(true);
  });

  it('erases with one signed decision: the openings go, the rules refuse what follows', async () => {
    const pd = memoryPersonalData();
    const s = await buildSchool({ students: 0, personalData: pd, adoptPersonalData: true });
    for (const st of ['hs-a', 'hs-b'])
      await s.run(
        { type: 'EnrollStudent', data: { year: s.year, class: s.cls, student: st, date: '2024-09-05', bio: BIO } },
        [as(s.people.homeroom, 'homeroom')],
      );
    const erase = (students: string[]) =>
      s.ledger.execute(
        { type: 'ErasePersonalData', data: { students, basis: 'retention-expired', reason: 'hết thời hạn lưu trữ' } },
        [as(s.people.principal, 'leader')],
      );
    expect(await erase(['hs-a', 'hs-a'])).toMatchObject({
      _tag: 'Left',
      left: { code: 'invalid-data', path: ['data', 'students', 1] },
    });
    expect(await erase(['hs-zz'])).toMatchObject({ _tag: 'Left', left: { code: 'unknown-student' } });
    expect(await erase([])).toMatchObject({ _tag: 'Left', left: { code: 'invalid-data' } });
    expect(pd.rows().length).toBe(8);
    expect(isLeft(await erase(['hs-a', 'hs-b']))).toBe(false);
    expect(pd.rows()).toEqual([]);
    expect(await erase(['hs-a'])).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-erased' } });
    expect(await replayAll(s.store, s.ledger.id)).toEqual([]);
  });
});

describe('migration: a ledger written in clear moves to commitments from a position', () => {
  it('keeps verifying; old pupils stay in clear and cannot be erased, new ones are committed', async () => {
    // Today's format first: buildSchool registers its students in clear.
    const s = await buildSchool({ students: 2 });
    const clearUntil = await s.store.size(s.ledger.id);
    const pd = memoryPersonalData();
    const l = await openLedger({ store: s.store, ledger: s.ledger.id, clock: () => s.clock.now, personalData: pd });
    const adopted = await l.execute({ type: 'AdoptPersonalDataFormat', data: { format: PD_FORMAT } }, [
      as(s.people.principal, 'leader'),
    ]);
    expect(isLeft(adopted)).toBe(false);
    await l.execute(
      { type: 'EnrollStudent', data: { year: s.year, class: s.cls, student: 'hs-new', date: '2024-09-05', bio: BIO } },
      [as(s.people.homeroom, 'homeroom')],
    );
    // An old pupil's change is committed too: the change leaves the old clear fields behind.
    const ch = await l.execute(
      {
        type: 'ChangeBiography',
        data: {
          student: 'hs-001',
          year: s.year,
          class: s.cls,
          changes: { guardian: 'Ngô Thị Lan' },
          reason: 'bổ sung',
        },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(isLeft(ch)).toBe(false);
    expect(pd.openings('hs-001').map((o) => o.field)).toEqual(['guardian']);
    // Nothing before the adoption was rewritten.
    let i = 0;
    for await (const e of s.store.read(s.ledger.id, { from: 0, to: clearUntil })) {
      expect(e.position).toBe(i++);
    }
    const erase = await l.execute(
      { type: 'ErasePersonalData', data: { students: ['hs-001'], basis: 'guardian-request', reason: 'yêu cầu' } },
      [as(s.people.principal, 'leader')],
    );
    expect(erase).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-in-chain' } });
    expect(
      isLeft(
        await l.execute(
          { type: 'ErasePersonalData', data: { students: ['hs-new'], basis: 'guardian-request', reason: 'yêu cầu' } },
          [as(s.people.principal, 'leader')],
        ),
      ),
    ).toBe(false);
    expect(await replayAll(s.store, s.ledger.id)).toEqual([]);
  });
});

async function replayAll(store: EventStore, ledger: string): Promise<string[]> {
  const st: LedgerState = initialState();
  const out: string[] = [];
  for await (const e of store.read(ledger)) {
    const env = decodeEnvelope(e.bytes);
    if (isLeft(env)) throw new Error(env.left.message);
    for (const p of replayCheck(st, env.right)) out.push(`${e.position} ${p.code}`);
    evolve(st, env.right, toHex(e.leafHash));
  }
  return out;
}
