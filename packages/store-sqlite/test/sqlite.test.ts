import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { isLeft } from 'fp-ts/lib/Either.js';
import { HosoFailure, inclusionProof, leafHash, merkleRoot, toHex, verifyInclusion } from '@hoso/core';
import type { StoredEvent } from '@hoso/store';
import { collect, expectLeft, expectRight, failureCode, makeTestEvents, type TestHeads } from '@hoso/store/testing';
import { openSqliteStore } from '@hoso/store-sqlite';
import { checkLedgerFile, parseAcks, type Ack } from './check-file.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));
const L = 'thpt-chu-van-an';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoso-sqlite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
let fileNo = 0;
const newPath = (): string => join(dir, `ledger-${++fileNo}.db`);

describe('sqlite store: files', () => {
  it('reopens a file and continues: size, heads, roots and proofs survive', async () => {
    const path = newPath();
    const heads: TestHeads = new Map();
    const first = openSqliteStore({ path });
    const a = await makeTestEvents(
      L,
      Array.from({ length: 13 }, (_, i) => ({ stream: `s${i % 3}` })),
      { heads },
    );
    expectRight(await first.append(L, a, { expected: 0 }));
    const root13 = await first.root(L);
    await first.close();

    const second = openSqliteStore({ path, ledger: L });
    expect(await second.size(L)).toBe(13);
    expect(toHex(await second.root(L))).toBe(toHex(root13));
    expect((await second.streamHead(L, 's1'))?.rev).toBe(3);
    // Continuing needs the Merkle frontier rebuilt from the stored nodes (13 = 8 + 4 + 1).
    const b = await makeTestEvents(
      L,
      Array.from({ length: 9 }, (_, i) => ({ stream: `s${i % 4}` })),
      { heads },
    );
    expectRight(await second.append(L, b, { expected: 13 }));
    const leaves = [...a, ...b].map((e) => leafHash(e));
    expect(toHex(await second.root(L))).toBe(toHex(merkleRoot(leaves)));
    const proof = await second.inclusionProof(L, 5, 22);
    expect(proof.map(toHex)).toEqual(inclusionProof(leaves, 5).map(toHex));
    expect(verifyInclusion(leaves[5]!, 5, 22, proof, merkleRoot(leaves))).toBe(true);
    await second.close();
    expect(await checkLedgerFile(path, L, [])).toBe(22);
  });

  it('records its ledger: another ledger is unknown-ledger, at open and at append', async () => {
    const path = newPath();
    const s = openSqliteStore({ path, ledger: L });
    const other = await makeTestEvents('other-school', [{ stream: 'a' }]);
    const e = expectLeft(await s.append('other-school', other, { expected: 0 }), 'unknown-ledger');
    expect(e.details).toMatchObject({ ledger: 'other-school', fileLedger: L });
    expect(await s.size('other-school')).toBe(0);
    await s.close();
    expect(() => openSqliteStore({ path, ledger: 'other-school' })).toThrow(HosoFailure);
    try {
      openSqliteStore({ path, ledger: 'other-school' });
    } catch (err) {
      expect((err as HosoFailure).error.code).toBe('unknown-ledger');
    }
  });

  it('a file opened without a ledger takes the ledger of its first append', async () => {
    const path = newPath();
    const s = openSqliteStore({ path });
    expect(s.ledger()).toBeNull();
    expectRight(await s.append(L, await makeTestEvents(L, [{ stream: 'a' }]), { expected: 0 }));
    expect(s.ledger()).toBe(L);
    expectLeft(
      await s.append('other', await makeTestEvents('other', [{ stream: 'a' }]), { expected: 0 }),
      'unknown-ledger',
    );
    await s.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'ledger'").get()).toEqual({ value: L });
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema'").get()).toEqual({ value: '2' });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const again = openSqliteStore({ path });
    expect(again.ledger()).toBe(L);
    await again.close();
  });

  it('refuses bad options with invalid-argument, naming the option', () => {
    const cases: Array<[Parameters<typeof openSqliteStore>[0], string]> = [
      [{ path: '' }, 'path'],
      [{ path: newPath(), synchronous: 'OFF' as 'FULL' }, 'synchronous'],
      [{ path: newPath(), ledger: 'has spaces' }, 'ledger'],
      [{ path: newPath(), ledger: '' }, 'ledger'],
      [{ path: newPath(), cacheKiB: -1 }, 'cacheKiB'],
      [{ path: newPath(), busyTimeoutMs: 1.5 }, 'busyTimeoutMs'],
      [{ path: newPath(), pollMs: 0 }, 'pollMs'],
    ];
    for (const [opts, field] of cases) {
      let error: HosoFailure | undefined;
      try {
        openSqliteStore(opts);
      } catch (e) {
        error = e as HosoFailure;
      }
      expect(error?.error.code, field).toBe('invalid-argument');
      expect(error?.error.path, field).toEqual([field]);
    }
  });

  it('refuses a file of another schema', async () => {
    const path = newPath();
    const raw = new Database(path);
    raw.exec(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '99');",
    );
    raw.close();
    let code: string | undefined;
    try {
      openSqliteStore({ path });
    } catch (err) {
      code = (err as HosoFailure).error.code;
    }
    expect(code).toBe('storage-failure');
  });

  it('a read-only file: reads work, an append is storage-failure with the SQLite code, nothing written', async () => {
    const path = newPath();
    const heads: TestHeads = new Map();
    const w = openSqliteStore({ path, ledger: L });
    expectRight(
      await w.append(L, await makeTestEvents(L, [{ stream: 'a' }, { stream: 'b' }], { heads }), { expected: 0 }),
    );
    const root = toHex(await w.root(L));
    await w.close();
    const ro = openSqliteStore({ path, readonly: true });
    expect(await ro.size(L)).toBe(2);
    expect((await collect(ro.read(L))).length).toBe(2);
    const e = expectLeft(
      await ro.append(L, await makeTestEvents(L, [{ stream: 'a' }], { heads }), { expected: 2 }),
      'storage-failure',
    );
    expect(String(e.details?.['sqliteCode'])).toMatch(/^SQLITE_READONLY/);
    expect(await ro.size(L)).toBe(2);
    expect(toHex(await ro.root(L))).toBe(root);
    await ro.close();
    expect(await checkLedgerFile(path, L, [])).toBe(2);
  });

  it('a write lock held by another connection past the busy timeout is storage-failure (SQLITE_BUSY)', async () => {
    const path = newPath();
    const s = openSqliteStore({ path, ledger: L, busyTimeoutMs: 50 });
    const blocker = new Database(path);
    blocker.prepare('BEGIN IMMEDIATE').run();
    try {
      const e = expectLeft(
        await s.append(L, await makeTestEvents(L, [{ stream: 'a' }]), { expected: 0 }),
        'storage-failure',
      );
      expect(String(e.details?.['sqliteCode'])).toMatch(/^SQLITE_BUSY/);
    } finally {
      blocker.prepare('ROLLBACK').run();
      blocker.close();
    }
    // The store is still usable once the lock is gone.
    expectRight(await s.append(L, await makeTestEvents(L, [{ stream: 'a' }]), { expected: 0 }));
    await s.close();
  });

  it('flush() checkpoints the WAL: the database file alone then holds every acknowledged event', async () => {
    const path = newPath();
    const s = openSqliteStore({ path, ledger: L });
    const batch = await makeTestEvents(
      L,
      Array.from({ length: 20 }, () => ({ stream: 'a' })),
    );
    expectRight(await s.append(L, batch, { expected: 0 }));
    await s.flush();
    // Copy the main file only (no -wal): after the checkpoint it is complete on its own.
    const copy = join(dir, `flushed-${fileNo}.db`);
    await copyFile(path, copy);
    await s.close();
    const c = openSqliteStore({ path: copy, readonly: true });
    expect((await collect(c.read(L))).map((e) => toHex(e.bytes))).toEqual(batch.map(toHex));
    await c.close();
    expect(await failureCode(() => s.flush())).toBe('store-closed');
  });

  it('two connections to one file: appends through one reach the other (size, frontier, subscription)', async () => {
    const path = newPath();
    const heads: TestHeads = new Map();
    const a = openSqliteStore({ path, ledger: L, pollMs: 10 });
    const b = openSqliteStore({ path, ledger: L, pollMs: 10 });
    const sub = b.subscribe(L);
    const got: number[] = [];
    const consumer = (async () => {
      for await (const e of sub) {
        got.push(e.position);
        if (got.length === 6) await sub.close();
      }
    })();
    expectRight(
      await a.append(L, await makeTestEvents(L, [{ stream: 'x' }, { stream: 'x' }, { stream: 'y' }], { heads }), {
        expected: 0,
      }),
    );
    // b's cached frontier is stale (size 0): its append must reload it from the file.
    expectRight(await b.append(L, await makeTestEvents(L, [{ stream: 'x' }], { heads }), { expected: 3 }));
    expectLeft(
      await a.append(L, await makeTestEvents(L, [{ stream: 'z' }], { heads: new Map(heads) }), { expected: 3 }),
      'concurrency-conflict',
    );
    expectRight(
      await a.append(L, await makeTestEvents(L, [{ stream: 'y' }, { stream: 'z' }], { heads }), { expected: 4 }),
    );
    await consumer;
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    expect(toHex(await a.root(L))).toBe(toHex(await b.root(L)));
    await a.close();
    await b.close();
    expect(await checkLedgerFile(path, L, [])).toBe(6);
  });
});

