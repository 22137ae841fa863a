/**
 * Every refusal of the ledger is a {@link LedgerError}: a {@link HosoError} whose `code` is one of
 * the stable kebab-case codes below, with the `path` of the offending field (from the command or
 * the envelope root) and the `rule` broken (e.g. `"QC Điều 12.3"`). Nothing is written when one
 * is returned.
 */
import { hosoError, type HosoError } from '@hoso/core';

/** The stable codes of {@link LedgerError}. */
export const LEDGER_ERROR_CODES = [
  // input
  'invalid-command',
  'invalid-data',
  'invalid-envelope',
  'unknown-event-type',
  'wrong-stream',
  'wrong-ledger',
  'stream-conflict',
  // identity and permission
  'no-genesis',
  'already-founded',
  'unknown-key',
  'key-revoked',
  'not-permitted',
  'role-not-held',
  'bad-signature',
  'missing-signature',
  'unexpected-signature',
  'same-person-twice',
  'key-already-registered',
  'unknown-person',
  'duplicate-person',
  'role-already-held',
  'invalid-role-scope',
  // school setup
  'duplicate-year',
  'unknown-year',
  'invalid-calendar',
  'duplicate-subject',
  'unknown-subject',
  'duplicate-offering',
  'subject-not-offered',
  'wrong-level',
  'duplicate-class',
  'unknown-class',
  'grade-not-taught',
  // students
  'duplicate-student',
  'unknown-student',
  'student-not-in-class',
  'already-enrolled',
  'transfer-mismatch',
  'empty-change',
  // entries
  'wrong-assessment',
  'regular-index-out-of-range',
  'date-outside-year',
  'date-before-year-end',
  'cell-already-entered',
  'cell-signed-off',
  'outside-window',
  // windows
  'duplicate-window',
  'unknown-window',
  'window-already-closed',
  'unlock-needs-reason',
  // corrections
  'unknown-target',
  'stale-old-value',
  'invalid-value',
  'no-change',
  // sign-offs
  'already-signed',
  'out-of-order',
  // runtime
  'too-many-conflicts',
  'store-error',
  'signer-failed',
] as const;

/** A stable ledger error code. */
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** A refusal: errors as data (see `@hoso/core` `HosoError`). */
export type LedgerError = HosoError<LedgerErrorCode>;

/** Build a {@link LedgerError}. */
export function ledgerError(
  code: LedgerErrorCode,
  message: string,
  extra: { path?: ReadonlyArray<string | number>; rule?: string; details?: Record<string, unknown> } = {},
): LedgerError {
  return hosoError(code, message, extra);
}
