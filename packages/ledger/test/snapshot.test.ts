/**
 * State snapshots: the state after loading a snapshot and folding the tail is the state a full
 * fold gives (property over the property test's random histories), and a snapshot that is not of
 * this ledger's history — another ledger, a rewritten history, a damaged file, a newer format — is
 * ignored with a reason, never an error.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { createMemoryStore } from '@hoso/store';
import {
  CELL_EVENT_TYPES,
  LayerMap,
  cellOf,
  decide,
  decodeCommand,
  decodeStateSnapshot,
  encodeStateSnapshot,
  eventIdFor,
  fileStateSnapshots,
  initialState,
  openLedger,
  readSnapshotHeader,
  snapshotFileName,
  STATE_SNAPSHOT_VERSION,
  type LedgerState,
  type SnapshotEvent,
  type StateSnapshots,
} from '@hoso/ledger';
import { buildSchool, as } from '@hoso/ledger/testing';
import { createTestPki } from '@hoso/pki/testing';
import { sha256 } from '@hoso/core';
import { Y } from './helpers.js';
import { Model, cmdArb, personOf, resolve, toCommand, type Cmd } from './command-gen.js';

/** The Right of an Either, or a thrown error naming the Left's code. */
function ok<A>(r: Either<{ readonly code: string; readonly message: string }, A>): A {
  if (isLeft(r)) throw new Error(`${r.left.code}: ${r.left.message}`);
  return r.right;
}

/** Snapshots kept in memory, with a record of what was saved. */
function memorySnapshots(): StateSnapshots & { readonly files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    load: (ledger) => Promise.resolve(files.get(ledger) ?? null),
    save: (ledger, bytes) => {
      files.set(ledger, bytes);
      return Promise.resolve();
    },
  };
}

/** What a reader of the state can observe: every map's entries in order, and every event id's index. */
function observe(s: LedgerState, ids: readonly string[]): unknown {
  const maps: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'ids') continue;
    maps[k] =
      v instanceof LayerMap || k === 'cells'
        ? [...(v as LayerMap<string, unknown>).entries()]
        : typeof v === 'object' && v !== null && Object.values(v as object).every((x) => x instanceof LayerMap)
          ? Object.fromEntries(
              Object.entries(v as Record<string, LayerMap<string, unknown>>).map(([n, m]) => [n, [...m.entries()]]),
            )
          : v;
  }
  return { maps, ids: ids.map((id) => [id, s.ids.get(id)]) };
}

async function idsOf(store: ReturnType<typeof createMemoryStore>, ledger = 'thpt-test'): Promise<string[]> {
  const out: string[] = [];
  for await (const e of store.read(ledger)) out.push(e.id);
  return out;
}

/** Run a random history on a school (outcomes as the model says; refusals are part of the history). */
async function runHistory(
  s: Awaited<ReturnType<typeof buildSchool>>,
  cmds: readonly Cmd[],
  at?: (i: number) => Promise<void>,
): Promise<Model> {
  await s.run({ type: 'OpenWindow', data: { window: 'w0', year: Y, period: 'CN', scope: {} } }, [
    as(s.people.principal, 'leader'),
  ]);
  const m = new Model();
  for (const [i, raw] of cmds.entries()) {
    await at?.(i);
    const c = resolve(raw, m);
    const signers = [as(personOf(s, c.who), c.role)];
    if (c.k === 'correct') signers.push(as(personOf(s, c.approver), 'leader'), as(personOf(s, c.witness), 'admin'));
    const r = await s.ledger.execute(toCommand(c, m), signers);
    if (isRight(r))
      m.apply(
        c,
        r.right.events.map((e) => e.id),
      );
  }
  return m;
}

