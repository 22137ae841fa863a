/**
 * Files written one at a time into a hidden folder inside their destination and moved into place
 * together at the end, so a batch can drop each rendered document as soon as it is on disk and
 * still leave the destination as it was when any part fails (nothing written).
 */
import { lstat, mkdir, mkdtemp, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A batch of files staged for folder `dir`. */
export interface StagedFiles {
  /** Write file `name` (no folders) of the batch; it stays hidden until {@link StagedFiles.commit}. */
  write(name: string, data: Uint8Array | string): Promise<void>;
  /** Move every staged file into `dir` (replacing files of the same name); returns their paths, in write order. */
  commit(): Promise<string[]>;
  /** Remove what was staged, and `dir` itself if the batch created it. */
  abort(): Promise<void>;
}

/**
 * Start a batch for `dir` (created if needed). The staging folder is inside `dir` so that moving a
 * file into place is a rename on the same file system. Throws what the file system throws.
 */
export async function stageFiles(dir: string): Promise<StagedFiles> {
  const created = await mkdir(dir, { recursive: true });
  const stage = await mkdtemp(join(dir, '.hoso-print-'));
  const names: string[] = [];
  const removeAll = async (): Promise<void> => {
    await rm(stage, { recursive: true, force: true });
    if (created !== undefined) await rm(created, { recursive: true, force: true });
  };
  return {
    async write(name, data) {
      await writeFile(join(stage, name), data);
      names.push(name);
    },
    async commit() {
      // A folder where a file goes would fail its rename half-way through the batch: refuse first.
      for (const n of names) {
        const there = await lstat(join(dir, n)).catch(() => undefined);
        if (there?.isDirectory() === true)
          throw Object.assign(new Error(`${join(dir, n)} is a folder`), { code: 'EISDIR' });
      }
      for (const n of names) await rename(join(stage, n), join(dir, n));
      await rmdir(stage);
      return names.map((n) => join(dir, n));
    },
    abort: removeAll,
  };
}

/** Whether `e` is the file system's refusal (`ENOSPC`, `EACCES`, `EISDIR`, …) rather than a bug. */
export const isFileSystemError = (e: unknown): e is Error =>
  e instanceof Error && 'code' in e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code);
