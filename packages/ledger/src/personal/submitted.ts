/**
 * Openings given to `submit` with events signed elsewhere (docs/personal-data.md §7): each must open
 * a commitment one of those very events signs, for the pupil and field it names. Checked before
 * anything is written, so a wrong opening refuses the whole batch.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { Envelope } from '@hoso/core';
import { ledgerError, type LedgerError } from '../errors.js';
import { RULES } from '../rules/articles.js';
import { isBioField, opens, SALT_BYTES, type Opening } from './commitment.js';

/** The commitments an event signs, by field, and the pupil they are of; undefined for any other event. */
export function commitmentsOf(
  type: string,
  data: unknown,
): { readonly student: string; readonly pd: Readonly<Record<string, string>> } | undefined {
  if (type !== 'StudentRegistered' && type !== 'BiographyChanged') return undefined;
  const d = data as { student?: unknown; pd?: unknown };
  if (typeof d.student !== 'string' || typeof d.pd !== 'object' || d.pd === null) return undefined;
  return { student: d.student, pd: d.pd as Record<string, string> };
}

function refuse(i: number, key: string, message: string): Either<LedgerError, never> {
  return left(
    ledgerError('personal-data-opening-invalid', message, {
      path: ['openings', i, key],
      rule: RULES.personalData,
    }),
  );
}

/**
 * The openings of `given`, grouped by the id of the submitted event whose commitment each opens.
 * Refused (`personal-data-opening-invalid`, path `['openings', i, …]`) when one is malformed, names
 * a commitment none of `envs` signs for that pupil and field, or does not open it.
 */
export function openingsOfSubmitted(
  envs: readonly Envelope[],
  given: unknown,
): Either<LedgerError, Map<string, Opening[]>> {
  const out = new Map<string, Opening[]>();
  if (given === undefined) return right(out);
  if (!Array.isArray(given))
    return left(
      ledgerError('personal-data-opening-invalid', 'openings: a list of openings', {
        path: ['openings'],
        rule: RULES.personalData,
      }),
    );
  const signed = new Map<string, string>();
  for (const e of envs) {
    const c = commitmentsOf(e.type, e.data);
    if (c !== undefined)
      for (const [field, commitment] of Object.entries(c.pd)) signed.set(`${c.student}\n${field}\n${commitment}`, e.id);
  }
  for (const [i, raw] of (given as unknown[]).entries()) {
    const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof Opening, unknown>>;
    if (typeof o.subject !== 'string') return refuse(i, 'subject', `openings[${i}].subject: the pupil's code`);
    if (typeof o.field !== 'string' || !isBioField(o.field))
      return refuse(i, 'field', `openings[${i}].field: one of the biographical fields`);
    if (typeof o.commitment !== 'string') return refuse(i, 'commitment', `openings[${i}].commitment: 64 hex digits`);
    if (!(o.salt instanceof Uint8Array) || o.salt.length !== SALT_BYTES)
      return refuse(i, 'salt', `openings[${i}].salt: ${SALT_BYTES} bytes`);
    if (typeof o.value !== 'string') return refuse(i, 'value', `openings[${i}].value: a string`);
    const id = signed.get(`${o.subject}\n${o.field}\n${o.commitment}`);
    if (id === undefined)
      return refuse(
        i,
        'commitment',
        `openings[${i}]: no submitted event commits to ${o.field} of "${o.subject}" with this commitment`,
      );
    if (!opens(o.commitment, o.salt, o.value))
      return refuse(
        i,
        'value',
        `openings[${i}]: the salt and value do not open the ${o.field} commitment of "${o.subject}"`,
      );
    const list = out.get(id) ?? [];
    list.push({
      subject: o.subject,
      field: o.field,
      commitment: o.commitment,
      salt: Uint8Array.from(o.salt),
      value: o.value,
    });
    out.set(id, list);
  }
  return right(out);
}
