/**
 * Reading the user's files and writing the command's output. Every read failure becomes a
 * {@link CliError} with exit 2 naming the argument the path came from, so a typo in a path never
 * shows as a stack trace.
 */
import { readFileSync, writeFileSync, mkdirSync, renameSync, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { printableLines } from '@hoso/verify';
import { usage } from './exit.js';

/** Where a command writes: results to `out`, progress and problems to `err`. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars instead of plain lines). */
  readonly tty: boolean;
}

/** The process's own stdout and stderr. */
export const processOutput: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get tty() {
    return process.stderr.isTTY === true;
  },
};

/**
 * `io` for a command that prints what a ledger holds (`verify`, `show`, `log`): every control,
 * bidi and other non-printing character in its output is written as a visible `\uXXXX` escape
 * (line feeds excepted), so a hostile name or reason cannot move the cursor, repaint a verdict or
 * write to the clipboard. JSON output stays JSON with the same value.
 */
export function terminalSafe(io: Output): Output {
  return {
    out: (text) => io.out(printableLines(text)),
    err: (text) => io.err(printableLines(text)),
    get tty() {
      return io.tty;
    },
  };
}

/** Read a UTF-8 text file named by option `arg`; unreadable: exit 2 naming `arg`. */
export function readText(path: string, arg: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw usage('unreadable-file', `cannot read ${path}: ${reason(e)}`, arg);
  }
}

/** Read a file's bytes named by option `arg`; unreadable: exit 2 naming `arg`. */
export function readBytes(path: string, arg: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw usage('unreadable-file', `cannot read ${path}: ${reason(e)}`, arg);
  }
}

/** Does `path` name an existing regular file? */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Write a file atomically (temporary file, then rename), creating its folder; failure: exit 2 naming `arg`. */
export function writeText(path: string, data: string | Uint8Array, arg: string, mode?: number): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data, mode === undefined ? {} : { mode });
    renameSync(tmp, path);
  } catch (e) {
    throw usage('unwritable-file', `cannot write ${path}: ${reason(e)}`, arg);
  }
}

/** Make a folder (and its parents); failure: exit 2 naming `arg`. */
export function ensureDir(path: string, arg: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    throw usage('unwritable-dir', `cannot create folder ${path}: ${reason(e)}`, arg);
  }
}

/** Refuse to overwrite an existing file unless `force`. */
export function refuseOverwrite(path: string, arg: string, force: boolean): void {
  if (!force && existsSync(path)) throw usage('file-exists', `${path} already exists (pass --force to overwrite)`, arg);
}

/** The message of an unknown thrown value. */
export function reason(e: unknown): string {
  if (e instanceof Error)
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : e.message;
  return String(e);
}

/** Pretty JSON with a final newline, as `--json` prints it. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}
