import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  decodeEnvelope,
  encodeEnvelope,
  newEventId,
  signEnvelope,
  toHex,
  type Envelope,
  type Signer,
} from '@hoso/core';
import {
  decide,
  decodeCommand,
  initialState,
  evolve,
  replayCheck,
  openLedger,
  type ActingSigner,
  type LedgerState,
} from '@hoso/ledger';
import { buildSchool, as, ok, person, type School } from '@hoso/ledger/testing';
import { Y, score, fullRead, refused } from './helpers.js';

/** A signer that counts its calls and waits at `gate` before answering (to force races). */
function gatedSigner(inner: Signer, gate: Promise<void>): Signer & { calls: number } {
  const s = {
    publicKey: inner.publicKey,
    calls: 0,
    async sign(m: Uint8Array): Promise<Uint8Array> {
      s.calls += 1;
      await gate;
      return inner.sign(m);
    },
  };
  return s;
}

async function foldAll(
  s: School,
): Promise<{ state: LedgerState; findings: Array<{ position: number; code: string }> }> {
  const state = initialState();
  const findings: Array<{ position: number; code: string }> = [];
  for await (const e of s.store.read('thpt-test')) {
    const env = decodeEnvelope(e.bytes);
    if (isLeft(env)) throw new Error('undecodable');
    for (const err of replayCheck(state, env.right)) findings.push({ position: e.position, code: err.code });
    evolve(state, env.right, toHex(e.leafHash));
  }
  return { state, findings };
}

