/**
 * Retention of pupils' personal data as data (docs/personal-data.md, "Retention"): how long each
 * kind of record that shows a pupil's biography is kept after the pupil leaves the school, and
 * which pupils' biographies are therefore due for erasure on a given day. The periods are the
 * school's configuration: hoso ships the record kinds with no period it could confirm in Thông tư
 * 08/2025/TT-BGDĐT, so a default policy never makes anything due.
 */
import type { Records, StudentRecord } from './state.js';

/** One kind of record that shows a pupil's biography, and how long it is kept. */
export interface RetentionRule {
  /** `so-dang-bo`, `hoc-ba`, `so-theo-doi-danh-gia`, … */
  readonly kind: string;
  /** Its name on the forms. */
  readonly name: string;
  /** Years kept after the pupil left; `null` when no period is set (kept; never due); `'permanent'`. */
  readonly years: number | 'permanent' | null;
  /** Where the period comes from (the article the school relies on), or why it is not set. */
  readonly source: string;
}

/** A retention policy (`hoso/retention@v1`): the rules, and the last grade of each level taught. */
export interface RetentionPolicy {
  readonly format: 'hoso/retention@v1';
  readonly rules: readonly RetentionRule[];
}

/**
 * The record kinds hoso keeps that show the biography, with no period set: the item-level periods
 * of Thông tư 08/2025/TT-BGDĐT could not be confirmed (docs/personal-data.md). A school sets them
 * from the circular in its own policy file.
 */
export const DEFAULT_RETENTION: RetentionPolicy = {
  format: 'hoso/retention@v1',
  rules: [
    { kind: 'so-dang-bo', name: 'Sổ đăng bộ', years: null, source: 'Thông tư 08/2025/TT-BGDĐT (period not confirmed)' },
    { kind: 'hoc-ba', name: 'Học bạ', years: null, source: 'Thông tư 08/2025/TT-BGDĐT (period not confirmed)' },
    {
      kind: 'so-theo-doi-danh-gia',
      name: 'Sổ theo dõi và đánh giá học sinh',
      years: null,
      source: 'Thông tư 08/2025/TT-BGDĐT (period not confirmed)',
    },
  ],
};

/** A policy read from JSON, or the problem with it (field path and rule). */
export function parseRetentionPolicy(
  u: unknown,
):
  | { readonly ok: true; readonly policy: RetentionPolicy }
  | { readonly ok: false; readonly path: string; readonly message: string } {
  const bad = (path: string, message: string) => ({ ok: false as const, path, message });
  if (typeof u !== 'object' || u === null) return bad('', 'a retention policy is a JSON object');
  const o = u as { format?: unknown; rules?: unknown };
  if (o.format !== 'hoso/retention@v1') return bad('format', 'format must be "hoso/retention@v1"');
  if (!Array.isArray(o.rules) || o.rules.length === 0) return bad('rules', 'rules must be a non-empty array');
  const rules: RetentionRule[] = [];
  for (const [i, r] of (o.rules as unknown[]).entries()) {
    const x = r as Partial<Record<keyof RetentionRule, unknown>>;
    if (typeof r !== 'object' || r === null) return bad(`rules.${i}`, 'a rule is an object');
    if (typeof x.kind !== 'string' || x.kind === '') return bad(`rules.${i}.kind`, 'kind must be a non-empty string');
    if (typeof x.name !== 'string') return bad(`rules.${i}.name`, 'name must be a string');
    if (typeof x.source !== 'string') return bad(`rules.${i}.source`, 'source must be a string');
    const y = x.years;
    if (!(y === null || y === 'permanent' || (typeof y === 'number' && Number.isSafeInteger(y) && y >= 0 && y <= 200)))
      return bad(`rules.${i}.years`, 'years must be a whole number of years (0–200), "permanent" or null');
    rules.push({ kind: x.kind, name: x.name, years: y, source: x.source });
  }
  return { ok: true, policy: { format: 'hoso/retention@v1', rules } };
}

/** Where one pupil stands. */
export interface RetentionLine {
  readonly student: string;
  /** When the pupil left (a transfer to another school, or the end of the school's last grade), or null. */
  readonly left: string | null;
  /** The day the last record showing the biography may go, or null (still at school, kept, or no period set). */
  readonly due: string | null;
  readonly status: 'due' | 'kept' | 'at-school' | 'erased' | 'in-chain';
  /** The rule that keeps it longest (the one `due` comes from). */
  readonly rule?: string;
}

const LAST_GRADE: Readonly<Record<string, number>> = {
  preschool: 0,
  primary: 5,
  'lower-secondary': 9,
  'upper-secondary': 12,
  continuing: 12,
};

/** The day the pupil left the school, from the records, or null while they are (or may still be) a pupil. */
export function leftOn(r: Records, s: StudentRecord): string | null {
  const out = r.transfers.filter((t) => t.student === s.student && t.direction === 'out' && 'school' in t.party);
  const lastOut = out[out.length - 1];
  const lastClass = s.classes[s.classes.length - 1];
  if (lastOut !== undefined && (lastClass === undefined || lastClass === `${lastOut.year}/${lastOut.class}`))
    return lastOut.date;
  if (lastClass === undefined) return null;
  const c = r.classes[lastClass];
  const year = c === undefined ? undefined : r.years[c.year];
  if (c === undefined || year === undefined) return null;
  const last = Math.max(...(r.school?.levels ?? []).map((l) => LAST_GRADE[l] ?? 12));
  return c.grade >= last ? year.HK2.end : null;
}

/** `date` (YYYY-MM-DD) plus `n` years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, n: number): string {
  const y = Number(date.slice(0, 4)) + n;
  const md = date.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '02-28' : md}`;
}

/** Every registered pupil's retention status on `today` (YYYY-MM-DD) under `policy`. */
export function retentionReport(r: Records, policy: RetentionPolicy, today: string): RetentionLine[] {
  const out: RetentionLine[] = [];
  for (const s of Object.values(r.students)) {
    if (s.erased === true) {
      out.push({ student: s.student, left: leftOn(r, s), due: null, status: 'erased' });
      continue;
    }
    const left = leftOn(r, s);
    // Clear biographical fields are in the signed chain and cannot be erased (docs/personal-data.md).
    const clear = Object.keys(s.bio).some((k) => s.pd?.[k] === undefined);
    if (left === null) {
      out.push({ student: s.student, left, due: null, status: clear ? 'in-chain' : 'at-school' });
      continue;
    }
    let longest: RetentionRule | undefined;
    let kept = false;
    for (const rule of policy.rules) {
      if (rule.years === null || rule.years === 'permanent') kept = true;
      else if (longest === undefined || (longest.years as number) < rule.years) longest = rule;
    }
    if (kept || longest === undefined) {
      out.push({ student: s.student, left, due: null, status: clear ? 'in-chain' : 'kept' });
      continue;
    }
    const due = addYears(left, longest.years as number);
    out.push({
      student: s.student,
      left,
      due,
      status: clear ? 'in-chain' : due <= today ? 'due' : 'kept',
      rule: longest.kind,
    });
  }
  return out.sort((a, b) => (a.student < b.student ? -1 : 1));
}
