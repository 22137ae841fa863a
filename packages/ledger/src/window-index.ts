/**
 * Entry windows indexed for the two questions the rules ask of them (QC Điều 6.2c), so that neither
 * costs more as windows accumulate — a school opens a handful a year, a forged bundle may open
 * thousands:
 *
 * - **which windows cover this cell, and is one open at this time?** Windows are filed in buckets
 *   by year, period and the exact scope they name (which of grade, class, subject, column, student,
 *   and their values). A cell looks up, for each (period, pattern of named fields) the year has
 *   used, the one bucket its own values select; in a bucket an interval set answers "open at t?".
 * - **does a new window reopen a closed one?** Every closed window is filed once for each subset of
 *   the fields its scope names; a new window looks up, for each pattern of closed windows the year
 *   has, the one entry its own values select on the fields both name.
 *
 * Patterns are at most 6 periods × 32 field sets, so both answers take a bounded number of map
 * look-ups. Everything here is derived from the `windows` map: a snapshot stores that map and
 * rebuilds the index ({@link reindexWindows}).
 */
import type { LayerMap } from './layer-map.js';
import type { WindowOpened, WindowPeriod, WindowScope } from './events.js';
import type { CellRef } from './cells.js';
import { anyContains, insertInterval, removeInterval, type IntervalSet } from './interval-set.js';

/** An entry window as opened, and whether (and at which position) it has been closed. */
export interface WindowState {
  readonly data: WindowOpened;
  readonly closed: boolean;
  /** Position of its `WindowOpened`. */
  readonly position: number;
  /** Position of the `WindowClosed` that closed it, when closed. */
  readonly closedAt?: number;
}

/** The windows of one year, period and exact scope. */
export interface WindowBucket {
  /** The bucket's windows that are not closed, by the instants they are open between. */
  readonly open: IntervalSet;
  /** The latest window of the bucket (by position), open or not. */
  readonly last: string;
  readonly lastPosition: number;
}

/** A closed window an opening may reopen: the earliest (by position) filed under one key. */
export interface LockEntry {
  readonly window: string;
  readonly position: number;
}

/** The part of the ledger state this module reads and keeps. */
export interface WindowIndex {
  readonly windows: LayerMap<string, WindowState>;
  /** `<year>` → the (period, fields named) pairs of the year's windows. */
  readonly windowPatterns: LayerMap<string, readonly Pattern<WindowPeriod>[]>;
  /** `<year>|<period>|<mask>|<values>` → bucket. */
  readonly windowBuckets: LayerMap<string, WindowBucket>;
  /** `<year>` → the (period group, fields named) pairs of the year's closed windows. */
  readonly lockPatterns: LayerMap<string, readonly Pattern<PeriodGroup>[]>;
  /** `<year>|<group>|<mask>|<subset>|<values on subset>` → the earliest closed window. */
  readonly locks: LayerMap<string, LockEntry>;
}

/** Which periods (or period groups) and which scope fields some windows name. */
export interface Pattern<P extends string> {
  readonly period: P;
  /** Bit i set: the scope names field i of {@link FIELDS}. */
  readonly mask: number;
}

/** The scope fields, in the order of the field masks (bit i = field i). */
const FIELDS = ['grade', 'class', 'subject', 'column', 'student'] as const;

const SUBJECT_BIT = 1 << FIELDS.indexOf('subject');

function maskOf(scope: WindowScope): number {
  let m = 0;
  for (let i = 0; i < FIELDS.length; i++) if (scope[FIELDS[i]!] !== undefined) m |= 1 << i;
  return m;
}

/** The values of the fields of `mask`, joined (no field value contains `|`). */
function valuesOn(get: (f: (typeof FIELDS)[number]) => string | number | undefined, mask: number): string {
  let out = '';
  for (let i = 0; i < FIELDS.length; i++) if ((mask & (1 << i)) !== 0) out += `${String(get(FIELDS[i]!))}|`;
  return out;
}

const bounds = (d: WindowOpened): [number, number] => [
  d.opens === undefined ? -Infinity : Date.parse(d.opens),
  d.closes === undefined ? Infinity : Date.parse(d.closes),
];

/** Add a pattern to the year's (at most 6 × 32 of them, so the copy is bounded). */
function withPattern<P extends string>(
  map: LayerMap<string, readonly Pattern<P>[]>,
  year: string,
  period: P,
  mask: number,
): void {
  const list = map.get(year) ?? [];
  if (!list.some((p) => p.period === period && p.mask === mask)) map.set(year, [...list, { period, mask }]);
}

const bucketKey = (year: string, period: string, mask: number, values: string): string =>
  `${year}|${period}|${mask}|${values}`;

/** File a window just opened (it is in `windows` at `position`). */
export function indexWindowOpened(ix: WindowIndex, id: string, d: WindowOpened, position: number): void {
  const mask = maskOf(d.scope);
  withPattern(ix.windowPatterns, d.year, d.period, mask);
  const key = bucketKey(
    d.year,
    d.period,
    mask,
    valuesOn((f) => d.scope[f], mask),
  );
  const b = ix.windowBuckets.get(key);
  const [lo, hi] = bounds(d);
  ix.windowBuckets.set(key, { open: insertInterval(b?.open ?? null, lo, hi, id), last: id, lastPosition: position });
}

