/**
 * Concurrency: several processes and several async writers in one process append to one SQLite
 * ledger at once. No event may be lost or duplicated, every conflict must surface as a typed
 * `concurrency-conflict` / `stream-conflict` (or be retried inside the ledger), and the final
 * ledger must be exactly the union of the acknowledged appends.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { leafHash, newEventId, toHex } from '@hoso/core';
import { openSqliteStore, type SqliteEventStore } from '@hoso/store-sqlite';
import { makeTestEvents, type TestHeads } from '@hoso/store/testing';
import { openLedger } from '@hoso/ledger';
import { as, buildSchool, person } from '@hoso/ledger/testing';
import { checkLedgerFile, exportAndVerify, parseAcks, type Ack } from '../support/ledger-file.js';
import { requireDist, startNode, supportScript } from '../support/processes.js';

const WRITER = supportScript('writer.mjs');

let dir: string;
beforeAll(() => {
  requireDist(['core', 'store', 'store-sqlite', 'ledger']);
  dir = mkdtempSync(join(tmpdir(), 'hoso-concurrency-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * An in-process writer, deciding as a real one does: read size and heads, sign, append with
 * expected = size; on a conflict re-read and re-sign. Returns its acks and the refusal codes met.
 */
async function writeLoop(
  store: SqliteEventStore,
  ledger: string,
  tag: string,
  count: number,
): Promise<{ acks: Ack[]; refusals: string[] }> {
  const acks: Ack[] = [];
  const refusals: string[] = [];
  for (let round = 1; round <= count; round++) {
    const streams = [`w/${tag}`, ...(round % 2 === 0 ? ['shared'] : [])];
    for (;;) {
      const expected = await store.size(ledger);
      const heads: TestHeads = new Map();
      for (const s of streams) {
        const h = await store.streamHead(ledger, s);
        if (h !== null) heads.set(s, { rev: h.rev, leafHash: h.leafHash });
      }
      const batch = await makeTestEvents(
        ledger,
        streams.map((stream) => ({ stream, data: { round, by: tag } })),
        { heads },
      );
      const r = await store.append(ledger, batch, { expected });
      if (isLeft(r)) {
        refusals.push(r.left.code);
        if (r.left.code !== 'concurrency-conflict' && r.left.code !== 'stream-conflict') return { acks, refusals };
        continue;
      }
      expect(r.right.written).toBe(batch.length);
      batch.forEach((b, i) => acks.push({ position: r.right.from + i, leaf: toHex(leafHash(b)) }));
      break;
    }
  }
  return { acks, refusals };
}

