/**
 * Times that run ahead of the appender's clock (docs/design.md §8): an `at` is its author's claim,
 * and a claim far in the future would make every honest event after it look backdated, drowning
 * the one signal of backdating there is. An append is refused when any event's `at` is more than
 * a bounded skew ahead of the clock of the process appending it.
 */
import type { Envelope } from '@hoso/core';
import { ledgerError, type LedgerErrorOf } from './errors.js';

/** The skew allowed by default: five minutes (clocks of school machines drift; a day does not). */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The first event of `envs` whose `at` is more than `skewMs` after `now`, and its refusal; null when none is. */
export function futureAt(
  envs: readonly Envelope[],
  now: Date,
  skewMs: number,
): { readonly index: number; readonly error: LedgerErrorOf<'at-in-future'> } | null {
  const limit = now.getTime() + skewMs;
  for (let i = 0; i < envs.length; i++) {
    const at = Date.parse(envs[i]!.at);
    if (at > limit) {
      const bound = new Date(limit).toISOString();
      return {
        index: i,
        error: ledgerError(
          'at-in-future',
          `at ${envs[i]!.at} is after the appender's clock plus ${skewMs} ms (${bound})`,
          {
            path: ['at'],
            rule: 'docs/design.md §8',
            details: { limit: bound },
          },
        ),
      };
    }
  }
  return null;
}
