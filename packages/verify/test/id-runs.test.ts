import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEventId } from '@hoso/core';
import { DuplicateIdFinder, type DuplicateId } from '../src/id-runs.js';

/**
 * The bounded-memory duplicate finder against the obvious model (a Map of first positions): the
 * same later occurrences, whether everything fits in memory or the ids are spilled as many sorted
 * runs, with duplicates inside one run, across runs and exactly at run boundaries; and the
 * temporary file never outlives the finder, errors included.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-idruns-'));
});

/** What a Map of first positions says: every later occurrence, with its first position. */
function model(ids: readonly string[]): Array<{ id: string; first: number; position: number }> {
  const first = new Map<string, number>();
  const out: Array<{ id: string; first: number; position: number }> = [];
  ids.forEach((id, p) => {
    const f = first.get(id);
    if (f === undefined) first.set(id, p);
    else out.push({ id, first: f, position: p });
  });
  return out.sort((a, b) => a.position - b.position);
}

function run(
  ids: readonly string[],
  bufferRecords: number,
  tempDir = dir,
): { dups: DuplicateId[]; runs: number; failure: ReturnType<DuplicateIdFinder['finish']> } {
  const finder = new DuplicateIdFinder({ bufferRecords, tempDir });
  ids.forEach((id, p) => finder.add(id, p, p % 7));
  const runs = finder.spilledRuns;
  const dups: DuplicateId[] = [];
  const failure = finder.finish((d) => dups.push(d));
  finder.dispose();
  return { dups, runs, failure };
}

const plain = (ds: readonly DuplicateId[]) =>
  ds.map((d) => ({ id: d.id, first: d.first, position: d.position })).sort((a, b) => a.position - b.position);
const tempFiles = (d = dir) => readdirSync(d).filter((f) => f.startsWith('hoso-verify-ids-'));

describe('DuplicateIdFinder', () => {
  it('matches the model in memory and spilled, for any buffer size (duplicates within, across and at run boundaries)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        (pool, picks, buffer) => {
          const ids = picks.map((i) => pool[i % pool.length]!);
          const got = run(ids, buffer);
          expect(got.failure).toBeNull();
          expect(plain(got.dups)).toEqual(model(ids));
          expect(got.runs).toBe(ids.length > buffer ? Math.floor((ids.length - 1) / buffer) : 0);
          // The site is the later occurrence's: its stream number came with it.
          for (const d of got.dups) expect(d.stream).toBe(d.position % 7);
        },
      ),
      { numRuns: 150 },
    );
    expect(tempFiles()).toEqual([]);
  });

  it('finds a duplicate whose two occurrences are the last of one run and the first of the next', () => {
    const ids = Array.from({ length: 12 }, () => newEventId());
    ids[4] = ids[3]!; // buffer of 4: positions 0–3 are run 1, 4–7 run 2
    const got = run(ids, 4);
    expect(got.runs).toBe(2);
    expect(plain(got.dups)).toEqual([{ id: ids[3], first: 3, position: 4 }]);
  });

  it('reports every later occurrence of an id seen many times, across many runs', () => {
    const a = newEventId();
    const ids = Array.from({ length: 500 }, (_, p) => (p % 50 === 7 ? a : newEventId()));
    const got = run(ids, 16);
    expect(got.runs).toBe(31);
    expect(plain(got.dups)).toEqual(model(ids));
    expect(got.dups.map((d) => d.first)).toEqual(Array(9).fill(7));
  });

  it('keeps a log that fits in the buffer in memory, and spills a larger one to one temporary file', () => {
    const small = new DuplicateIdFinder({ bufferRecords: 100, tempDir: dir });
    for (let p = 0; p < 100; p++) small.add(newEventId(), p, 0);
    expect(small.spilledRuns).toBe(0);
    expect(small.tempFile).toBeNull();
    expect(small.finish(() => undefined)).toBeNull();

    const big = new DuplicateIdFinder({ bufferRecords: 10, tempDir: dir });
    for (let p = 0; p < 35; p++) big.add(newEventId(), p, 0);
    expect(big.spilledRuns).toBe(3);
    const file = big.tempFile;
    expect(file).not.toBeNull();
    expect(existsSync(file!)).toBe(true);
    expect(tempFiles()).toHaveLength(1);
    expect(big.finish(() => undefined)).toBeNull();
    expect(existsSync(file!)).toBe(false);
    expect(big.tempFile).toBeNull();
  });

  it('removes the temporary file when the consumer throws during the merge, and on dispose without finish', () => {
    const ids = Array.from({ length: 30 }, () => newEventId());
    ids[20] = ids[2]!;
    const f1 = new DuplicateIdFinder({ bufferRecords: 8, tempDir: dir });
    ids.forEach((id, p) => f1.add(id, p, 0));
    expect(tempFiles()).toHaveLength(1);
    expect(() =>
      f1.finish(() => {
        throw new Error('consumer failed');
      }),
    ).toThrow('consumer failed');
    expect(tempFiles()).toEqual([]);

    const f2 = new DuplicateIdFinder({ bufferRecords: 8, tempDir: dir });
    ids.forEach((id, p) => f2.add(id, p, 0));
    expect(tempFiles()).toHaveLength(1);
    f2.dispose();
    f2.dispose();
    expect(tempFiles()).toEqual([]);
  });

  it('reports a temporary file that cannot be written as a failure (no throw), and leaves nothing behind', () => {
    const gone = mkdtempSync(join(tmpdir(), 'hoso-idruns-gone-'));
    rmSync(gone, { recursive: true });
    const ids = Array.from({ length: 20 }, () => newEventId());
    const got = run(ids, 5, gone);
    expect(got.failure?.code).toBe('temp-file-failed');
    expect(got.dups).toEqual([]);
    expect(existsSync(gone)).toBe(false);
  });

  it('refuses a bad buffer size, an id that is not a UUID (core admits only UUIDs) and a position it cannot hold', () => {
    expect(() => new DuplicateIdFinder({ bufferRecords: 0, tempDir: dir })).toThrow(RangeError);
    const f = new DuplicateIdFinder({ bufferRecords: 4, tempDir: dir });
    expect(() => f.add('not-a-uuid', 0, 0)).toThrow(RangeError);
    expect(() => f.add(newEventId(), 2 ** 32, 0)).toThrow(RangeError);
    expect(() => f.add(newEventId(), -1, 0)).toThrow(RangeError);
    f.dispose();
  });
});
