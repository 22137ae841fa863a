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
  decodeChunk,
  decodeManifest,
  decodeSegments,
  encodeChunk,
  encodeManifest,
  encodeSegment,
  type SegmentRef,
  type SnapshotManifest,
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

describe('index snapshot encoding (segments)', () => {
  /** Cut `ix` into segments at `cuts` (sorted positions inside (0, size)), as a writer would over time. */
  function segmentsOf(ix: LedgerIndex, events: readonly IndexedEvent[], cuts: readonly number[]) {
    const ends = [...cuts, ix.size];
    const payloads: Uint8Array[] = [];
    const segments: SegmentRef[] = [];
    let from = 0;
    let streams = 0;
    for (const to of ends) {
      const after = new Set(events.slice(0, to).map((e) => e.stream)).size;
      const payload = encodeSegment(ix, from, streams, to, after);
      payloads.push(payload);
      segments.push({
        id: newEventId(),
        from,
        to,
        streams: after,
        bytes: payload.length,
        sha256: toHex(sha256(payload)),
        chunks: [segments.length],
      });
      from = to;
      streams = after;
    }
    const m: SnapshotManifest = {
      v: 2,
      ledger: 'thpt-a',
      physicalStream: 'hoso-ledger-thpt-a',
      snapshot: newEventId(),
      size: ix.size,
      root: toHex(ix.root()),
      segments,
    };
    return { payloads, m };
  }

  it('decodes segments cut anywhere to an index answering exactly as the original (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 200 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }),
        (picks, fractions) => {
          const events = eventsFor(picks);
          const ix = build(events);
          const cuts = [...new Set(fractions.map((f) => 1 + Math.floor(f * (ix.size - 1))))]
            .filter((c) => c > 0 && c < ix.size)
            .sort((a, b) => a - b);
          const { payloads, m } = segmentsOf(ix, events, cuts);
          const total = payloads.reduce((t, p) => t + p.length, 0);
          expect(total).toBeLessThan(24 * payloads.length + 52 * ix.size + 7 * 60);
          const back = decodeSegments(payloads, m);
          if (isLeft(back)) return expect.fail(back.left);
          expectMatches(back.right, events);
          // Each segment holds its own range only: the tail after a cut costs what was added.
          if (cuts.length > 0)
            expect(payloads[payloads.length - 1]!.length).toBeLessThan(
              24 + 52 * (ix.size - cuts[cuts.length - 1]!) + 7 * 60,
            );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses segments that are truncated, altered, out of order, of another size or root, or with a repeated id', () => {
    const events = eventsFor([0, 1, 0, 2, 1, 3, 0]);
    const ix = build(events);
    const { payloads, m } = segmentsOf(ix, events, [3]);
    expect(isRight(decodeSegments(payloads, m))).toBe(true);
    const rehash = (k: number, p: Uint8Array): SnapshotManifest => ({
      ...m,
      segments: m.segments.map((s, i) => (i === k ? { ...s, bytes: p.length, sha256: toHex(sha256(p)) } : s)),
    });
    const reason = (ps: Uint8Array[], mm: SnapshotManifest = m) => {
      const d = decodeSegments(ps, mm);
      return isLeft(d) ? d.left : 'accepted';
    };
    expect(reason([payloads[0]!, payloads[1]!.subarray(0, payloads[1]!.length - 1)])).toMatch(/bytes/);
    const leafFlipped = payloads[1]!.slice();
    leafFlipped[leafFlipped.length - 1]! ^= 1;
    expect(reason([payloads[0]!, leafFlipped])).toMatch(/hash differs/);
    expect(reason([payloads[0]!, leafFlipped], rehash(1, leafFlipped))).toMatch(/root/);
    expect(reason([payloads[1]!, payloads[0]!], { ...m, segments: [m.segments[1]!, m.segments[0]!] })).toMatch(
      /manifest says|starts at/,
    );
    expect(reason(payloads, { ...m, size: m.size + 1 })).toMatch(/manifest says/);
    expect(reason(payloads, { ...m, root: toHex(sha256(utf8('other'))) })).toMatch(/root/);
    // Position 1 given position 0's id (in the base).
    const dup = payloads[0]!.slice();
    const idsAt = dup.length - 52 * 3;
    dup.copyWithin(idsAt + 16, idsAt, idsAt + 16);
    expect(reason([dup, payloads[1]!], rehash(0, dup))).toMatch(/twice/);
    const magic = payloads[0]!.slice();
    magic[0] = 0;
    expect(reason([magic, payloads[1]!], rehash(0, magic))).toMatch(/magic/);
  });

  it('reads a format-1 payload (the whole index, as earlier versions wrote it) as a one-segment snapshot', () => {
    const events = eventsFor([0, 1, 0, 2, 1]);
    const ix = build(events);
    const seg = encodeSegment(ix, 0, 0, ix.size, 3);
    // Format 1: "HOSOIDX1", n, s, then the same names and records as a base segment.
    const legacy = new Uint8Array(16 + seg.length - 24);
    legacy.set(utf8('HOSOIDX1'));
    new DataView(legacy.buffer).setUint32(8, ix.size);
    new DataView(legacy.buffer).setUint32(12, 3);
    legacy.set(seg.subarray(24), 16);
    const m = decodeManifest(
      utf8(
        JSON.stringify({
          v: 1,
          ledger: 'thpt-a',
          physicalStream: 'hoso-ledger-thpt-a',
          snapshot: newEventId(),
          size: ix.size,
          root: toHex(ix.root()),
          sha256: toHex(sha256(legacy)),
          bytes: legacy.length,
          chunks: [0],
        }),
      ),
    );
    if (isLeft(m)) return expect.fail(m.left);
    const back = decodeSegments([legacy], m.right);
    if (isLeft(back)) return expect.fail(back.left);
    expectMatches(back.right, events);
  });

  it('chunks and manifests round-trip and refuse what is not theirs; format 1 is read as one segment', () => {
    const segment = '0190a4c2-7b5e-4000-8000-00000000000a';
    const data = encodeChunk(segment, 3, utf8('slice'));
    const ok = decodeChunk(data, segment, 3);
    expect(isRight(ok) && new TextDecoder().decode(ok.right)).toBe('slice');
    expect(isLeft(decodeChunk(data, segment, 2))).toBe(true);
    expect(isLeft(decodeChunk(data, '0190a4c2-7b5e-4000-8000-00000000000b', 3))).toBe(true);
    const seg: SegmentRef = {
      id: segment,
      from: 0,
      to: 5,
      streams: 2,
      bytes: 300,
      sha256: toHex(sha256(utf8('p'))),
      chunks: [4, 5],
    };
    const m: SnapshotManifest = {
      v: 2,
      ledger: 'thpt-a',
      physicalStream: 'hoso-ledger-thpt-a',
      snapshot: '0190a4c2-7b5e-4000-8000-00000000000c',
      size: 9,
      root: toHex(sha256(utf8('r'))),
      segments: [seg, { ...seg, from: 5, to: 9, streams: 3, chunks: [7] }],
    };
    const back = decodeManifest(encodeManifest(m));
    expect(isRight(back) && back.right).toEqual(m);
    for (const bad of [
      { ...m, size: 0 },
      { ...m, size: 8 },
      { ...m, segments: [] },
      { ...m, segments: [m.segments[1]] },
      { ...m, segments: [{ ...seg, chunks: [] }] },
      { ...m, root: 'zz' },
      { ...m, v: 3 },
    ]) {
      expect(isLeft(decodeManifest(encodeManifest(bad as SnapshotManifest)))).toBe(true);
    }
    expect(isLeft(decodeManifest(utf8('{')))).toBe(true);
    const v1 = {
      v: 1,
      ledger: 'thpt-a',
      physicalStream: 'hoso-ledger-thpt-a',
      snapshot: segment,
      size: 5,
      root: m.root,
      sha256: seg.sha256,
      bytes: 300,
      chunks: [4, 5],
    };
    const legacy = decodeManifest(utf8(JSON.stringify(v1)));
    expect(isRight(legacy) && legacy.right).toMatchObject({
      legacy: true,
      size: 5,
      segments: [{ id: segment, from: 0, to: 5, chunks: [4, 5] }],
    });
  });
});
