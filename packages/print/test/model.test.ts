import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  columnWidths,
  headerDepth,
  headerGrid,
  keyFingerprint,
  leafColumns,
  pageSize,
  placeDateLine,
  BLANK_PLACE,
  PrintFailure,
  renderHtml,
  shortenHex,
  slugify,
  validateDocument,
  viDate,
  viDateTime,
  viDecimal,
  type Column,
  type PrintDocument,
} from '../src/index.js';
import { isHosoFailure } from '@hoso/core';
import { ROOT } from './fixtures.js';

const doc = (over: Partial<PrintDocument> = {}): PrintDocument => ({
  title: 'Tài liệu',
  verification: { origin: 'hoso/x', size: 10, root: ROOT },
  sections: [{ orientation: 'portrait', title: 'TIÊU ĐỀ', blocks: [] }],
  ...over,
});

const MARKBOOK_HEADER: Column[] = [
  { label: 'STT' },
  { label: 'Họ và tên', width: 4 },
  { label: 'Học kỳ I', children: [{ label: 'ĐĐGtx', children: [{ label: '1' }, { label: '2' }] }, { label: 'ĐĐGgk' }] },
  { label: 'ĐTBmcn' },
];

describe('header grid', () => {
  it('spans groups over their leaves and leaves down to the last header row', () => {
    expect(headerDepth(MARKBOOK_HEADER)).toBe(3);
    expect(leafColumns(MARKBOOK_HEADER).map((c) => c.label)).toEqual(['STT', 'Họ và tên', '1', '2', 'ĐĐGgk', 'ĐTBmcn']);
    const g = headerGrid(MARKBOOK_HEADER);
    const find = (l: string) => g.cells.find((c) => c.label === l);
    expect(find('STT')).toEqual({ label: 'STT', row: 0, rowSpan: 3, col: 0, colSpan: 1 });
    expect(find('Học kỳ I')).toEqual({ label: 'Học kỳ I', row: 0, rowSpan: 1, col: 2, colSpan: 3 });
    expect(find('ĐĐGtx')).toEqual({ label: 'ĐĐGtx', row: 1, rowSpan: 1, col: 2, colSpan: 2 });
    expect(find('ĐĐGgk')).toEqual({ label: 'ĐĐGgk', row: 1, rowSpan: 2, col: 4, colSpan: 1 });
    expect(find('ĐTBmcn')).toEqual({ label: 'ĐTBmcn', row: 0, rowSpan: 3, col: 5, colSpan: 1 });
  });

  it('covers every leaf column exactly once per header row (any tree)', () => {
    const tree: fc.Arbitrary<Column[]> = fc.letrec<{ cols: Column[] }>((tie) => ({
      cols: fc.array(
        fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          fc.record({ label: fc.string({ maxLength: 3 }) }),
          fc.record({ label: fc.string({ maxLength: 3 }), children: tie('cols') }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    })).cols;
    fc.assert(
      fc.property(tree, (cols) => {
        const n = leafColumns(cols).length;
        const g = headerGrid(cols);
        for (let r = 0; r < g.depth; r++) {
          const covered = new Array<number>(n).fill(0);
          for (const c of g.cells)
            if (c.row <= r && r < c.row + c.rowSpan) for (let k = c.col; k < c.col + c.colSpan; k++) covered[k]!++;
          // A group with an empty children list is a leaf; every column is covered once on every row.
          expect(covered.every((x) => x === 1)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('shares the width in proportion to the weights', () => {
    const w = columnWidths([{ label: 'a' }, { label: 'b', width: 3 }], 100);
    expect(w).toEqual([25, 75]);
  });
});

describe('page sizes', () => {
  it('is A4 in points, landscape swapped', () => {
    expect(pageSize('portrait')).toEqual({ width: 595.28, height: 841.89 });
    expect(pageSize('landscape')).toEqual({ width: 841.89, height: 595.28 });
  });
});

describe('validateDocument', () => {
  it('accepts a minimal document', () => {
    expect(isRight(validateDocument(doc()))).toBe(true);
  });

  const cases: Array<[string, PrintDocument, string, ReadonlyArray<string | number>]> = [
    ['no sections', doc({ sections: [] }), 'print-invalid-document', ['sections']],
    ['empty title', doc({ title: ' ' }), 'print-invalid-text', ['title']],
    [
      'bad root',
      doc({ verification: { origin: 'hoso/x', size: 1, root: 'AB' } }),
      'print-invalid-verification',
      ['verification', 'root'],
    ],
    [
      'uppercase root',
      doc({ verification: { origin: 'hoso/x', size: 1, root: ROOT.toUpperCase() } }),
      'print-invalid-verification',
      ['verification', 'root'],
    ],
    [
      'index ≥ size',
      doc({ verification: { origin: 'hoso/x', size: 5, root: ROOT, index: 5 } }),
      'print-invalid-verification',
      ['verification', 'index'],
    ],
    [
      'fractional size',
      doc({ verification: { origin: 'hoso/x', size: 1.5, root: ROOT } }),
      'print-invalid-verification',
      ['verification', 'size'],
    ],
    [
      'origin with space',
      doc({ verification: { origin: 'hoso x', size: 1, root: ROOT } }),
      'print-invalid-verification',
      ['verification', 'origin'],
    ],
    [
      'control character',
      doc({ sections: [{ orientation: 'portrait', title: 'T', blocks: [{ kind: 'paragraph', text: 'a\u0007b' }] }] }),
      'print-invalid-text',
      ['sections', 0, 'blocks', 0, 'text'],
    ],
    [
      'lone surrogate',
      doc({ sections: [{ orientation: 'portrait', title: 'T', subtitle: ['x\ud800'], blocks: [] }] }),
      'print-invalid-text',
      ['sections', 0, 'subtitle', 0],
    ],
    [
      'row narrower than header',
      doc({
        sections: [
          {
            orientation: 'landscape',
            title: 'T',
            blocks: [{ kind: 'table', columns: MARKBOOK_HEADER, rows: [['1', 'A', '8', '9', '7']] }],
          },
        ],
      }),
      'print-table-shape',
      ['sections', 0, 'blocks', 0, 'rows', 0],
    ],
    [
      'correction without minutes',
      doc({
        sections: [
          {
            orientation: 'portrait',
            title: 'T',
            blocks: [
              {
                kind: 'table',
                columns: [{ label: 'a' }],
                rows: [[{ text: '9', correction: { old: '6', minutes: '' } }]],
              },
            ],
          },
        ],
      }),
      'print-invalid-text',
      ['sections', 0, 'blocks', 0, 'rows', 0, 0, 'correction', 'minutes'],
    ],
    [
      'bad orientation',
      doc({ sections: [{ orientation: 'sideways' as 'portrait', title: 'T', blocks: [] }] }),
      'print-invalid-document',
      ['sections', 0, 'orientation'],
    ],
    [
      'five signatures',
      doc({
        sections: [
          {
            orientation: 'portrait',
            title: 'T',
            blocks: [{ kind: 'signatures', items: Array.from({ length: 5 }, () => ({ title: 'A', name: 'B' })) }],
          },
        ],
      }),
      'print-invalid-document',
      ['sections', 0, 'blocks', 0, 'items'],
    ],
    [
      'unknown block',
      doc({ sections: [{ orientation: 'portrait', title: 'T', blocks: [{ kind: 'image' } as never] }] }),
      'print-invalid-document',
      ['sections', 0, 'blocks', 0, 'kind'],
    ],
  ];
  it.each(cases)('rejects %s', (_n, d, code, path) => {
    const r = validateDocument(d);
    expect(isLeft(r)).toBe(true);
    if (isLeft(r)) {
      expect(r.left.code).toBe(code);
      expect(r.left.path).toEqual(path);
      expect(typeof r.left.rule).toBe('string');
    }
  });

  it('cites QC Điều 12.3 for a correction without minutes', () => {
    const r = validateDocument(cases[10]![1]);
    expect(isLeft(r) && r.left.rule).toMatch(/QC Điều 12\.3/);
  });
});

describe('text helpers', () => {
  it('shortens a hash visibly and keeps short values', () => {
    expect(shortenHex(ROOT)).toBe(`${ROOT.slice(0, 8)}…${ROOT.slice(-8)}`);
    expect(shortenHex('abcd')).toBe('abcd');
  });
  it('prints decimals with a comma and dates day first', () => {
    expect(viDecimal('8.5')).toBe('8,5');
    expect(viDecimal('10')).toBe('10');
    expect(viDecimal('Đ')).toBe('Đ');
    expect(viDate('2009-03-15')).toBe('15/03/2009');
    expect(placeDateLine('Gia Nghĩa', '2025-05-31')).toBe('Gia Nghĩa, ngày 31 tháng 5 năm 2025');
  });
  it('writes RFC 3339 times as dd/MM/yyyy HH:mm in Vietnam time, whatever the offset, and other text unchanged', () => {
    expect(viDateTime('2025-05-26T07:30:31.000+07:00')).toBe('26/05/2025 07:30');
    expect(viDateTime('2025-05-26T00:30:31Z')).toBe('26/05/2025 07:30');
    expect(viDateTime('2025-12-31T20:15:00-05:00')).toBe('01/01/2026 08:15');
    expect(viDateTime('2025-05-26 07:30+07:00')).toBe('26/05/2025 07:30');
    expect(viDateTime('sáng 26/5')).toBe('sáng 26/5');
    expect(viDateTime('2025-13-45T99:00:00Z')).toBe('2025-13-45T99:00:00Z');
  });
  it('leaves the place of the date line blank for the clerk when none is given', () => {
    expect(placeDateLine(undefined, '2025-05-31')).toBe(`${BLANK_PLACE}, ngày 31 tháng 5 năm 2025`);
    expect(placeDateLine('  ', '2025-05-31')).toBe(`${BLANK_PLACE}, ngày 31 tháng 5 năm 2025`);
  });
  it('fingerprints a 32-byte key and refuses anything else', () => {
    const key = Buffer.alloc(32, 7).toString('base64url');
    expect(keyFingerprint(key)).toMatch(/^[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}$/);
    expect(keyFingerprint(Buffer.alloc(31).toString('base64url'))).toBeUndefined();
    expect(keyFingerprint(`${key.slice(0, 42)}+`)).toBeUndefined();
  });
  it('makes ASCII file names from Vietnamese titles', () => {
    expect(slugify('Học bạ — Nguyễn Thị Hồng Nhung — Lớp 10A1')).toBe('hoc-ba-nguyen-thi-hong-nhung-lop-10a1');
    expect(slugify('Đỗ Đức')).toBe('do-duc');
    expect(slugify('—')).toBe('document');
  });
});

describe('errors', () => {
  it('have core’s one shape: code, message, a path (empty for the whole input), a rule, typed details', () => {
    const whole = validateDocument(null as unknown as PrintDocument);
    expect(isLeft(whole) && whole.left).toMatchObject({ code: 'print-invalid-document', path: [] });
    expect(isLeft(whole) && whole.left.rule).toMatch(/docs\/printing\.md/);
    const noSections = validateDocument({ ...doc(), sections: [] });
    expect(isLeft(noSections) && noSections.left).toMatchObject({ code: 'print-invalid-document', path: ['sections'] });
    expect(isLeft(noSections) && 'details' in noSections.left).toBe(false);
    const row = validateDocument(
      doc({
        sections: [
          {
            orientation: 'portrait',
            title: 'T',
            blocks: [{ kind: 'table', columns: [{ label: 'A' }, { label: 'B' }], rows: [['1']] }],
          },
        ],
      }),
    );
    expect(isLeft(row) && row.left).toMatchObject({
      code: 'print-table-shape',
      path: ['sections', 0, 'blocks', 0, 'rows', 0],
      details: { expected: 2, actual: 1 },
    });
  });
  it('travel in a PrintFailure, which is core’s HosoFailure', () => {
    let thrown: unknown;
    try {
      renderHtml({ ...doc(), sections: [] });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PrintFailure);
    expect(isHosoFailure(thrown)).toBe(true);
    expect((thrown as PrintFailure).code).toBe('print-invalid-document');
  });
});
