/**
 * Checks the reliability tests run on a SQLite ledger file after crashes, races and refusals:
 * everything is recomputed from the stored bytes, nothing is taken from the store's own answers.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { isRight } from 'fp-ts/lib/Either.js';
import {
  bytesEqual,
  decodeEnvelope,
  formatVerifierKey,
  fromUtf8,
  leafHash,
  localSigner,
  merkleRoot,
  signCheckpoint,
  toHex,
} from '@hoso/core';
import { openSqliteStore, STORED_NODE_LEVEL, type SqliteEventStore } from '@hoso/store-sqlite';
import { exportBundle, originOf, verifyBundle, verifyStore, type VerifyReport } from '@hoso/verify';

/** An event a writer process reported as acknowledged: its position and leaf hash (hex). */
export interface Ack {
  readonly position: number;
  readonly leaf: string;
}

/**
 * The acknowledged events in a writer's stdout. Only complete `ack` lines count: a line cut by a
 * kill has no newline yet, and the writer prints a line only after its append returned.
 */
export function parseAcks(stdout: string): Ack[] {
  const lines = stdout.split('\n');
  lines.pop();
  const out: Ack[] = [];
  for (const l of lines) {
    const [kind, p, leaf] = l.split(' ');
    if (kind === 'ack' && p !== undefined && leaf !== undefined) out.push({ position: Number(p), leaf });
  }
  return out;
}

/** What {@link checkLedgerFile} found. */
export interface FileCheck {
  readonly size: number;
  /** Leaf hashes recomputed from the stored bytes, by position. */
  readonly leaves: readonly Uint8Array[];
}

/**
 * Check a ledger file from scratch: SQLite's own integrity check; positions gapless from 0; every
 * stored event a well-formed canonical envelope of `ledger` whose stored leaf hash is the hash of
 * its bytes; ids unique; every stream chained (gapless revisions, `prev` = the previous event's
 * leaf hash); every acknowledged event present at its position with the same leaf hash (so the
 * same bytes) and acknowledged once; exactly the complete perfect subtrees stored as Merkle
 * nodes, each equal to the hash recomputed from the leaves; the store's root (opened read-only)
 * equal to `merkleRoot` over all leaf hashes.
 */
export async function checkLedgerFile(path: string, ledger: string, acks: readonly Ack[]): Promise<FileCheck> {
  const raw = new Database(path, { readonly: true });
  let leaves: Uint8Array[];
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = raw
      .prepare('SELECT position, id, stream, rev, type, bytes, leaf FROM events ORDER BY position')
      .all() as Array<{
      position: number;
      id: string;
      stream: string;
      rev: number;
      type: string;
      bytes: Buffer;
      leaf: Buffer;
    }>;
    leaves = rows.map((r) => leafHash(new Uint8Array(r.bytes)));
    const heads = new Map<string, { rev: number; leaf: string }>();
    for (const [i, r] of rows.entries()) {
      expect(r.position, 'positions are gapless').toBe(i);
      expect(bytesEqual(leaves[i]!, r.leaf), `stored leaf hash at ${i}`).toBe(true);
      const env = decodeEnvelope(new Uint8Array(r.bytes));
      expect(isRight(env), `event ${i} decodes: ${fromUtf8(r.bytes)?.slice(0, 200)}`).toBe(true);
      if (!isRight(env)) continue;
      expect(env.right.ledger).toBe(ledger);
      expect([env.right.id, env.right.stream, env.right.rev, env.right.type]).toEqual([r.id, r.stream, r.rev, r.type]);
      const head = heads.get(r.stream);
      expect(env.right.rev, `rev of event ${i} in ${r.stream}`).toBe(head === undefined ? 0 : head.rev + 1);
      expect(env.right.prev, `prev of event ${i} in ${r.stream}`).toBe(head === undefined ? null : head.leaf);
      heads.set(r.stream, { rev: env.right.rev, leaf: toHex(leaves[i]!) });
    }
    expect(new Set(rows.map((r) => r.id)).size, 'ids are unique').toBe(rows.length);
    const seen = new Set<number>();
    for (const a of acks) {
      expect(seen.has(a.position), `position ${a.position} acknowledged twice`).toBe(false);
      seen.add(a.position);
      expect(a.position, 'an acknowledged position exists').toBeLessThan(rows.length);
      expect(toHex(leaves[a.position]!), `acknowledged event at ${a.position}`).toBe(a.leaf);
    }
    const nodes = raw.prepare('SELECT level, idx, hash FROM nodes ORDER BY level, idx').all() as Array<{
      level: number;
      idx: number;
      hash: Buffer;
    }>;
    const perLevel = new Map<number, number>();
    for (const n of nodes) {
      const width = 2 ** n.level;
      expect((n.idx + 1) * width, `node (${n.level}, ${n.idx}) covers only stored leaves`).toBeLessThanOrEqual(
        rows.length,
      );
      expect(toHex(n.hash), `node (${n.level}, ${n.idx})`).toBe(
        toHex(merkleRoot(leaves.slice(n.idx * width, (n.idx + 1) * width))),
      );
      perLevel.set(n.level, (perLevel.get(n.level) ?? 0) + 1);
    }
    // Schema 2 stores every complete subtree from STORED_NODE_LEVEL up; lower ones are recomputed
    // from the leaves (a file upgraded from schema 1 may still hold some, checked above).
    for (let level = STORED_NODE_LEVEL; 2 ** level <= rows.length; level++) {
      expect(perLevel.get(level) ?? 0, `complete subtrees stored at level ${level}`).toBe(
        Math.floor(rows.length / 2 ** level),
      );
    }
  } finally {
    raw.close();
  }
  const store = openSqliteStore({ path, readonly: true });
  try {
    expect(await store.size(ledger)).toBe(leaves.length);
    expect(toHex(await store.root(ledger)), 'store root = merkleRoot over all leaves').toBe(toHex(merkleRoot(leaves)));
  } finally {
    await store.close();
  }
  return { size: leaves.length, leaves };
}