describe('concurrency: processes and async writers on one SQLite ledger', () => {
  it('3 processes + 4 async writers on 2 connections: no event lost or duplicated, conflicts typed, final = union of acks', async () => {
    const path = join(dir, 'store.db');
    const ledger = 'thpt-concurrency';
    const a = openSqliteStore({ path, ledger });
    const b = openSqliteStore({ path, ledger });
    try {
      const children = ['p1', 'p2', 'p3'].map((tag) => startNode(WRITER, ['store', path, ledger, tag, '60', '3']));
      const local = await Promise.all([
        writeLoop(a, ledger, 'a1', 40),
        writeLoop(a, ledger, 'a2', 40),
        writeLoop(b, ledger, 'b1', 40),
        writeLoop(b, ledger, 'b2', 40),
      ]);
      const acks: Ack[] = local.flatMap((l) => l.acks);
      let childConflicts = 0;
      for (const c of children) {
        const exit = await c.exited;
        expect(exit.code, c.stderr()).toBe(0);
        acks.push(...parseAcks(c.stdout()));
        childConflicts += Number(/done (\d+)/.exec(c.stdout())?.[1] ?? NaN);
      }
      for (const l of local)
        expect(l.refusals.filter((code) => code !== 'concurrency-conflict' && code !== 'stream-conflict')).toEqual([]);
      // Two writers sharing one connection read the same size before either appends: the second
      // must be refused, so conflicts are certain here, not just likely.
      expect(local.reduce((n, l) => n + l.refusals.length, 0)).toBeGreaterThan(0);
      expect(Number.isFinite(childConflicts)).toBe(true);

      const check = await checkLedgerFile(path, ledger, acks);
      // No kill: every stored event was acknowledged to exactly one writer, and vice versa.
      expect(check.size).toBe(acks.length);
      expect(new Set(acks.map((x) => x.position)).size).toBe(check.size);
      expect(await a.size(ledger)).toBe(check.size);
      const perStream = new Map<string, number>();
      for await (const e of b.read(ledger)) perStream.set(e.stream, (perStream.get(e.stream) ?? 0) + 1);
      for (const tag of ['a1', 'a2', 'b1', 'b2']) expect(perStream.get(`w/${tag}`)).toBe(40);
      expect(perStream.get('shared')).toBeGreaterThanOrEqual(4 * 20);
      for (const tag of ['p1', 'p2', 'p3']) expect(perStream.get(`w/${tag}`)).toBe(60);
    } finally {
      await a.close();
      await b.close();
    }
  }, 180_000);

  it('ledger execute from 3 processes and 2 in-process ledgers: every command lands once; the ledger verifies clean', async () => {
    const path = join(dir, 'ledger.db');
    const ledger = 'thpt-concurrency-ledger';
    const setup = openSqliteStore({ path, ledger });
    const school = await buildSchool({ store: setup, ledger, students: 50 });
    const baseline = await setup.size(ledger);
    await setup.close();

    const s1 = openSqliteStore({ path, ledger });
    const s2 = openSqliteStore({ path, ledger });
    try {
      const clock = (): Date => new Date('2024-10-01T08:00:00+07:00');
      const l1 = await openLedger({ store: s1, ledger, clock });
      const l2 = await openLedger({ store: s2, ledger, clock });
      const teacher = as(person('gv-toan'), 'subject');
      const children = [
        ['1', '15'],
        ['16', '30'],
        ['31', '45'],
      ].map(([from, to]) => startNode(WRITER, ['ledger', path, ledger, `p${from}`, '16', from!, to!]));
      // In process: each ledger enters students 46–50's regular scores, and both race on the
      // same command ids (the idempotency key): each of those must land exactly once.
      const commands: Array<{ type: string; id: string; data: Record<string, unknown> }> = [];
      for (let s = 46; s <= 50; s++) {
        for (let index = 1; index <= 4; index++) {
          commands.push({
            type: 'EnterScore',
            id: newEventId(),
            data: {
              year: '2024-2025',
              class: '10A1',
              subject: 'toan',
              student: `hs-0${s}`,
              term: 'HK1',
              column: 'tx',
              index,
              value: String(index + 4),
            },
          });
        }
      }
      // Each ledger runs the commands in order; the two run at the same time, so they race on
      // every command id (more concurrency per ledger would only exhaust its retry budget).
      const runAll = async (lg: typeof l1) => {
        const out = [];
        for (const cmd of commands) out.push(await lg.execute(cmd, [teacher]));
        return out;
      };
      const [r1, r2] = await Promise.all([runAll(l1), runAll(l2)]);
      const results = r1.flatMap((r, i) => [r, r2[i]!]);
      const acks: Ack[] = [];
      for (const [i, r] of results.entries()) {
        if (isLeft(r)) throw new Error(`command ${i >> 1} refused: ${r.left.code}: ${r.left.message}`);
        const twin = results[i ^ 1]!;
        if (isLeft(twin)) continue;
        // Both racers report the same event at the same position; exactly one of them wrote it.
        expect(r.right.events).toEqual(twin.right.events);
        // Record each command's events once (the even racer); the size check below proves that
        // exactly one of the two wrote them. (Which one reports `duplicate` is the subject of the
        // focused test below.)
        if (i % 2 === 0) {
          for (const e of r.right.events) {
            const stored = await s1.getById(ledger, e.id);
            expect(stored?.position).toBe(e.position);
            acks.push({ position: e.position, leaf: toHex(stored!.leafHash) });
          }
        }
      }
      for (const c of children) {
        const exit = await c.exited;
        expect(exit.code, c.stderr()).toBe(0);
        const got = parseAcks(c.stdout());
        expect(got.length).toBe(16);
        acks.push(...got);
      }
      const check = await checkLedgerFile(path, ledger, acks);
      expect(check.size).toBe(baseline + acks.length);
      expect(check.size).toBe(baseline + commands.length + 3 * 16);
      const report = await exportAndVerify(s1, ledger, join(dir, 'ledger.hoso'), [school.people.principal.key]);
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await s1.close();
      await s2.close();
    }
  }, 180_000);
});

describe('concurrency: a command raced by two ledgers', () => {
  it('the racer whose identical append wrote nothing reports duplicate: true (Appended.duplicate)', async () => {
    // Ledger B decides and signs the same command (same id, same clock, hence the same bytes) while
    // ledger A appends it; B's append then hits the store's idempotent path (`written: 0`).
    const path = join(dir, 'race.db');
    const ledger = 'thpt-race';
    const sa = openSqliteStore({ path, ledger });
    const sb = openSqliteStore({ path, ledger });
    try {
      const school = await buildSchool({ store: sa, ledger, students: 1 });
      const clock = (): Date => school.clock.now;
      const la = await openLedger({ store: sa, ledger, clock });
      const lb = await openLedger({ store: sb, ledger, clock });
      const teacher = person('gv-toan');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let signing!: () => void;
      const signingStarted = new Promise<void>((r) => (signing = r));
      const gated = {
        publicKey: teacher.signer.publicKey,
        async sign(m: Uint8Array): Promise<Uint8Array> {
          signing();
          await gate;
          return teacher.signer.sign(m);
        },
      };
      const cmd = {
        type: 'EnterScore',
        id: newEventId(),
        data: {
          year: '2024-2025',
          class: '10A1',
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: '7',
        },
      };
      const before = await sa.size(ledger);
      const slow = lb.execute(cmd, [{ signer: gated, role: 'subject' }]);
      await signingStarted;
      const fast = await la.execute(cmd, [as(teacher, 'subject')]);
      release();
      const late = await slow;
      if (isLeft(fast) || isLeft(late)) throw new Error('a racer was refused');
      expect(await sa.size(ledger)).toBe(before + 1);
      expect(late.right.events).toEqual(fast.right.events);
      expect(fast.right.duplicate).toBe(false);
      // Nothing was written by this call: the documented meaning of `duplicate`.
      expect(late.right.duplicate).toBe(true);
    } finally {
      await sa.close();
      await sb.close();
    }
  });
});
