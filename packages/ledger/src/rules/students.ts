/**
 * The class lists and the register, kept by the homeroom teacher (QC Điều 8.1–8.2): a student is
 * registered once into an open class, is on one class's list at a time, transfers out before
 * enrolling elsewhere (and enrols where the transfer said), and biographical changes name a
 * registered student on the teacher's list and at least one field.
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import type { LedgerState } from '../state.js';
import { RULES } from './articles.js';
import { classGrade, knownStudent, onClassList, type Problems } from './lookups.js';

/** A new student, into an open class. */
export function checkStudentRegistered(s: LedgerState, d: EventData['StudentRegistered'], out: Problems): void {
  classGrade(s, d.year, d.class, out);
  if (s.students.has(d.student))
    out.push(
      ledgerError('duplicate-student', `student "${d.student}" is already registered`, {
        path: ['data', 'student'],
        rule: RULES.homeroom,
      }),
    );
}

/** Onto an open class's list: a registered student on no list this year, from the transfer recorded. */
export function checkEnrolled(s: LedgerState, d: EventData['StudentEnrolled'], out: Problems): void {
  classGrade(s, d.year, d.class, out);
  knownStudent(s, d.student, out);
  const current = s.enrolment.get(`${d.year}/${d.student}`);
  if (current !== undefined)
    out.push(
      ledgerError(
        'already-enrolled',
        `student "${d.student}" is already in class ${current} in ${d.year}; transfer first`,
        {
          path: ['data', 'student'],
          rule: RULES.homeroom,
        },
      ),
    );
  if (d.from !== undefined && 'class' in d.from) {
    const tr = s.transfers.get(`${d.year}/${d.student}`);
    if (tr === undefined || tr.from !== d.from.class || !('class' in tr.to) || tr.to.class !== d.class)
      out.push(
        ledgerError(
          'transfer-mismatch',
          `no transfer of "${d.student}" from ${d.from.class} to ${d.class} is recorded`,
          {
            path: ['data', 'from'],
            rule: 'QC Điều 8.2',
          },
        ),
      );
  }
}

/** Off the list of an open class the student is on, to another open class or another school. */
export function checkTransferred(s: LedgerState, d: EventData['StudentTransferred'], out: Problems): void {
  if (classGrade(s, d.year, d.class, out) !== undefined) onClassList(s, d.year, d.class, d.student, out);
  if ('class' in d.to) {
    classGrade(s, d.year, d.to.class, out, ['data', 'to', 'class']);
    if (d.to.class === d.class)
      out.push(
        ledgerError('transfer-mismatch', 'a transfer goes to another class', {
          path: ['data', 'to', 'class'],
          rule: 'QC Điều 8.2',
        }),
      );
  }
}

/** A change of a registered student on the list of the class named, naming at least one field. */
export function checkBiographyChanged(s: LedgerState, d: EventData['BiographyChanged'], out: Problems): void {
  knownStudent(s, d.student, out);
  if (classGrade(s, d.year, d.class, out) !== undefined) onClassList(s, d.year, d.class, d.student, out);
  if (Object.keys('changes' in d ? d.changes : d.pd).length === 0)
    out.push(
      ledgerError('empty-change', 'name at least one changed field', {
        path: ['data', 'changes' in d ? 'changes' : 'pd'],
      }),
    );
}
