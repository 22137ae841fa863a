import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import {
  correctionMinutesDocument,
  printAll,
  renderHtml,
  renderPdf,
  transcriptDocument,
  type PrintDocument,
  type PrintError,
} from '../src/index.js';
import { META, minutes, transcript } from './fixtures.js';

function ok<A>(e: Either<PrintError, A>): A {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
}

describe('printAll', () => {
  const t = ok(transcriptDocument(transcript(), META));
  const m = ok(correctionMinutesDocument(minutes(), META));

  it('writes a PDF and an HTML file per document into a new folder', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hoso-print-'));
    try {
      const dir = join(base, 'print');
      const r = await printAll(dir, [
        { name: 'hoc-ba-nhung', document: t },
        { name: 'bien-ban-03', document: m },
      ]);
      expect(isRight(r) && r.right).toEqual(
        ['hoc-ba-nhung.pdf', 'hoc-ba-nhung.html', 'bien-ban-03.pdf', 'bien-ban-03.html'].map((f) => join(dir, f)),
      );
      expect(readdirSync(dir).sort()).toEqual([
        'bien-ban-03.html',
        'bien-ban-03.pdf',
        'hoc-ba-nhung.html',
        'hoc-ba-nhung.pdf',
      ]);
      expect(readFileSync(join(dir, 'hoc-ba-nhung.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(readFileSync(join(dir, 'bien-ban-03.html'), 'utf8')).toContain('BIÊN BẢN SỬA CHỮA DỮ LIỆU');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('writes only the formats asked for', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hoso-print-'));
    try {
      const r = await printAll(base, [{ name: 'a', document: t }], { formats: ['html'] });
      expect(isRight(r)).toBe(true);
      expect(readdirSync(base)).toEqual(['a.html']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  const bad: Array<[string, Array<{ name: string; document: PrintDocument }>, ReadonlyArray<string | number>, string]> =
    [
      ['a path as a name', [{ name: '../x', document: t }], [0, 'name'], 'print-invalid-input'],
      [
        'the same name twice',
        [
          { name: 'a', document: t },
          { name: 'a', document: m },
        ],
        [1, 'name'],
        'print-invalid-input',
      ],
      [
        'an invalid second document',
        [
          { name: 'a', document: t },
          { name: 'b', document: { ...m, verification: { ...m.verification, size: -1 } } },
        ],
        [1, 'document', 'verification', 'size'],
        'print-invalid-verification',
      ],
      [
        'an unprintable character',
        [
          { name: 'a', document: t },
          { name: 'b', document: { ...m, sections: [{ ...m.sections[0]!, title: 'Biên bản 漢' }] } },
        ],
        [1, 'document', 'sections', 0, 'title'],
        'print-missing-glyph',
      ],
    ];
  it.each(bad)('writes nothing for %s', async (_n, jobs, path, code) => {
    const base = mkdtempSync(join(tmpdir(), 'hoso-print-'));
    try {
      const dir = join(base, 'out');
      const r = await printAll(dir, jobs);
      expect(isLeft(r) && r.left).toMatchObject({ code, path });
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('reports a folder it cannot write as a typed error', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hoso-print-'));
    try {
      const file = join(base, 'file');
      await printAll(base, [{ name: 'file', document: t }], { formats: ['html'] });
      const r = await printAll(join(base, 'file.html', 'sub'), [{ name: 'a', document: t }], { formats: ['html'] });
      expect(isLeft(r) && r.left.code).toBe('print-write-failed');
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('writes the very bytes each document renders to, one document after the other', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hoso-print-'));
    try {
      const creationDate = new Date('2025-05-30T03:00:00Z');
      const seen: string[] = [];
      const r = await printAll(
        base,
        [
          { name: 't', document: t },
          { name: 'm', document: m },
        ],
        { creationDate, onDocument: (n) => seen.push(n) },
      );
      expect(isRight(r)).toBe(true);
      expect(seen).toEqual(['t', 'm']);
      for (const [name, doc] of [
        ['t', t],
        ['m', m],
      ] as const) {
        expect(Buffer.compare(readFileSync(join(base, `${name}.pdf`)), await renderPdf(doc, { creationDate }))).toBe(0);
        expect(readFileSync(join(base, `${name}.html`), 'utf8')).toBe(renderHtml(doc, { embedFonts: false }));
      }
      expect(readdirSync(base).sort()).toEqual(['m.html', 'm.pdf', 't.html', 't.pdf']);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('leaves the folder as it was when a file cannot be put in place', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hoso-print-'));
    try {
      writeFileSync(join(base, 'a.html'), 'earlier print');
      mkdirSync(join(base, 'b.html'));
      const r = await printAll(
        base,
        [
          { name: 'a', document: t },
          { name: 'b', document: m },
        ],
        { formats: ['html'] },
      );
      expect(isLeft(r) && r.left).toMatchObject({ code: 'print-write-failed', path: ['dir'] });
      expect(readdirSync(base).sort()).toEqual(['a.html', 'b.html']);
      expect(readFileSync(join(base, 'a.html'), 'utf8')).toBe('earlier print');
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
