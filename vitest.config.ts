import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Tests run against the TypeScript sources, so `@hoso/x` resolves to packages/x/src
// (the published entry points are the compiled dist/ files).

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@hoso\/([a-z-]+)$/,
        replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)),
      },
      {
        find: /^@hoso\/([a-z-]+)\/(testing|node)$/,
        replacement: fileURLToPath(new URL('./packages/$1/src/$2/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Lines of skipped tests in the summary of scripts/test.mjs.
    includeTaskLocation: true,
  },
});
