/**
 * A WHO growth reference from a JSON file, for classifying preschool measurements (*phân loại
 * cân nặng, chiều cao theo chuẩn tăng trưởng WHO*). hoso ships no WHO tables (docs/grading.md):
 * the school supplies the L, M, S values the WHO publishes, in this shape:
 *
 * ```json
 * { "source": "WHO Child Growth Standards 2006, expanded tables",
 *   "weight-for-age":    { "F": [[0, 0.3809, 3.2322, 0.14171], [1, …], …], "M": […] },
 *   "height-for-age":    { "F": [[0, 1, 49.1477, 0.0379], …], "M": […] },
 *   "weight-for-height": { "F": [[65.0, -0.3833, 7.2402, 0.09113], …], "M": […] } }
 * ```
 *
 * Each row is `[x, L, M, S]`, with x the age in days (weight- and height-for-age) or the height in
 * cm (weight-for-height), rows in increasing x. An indicator or sex may be left out: its
 * measurements are then not classified. A measurement takes the row at or just below its x;
 * outside the table's first and last x it is not classified.
 */
import type { GrowthReference, Lms } from '@hoso/books';
import { usage } from './exit.js';
import { readText } from './io.js';

/** A loaded reference: the lookup `@hoso/books`' `preschoolBook` takes, and where it comes from. */
export interface WhoReference {
  readonly lookup: GrowthReference;
  /** The file's `source`, else the file name: printed under the growth table. */
  readonly source: string;
}

const INDICATORS = ['weight-for-age', 'height-for-age', 'weight-for-height'] as const;
const SEXES = ['F', 'M'] as const;
const RULE = 'docs/cli.md (WHO reference file)';

type Row = readonly [number, number, number, number];

/** The rows of one table, checked; `where` is the JSON path for messages. */
function rowsOf(v: unknown, where: string, bad: (path: string, message: string) => never): Row[] {
  if (!Array.isArray(v)) return bad(where, 'must be an array of [x, L, M, S] rows');
  const rows: Row[] = [];
  v.forEach((row: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!Array.isArray(row) || row.length !== 4 || !row.every((n) => typeof n === 'number' && Number.isFinite(n)))
      bad(at, 'a row is [x, L, M, S]: four finite numbers');
    const [x, , M, S] = row as [number, number, number, number];
    if (x < 0) bad(at, 'x (age in days or height in cm) must not be negative');
    if (!(M > 0) || !(S > 0)) bad(at, 'M and S must be greater than 0');
    const prev = rows[rows.length - 1];
    if (prev !== undefined && !(x > prev[0])) bad(at, 'rows must be in strictly increasing x');
    rows.push(row as unknown as Row);
  });
  return rows;
}

/** The row at or just below `x`, or null outside the table. */
function at(rows: readonly Row[], x: number): Lms | null {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined || !Number.isFinite(x) || x < first[0] || x > last[0]) return null;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rows[mid]![0] <= x) lo = mid;
    else hi = mid - 1;
  }
  const [, L, M, S] = rows[lo]!;
  return { L, M, S };
}

/** Parse a WHO reference from JSON text; bad input is exit 2 naming `arg` and the JSON path. */
export function parseWhoReference(text: string, name: string, arg = '--who-reference'): WhoReference {
  const bad = (path: string, message: string): never => {
    throw usage('invalid-who-reference', `${name}: ${path === '' ? '' : `${path}: `}${message}`, arg, RULE);
  };
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return bad('', `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('', 'must be a JSON object');
  const o = j as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== 'source' && !(INDICATORS as readonly string[]).includes(k))
      bad(k, `unknown field (known: source, ${INDICATORS.join(', ')})`);
  if (o['source'] !== undefined && (typeof o['source'] !== 'string' || o['source'].trim() === ''))
    bad('source', 'must be non-empty text');
  const tables = new Map<string, Row[]>();
  for (const ind of INDICATORS) {
    const t = o[ind];
    if (t === undefined) continue;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) bad(ind, 'must be an object { "F": rows, "M": rows }');
    for (const k of Object.keys(t as object))
      if (!(SEXES as readonly string[]).includes(k)) bad(`${ind}.${k}`, 'the sexes are "F" and "M"');
    for (const sex of SEXES) {
      const rows = (t as Record<string, unknown>)[sex];
      if (rows !== undefined) tables.set(`${ind}/${sex}`, rowsOf(rows, `${ind}.${sex}`, bad));
    }
  }
  if (tables.size === 0) bad('', `holds no table (give at least one of ${INDICATORS.join(', ')})`);
  const lookup: GrowthReference = (q) => {
    const rows = tables.get(`${q.indicator}/${q.sex}`);
    if (rows === undefined) return null;
    const x = q.indicator === 'weight-for-height' ? q.heightCm : q.ageDays;
    return x === undefined ? null : at(rows, x);
  };
  return { lookup, source: typeof o['source'] === 'string' ? o['source'] : name };
}

/** Read and parse the WHO reference file at `path`. */
export function readWhoReference(path: string, arg = '--who-reference'): WhoReference {
  return parseWhoReference(readText(path, arg), path, arg);
}
