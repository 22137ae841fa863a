import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { seededRng, uuidV7At, renderTable, trustAnchors, CliError } from '@hoso/cli';

describe('seeded generator and ids', () => {
  it('the same seed and label give the same sequence; another label another one', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (seed, label) => {
        const a = seededRng(seed, label);
        const b = seededRng(seed, label);
        const c = seededRng(seed, label + 'x');
        const xs = Array.from({ length: 8 }, () => a.next());
        expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs);
        expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs);
        expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('ids are UUID v7 carrying the clock time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.string(), (ms, seed) => {
        const id = uuidV7At(ms, seededRng(seed, 'ids'));
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
      }),
      { numRuns: 100 },
    );
  });
});

describe('tables', () => {
  it('pads Vietnamese text by letters and right-aligns numbers', () => {
    const t = renderTable(
      ['Tên', 'Điểm'],
      [
        ['Nguyễn Thị Lan', '8.5'],
        ['An', '10'],
      ],
      new Set([1]),
    );
    const lines = t.trimEnd().split('\n');
    expect(lines[2]).toBe('Nguyễn Thị Lan   8.5');
    expect(lines[3]).toBe('An' + ' '.repeat(16) + '10');
  });
});

describe('trust anchors', () => {
  it('sorts root keys, seal keys and witness keys by their form, and refuses secrets', () => {
    const root = 'vtpuqqDbXdmXyWK1vh9-sUBtw7gLu9jpq3PVv8dGLHA';
    const seal = 'hoso/test+0876762b+AT2YzeSEEOi1aVEYV8TO8g40lemy8943O7HlHYtmpVDr';
    const witness = 'hoso/test+5c4b2c17+BD2YzeSEEOi1aVEYV8TO8g40lemy8943O7HlHYtmpVDr';
    expect(trustAnchors({ trust: [root, seal, witness] })).toEqual({
      rootKeys: [root],
      sealKeys: [seal],
      witnessKeys: [witness],
    });
    expect(() => trustAnchors({ trust: ['PRIVATE+KEY+x+00000000+AAAA'] })).toThrow(CliError);
    try {
      trustAnchors({ trust: ['nonsense'] });
    } catch (e) {
      expect((e as CliError).exitCode).toBe(2);
      expect((e as CliError).problem.where).toBe('--trust');
    }
  });
});