/** Periods grouped so that two periods overlap exactly when their groups do (see {@link OVERLAPPING}). */
export type PeriodGroup = 'HE' | 'CN' | 'T1' | 'T2';

function groupOf(p: WindowPeriod): PeriodGroup {
  return p === 'HE' || p === 'CN' ? p : p === 'GK1' || p === 'HK1' ? 'T1' : 'T2';
}

/** The summer overlaps only itself; the year overlaps both terms; a mid-term overlaps its term. */
const OVERLAPPING: { readonly [G in PeriodGroup]: readonly PeriodGroup[] } = {
  HE: ['HE'],
  CN: ['CN', 'T1', 'T2'],
  T1: ['T1', 'CN'],
  T2: ['T2', 'CN'],
};

/** Do two periods overlap? The summer covers cells no other period covers; the year covers both terms. */
export function periodsOverlap(a: WindowPeriod, b: WindowPeriod): boolean {
  return OVERLAPPING[groupOf(a)].includes(groupOf(b));
}

/** File the closing of a window (`w` as it was before the close). */
export function indexWindowClosed(ix: WindowIndex, id: string, w: WindowState): void {
  const d = w.data;
  const mask = maskOf(d.scope);
  const key = bucketKey(
    d.year,
    d.period,
    mask,
    valuesOn((f) => d.scope[f], mask),
  );
  const b = ix.windowBuckets.get(key);
  if (b !== undefined) ix.windowBuckets.set(key, { ...b, open: removeInterval(b.open, bounds(d)[0], id) });
  const group = groupOf(d.period);
  withPattern(ix.lockPatterns, d.year, group, mask);
  // Every subset of the named fields: a later window naming any of them looks up its own values.
  for (let sub = mask; ; sub = (sub - 1) & mask) {
    const k = `${d.year}|${group}|${mask}|${sub}|${valuesOn((f) => d.scope[f], sub)}`;
    const earlier = ix.locks.get(k);
    if (earlier === undefined || earlier.position > w.position) ix.locks.set(k, { window: id, position: w.position });
    if (sub === 0) break;
  }
}

/**
 * The earliest closed window whose period and scope overlap those of `d` (two scopes overlap when
 * every field both name has the same value), or undefined.
 */
export function lockedBy(ix: WindowIndex, d: WindowOpened): string | undefined {
  const mine = maskOf(d.scope);
  const groups = OVERLAPPING[groupOf(d.period)];
  let best: LockEntry | undefined;
  for (const p of ix.lockPatterns.get(d.year) ?? []) {
    if (!groups.includes(p.period)) continue;
    const both = p.mask & mine;
    const e = ix.locks.get(`${d.year}|${p.period}|${p.mask}|${both}|${valuesOn((f) => d.scope[f], both)}`);
    if (e !== undefined && (best === undefined || e.position < best.position)) best = e;
  }
  return best?.window;
}

/** The periods whose windows cover a cell. */
function coveringPeriods(cell: CellRef): readonly WindowPeriod[] {
  if (cell.summer === true) return ['HE'];
  if (cell.term === undefined) return ['CN'];
  if (!cell.mid) return ['CN', cell.term];
  return ['CN', cell.term, cell.term === 'HK1' ? 'GK1' : 'GK2'];
}

/** What the windows say of an entry: open, or the latest covering window that was not (if any). */
export type Coverage = { readonly open: true } | { readonly open: false; readonly missed?: string };

/** Is an entry of `cell` (in a class of `grade`) at instant `at` (ms) inside an open window? */
export function coverage(ix: WindowIndex, cell: CellRef, grade: number, at: number): Coverage {
  const periods = coveringPeriods(cell);
  const value = (f: (typeof FIELDS)[number]): string | number | undefined => (f === 'grade' ? grade : cell[f]);
  let missed: { readonly id: string; readonly position: number } | undefined;
  for (const p of ix.windowPatterns.get(cell.year) ?? []) {
    if (!periods.includes(p.period)) continue;
    // A window naming a subject covers no cell without one.
    if ((p.mask & SUBJECT_BIT) !== 0 && cell.subject === undefined) continue;
    const b = ix.windowBuckets.get(bucketKey(cell.year, p.period, p.mask, valuesOn(value, p.mask)));
    if (b === undefined) continue;
    if (anyContains(b.open, at)) return { open: true };
    if (missed === undefined || b.lastPosition > missed.position) missed = { id: b.last, position: b.lastPosition };
  }
  return missed === undefined ? { open: false } : { open: false, missed: missed.id };
}

/** Rebuild the index from `windows` (after a snapshot is read): openings in order, then closings in order. */
export function reindexWindows(ix: WindowIndex): void {
  const closed: Array<[string, WindowState]> = [];
  for (const [id, w] of ix.windows.entries()) {
    indexWindowOpened(ix, id, w.data, w.position);
    if (w.closed) closed.push([id, w]);
  }
  closed.sort((a, b) => (a[1].closedAt ?? a[1].position) - (b[1].closedAt ?? b[1].position));
  for (const [id, w] of closed) indexWindowClosed(ix, id, w);
}
