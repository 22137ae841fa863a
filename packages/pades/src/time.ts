/**
 * Times as a signature shows them: `dd/MM/yyyy HH:mm` in Vietnam time on the visible block (as the
 * printed forms write dates), and a PDF date string for /M (ISO 32000-1 §7.9.4), also in Vietnam
 * time with its offset.
 */
import { viDateTime } from '@hoso/print';

const OFFSET_MS = 7 * 3_600_000;

/** `dd/MM/yyyy HH:mm`, Vietnam time. */
export function vietnamTime(d: Date): string {
  return viDateTime(d.toISOString());
}

/** `D:YYYYMMDDHHmmSS+07'00'`. */
export function pdfDate(d: Date): string {
  const v = new Date(d.getTime() + OFFSET_MS);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `D:${v.getUTCFullYear()}${two(v.getUTCMonth() + 1)}${two(v.getUTCDate())}` +
    `${two(v.getUTCHours())}${two(v.getUTCMinutes())}${two(v.getUTCSeconds())}+07'00'`
  );
}

/** Read a PDF date string (§7.9.4); undefined when it is not one. */
export function parsePdfDate(s: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(\d{2})?'?)?)?/.exec(s);
  if (!m) return undefined;
  const [, y, mo = '01', da = '01', h = '00', mi = '00', se = '00', sign, oh = '00', om = '00'] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(se));
  const off = (Number(oh) * 60 + Number(om)) * 60_000;
  return new Date(sign === '+' ? utc - off : sign === '-' ? utc + off : utc);
}
