import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { inclusionProof, leafHash, merkleRoot, toHex, verifyInclusion, consistencyProof } from '@hoso/core';
import { collect, expectRight, makeTestEvents, type TestHeads } from '@hoso/store/testing';
import { openSqliteStore, SCHEMA_VERSION, STORED_NODE_LEVEL } from '@hoso/store-sqlite';
import { checkLedgerFile } from './check-file.js';

// A schema-1 file written by the schema-1 code (fixtures/README.md).
const V1 = fileURLToPath(new URL('./fixtures/v1-ledger.db', import.meta.url));
const L = 'thpt-v1-file';
const V1_ROOT = '4499fd27cc3f0d8cfb8bab576632b6e684783c8b707ede3ae7561c3b00acfab2';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoso-schema-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
let n = 0;
const copyOfV1 = async (): Promise<string> => {
  const path = join(dir, `v1-${++n}.db`);
  await copyFile(V1, path);
  return path;
};
const schemaOf = (path: string): string => {
  const raw = new Database(path, { readonly: true });
  try {
    return (raw.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string }).value;
  } finally {
    raw.close();
  }
};
/** The stream heads of a file's events, for appending more of them. */
const headsOf = async (path: string): Promise<TestHeads> => {
  const s = openSqliteStore({ path, readonly: true });
  const heads: TestHeads = new Map();
  for (const e of await collect(s.read(L))) heads.set(e.stream, { rev: e.rev, leafHash: e.leafHash });
  await s.close();
  return heads;
};

describe('sqlite store: schema 2 and files of schema 1', () => {
  it('a new file is schema 2 and stores only the subtrees from level 5 up; roots and proofs are the reference ones', async () => {
    const path = join(dir, 'new.db');
    const s = openSqliteStore({ path, ledger: L });
    const heads: TestHeads = new Map();
    let size = 0;
    for (let k = 0; size < 77; k++) {
      const evs = await makeTestEvents(L, [{ stream: `s${k % 3}` }, { stream: `s${(k + 1) % 3}` }], { heads });
      size = expectRight(await s.append(L, evs, { expected: size })).size;
    }
    const leaves = (await collect(s.read(L))).map((e) => e.leafHash);
    for (const m of [1, 2, 15, 16, 17, 31, 32, 33, 64, 77, size]) {
      expect(toHex(await s.root(L, m))).toBe(toHex(merkleRoot(leaves.slice(0, m))));
      for (const i of [0, m - 1, Math.floor(m / 2)]) {
        expect((await s.inclusionProof(L, i, m)).map(toHex)).toEqual(inclusionProof(leaves.slice(0, m), i).map(toHex));
      }
      expect((await s.consistencyProof(L, Math.max(1, m - 9), size)).map(toHex)).toEqual(
        consistencyProof(leaves, Math.max(1, m - 9)).map(toHex),
      );
    }
    await s.close();
    expect(schemaOf(path)).toBe(SCHEMA_VERSION);
    const raw = new Database(path, { readonly: true });
    const low = raw.prepare('SELECT count(*) AS n FROM nodes WHERE level < ?').get(STORED_NODE_LEVEL) as { n: number };
    raw.close();
    expect(low.n).toBe(0);
    expect(await checkLedgerFile(path, L, [])).toBe(size);
  });

  it('a schema-1 file opened writable is upgraded to schema 2 in place: same events, same root, appends continue', async () => {
    const path = await copyOfV1();
    expect(schemaOf(path)).toBe('1');
    const s = openSqliteStore({ path, ledger: L });
    expect(schemaOf(path)).toBe('2');
    expect(await s.size(L)).toBe(100);
    expect(toHex(await s.root(L))).toBe(V1_ROOT);
    const before = (await collect(s.read(L))).map((e) => toHex(e.bytes));
    const heads = await headsOf(path);
    let size = 100;
    for (let k = 0; k < 5; k++) {
      const evs = await makeTestEvents(
        L,
        [{ stream: 'markbook/s1' }, { stream: `new/${k}` }, { stream: 'markbook/s4' }],
        {
          heads,
        },
      );
      size = expectRight(await s.append(L, evs, { expected: size })).size;
    }
    const events = await collect(s.read(L));
    expect(events.slice(0, 100).map((e) => toHex(e.bytes))).toEqual(before);
    const leaves = events.map((e) => e.leafHash);
    expect(toHex(await s.root(L))).toBe(toHex(merkleRoot(leaves)));
    expect(toHex(await s.root(L, 100))).toBe(V1_ROOT);
    const proof = await s.inclusionProof(L, 42, size);
    expect(verifyInclusion(leafHash(events[42]!.bytes), 42, size, proof, await s.root(L))).toBe(true);
    expect((await s.consistencyProof(L, 100, size)).map(toHex)).toEqual(consistencyProof(leaves, 100).map(toHex));
    await s.close();
    expect(await checkLedgerFile(path, L, [])).toBe(115);
    // Reopened: already schema 2, nothing to do.
    const again = openSqliteStore({ path, ledger: L });
    expect(await again.size(L)).toBe(115);
    await again.close();
  });

  it('a schema-1 file opened read-only is read as it is and left byte-for-byte unchanged', async () => {
    const path = await copyOfV1();
    const bytes = await readFile(path);
    const s = openSqliteStore({ path, readonly: true });
    expect(await s.size(L)).toBe(100);
    expect(toHex(await s.root(L))).toBe(V1_ROOT);
    const events = await collect(s.read(L));
    const leaves = events.map((e) => e.leafHash);
    expect((await s.inclusionProof(L, 7, 100)).map(toHex)).toEqual(inclusionProof(leaves, 7).map(toHex));
    await s.close();
    expect(schemaOf(path)).toBe('1');
    expect(Buffer.compare(await readFile(path), bytes)).toBe(0);
  });

  it('other tables in the file survive the upgrade untouched', async () => {
    const path = await copyOfV1();
    const raw = new Database(path);
    raw.exec("CREATE TABLE vendor_extra (k TEXT PRIMARY KEY, v TEXT); INSERT INTO vendor_extra VALUES ('a', 'b');");
    raw.close();
    const s = openSqliteStore({ path, ledger: L });
    expect(toHex(await s.root(L))).toBe(V1_ROOT);
    await s.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT k, v FROM vendor_extra').all()).toEqual([{ k: 'a', v: 'b' }]);
    check.close();
  });
});
