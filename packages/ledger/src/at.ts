/**
 * The `at` of an event: the append clock as RFC 3339 in the school's time zone (docs/design.md §8),
 * milliseconds and offset included (`2024-09-05T07:30:00.000+07:00`).
 *
 * Asia/Ho_Chi_Minh has kept UTC+07:00, without daylight saving, since 13 June 1975 (IANA tz
 * database); before that it changed several times. So every instant from 1976 to the end of year
 * 9999 is the UTC time shifted by seven hours, printed by `toISOString` with the offset in place of
 * `Z` — no time-zone library on the write path (it cost ~50 µs per command). Instants outside that
 * range (back-dated tests, far futures) take the zone-aware formatter, whose output the fast path
 * matches byte for byte (tested over many instants).
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** The school's time zone: windows and `at` are read in it (docs/design.md §8). */
export const SCHOOL_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const OFFSET_MS = 7 * 60 * 60 * 1000;
/** 1976-01-01T00:00:00Z: the zone has been a fixed +07:00 since mid-1975. */
const FIXED_FROM = Date.UTC(1976, 0, 1);
/** 9999-12-31T00:00:00Z: beyond it `toISOString` prints six-digit years. */
const FIXED_TO = Date.UTC(9999, 11, 31);

/** `now` as RFC 3339 in Asia/Ho_Chi_Minh, milliseconds and offset included. */
export function formatAt(now: Date): string {
  const t = now.getTime();
  if (t >= FIXED_FROM && t < FIXED_TO) return new Date(t + OFFSET_MS).toISOString().slice(0, 23) + '+07:00';
  return formatAtInZone(now);
}

/** The zone-aware formatting (date-fns): the reference the fast path must equal. */
export function formatAtInZone(now: Date): string {
  return format(new TZDate(now.getTime(), SCHOOL_TIME_ZONE), "yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
}
