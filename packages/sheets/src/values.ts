/**
 * The values of a row as the ledger writes them, read from what clerks type: `Nữ`, `nữ`, `NU`,
 * `F`; `15/3/2009`, `2009-03-15` or an Excel date; `8,5`, `8.5` or an Excel number; `Đ`, `đạt`,
 * `CĐ`; `HK1`, `Học kỳ I`, `II`. Each parser returns the ledger's form or a reason in both
 * languages; the rule each one applies is the ledger's own (docs/events.md), so a value the parser
 * accepts is one the ledger's codec accepts.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { fold } from './text.js';

import { termOf, type TermCode } from './vocabulary.js';

/** Why a value is refused, in both languages, and the rule. */
export interface ValueProblem {
  readonly en: string;
  readonly vi: string;
  readonly rule: string;
}

type Parsed<A> = Either<ValueProblem, A>;

const bad = (en: string, vi: string, rule: string): Parsed<never> => left({ en, vi, rule });

/** Where the values a file may hold are listed. */
const RULE_VALUES = 'docs/spreadsheets.md#values';

const SEX: Readonly<Record<string, 'M' | 'F'>> = {
  m: 'M',
  nam: 'M',
  male: 'M',
  trai: 'M',
  f: 'F',
  nu: 'F',
  female: 'F',
  gai: 'F',
};

/** `Nam`/`Nữ` in any case or Unicode form, `M`/`F`, without diacritics (`Nu`) too → `M` | `F`. */
export function parseSex(v: string): Parsed<'M' | 'F'> {
  const s = SEX[fold(v)];
  return s === undefined
    ? bad(`sex is Nam or Nữ (or M/F), got "${v}"`, `giới tính ghi Nam hoặc Nữ, không phải "${v}"`, RULE_VALUES)
    : right(s);
}

/** A *Nữ* column's mark: `x`, `1`, `Nữ` for a girl; empty, `0` or `Nam` for a boy. */
export function parseFemaleMark(v: string): Parsed<'M' | 'F'> {
  const f = fold(v);
  if (f === '' || f === '0' || f === 'nam') return right('M');
  if (f === 'x' || f === '1' || f === 'nu' || f === 'v') return right('F');
  return bad(
    `a "Nữ" column holds x for a girl and nothing for a boy, got "${v}"`,
    `cột "Nữ" đánh dấu x cho học sinh nữ, để trống cho học sinh nam; không phải "${v}"`,
    RULE_VALUES,
  );
}

