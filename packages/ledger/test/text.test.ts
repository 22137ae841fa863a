/**
 * One form of Vietnamese text through the I/O paths (docs/events.md#text): commands are written in
 * NFC however they were typed; events signed elsewhere with decomposed text are refused, naming the
 * field, and nothing is written.
 */
import { describe, it, expect } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodeEnvelope, newEventId, signEnvelope } from '@hoso/core';
import { formatAt } from '@hoso/ledger';
import { as, buildSchool, ok } from '@hoso/ledger/testing';
import { fullRead } from './helpers.js';

const NFD = 'Nguye\u0302\u0303n Thi\u0323 Nu\u031b\u0303';
const NFC = NFD.normalize('NFC');

async function storedName(s: Awaited<ReturnType<typeof buildSchool>>, id: string): Promise<string> {
  const e = await s.store.getById('thpt-test', id);
  return (JSON.parse(Buffer.from(e!.bytes).toString('utf8')) as { data: { name: string } }).data.name;
}

describe('text through execute, executeBatch and submit', () => {
  it('execute and executeBatch sign the NFC form of decomposed text', async () => {
    const s = await buildSchool();
    const A = [as(s.people.principal, 'admin')];
    const one = ok(await s.ledger.execute({ type: 'RegisterStaff', data: { person: 'gv-a', name: NFD } }, A));
    expect(await storedName(s, one.events[0]!.id)).toBe(NFC);
    const batch = ok(
      await s.ledger.executeBatch(
        [
          { type: 'RegisterStaff', id: newEventId(), data: { person: 'gv-b', name: NFD } },
          { type: 'RegisterStaff', id: newEventId(), data: { person: 'gv-c', name: `Lê ${NFD}` } },
        ],
        A,
      ),
    );
    expect(await storedName(s, batch.events[0]!.id)).toBe(NFC);
    expect(await storedName(s, batch.events[1]!.id)).toBe(`Lê ${NFC}`);
  });

  it('submit refuses an event signed with decomposed text, naming the field; nothing is written', async () => {
    const s = await buildSchool();
    const P = s.people.principal;
    const head = s.ledger.state().heads.get('school')!;
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger: 'thpt-test',
        stream: 'school',
        rev: head.rev + 1,
        prev: head.leafHash,
        type: 'StaffRegistered',
        data: { person: 'gv-a', name: NFD },
        at: formatAt(s.clock.now),
        by: { key: P.key, role: 'admin' },
      },
      [as(P, 'admin')],
    );
    const before = await fullRead(s);
    const r = await s.ledger.submit([encodeEnvelope(env)]);
    expect(isLeft(r) && r.left.code).toBe('text-not-nfc');
    expect(isLeft(r) && r.left.path).toEqual(['events', 0, 'data', 'name']);
    expect(await fullRead(s)).toBe(before);
  });
});