describe('sqlite store: what a connection remembers between appends', () => {
  it("another connection's append is seen at once (size, stream heads), though this one skips re-reading them while alone", async () => {
    const path = newPath();
    const a = openSqliteStore({ path, ledger: L });
    const b = openSqliteStore({ path, ledger: L });
    const heads: TestHeads = new Map();
    expectRight(await a.append(L, await makeTestEvents(L, [{ stream: 'x' }], { heads }), { expected: 0 }));
    const staleHeads: TestHeads = new Map(heads);
    expect(await a.size(L)).toBe(1);
    // b writes to the stream a has just written (a remembers x's head at rev 0).
    expectRight(await b.append(L, await makeTestEvents(L, [{ stream: 'x' }], { heads }), { expected: 1 }));
    expect(await a.size(L)).toBe(2);
    // An event chained to the head a remembered is a stream conflict, not a fork of stream x.
    expectLeft(
      await a.append(L, await makeTestEvents(L, [{ stream: 'x' }], { heads: staleHeads }), { expected: 2 }),
      'stream-conflict',
    );
    expectRight(await a.append(L, await makeTestEvents(L, [{ stream: 'x' }], { heads }), { expected: 2 }));
    expect(await b.size(L)).toBe(3);
    const revs = (await collect(b.readStream(L, 'x'))).map((e: StoredEvent) => e.rev);
    expect(revs).toEqual([0, 1, 2]);
    await a.close();
    await b.close();
    expect(await checkLedgerFile(path, L, [])).toBe(3);
  });

  it('an id already stored is found by the insert and answered exactly: a retry is stored, other bytes duplicate-id, nothing written', async () => {
    const path = newPath();
    const s = openSqliteStore({ path, ledger: L });
    const heads: TestHeads = new Map();
    const first = await makeTestEvents(L, [{ stream: 'x' }, { stream: 'y' }], { heads });
    expectRight(await s.append(L, first, { expected: 0 }));
    // The same batch again at the current size: the UNIQUE(id) index stops the insert.
    const again = expectRight(await s.append(L, first, { expected: 2 }));
    expect(again).toEqual({ from: 0, size: 2, written: 0 });
    const id = JSON.parse(new TextDecoder().decode(first[0])) as { id: string };
    const other = await makeTestEvents(L, [{ stream: 'z', id: id.id }], { heads });
    expectLeft(await s.append(L, other, { expected: 2 }), 'duplicate-id');
    const partial = [first[1]!, ...(await makeTestEvents(L, [{ stream: 'z' }], { heads }))];
    expectLeft(await s.append(L, partial, { expected: 2 }), 'partial-batch');
    expect(await s.size(L)).toBe(2);
    await s.close();
    expect(await checkLedgerFile(path, L, [])).toBe(2);
  });
});