/** The seal key the tests sign checkpoints with (32-byte seed; tests only). */
export function testSeal(ledger: string): { name: string; seed: Uint8Array; vkey: string } {
  const seed = new Uint8Array(32).map((_, i) => (i * 13 + 5) & 0xff);
  const name = originOf(ledger);
  return { name, seed, vkey: formatVerifierKey(name, localSigner(seed).publicKey) };
}

/**
 * Export the ledger with a seal-signed checkpoint of its current size and verify the bundle with
 * `@hoso/verify` (signature checks on the calling thread). Returns the report.
 */
export async function exportAndVerify(
  store: SqliteEventStore,
  ledger: string,
  bundlePath: string,
  rootKeys: readonly string[],
): Promise<VerifyReport> {
  await store.flush();
  const size = await store.size(ledger);
  const seal = testSeal(ledger);
  const note = signCheckpoint({ origin: originOf(ledger), size, root: await store.root(ledger, size) }, seal);
  const exported = await exportBundle(store, ledger, bundlePath, { checkpoints: [note] });
  if (!isRight(exported)) throw new Error(`export refused: ${JSON.stringify(exported.left)}`);
  expect(exported.right.size).toBe(size);
  const report = await verifyBundle(bundlePath, {
    trust: { rootKeys: [...rootKeys], sealKeys: [seal.vkey] },
    workers: 0,
  });
  if (!isRight(report)) throw new Error(`verify refused: ${JSON.stringify(report.left)}`);
  return report.right;
}

/** Verify a store's bytes with `@hoso/verify` (no trust anchors: integrity and authenticity passes). */
export async function verifyFile(store: SqliteEventStore, ledger: string): Promise<VerifyReport> {
  // Its doc's two passes only: these stores hold test events, not a school's, so replaying the
  // school rules (which stop at their first unregistered key) would say nothing about the bytes.
  const report = await verifyStore(store, ledger, { workers: 0, compliance: false });
  if (!isRight(report)) throw new Error(`verify refused: ${JSON.stringify(report.left)}`);
  return report.right;
}

/**
 * SHA-256 of a ledger file's whole content, after folding the WAL into it
 * (`wal_checkpoint(TRUNCATE)`), so two digests are equal exactly when the database is.
 */
export function fileDigest(path: string): string {
  const db = new Database(path);
  try {
    const r = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    expect(r[0]?.busy ?? 0, 'WAL checkpoint completed').toBe(0);
  } finally {
    db.close();
  }
  const h = createHash('sha256').update(readFileSync(path));
  if (existsSync(`${path}-wal`)) h.update(readFileSync(`${path}-wal`));
  return h.digest('hex');
}

/** A seeded PRNG (mulberry32): reliability runs are reproducible from the printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
