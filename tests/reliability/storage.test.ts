/**
 * The storage medium fails: a read-only file or filesystem, a full disk. Each append must come back
 * as a clear `storage-failure` (through the ledger: `store-error` caused by it), nothing may be
 * half-written, and the file must still open, hold every acknowledged event and verify.
 *
 * Tests run as root in CI, where `chmod 0444` does not stop writes. What really reproduces the
 * conditions for root: the store's `readonly` open mode (SQLite refuses to write), a read-only bind
 * mount (the kernel refuses with EROFS) and a small tmpfs filled up (ENOSPC → SQLITE_FULL). The
 * mount tests are skipped, with the reason printed, where mounting is not permitted.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRight } from 'fp-ts/lib/Either.js';
import { type HosoFailure, isHosoFailure } from '@hoso/core';
import { makeTestEvents } from '@hoso/store/testing';
import { openSqliteStore } from '@hoso/store-sqlite';
import { openLedger } from '@hoso/ledger';
import { as, buildSchool, person } from '@hoso/ledger/testing';
import {
  checkLedgerFile,
  exportAndVerify,
  fileDigest,
  parseAcks,
  verifyFile,
  type Ack,
} from '../support/ledger-file.js';
import { bindReadOnly, mountTmpfs, mountUnavailable, type Tmpfs } from '../support/mounts.js';
import { requireDist, startNode, supportScript } from '../support/processes.js';

const WRITER = supportScript('writer.mjs');
const NO_MOUNT = mountUnavailable();
if (NO_MOUNT !== null) console.log(`storage tests: skipping full-disk and read-only-mount tests: ${NO_MOUNT}`);

let dir: string;
beforeAll(() => {
  requireDist(['core', 'store', 'store-sqlite', 'ledger']);
  dir = mkdtempSync(join(tmpdir(), 'hoso-storage-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const score = (student: string, value: string): unknown => ({
  type: 'EnterScore',
  data: { year: '2024-2025', class: '10A1', subject: 'toan', student, term: 'HK1', column: 'tx', index: 1, value },
});

describe('storage: read-only', () => {
  it("the store's readonly mode: append is storage-failure (SQLITE_READONLY), execute is store-error; the file is byte-identical and still verifies", async () => {
    const path = join(dir, 'ro-mode.db');
    const ledger = 'thpt-readonly';
    const rw = openSqliteStore({ path, ledger });
    const school = await buildSchool({ store: rw, ledger });
    await rw.close();
    const before = fileDigest(path);

    const ro = openSqliteStore({ path, readonly: true });
    try {
      const size = await ro.size(ledger);
      const heads = new Map();
      const h = await ro.streamHead(ledger, 'x');
      expect(h).toBeNull();
      const r = await ro.append(ledger, await makeTestEvents(ledger, [{ stream: 'x' }], { heads }), { expected: size });
      expect(r).toMatchObject({
        _tag: 'Left',
        left: { code: 'storage-failure', rule: 'storage-available', details: { sqliteCode: 'SQLITE_READONLY' } },
      });
      const lg = await openLedger({ store: ro, ledger, clock: () => school.clock.now });
      const e = await lg.execute(score('hs-001', '9'), [as(school.people.teacher, 'subject')]);
      expect(e).toMatchObject({ _tag: 'Left', left: { code: 'store-error', details: { cause: 'storage-failure' } } });
      expect(await ro.size(ledger)).toBe(size);
      const report = await exportAndVerify(ro, ledger, join(dir, 'ro-mode.hoso'), [person('hieu-truong').key]);
      expect(report.ok, JSON.stringify(report.findings.slice(0, 3))).toBe(true);
    } finally {
      await ro.close();
    }
    expect(fileDigest(path)).toBe(before);
  });

  /** A cleanly closed ledger file (no -wal, no -shm) seen through a read-only bind mount. */
  async function onReadOnlyMount(
    ledger: string,
  ): Promise<{ src: string; path: string; size: number; rootKey: string; before: string; remove: () => void }> {
    const src = mkdtempSync(join(dir, 'ro-mount-src-'));
    const rw = openSqliteStore({ path: join(src, 'ledger.db'), ledger });
    const school = await buildSchool({ store: rw, ledger });
    const size = await rw.size(ledger);
    await rw.close();
    expect(existsSync(join(src, 'ledger.db-wal')), 'a clean close folds the WAL away').toBe(false);
    const before = fileDigest(join(src, 'ledger.db'));
    const view = bindReadOnly(src);
    // Writing through the mount is refused by the kernel, even for root.
    expect(() => writeFileSync(join(view.dir, 'probe'), 'x')).toThrow(/EROFS|read-only/i);
    return {
      src,
      path: join(view.dir, 'ledger.db'),
      size,
      rootKey: school.people.principal.key,
      before,
      remove: () => view.remove(),
    };
  }

  it.skipIf(NO_MOUNT !== null)(
    'a read-only bind mount (EROFS even for root): opening for writing or appending fails as storage-failure; the file is untouched',
    async () => {
      const ledger = 'thpt-ro-mount';
      const m = await onReadOnlyMount(ledger);
      try {
        let opened: ReturnType<typeof openSqliteStore> | null = null;
        try {
          opened = openSqliteStore({ path: m.path, ledger });
        } catch (e) {
          expect(isHosoFailure(e), String(e)).toBe(true);
          expect((e as HosoFailure).error).toMatchObject({ code: 'storage-failure', rule: 'storage-available' });
        }
        if (opened !== null) {
          // SQLite may open the file read-only by itself: then the append is the typed failure.
          const r = await opened.append(ledger, await makeTestEvents(ledger, [{ stream: 'x' }]), { expected: m.size });
          expect(r).toMatchObject({ _tag: 'Left', left: { code: 'storage-failure' } });
          await opened.close();
        }
      } finally {
        m.remove();
      }
      expect(fileDigest(join(m.src, 'ledger.db'))).toBe(m.before);
    },
  );

  it.skipIf(NO_MOUNT !== null)(
    "a ledger file on read-only media (an inspector's copy) opens with readonly: true, reads and verifies",
    async () => {
      const ledger = 'thpt-ro-media';
      const m = await onReadOnlyMount(ledger);
      try {
        const ro = openSqliteStore({ path: m.path, readonly: true });
        try {
          expect(await ro.size(ledger)).toBe(m.size);
          const report = await exportAndVerify(ro, ledger, join(dir, 'ro-media.hoso'), [m.rootKey]);
          expect(report.ok, JSON.stringify(report.findings.slice(0, 3))).toBe(true);
        } finally {
          await ro.close();
        }
      } finally {
        m.remove();
      }
    },
  );
});

