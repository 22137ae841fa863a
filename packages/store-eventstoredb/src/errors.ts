import { hosoError, HosoFailure, isHosoFailure, type HosoError } from '@hoso/core';
import { ErrorType, isCommandError } from '@eventstore/db-client';

/**
 * How `@eventstore/db-client` errors become the contract's typed errors. The client turns gRPC
 * statuses and the server's `exception` trailer into `CommandError`s with a `type`; everything
 * that is the connection's or the server's fault becomes `storage-failure` carrying that type in
 * `details.esdb`, so a caller can tell an outage from a refusal.
 */

/** The client's error type (`unavailable`, `wrong-expected-version`, …), or `undefined` for other errors. */
export function esdbErrorType(err: unknown): string | undefined {
  return err instanceof Error && isCommandError(err) ? String(err.type) : undefined;
}

/** True for errors after which trying again may succeed (the server was away or busy). */
export function isTransient(err: unknown): boolean {
  const t = esdbErrorType(err);
  return (
    t === ErrorType.UNAVAILABLE ||
    t === ErrorType.CANCELLED ||
    t === ErrorType.DEADLINE_EXCEEDED ||
    t === ErrorType.TIMEOUT ||
    t === ErrorType.NOT_LEADER ||
    t === ErrorType.UNKNOWN
  );
}

/** `storage-failure` for a client or server error; `outcome` says whether a write may have landed. */
export function storageFailure(
  err: unknown,
  what: string,
  extra: { outcome?: 'not-written' | 'unknown'; stream?: string } = {},
): HosoError<'storage-failure'> {
  const type = esdbErrorType(err);
  const message = err instanceof Error ? err.message : String(err);
  return hosoError('storage-failure', `EventStoreDB ${what} failed: ${message}`, {
    rule: 'storage-available',
    details: {
      esdb: type ?? 'client-error',
      ...(extra.outcome !== undefined ? { outcome: extra.outcome } : {}),
      ...(extra.stream !== undefined ? { physicalStream: extra.stream } : {}),
    },
  });
}

/** The same, thrown (for reads, which cannot return an Either). */
export function storageFailureThrown(err: unknown, what: string, stream?: string): HosoFailure {
  if (isHosoFailure(err)) return err;
  return new HosoFailure(storageFailure(err, what, stream !== undefined ? { stream } : {}));
}

/** The physical stream holds something that is not this ledger's event log. */
export function corruptStream(stream: string, position: number, reason: string): HosoFailure {
  return new HosoFailure(
    hosoError(
      'storage-failure',
      `physical stream ${stream} is not a valid hoso ledger at revision ${position}: ${reason}`,
      {
        rule: 'physical-stream-is-ledger',
        details: { physicalStream: stream, position, reason },
      },
    ),
  );
}
