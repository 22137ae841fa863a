/**
 * Personal data (docs/personal-data.md): once the ledger adopts the commitment format, no
 * biographical value is signed in clear again; commitments are refused before it (a reader must
 * know from one event which format a ledger writes from where); an erasure names registered pupils
 * whose every biographical value is committed, each once; an erased pupil gets no new personal data.
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import { hasClearFields, marks, type LedgerState } from '../state.js';
import { RULES } from './articles.js';
import type { Problems } from './lookups.js';

/** The most pupils one erasure decision names (a whole school's leavers of a year fit). */
export const MAX_ERASED_PER_DECISION = 5000;

const adopted = (s: LedgerState): boolean => s.marks.has(marks.pdAdopted);

/** The biography's format matches the ledger's: clear before adoption, commitments after. */
export function checkBiographyFormat(
  s: LedgerState,
  d: EventData['StudentRegistered'] | EventData['BiographyChanged'],
  out: Problems,
): void {
  const clearField = 'bio' in d ? 'bio' : 'changes' in d ? 'changes' : null;
  if (clearField !== null && adopted(s))
    out.push(
      ledgerError(
        'personal-data-in-clear',
        'this ledger writes biographical data as commitments (PersonalDataFormatAdopted): open the ledger with a personal-data store',
        { path: ['data', clearField], rule: RULES.personalData },
      ),
    );
  if (clearField === null && !adopted(s))
    out.push(
      ledgerError(
        'personal-data-format-not-adopted',
        'commitments (pd) are written only after PersonalDataFormatAdopted',
        { path: ['data', 'pd'], rule: RULES.personalData },
      ),
    );
  if (s.marks.has(marks.pdErased(d.student)))
    out.push(
      ledgerError('personal-data-erased', `the personal data of "${d.student}" was erased`, {
        path: ['data', 'student'],
        rule: RULES.personalData,
      }),
    );
}

/** Adopted once. */
export function checkFormatAdopted(s: LedgerState, out: Problems): void {
  if (adopted(s))
    out.push(
      ledgerError('already-decided', 'the personal-data format is already adopted', {
        path: ['data', 'format'],
        rule: RULES.personalData,
      }),
    );
}

/** Each pupil named once, registered, committed in full, not erased before. */
export function checkErased(s: LedgerState, d: EventData['PersonalDataErased'], out: Problems): void {
  if (d.students.length === 0 || d.students.length > MAX_ERASED_PER_DECISION)
    out.push(
      ledgerError('invalid-data', `name from 1 to ${MAX_ERASED_PER_DECISION} students`, {
        path: ['data', 'students'],
        rule: RULES.personalData,
      }),
    );
  const seen = new Set<string>();
  for (const [i, st] of d.students.entries()) {
    const path = ['data', 'students', i];
    const facts = s.students.get(st);
    if (seen.has(st))
      out.push(ledgerError('invalid-data', `"${st}" is named twice`, { path, rule: RULES.personalData }));
    else if (facts === undefined) out.push(ledgerError('unknown-student', `no student "${st}"`, { path }));
    else if (s.marks.has(marks.pdErased(st)))
      out.push(
        ledgerError('personal-data-erased', `the personal data of "${st}" is already erased`, {
          path,
          rule: RULES.personalData,
        }),
      );
    else if (hasClearFields(facts))
      out.push(
        ledgerError(
          'personal-data-in-chain',
          `"${st}" has biographical data signed in clear (registered before PersonalDataFormatAdopted): it cannot be erased without breaking the chain`,
          { path, rule: RULES.personalData },
        ),
      );
    seen.add(st);
  }
}
