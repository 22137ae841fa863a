/**
 * `beginSubmit`: events signed elsewhere, added in chunks, checked against the state that holds the
 * chunks before them, and written in one atomic append — or not at all, whichever chunk is refused.
 */
import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { encodeEnvelope, signEnvelope, toBase64Url, toHex } from '@hoso/core';
import {
  decide,
  decodeCommand,
  eventIdFor,
  openLedger,
  type ActingSigner,
  type LedgerState,
  type SubmitStream,
} from '@hoso/ledger';
import type { EventStore } from '@hoso/store';
import { buildSchool, as, type School } from '@hoso/ledger/testing';
import { score, fullRead } from './helpers.js';
import { v7 as uuidv7 } from 'uuid';

/** Decide `command` against `state` (the stream's) and sign its events, as a remote signer would. */
async function signedAgainst(
  s: School,
  state: LedgerState,
  command: { type: string; data: unknown },
  signers: readonly ActingSigner[],
): Promise<Uint8Array[]> {
  const id = uuidv7();
  const cmd = decodeCommand({ ...command, id });
  if (isLeft(cmd)) throw new Error(cmd.left.message);
  const d = decide(state, cmd.right, {
    ledger: 'thpt-test',
    now: s.clock.now,
    actors: signers.map((a) => ({ key: toBase64Url(a.signer.publicKey), role: a.role })),
    eventId: (k) => eventIdFor(id, k),
  });
  if (isLeft(d)) throw new Error(`${d.left.code}: ${d.left.message}`);
  const out: Uint8Array[] = [];
  for (const u of d.right) out.push(encodeEnvelope(await signEnvelope(u, signers)));
  return out;
}

/** Every regular, mid-term and final mark of term I in toan, one command each: 6 per student. */
function marksOf(students: readonly string[]): Array<{ type: string; data: unknown }> {
  const out: Array<{ type: string; data: unknown }> = [];
  for (const [i, st] of students.entries()) {
    for (const index of [1, 2, 3, 4]) out.push(score(st, `${(i + index) % 11}`, { index }));
    out.push(score(st, '7.5', { column: 'gk', index: undefined }));
    out.push(score(st, '8', { column: 'ck', index: undefined }));
  }
  return out;
}

