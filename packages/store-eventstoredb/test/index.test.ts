import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  inclusionProof,
  consistencyProof,
  merkleRoot,
  newEventId,
  sha256,
  toHex,
  treeConsistencyProof,
  treeInclusionProof,
  utf8,
} from '@hoso/core';
import { LedgerIndex, type IndexedEvent } from '../src/ledger-index.js';
import { HashLevels, completionOrder } from '../src/hash-levels.js';
import { uuidString, uuidWords } from '../src/id-table.js';
import {
  checkPayload,
  decodeChunk,
  decodeManifest,
  decodeSnapshot,
  encodeChunk,
  encodeManifest,
  encodeSnapshot,
} from '../src/snapshot.js';

/** Events for streams picked by number: fresh UUID v7 ids, revs counted per stream, distinct leaves. */
function eventsFor(picks: readonly number[]): IndexedEvent[] {
  const revs = new Map<string, number>();
  return picks.map((k, p) => {
    const stream = `markbook/2024-2025/10A${k}/toán`;
    const rev = revs.get(stream) ?? 0;
    revs.set(stream, rev + 1);
    return { id: newEventId(), stream, rev, leafHash: sha256(utf8(`leaf ${p}`)) };
  });
}

function build(events: readonly IndexedEvent[]): LedgerIndex {
  const ix = new LedgerIndex();
  for (const e of events) ix.add(e);
  return ix;
}

/** Everything the adapter asks of an index, compared with a plain model of the events. */
function expectMatches(ix: LedgerIndex, events: readonly IndexedEvent[]): void {
  expect(ix.size).toBe(events.length);
  const leaves = events.map((e) => e.leafHash);
  expect(toHex(ix.root())).toBe(toHex(merkleRoot(leaves)));
  events.forEach((e, p) => {
    expect(ix.position(e.id)).toBe(p);
    expect(ix.at(p)).toEqual({ id: e.id, stream: e.stream, rev: e.rev, leafHash: e.leafHash });
  });
  for (const stream of new Set(events.map((e) => e.stream))) {
    const positions = events.flatMap((e, p) => (e.stream === stream ? [p] : []));
    expect(ix.streamPositions(stream)).toEqual(positions);
    const last = positions[positions.length - 1]!;
    expect(ix.head(stream)).toEqual({ rev: positions.length - 1, position: last, leafHash: events[last]!.leafHash });
  }
  const n = events.length;
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    expect(treeInclusionProof(i, n, ix.nodeSource()).map(toHex)).toEqual(inclusionProof(leaves, i).map(toHex));
  }
  for (const m of [1, Math.ceil(n / 3), n]) {
    expect(treeConsistencyProof(m, n, ix.nodeSource()).map(toHex)).toEqual(consistencyProof(leaves, m).map(toHex));
  }
}

describe('compact ledger index', () => {
  it('answers ids, streams, heads, roots and proofs as a plain model does (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 300 }), (picks) => {
        const events = eventsFor(picks);
        expectMatches(build(events), events);
      }),
      { numRuns: 40 },
    );
  });

  it('holds ledgers past its page and table sizes (5,000 events, 37 streams)', () => {
    const events = eventsFor(Array.from({ length: 5_000 }, (_, i) => (i * 7) % 37));
    const ix = build(events);
    expectMatches(ix, events);
    // Well under the 220 bytes per event of the object-based index it replaced.
    expect(ix.allocatedBytes() / events.length).toBeLessThan(140);
  });

  it('refuses what would corrupt it: a repeated id, an id that is not a lowercase UUID, a rev out of order', () => {
    const [a, b] = eventsFor([0, 0]);
    const ix = build([a!]);
    expect(() => ix.add({ ...b!, id: a!.id })).toThrow(/twice/);
    expect(() => ix.add({ ...b!, id: b!.id.toUpperCase() })).toThrow(/lowercase UUID/);
    expect(() => ix.add({ ...b!, rev: 2 })).toThrow(/out of order/);
    expect(ix.size).toBe(1);
    expect(ix.position(a!.id.toUpperCase())).toBeUndefined();
    expect(ix.position('not-an-id')).toBeUndefined();
  });

  it('converts UUID strings to four words and back', () => {
    fc.assert(
      fc.property(fc.uuid(), (u) => {
        expect(uuidString(...(uuidWords(u) as [number, number, number, number]))).toBe(u);
      }),
      { numRuns: 200 },
    );
    expect(uuidWords('0190a4c2-7b5e-7000-8000-00000000000G')).toBeUndefined();
  });

  it('stores Merkle nodes in completion order: node (level, index) where the leaves complete it', () => {
    const h = new HashLevels();
    const seen: string[] = [];
    for (let i = 0; i < 64; i++) {
      h.append(sha256(utf8(String(i))));
      for (let level = 0; level < 7; level++) {
        const index = (i + 1) / 2 ** level - 1;
        if (Number.isInteger(index)) seen.push(`${level}:${index}`);
      }
    }
    // The k-th node completed has completion order k.
    seen.forEach((key, k) => {
      const [level, index] = key.split(':').map(Number) as [number, number];
      expect(completionOrder(level, index)).toBe(k);
    });
    expect(h.get(6, 0)).toBeDefined();
    expect(h.get(6, 1)).toBeUndefined();
    expect(h.get(0, 64)).toBeUndefined();
  });
});

