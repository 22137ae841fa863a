/**
 * How values are written on the page: hex shortened, key fingerprints, Vietnamese decimals, dates
 * and times (`dd/MM/yyyy`, `dd/MM/yyyy HH:mm` in the school's time zone), the place-and-date line.
 */
import { createHash } from 'node:crypto';

/**
 * A long hex value shortened visibly for the page, e.g. `3f2a9c1d…7be04411`: the first and last
 * `keep` digits with an ellipsis. The QR code always carries the full value.
 */
export function shortenHex(hex: string, keep = 8): string {
  return hex.length <= 2 * keep + 1 ? hex : `${hex.slice(0, keep)}…${hex.slice(-keep)}`;
}

/**
 * Fingerprint of an Ed25519 public key as printed under a signature (*dấu vân khóa*): the first
 * 8 bytes of SHA-256 of the raw 32-byte key, as 4 groups of 4 hex digits (`1a2b 3c4d 5e6f 7a8b`).
 * Accepts the key as the envelope writes it (base64url, no padding); `undefined` if it is not
 * a 32-byte key.
 */
export function keyFingerprint(publicKeyBase64Url: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(publicKeyBase64Url)) return undefined;
  const raw = Buffer.from(publicKeyBase64Url, 'base64url');
  if (raw.length !== 32 || raw.toString('base64url') !== publicKeyBase64Url) return undefined;
  const h = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return `${h.slice(0, 4)} ${h.slice(4, 8)} ${h.slice(8, 12)} ${h.slice(12, 16)}`;
}

/**
 * A decimal written with a dot in the ledger (`"8.5"`) as Vietnamese print writes it (`"8,5"`).
 * Anything that is not a plain decimal number is returned unchanged (`"Đ"`, `"CĐ"`, `""`).
 */
export function viDecimal(s: string): string {
  return /^-?\d+\.\d+$/.test(s) ? s.replace('.', ',') : s;
}

/** A calendar date `YYYY-MM-DD` as Vietnamese forms print it, `DD/MM/YYYY`; other text unchanged. */
export function viDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/**
 * What a form prints where the school gave no place: the dotted blank a clerk fills in by hand
 * (*"……, ngày … tháng … năm …"*), never a place the school did not name.
 */
export const BLANK_PLACE = '……………';

/**
 * The place-and-date line of a form: `"<place>, ngày D tháng M năm YYYY"` from `YYYY-MM-DD`. Without
 * a place (or a blank one) the place is left as {@link BLANK_PLACE}.
 */
export function placeDateLine(place: string | undefined, isoDate: string): string {
  const where = place === undefined || place.trim() === '' ? BLANK_PLACE : place;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!m) return `${where}, ${isoDate}`;
  return `${where}, ngày ${Number(m[3])} tháng ${Number(m[2])} năm ${m[1]}`;
}

/** The school's time zone, Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving since 1975). */
const VIETNAM_OFFSET_MINUTES = 7 * 60;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 timestamp as a Vietnamese page writes it, `dd/MM/yyyy HH:mm`, in Vietnam time (the
 * school's time zone, docs/design.md §8), e.g. `"2025-05-26T07:30:31.000+07:00"` → `"26/05/2025 07:30"`
 * and `"2025-05-26T00:30:31Z"` → the same. Text that is not such a timestamp is returned unchanged.
 */
export function viDateTime(s: string): string {
  const m = RFC3339.exec(s);
  if (!m) return s;
  const ms = Date.parse(s.replace(' ', 'T'));
  if (Number.isNaN(ms)) return s;
  const d = new Date(ms + VIETNAM_OFFSET_MINUTES * 60_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}
