/**
 * The school year as it runs besides the marks: a periodic test missed for an accepted reason and
 * its make-up (TT22 Điều 7), results brought by a student transferred in (QC Điều 8.2), the
 * principal's exemptions (TT22 Điều 10, 11), individual education plans and the promotion decided
 * for their pupils (TT22 Điều 11, 12.4), the class's recognition of a primary pupil (TT27 Điều
 * 13.1a) and the school's sessions a day (the timetable the absence limit of TT22 Điều 12.1c counts).
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import type { CellEvent } from '../cells.js';
import { marks, missedCellKey, type LedgerState } from '../state.js';
import { classGrade, knownYear, onClassList, type Problems } from './lookups.js';

/** The subject offered to the class's grade this year, or push `subject-not-offered`. */
function offered(
  s: LedgerState,
  year: string,
  grade: number,
  subject: string,
  path: (string | number)[],
  out: Problems,
) {
  const off = s.offerings.get(`${year}/${grade}/${subject}`);
  if (off === undefined)
    out.push(ledgerError('subject-not-offered', `${subject} is not offered to grade ${grade} in ${year}`, { path }));
  return off;
}

/**
 * A make-up result fills a cell whose test was recorded as missed; a result read from another
 * school's document is for a student enrolled here from another school this year.
 */
export function checkEntryMarks(s: LedgerState, ev: CellEvent, stream: string, out: Problems): void {
  if (ev.type !== 'ScoreEntered' && ev.type !== 'CommentLevelEntered') return;
  const d = ev.data;
  if (d.makeUp !== undefined) {
    if (d.column === 'tx' || !s.marks.has(marks.missed(missedCellKey(stream, d))))
      out.push(
        ledgerError(
          'no-missed-test',
          `a make-up fills a periodic test (gk, ck) recorded as missed first (RecordMissedTest ${d.term} ${d.column})`,
          { path: ['data', 'makeUp'], rule: 'TT22 Điều 7' },
        ),
      );
  }
  if (d.source !== undefined && !s.marks.has(marks.arrived(d.year, d.class, d.student)))
    out.push(
      ledgerError(
        'not-transferred-in',
        `student "${d.student}" did not come to class ${d.class} from another school in ${d.year}: results from another school's documents are entered only for such a student`,
        { path: ['data', 'source'], rule: 'QC Điều 8.2' },
      ),
    );
}

/** A missed periodic test: of a student on the list, in a TT22 subject offered, its cell still empty. */
export function checkTestMissed(s: LedgerState, stream: string, d: EventData['TestMissed'], out: Problems): void {
  const grade = classGrade(s, d.year, d.class, out);
  if (grade === undefined) return;
  onClassList(s, d.year, d.class, d.student, out);
  const off = offered(s, d.year, grade, d.subject, ['data', 'subject'], out);
  if (off !== undefined && off.assessment !== 'scored' && off.assessment !== 'comment')
    out.push(
      ledgerError(
        'wrong-assessment',
        `a make-up is owed for a TT22 periodic test, not a subject assessed "${off.assessment}"`,
        {
          path: ['data', 'subject'],
          rule: 'TT22 Điều 7',
        },
      ),
    );
  const key = missedCellKey(stream, d);
  if (s.cells.has(key))
    out.push(
      ledgerError('cell-already-entered', `the ${d.term} ${d.column} of "${d.student}" already holds a result`, {
        path: ['data', 'column'],
        rule: 'TT22 Điều 7',
      }),
    );
  else if (s.marks.has(marks.missed(key)))
    out.push(
      ledgerError('already-decided', `the ${d.term} ${d.column} of "${d.student}" is already recorded as missed`, {
        path: ['data', 'column'],
      }),
    );
}

/** An exemption: of a student on the list, from a subject offered; a whole subject only on an individual plan. */
export function checkExemption(s: LedgerState, d: EventData['ExemptionDecided'], out: Problems): void {
  const grade = classGrade(s, d.year, d.class, out);
  if (grade === undefined) return;
  onClassList(s, d.year, d.class, d.student, out);
  offered(s, d.year, grade, d.subject, ['data', 'subject'], out);
  if (d.scope === 'subject' && !s.marks.has(marks.plan(d.year, d.student)))
    out.push(
      ledgerError(
        'no-individual-plan',
        `a whole subject is exempted only for a pupil with a disability on an individual plan (RecordIndividualPlan first); an exemption from the practical part is scope "practice"`,
        { path: ['data', 'scope'], rule: 'TT22 Điều 10, 11' },
      ),
    );
}

/** An individual plan: once a year, of a student on the list, its subjects offered to the grade. */
export function checkIndividualPlan(s: LedgerState, d: EventData['IndividualPlanRecorded'], out: Problems): void {
  const grade = classGrade(s, d.year, d.class, out);
  if (s.marks.has(marks.plan(d.year, d.student)))
    out.push(
      ledgerError('already-decided', `"${d.student}" already has an individual plan for ${d.year}`, {
        path: ['data', 'student'],
        rule: 'TT22 Điều 11',
      }),
    );
  if (grade === undefined) return;
  onClassList(s, d.year, d.class, d.student, out);
  d.planSubjects.forEach((subject, i) => offered(s, d.year, grade, subject, ['data', 'planSubjects', i], out));
}

/** A promotion decision: once, for a pupil on the list with an individual plan. */
export function checkPromotion(s: LedgerState, d: EventData['PromotionDecided'], out: Problems): void {
  if (classGrade(s, d.year, d.class, out) !== undefined) onClassList(s, d.year, d.class, d.student, out);
  if (!s.marks.has(marks.plan(d.year, d.student)))
    out.push(
      ledgerError(
        'no-individual-plan',
        `the principal decides promotion for a pupil on an individual plan; "${d.student}" has none in ${d.year} (the thresholds decide)`,
        { path: ['data', 'student'], rule: 'TT22 Điều 11, 12.4' },
      ),
    );
  if (s.marks.has(marks.promotion(d.year, d.student)))
    out.push(
      ledgerError('already-decided', `promotion of "${d.student}" is already decided for ${d.year}`, {
        path: ['data', 'student'],
      }),
    );
}

/** The class's recognition: once, of a primary pupil on the list, for a subject offered or an aspect. */
export function checkRecognition(s: LedgerState, d: EventData['RecognitionRecorded'], out: Problems): void {
  const grade = classGrade(s, d.year, d.class, out);
  if (s.marks.has(marks.recognised(d.year, d.student)))
    out.push(
      ledgerError('already-decided', `the class already recognised "${d.student}" in ${d.year}`, {
        path: ['data', 'student'],
        rule: 'TT27 Điều 13.1a',
      }),
    );
  if (grade === undefined) return;
  if (grade < 1 || grade > 5)
    out.push(
      ledgerError(
        'wrong-level',
        `the class's recognition is a primary award (grades 1–5); class ${d.class} is grade ${grade}`,
        {
          path: ['type'],
          rule: 'TT27 Điều 13.1a',
        },
      ),
    );
  onClassList(s, d.year, d.class, d.student, out);
  if ('subject' in d.basis) offered(s, d.year, grade, d.basis.subject, ['data', 'basis', 'subject'], out);
}

/** Sessions a day: once for a defined year. */
export function checkSessions(s: LedgerState, d: EventData['SessionsPerDaySet'], out: Problems): void {
  knownYear(s, d.year, out);
  if (s.marks.has(marks.sessions(d.year)))
    out.push(
      ledgerError('already-decided', `sessions a day are already set for ${d.year}`, {
        path: ['data', 'year'],
        rule: 'TT22 Điều 12.1c',
      }),
    );
}
