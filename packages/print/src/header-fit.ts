/**
 * Table headers that break only between words. Each header cell's label wraps at its spaces; where
 * a word is wider than its column the label is set smaller, and where it would stand as a tall stack
 * of one- or two-word lines it is turned to read upwards, as the Ministry's summary sheets print
 * subject names. Both renderers draw the fits computed here, so PDF and HTML break a header alike.
 */
import type { HeaderGrid } from './layout.js';
import type { TextMeasure } from './metrics.js';

/** How one header cell's label is set. */
export interface HeaderFit {
  /** Font size, points. */
  readonly size: number;
  /** Turned 90° anticlockwise: the lines read from the bottom of the cell upwards. */
  readonly turned: boolean;
  /** The label's lines, each a run of whole words (unless `cut`). */
  readonly lines: ReadonlyArray<string>;
  /** Line height at `size`. */
  readonly lineHeight: number;
  /** Extent down the page: the lines' height, or (turned) the longest line's width. */
  readonly height: number;
  /** Extent across the page: the longest line's width, or (turned) the lines' height. */
  readonly width: number;
  /**
   * A word had to be cut: it is wider than its column at the smallest size and longer than a
   * turned header may run. Only a single "word" of dozens of letters does that.
   */
  readonly cut: boolean;
}

/** What a header is fitted with. */
export interface HeaderFitOptions {
  /** The table's font size: headers are set at it when they fit. */
  readonly size: number;
  /** The smallest size a header may shrink to (default: 2 points less, and at least 5). */
  readonly minSize?: number;
  /** How far down the page a turned header may run (points). */
  readonly maxTurnedLength: number;
  /** The header font's measure. */
  readonly measure: TextMeasure;
}

/** Shrink in quarter points. */
const STEP = 0.25;
/** More lines than this and a turned label is tried: it is shorter and reads as one. */
const MAX_LINES = 3;
/** Rounding slack when comparing widths (points). */
const EPS = 0.01;

type Paragraphs = ReadonlyArray<ReadonlyArray<string>>;

/** The label's hard lines (a `\n` in the label), each as its words. */
function paragraphs(label: string): Paragraphs {
  return label.split('\n').map((p) => p.split(/\s+/).filter((w) => w !== ''));
}

/** Greedy wrap at spaces into `width`; `undefined` when one word alone is wider. */
function wrap(ps: Paragraphs, width: number, size: number, m: TextMeasure): string[] | undefined {
  const out: string[] = [];
  for (const ws of ps) {
    let line = '';
    for (const w of ws) {
      if (m.width(w, size) > width + EPS) return undefined;
      const next = line === '' ? w : `${line} ${w}`;
      if (line !== '' && m.width(next, size) > width + EPS) {
        out.push(line);
        line = w;
      } else line = next;
    }
    out.push(line);
  }
  return out;
}

function fit(lines: ReadonlyArray<string>, size: number, turned: boolean, m: TextMeasure, cut = false): HeaderFit {
  const lineHeight = m.lineHeight(size);
  const long = Math.max(0, ...lines.map((l) => m.width(l, size)));
  const deep = lines.length * lineHeight;
  return { size, turned, lines, lineHeight, height: turned ? long : deep, width: turned ? deep : long, cut };
}

function sizes(o: HeaderFitOptions): number[] {
  const min = o.minSize ?? Math.max(5, o.size - 2);
  const out: number[] = [];
  for (let s = o.size; s >= min - EPS; s -= STEP) out.push(Math.round(s * 100) / 100);
  return out;
}

/** Upright, at the largest size where every word fits the column. */
function upright(ps: Paragraphs, across: number, o: HeaderFitOptions): HeaderFit | undefined {
  for (const s of sizes(o)) {
    const lines = wrap(ps, across, s, o.measure);
    if (lines !== undefined) return fit(lines, s, false, o.measure);
  }
  return undefined;
}

/**
 * Turned, at the largest size where the label fits as many lines as the column is wide, each line
 * as short as that allows, and no longer than `maxTurnedLength`.
 */
function turned(ps: Paragraphs, across: number, o: HeaderFitOptions): HeaderFit | undefined {
  const m = o.measure;
  for (const s of sizes(o)) {
    const n = Math.floor((across + EPS) / m.lineHeight(s));
    if (n < 1) continue;
    const all = ps.flat();
    let lo = Math.max(0, ...all.map((w) => m.width(w, s)));
    let hi = Math.max(lo, ...ps.map((ws) => m.width(ws.join(' '), s)));
    if ((wrap(ps, hi, s, m) ?? []).length > n) continue;
    // The fewest lines is monotone in the width: halve the interval down to a tenth of a point.
    while (hi - lo > 0.1) {
      const mid = (lo + hi) / 2;
      const lines = wrap(ps, mid, s, m);
      if (lines !== undefined && lines.length <= n) hi = mid;
      else lo = mid;
    }
    const lines = wrap(ps, hi, s, m)!;
    const f = fit(lines, s, true, m);
    if (f.height <= o.maxTurnedLength + EPS) return f;
  }
  return undefined;
}

/** The last resort: upright at the smallest size, a word cut between letters where it must be. */
function cutting(label: string, across: number, o: HeaderFitOptions): HeaderFit {
  const s = sizes(o).at(-1) ?? o.size;
  const m = o.measure;
  const seg = new Intl.Segmenter('vi', { granularity: 'grapheme' });
  const pieces: string[][] = paragraphs(label).map((ws) =>
    ws.flatMap((w) => {
      if (m.width(w, s) <= across + EPS) return [w];
      const parts: string[] = [];
      let cur = '';
      for (const { segment } of seg.segment(w)) {
        if (cur !== '' && m.width(cur + segment, s) > across + EPS) {
          parts.push(cur);
          cur = segment;
        } else cur += segment;
      }
      if (cur !== '') parts.push(cur);
      return parts;
    }),
  );
  // Every piece now fits, so wrapping succeeds.
  return fit(wrap(pieces, Math.max(across, EPS), s, m) ?? [label], s, false, m, true);
}

/** A cell's chosen fit and, when there is one, its turned alternative (for its siblings' sake). */
interface Candidates {
  readonly chosen: HeaderFit;
  readonly turned: HeaderFit | undefined;
}

function candidates(label: string, across: number, o: HeaderFitOptions): Candidates {
  const ps = paragraphs(label);
  const up = upright(ps, across, o);
  const t = turned(ps, across, o);
  if (up !== undefined && up.lines.length <= MAX_LINES) return { chosen: up, turned: t };
  if (t !== undefined && (up === undefined || t.height <= up.height)) return { chosen: t, turned: t };
  return { chosen: up ?? t ?? cutting(label, across, o), turned: t };
}

/**
 * The fit of every cell of a header grid. `across(i)` is the room inside cell `i` (its columns'
 * width less padding). Siblings in a group are set alike: when one of them is turned, all of them
 * that can be are turned too, so a row of subject names reads one way.
 */
export function fitHeader(grid: HeaderGrid, across: (cell: number) => number, o: HeaderFitOptions): HeaderFit[] {
  const cs = grid.cells.map((c, i) => candidates(c.label, across(i), o));
  const out = cs.map((c) => c.chosen);
  const groups = new Map<number, number[]>();
  grid.parents.forEach((p, i) => {
    if (p !== undefined) groups.set(p, [...(groups.get(p) ?? []), i]);
  });
  for (const members of groups.values())
    if (members.some((i) => out[i]!.turned))
      for (const i of members) {
        const t = cs[i]!.turned;
        if (t !== undefined) out[i] = t;
      }
  return out;
}