describe('state snapshots: load + tail equals a full fold', () => {
  it('property: for random histories and a random cut, the loaded state is the fully folded one, and decides probes alike', async () => {
    let tails = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(cmdArb, { minLength: 5, maxLength: 30 }),
        fc.nat(),
        fc.array(cmdArb, { minLength: 3, maxLength: 3 }),
        async (cmds, cutSeed, probes) => {
          const store = createMemoryStore();
          const s = await buildSchool({ store, openWindow: false });
          const snaps = memorySnapshots();
          const cut = cutSeed % (cmds.length + 1);
          const writer = await openLedger({ store, ledger: 'thpt-test', snapshots: snaps, clock: () => s.clock.now });
          const m = await runHistory(s, cmds, async (i) => {
            if (i === cut) ok(await writer.saveSnapshot());
          });
          if (cut === cmds.length) ok(await writer.saveSnapshot());
          const events: SnapshotEvent[] = [];
          const fromSnapshot = await openLedger({
            store,
            ledger: 'thpt-test',
            snapshots: snaps,
            onSnapshot: (e) => events.push(e),
            clock: () => s.clock.now,
          });
          const full = await openLedger({ store, ledger: 'thpt-test', clock: () => s.clock.now });
          const size = await store.size('thpt-test');
          expect(events).toHaveLength(1);
          const loaded = events[0]!;
          if (loaded.kind !== 'loaded') throw new Error(`snapshot not used: ${JSON.stringify(loaded)}`);
          expect(loaded.size + loaded.tail).toBe(size);
          if (loaded.tail > 0) tails++;
          const ids = await idsOf(store);
          expect(observe(fromSnapshot.state(), ids)).toEqual(observe(full.state(), ids));
          // The same decisions on probe commands (ids fixed, so the envelopes compare whole).
          for (const [k, raw] of probes.entries()) {
            const c = resolve(raw, m);
            const cmd = decodeCommand(toCommand(c, m));
            if (isLeft(cmd)) continue;
            const actors = [{ key: personOf(s, c.who).key, role: c.role }];
            if (c.k === 'correct')
              actors.push(
                { key: personOf(s, c.approver).key, role: 'leader' },
                { key: personOf(s, c.witness).key, role: 'admin' },
              );
            const id = `01900000-0000-7000-8000-${String(k).padStart(12, '0')}`;
            const ctx = { ledger: 'thpt-test', now: s.clock.now, actors, eventId: (i: number) => eventIdFor(id, i) };
            expect(decide(fromSnapshot.state(), cmd.right, ctx)).toEqual(decide(full.state(), cmd.right, ctx));
          }
        },
      ),
      { numRuns: 8 },
    );
    // Most cuts leave a tail to fold after the snapshot (the property is not only "load the end").
    expect(tails).toBeGreaterThan(0);
  });

  it('given a snapshot, when more is appended and the ledger reopens, then it folds only the tail and keeps writing', async () => {
    const store = createMemoryStore();
    const s = await buildSchool({ store });
    const snaps = memorySnapshots();
    const first = await openLedger({ store, ledger: 'thpt-test', snapshots: snaps, clock: () => s.clock.now });
    const saved = ok(await first.saveSnapshot());
    expect(saved.size).toBe(await store.size('thpt-test'));
    await s.run(
      {
        type: 'EnterScore',
        data: {
          year: Y,
          class: '10A1',
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: '8',
        },
      },
      [as(s.people.teacher, 'subject')],
    );
    const events: SnapshotEvent[] = [];
    const again = await openLedger({
      store,
      ledger: 'thpt-test',
      snapshots: snaps,
      onSnapshot: (e) => events.push(e),
      clock: () => s.clock.now,
    });
    expect(events).toEqual([{ kind: 'loaded', size: saved.size, tail: 1 }]);
    // The state from the snapshot refuses what the full state refuses: the same cell twice.
    const twice = await again.execute(
      {
        type: 'EnterScore',
        data: {
          year: Y,
          class: '10A1',
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: '9',
        },
      },
      [as(s.people.teacher, 'subject')],
    );
    expect(isLeft(twice) && twice.left.code).toBe('cell-already-entered');
    // And accepts what it allows, at the right position.
    const next = ok(
      await again.execute(
        {
          type: 'EnterScore',
          data: {
            year: Y,
            class: '10A1',
            subject: 'toan',
            student: 'hs-002',
            term: 'HK1',
            column: 'tx',
            index: 1,
            value: '9',
          },
        },
        [as(s.people.teacher, 'subject')],
      ),
    );
    expect(next.events[0]!.position).toBe(saved.size + 1);
  });

  it('given autoSnapshotAfter, when the open folds at least that many events, then it saves a snapshot', async () => {
    const store = createMemoryStore();
    await buildSchool({ store });
    const size = await store.size('thpt-test');
    const snaps = memorySnapshots();
    const events: SnapshotEvent[] = [];
    await openLedger({
      store,
      ledger: 'thpt-test',
      snapshots: snaps,
      autoSnapshotAfter: size + 1,
      onSnapshot: (e) => events.push(e),
    });
    expect(snaps.files.size).toBe(0);
    await openLedger({
      store,
      ledger: 'thpt-test',
      snapshots: snaps,
      autoSnapshotAfter: size,
      onSnapshot: (e) => events.push(e),
    });
    expect(events.map((e) => e.kind)).toEqual(['absent', 'absent', 'saved']);
    expect(readSnapshotHeader(snaps.files.get('thpt-test')!)).toMatchObject({ right: { ledger: 'thpt-test', size } });
    // The next open uses it and, folding nothing, does not save again.
    events.length = 0;
    await openLedger({
      store,
      ledger: 'thpt-test',
      snapshots: snaps,
      autoSnapshotAfter: 1,
      onSnapshot: (e) => events.push(e),
    });
    expect(events).toEqual([{ kind: 'loaded', size, tail: 0 }]);
  });

  it('without snapshots, saveSnapshot is refused as snapshot-no-place and an empty ledger as snapshot-empty-ledger', async () => {
    const s = await buildSchool();
    const r = await s.ledger.saveSnapshot();
    expect(isLeft(r) && r.left.code).toBe('snapshot-no-place');
    const empty = await openLedger({ store: createMemoryStore(), ledger: 'x', snapshots: memorySnapshots() });
    const e = await empty.saveSnapshot();
    expect(isLeft(e) && e.left.code).toBe('snapshot-empty-ledger');
  });
});

