/**
 * Choosing the rule set for a level, grade and school year (the Ministry phased the new rules in
 * grade by grade), and applying a province's overrides of the parameters marked (check).
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import type { BooksError } from '../errors.js';
import { parseDecimal } from '../decimal.js';
import { TT22_DEFAULTS, TT22_SOURCES, type Tt22Params } from './tt22.js';
import { GDTX_DEFAULTS, GDTX_SOURCES } from './gdtx.js';
import { TT27_DEFAULTS, TT27_SOURCES, type Tt27Params } from './tt27.js';
import { PRESCHOOL_DEFAULTS, PRESCHOOL_SOURCES, type PreschoolParams } from './preschool.js';

/** The school levels hoso keeps books for. */
export type SchoolLevel = 'preschool' | 'primary' | 'secondary' | 'gdtx';

interface RuleSetBase<Id extends string, L extends SchoolLevel, P> {
  /** Stable id of the rule set. */
  readonly id: Id;
  readonly level: L;
  /** The regulation it implements. */
  readonly regulation: string;
  readonly params: P;
  /** The article each parameter comes from. */
  readonly sources: { readonly [K in keyof P]: string };
  /** Dotted paths of the parameters a province overrode (empty for the national values). */
  readonly overridden: readonly string[];
}

/** Secondary, Thông tư 22/2021. */
export type Tt22RuleSet = RuleSetBase<'tt22', 'secondary', Tt22Params>;
/** Continuing education (GDTX), Thông tư 43/2021: TT22's scheme with the GDTX values of `gdtx.ts`. */
export type GdtxRuleSet = RuleSetBase<'gdtx', 'gdtx', Tt22Params>;
/** Primary, Thông tư 27/2020. */
export type Tt27RuleSet = RuleSetBase<'tt27', 'primary', Tt27Params>;
/** Preschool growth monitoring against the WHO standards. */
export type PreschoolRuleSet = RuleSetBase<'preschool', 'preschool', PreschoolParams>;
/** Any rule set. */
export type RuleSet = Tt22RuleSet | GdtxRuleSet | Tt27RuleSet | PreschoolRuleSet;

/** The national TT22 rule set. */
export const TT22: Tt22RuleSet = {
  id: 'tt22',
  level: 'secondary',
  regulation: 'Thông tư 22/2021/TT-BGDĐT',
  params: TT22_DEFAULTS,
  sources: TT22_SOURCES,
  overridden: [],
};

/** The national GDTX rule set (Thông tư 43/2021, see `gdtx.ts`). */
export const GDTX: GdtxRuleSet = {
  id: 'gdtx',
  level: 'gdtx',
  regulation: 'Thông tư 43/2021/TT-BGDĐT',
  params: GDTX_DEFAULTS,
  sources: GDTX_SOURCES,
  overridden: [],
};

/** The national TT27 rule set. */
export const TT27: Tt27RuleSet = {
  id: 'tt27',
  level: 'primary',
  regulation: 'Thông tư 27/2020/TT-BGDĐT',
  params: TT27_DEFAULTS,
  sources: TT27_SOURCES,
  overridden: [],
};

/** The preschool rule set. */
export const PRESCHOOL: PreschoolRuleSet = {
  id: 'preschool',
  level: 'preschool',
  regulation: 'Thông tư 52/2020/TT-BGDĐT; WHO Child Growth Standards 2006',
  params: PRESCHOOL_DEFAULTS,
  sources: PRESCHOOL_SOURCES,
  overridden: [],
};

/** Thông tư 22's phase-in, grade by grade (see {@link PHASE_IN}). */
const TT22_PHASE_IN = {
  grades: [6, 12] as const,
  byYear: [
    [2021, [6]],
    [2022, [6, 7, 10]],
    [2023, [6, 7, 8, 10, 11]],
    [2024, [6, 7, 8, 9, 10, 11, 12]],
  ] as ReadonlyArray<readonly [number, readonly number[]]>,
};

/**
 * Grades under the new rules, by the first calendar year of the school year. From the last
 * listed year on, every grade of the level is covered.
 * TT22's entry-into-force article (lộ trình thực hiện): 2021-22 grade 6; 2022-23 grades 6, 7, 10; 2023-24 grades 6, 7,
 * 8, 10,
 * 11; from 2024-25 all. TT27's entry-into-force article: grade 1 from 2020-21, one more grade each year.
 * TT43 (GDTX) has the same schedule (its entry-into-force article: from 14 February 2022, 2021-22 grade 6, 2022-23
 * grades 7 and 10, 2023-24 grades 8 and 11, 2024-25 grades 9 and 12).
 */
export const PHASE_IN: {
  readonly [L in 'secondary' | 'primary' | 'gdtx']: {
    readonly grades: readonly [number, number];
    readonly byYear: ReadonlyArray<readonly [number, readonly number[]]>;
  };
} = {
  secondary: TT22_PHASE_IN,
  // TT43's schedule is TT22's: the same table, not a copy of it.
  gdtx: TT22_PHASE_IN,
  primary: {
    grades: [1, 5],
    byYear: [
      [2020, [1]],
      [2021, [1, 2]],
      [2022, [1, 2, 3]],
      [2023, [1, 2, 3, 4]],
      [2024, [1, 2, 3, 4, 5]],
    ],
  },
};

