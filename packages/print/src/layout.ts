/**
 * Page geometry shared by both renderers (margins, footer, QR size) and the grid of a grouped
 * table header.
 */
import { headerDepth, type Column } from './model.js';

/**
 * Geometry shared by both renderers (points; 1 pt = 1/72 in). The PDF renderer lays pages out
 * with these numbers; the HTML renderer writes the same margins into its `@page` rules.
 */
export const GEOMETRY = {
  /** Top page margin. */
  top: 34,
  /** Left and right page margins. */
  side: 40,
  /** Height of the verification footer zone at the bottom of every page. */
  footer: 100,
  /** Side of the printed QR symbol (its 4-module quiet zone lies outside). */
  qr: 64,
} as const;

/** One header cell of a grouped table header, positioned on the header grid. */
export interface HeaderCell {
  readonly label: string;
  /** Header row (0 = top) where the cell starts. */
  readonly row: number;
  /** Number of header rows it spans (a leaf reaches the bottom row). */
  readonly rowSpan: number;
  /** First leaf column it covers. */
  readonly col: number;
  /** Number of leaf columns it covers. */
  readonly colSpan: number;
}

/** A header tree flattened onto a grid. */
export interface HeaderGrid {
  /** Number of header rows. */
  readonly depth: number;
  readonly cells: ReadonlyArray<HeaderCell>;
  /** For each cell, the index in `cells` of the group it belongs to (`undefined` at the top level). */
  readonly parents: ReadonlyArray<number | undefined>;
}

/**
 * Flatten a header tree onto a grid: groups span their leaves, leaves span down to the last
 * header row (as the Ministry's forms draw "STT" and "Họ và tên" across both header lines).
 */
export function headerGrid(columns: ReadonlyArray<Column>): HeaderGrid {
  const depth = headerDepth(columns);
  const cells: HeaderCell[] = [];
  const parents: Array<number | undefined> = [];
  let col = 0;
  const walk = (cs: ReadonlyArray<Column>, row: number, parent: number | undefined): void => {
    for (const c of cs) {
      parents.push(parent);
      if (c.children && c.children.length > 0) {
        const start = col;
        const at = cells.length;
        cells.push({ label: c.label, row, rowSpan: 1, col: start, colSpan: 0 });
        walk(c.children, row + 1, at);
        cells[at] = { label: c.label, row, rowSpan: 1, col: start, colSpan: col - start };
      } else {
        cells.push({ label: c.label, row, rowSpan: depth - row, col, colSpan: 1 });
        col++;
      }
    }
  };
  walk(columns, 0, undefined);
  return { depth, cells, parents };
}

/** Widths of the leaf columns: `total` shared in proportion to their `width` weights (default 1). */
export function columnWidths(leaves: ReadonlyArray<Column>, total: number): number[] {
  const sum = leaves.reduce((a, c) => a + (c.width ?? 1), 0);
  return leaves.map((c) => (total * (c.width ?? 1)) / sum);
}