describe('state snapshots: a snapshot that is not of this history is ignored', () => {
  /** A school, a snapshot of it, and a way to open with given snapshot bytes. */
  async function fixture() {
    const store = createMemoryStore();
    const s = await buildSchool({ store });
    const snaps = memorySnapshots();
    ok(await (await openLedger({ store, ledger: 'thpt-test', snapshots: snaps })).saveSnapshot());
    const bytes = snaps.files.get('thpt-test')!;
    const openWith = async (b: Uint8Array | null, st = store, ledger = 'thpt-test') => {
      const events: SnapshotEvent[] = [];
      const l = await openLedger({
        store: st,
        ledger,
        snapshots: { load: () => Promise.resolve(b), save: () => Promise.resolve() },
        onSnapshot: (e) => events.push(e),
      });
      return { ledger: l, events };
    };
    return { store, s, bytes, openWith };
  }

  const ignoredCode = (events: readonly SnapshotEvent[]): string | undefined => {
    const e = events.find((x) => x.kind === 'ignored');
    return e?.kind === 'ignored' ? e.problem.code : undefined;
  };

  it('a damaged byte: snapshot-hash, and the state is the full fold', async () => {
    const { store, bytes, openWith } = await fixture();
    const bad = Uint8Array.from(bytes);
    bad[Math.floor(bad.length / 2)]! ^= 1;
    const { ledger, events } = await openWith(bad);
    expect(ignoredCode(events)).toBe('snapshot-hash');
    const ids = await idsOf(store);
    expect(observe(ledger.state(), ids)).toEqual(
      observe((await openLedger({ store, ledger: 'thpt-test' })).state(), ids),
    );
  });

  it('a truncated file and foreign bytes: snapshot-format; another format version: snapshot-version', async () => {
    const { bytes, openWith } = await fixture();
    expect(ignoredCode((await openWith(bytes.subarray(0, bytes.length - 10))).events)).toBe('snapshot-hash');
    expect(ignoredCode((await openWith(bytes.subarray(0, 20))).events)).toBe('snapshot-format');
    expect(
      ignoredCode((await openWith(new TextEncoder().encode('not a snapshot at all, just some text here'))).events),
    ).toBe('snapshot-format');
    const other = Uint8Array.from(bytes);
    other[8] = STATE_SNAPSHOT_VERSION + 1;
    expect(ignoredCode((await openWith(other)).events)).toBe('snapshot-version');
  });

  it('a format-2 snapshot (before the certificate maps) is refused cleanly and the ledger refolded with them', async () => {
    const pki = await createTestPki({ keyType: 'ecdsa-p256', now: new Date('2024-10-01T08:00:00+07:00') });
    const roots = [pki.root.certificate];
    const store = createMemoryStore();
    const s = await buildSchool({ store, trust: { roots } });
    const cert = await pki.issuePerson({ name: 'Giáo viên Toán', cccd: '001185000701' });
    const bound = await s.ledger.bindCertificate(
      {
        person: s.people.teacher.id,
        signer: pki.signer(cert),
        evidence: { crls: [await pki.crl(), await pki.crl(undefined, pki.root)] },
      },
      [as(s.people.principal, 'admin')],
    );
    expect(isRight(bound)).toBe(true);
    const snaps = memorySnapshots();
    const saver = await openLedger({ store, ledger: 'thpt-test', snapshots: snaps, trust: { roots } });
    expect(isRight(await saver.saveSnapshot())).toBe(true);
    expect(STATE_SNAPSHOT_VERSION).toBe(3);
    // The same bytes as format 2 would carry them, with a valid hash: only the version differs.
    const old = Uint8Array.from(snaps.files.get('thpt-test')!);
    new DataView(old.buffer).setUint32(8, 2, true);
    old.set(sha256(old.subarray(0, old.length - 32)), old.length - 32);
    const events: SnapshotEvent[] = [];
    const l = await openLedger({
      store,
      ledger: 'thpt-test',
      trust: { roots },
      snapshots: { load: () => Promise.resolve(old), save: () => Promise.resolve() },
      onSnapshot: (e) => events.push(e),
    });
    expect(ignoredCode(events)).toBe('snapshot-version');
    expect([...l.state().certificates.entries()].map(([k]) => k)).toEqual([cert.certificate.fingerprint]);
    const ids = await idsOf(store);
    expect(observe(l.state(), ids)).toEqual(observe((await openLedger({ store, ledger: 'thpt-test' })).state(), ids));
  });

  it("another ledger's snapshot: snapshot-wrong-ledger", async () => {
    const { bytes } = await fixture();
    const other = createMemoryStore();
    await buildSchool({ store: other, ledger: 'thcs-khac' });
    const events: SnapshotEvent[] = [];
    const l = await openLedger({
      store: other,
      ledger: 'thcs-khac',
      snapshots: { load: () => Promise.resolve(bytes), save: () => Promise.resolve() },
      onSnapshot: (e) => events.push(e),
    });
    expect(ignoredCode(events)).toBe('snapshot-wrong-ledger');
    expect(l.state().size).toBe(await other.size('thcs-khac'));
  });

  it('a rewritten history of the same ledger id and size: snapshot-wrong-root', async () => {
    const { bytes } = await fixture();
    // Another school under the same id: same number of events, different bytes (fresh keys).
    const rewritten = createMemoryStore();
    await buildSchool({ store: rewritten });
    const events: SnapshotEvent[] = [];
    const l = await openLedger({
      store: rewritten,
      ledger: 'thpt-test',
      snapshots: { load: () => Promise.resolve(bytes), save: () => Promise.resolve() },
      onSnapshot: (e) => events.push(e),
    });
    const h = readSnapshotHeader(bytes);
    expect(isRight(h) && h.right.size).toBe(await rewritten.size('thpt-test'));
    expect(ignoredCode(events)).toBe('snapshot-wrong-root');
    expect(l.state().size).toBe(await rewritten.size('thpt-test'));
  });

  it('a snapshot beyond the store (the store lost its tail): snapshot-beyond-store', async () => {
    const { s, bytes } = await fixture();
    const shorter = createMemoryStore();
    const all: Uint8Array[] = [];
    for await (const e of s.store.read('thpt-test')) all.push(e.bytes);
    ok(await shorter.append('thpt-test', all.slice(0, 5), { expected: 0 }));
    const events: SnapshotEvent[] = [];
    const l = await openLedger({
      store: shorter,
      ledger: 'thpt-test',
      snapshots: { load: () => Promise.resolve(bytes), save: () => Promise.resolve() },
      onSnapshot: (e) => events.push(e),
    });
    expect(ignoredCode(events)).toBe('snapshot-beyond-store');
    expect(l.state().size).toBe(5);
  });

  it('a snapshot store that throws, or a callback that throws: the open still folds from 0', async () => {
    const store = createMemoryStore();
    await buildSchool({ store });
    const events: SnapshotEvent[] = [];
    const l = await openLedger({
      store,
      ledger: 'thpt-test',
      snapshots: { load: () => Promise.reject(new Error('EIO')), save: () => Promise.resolve() },
      onSnapshot: (e) => events.push(e),
    });
    expect(ignoredCode(events)).toBe('snapshot-unreadable');
    expect(l.state().size).toBe(await store.size('thpt-test'));
    const l2 = await openLedger({
      store,
      ledger: 'thpt-test',
      snapshots: memorySnapshots(),
      onSnapshot: () => {
        throw new Error('callback bug');
      },
    });
    expect(l2.state().size).toBe(await store.size('thpt-test'));
  });
});

