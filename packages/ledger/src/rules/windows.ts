/**
 * Entry windows and locks (QC Điều 6.2c): the leader opens entry for a scope and period and closes
 * it; reopening what a closed window locked is an unlock and needs a reason; an assessment is
 * entered only while a window covering its cell is open — at the event's time, and at the
 * appender's clock (docs/design.md §8). Both questions are index look-ups (window-index.ts).
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import type { CellRef } from '../cells.js';
import type { LedgerState } from '../state.js';
import { coverage, lockedBy } from '../window-index.js';
import { RULES } from './articles.js';
import { classGrade, knownYear, type Problems } from './lookups.js';

/**
 * A new window id, for a defined year, over an open class and a defined subject, closing after it
 * opens; an unlock gives its reason.
 */
export function checkWindowOpened(s: LedgerState, d: EventData['WindowOpened'], out: Problems): void {
  knownYear(s, d.year, out);
  if (s.windows.has(d.window))
    out.push(
      ledgerError('duplicate-window', `window id "${d.window}" is already used`, {
        path: ['data', 'window'],
        rule: RULES.window,
      }),
    );
  if (d.scope.class !== undefined) classGrade(s, d.year, d.scope.class, out, ['data', 'scope', 'class']);
  if (d.scope.subject !== undefined && !s.subjects.has(d.scope.subject))
    out.push(
      ledgerError('unknown-subject', `subject "${d.scope.subject}" is not defined`, {
        path: ['data', 'scope', 'subject'],
      }),
    );
  if (d.opens !== undefined && d.closes !== undefined && !(Date.parse(d.opens) < Date.parse(d.closes)))
    out.push(
      ledgerError('invalid-data', 'a window closes after it opens', { path: ['data', 'closes'], rule: RULES.window }),
    );
  if (d.reason === undefined) {
    const locked = lockedBy(s, d);
    if (locked !== undefined)
      out.push(
        ledgerError('unlock-needs-reason', `this reopens entry locked by window "${locked}": give a reason`, {
          path: ['data', 'reason'],
          rule: RULES.window,
          details: { locked },
        }),
      );
  }
}

/** Only an open window is closed. */
export function checkWindowClosed(s: LedgerState, d: EventData['WindowClosed'], out: Problems): void {
  const w = s.windows.get(d.window);
  if (w === undefined)
    out.push(
      ledgerError('unknown-window', `no window "${d.window}"`, { path: ['data', 'window'], rule: RULES.window }),
    );
  else if (w.closed)
    out.push(
      ledgerError('window-already-closed', `window "${d.window}" is already closed`, {
        path: ['data', 'window'],
        rule: RULES.window,
      }),
    );
}

/**
 * An entry of `cell` (in a class of `grade`; undefined for a class that is not open, which only
 * windows naming no grade cover) at `at` falls in an open window covering it.
 */
export function checkInWindow(s: LedgerState, cell: CellRef, grade: number | undefined, at: Date, out: Problems): void {
  const c = coverage(s, cell, grade ?? Number.NaN, at.getTime());
  if (c.open) return;
  const what = `${cell.column}${cell.subject === undefined ? '' : ` of ${cell.subject}`}, ${cell.class} ${cell.term ?? ''} ${cell.year}`;
  const w = c.missed === undefined ? undefined : s.windows.get(c.missed);
  if (c.missed === undefined || w === undefined) {
    out.push(
      ledgerError('outside-window', `no entry window is open for ${what}`, { path: ['data'], rule: RULES.window }),
    );
    return;
  }
  const ms = at.getTime();
  const why = w.closed
    ? 'was closed'
    : w.data.opens !== undefined && ms < Date.parse(w.data.opens)
      ? `opens at ${w.data.opens}`
      : `closed at ${w.data.closes ?? ''}`;
  out.push(
    ledgerError('outside-window', `entry window "${c.missed}" for ${what} ${why}`, {
      path: ['data'],
      rule: RULES.window,
      details: { window: c.missed },
    }),
  );
}
