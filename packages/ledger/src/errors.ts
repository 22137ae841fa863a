/**
 * Every refusal of the ledger is a {@link LedgerError}: a {@link HosoError} whose `code` is one of
 * the stable kebab-case codes below, with the `path` of the offending field (from the command or
 * the envelope root; empty for the whole input), the `rule` broken (e.g. `"QC Điều 12.3"`) and,
 * for some codes, typed `details`. Nothing is written when one is returned.
 */
import { hosoError, type HosoError } from '@hoso/core';

/** The stable codes of {@link LedgerError}. */
export const LEDGER_ERROR_CODES = [
  // input
  'invalid-command',
  'invalid-data',
  'text-not-nfc',
  'control-character',
  'invalid-envelope',
  'unknown-event-type',
  'wrong-stream',
  'wrong-ledger',
  'stream-conflict',
  'at-in-future',
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
  'missing-consent',
  'invalid-consent',
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
  // personal data (docs/personal-data.md)
  'personal-data-in-clear',
  'personal-data-format-not-adopted',
  'personal-data-erased',
  'personal-data-in-chain',
  'personal-data-store-required',
  'personal-data-unavailable',
  'personal-data-opening-invalid',
  // entries
  'wrong-assessment',
  'regular-index-out-of-range',
  'date-outside-year',
  'date-before-year-end',
  'cell-already-entered',
  'cell-signed-off',
  'outside-window',
  'no-missed-test',
  'not-transferred-in',
  // the school year as it runs
  'no-individual-plan',
  'already-decided',
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
  'book-mismatch',
  'marks-missing',
  // certificates and CA-backed signatures
  'certificate-already-bound',
  'certificate-not-bound',
  'identity-mismatch',
  'unknown-act',
  'not-act-signer',
  'already-certified',
  'ca-signature-invalid',
  'no-trust-list',
  // runtime
  'too-many-conflicts',
  'store-error',
  'signer-failed',
] as const;

/** A stable ledger error code. */
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/**
 * Where a problem of an event was found: `catalogue` when the payload does not decode with the
 * event catalogue (the verifier's catalogue check reports the same), `rule` otherwise.
 */
export type ProblemSource = 'catalogue' | 'rule';

/** The `details` of the codes that carry any (every other code carries only {@link CommonDetails}). */
export type LedgerErrorDetails = {
  readonly 'invalid-data': { readonly source?: ProblemSource };
  readonly 'text-not-nfc': { readonly source?: ProblemSource };
  readonly 'control-character': { readonly source?: ProblemSource };
  readonly 'unknown-event-type': { readonly source?: ProblemSource };
  /** `cause`: the core or store error code behind it. */
  readonly 'invalid-envelope': { readonly cause?: string };
  readonly 'bad-signature': { readonly cause?: string };
  readonly 'store-error': { readonly cause?: string };
  readonly 'signer-failed': { readonly cause?: string };
  readonly 'too-many-conflicts': { readonly attempts: number };
  /** `key`: the key (base64url) that is not registered or was revoked. */
  readonly 'unknown-key': { readonly key?: string };
  readonly 'key-revoked': { readonly key?: string };
  /** `limit`: the appender's clock plus the allowed skew, RFC 3339. */
  readonly 'at-in-future': { readonly limit: string };
  /** `window`: the window that covered the cell but was not open at that time. */
  readonly 'outside-window': { readonly window?: string };
  /** `locked`: the closed window whose scope and period the new window reopens. */
  readonly 'unlock-needs-reason': { readonly locked: string };
  /** The event that first wrote the cell and its value (absent when the author may not see them). */
  readonly 'cell-already-entered': { readonly event?: string; readonly value?: string };
  /** The cell's value (absent when the author may not see it). */
  readonly 'stale-old-value': { readonly current?: string };
  /** What has to be signed first. */
  readonly 'out-of-order': { readonly missing?: readonly string[] };
  /** Every cell the sign-off needs that is empty with no reason the rules allow. */
  readonly 'marks-missing': { readonly cells: readonly MissingCell[] };
  /** The heads the ledger holds, for the act's `book`. */
  readonly 'book-mismatch': { readonly expected: readonly { stream: string; rev: number; hash: string }[] };
  /**
   * `cause`: the first `@hoso/pki` code; `problems`: every problem the check found (code, path,
   * rule, English and Vietnamese message).
   */
  readonly 'ca-signature-invalid': { readonly cause: string; readonly problems: readonly CertificateProblem[] };
  /** The identity number of the staff record and the certificate's (absent when it has none). */
  readonly 'identity-mismatch': { readonly expected: string; readonly found?: string };
};

