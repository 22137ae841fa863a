import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINDING_CODES } from '@hoso/verify';
import { citationProblem } from './citations.js';

// Every rule a finding or a refusal cites can be looked up by an inspector: an article of the
// regulation that exists (with its clause and point), a listed Thông tư article, a standard the
// project implements, or a docs/ page, section or heading that exists.
const DOCS = ['docs', ''].join('/');
const root = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every `rule: '…'` literal of the packages' sources, and the articles the ledger's rules cite. */
function citedRules(): Array<{ where: string; rule: string }> {
  const found: Array<{ where: string; rule: string }> = [];
  const packages = join(root, 'packages');
  for (const pkg of readdirSync(packages)) {
    // The store contract's rules are the conformance suite's names (`batch-atomic`), not citations.
    if (pkg.startsWith('store')) continue;
    const src = join(packages, pkg, 'src');
    if (!statSync(join(packages, pkg)).isDirectory()) continue;
    let files: string[];
    try {
      files = sources(src);
    } catch {
      continue;
    }
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\brule: '([^']+)'/g)) found.push({ where: f.slice(root.length), rule: m[1]! });
    }
  }
  const articles = readFileSync(join(root, 'packages/ledger/src/rules/articles.ts'), 'utf8');
  const table = /export const RULES = \{([\s\S]*?)\} as const/.exec(articles)![1]!;
  for (const m of table.matchAll(/^\s+\w+: '([^']+)'/gm))
    found.push({ where: 'packages/ledger/src/rules/articles.ts', rule: m[1]! });
  return found;
}

describe('rules an inspector can look up', () => {
  it('the resolver knows a real citation from a made-up one', () => {
    for (const ok of [
      'QC Điều 6.2c',
      'QC Điều 6.1, 13.2',
      'QC Điều 8.4d, TT22 Điều 12',
      'QC Điều 10',
      'QC Điều 12.3 (every correction cites its minutes)',
      'RFC 9162 §2.1.4',
      'RFC 5280 §6.1.3 (a)(1)',
      'C2SP tlog-cosignature',
      'docs/design.md §7',
      'docs/verifying.md#the-verdict',
    ])
      expect(citationProblem(ok, root), ok).toBeNull();
    for (const bad of [
      'NOTES §3',
      'handbook.pdf p. 3',
      'QC Điều 18',
      'QC Điều 6.7',
      'QC Điều 6.2d',
      'QC Điều 10.1',
      'TT22 Điều 40',
      'RFC 9999 §1',
      // Built here so that the repository's own reference check does not read them as citations.
      `${DOCS}design.md §99`,
      `${DOCS}verifying.md#no-such-heading`,
      `${DOCS}nowhere.md`,
      'C2SP tlog-witness',
      '',
    ])
      expect(citationProblem(bad, root), bad).not.toBeNull();
  });

  it('every finding code cites a rule that resolves', () => {
    const codes = Object.entries(FINDING_CODES);
    expect(codes.length).toBeGreaterThan(40);
    const broken = codes.flatMap(([code, spec]) => {
      const p = citationProblem(spec.rule, root);
      return p === null ? [] : [`${code}: ${spec.rule} — ${p}`];
    });
    expect(broken).toEqual([]);
  });

  it('every rule the ledger, the verifier and the other packages cite resolves', () => {
    const cited = citedRules();
    expect(cited.length).toBeGreaterThan(150);
    expect(cited.some((c) => c.where.includes('packages/ledger/'))).toBe(true);
    expect(cited.some((c) => c.where.includes('packages/verify/'))).toBe(true);
    const broken = cited
      // Machine names of a check (no space, not a docs/ path) are codes, not citations.
      .filter((c) => /\s/.test(c.rule) || c.rule.startsWith('docs/'))
      .flatMap((c) => {
        const p = citationProblem(c.rule, root);
        return p === null ? [] : [`${c.where}: ${c.rule} — ${p}`];
      });
    expect(broken).toEqual([]);
  });
});
