import { hosoError, type HosoError } from '@hoso/core';

/**
 * SQLite failures as data. better-sqlite3 throws `SqliteError` with the extended result code in
 * `code` (`SQLITE_FULL`, `SQLITE_READONLY`, `SQLITE_IOERR_WRITE`, `SQLITE_BUSY` after the busy
 * timeout…); the store turns each into `storage-failure` carrying that code, so callers can tell
 * a full disk from a locked file without parsing messages.
 */
export function storageFailure(e: unknown, what: string): HosoError<'storage-failure'> {
  const err = e instanceof Error ? e : new Error(String(e));
  const raw: unknown = (err as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : undefined;
  return hosoError('storage-failure', `${what}: ${err.message}`, {
    rule: 'storage-available',
    details: { sqliteCode: code ?? null, cause: err.name },
  });
}