/**
 * A cell a sign-off or a confirmation needs that holds nothing: the student, the subject (absent for
 * the homeroom's own cells), the term, the TT27 assessment point (`GK1 CK1 GK2 CN`, primary only)
 * and the column (`tx1`…`tx4`, `gk`, `ck`; `level`, `test`; `conduct`; a TT27 quality or competency).
 */
export interface MissingCell {
  readonly student: string;
  readonly subject?: string;
  readonly term: 'HK1' | 'HK2';
  readonly period?: string;
  readonly column: string;
}

/** A problem `@hoso/pki` found with a certificate or a CA signature, as a refusal carries it. */
export interface CertificateProblem {
  readonly code: string;
  readonly path: ReadonlyArray<string | number>;
  readonly rule?: string;
  readonly message: string;
  readonly message_vi: string;
}

/**
 * Details any refusal may carry: which command of a batch (`command`) or which entry of a column
 * command (`entry`) it is about, and every further problem of the same event (`more`) — the rules
 * report all the problems of an event, the writer refuses with the first and lists the rest here.
 */
export type CommonDetails = {
  readonly command?: number;
  readonly entry?: number;
  readonly more?: readonly LedgerError[];
};

/** The details of code `C`. */
export type DetailsOf<C extends LedgerErrorCode> = (C extends keyof LedgerErrorDetails
  ? LedgerErrorDetails[C]
  : unknown) &
  CommonDetails;

/** The refusal of code `C`. */
export type LedgerErrorOf<C extends LedgerErrorCode> = HosoError<C, DetailsOf<C>>;

/** A refusal: errors as data (see `@hoso/core` `HosoError`), `details` typed by `code`. */
export type LedgerError = { [C in LedgerErrorCode]: LedgerErrorOf<C> }[LedgerErrorCode];

/** Build a {@link LedgerError}; `path` defaults to the whole input. */
export function ledgerError<C extends LedgerErrorCode>(
  code: C,
  message: string,
  extra: { path?: ReadonlyArray<string | number>; rule?: string; details?: DetailsOf<C> } = {},
): LedgerErrorOf<C> {
  return hosoError<C, DetailsOf<C>>(code, message, extra);
}

/** `e` with more details merged in (batch and entry numbers); the code's own details are kept. */
export function withDetails(e: LedgerError, extra: CommonDetails): LedgerError {
  // Merging only the common fields keeps every code's own details, which the compiler cannot follow through the spread.
  return { ...e, details: { ...e.details, ...extra } } as LedgerError;
}

/** `e` at another `path` (its code and details kept). */
export function withPath(e: LedgerError, path: ReadonlyArray<string | number>): LedgerError {
  return { ...e, path };
}

/** `e` with `prefix` before its path (a command within a batch, an event within a submission). */
export function under(e: LedgerError, prefix: ReadonlyArray<string | number>): LedgerError {
  return { ...e, path: [...prefix, ...e.path] };
}

/**
 * The writer's single refusal for an event's problems: the first, with the others in
 * `details.more` when there are several. `problems` must not be empty.
 */
export function firstProblem(problems: readonly LedgerError[]): LedgerError {
  const [first, ...more] = problems;
  if (first === undefined) throw new Error('internal: firstProblem of no problems');
  return more.length === 0 ? first : withDetails(first, { more });
}

/** True when the problem is the catalogue refusing the payload (see {@link ProblemSource}). */
export function fromCatalogue(e: LedgerError): boolean {
  return (
    (e.code === 'invalid-data' ||
      e.code === 'text-not-nfc' ||
      e.code === 'control-character' ||
      e.code === 'unknown-event-type') &&
    e.details?.source === 'catalogue'
  );
}
