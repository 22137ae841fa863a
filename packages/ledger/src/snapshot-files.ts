/**
 * Where state snapshots live: a two-method interface `openLedger` reads the newest snapshot from
 * and writes a new one to, and a folder implementation that keeps one file per ledger and replaces
 * it atomically (a crash mid-write leaves the old snapshot or none, never a torn one).
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A place for a ledger's state snapshot (see snapshot.ts). Failures are thrown; `openLedger` reports them. */
export interface StateSnapshots {
  /** The newest snapshot of `ledger`, or null when there is none. */
  load(ledger: string): Promise<Uint8Array | null>;
  /** Keep `bytes` as the newest snapshot of `ledger` (replacing the one before). */
  save(ledger: string, bytes: Uint8Array): Promise<void>;
}

/** The file name of `ledger`'s snapshot in a folder: `<ledger, URI-encoded>.state`. */
export function snapshotFileName(ledger: string): string {
  return `${encodeURIComponent(ledger)}.state`;
}

/**
 * Snapshots as files in `dir` (created on the first save): `<ledger>.state`, written to a temporary
 * file in the same folder, flushed, then renamed over the old one.
 */
export function fileStateSnapshots(dir: string): StateSnapshots {
  return {
    async load(ledger) {
      try {
        return new Uint8Array(await readFile(join(dir, snapshotFileName(ledger))));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async save(ledger, bytes) {
      await mkdir(dir, { recursive: true });
      const file = join(dir, snapshotFileName(ledger));
      const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        const h = await open(tmp, 'wx');
        try {
          await h.writeFile(bytes);
          await h.sync();
        } finally {
          await h.close();
        }
        await rename(tmp, file);
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
    },
  };
}
