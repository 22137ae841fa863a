/**
 * Teachers' remarks (*nhận xét*) on cells. A remark is the `comment` a teacher wrote with an entry
 * (a TT27 subject level, a TT22 conduct result or its re-evaluation); it lives on the entry's
 * version of the cell, so its author and time are the entry's.
 */
import type { Actor, Cell } from '../records/state.js';

/** The remark a cell carries now, with who wrote it and the value it was written with. */
export interface Remark {
  readonly text: string;
  /** The author of the entry that carried the remark. */
  readonly by: Actor;
  /** The author's claimed signing time of that entry. */
  readonly at: string;
  readonly eventId: string;
  readonly position: number;
  /** The value the remark was written with. */
  readonly writtenWith: string;
  /**
   * True when a correction (*sửa chữa*, QC Điều 12.3) changed the value after the remark was
   * written. A correction changes the value only: the remark stays as written, and a reader may
   * want to know it was written about the old value.
   */
  readonly correctedSince: boolean;
}

/**
 * The remark of `cell`: the comment of its latest entry (not correction). A later plain entry
 * restates the cell, so one written without a comment leaves the cell without a remark;
 * corrections keep it. Null for a missing cell or one whose latest entry has no comment.
 */
export function remarkOf(cell: Cell | null | undefined): Remark | null {
  if (cell === null || cell === undefined) return null;
  const h = cell.history;
  let i = h.length - 1;
  while (i >= 0 && h[i]!.correction !== undefined) i--;
  const entry = h[i];
  if (entry === undefined || entry.comment === undefined) return null;
  return {
    text: entry.comment,
    by: entry.by,
    at: entry.at,
    eventId: entry.eventId,
    position: entry.position,
    writtenWith: entry.value,
    correctedSince: i < h.length - 1,
  };
}
