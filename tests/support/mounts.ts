/**
 * Small filesystems for the storage-failure tests. The tests run as root in CI, where `chmod 0444`
 * does not stop writes; what does is the kernel refusing them: a read-only mount, or a tmpfs that
 * is full. Mounting needs CAP_SYS_ADMIN: when it is not permitted the callers skip with the reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd: string, args: readonly string[]): void => {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Why mounting is not possible here, or null when a tmpfs can be mounted and unmounted. */
export function mountUnavailable(): string | null {
  if (process.platform !== 'linux') return `mount tests need Linux (this is ${process.platform})`;
  const dir = mkdtempSync(join(tmpdir(), 'hoso-mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    run('umount', [dir]);
    return null;
  } catch (e) {
    return `cannot mount a tmpfs (${(e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message}); run as root with CAP_SYS_ADMIN to test full and read-only filesystems`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A mounted tmpfs of `size` (e.g. `'4m'`); `resize` changes its size in place; `remove` unmounts it. */
export interface Tmpfs {
  readonly dir: string;
  resize(size: string): void;
  remove(): void;
}

/** Mount a tmpfs of `size` on a fresh directory. */
export function mountTmpfs(size: string): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-tmpfs-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return {
    dir,
    resize: (s) => run('mount', ['-o', `remount,size=${s}`, dir]),
    remove: () => {
      run('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A read-only bind mount of `source` (same files, writes refused with EROFS even for root). */
export interface ReadOnlyView {
  readonly dir: string;
  remove(): void;
}

/** Bind-mount `source` read-only on a fresh directory. */
export function bindReadOnly(source: string): ReadOnlyView {
  const dir = join(mkdtempSync(join(tmpdir(), 'hoso-ro-')), 'view');
  mkdirSync(dir);
  run('mount', ['--bind', source, dir]);
  try {
    run('mount', ['-o', 'remount,ro,bind', dir]);
  } catch (e) {
    run('umount', [dir]);
    throw e;
  }
  return {
    dir,
    remove: () => {
      run('umount', [dir]);
      rmSync(join(dir, '..'), { recursive: true, force: true });
    },
  };
}
