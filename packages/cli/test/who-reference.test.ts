import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parseWhoReference, CliError } from '@hoso/cli';

const problem = (f: () => unknown): { code: string; message: string; where?: string } => {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return { ...e.problem, code: e.problem.code };
    throw e;
  }
  throw new Error('expected a CliError');
};

describe('WHO reference file (hoso print --who-reference)', () => {
  const ref = parseWhoReference(
    JSON.stringify({
      source: 'test',
      'weight-for-age': {
        F: [
          [0, 0.38, 3.2, 0.14],
          [10, 0.3, 3.5, 0.13],
          [20, 0.2, 3.9, 0.12],
        ],
      },
      'weight-for-height': {
        M: [
          [65, -0.35, 7.4, 0.09],
          [65.5, -0.35, 7.5, 0.09],
        ],
      },
    }),
    'who.json',
  );

  it('takes the row at or just below x; outside the table, or for a table not given, nothing', () => {
    expect(ref.source).toBe('test');
    expect(ref.lookup({ indicator: 'weight-for-age', sex: 'F', ageDays: 0 })).toEqual({ L: 0.38, M: 3.2, S: 0.14 });
    expect(ref.lookup({ indicator: 'weight-for-age', sex: 'F', ageDays: 15 })).toEqual({ L: 0.3, M: 3.5, S: 0.13 });
    expect(ref.lookup({ indicator: 'weight-for-age', sex: 'F', ageDays: 20 })).toEqual({ L: 0.2, M: 3.9, S: 0.12 });
    expect(ref.lookup({ indicator: 'weight-for-age', sex: 'F', ageDays: 21 })).toBeNull();
    expect(ref.lookup({ indicator: 'weight-for-age', sex: 'F', ageDays: -1 })).toBeNull();
    expect(ref.lookup({ indicator: 'weight-for-age', sex: 'M', ageDays: 5 })).toBeNull();
    expect(ref.lookup({ indicator: 'height-for-age', sex: 'F', ageDays: 5 })).toBeNull();
    expect(ref.lookup({ indicator: 'weight-for-height', sex: 'M', ageDays: 700, heightCm: 65.2 })).toEqual({
      L: -0.35,
      M: 7.4,
      S: 0.09,
    });
    expect(ref.lookup({ indicator: 'weight-for-height', sex: 'M', ageDays: 700 })).toBeNull();
  });

  it('any x inside the table finds the greatest row at or below it', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: -10, max: 2010 }),
        (xs, q) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const r = parseWhoReference(
            JSON.stringify({ 'height-for-age': { M: sorted.map((x) => [x, 1, 50 + x, 0.04]) } }),
            'f',
          );
          const below = sorted.filter((x) => x <= q);
          const expected =
            q > sorted[sorted.length - 1]! || below.length === 0
              ? null
              : { L: 1, M: 50 + below[below.length - 1]!, S: 0.04 };
          expect(r.lookup({ indicator: 'height-for-age', sex: 'M', ageDays: q })).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a malformed file with exit 2, naming the option and the JSON path', () => {
    const cases: Array<[string, string]> = [
      ['not json', 'not JSON'],
      ['[]', 'must be a JSON object'],
      ['{}', 'holds no table'],
      ['{"weight-for-age": {"X": []}}', 'weight-for-age.X'],
      ['{"bmi": {}}', 'bmi: unknown field'],
      ['{"weight-for-age": {"F": [[0, 1, 3]]}}', 'weight-for-age.F[0]'],
      ['{"weight-for-age": {"F": [[0, 1, 0, 0.1]]}}', 'M and S must be greater than 0'],
      ['{"weight-for-age": {"F": [[5, 1, 3, 0.1], [5, 1, 3, 0.1]]}}', 'strictly increasing'],
      ['{"source": "", "weight-for-age": {"F": []}}', 'source: must be non-empty text'],
    ];
    for (const [text, says] of cases) {
      const p = problem(() => parseWhoReference(text, 'who.json'));
      expect(p.code, text).toBe('invalid-who-reference');
      expect(p.where).toBe('--who-reference');
      expect(p.message, text).toContain(says);
      expect(p.message).toContain('who.json');
    }
  });
});
