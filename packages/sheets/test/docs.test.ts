/**
 * docs/spreadsheets.md stays true to the code: every column name the vocabulary reads (or knows
 * and does not read) is listed there, and every section a problem cites exists.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IGNORED, LABELS } from '../src/index.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/spreadsheets.md', import.meta.url)), 'utf8');
const src = fileURLToPath(new URL('../src/', import.meta.url));

describe('docs/spreadsheets.md', () => {
  it('lists every column name', () => {
    const names = [...LABELS.flatMap(([, , l]) => l), ...IGNORED.flatMap(([, l]) => l)];
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  it('has every section a problem cites', () => {
    const anchors = new Set(
      [...doc.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[`*_]/g, '')
          .replace(/[^\p{L}\p{N}\s-]/gu, '')
          .replace(/\s/g, '-'),
      ),
    );
    const cited = readdirSync(src)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(src + f, 'utf8').matchAll(/\$\{DOC\}#([a-z-]+)|spreadsheets\.md#([a-z-]+)/g)])
      .map((m) => m[1] ?? m[2]!);
    expect(cited.length).toBeGreaterThan(5);
    expect([...new Set(cited)].filter((a) => !anchors.has(a))).toEqual([]);
  });
});
