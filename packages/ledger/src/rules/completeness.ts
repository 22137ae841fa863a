/**
 * A sign-off signs complete results: the subject teacher signs a subject's column for a term once
 * every regular and periodic assessment of every student on the class's list is entered (QC Điều
 * 9.1, 9.3; TT22 Điều 6, 7; TT27 Điều 6, 7), and the homeroom teacher confirms the class once
 * every subject and the homeroom's own assessments are (QC Điều 8.3, 8.4b). A cell may stay empty
 * only for a reason the rules allow ({@link GapReason}); every other empty cell is listed, all of
 * them, in the refusal's `details.cells`. The books give the same reasons for the same gaps
 * (`@hoso/books` circumstances.ts), so a signed book never shows a student `incomplete`.
 */
import { ledgerError, type MissingCell } from '../errors.js';
import type { EventData, SubjectOffered } from '../events.js';
import type { Term } from '../codecs.js';
import { Aspect } from '../values.js';
import { listItem, listLength } from '../lists.js';
import { marks, type LedgerState } from '../state.js';
import { homeroomStream, markbookStream } from '../streams.js';
import { stayKey } from '../year-facts.js';
import { regularCount } from './setup.js';
import type { Problems } from './lookups.js';

/**
 * Why the rules let a cell stay empty at sign-off:
 * - `exempt`: the principal exempted the student from the whole subject for the term (TT22 Điều 11);
 * - `individual-plan`: the subject is assessed against the student's individual plan (TT22 Điều 11);
 * - `make-up-pending`: the periodic test was missed for an accepted reason (`TestMissed`), its
 *   make-up not entered yet (TT22 Điều 7);
 * - `transferred`: the student left the class before the term ended (QC Điều 8.2);
 * - `transferred-in`: the student came from another class or school after the term ended (QC Điều 8.2).
 */
export type GapReason = 'exempt' | 'individual-plan' | 'make-up-pending' | 'transferred' | 'transferred-in';

/** Most missing cells a refusal's message names (its `details.cells` names them all). */
const NAMED = 5;

const ASPECTS = Object.keys(Aspect.keys);
const TERMS_OF: { readonly [P in 'HK1' | 'HK2' | 'CN']: readonly Term[] } = {
  HK1: ['HK1'],
  HK2: ['HK2'],
  CN: ['HK1', 'HK2'],
};
/** The TT27 assessment points of a term: its mid-term and its end. */
const POINTS: { readonly [T in Term]: readonly ['GK1' | 'GK2', 'CK1' | 'CN'] } = {
  HK1: ['GK1', 'CK1'],
  HK2: ['GK2', 'CN'],
};

/** A cell the rules ask for: its key in the state and how a refusal names it. */
interface Wanted {
  readonly key: string;
  readonly cell: MissingCell;
}

/** The cells of one subject one student owes in `term`, as `cellOf` keys them. */
function subjectCells(stream: string, student: string, term: Term, off: SubjectOffered): Wanted[] {
  const at = (column: string, key: string, period?: string): Wanted => ({
    key: `${stream}#${student}/${key}`,
    cell: { student, subject: off.subject, term, column, ...(period === undefined ? {} : { period }) },
  });
  if (off.assessment === 'scored' || off.assessment === 'comment') {
    const n = regularCount(off.assessment, off.periodsPerYear);
    const out = Array.from({ length: n }, (_, i) => at(`tx${i + 1}`, `${term}/tx${i + 1}`));
    out.push(at('gk', `${term}/gk`), at('ck', `${term}/ck`));
    return out;
  }
  const [mid, end] = POINTS[term];
  const out = [at('level', `${mid}/level`, mid), at('level', `${end}/level`, end)];
  if (off.assessment === 'level-tested') {
    if (off.midTermTests === true) out.push(at('test', `${mid}/test`, mid));
    out.push(at('test', `${end}/test`, end));
  }
  return out;
}

/** The homeroom's cells one student owes in `term`: conduct (TT22), qualities and competencies (TT27). */
function homeroomCells(stream: string, student: string, term: Term, grade: number): Wanted[] {
  if (grade >= 6) return [{ key: `${stream}#${student}/${term}/conduct`, cell: { student, term, column: 'conduct' } }];
  if (grade < 1) return [];
  return POINTS[term].flatMap((period) =>
    ASPECTS.map((aspect) => ({
      key: `${stream}#${student}/${period}/${aspect}`,
      cell: { student, term, column: aspect, period },
    })),
  );
}

/** Why the student need not have marks in `term` at all, or null. */
function termGap(s: LedgerState, year: string, cls: string, student: string, term: Term): GapReason | null {
  const stay = s.stays.get(stayKey(year, cls, student));
  const end = s.years.get(year)?.terms[term].end;
  if (stay === undefined || end === undefined) return null;
  if (stay.left !== undefined && stay.left <= end) return 'transferred';
  if (stay.from !== undefined && stay.enrolled > end) return 'transferred-in';
  return null;
}