describe('state snapshot format', () => {
  it('round-trips a cell of every cell event type (every value codec has a name in the format)', () => {
    const state = initialState();
    const data = {
      year: Y,
      class: '10A1',
      student: 'hs-001',
      subject: 'toan',
      term: 'HK1',
      column: 'tx',
      index: 1,
      period: 'CK1',
      aspect: 'trung-thuc',
      date: '2024-10-01',
      session: 'morning',
      value: 'v',
    };
    const refs = CELL_EVENT_TYPES.flatMap((type) =>
      type === 'GrowthMeasured'
        ? ['weight-kg', 'height-cm'].map((measure) =>
            cellOf({ type, data: { ...data, measure } } as never, 'so-diem/x'),
          )
        : [cellOf({ type, data } as never, `so-diem/${type}`)],
    );
    for (const [i, ref] of refs.entries())
      state.cells.set(ref.key, {
        ref,
        type: 'ScoreEntered',
        value: String(i),
        entry: `e${i}`,
        author: 'k',
        corrections: i,
      });
    state.size = 0;
    const bytes = encodeStateSnapshot(state, 'thpt-test', new Uint8Array(32));
    if (isLeft(bytes)) throw new Error(bytes.left.message);
    const back = decodeStateSnapshot(bytes.right);
    if (isLeft(back)) throw new Error(back.left.message);
    expect([...back.right.state.cells.entries()]).toEqual([...state.cells.entries()]);
    // The codecs are the very objects the rules use (a correction checks its value with them).
    for (const [k, c] of back.right.state.cells.entries()) expect(c.ref.codec).toBe(state.cells.get(k)!.ref.codec);
  });

  it('refuses to encode a forked (trial) state or a root that is not 32 bytes', async () => {
    const s = await buildSchool();
    const { forkState } = await import('@hoso/ledger');
    const fork = encodeStateSnapshot(forkState(s.ledger.state()), 'thpt-test', new Uint8Array(32));
    expect(isLeft(fork) && fork.left.code).toBe('snapshot-not-root-state');
    const short = encodeStateSnapshot(s.ledger.state(), 'thpt-test', new Uint8Array(31));
    expect(isLeft(short) && short.left.path).toEqual(['root']);
  });
});

