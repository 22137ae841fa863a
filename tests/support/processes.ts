/**
 * Child processes for the reliability tests: they run `tests/support/*.mjs` on the compiled
 * `packages/*\/dist` (the root test command runs `tsc -b` before vitest).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The path of a support script. */
export const supportScript = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * Throw a clear message when the compiled packages a child process needs are missing (a plain
 * `npx vitest run` without the `tsc -b` of `npm test`).
 */
export function requireDist(packages: readonly string[]): void {
  const missing = packages.filter((p) => !existsSync(`${ROOT}packages/${p}/dist/index.js`));
  if (missing.length > 0)
    throw new Error(`compiled packages missing (${missing.join(', ')}): run \`npx tsc -b\` first (npm test does)`);
}

/** A running child with its output collected as it arrives. */
export interface Child {
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout holds at least `n` complete `ack` lines, or the process has exited. */
  acks(n: number): Promise<void>;
}

/** Start `node <script> ...args` in the repository root. */
export function startNode(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let ackLines = 0;
  let scanned = 0;
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  let done = false;
  const wake = (): void => {
    waiters = waiters.filter((w) => {
      if (done || ackLines >= w.n) {
        w.resolve();
        return false;
      }
      return true;
    });
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    // Count complete lines only (a chunk may end mid-line).
    const end = out.lastIndexOf('\n') + 1;
    for (const line of out.slice(scanned, end).split('\n')) if (line.startsWith('ack ')) ackLines++;
    scanned = end;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      done = true;
      wake();
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    acks: (n) =>
      new Promise<void>((resolve) => {
        waiters.push({ n, resolve });
        wake();
      }),
  };
}

/** Sleep `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