function existing(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A date as Vietnamese lists write it, day first (`15/03/2009`, `5-9-2024`, `15.03.2009`), or ISO
 * (`2009-03-15`, which is also how a date cell of a workbook is read) → `YYYY-MM-DD`.
 */
export function parseDate(v: string): Parsed<string> {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  let ymd: [number, number, number] | null = m === null ? null : [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ymd === null) {
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
    if (m !== null) ymd = [Number(m[3]), Number(m[2]), Number(m[1])];
  }
  if (ymd === null || !existing(...ymd))
    return bad(
      `a date is day/month/year (15/03/2009) or YYYY-MM-DD, and exists; got "${v}"`,
      `ngày ghi theo ngày/tháng/năm (15/03/2009) hoặc YYYY-MM-DD và phải có thật; không phải "${v}"`,
      RULE_VALUES,
    );
  const [y, mo, d] = ymd;
  return right(`${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

/** A school year `2024-2025` (also `2024 - 2025`, `2024–2025`, `2024/2025`). */
export function parseYear(v: string): Parsed<string> {
  const m = /^(\d{4})\s*[-–—/]\s*(\d{4})$/.exec(v);
  if (m === null || Number(m[2]) !== Number(m[1]) + 1)
    return bad(
      `a school year is two consecutive years, e.g. 2024-2025; got "${v}"`,
      `năm học ghi hai năm liền nhau, ví dụ 2024-2025; không phải "${v}"`,
      RULE_VALUES,
    );
  return right(`${m[1]}-${m[2]}`);
}

/** A term: `HK1`, `HKI`, `Học kỳ I`, `1`, `I` (and term II alike). */
export function parseTerm(v: string): Parsed<TermCode> {
  const t = termOf(v);
  return t === undefined
    ? bad(
        `a term is HK1 or HK2 (Học kỳ I, II), got "${v}"`,
        `học kỳ ghi HK1 hoặc HK2 (Học kỳ I, II); không phải "${v}"`,
        'TT22 Điều 5',
      )
    : right(t);
}

/** An assessment column: `tx` (*ĐĐGtx*), `gk` (*ĐĐGgk*, giữa kỳ), `ck` (*ĐĐGck*, cuối kỳ). */
export function parseMarkColumn(v: string): Parsed<{ readonly column: 'tx' | 'gk' | 'ck'; readonly index?: number }> {
  const f = fold(v);
  const m = /^(?:ddg|danhgia)?(tx|thuongxuyen|gk|giuak[yi]|ck|cuoik[yi])([1-9])?$/.exec(f);
  if (m !== null) {
    const c = m[1]!.startsWith('t') ? 'tx' : m[1]!.startsWith('g') ? 'gk' : 'ck';
    if (m[2] === undefined) return right({ column: c });
    if (c === 'tx') return right({ column: c, index: Number(m[2]) });
  }
  return bad(
    `an assessment column is tx (ĐĐGtx), gk (ĐĐGgk) or ck (ĐĐGck), got "${v}"`,
    `cột điểm ghi tx (ĐĐGtx), gk (ĐĐGgk) hoặc ck (ĐĐGck); không phải "${v}"`,
    'TT22 Điều 7',
  );
}

/** A regular assessment's number, 1–4 (TT22 Điều 7.1). */
export function parseIndex(v: string): Parsed<number> {
  return /^[1-4]$/.test(v)
    ? right(Number(v))
    : bad(
        `the regular assessment's number is 1, 2, 3 or 4, got "${v}"`,
        `lần đánh giá thường xuyên ghi 1, 2, 3 hoặc 4; không phải "${v}"`,
        'TT22 Điều 7.1',
      );
}

/** A mark: a score (`8,5`, `8.5`, `10`) or a comment level (`Đ`, `CĐ`, `Đạt`, `Chưa đạt`). */
export type Mark =
  { readonly kind: 'score'; readonly value: string } | { readonly kind: 'level'; readonly value: 'Đ' | 'CĐ' };

const LEVELS: Readonly<Record<string, 'Đ' | 'CĐ'>> = { d: 'Đ', dat: 'Đ', cd: 'CĐ', chuadat: 'CĐ' };

/**
 * A mark as written in a cell. A score has at most one decimal, with a comma or a dot, from 0 to
 * 10 (TT22 Điều 5.2); a spreadsheet's number cell (`8.5`, and `8.50` shown with two decimals) is
 * read the same. Written in the ledger's form, as typed: `8.5`, `10`, `7`, `7.0`.
 */
export function parseMark(v: string): Parsed<Mark> {
  const level = LEVELS[fold(v)];
  if (level !== undefined) return right({ kind: 'level', value: level });
  const m = /^(\d{1,2})(?:[.,](\d+))?$/.exec(v);
  if (m !== null) {
    const whole = Number(m[1]);
    // Zeros a cell's format adds are dropped down to the one decimal written (8.50 → 8.5, 8.00 → 8.0).
    const frac = m[2] === undefined ? '' : m[2].replace(/(?<=.)0+$/, '');
    if (frac.length <= 1 && (whole < 10 || (whole === 10 && /^0?$/.test(frac))))
      return right({ kind: 'score', value: frac === '' ? String(whole) : `${whole}.${frac}` });
  }
  return bad(
    `a mark is a score from 0 to 10 with at most one decimal (8,5 or 8.5), or Đ / CĐ; got "${v}"`,
    `điểm là số từ 0 đến 10, nhiều nhất một chữ số thập phân (8,5 hoặc 8.5), hoặc Đ / CĐ; không phải "${v}"`,
    'TT22 Điều 5',
  );
}

/** Ids (*mã học sinh*, class and subject codes) as the ledger's codecs allow them. */
const ID_RULES = {
  student: {
    re: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    en: 'a student id is 1–64 letters a–z, digits, ". _ -" (no spaces, no diacritics)',
    vi: 'mã học sinh gồm 1–64 chữ cái không dấu, chữ số, ". _ -" (không có dấu cách, không dấu)',
  },
  class: {
    re: /^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$/,
    en: 'a class code is 1–20 letters, digits, ". _ -", e.g. 10A1',
    vi: 'mã lớp gồm 1–20 chữ cái, chữ số, ". _ -", ví dụ 10A1',
  },
  subject: {
    re: /^[a-z0-9][a-z0-9-]{0,39}$/,
    en: 'a subject code is 1–40 lowercase letters, digits and "-", e.g. ngu-van',
    vi: 'mã môn học gồm 1–40 chữ thường không dấu, chữ số và "-", ví dụ ngu-van',
  },
} as const;

/** An id of kind `kind` as written, or why it cannot be one. */
export function parseId(kind: keyof typeof ID_RULES, v: string): Parsed<string> {
  const r = ID_RULES[kind];
  return r.re.test(v) ? right(v) : bad(`${r.en}; got "${v}"`, `${r.vi}; không phải "${v}"`, 'docs/design.md §3');
}

/** Text of at most `max` characters (the ledger's limit for the field). */
export function parseText(v: string, max: number): Parsed<string> {
  return v.length <= max
    ? right(v)
    : bad(
        `at most ${max} characters (this has ${v.length})`,
        `tối đa ${max} ký tự (ô này có ${v.length})`,
        RULE_VALUES,
      );
}