const OLD_RULES: { readonly [L in 'secondary' | 'primary' | 'gdtx']: string } = {
  secondary: 'Thông tư 58/2011/TT-BGDĐT (and 26/2020)',
  gdtx: 'Quyết định 02/2007/QĐ-BGDĐT (Quy chế đánh giá, xếp loại học viên GDTX) and its amendments (check)',
  primary: 'Thông tư 30/2014/TT-BGDĐT (and 22/2016)',
};

/** Parse a school year `"2024-2025"` into its first calendar year. */
export function parseSchoolYear(
  year: unknown,
  path: ReadonlyArray<string | number> = ['year'],
): Either<BooksError, number> {
  const m = typeof year === 'string' ? /^(\d{4})-(\d{4})$/.exec(year) : null;
  if (m === null || Number(m[2]) !== Number(m[1]) + 1) {
    return left(
      hosoError('invalid-school-year', `${JSON.stringify(year)} is not a school year such as "2024-2025"`, { path }),
    );
  }
  return right(Number(m[1]));
}

/**
 * The rule set that governs `grade` in school `year` (`"2024-2025"`). Grades and years still under
 * Thông tư 58/2011 (secondary), the GDTX learners' Quy chế of 2007 or Thông tư 30/2014 (primary)
 * are a typed `rule-set-not-implemented` error: hoso does not implement those older rules.
 * Preschool has one rule set for every year (grade is ignored; pass 0).
 */
export function ruleSetFor(level: SchoolLevel, grade: number, year: string): Either<BooksError, RuleSet> {
  const y = parseSchoolYear(year);
  if (y._tag === 'Left') return y;
  if (level === 'preschool') return right(PRESCHOOL);
  const phase = PHASE_IN[level];
  if (!Number.isInteger(grade) || grade < phase.grades[0] || grade > phase.grades[1]) {
    return left(
      hosoError('invalid-grade', `grade ${grade} is not a ${level} grade (${phase.grades[0]}–${phase.grades[1]})`, {
        path: ['grade'],
      }),
    );
  }
  let covered: readonly number[] = [];
  for (const [from, grades] of phase.byYear) if (y.right >= from) covered = grades;
  if (!covered.includes(grade)) {
    return left(
      hosoError(
        'rule-set-not-implemented',
        `grade ${grade} in ${year} falls under ${OLD_RULES[level]}, which hoso does not implement`,
        {
          path: ['year'],
          rule: OLD_RULES[level],
          details: { level, grade, year },
        },
      ),
    );
  }
  return right(level === 'secondary' ? TT22 : level === 'gdtx' ? GDTX : TT27);
}

/** A partial copy of a parameter object, nested objects partial too. */
export type DeepPartial<T> = {
  readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

function mergeChecked(base: unknown, over: unknown, path: string[], changed: string[]): Either<BooksError, unknown> {
  const here = path.join('.');
  const bad = (why: string) => left(hosoError('invalid-override', `${here || 'overrides'}: ${why}`, { path }));
  if (Array.isArray(base)) {
    if (!Array.isArray(over) || !over.every((x) => typeof x === typeof base[0]))
      return bad('expected a list like the default');
    changed.push(here);
    return right(over);
  }
  if (typeof base === 'object' && base !== null) {
    if (typeof over !== 'object' || over === null || Array.isArray(over)) return bad('expected an object');
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) {
      if (!(k in out))
        return left(
          hosoError('invalid-override', `unknown parameter ${[...path, k].join('.')}`, { path: [...path, k] }),
        );
      const r = mergeChecked(out[k], v, [...path, k], changed);
      if (r._tag === 'Left') return r;
      out[k] = r.right;
    }
    return right(out);
  }
  if (typeof base !== typeof over) return bad(`expected a ${typeof base}`);
  if (typeof base === 'string') {
    const d = parseDecimal(over, { maxScale: 1, path });
    if (d._tag === 'Left') return bad('expected a decimal string with at most one decimal');
  }
  if (typeof base === 'number' && (!Number.isInteger(over) || (over as number) < 0))
    return bad('expected a non-negative integer');
  if (over !== base) changed.push(here);
  return right(over);
}

/**
 * A copy of `ruleSet` with a province's values (*hướng dẫn của Sở*) in place of the national ones.
 * Unknown parameters and values of the wrong shape are refused; `overridden` lists what changed so
 * every book computed with it can say so.
 */
export function withOverrides<R extends RuleSet>(
  ruleSet: R,
  overrides: DeepPartial<R['params']>,
): Either<BooksError, R> {
  const changed: string[] = [];
  const merged = mergeChecked(ruleSet.params, overrides, [], changed);
  if (merged._tag === 'Left') return merged;
  return right({
    ...ruleSet,
    params: merged.right as R['params'],
    overridden: [...new Set([...ruleSet.overridden, ...changed])],
  });
}
