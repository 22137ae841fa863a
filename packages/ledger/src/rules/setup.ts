/**
 * The school's set-up by its leader (QC Điều 13.1): the school year and its terms, the subject
 * catalogue, which subject each grade is offered and how it is assessed (TT22 Điều 5, 6.2; TT27
 * Điều 6, 7), and the classes of a year in the grades the school's levels teach.
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import type { LedgerState } from '../state.js';
import { RULES } from './articles.js';
import { knownYear, type Problems } from './lookups.js';

const GRADES: { readonly [L: string]: readonly [number, number] } = {
  preschool: [0, 0],
  primary: [1, 5],
  'lower-secondary': [6, 9],
  'upper-secondary': [10, 12],
  continuing: [6, 12],
};

/** Number of regular assessments (*ĐĐGtx*) per term (TT22 Điều 6.2). */
export function regularCount(assessment: 'scored' | 'comment', periodsPerYear: number): number {
  if (assessment === 'comment') return 2;
  if (periodsPerYear <= 35) return 2;
  if (periodsPerYear <= 70) return 3;
  return 4;
}

/** Push `grade-not-taught` unless one of the school's levels teaches `grade`. */
export function checkGradeTaught(s: LedgerState, grade: number, out: Problems): void {
  const ok = (s.school?.levels ?? []).some((l) => {
    const r = GRADES[l];
    return r !== undefined && grade >= r[0] && grade <= r[1];
  });
  if (!ok)
    out.push(
      ledgerError('grade-not-taught', `grade ${grade} is not taught at this school's levels`, {
        path: ['data', 'grade'],
      }),
    );
}

/** A year is defined once; term I starts in its first calendar year, term II ends in its second, in order. */
export function checkYear(s: LedgerState, d: EventData['AcademicYearDefined'], out: Problems): void {
  if (s.years.has(d.year))
    out.push(ledgerError('duplicate-year', `school year ${d.year} is already defined`, { path: ['data', 'year'] }));
  const { HK1, HK2 } = d.terms;
  const [y1, y2] = d.year.split('-');
  const bad = (path: string[], message: string): void => {
    out.push(ledgerError('invalid-calendar', message, { path: ['data', 'terms', ...path] }));
  };
  if (!HK1.start.startsWith(`${y1}-`)) bad(['HK1', 'start'], `term I starts in ${y1}`);
  if (!HK2.end.startsWith(`${y2}-`)) bad(['HK2', 'end'], `term II ends in ${y2}`);
  if (!(HK1.start <= HK1.end)) bad(['HK1', 'end'], 'term I ends after it starts');
  if (!(HK1.end < HK2.start)) bad(['HK2', 'start'], 'term II starts after term I ends');
  if (!(HK2.start <= HK2.end)) bad(['HK2', 'end'], 'term II ends after it starts');
}

/** A subject code is defined once. */
export function checkSubject(s: LedgerState, d: EventData['SubjectDefined'], out: Problems): void {
  if (s.subjects.has(d.subject))
    out.push(
      ledgerError('duplicate-subject', `subject "${d.subject}" is already defined`, { path: ['data', 'subject'] }),
    );
}

/**
 * An offering names a defined year and subject and a taught grade, once; primary grades are
 * assessed by levels (TT27), secondary grades by scores or comments (TT22); only TT27 tested
 * subjects have mid-term tests.
 */
export function checkOffering(s: LedgerState, d: EventData['SubjectOffered'], out: Problems): void {
  knownYear(s, d.year, out);
  if (!s.subjects.has(d.subject))
    out.push(ledgerError('unknown-subject', `subject "${d.subject}" is not defined`, { path: ['data', 'subject'] }));
  checkGradeTaught(s, d.grade, out);
  if (s.offerings.has(`${d.year}/${d.grade}/${d.subject}`))
    out.push(
      ledgerError('duplicate-offering', `${d.subject} is already offered to grade ${d.grade} in ${d.year}`, {
        path: ['data', 'subject'],
      }),
    );
  const primary = d.grade >= 1 && d.grade <= 5;
  const secondary = d.grade >= 6;
  const fits =
    (primary && (d.assessment === 'level' || d.assessment === 'level-tested')) ||
    (secondary && (d.assessment === 'scored' || d.assessment === 'comment'));
  if (!fits) {
    const rule = primary ? 'TT27 Điều 6' : secondary ? RULES.tt22 : 'docs/grading.md#preschool-who';
    const expect = primary
      ? 'level or level-tested (TT27)'
      : secondary
        ? 'scored or comment (TT22)'
        : 'no subject assessment (preschool)';
    out.push(
      ledgerError('wrong-level', `grade ${d.grade} subjects are assessed ${expect}, not "${d.assessment}"`, {
        path: ['data', 'assessment'],
        rule,
      }),
    );
  }
  if (d.midTermTests === true && d.assessment !== 'level-tested')
    out.push(
      ledgerError('wrong-assessment', 'mid-term tests only exist for level-tested subjects', {
        path: ['data', 'midTermTests'],
        rule: 'TT27 Điều 7',
      }),
    );
}

/** A class opens once a year, in a defined year and a taught grade. */
export function checkClassOpened(s: LedgerState, d: EventData['ClassOpened'], out: Problems): void {
  knownYear(s, d.year, out);
  if (s.classes.has(`${d.year}/${d.class}`))
    out.push(
      ledgerError('duplicate-class', `class ${d.class} is already open in ${d.year}`, { path: ['data', 'class'] }),
    );
  checkGradeTaught(s, d.grade, out);
}
