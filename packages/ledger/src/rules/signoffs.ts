/**
 * Sign-offs in their order: the subject teacher signs a subject's column for a term, the year only
 * after both terms (QC Điều 9.3); the homeroom teacher confirms the class once every subject of its
 * grade is signed off (QC Điều 8.4–8.5); the leader approves a confirmed class (QC Điều 10); the
 * office seals an approved one (QC Điều 13.3). Each is given once.
 */
import { ledgerError, type LedgerErrorOf } from '../errors.js';
import type { BookHead, EventData } from '../events.js';
import { bookHeads } from '../book.js';
import { marks, unsignedSubjects, type LedgerState } from '../state.js';
import { RULES } from './articles.js';
import { classGrade, type Problems } from './lookups.js';

/** Most missing subjects a refused confirmation names (a grade has a dozen or two). */
const MISSING_LISTED = 20;

function alreadySigned(message: string): LedgerErrorOf<'already-signed'> {
  return ledgerError('already-signed', message, { path: ['data', 'term'] });
}

/** A subject offered to the class's grade, signed once a period; the year after HK1 and HK2. */
export function checkSignedOff(s: LedgerState, d: EventData['SubjectSignedOff'], out: Problems): void {
  const grade = classGrade(s, d.year, d.class, out);
  if (grade !== undefined && !s.offerings.has(`${d.year}/${grade}/${d.subject}`))
    out.push(
      ledgerError('subject-not-offered', `${d.subject} is not offered to grade ${grade} in ${d.year}`, {
        path: ['data', 'subject'],
      }),
    );
  if (s.marks.has(marks.signed(d.year, d.class, d.subject, d.term)))
    out.push(alreadySigned(`${d.subject} of ${d.class} is already signed off for ${d.term}`));
  if (d.term === 'CN') {
    const missing = (['HK1', 'HK2'] as const).filter((t) => !s.marks.has(marks.signed(d.year, d.class, d.subject, t)));
    if (missing.length > 0)
      out.push(
        ledgerError('out-of-order', `sign off ${missing.join(' and ')} before the year`, {
          path: ['data', 'term'],
          rule: RULES.teacher,
          details: { missing },
        }),
      );
  }
}

/**
 * A class confirmed once a period, after every subject of its grade is signed off for it. A repeated
 * confirmation changes nothing and is refused as such alone: what it lacks was said of the first.
 */
export function checkConfirmed(s: LedgerState, d: EventData['ClassConfirmed'], out: Problems): void {
  const grade = classGrade(s, d.year, d.class, out);
  checkBook(s, d, out);
  if (s.marks.has(marks.confirmed(d.year, d.class, d.term))) {
    out.push(alreadySigned(`class ${d.class} is already confirmed for ${d.term}`));
    return;
  }
  if (grade === undefined) return;
  const { missing, more } = unsignedSubjects(s, d.year, d.class, d.term, MISSING_LISTED);
  if (missing.length > 0)
    out.push(
      ledgerError(
        'out-of-order',
        `subject teachers have not signed off ${missing.join(', ')}${more ? ' and others' : ''} for ${d.term}`,
        { path: ['data', 'term'], rule: 'QC Điều 8.5, 9.3', details: { missing } },
      ),
    );
}

/**
 * The `book` of a class act, when present, is the heads of the class's book streams as the ledger
 * holds them (docs/legal.md#what-a-ca-signature-signs).
 */
export function checkBook(
  s: LedgerState,
  d: { readonly year: string; readonly class: string; readonly book?: readonly BookHead[] },
  out: Problems,
): void {
  if (d.book === undefined) return;
  const expected = bookHeads(s, d.year, d.class) ?? [];
  const n = Math.max(expected.length, d.book.length);
  for (let i = 0; i < n; i++) {
    const a = d.book[i];
    const b = expected[i];
    if (a !== undefined && b !== undefined && a.stream === b.stream && a.rev === b.rev && a.hash === b.hash) continue;
    out.push(
      ledgerError(
        'book-mismatch',
        b === undefined
          ? `book entry ${i} names ${a?.stream ?? ''}, which is not a stream of class ${d.class}'s books`
          : `book entry ${i} must be ${b.stream} at rev ${b.rev} (${b.hash.slice(0, 12)}…): the act signs the books as they are`,
        { path: ['data', 'book', i], rule: RULES.book, details: { expected } },
      ),
    );
    return;
  }
}

/** A confirmed class approved once a period. */
export function checkApproved(s: LedgerState, d: EventData['ClassApproved'], out: Problems): void {
  classGrade(s, d.year, d.class, out);
  checkBook(s, d, out);
  if (s.marks.has(marks.approved(d.year, d.class, d.term)))
    out.push(alreadySigned(`class ${d.class} is already approved for ${d.term}`));
  if (!s.marks.has(marks.confirmed(d.year, d.class, d.term)))
    out.push(
      ledgerError('out-of-order', `the homeroom teacher has not confirmed class ${d.class} for ${d.term} yet`, {
        path: ['data', 'term'],
        rule: 'QC Điều 8.5, 10',
      }),
    );
}

/** An approved class sealed once a period. */
export function checkSealed(s: LedgerState, d: EventData['BookSealed'], out: Problems): void {
  classGrade(s, d.year, d.class, out);
  checkBook(s, d, out);
  if (s.marks.has(marks.sealed(d.year, d.class, d.term)))
    out.push(alreadySigned(`class ${d.class} is already sealed for ${d.term}`));
  if (!s.marks.has(marks.approved(d.year, d.class, d.term)))
    out.push(
      ledgerError('out-of-order', `the leader has not approved class ${d.class} for ${d.term} yet`, {
        path: ['data', 'term'],
        rule: 'QC Điều 10, 13.3',
      }),
    );
}
