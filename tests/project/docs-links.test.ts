import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every relative link in the READMEs (the repository's and each package's) and docs/ points at a file (and, for
// #anchors into a
// Markdown file, at a heading) that exists: a reader must be able to follow the docs alone.
const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'packages'))
    .filter((d) => existsSync(join(root, 'packages', d, 'README.md')))
    .map((d) => `packages/${d}/README.md`),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub-style heading anchors of a Markdown file. */
function anchors(file: string): Set<string> {
  const out = new Set<string>();
  for (const m of readFileSync(file, 'utf8').matchAll(/^#{1,6}\s+(.+)$/gm)) {
    out.add(
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[`*_]/g, '')
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return out;
}

describe('documentation links', () => {
  it.each(pages)('%s: relative links resolve', (page) => {
    const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const href = m[1]!;
      if (/^[a-z]+:/.test(href) || href.startsWith('#')) continue;
      const [path, anchor] = href.split('#') as [string, string | undefined];
      const target = resolve(dirname(join(root, page)), path);
      if (!existsSync(target)) broken.push(href);
      else if (anchor !== undefined && target.endsWith('.md') && !anchors(target).has(anchor)) broken.push(href);
    }
    expect(broken).toEqual([]);
  });
});