describe('execute', () => {
  it('is idempotent: the same command id appends once and returns the original result', async () => {
    const s = await buildSchool();
    const id = newEventId();
    const cmd = { ...score('hs-001', '8'), id };
    const first = ok(await s.ledger.execute(cmd, [as(s.people.teacher, 'subject')]));
    expect(first.duplicate).toBe(false);
    expect(first.events[0]!.id).toBe(id);
    const before = await fullRead(s);
    s.clock.now = new Date('2024-10-02T08:00:00+07:00');
    const again = ok(await s.ledger.execute(cmd, [as(s.people.teacher, 'subject')]));
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(await fullRead(s)).toBe(before);
    // A second ledger object on the same store sees it too.
    const other = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => s.clock.now });
    const third = ok(await other.execute(cmd, [as(s.people.teacher, 'subject')]));
    expect(third.duplicate).toBe(true);
    expect(third.events[0]!.position).toBe(first.events[0]!.position);
  });

  it('writes multi-event commands atomically with derived ids (EnrollStudent registers and enrols)', async () => {
    const s = await buildSchool();
    const id = newEventId();
    const r = ok(
      await s.ledger.execute(
        {
          type: 'EnrollStudent',
          id,
          data: {
            year: Y,
            class: '10A1',
            student: 'hs-900',
            date: '2024-10-01',
            bio: { name: 'Trần Thị Chín', birthDate: '2009-09-09', sex: 'F', ethnicity: 'Kinh' },
          },
        },
        [as(s.people.homeroom, 'homeroom')],
      ),
    );
    expect(r.events.map((e) => [e.type, e.stream])).toEqual([
      ['StudentRegistered', 'student/hs-900'],
      ['StudentEnrolled', 'class/2024-2025/10A1'],
    ]);
    expect(r.events[0]!.id).toBe(id);
    expect(r.events[1]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.events[1]!.id.slice(0, 13)).toBe(id.slice(0, 13));
  });

  it('signs with asynchronous signers (remote, hardware)', async () => {
    const s = await buildSchool();
    const remote: Signer = {
      publicKey: s.people.teacher.signer.publicKey,
      sign: async (m) => s.people.teacher.signer.sign(m),
    };
    const r = ok(await s.ledger.execute(score('hs-001', '9'), [{ signer: remote, role: 'subject' }]));
    const stored = await s.store.getById('thpt-test', r.events[0]!.id);
    const env = decodeEnvelope(stored!.bytes);
    expect(isRight(env) && env.right.at).toBe('2024-10-01T08:00:00.000+07:00');
  });

  it('refuses a signer whose signature does not verify, writing nothing', async () => {
    const s = await buildSchool();
    const liar: Signer = {
      publicKey: s.people.teacher.signer.publicKey,
      sign: () => Promise.resolve(new Uint8Array(64)),
    };
    const before = await fullRead(s);
    refused(await s.ledger.execute(score('hs-001', '9'), [{ signer: liar, role: 'subject' }]), 'signer-failed');
    expect(await fullRead(s)).toBe(before);
  });

  it('different streams racing: both land, the loser is not re-signed', async () => {
    const s = await buildSchool();
    const other = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => s.clock.now });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const t = gatedSigner(s.people.teacher.signer, gate);
    const h = gatedSigner(s.people.homeroom.signer, gate);
    const a = s.ledger.execute(score('hs-001', '8'), [{ signer: t, role: 'subject' }]);
    const b = other.execute(
      {
        type: 'RecordAbsence',
        data: { year: Y, class: '10A1', student: 'hs-001', date: '2024-10-01', session: 'morning', value: 'K' },
      },
      [{ signer: h, role: 'homeroom' }],
    );
    await new Promise((r) => setTimeout(r, 20));
    open();
    const [ra, rb] = [ok(await a), ok(await b)];
    expect(ra.retries + rb.retries).toBe(1);
    expect(t.calls + h.calls).toBe(2);
    expect(new Set([ra.events[0]!.position, rb.events[0]!.position]).size).toBe(2);
    expect((await foldAll(s)).findings).toEqual([]);
  });

  it('same stream racing: conflict, re-decide, re-sign, nothing lost', async () => {
    const s = await buildSchool();
    const other = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => s.clock.now });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const t1 = gatedSigner(s.people.teacher.signer, gate);
    const t2 = gatedSigner(s.people.teacher.signer, gate);
    const a = s.ledger.execute(score('hs-001', '8'), [{ signer: t1, role: 'subject' }]);
    const b = other.execute(score('hs-002', '7'), [{ signer: t2, role: 'subject' }]);
    await new Promise((r) => setTimeout(r, 20));
    open();
    const [ra, rb] = [ok(await a), ok(await b)];
    expect(ra.retries + rb.retries).toBe(1);
    expect(t1.calls + t2.calls).toBe(3);
    expect([ra.events[0]!.rev, rb.events[0]!.rev].sort()).toEqual([0, 1]);
    const { findings, state } = await foldAll(s);
    expect(findings).toEqual([]);
    expect(state.cells.get('markbook/2024-2025/10A1/toan#hs-001/HK1/tx1')?.value).toBe('8');
    expect(state.cells.get('markbook/2024-2025/10A1/toan#hs-002/HK1/tx1')?.value).toBe('7');
  });

  it('same cell racing: the loser is refused after re-deciding, nothing lost or doubled', async () => {
    const s = await buildSchool();
    const other = await openLedger({ store: s.store, ledger: 'thpt-test', clock: () => s.clock.now });
    const results = await Promise.all([
      s.ledger.execute(score('hs-001', '8'), [as(s.people.teacher, 'subject')]),
      other.execute(score('hs-001', '9'), [as(s.people.teacher, 'subject')]),
    ]);
    expect(results.filter(isRight)).toHaveLength(1);
    const loser = results.find(isLeft);
    expect(loser && isLeft(loser) && loser.left.code).toBe('cell-already-entered');
  });

  it('many concurrent commands on one ledger object all land', async () => {
    const s = await buildSchool({ students: 8 });
    const rs = await Promise.all(
      s.students.map((st, i) => s.ledger.execute(score(st, String(i + 1)), [as(s.people.teacher, 'subject')])),
    );
    expect(rs.every(isRight)).toBe(true);
    const { findings, state } = await foldAll(s);
    expect(findings).toEqual([]);
    expect(s.students.map((st) => state.cells.get(`markbook/2024-2025/10A1/toan#${st}/HK1/tx1`)?.value)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
  });
});