describe('index snapshot encoding', () => {
  it('decodes to an index answering exactly as the original (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 200 }), (picks) => {
        const events = eventsFor(picks);
        const { payload, size, root } = encodeSnapshot(build(events));
        expect(payload.length).toBeLessThan(16 + 52 * size + 7 * 60);
        const back = decodeSnapshot(payload, { size, root });
        if (isLeft(back)) return expect.fail(back.left);
        expectMatches(back.right, events);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a payload that is truncated, altered, of another size or root, or with a repeated id', () => {
    const events = eventsFor([0, 1, 0, 2, 1]);
    const { payload, size, root } = encodeSnapshot(build(events));
    expect(isRight(decodeSnapshot(payload, { size, root }))).toBe(true);
    const reason = (p: Uint8Array, s = size, r = root) => {
      const d = decodeSnapshot(p, { size: s, root: r });
      return isLeft(d) ? d.left : 'accepted';
    };
    expect(reason(payload.subarray(0, payload.length - 1))).toMatch(/bytes/);
    const leafFlipped = payload.slice();
    leafFlipped[payload.length - 1]! ^= 1;
    expect(reason(leafFlipped)).toMatch(/root/);
    expect(reason(payload, size + 1)).toMatch(/manifest says/);
    expect(reason(payload, size, sha256(utf8('other')))).toMatch(/root/);
    // Position 1 given position 0's id.
    const dup = payload.slice();
    const idsAt = payload.length - 52 * size;
    dup.copyWithin(idsAt + 16, idsAt, idsAt + 16);
    expect(reason(dup)).toMatch(/twice/);
    const magic = payload.slice();
    magic[0] = 0;
    expect(reason(magic)).toMatch(/magic/);
  });

  it('chunks and manifests round-trip and refuse what is not theirs', () => {
    const snapshot = '0190a4c2-7b5e-4000-8000-00000000000a';
    const data = encodeChunk(snapshot, 3, utf8('slice'));
    const ok = decodeChunk(data, snapshot, 3);
    expect(isRight(ok) && new TextDecoder().decode(ok.right)).toBe('slice');
    expect(isLeft(decodeChunk(data, snapshot, 2))).toBe(true);
    expect(isLeft(decodeChunk(data, '0190a4c2-7b5e-4000-8000-00000000000b', 3))).toBe(true);
    const payload = utf8('payload');
    const m = {
      v: 1 as const,
      ledger: 'thpt-a',
      physicalStream: 'hoso-ledger-thpt-a',
      snapshot,
      size: 5,
      root: toHex(sha256(utf8('r'))),
      sha256: toHex(sha256(payload)),
      bytes: payload.length,
      chunks: [4, 5],
    };
    const back = decodeManifest(encodeManifest(m));
    expect(isRight(back) && back.right).toEqual(m);
    expect(isRight(checkPayload(payload, m))).toBe(true);
    expect(isLeft(checkPayload(utf8('payloaD'), m))).toBe(true);
    for (const bad of [
      { ...m, size: 0 },
      { ...m, chunks: [] },
      { ...m, root: 'zz' },
      { ...m, v: 2 },
    ]) {
      expect(isLeft(decodeManifest(encodeManifest(bad as typeof m)))).toBe(true);
    }
    expect(isLeft(decodeManifest(utf8('{')))).toBe(true);
  });
});
