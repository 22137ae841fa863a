/**
 * docs/spreadsheets.md stays true to the code: every column name the vocabulary reads (or knows
 * and does not read) is listed there. (That every section a problem cites exists is
 * tests/project/references.test.ts's job: problems cite `docs/spreadsheets.md#…` literally.)
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IGNORED, LABELS } from '../src/index.js';

const doc = readFileSync(fileURLToPath(new URL('../../../docs/spreadsheets.md', import.meta.url)), 'utf8');

describe('docs/spreadsheets.md', () => {
  it('lists every column name', () => {
    const names = [...LABELS.flatMap(([, , l]) => l), ...IGNORED.flatMap(([, l]) => l)];
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });
});
