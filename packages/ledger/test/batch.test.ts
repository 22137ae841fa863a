/**
 * Column entry (`EnterScores`, `EnterCommentLevels`: many events of one stream in one atomic
 * append), `executeBatch`, `prepare` (browser / remote signing) and the key look-ups.
 */
import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  decodeEnvelope,
  encodeEnvelope,
  leafHash,
  newEventId,
  signEnvelope,
  toHex,
  tweetnaclBackend,
  verifyEnvelopeSignatures,
  type Envelope,
  type Signer,
} from '@hoso/core';
import {
  activeKeysOf,
  evolve,
  initialState,
  keyOwner,
  linkPrev,
  openLedger,
  PENDING_PREV,
  replayCheck,
  signPrepared,
  MAX_BATCH_ENTRIES,
  type LedgerState,
} from '@hoso/ledger';
import { buildSchool, as, ok, person, type School } from '@hoso/ledger/testing';
import { Y, score, fullRead, refused, refusedNothingWritten } from './helpers.js';

const column = (entries: ReadonlyArray<{ student: string; value: string }>, extra: Record<string, unknown> = {}) => ({
  type: 'EnterScores',
  data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1', column: 'gk', entries, ...extra },
});

/** Fold the whole store with replayCheck and signature checks: the findings (none expected). */
async function replayAll(s: School): Promise<{ state: LedgerState; findings: string[] }> {
  const state = initialState();
  const findings: string[] = [];
  for await (const e of s.store.read('thpt-test')) {
    const env = decodeEnvelope(e.bytes);
    if (isLeft(env)) throw new Error('undecodable');
    if (isLeft(verifyEnvelopeSignatures(env.right))) findings.push(`${e.position}: signature`);
    for (const err of replayCheck(state, env.right)) findings.push(`${e.position}: ${err.code}`);
    evolve(state, env.right, toHex(e.leafHash));
  }
  return { state, findings };
}

