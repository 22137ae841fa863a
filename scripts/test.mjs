#!/usr/bin/env node
// The README's test command: typecheck every package, run every test once, and end with a
// plain "N passed, N failed" line that any CI can read. Exit code is vitest's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

if (run('npx', ['tsc', '-b']) !== 0) {
  console.error('typecheck failed');
  process.exit(1);
}
mkdirSync('.tmp', { recursive: true });
const json = '.tmp/vitest-results.json';
const code = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${json}`,
  ...process.argv.slice(2),
]);
try {
  const r = JSON.parse(readFileSync(json, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(
    `\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`,
  );
} catch {
  console.log('\ntests: 0 passed, 1 failed');
}
process.exit(code);
