import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The README's two commands are the project's front door: every `npm run <script>` it names must
// exist, and every file those scripts run must be in the repository.
const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> })
  .scripts;

describe('README commands', () => {
  it('opens with the install-and-demo command and the test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });

  it('every npm script the README names exists, and every file a script runs is in the repository', () => {
    const named = new Set([...readme.matchAll(/npm run (?:-s )?([a-z][a-z-]*)/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(0);
    for (const s of named) expect(scripts[s], `npm run ${s}`).toBeTypeOf('string');
    for (const [name, cmd] of Object.entries(scripts)) {
      for (const m of cmd.matchAll(/node (?:--[a-z-]+ )*([\w./-]+\.m?js)/g))
        expect(existsSync(`${root}${m[1]}`), `script ${name}: ${m[1]}`).toBe(true);
    }
  });
});