describe('EnterScores: a column in one atomic append', () => {
  it('writes one chained ScoreEntered per student in one append, and replays clean', async () => {
    const s = await buildSchool({ students: 45 });
    const T = [as(s.people.teacher, 'subject')];
    const before = await s.store.size('thpt-test');
    const values = s.students.map((st, i) => ({ student: st, value: `${(i % 10) + 0}.5` }));
    const r = ok(await s.ledger.execute(column(values), T));
    expect(r.events).toHaveLength(45);
    expect(r.events.map((e) => e.position)).toEqual(values.map((_, i) => before + i));
    expect(new Set(r.events.map((e) => e.stream))).toEqual(new Set(['markbook/2024-2025/10A1/toan']));
    expect(r.events.map((e) => e.rev)).toEqual(values.map((_, i) => i));
    const { state, findings } = await replayAll(s);
    expect(findings).toEqual([]);
    for (const [i, st] of s.students.entries())
      expect(state.cells.get(`markbook/2024-2025/10A1/toan#${st}/HK1/gk`)?.value).toBe(values[i]!.value);
    // Each event's prev is the leaf hash of the one before it in the stream.
    const stored = [];
    for await (const e of s.store.readStream('thpt-test', 'markbook/2024-2025/10A1/toan')) stored.push(e);
    for (let i = 1; i < stored.length; i++) {
      const env = decodeEnvelope(stored[i]!.bytes);
      expect(isRight(env) && env.right.prev).toBe(toHex(stored[i - 1]!.leafHash));
    }
  });

  it('is idempotent by command id, and writes nothing the second time', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const cmd = { ...column(s.students.map((st) => ({ student: st, value: '7' }))), id: newEventId() };
    const first = ok(await s.ledger.execute(cmd, T));
    const bytes = await fullRead(s);
    const again = ok(await s.ledger.execute(cmd, T));
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(await fullRead(s)).toBe(bytes);
  });

  it('refuses the whole column for one bad entry, naming it, and writes nothing', async () => {
    const s = await buildSchool({ students: 10 });
    const T = [as(s.people.teacher, 'subject')];
    const good = s.students.map((st) => ({ student: st, value: '8' }));
    const bad = (i: number, e: { student: string; value: string }) => good.map((x, j) => (j === i ? e : x));
    await refusedNothingWritten(
      s,
      column(bad(7, { student: 'hs-008', value: '11' })),
      T,
      'invalid-data',
      ['data', 'entries', 7, 'value'],
      'TT22 Điều 5.2',
    );
    const notIn = await refusedNothingWritten(
      s,
      column(bad(5, { student: 'hs-999', value: '8' })),
      T,
      'student-not-in-class',
      ['data', 'entries', 5, 'student'],
    );
    expect(notIn.details?.['entry']).toBe(5);
    await refusedNothingWritten(s, column(bad(3, { student: 'hs-001', value: '8' })), T, 'invalid-data', [
      'data',
      'entries',
      3,
      'student',
    ]);
    await refusedNothingWritten(s, column([]), T, 'invalid-data', ['data', 'entries']);
    await refusedNothingWritten(
      s,
      column(Array.from({ length: MAX_BATCH_ENTRIES + 1 }, (_, i) => ({ student: `hs-${i}`, value: '8' }))),
      T,
      'invalid-data',
      ['data', 'entries'],
    );
    await refusedNothingWritten(s, column(good, { column: 'tx' }), T, 'invalid-data', ['data', 'index']);
    // One cell of the column already entered alone: the column is refused at that entry.
    ok(await s.ledger.execute(score('hs-003', '6', { column: 'gk', index: undefined }), T));
    const dup = await refusedNothingWritten(
      s,
      column(good),
      T,
      'cell-already-entered',
      ['data', 'entries', 2],
      'QC Điều 12.3',
    );
    expect(dup.details).toMatchObject({ entry: 2, value: '6' });
  });

  it('checks permissions, scope and windows exactly as single entries', async () => {
    const s = await buildSchool({ openWindow: false });
    const entries = s.students.map((st) => ({ student: st, value: '8' }));
    await refusedNothingWritten(s, column(entries), [as(s.people.teacher, 'subject')], 'outside-window', [
      'data',
      'entries',
      0,
    ]);
    await s.run({ type: 'OpenWindow', data: { window: 'gk1', year: Y, period: 'GK1', scope: { class: '10A1' } } }, [
      as(s.people.principal, 'leader'),
    ]);
    await refusedNothingWritten(
      s,
      column(entries, { subject: 'van' }),
      [as(s.people.teacher, 'subject')],
      'role-not-held',
      ['by', 'key'],
      'QC Điều 7.2',
    );
    await refusedNothingWritten(s, column(entries), [as(s.people.homeroom, 'homeroom')], 'not-permitted', [
      'by',
      'role',
    ]);
    ok(await s.ledger.execute(column(entries), [as(s.people.teacher, 'subject')]));
    expect((await replayAll(s)).findings).toEqual([]);
  });

  it('EnterCommentLevels writes Đ/CĐ cells of a comment subject', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const cmd = {
      type: 'EnterCommentLevels',
      data: {
        year: Y,
        class: '10A1',
        subject: 'the-duc',
        term: 'HK1',
        column: 'tx',
        index: 2,
        entries: [
          { student: 'hs-001', value: 'Đ' },
          { student: 'hs-002', value: 'CĐ' },
        ],
      },
    };
    const r = ok(await s.ledger.execute(cmd, T));
    expect(r.events.map((e) => e.type)).toEqual(['CommentLevelEntered', 'CommentLevelEntered']);
    expect(s.ledger.state().cells.get('markbook/2024-2025/10A1/the-duc#hs-002/HK1/tx2')?.value).toBe('CĐ');
    await refusedNothingWritten(
      s,
      { ...cmd, data: { ...cmd.data, index: 3, entries: [{ student: 'hs-001', value: '8' }] } },
      T,
      'invalid-data',
      ['data', 'entries', 0, 'value'],
    );
    await refusedNothingWritten(s, { ...cmd, data: { ...cmd.data, subject: 'toan', index: 1 } }, T, 'wrong-assessment');
  });

  it('racing a single entry on the same stream: re-decided, re-chained, nothing lost', async () => {
    const s = await buildSchool({ students: 5 });
    const other = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => s.clock.now });
    const entries = s.students.map((st) => ({ student: st, value: '9' }));
    const [a, b] = await Promise.all([
      s.ledger.execute(column(entries), [as(s.people.teacher, 'subject')]),
      other.execute(score('hs-001', '4'), [as(s.people.teacher, 'subject')]),
    ]);
    expect(isRight(a) && isRight(b)).toBe(true);
    const { state, findings } = await replayAll(s);
    expect(findings).toEqual([]);
    expect(state.heads.get('markbook/2024-2025/10A1/toan')?.rev).toBe(5);
  });

  it('any column of valid scores lands whole (property)', async () => {
    const s = await buildSchool({ students: 12 });
    let term = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...s.students], { minLength: 1 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 12, maxLength: 12 }),
        async (who, marks) => {
          term += 1;
          // A fresh column each run: regular assessments 1–4 of both terms, then mid- and end-of-term.
          const cols = [
            { column: 'tx', index: 1 },
            { column: 'tx', index: 2 },
            { column: 'tx', index: 3 },
            { column: 'tx', index: 4 },
            { column: 'gk' },
            { column: 'ck' },
          ];
          const c = cols[(term - 1) % cols.length]!;
          const t = term <= cols.length ? 'HK1' : 'HK2';
          const entries = who.map((st, i) => ({ student: st, value: (marks[i]! / 10).toFixed(1) }));
          const r = ok(
            await s.ledger.execute(
              { type: 'EnterScores', data: { year: Y, class: '10A1', subject: 'toan', term: t, ...c, entries } },
              [as(s.people.teacher, 'subject')],
            ),
          );
          expect(r.events).toHaveLength(who.length);
        },
      ),
      { numRuns: 12 },
    );
    expect((await replayAll(s)).findings).toEqual([]);
  });
});

