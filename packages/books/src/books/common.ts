/**
 * Helpers shared by the book views: indexing cells by stream, window coverage (lock status) and
 * person names.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import type { BooksError } from '../errors.js';
import {
  classKey,
  type Cell,
  type ClassRecord,
  type Records,
  type SignStep,
  type WindowRecord,
} from '../records/state.js';

/** The class of `year`/`cls`, or a typed error. */
export function findClass(r: Records, year: string, cls: string): Either<BooksError, ClassRecord> {
  const c = r.classes[classKey(year, cls)];
  return c === undefined
    ? left(
        hosoError('unknown-class', `class ${cls} of ${year} was never opened`, {
          path: ['class'],
          details: { year, class: cls },
        }),
      )
    : right(c);
}

/** Cells by stream, looked up once per stream per book. */
export interface CellIndex {
  get(stream: string): readonly Cell[] | undefined;
}

/** An index of the records' cells by stream (reads only the streams a book asks for). */
export function indexCells(r: Records): CellIndex {
  const memo = new Map<string, readonly Cell[]>();
  return {
    get(stream) {
      let l = memo.get(stream);
      if (l === undefined) {
        const keys = r.streamCells[stream];
        if (keys === undefined) return undefined;
        l = keys.map((k) => r.cells[k]).filter((c): c is Cell => c !== undefined);
        memo.set(stream, l);
      }
      return l;
    },
  };
}

/** Lock status of a column (QC Điều 6.2c): the windows still open over it, if any. */
export interface LockStatus {
  /** `open` when a window without a student scope covers the column; `locked` otherwise. */
  readonly state: 'open' | 'locked';
  /** Open windows covering the whole column. */
  readonly windows: readonly string[];
  /** Open windows covering single cells of it (a student scope). */
  readonly cellWindows: readonly string[];
}

/** What a column is, for window matching. */
export interface ColumnScope {
  readonly year: string;
  readonly grade: number;
  readonly class: string;
  readonly subject?: string;
  /** Window scope column: `tx gk ck level test conduct quality`. */
  readonly column: string;
  readonly term: 'HK1' | 'HK2';
  readonly mid: boolean;
}

function periodCovers(w: WindowRecord, s: ColumnScope): boolean {
  if (w.period === 'CN' || w.period === s.term) return true;
  return s.mid && w.period === (s.term === 'HK1' ? 'GK1' : 'GK2');
}

/**
 * Windows open over a column as of the records' position. Windows' `opens`/`closes` instants are
 * claims about wall-clock time, which a projection cannot know; they are listed on each window
 * for a reader to compare with its clock. Closing (*khóa sổ*) is by position: a closed window
 * stays closed.
 */
export function lockStatus(r: Records, s: ColumnScope): LockStatus {
  const windows: string[] = [];
  const cellWindows: string[] = [];
  for (const w of Object.values(r.windows)) {
    if (w.closedAt !== null || w.year !== s.year || !periodCovers(w, s)) continue;
    const sc = w.scope;
    if (sc.grade !== undefined && sc.grade !== s.grade) continue;
    if (sc.class !== undefined && sc.class !== s.class) continue;
    if (sc.subject !== undefined && sc.subject !== s.subject) continue;
    if (sc.column !== undefined && sc.column !== s.column) continue;
    (sc.student === undefined ? windows : cellWindows).push(w.window);
  }
  return { state: windows.length > 0 ? 'open' : 'locked', windows, cellWindows };
}

/** Names of the people currently holding a scoped role. */
export function holders(r: Records, role: string, year: string, cls: string, subject?: string): string[] {
  return r.roles
    .filter(
      (g) =>
        g.revokedAt === null &&
        g.role === role &&
        g.year === year &&
        g.class === cls &&
        (subject === undefined || g.subject === subject),
    )
    .map((g) => r.people[g.person] ?? g.person);
}

/** A sign step, or null. */
export const stepOrNull = (s: SignStep | undefined): SignStep | null => s ?? null;
