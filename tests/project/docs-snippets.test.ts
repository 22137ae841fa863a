import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Every ```ts block in the READMEs (the repository's and each package's) and docs/ typechecks against the built
// packages, so an API
// that changes breaks the docs' examples here rather than in a reader's editor. Blocks are
// excerpts: names they use without declaring (a `teacherSeed`, a `store` made earlier on the
// page) are allowed, everything else — imports, exported names, argument and property types —
// must be right. A block fenced as ```ts sketch is an outline (signatures, `...`) and is skipped.
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

/** "Cannot find name" (with or without a suggestion, or in a shorthand property): an excerpt's free variables. */
const FREE_NAME = new Set([2304, 2552, 18004]);

interface Snippet {
  readonly page: string;
  readonly line: number;
  readonly code: string;
}

function snippets(page: string): Snippet[] {
  const out: Snippet[] = [];
  const text = readFileSync(join(root, page), 'utf8');
  for (const m of text.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```/gm)) {
    if (/\bsketch\b/.test(m[1]!)) continue;
    out.push({ page, line: text.slice(0, m.index).split('\n').length + 1, code: m[2]! });
  }
  return out;
}

describe('documentation code', () => {
  it('every ```ts block typechecks against the built packages', () => {
    const all = pages.flatMap(snippets);
    expect(all.length).toBeGreaterThan(10);
    // Inside the repository, so `@hoso/*` and fp-ts resolve through node_modules as for a user.
    const dir = join(root, '.tmp', 'docs-snippets');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = all.map((s, i) => {
      const file = join(dir, `${s.page.replace(/[/.]/g, '_')}_${i}.ts`);
      // Each block is its own module (top-level await allowed, no name clashes between blocks).
      writeFileSync(file, `${s.code}\nexport {};\n`);
      return { file, snippet: s };
    });
    try {
      const program = ts.createProgram(
        files.map((f) => f.file),
        {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          lib: ['lib.es2022.d.ts'],
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          verbatimModuleSyntax: true,
        },
      );
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => !FREE_NAME.has(d.code))
        .map((d) => {
          const f = files.find((x) => x.file === d.file?.fileName);
          const where =
            f === undefined
              ? (d.file?.fileName ?? '?')
              : `${f.snippet.page}:${f.snippet.line + d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line}`;
          return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