/** Add every command's events, one `add` per command. */
async function addAll(s: School, stream: SubmitStream, commands: ReadonlyArray<{ type: string; data: unknown }>) {
  const T = [as(s.people.teacher, 'subject')];
  for (const c of commands) {
    const r = await stream.add(await signedAgainst(s, stream.state, c, T));
    if (isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  }
}

describe('beginSubmit: a submission streamed into one atomic append', () => {
  it('writes every chunk at once on commit, and the ledger is what a fresh fold of the store gives', async () => {
    const s = await buildSchool({ students: 200 });
    const before = await s.store.size('thpt-test');
    const opened = await s.ledger.beginSubmit();
    if (isLeft(opened)) throw new Error(opened.left.message);
    const stream = opened.right;
    const commands = marksOf(s.students);
    await addAll(s, stream, commands);
    // 1,200 events: more than one chunk has reached the store, and none of it is visible.
    expect(stream.events).toBe(1200);
    expect(await s.store.size('thpt-test')).toBe(before);
    expect(s.ledger.state().size).toBe(before);
    const r = await stream.commit();
    if (isLeft(r)) throw new Error(r.left.message);
    expect(r.right).toEqual({ from: before, size: before + 1200, written: 1200 });
    expect(() => stream.state).toThrow(/ended/);
    // The live state is the stream's, and agrees with a fold of the store from nothing.
    const fresh = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => s.clock.now });
    const live = s.ledger.state();
    expect(live.size).toBe(before + 1200);
    expect(fresh.state().size).toBe(live.size);
    for (const st of s.students) {
      for (const col of ['tx1', 'tx4', 'gk', 'ck']) {
        const key = `markbook/2024-2025/10A1/toan#${st}/HK1/${col}`;
        expect(live.cells.get(key)?.value).toBe(fresh.state().cells.get(key)?.value);
        expect(live.cells.get(key)).toBeDefined();
      }
    }
    const head = 'markbook/2024-2025/10A1/toan';
    expect(live.heads.get(head)).toEqual(fresh.state().heads.get(head));
    // The ledger goes on: a mark already entered is refused, a new command lands after the stream.
    const again = await s.ledger.execute(score(s.students[0]!, '9'), [as(s.people.teacher, 'subject')]);
    expect(isLeft(again) && again.left.code).toBe('cell-already-entered');
    const lands = await s.ledger.execute(score(s.students[0]!, '9', { term: 'HK2' }), [
      as(s.people.teacher, 'subject'),
    ]);
    expect(isRight(lands) && lands.right.events[0]!.position).toBe(before + 1200);
  });

  it('a refusal in the last add, after chunks reached the store, writes nothing', async () => {
    const s = await buildSchool({ students: 200 });
    const before = await fullRead(s);
    const size = s.ledger.state().size;
    const opened = await s.ledger.beginSubmit();
    if (isLeft(opened)) throw new Error(opened.left.message);
    const stream = opened.right;
    await addAll(s, stream, marksOf(s.students));
    // A tampered signature on the last event: refused at its index in the stream (event 1200).
    const last = await signedAgainst(s, stream.state, score(s.students[0]!, '5', { term: 'HK2' }), [
      as(s.people.teacher, 'subject'),
    ]);
    const tampered = Uint8Array.from(last[0]!);
    const sigAt = Buffer.from(tampered).lastIndexOf('"sig":"') + 8;
    tampered[sigAt] = tampered[sigAt] === 0x41 ? 0x42 : 0x41;
    const r = await stream.add([tampered]);
    expect(isLeft(r) && r.left.code).toBe('bad-signature');
    expect(isLeft(r) && r.left.path?.slice(0, 2)).toEqual(['events', 1200]);
    expect(await fullRead(s)).toBe(before);
    expect(s.ledger.state().size).toBe(size);
    expect(() => stream.state).toThrow(/ended/);
    // The store's append is over: the ledger writes as before.
    const lands = await s.ledger.execute(score(s.students[0]!, '9'), [as(s.people.teacher, 'subject')]);
    expect(isRight(lands) && lands.right.events[0]!.position).toBe(size);
  });

  it('a rule broken in a chunk is refused against the events before it in the stream', async () => {
    const s = await buildSchool({ students: 3 });
    const before = await fullRead(s);
    const opened = await s.ledger.beginSubmit();
    if (isLeft(opened)) throw new Error(opened.left.message);
    const stream = opened.right;
    const T = [as(s.people.teacher, 'subject')];
    const first = await signedAgainst(s, stream.state, score(s.students[0]!, '8'), T);
    // Decided before the first was added: the same cell again, so the stream refuses it.
    const second = await signedAgainst(s, stream.state, score(s.students[0]!, '6'), T);
    expect(isRight(await stream.add(first))).toBe(true);
    const r = await stream.add(second);
    expect(isLeft(r) && r.left.code).toBe('stream-conflict');
    expect(await fullRead(s)).toBe(before);
  });

  it('an aborted stream writes nothing; a store without beginAppend is told to submit in batches', async () => {
    const s = await buildSchool({ students: 3 });
    const before = await fullRead(s);
    const opened = await s.ledger.beginSubmit();
    if (isLeft(opened)) throw new Error(opened.left.message);
    await addAll(s, opened.right, marksOf(s.students));
    await opened.right.abort();
    await opened.right.abort();
    expect(await fullRead(s)).toBe(before);

    const plain = Object.fromEntries(
      Object.entries(s.store).filter(([k]) => k !== 'beginAppend'),
    ) as unknown as EventStore;
    const other = await openLedger({ store: plain, ledger: 'thpt-test', clock: () => s.clock.now });
    const r = await other.beginSubmit();
    expect(isLeft(r) && r.left.code).toBe('store-error');
    expect(isLeft(r) && r.left.details).toMatchObject({ cause: 'streamed-append-unsupported' });
    expect(toHex(await s.store.root('thpt-test'))).toBe(toHex(await plain.root('thpt-test')));
  });
});
