import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { bytesEqual, fromUtf8, leafHash, merkleRoot, toHex } from '@hoso/core';
import { openSqliteStore, STORED_NODE_LEVEL } from '@hoso/store-sqlite';
import { collect } from '@hoso/store/testing';

/** An event a writer process reported as acknowledged: its position and leaf hash. */
export interface Ack {
  readonly position: number;
  readonly leaf: string;
}

/** Parse complete "<position> <leaf hex>" lines (a line cut by a kill has no newline yet and is ignored). */
export function parseAcks(stdout: string): Ack[] {
  const lines = stdout.split('\n');
  lines.pop();
  return lines.map((l) => {
    const [p, leaf] = l.split(' ');
    return { position: Number(p), leaf: leaf! };
  });
}

/**
 * Check a ledger file from scratch: SQLite integrity; positions gapless; every acknowledged event
 * present with identical bytes (its leaf hash over the stored bytes); ids unique; every stream
 * chained (gapless revisions, prev = leaf hash of the previous event); every stored Merkle node
 * equal to the subtree hash recomputed from the leaves, with exactly the complete subtrees stored;
 * the store's root equal to the reference root. Returns the ledger size.
 */
export async function checkLedgerFile(path: string, ledger: string, acks: readonly Ack[]): Promise<number> {
  const raw = new Database(path, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = raw
      .prepare('SELECT position, id, stream, rev, bytes, leaf FROM events ORDER BY position')
      .all() as Array<{
      position: number;
      id: string;
      stream: string;
      rev: number;
      bytes: Buffer;
      leaf: Buffer;
    }>;
    const leaves = rows.map((r) => leafHash(r.bytes));
    rows.forEach((r, i) => {
      expect(r.position).toBe(i);
      expect(bytesEqual(leaves[i]!, r.leaf)).toBe(true);
    });
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const seen = new Set<number>();
    for (const a of acks) {
      expect(seen.has(a.position), `position ${a.position} acknowledged twice`).toBe(false);
      seen.add(a.position);
      expect(a.position).toBeLessThan(rows.length);
      expect(toHex(leaves[a.position]!)).toBe(a.leaf);
    }
    const heads = new Map<string, { rev: number; leaf: string }>();
    for (const [i, r] of rows.entries()) {
      const env = JSON.parse(fromUtf8(r.bytes)!) as { stream: string; rev: number; prev: string | null };
      expect(env.stream).toBe(r.stream);
      const head = heads.get(r.stream);
      expect(env.rev).toBe(head === undefined ? 0 : head.rev + 1);
      expect(env.prev).toBe(head === undefined ? null : head.leaf);
      heads.set(r.stream, { rev: env.rev, leaf: toHex(leaves[i]!) });
    }
    const nodes = raw.prepare('SELECT level, idx, hash FROM nodes ORDER BY level, idx').all() as Array<{
      level: number;
      idx: number;
      hash: Buffer;
    }>;
    const perLevel = new Map<number, number>();
    for (const n of nodes) {
      const width = 2 ** n.level;
      const want = merkleRoot(leaves.slice(n.idx * width, (n.idx + 1) * width));
      expect(n.idx * width + width, `node (${n.level}, ${n.idx}) covers leaves beyond the size`).toBeLessThanOrEqual(
        rows.length,
      );
      expect(toHex(n.hash), `node (${n.level}, ${n.idx})`).toBe(toHex(want));
      perLevel.set(n.level, (perLevel.get(n.level) ?? 0) + 1);
    }
    // Schema 2 stores every complete subtree from STORED_NODE_LEVEL up (a file upgraded from
    // schema 1 may also hold lower ones, checked above like the rest).
    for (let level = STORED_NODE_LEVEL; 2 ** level <= rows.length; level++) {
      expect(perLevel.get(level) ?? 0, `nodes at level ${level}`).toBe(Math.floor(rows.length / 2 ** level));
    }
    const store = openSqliteStore({ path, readonly: true });
    try {
      expect(await store.size(ledger)).toBe(rows.length);
      expect(toHex(await store.root(ledger))).toBe(toHex(merkleRoot(leaves)));
      const read = await collect(store.read(ledger));
      expect(read.length).toBe(rows.length);
    } finally {
      await store.close();
    }
    return rows.length;
  } finally {
    raw.close();
  }
}
