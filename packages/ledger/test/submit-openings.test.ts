import { describe, it, expect } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodeEnvelope } from '@hoso/core';
import {
  commitFields,
  decide,
  decodeCommand,
  memoryPersonalData,
  signPrepared,
  type Opening,
  type PersonalCommitter,
} from '../src/index.js';
import { buildSchool } from '../src/testing/index.js';

const BIO = { name: 'Lý Thu Hà', birthDate: '2009-02-11', sex: 'F', guardian: 'Lý Văn Phúc' } as const;

/** An enrolment decided and signed outside the ledger (as a browser does), with its own openings. */
async function signedElsewhere(s: Awaited<ReturnType<typeof buildSchool>>, student: string) {
  const openings: Opening[] = [];
  const commit: PersonalCommitter = (_id, subject, fields) => {
    const c = commitFields(subject, fields);
    openings.push(...c.openings);
    return c.commitments;
  };
  const cmd = decodeCommand({
    type: 'EnrollStudent',
    data: { year: s.year, class: s.cls, student, date: '2024-09-05', bio: BIO },
  });
  if (isLeft(cmd)) throw new Error(cmd.left.message);
  await s.ledger.refresh();
  const homeroom = s.people.homeroom;
  const unsigned = decide(s.ledger.state(), cmd.right, {
    ledger: s.ledger.id,
    now: new Date('2024-10-01T08:00:00+07:00'),
    actors: [{ key: homeroom.key, role: 'homeroom' }],
    eventId: (i) => `0190a000-0000-7000-8000-00000000000${i}`,
    commit,
  });
  if (isLeft(unsigned)) throw new Error(unsigned.left.message);
  const envs = await signPrepared(unsigned.right, [{ signer: homeroom.signer, role: 'homeroom' }]);
  return { bytes: envs.map(encodeEnvelope), ids: envs.map((e) => e.id), openings };
}

describe('submit with openings (events signed elsewhere)', () => {
  it('checks each opening against its commitment and writes them with the events', async () => {
    const pd = memoryPersonalData();
    const s = await buildSchool({ students: 0, personalData: pd, adoptPersonalData: true });
    const { bytes, openings } = await signedElsewhere(s, 'hs-web');
    const r = await s.ledger.submit(bytes, { openings });
    expect(isLeft(r)).toBe(false);
    expect(
      pd
        .openings('hs-web')
        .map((o) => [o.field, o.value])
        .sort(),
    ).toEqual(Object.entries(BIO).sort());
  });

  it('refuses a wrong opening, naming the field, and writes nothing', async () => {
    const pd = memoryPersonalData();
    const s = await buildSchool({ students: 0, personalData: pd, adoptPersonalData: true });
    const before = await s.store.size(s.ledger.id);
    const { bytes, ids, openings } = await signedElsewhere(s, 'hs-web');
    const i = openings.findIndex((o) => o.field === 'guardian');
    const wrong = openings.map((o, k) => (k === i ? { ...o, value: 'Lý Văn Phú' } : o));
    const r = await s.ledger.submit(bytes, { openings: wrong });
    expect(r).toMatchObject({
      _tag: 'Left',
      left: { code: 'personal-data-opening-invalid', path: ['openings', i, 'value'], rule: 'docs/personal-data.md' },
    });
    if (isLeft(r)) expect(r.left.message).toContain('guardian');
    expect(await s.store.size(s.ledger.id)).toBe(before);
    expect(pd.rows()).toEqual([]);
    for (const id of ids) expect(pd.staged(id)).toBeUndefined();
  });

  it('refuses an opening of a commitment no submitted event signs, and a short salt', async () => {
    const pd = memoryPersonalData();
    const s = await buildSchool({ students: 0, personalData: pd, adoptPersonalData: true });
    const before = await s.store.size(s.ledger.id);
    const { bytes, openings } = await signedElsewhere(s, 'hs-web');
    const other = commitFields('hs-web', { name: 'Người Khác' }).openings[0]!;
    expect(await s.ledger.submit(bytes, { openings: [...openings, other] })).toMatchObject({
      _tag: 'Left',
      left: { code: 'personal-data-opening-invalid', path: ['openings', openings.length, 'commitment'] },
    });
    const renamed = openings.map((o, k) => (k === 0 ? { ...o, subject: 'hs-other' } : o));
    expect(await s.ledger.submit(bytes, { openings: renamed })).toMatchObject({
      _tag: 'Left',
      left: { code: 'personal-data-opening-invalid', path: ['openings', 0, 'commitment'] },
    });
    const short = openings.map((o, k) => (k === 0 ? { ...o, salt: o.salt.slice(1) } : o));
    expect(await s.ledger.submit(bytes, { openings: short })).toMatchObject({
      _tag: 'Left',
      left: { code: 'personal-data-opening-invalid', path: ['openings', 0, 'salt'] },
    });
    expect(await s.store.size(s.ledger.id)).toBe(before);
    expect(pd.rows()).toEqual([]);
  });

  it('refuses openings when the ledger has no personal-data store', async () => {
    const s = await buildSchool({ students: 0, adoptPersonalData: true, personalData: memoryPersonalData() });
    const { bytes, openings } = await signedElsewhere(s, 'hs-web');
    const bare = await buildSchool({ students: 0 });
    expect(await bare.ledger.submit(bytes, { openings })).toMatchObject({
      _tag: 'Left',
      left: { code: 'personal-data-store-required', path: ['openings'] },
    });
  });
});
