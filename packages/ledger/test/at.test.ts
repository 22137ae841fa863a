import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { formatAt } from '@hoso/ledger';

// The reference: date-fns in the IANA zone, as `at` was formatted before the fixed-offset path.
const reference = (d: Date): string =>
  format(new TZDate(d.getTime(), 'Asia/Ho_Chi_Minh'), "yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

describe('formatAt', () => {
  it('prints what the zone-aware formatter prints, over instants from 1900 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (t) => {
        const d = new Date(t);
        expect(formatAt(d)).toBe(reference(d));
      }),
      { numRuns: 20_000 },
    );
  });

  it('matches at the edges: the 1975 change, the fast range, day and year boundaries, milliseconds', () => {
    const edges = [
      Date.UTC(1975, 5, 12, 16, 0, 0) - 1,
      Date.UTC(1975, 5, 12, 16, 0, 0),
      Date.UTC(1975, 11, 31, 23, 59, 59, 999),
      Date.UTC(1976, 0, 1),
      Date.UTC(1976, 0, 1) - 1,
      Date.UTC(2024, 11, 31, 16, 59, 59, 999),
      Date.UTC(2024, 11, 31, 17, 0, 0, 0),
      Date.UTC(2024, 1, 28, 17, 0, 0, 1),
      Date.UTC(2000, 1, 29, 12, 0, 0, 10),
      Date.UTC(9999, 11, 30, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31) - 1,
      Date.UTC(9999, 11, 31),
      Date.UTC(1960, 5, 1, 3, 4, 5, 6),
      0,
    ];
    for (const t of edges) expect(formatAt(new Date(t)), new Date(t).toISOString()).toBe(reference(new Date(t)));
    expect(formatAt(new Date('2024-09-05T00:30:00.000Z'))).toBe('2024-09-05T07:30:00.000+07:00');
  });

  it('prints the +07:00 offset for every instant since 1976', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1976, 0, 1), max: Date.UTC(2100, 0, 1) }), (t) => {
        const s = formatAt(new Date(t));
        expect(s).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00$/);
        expect(Date.parse(s)).toBe(t);
      }),
      { numRuns: 2_000 },
    );
  });
});
