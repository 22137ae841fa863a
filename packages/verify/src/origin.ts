/**
 * Which ledger the inspector expects (docs/design.md §5: a ledger's origin is `hoso/<ledger id>`).
 * Trust anchors alone do not say which ledger a bundle must be: whoever holds a school's root and
 * seal keys can make up another ledger, under another id, that every signature accepts. So the
 * inspector states the origin (`expectedOrigin`, `hoso verify --origin`), or it is read from the
 * names of the trusted seal keys: a school names its seal after its origin (`hoso keys generate
 * --name hoso/<ledger>`), as C2SP logs name their keys. Witness keys are named after the witness
 * (`so-gddt.example`), not after any one ledger, and so pin nothing.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, LedgerIdCodec, type HosoError, type NoteVerifier } from '@hoso/core';
import { ledgerOfOrigin } from './bundle/format.js';
import type { OriginPin } from './messages.js';

/** Whether `s` is a hoso origin, `hoso/<ledger id>`. */
export function isHosoOrigin(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const ledger = ledgerOfOrigin(s);
  return ledger !== undefined && LedgerIdCodec.is(ledger);
}

/** The origins a verification accepts, and what set them. */
export interface ExpectedOrigin {
  /** Empty: any origin is accepted (and the report says it was not pinned). */
  readonly origins: readonly string[];
  readonly pinnedBy: OriginPin | null;
}

/**
 * The expected origins: `expectedOrigin` when given (it must be `hoso/<ledger id>`), else the
 * distinct names of the trusted seal keys that are hoso origins; else none.
 */
export function expectedOrigin(
  option: unknown,
  seals: readonly NoteVerifier[],
): Either<HosoError<'invalid-argument'>, ExpectedOrigin> {
  if (option !== undefined) {
    if (!isHosoOrigin(option))
      return left(
        hosoError('invalid-argument', 'expectedOrigin: must be a ledger origin "hoso/<ledger id>"', {
          path: ['expectedOrigin'],
          rule: 'docs/design.md §5',
        }),
      );
    return right({ origins: [option], pinnedBy: 'expected-origin' });
  }
  const named = [...new Set(seals.map((s) => s.name).filter(isHosoOrigin))];
  return right(named.length > 0 ? { origins: named, pinnedBy: 'seal-key' } : { origins: [], pinnedBy: null });
}