describe.skipIf(NO_MOUNT !== null)('storage: disk full (a small tmpfs)', () => {
  let fs: Tmpfs;
  beforeAll(() => {
    fs = mountTmpfs('6m');
  });
  afterAll(() => fs.remove());

  /** Leave about `free` bytes on the tmpfs by writing a filler file; returns its path. */
  function fill(name: string, free: number): string {
    const st = statfsSync(fs.dir);
    const avail = Number(st.bavail) * Number(st.bsize);
    const filler = join(fs.dir, name);
    writeFileSync(filler, Buffer.alloc(Math.max(0, avail - free)));
    return filler;
  }

  it('store appends until the disk is full: storage-failure SQLITE_FULL, nothing half-written; after space is freed the ledger continues and verifies', async () => {
    const path = join(fs.dir, 'store.db');
    const ledger = 'thpt-full';
    const setup = openSqliteStore({ path, ledger });
    const seeded = await makeTestEvents(ledger, [{ stream: 'w/seed' }, { stream: 'shared' }]);
    expect(isRight(await setup.append(ledger, seeded, { expected: 0 }))).toBe(true);
    await setup.close();
    const filler = fill('filler-1', 160 * 1024);

    // A child process does the writing: a full tmpfs can turn a memory-mapped WAL index page into
    // SIGBUS, which must not take the test runner down with it.
    const child = startNode(WRITER, ['store', path, ledger, 'full', '0', '4']);
    const exit = await child.exited;
    const acks: Ack[] = parseAcks(child.stdout());
    expect(exit.code, `writer ended with ${exit.signal ?? exit.code}: ${child.stderr()}`).toBe(3);
    const failure = JSON.parse(/^fail (.*)$/m.exec(child.stderr())![1]!) as {
      code: string;
      details: { sqliteCode: string };
    };
    expect(failure).toMatchObject({ code: 'storage-failure', rule: 'storage-available' });
    expect(failure.details.sqliteCode).toMatch(/^SQLITE_FULL|^SQLITE_IOERR/);
    expect(acks.length).toBeGreaterThan(0);

    // Nothing half-written: exactly the seeded and acknowledged events, the tree whole.
    let check = await checkLedgerFile(path, ledger, acks);
    expect(check.size).toBe(seeded.length + acks.length);

    rmSync(filler);
    const store = openSqliteStore({ path, ledger });
    try {
      const more = await makeTestEvents(ledger, [{ stream: 'after' }]);
      expect(await store.append(ledger, more, { expected: check.size })).toMatchObject({
        _tag: 'Right',
        right: { written: 1 },
      });
      const report = await verifyFile(store, ledger);
      expect(report.size).toBe(check.size + 1);
      // Test events are unknown to the school catalogue; the structure must be clean.
      expect(
        report.findings.filter((f) =>
          [
            'stream-rev-gap',
            'stream-prev-mismatch',
            'duplicate-id',
            'event-not-canonical',
            'signature-invalid',
          ].includes(f.code),
        ),
      ).toEqual([]);
    } finally {
      await store.close();
    }
    check = await checkLedgerFile(path, ledger, acks);
    expect(check.size).toBe(seeded.length + acks.length + 1);
  }, 180_000);

  it('ledger execute until the disk is full: store-error caused by storage-failure; the ledger reopens and verifies clean', async () => {
    const path = join(fs.dir, 'ledger.db');
    const ledger = 'thpt-full-ledger';
    const setupPath = join(dir, 'full-ledger-setup.db');
    const setup = openSqliteStore({ path: setupPath, ledger });
    const school = await buildSchool({ store: setup, ledger, students: 45 });
    await setup.close();
    copyFileSync(setupPath, path);
    const filler = fill('filler-2', 160 * 1024);

    const child = startNode(WRITER, ['ledger', path, ledger, 'full', '0', '1', '45']);
    const exit = await child.exited;
    const acks = parseAcks(child.stdout());
    expect(exit.code, `writer ended with ${exit.signal ?? exit.code}: ${child.stderr()}`).toBe(3);
    const failure = JSON.parse(/^fail (.*)$/m.exec(child.stderr())![1]!) as {
      code: string;
      details: { cause: string };
    };
    expect(failure).toMatchObject({ code: 'store-error', details: { cause: 'storage-failure' } });
    expect(acks.length).toBeGreaterThan(0);
    await checkLedgerFile(path, ledger, acks);

    rmSync(filler);
    const store = openSqliteStore({ path, ledger });
    try {
      const lg = await openLedger({ store, ledger, clock: () => school.clock.now });
      expect(lg.state().size).toBe(await store.size(ledger));
      const report = await exportAndVerify(store, ledger, join(dir, 'full-ledger.hoso'), [school.people.principal.key]);
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await store.close();
    }
  }, 180_000);
});
