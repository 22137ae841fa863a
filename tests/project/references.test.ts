import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headings } from './citations.js';

// The project stands on its own: code, errors, --help, findings and docs cite only documents the
// repository holds (or public standards). A citation of `docs/<page>.md`, with an optional
// `#anchor` or `§N`, must name a page that exists and a heading on it.
const root = fileURLToPath(new URL('../../', import.meta.url));
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mts|mjs|js|md|json|html|txt)$/.test(f) && !f.endsWith('package-lock.json'))
  .filter((f) => !f.startsWith('tests/project/references.test.ts') && existsSync(join(root, f)));

// Background notes that are not part of the repository, by the ways they have been cited.
const OUTSIDE = /\b(DESIGN|DOMAIN|REFERENCES|LEGAL)(\.md\b| ?§)/;

describe('references', () => {
  it('no file cites a document outside the repository', () => {
    const found: string[] = [];
    for (const f of files) {
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (OUTSIDE.test(line)) found.push(`${f}:${i + 1}: ${line.trim().slice(0, 100)}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('every docs/<page>.md citation names a page, a heading and a section that exist', () => {
    const broken: string[] = [];
    const cache = new Map<string, ReturnType<typeof headings>>();
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      for (const m of text.matchAll(/\bdocs\/([a-z0-9-]+\.md)(#[\p{L}\p{N}-]+)?(?: ?§ ?(\d+))?/gu)) {
        const page = join(root, 'docs', m[1]!);
        if (!existsSync(page)) {
          broken.push(`${f}: ${m[0]} (no such page)`);
          continue;
        }
        const h = cache.get(page) ?? headings(page);
        cache.set(page, h);
        if (m[2] !== undefined && !h.anchors.has(m[2].slice(1))) broken.push(`${f}: ${m[0]} (no such heading)`);
        if (m[3] !== undefined && !h.sections.has(m[3])) broken.push(`${f}: ${m[0]} (no such section)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