/** Why the student need not be assessed in the subject's columns of `term`, or null. */
function subjectGap(s: LedgerState, year: string, student: string, subject: string, term: Term): GapReason | null {
  const owner = `${year}/${student}`;
  let exempt = false;
  for (let i = 0, n = listLength(s.exemptions, owner); i < n; i++) {
    const e = listItem(s.exemptions, owner, i);
    if (e === undefined || e.subject !== subject || (e.period !== term && e.period !== 'CN')) continue;
    // The latest decision covering the term stands (a practical-part exemption assesses the theory, TT22 Điều 10).
    exempt = e.scope === 'subject';
  }
  if (exempt) return 'exempt';
  if (s.planSubjects.get(owner)?.includes(subject) === true) return 'individual-plan';
  return null;
}

/** Every student ever on the class's list in the year, in order of enrolment. */
function roster(s: LedgerState, year: string, cls: string): string[] {
  const owner = `${year}/${cls}`;
  const out: string[] = [];
  for (let i = 0, n = listLength(s.rosters, owner); i < n; i++) {
    const st = listItem(s.rosters, owner, i);
    if (st !== undefined) out.push(st);
  }
  return out;
}

/** Push onto `missing` the cells of `subject` in `period` no allowed reason excuses. */
function missingOfSubject(
  s: LedgerState,
  year: string,
  cls: string,
  off: SubjectOffered,
  students: readonly string[],
  period: 'HK1' | 'HK2' | 'CN',
  missing: MissingCell[],
): void {
  const stream = markbookStream(year, cls, off.subject);
  for (const term of TERMS_OF[period])
    for (const student of students) {
      if (termGap(s, year, cls, student, term) !== null) continue;
      if (subjectGap(s, year, student, off.subject, term) !== null) continue;
      for (const w of subjectCells(stream, student, term, off)) {
        // A missed test's mark is keyed by the cell its make-up fills (state.ts `missedCellKey`).
        if (!s.cells.has(w.key) && !s.marks.has(marks.missed(w.key))) missing.push(w.cell);
      }
    }
}

function refuse(what: string, missing: readonly MissingCell[], rule: string, out: Problems): void {
  if (missing.length === 0) return;
  const named = missing
    .slice(0, NAMED)
    .map((m) => [m.student, m.subject, m.term, m.period, m.column].filter((x) => x !== undefined).join(' '))
    .join('; ');
  out.push(
    ledgerError(
      'marks-missing',
      `${what}: ${missing.length} mark${missing.length === 1 ? ' is' : 's are'} missing (${named}${missing.length > NAMED ? '; …' : ''}); enter them, or record why they may stay empty (a make-up owed, an exemption, a transfer)`,
      { path: ['data', 'term'], rule, details: { cells: missing } },
    ),
  );
}

/**
 * The cells a sign-off of `period` would find empty with no allowed reason: of `subject` when given
 * (a subject sign-off), else of every subject of the class's grade and the homeroom's own (a class
 * confirmation), for every student ever on the class's list this year, in order of offering,
 * term, student and column. Empty for a class not open. Costs the class's list times its columns.
 */
export function missingMarks(
  s: LedgerState,
  year: string,
  cls: string,
  period: 'HK1' | 'HK2' | 'CN',
  subject?: string,
): MissingCell[] {
  const grade = s.classes.get(`${year}/${cls}`);
  if (grade === undefined) return [];
  const students = roster(s, year, cls);
  const missing: MissingCell[] = [];
  const owner = `${year}/${grade}`;
  if (subject !== undefined) {
    const off = s.offerings.get(`${owner}/${subject}`);
    if (off !== undefined) missingOfSubject(s, year, cls, off, students, period, missing);
    return missing;
  }
  for (let i = 0, n = listLength(s.curriculum, owner); i < n; i++) {
    const off = s.offerings.get(`${owner}/${listItem(s.curriculum, owner, i) ?? ''}`);
    if (off !== undefined) missingOfSubject(s, year, cls, off, students, period, missing);
  }
  const home = homeroomStream(year, cls);
  for (const term of TERMS_OF[period])
    for (const student of students) {
      if (termGap(s, year, cls, student, term) !== null) continue;
      for (const w of homeroomCells(home, student, term, grade)) if (!s.cells.has(w.key)) missing.push(w.cell);
    }
  return missing;
}

/**
 * A subject signed off for a term with every cell entered or excused; for the year (`CN`), both
 * terms. Not checked again for a period already signed (that refusal says enough).
 */
export function checkSubjectComplete(s: LedgerState, d: EventData['SubjectSignedOff'], out: Problems): void {
  if (s.marks.has(marks.signed(d.year, d.class, d.subject, d.term))) return;
  const missing = missingMarks(s, d.year, d.class, d.term, d.subject);
  refuse(`${d.subject} of ${d.class} cannot be signed off for ${d.term}`, missing, 'QC Điều 9.1, 9.3', out);
}

/**
 * A class confirmed for a term (or the year) with every subject of its grade and the homeroom's own
 * assessments entered or excused for every student ever on its list.
 */
export function checkClassComplete(s: LedgerState, d: EventData['ClassConfirmed'], out: Problems): void {
  if (s.marks.has(marks.confirmed(d.year, d.class, d.term))) return;
  const missing = missingMarks(s, d.year, d.class, d.term);
  refuse(`class ${d.class} cannot be confirmed for ${d.term}`, missing, 'QC Điều 8.3, 8.4b', out);
}