describe('executeBatch', () => {
  it('decides several commands in order on one state and appends them atomically', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    // Every other mark of the term is in; the batch enters the last two and signs off.
    await s.complete(
      'HK1',
      (c) => c.subject === 'toan' && c.column === 'tx1' && (c.student === 'hs-001' || c.student === 'hs-002'),
    );
    const next = s.ledger.state().heads.get('markbook/2024-2025/10A1/toan')!.rev + 1;
    const r = ok(
      await s.ledger.executeBatch(
        [
          score('hs-001', '8'),
          score('hs-002', '7'),
          { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        ],
        T,
      ),
    );
    expect(r.commands.map((c) => c.events.length)).toEqual([1, 1, 1]);
    expect(r.events.map((e) => e.rev)).toEqual([next, next + 1, next + 2]);
    expect((await replayAll(s)).findings).toEqual([]);
    // The sign-off decided after the scores in the same batch: a later score is refused.
    refused(await s.ledger.execute(score('hs-003', '8'), T), 'cell-signed-off');
  });

  it('refuses the whole batch for one bad command, naming it; nothing written', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const before = await fullRead(s);
    // The second command breaks a rule only because of the first (same cell).
    const e = refused(
      await s.ledger.executeBatch([score('hs-001', '8'), score('hs-001', '9')], T),
      'cell-already-entered',
      ['commands', 1, 'data'],
    );
    expect(e.details?.['command']).toBe(1);
    refused(await s.ledger.executeBatch([score('hs-001', '8'), score('hs-002', '12')], T), 'invalid-data', [
      'commands',
      1,
      'data',
      'value',
    ]);
    refused(await s.ledger.executeBatch([], T), 'invalid-command', ['commands']);
    expect(await fullRead(s)).toBe(before);
  });

  it('is idempotent as a whole', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const cmds = [
      { ...score('hs-001', '8'), id: newEventId() },
      { ...score('hs-002', '7'), id: newEventId() },
    ];
    const first = ok(await s.ledger.executeBatch(cmds, T));
    const again = ok(await s.ledger.executeBatch(cmds, T));
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    refused(
      await s.ledger.executeBatch([cmds[0]!, { ...score('hs-003', '7'), id: newEventId() }], T),
      'invalid-command',
      ['commands', 1, 'id'],
    );
  });
});