describe('fileStateSnapshots', () => {
  it('saves atomically (no temporary file left), loads what it saved, and loads null when there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-state-'));
    try {
      const files = fileStateSnapshots(join(dir, 'ledger.db.state'));
      expect(await files.load('thpt-test')).toBeNull();
      await files.save('thpt-test', new Uint8Array([1, 2, 3]));
      await files.save('thpt-test', new Uint8Array([4, 5]));
      expect(await files.load('thpt-test')).toEqual(new Uint8Array([4, 5]));
      expect(readdirSync(join(dir, 'ledger.db.state'))).toEqual([snapshotFileName('thpt-test')]);
      // A ledger id cannot escape the folder.
      await files.save('../x/y', new Uint8Array([9]));
      expect(readdirSync(join(dir, 'ledger.db.state')).sort()).toEqual(['..%2Fx%2Fy.state', 'thpt-test.state']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a ledger on files: save, reopen from the file, and a damaged file is ignored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-state-'));
    try {
      const store = createMemoryStore();
      await buildSchool({ store });
      const snapshots = fileStateSnapshots(dir);
      ok(await (await openLedger({ store, ledger: 'thpt-test', snapshots })).saveSnapshot());
      const events: SnapshotEvent[] = [];
      await openLedger({ store, ledger: 'thpt-test', snapshots, onSnapshot: (e) => events.push(e) });
      expect(events[0]?.kind).toBe('loaded');
      const file = join(dir, snapshotFileName('thpt-test'));
      const b = readFileSync(file);
      writeFileSync(file, b.subarray(0, b.length >> 1));
      events.length = 0;
      await openLedger({ store, ledger: 'thpt-test', snapshots, onSnapshot: (e) => events.push(e) });
      expect(events[0]?.kind).toBe('ignored');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