describe('submit: events signed elsewhere', () => {
  async function signedElsewhere(s: School, command: unknown, signers: ActingSigner[]): Promise<Envelope> {
    await s.ledger.refresh();
    const cmd = decodeCommand(command);
    if (isLeft(cmd)) throw new Error(cmd.left.message);
    const actors = signers.map((x) => ({ key: Buffer.from(x.signer.publicKey).toString('base64url'), role: x.role }));
    const id = newEventId();
    const d = decide(s.ledger.state(), cmd.right, { ledger: 'thpt-test', now: s.clock.now, actors, eventId: () => id });
    if (isLeft(d)) throw new Error(d.left.message);
    return signEnvelope(d.right[0]!, signers);
  }

  it('verifies and appends a good event; a retry is a no-op', async () => {
    const s = await buildSchool();
    const env = await signedElsewhere(s, score('hs-001', '8'), [as(s.people.teacher, 'subject')]);
    const r = ok(await s.ledger.submit([encodeEnvelope(env)]));
    expect(r.events[0]!.id).toBe(env.id);
    const again = ok(await s.ledger.submit([encodeEnvelope(env)]));
    expect(again.duplicate).toBe(true);
  });

  it('refuses a bad signature, a foreign key, a broken rule and another ledger, writing nothing', async () => {
    const s = await buildSchool();
    const before = await fullRead(s);
    const good = await signedElsewhere(s, score('hs-001', '8'), [as(s.people.teacher, 'subject')]);
    const { v, id, ledger, stream, rev, prev, type, data, at, by } = good;
    const unsigned = { v, id, ledger, stream, rev, prev, type, data, at, by };
    const sig = good.sigs[0]!.sig;
    const flipped = { ...good, sigs: [{ ...good.sigs[0]!, sig: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) }] };
    refused(await s.ledger.submit([encodeEnvelope(flipped)]), 'bad-signature');
    const tampered = { ...good, data: { ...good.data, value: '10' } };
    refused(await s.ledger.submit([encodeEnvelope(tampered)]), 'bad-signature');
    // Well signed by a key nobody registered.
    const stranger = person('nguoi-la');
    const foreign = await signEnvelope({ ...unsigned, by: { key: stranger.key, role: 'subject' } }, [
      as(stranger, 'subject'),
    ]);
    const e = refused(await s.ledger.submit([encodeEnvelope(foreign)]), 'unknown-key');
    expect(e.path).toEqual(['events', 0, 'by', 'key']);
    // Well signed by a registered key, but in a role it does not hold.
    const inspector = s.people.inspector;
    const noRole = await signEnvelope({ ...unsigned, by: { key: inspector.key, role: 'subject' } }, [
      as(inspector, 'subject'),
    ]);
    refused(await s.ledger.submit([encodeEnvelope(noRole)]), 'role-not-held');
    const elsewhere = await signEnvelope({ ...unsigned, ledger: 'thpt-khac' }, [as(s.people.teacher, 'subject')]);
    refused(await s.ledger.submit([encodeEnvelope(elsewhere)]), 'wrong-ledger');
    refused(await s.ledger.submit([new TextEncoder().encode('{"v":1}')]), 'invalid-envelope');
    expect(await fullRead(s)).toBe(before);
  });
});

describe('replay (what the verifier runs)', () => {
  it('every event of a realistic history passes replayCheck at its position', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    const e = ok(await s.ledger.execute(score('hs-001', '5'), T)).events[0]!.id;
    await s.complete('HK1');
    ok(
      await s.ledger.execute(
        { type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } },
        T,
      ),
    );
    ok(
      await s.ledger.execute(
        {
          type: 'Correct',
          data: { target: e, old: '5', new: '6', reason: 'r', minutes: { number: '1', date: '2024-10-01', text: 't' } },
        },
        [...T, as(s.people.principal, 'leader'), as(s.people.vice, 'admin')],
      ),
    );
    const { findings, state } = await foldAll(s);
    expect(findings).toEqual([]);
    expect(state.size).toBe(await s.store.size('thpt-test'));
    expect(state.cells.get('markbook/2024-2025/10A1/toan#hs-001/HK1/tx1')).toMatchObject({
      value: '6',
      entry: e,
      corrections: 1,
    });
  });

  it('flags an event that was allowed elsewhere but not at its position (entry after a lock)', async () => {
    const s = await buildSchool();
    const T = [as(s.people.teacher, 'subject')];
    await s.ledger.refresh();
    // Decided and signed while the window was open ...
    const cmd = decodeCommand(score('hs-001', '8'));
    if (isLeft(cmd)) throw new Error('bad');
    const d = decide(s.ledger.state(), cmd.right, {
      ledger: 'thpt-test',
      now: s.clock.now,
      actors: [{ key: s.people.teacher.key, role: 'subject' }],
      eventId: () => newEventId(),
    });
    if (isLeft(d)) throw new Error(d.left.message);
    const late = await signEnvelope(d.right[0]!, T);
    // ... but the lock lands first: the event is refused at its position.
    ok(
      await s.ledger.execute({ type: 'CloseWindow', data: { window: 'nam-hoc' } }, [as(s.people.principal, 'leader')]),
    );
    const r = await s.ledger.submit([encodeEnvelope(late)]);
    refused(r, 'outside-window');
    // Replayed over the history it would land on, the verifier reaches the same verdict.
    const { state } = await foldAll(s);
    expect(replayCheck(state, { ...late, rev: 0, prev: null })[0]?.code).toBe('outside-window');
  });
});