describe('prepare: sign elsewhere, then submit', () => {
  /** The teacher's key, held by a browser (tweetnacl), not by the ledger's process. */
  function browserSigner(seed: Uint8Array): Signer {
    const sign = tweetnaclBackend.signer(seed);
    return { publicKey: tweetnaclBackend.publicKey(seed), sign: (m) => Promise.resolve(sign(m)) };
  }

  it('prepare → sign with tweetnacl → submit succeeds and replays clean', async () => {
    const s = await buildSchool();
    const teacher = browserSigner(s.people.teacher.seed);
    const before = await fullRead(s);
    const u = await s.ledger.prepare(score('hs-001', '8.5'), [{ key: s.people.teacher.key, role: 'subject' }]);
    if (isLeft(u)) throw new Error(u.left.message);
    expect(await fullRead(s)).toBe(before);
    const envs = await signPrepared(u.right, [{ signer: teacher, role: 'subject' }]);
    const r = ok(await s.ledger.submit(envs.map(encodeEnvelope)));
    expect(r.events[0]?.type).toBe('ScoreEntered');
    expect(s.ledger.state().cells.get('markbook/2024-2025/10A1/toan#hs-001/HK1/tx1')?.value).toBe('8.5');
    expect((await replayAll(s)).findings).toEqual([]);
  });

  it('a prepared column chains through linkPrev; signed in order it submits whole', async () => {
    const s = await buildSchool();
    const teacher = browserSigner(s.people.teacher.seed);
    const u = await s.ledger.prepare(column(s.students.map((st) => ({ student: st, value: '6' }))), [
      { key: s.people.teacher.key, role: 'subject' },
    ]);
    if (isLeft(u)) throw new Error(u.left.message);
    expect(u.right.map((x) => x.prev === PENDING_PREV)).toEqual([false, true, true]);
    // By hand, as a browser would: sign in order, linking each to the one before.
    const signed: Envelope[] = [];
    for (const x of u.right)
      signed.push(await signEnvelope(linkPrev(x, signed), [{ signer: teacher, role: 'subject' }]));
    expect(signed[1]!.prev).toBe(toHex(leafHash(encodeEnvelope(signed[0]!))));
    ok(await s.ledger.submit(signed.map(encodeEnvelope)));
    expect((await replayAll(s)).findings).toEqual([]);
  });

  it('a stale prepare is refused with stream-conflict, nothing written', async () => {
    const s = await buildSchool();
    const teacher = browserSigner(s.people.teacher.seed);
    const u = await s.ledger.prepare(score('hs-001', '8.5'), [{ key: s.people.teacher.key, role: 'subject' }]);
    if (isLeft(u)) throw new Error(u.left.message);
    const envs = await signPrepared(u.right, [{ signer: teacher, role: 'subject' }]);
    ok(await s.ledger.execute(score('hs-002', '7'), [as(s.people.teacher, 'subject')]));
    const before = await fullRead(s);
    refused(await s.ledger.submit(envs.map(encodeEnvelope)), 'stream-conflict', ['events', 0, 'rev']);
    expect(await fullRead(s)).toBe(before);
  });

  it('refuses what execute would refuse, and bad actors', async () => {
    const s = await buildSchool();
    refused(
      await s.ledger.prepare(score('hs-001', '11'), [{ key: s.people.teacher.key, role: 'subject' }]),
      'invalid-data',
      ['data', 'value'],
    );
    refused(
      await s.ledger.prepare(score('hs-001', '8'), [{ key: s.people.homeroom.key, role: 'subject' }]),
      'role-not-held',
    );
    refused(await s.ledger.prepare(score('hs-001', '8'), []), 'missing-signature');
    refused(await s.ledger.prepare(score('hs-001', '8'), [{ key: 42, role: 'subject' } as never]), 'invalid-command', [
      'signers',
      0,
    ]);
  });
});

describe('activeKeysOf / keyOwner', () => {
  it('follow registrations and revocations', async () => {
    const s = await buildSchool();
    const P = s.people.principal;
    const t = s.people.teacher;
    const t2 = person(t.id, 'k2');
    const st = () => s.ledger.state();
    expect(activeKeysOf(st(), t.id)).toEqual([t.key]);
    expect(activeKeysOf(st(), P.id)).toEqual([P.key]);
    expect(activeKeysOf(st(), 'nobody')).toEqual([]);
    expect(keyOwner(st(), t.key)).toMatchObject({ person: t.id, revoked: false });
    expect(keyOwner(st(), t2.key)).toBeNull();
    await s.run({ type: 'RegisterKey', data: { person: t.id, key: t2.key } }, [
      as(P, 'admin'),
      as(t2, 'holder'),
      as(t, 'consent'),
    ]);
    expect(activeKeysOf(st(), t.id)).toEqual([t.key, t2.key]);
    await s.run({ type: 'RevokeKey', data: { key: t.key, reason: 'mất điện thoại' } }, [as(P, 'admin')]);
    expect(activeKeysOf(st(), t.id)).toEqual([t2.key]);
    expect(keyOwner(st(), t.key)).toMatchObject({ person: t.id, revoked: true });
  });
});
