/**
 * What a `rule` may cite, and whether a citation resolves: an article (with its clause and point)
 * of the provincial regulation (QC), an article of Thông tư 22/2021/TT-BGDĐT (TT22) or 27/2020/TT-BGDĐT
 * (TT27) that hoso cites, a standard the project implements (RFC, C2SP, ETSI, CSC), or a page,
 * section or heading of this repository's docs/. docs/verifying.md#rules-an-inspector-can-look-up
 * tells an inspector where to look each one up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The regulation's articles: for each, its numbered clauses (khoản) and, per clause, the lettered
 * points (điểm) it has. An article without clauses is `{}`.
 */
export const QC_ARTICLES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: { 1: '', 2: '' },
  2: { 1: 'abcd', 2: '', 3: '' },
  3: { 1: '', 2: '', 3: '' },
  4: { 1: '', 2: '', 3: '', 4: '' },
  5: { 1: '', 2: '' },
  6: { 1: '', 2: 'abc', 3: '', 4: '', 5: '', 6: '' },
  7: { 1: '', 2: '', 3: '', 4: '' },
  8: { 1: '', 2: '', 3: '', 4: 'abcd', 5: '' },
  9: { 1: '', 2: '', 3: '' },
  10: {},
  11: {},
  12: { 1: '', 2: '', 3: '' },
  13: { 1: '', 2: '', 3: '' },
  14: {},
  15: { 1: '', 2: '', 3: '' },
  16: {},
  17: { 1: '', 2: '' },
};

/**
 * The articles of the Thông tư that hoso cites (docs/grading.md, docs/regulation.md). Clauses and
 * points are not checked for these: a citation of an article not listed here fails until it is
 * checked against the Thông tư and added.
 */
export const CIRCULAR_ARTICLES: Readonly<Record<'TT22' | 'TT27', readonly number[]>> = {
  TT22: [5, 6, 7, 8, 10, 11, 12, 13, 14, 15],
  TT27: [6, 7, 13],
};

/** Standards the project implements, by how a citation names them; a section (§…) may follow. */
export const STANDARDS: readonly string[] = [
  'RFC 2634',
  'RFC 3161',
  'RFC 4055',
  'RFC 4648',
  'RFC 5035',
  'RFC 5280',
  'RFC 5652',
  'RFC 5940',
  'RFC 6960',
  'RFC 7468',
  'RFC 8032',
  'RFC 8259',
  'RFC 8785',
  'RFC 9162',
  'C2SP signed-note',
  'C2SP tlog-checkpoint',
  'C2SP tlog-cosignature',
  'C2SP tlog-proof',
  'ETSI EN 319 122-1',
  'ETSI EN 319 142-1',
  'CSC API v2',
  // The Ministry of Science and Technology's circular on digital signatures (docs/legal.md).
  'Thông tư 15/2025/TT-BKHCN',
];

/** GitHub-style heading anchors and `## N.` section numbers of a Markdown page. */
export function headings(page: string): { anchors: Set<string>; sections: Set<string> } {
  const anchors = new Set<string>();
  const sections = new Set<string>();
  for (const m of readFileSync(page, 'utf8').matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const title = m[1]!.trim();
    anchors.add(
      title
        .toLowerCase()
        .replace(/[`*_]/g, '')
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .replace(/\s/g, '-'),
    );
    const n = /^(\d+)\./.exec(title);
    if (n) sections.add(n[1]!);
  }
  return { anchors, sections };
}

/** Why one article reference (`6.2c`, `13`, `13–14`) of the regulation does not resolve, or null. */
function qcProblem(ref: string): string | null {
  for (const one of ref.split('–')) {
    const m = /^(\d+)(?:\.(\d+))?([a-z])?$/.exec(one.trim());
    if (m === null) return `"${one}" is not an article reference`;
    const article = QC_ARTICLES[Number(m[1])];
    if (article === undefined) return `the regulation has no Điều ${m[1]}`;
    if (m[2] === undefined) {
      if (m[3] !== undefined) return `a point needs its clause: ${one}`;
      continue;
    }
    const points = article[Number(m[2])];
    if (points === undefined) return `Điều ${m[1]} has no khoản ${m[2]}`;
    if (m[3] !== undefined && !points.includes(m[3])) return `Điều ${m[1]} khoản ${m[2]} has no điểm ${m[3]}`;
  }
  return null;
}

function circularProblem(which: 'TT22' | 'TT27', ref: string): string | null {
  for (const one of ref.split('–')) {
    const m = /^(\d+)(?:\.(\d+))?([a-z])?$/.exec(one.trim());
    if (m === null) return `"${one}" is not an article reference`;
    if (!CIRCULAR_ARTICLES[which].includes(Number(m[1]))) return `${which} Điều ${m[1]} is not a listed article`;
  }
  return null;
}

/**
 * Why `rule` does not resolve, or null when every part does. A rule is one or more citations
 * separated by ", " (a bare article number continues the article citation before it), each
 * optionally followed by a remark in parentheses.
 */
export function citationProblem(rule: string, repoRoot: string): string | null {
  let scheme: 'QC' | 'TT22' | 'TT27' | null = null;
  const text = rule.replace(/(\s*\([^()]*\))+\s*$/u, '').trim();
  if (text === '') return 'empty rule';
  for (const raw of text.split(/,\s*/)) {
    const part = raw.trim();
    const article = /^(QC|TT22|TT27) Điều (.+)$/.exec(part);
    if (article !== null) {
      scheme = article[1] as 'QC' | 'TT22' | 'TT27';
      const p = scheme === 'QC' ? qcProblem(article[2]!) : circularProblem(scheme, article[2]!);
      if (p !== null) return p;
      continue;
    }
    if (/^\d/.test(part)) {
      if (scheme === null) return `"${part}" continues no article citation`;
      const p = scheme === 'QC' ? qcProblem(part) : circularProblem(scheme, part);
      if (p !== null) return p;
      continue;
    }
    scheme = null;
    const doc = /^docs\/([a-z0-9-]+\.md)(?:#([\p{L}\p{N}-]+)| §(\d+))?$/u.exec(part);
    if (doc !== null) {
      const page = join(repoRoot, 'docs', doc[1]!);
      if (!existsSync(page)) return `no page docs/${doc[1]}`;
      const h = headings(page);
      if (doc[2] !== undefined && !h.anchors.has(doc[2])) return `docs/${doc[1]} has no heading #${doc[2]}`;
      if (doc[3] !== undefined && !h.sections.has(doc[3])) return `docs/${doc[1]} has no section §${doc[3]}`;
      continue;
    }
    const standard = STANDARDS.find((s) => part === s || part.startsWith(`${s} §`));
    if (standard === undefined)
      return `"${part}" is neither the regulation, a listed Thông tư article, a standard the project implements nor a docs/ section`;
    const section = part.slice(standard.length).trim();
    if (section !== '' && !/^§\d+(\.\d+)*$/.test(section)) return `"${section}" is not a section of ${standard}`;
  }
  return null;
}
