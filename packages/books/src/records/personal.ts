/**
 * Biographies in the records (docs/personal-data.md): the records keep commitments and marks, never
 * a committed value, so a checkpoint of them holds nothing an erasure must reach; `resolveRecords`
 * fills the values in, in memory, for one reader of the personal-data store.
 */
import { opens, type EventData, type Opening, type PersonalDataReader } from '@hoso/ledger';
import {
  ERASED_MARK,
  WITHHELD_MARK,
  type BiographyChange,
  type Records,
  type ShownBiography,
  type StudentRecord,
} from './state.js';

/**
 * The upcaster of the two shapes of `StudentRegistered` / `BiographyChanged`: a clear event's
 * values as they are; a committed one's fields as {@link WITHHELD_MARK} with their commitments.
 */
export function upcastBiography(d: EventData['StudentRegistered'] | EventData['BiographyChanged']): {
  readonly bio: Readonly<Record<string, string>>;
  readonly pd?: Readonly<Record<string, string>>;
} {
  if ('bio' in d) return { bio: d.bio };
  if ('changes' in d) return { bio: d.changes };
  const bio: Record<string, string> = {};
  for (const k of Object.keys(d.pd)) bio[k] = WITHHELD_MARK;
  return { bio, pd: d.pd };
}

/** The value a commitment opens to among `openings`, or null. Every opening is checked, never trusted. */
function openValue(openings: readonly Opening[], field: string, commitment: string): string | null {
  for (const o of openings)
    if (o.field === field && o.commitment === commitment && opens(commitment, o.salt, o.value)) return o.value;
  return null;
}

function fill(
  shown: Readonly<Record<string, string>>,
  pd: Readonly<Record<string, string>> | undefined,
  openings: readonly Opening[],
  erased: boolean,
): Record<string, string> {
  const out: Record<string, string> = { ...shown };
  if (pd === undefined) return out;
  for (const [field, c] of Object.entries(pd))
    out[field] = erased ? ERASED_MARK : (openValue(openings, field, c) ?? WITHHELD_MARK);
  return out;
}

/** One student with the values `reader` opens filled in (in memory only). */
export function resolveStudent(s: StudentRecord, reader: PersonalDataReader): StudentRecord {
  if (
    s.pd === undefined &&
    s.erased !== true &&
    !s.changes.some((c) => c.pd !== undefined || c.previousPd !== undefined)
  )
    return s;
  const erased = s.erased === true;
  const openings = erased ? [] : reader.openings(s.student);
  const changes: BiographyChange[] = s.changes.map((c) =>
    c.pd === undefined && c.previousPd === undefined
      ? c
      : {
          ...c,
          changes: fill(c.changes as Record<string, string>, c.pd, openings, erased),
          previous: fill(c.previous as Record<string, string>, c.previousPd, openings, erased),
        },
  );
  return { ...s, bio: fill(s.bio, s.pd, openings, erased) as ShownBiography, changes };
}

/**
 * The records with every committed biographical value opened through `reader` ({@link ERASED_MARK}
 * where erased, {@link WITHHELD_MARK} where the reader holds no opening). The result is for
 * showing and printing: never checkpoint it.
 */
export function resolveRecords(r: Records, reader: PersonalDataReader): Records {
  const students: Record<string, StudentRecord> = {};
  for (const [id, s] of Object.entries(r.students)) students[id] = resolveStudent(s, reader);
  return { ...r, students };
}
