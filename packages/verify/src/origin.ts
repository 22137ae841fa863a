/**
 * Which ledger the inspector expects (docs/design.md §5: a ledger's origin is `hoso/<ledger id>`).
 * Trust anchors alone do not say which ledger a bundle must be: whoever holds a school's root and
 * seal keys can make up another ledger, under another id, that every signature accepts. So the
 * inspector states the origin (`expectedOrigin`, `hoso verify --origin`), or it is read from the
 * names of the trusted keys: a school names its seal after its origin (`hoso keys generate
 * --name hoso/<ledger>`), as C2SP logs name their keys. A witness is usually named after itself
 * (`so-gddt.example`) and then pins nothing; one named after a ledger's origin pins it too.
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
 * distinct names of the trusted seal keys that are hoso origins, else those of the trusted
 * witness keys; else none.
 */
export function expectedOrigin(
  option: unknown,
  seals: readonly NoteVerifier[],
  witnesses: readonly NoteVerifier[],
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
  const named = (keys: readonly NoteVerifier[]): string[] => [...new Set(keys.map((k) => k.name).filter(isHosoOrigin))];
  const bySeal = named(seals);
  if (bySeal.length > 0) return right({ origins: bySeal, pinnedBy: 'seal-key' });
  const byWitness = named(witnesses);
  if (byWitness.length > 0) return right({ origins: byWitness, pinnedBy: 'witness-key' });
  return right({ origins: [], pinnedBy: null });
}