/** Run a worker process; resolve with its stdout, stderr and exit status. */
function runWorker(
  args: string[],
  onStdout?: (text: string, kill: () => void) => void,
): Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      onStdout?.(stdout, () => child.kill('SIGKILL'));
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

describe('sqlite store: processes', () => {
  beforeAll(() => {
    // Worker processes run the compiled output (they cannot load .ts): build it, incrementally.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/store-sqlite'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  });

  it('two processes appending to one file concurrently: nothing lost, duplicated or torn; positions gapless', async () => {
    const path = newPath();
    // A subscriber in this process sees the other processes' appends (no in-process signal: polling).
    const watcher = openSqliteStore({ path, ledger: L });
    const sub = watcher.subscribe(L);
    const seen: StoredEvent[] = [];
    let target = Number.POSITIVE_INFINITY;
    const consumer = (async () => {
      for await (const e of sub) {
        seen.push(e);
        if (seen.length >= target) break;
      }
    })();
    const [one, two] = await Promise.all([
      runWorker([path, L, 'writer-a', '120', '4']),
      runWorker([path, L, 'writer-b', '120', '4']),
    ]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const acks = [...parseAcks(one.stdout), ...parseAcks(two.stdout)];
    const size = await checkLedgerFile(path, L, acks);
    target = size;
    if (seen.length >= target) await sub.close();
    await consumer;
    expect(seen.map((e) => e.position)).toEqual(Array.from({ length: size }, (_, i) => i));
    const byPosition = new Map(acks.map((a) => [a.position, a.leaf]));
    expect(
      seen.every(
        (e) => byPosition.get(e.position) === toHex(e.leafHash) && toHex(leafHash(e.bytes)) === toHex(e.leafHash),
      ),
    ).toBe(true);
    await watcher.close();
    // Every event written is acknowledged exactly once (both writers ran to completion).
    expect(acks.length).toBe(size);
    expect(new Set(acks.map((a) => a.position)).size).toBe(size);
    const s = openSqliteStore({ path });
    expect((await s.streamHead(L, 'writer-a'))?.rev).toBe(119);
    expect((await s.streamHead(L, 'writer-b'))?.rev).toBe(119);
    await s.close();
  });

  it('kill -9 at random moments: every acknowledged event survives byte-identical, the tree stays consistent', async () => {
    const path = newPath();
    await openSqliteStore({ path, ledger: L }).close();
    const acks: Ack[] = [];
    let size = 0;
    for (let run = 0; run < 5; run++) {
      const killAfter = 3 + Math.floor(Math.random() * 40);
      const r = await runWorker([path, L, `run-${run}`, '0', '5'], (out, kill) => {
        if (parseAcks(out).length >= killAfter) kill();
      });
      expect(r.signal, r.stderr).toBe('SIGKILL');
      acks.push(...parseAcks(r.stdout));
      const now = await checkLedgerFile(path, L, acks);
      expect(now).toBeGreaterThanOrEqual(size);
      size = now;
      // The file opens for writing and takes the next append on top of whatever the kill left.
      const s = openSqliteStore({ path, ledger: L });
      const heads: TestHeads = new Map();
      const h = await s.streamHead(L, 'after-kill');
      if (h !== null) heads.set('after-kill', { rev: h.rev, leafHash: h.leafHash });
      const e = await makeTestEvents(L, [{ stream: 'after-kill' }], { heads });
      const res = await s.append(L, e, { expected: size });
      if (isLeft(res)) expect.fail(JSON.stringify(res.left));
      acks.push({ position: size, leaf: toHex(leafHash(e[0]!)) });
      size++;
      await s.close();
    }
    expect(await checkLedgerFile(path, L, acks)).toBe(size);
  });
});
