/**
 * The access log (docs/personal-data.md, "Access log"): adopted once by the leader; a logged read
 * is its reader's own act, names the reader as the author's key is registered, at least one pupil
 * of the ledger, each once, with at least one field each, and never a value (the payload has no
 * place for one).
 */
import { ledgerError } from '../errors.js';
import { MAX_ACCESS_READS, type EventData } from '../events.js';
import { marks, type LedgerState } from '../state.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import type { Problems } from './lookups.js';

/** Adopted once. */
export function checkAccessLogAdopted(s: LedgerState, out: Problems): void {
  if (s.marks.has(marks.accessLog))
    out.push(
      ledgerError('already-decided', 'the access log is already adopted', { path: ['type'], rule: RULES.personalData }),
    );
}

/** The reader is the author; each pupil named once, known to the ledger, with fields each named once. */
export function checkAccessed(s: LedgerState, v: EventView, d: EventData['PersonalDataAccessed'], out: Problems): void {
  const author = s.keys.get(v.by.key)?.person;
  if (author !== undefined && author !== d.person)
    out.push(
      ledgerError('not-permitted', `a read is logged by its reader: the author is "${author}", not "${d.person}"`, {
        path: ['data', 'person'],
        rule: RULES.personalData,
      }),
    );
  if (d.reads.length === 0 || d.reads.length > MAX_ACCESS_READS)
    out.push(
      ledgerError('invalid-data', `name from 1 to ${MAX_ACCESS_READS} pupils`, {
        path: ['data', 'reads'],
        rule: RULES.personalData,
      }),
    );
  const seen = new Set<string>();
  for (const [i, r] of d.reads.entries()) {
    const path = ['data', 'reads', i];
    if (seen.has(r.student))
      out.push(ledgerError('invalid-data', `"${r.student}" is named twice`, { path, rule: RULES.personalData }));
    else if (!s.students.has(r.student))
      out.push(ledgerError('unknown-student', `no student "${r.student}"`, { path: [...path, 'student'] }));
    seen.add(r.student);
    if (r.fields.length === 0 || new Set(r.fields).size !== r.fields.length)
      out.push(
        ledgerError('invalid-data', 'name each field read once, at least one', {
          path: [...path, 'fields'],
          rule: RULES.personalData,
        }),
      );
  }
}
