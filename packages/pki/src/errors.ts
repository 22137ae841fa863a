/**
 * Errors and verification problems of @hoso/pki, as data. Every one is a {@link HosoError} (a
 * stable `code`, the `path` of the offending field, the `rule` broken) with the message in
 * English and in Vietnamese (`message_vi`), because the verdicts reach clerks and inspectors, and
 * the verifier's findings carry both (docs/design.md §9).
 *
 * This module imports only the type from `@hoso/core`, so the package's main entry stays free of
 * Node modules and runs in a browser page.
 */
import type { HosoError } from '@hoso/core';
import { left, type Either } from 'fp-ts/lib/Either.js';

/** Every code @hoso/pki produces; docs/pki.md lists what each means. */
export type PkiErrorCode =
  // input that cannot be read
  | 'malformed-pem'
  | 'malformed-der'
  | 'malformed-certificate'
  | 'malformed-crl'
  | 'malformed-ocsp'
  | 'malformed-cms'
  | 'malformed-timestamp'
  | 'malformed-key'
  // algorithms (Thông tư 15/2025/TT-BKHCN)
  | 'algorithm-refused'
  | 'algorithm-unsupported'
  | 'key-too-small'
  // certificates and paths (RFC 5280 §6)
  | 'certificate-not-yet-valid'
  | 'certificate-expired'
  | 'certificate-signature-invalid'
  | 'issuer-not-found'
  | 'untrusted-root'
  | 'not-a-ca'
  | 'ca-key-usage'
  | 'path-too-long'
  | 'key-usage'
  | 'extended-key-usage'
  | 'unknown-critical-extension'
  // revocation (RFC 5280 §6.3, RFC 6960)
  | 'revocation-missing'
  | 'revocation-invalid'
  | 'certificate-revoked'
  | 'revocation-unknown'
  // CMS / CAdES (RFC 5652, RFC 5035, ETSI EN 319 122-1)
  | 'cms-structure'
  | 'content-missing'
  | 'content-digest-mismatch'
  | 'signature-invalid'
  | 'signer-certificate-missing'
  | 'signing-certificate-missing'
  | 'signing-certificate-mismatch'
  | 'signed-attribute'
  | 'signing-time-after-timestamp'
  | 'timestamp-missing'
  // RFC 3161
  | 'timestamp-refused'
  | 'timestamp-mismatch'
  | 'timestamp-invalid'
  // where keys live
  | 'signer-failed'
  | 'signer-key-mismatch'
  | 'token-not-found'
  | 'token-error'
  | 'pin-incorrect'
  | 'pin-locked'
  | 'key-not-found'
  | 'certificate-not-found'
  | 'mechanism-unsupported'
  | 'remote-refused'
  | 'remote-timeout'
  | 'remote-unreachable'
  | 'remote-error'
  | 'http-error';

/** A failure or a verification problem: a {@link HosoError} with a Vietnamese message too. */
export interface PkiError<C extends string = PkiErrorCode> extends HosoError<C> {
  /** The same message in Vietnamese, for the clerk or the inspector who reads the verdict. */
  readonly message_vi: string;
}

/**
 * Build a {@link PkiError}: `path` defaults to the whole input (`[]`), as core's errors do; absent
 * `rule` and `details` are left out so errors compare structurally.
 */
export function pkiError(
  code: PkiErrorCode,
  message: string,
  message_vi: string,
  extra: { path?: ReadonlyArray<string | number>; rule?: string; details?: Record<string, unknown> } = {},
): PkiError {
  const e: { -readonly [K in keyof PkiError]: PkiError[K] } = { code, message, message_vi, path: extra.path ?? [] };
  if (extra.rule !== undefined) e.rule = extra.rule;
  if (extra.details !== undefined) e.details = extra.details;
  return e;
}

/** `left(pkiError(...))`, the usual way a function of this package fails. */
export function fail<A = never>(
  code: PkiErrorCode,
  message: string,
  message_vi: string,
  extra: { path?: ReadonlyArray<string | number>; rule?: string; details?: Record<string, unknown> } = {},
): Either<PkiError, A> {
  return left(pkiError(code, message, message_vi, extra));
}

/** The same problem seen from further up: its path prefixed (a certificate's problems inside a chain). */
export function under(prefix: ReadonlyArray<string | number>, e: PkiError): PkiError {
  return { ...e, path: [...prefix, ...(e.path ?? [])] };
}

/** A short, safe text of a thrown value, for the `details` of an error (never its stack). */
export function thrownText(e: unknown): string {
  if (e instanceof Error) return e.message.slice(0, 300);
  return typeof e === 'string' ? e.slice(0, 300) : 'unknown error';
}
