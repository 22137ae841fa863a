import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../../scripts/packaging.mjs';
import { inspectPackage, releaseCheck } from '../../scripts/release-check.mjs';

// `npm run release:check` runs in CI too: every tarball as it would be published passes it, and
// each kind of packaging mistake it exists to catch is caught.

describe('release check', () => {
  it('passes on every package as packed now', async () => {
    const { problems, packed } = await releaseCheck();
    expect(problems).toEqual([]);
    expect(packed.length).toBeGreaterThanOrEqual(9);
  }, 180_000);

  it('names each packaging mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-bad-package-'));
    const src = mkdtempSync(join(tmpdir(), 'hoso-bad-source-'));
    try {
      mkdirSync(join(dir, 'dist/test'), { recursive: true });
      mkdirSync(join(src, 'src'), { recursive: true });
      writeFileSync(join(src, 'src/index.ts'), '');
      const manifest = {
        name: '@hoso/bad',
        version: '0.0.9',
        type: 'module',
        license: 'Apache-2.0',
        engines: { node: '>=20' },
        sideEffects: false,
        exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './extra': './dist/extra.js' },
        dependencies: { '@hoso/core': '0.0.8', 'left-pad': '^1.3.0' },
      };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
      writeFileSync(join(dir, 'README.md'), '# bad\n');
      writeFileSync(
        join(dir, 'dist/index.js'),
        "import { pipe } from 'fp-ts/lib/function.js';\nimport { x } from '@hoso/core';\nexport const y = pipe(x);\n",
      );
      writeFileSync(
        join(dir, 'dist/index.d.ts'),
        "import type { Readable } from 'node:stream';\nexport declare const y: Buffer;\nexport type R = Readable;\n",
      );
      writeFileSync(join(dir, 'dist/stale.js'), 'export {};\n');
      writeFileSync(join(dir, 'dist/stale.d.ts'), 'export {};\n');
      writeFileSync(join(dir, 'dist/test/a.test.js'), '');
      writeFileSync(join(dir, 'dist/.tsbuildinfo'), '{}');
      writeFileSync(join(dir, 'dist/index.js.map'), JSON.stringify({ version: 3, sources: ['../src/index.ts'] }));
      const problems = await inspectPackage({
        dir,
        sourceDir: src,
        version: '0.1.0',
        group: new Set(['@hoso/core', '@hoso/bad']),
      });
      const expected = [
        "version 0.0.9, not the group's 0.1.0",
        "depends on @hoso/core@0.0.8, not the group's 0.1.0",
        'LICENSE missing',
        'entry point dist/extra.js is not in the tarball',
        'test file dist/test/a.test.js is published',
        'build info dist/.tsbuildinfo is published',
        'dist/stale.js has no source (stale output: delete dist/ and build again)',
        'dist/test/a.test.js has no .d.ts',
        'dist/index.js.map names a source src/index.ts that is not published',
        'dist/index.js needs fp-ts, which is not a dependency',
        'dist/index.d.ts needs @types/node, which is not a dependency',
        'declares left-pad but never imports it',
      ];
      for (const e of expected) expect(problems).toContain(`@hoso/bad: ${e}`);

      // The same package put right passes.
      copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src/index.ts'), '');
      writeFileSync(join(src, 'src/extra.ts'), '');
      writeFileSync(join(dir, 'dist/extra.js'), 'export {};\n');
      writeFileSync(join(dir, 'dist/extra.d.ts'), 'export {};\n');
      rmSync(join(dir, 'dist/stale.js'));
      rmSync(join(dir, 'dist/stale.d.ts'));
      rmSync(join(dir, 'dist/test'), { recursive: true });
      rmSync(join(dir, 'dist/.tsbuildinfo'));
      const fixed = {
        ...manifest,
        version: '0.1.0',
        exports: {
          '.': { types: './dist/index.d.ts', default: './dist/index.js' },
          './extra': { types: './dist/extra.d.ts', default: './dist/extra.js' },
        },
        dependencies: { '@hoso/core': '0.1.0', '@types/node': '*', 'fp-ts': '^2.16.11' },
      };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(fixed));
      expect(await inspectPackage({ dir, sourceDir: src, version: '0.1.0', group: new Set(['@hoso/core']) })).toEqual(
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(src, { recursive: true, force: true });
    }
  });
});
