/**
 * The write side's modules import one way: no module reaches itself through its imports (an import
 * circle makes the order modules load in decide what a constant is, and tangles rooms that should
 * have one job each). Walks the relative imports of every source file, as written.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * The relative imports of a module (`import … from './x.js'`, `export … from`, `import('./x.js')`),
 * as source paths.
 */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g))
    out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return out;
}

/** Every import circle of the graph, each as the files along it (one per circle found by depth-first search). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

describe('@hoso/ledger imports', () => {
  it('form no circle', () => {
    const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)]));
    const shown = circles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '));
    expect(shown).toEqual([]);
  });

  it('the walk finds a circle where there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(importsOf(join(SRC, 'decide.ts'))).toContain(join(SRC, 'rules', 'index.ts'));
  });
});
