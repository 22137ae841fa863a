/**
 * Which blocks stay on the page of each signature row, for both renderers: a signature row is
 * never printed alone on a page — the blocks between it and the table before it travel with it,
 * and so do that table's last rows (`KEEP_ROWS`).
 */
import type { Block } from './model.js';

/** Rows of a table that stay on the page of the signatures that follow it. */
export const KEEP_ROWS = 2;

/** The blocks kept together with one signature row. */
export interface KeepRun {
  /** The table whose last rows join the run, when the run follows one. */
  readonly table?: number;
  /** First block of the run after the table (or its first block when there is no table). */
  readonly from: number;
  /** The signature row, the run's last block. */
  readonly to: number;
}

/**
 * The keep runs of a section's blocks: for each signature row, from the last table before it (only
 * paragraphs, fields and spacers between) up to the row; with no such table, from the block just
 * before the row. A signature row that opens the section has no run.
 */
export function keepRuns(blocks: ReadonlyArray<Block>): KeepRun[] {
  const runs: KeepRun[] = [];
  blocks.forEach((b, j) => {
    if (b.kind !== 'signatures' || j === 0) return;
    let from = j;
    while (from > 0 && blocks[from - 1]!.kind !== 'table' && blocks[from - 1]!.kind !== 'signatures') from--;
    if (from > 0 && blocks[from - 1]!.kind === 'table') runs.push({ table: from - 1, from, to: j });
    else runs.push({ from: from === j ? j - 1 : from, to: j });
  });
  return runs;
}
