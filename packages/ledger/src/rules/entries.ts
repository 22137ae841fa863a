/**
 * Entries of values into the books: by the teacher who writes the cell (QC Điều 8.2–8.4 homeroom,
 * 9.1 subject), for the level the type belongs to (TT22 Điều 8, TT27 Điều 6), in a subject offered
 * and assessed the way the type says (TT22 Điều 5–7, TT27 Điều 6–7: a regular assessment has its
 * index, within the count of TT22 Điều 6.2), for a student on the class's list, on a date inside
 * the year (the summer re-tests and re-evaluation after it, once the year is final, TT22 Điều 12),
 * once per cell and not after sign-off — a change is a correction (QC Điều 12.3) — and inside an
 * open window (QC Điều 6.2c).
 */
import { ledgerError } from '../errors.js';
import type { CellEventType } from '../events.js';
import { cellOf, type CellEvent, type CellRef } from '../cells.js';
import { marks, placeCell, type LedgerState } from '../state.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import { classGrade, onClassList, type Problems } from './lookups.js';
import { regularCount } from './setup.js';
import { checkInWindow } from './windows.js';
import { checkEntryMarks } from './year.js';

/** The grades each type is written for, where it is not every grade. */
const LEVEL_OF_TYPE: {
  readonly [K in CellEventType]?: {
    readonly min: number;
    readonly max: number;
    readonly rule: string;
    readonly what: string;
  };
} = {
  ConductAssessed: { min: 6, max: 12, rule: 'TT22 Điều 8', what: 'conduct is assessed in secondary grades (6–12)' },
  QualityAssessed: {
    min: 1,
    max: 5,
    rule: 'TT27 Điều 6',
    what: 'qualities and competencies are assessed in primary grades (1–5)',
  },
  AbsenceRecorded: {
    min: 1,
    max: 12,
    rule: RULES.homeroom,
    what: 'session absences are kept from grade 1 (preschool keeps daily attendance)',
  },
  AttendanceRecorded: {
    min: 0,
    max: 0,
    rule: 'docs/grading.md#preschool-who',
    what: 'daily attendance is the preschool record',
  },
  GrowthMeasured: {
    min: 0,
    max: 0,
    rule: 'docs/grading.md#preschool-who',
    what: 'weight and height are the preschool record',
  },
  ConductReevaluated: {
    min: 6,
    max: 12,
    rule: 'TT22 Điều 12',
    what: 'conduct is re-evaluated in secondary grades (6–12)',
  },
};

/** The assessments each subject-cell type fits. */
const ASSESSMENT_OF_TYPE: { readonly [K in CellEventType]?: readonly string[] } = {
  ScoreEntered: ['scored'],
  CommentLevelEntered: ['comment'],
  SubjectLevelEntered: ['level', 'level-tested'],
  TestScoreEntered: ['level-tested'],
  RetestScoreEntered: ['scored'],
  RetestCommentLevelEntered: ['comment'],
};

/**
 * Every rule of an entry. `disclose`: the author's key is active, so a refusal may show the value
 * the cell already holds.
 */
export function checkCell(s: LedgerState, v: EventView, ev: CellEvent, disclose: boolean, out: Problems): void {
  const d = ev.data;
  const grade = classGrade(s, d.year, d.class, out);
  const cell = placeCell(s, cellOf(ev, v.stream));

  const lv = LEVEL_OF_TYPE[ev.type];
  if (grade !== undefined && lv !== undefined && (grade < lv.min || grade > lv.max))
    out.push(
      ledgerError('wrong-level', `${ev.type}: ${lv.what}; class ${d.class} is grade ${grade}`, {
        path: ['type'],
        rule: lv.rule,
      }),
    );
  if (cell.subject !== undefined) checkSubjectCell(s, ev, cell.subject, grade, out);
  checkEntryMarks(s, ev, v.stream, out);
  if (cell.summer === true) checkSummer(s, cell, out);
  else if (cell.date !== undefined && cell.term === undefined)
    out.push(
      ledgerError('date-outside-year', `${cell.date} is outside the terms of ${d.year}`, { path: ['data', 'date'] }),
    );
  if (grade !== undefined) onClassList(s, d.year, d.class, d.student, out);
  if (cell.summer !== true && signedOff(s, cell))
    out.push(
      ledgerError(
        'cell-signed-off',
        `${cell.term} of this ${cell.writer === 'subject' ? 'subject' : 'class'} is signed off; change it by a correction`,
        { path: ['data'], rule: RULES.correction },
      ),
    );
  const existing = s.cells.get(cell.key);
  if (existing !== undefined) {
    const amend =
      s.school?.rules?.authorMayAmend === true &&
      cell.windowed &&
      s.keys.get(existing.author)?.person === s.keys.get(v.by.key)?.person &&
      existing.corrections === 0;
    if (!amend)
      out.push(
        disclose
          ? ledgerError(
              'cell-already-entered',
              `this cell already holds "${existing.value}" (event ${existing.entry}); change it by a correction`,
              { path: ['data'], rule: RULES.correction, details: { event: existing.entry, value: existing.value } },
            )
          : ledgerError('cell-already-entered', 'this cell already holds a value; change it by a correction', {
              path: ['data'],
              rule: RULES.correction,
            }),
      );
  }
  if (cell.windowed) checkInWindow(s, cell, grade, v.at, out);
}

/**
 * A subject cell: the subject offered to the grade, the type fitting its assessment, the index of a
 * regular assessment.
 */
function checkSubjectCell(
  s: LedgerState,
  ev: CellEvent,
  subject: string,
  grade: number | undefined,
  out: Problems,
): void {
  const d = ev.data;
  const off = grade === undefined ? undefined : s.offerings.get(`${d.year}/${grade}/${subject}`);
  if (grade !== undefined && off === undefined)
    out.push(
      ledgerError('subject-not-offered', `${subject} is not offered to grade ${grade} in ${d.year}`, {
        path: ['data', 'subject'],
      }),
    );
  if (off !== undefined) {
    const ok = ASSESSMENT_OF_TYPE[ev.type];
    if (ok !== undefined && !ok.includes(off.assessment)) {
      const rule = ev.type === 'SubjectLevelEntered' || ev.type === 'TestScoreEntered' ? RULES.tt27 : RULES.tt22;
      out.push(
        ledgerError('wrong-assessment', `${ev.type} does not fit a subject assessed "${off.assessment}" here`, {
          path: ['type'],
          rule,
        }),
      );
    }
    if (
      ev.type === 'TestScoreEntered' &&
      (ev.data.period === 'GK1' || ev.data.period === 'GK2') &&
      off.midTermTests !== true
    )
      out.push(
        ledgerError('wrong-assessment', 'this subject has no mid-term test', {
          path: ['data', 'period'],
          rule: 'TT27 Điều 7',
        }),
      );
  }
  if (ev.type !== 'ScoreEntered' && ev.type !== 'CommentLevelEntered') return;
  const x = ev.data;
  if (x.column === 'tx') {
    if (x.index === undefined)
      out.push(
        ledgerError('invalid-data', 'a regular assessment (tx) needs its index', {
          path: ['data', 'index'],
          rule: RULES.regularCount,
        }),
      );
    else if (off !== undefined) {
      const n = regularCount(off.assessment === 'comment' ? 'comment' : 'scored', off.periodsPerYear);
      if (x.index > n)
        out.push(
          ledgerError(
            'regular-index-out-of-range',
            `${subject} (${off.periodsPerYear} periods a year) has ${n} regular assessments per term, not ${x.index}`,
            { path: ['data', 'index'], rule: RULES.regularCount },
          ),
        );
    }
  } else if (x.index !== undefined)
    out.push(
      ledgerError('invalid-data', `the ${x.column} column has one assessment per term and no index`, {
        path: ['data', 'index'],
        rule: 'TT22 Điều 7',
      }),
    );
}

/** Is the cell's term closed by a sign-off (subject columns) or a class confirmation (homeroom records)? */
function signedOff(s: LedgerState, cell: CellRef): boolean {
  if (cell.term === undefined) return false;
  if (cell.writer === 'subject' && cell.subject !== undefined)
    return (
      s.marks.has(marks.signed(cell.year, cell.class, cell.subject, cell.term)) ||
      s.marks.has(marks.signed(cell.year, cell.class, cell.subject, 'CN'))
    );
  return (
    s.marks.has(marks.confirmed(cell.year, cell.class, cell.term)) ||
    s.marks.has(marks.confirmed(cell.year, cell.class, 'CN'))
  );
}

/**
 * Re-tests and conduct re-evaluation (TT22 Điều 12) come after the year: dated after the year's
 * last term, and only once the year results they revisit are final — the subject signed off for
 * HK2 or the year (re-tests), the class confirmed for HK2 or the year (re-evaluation).
 */
function checkSummer(s: LedgerState, cell: CellRef, out: Problems): void {
  const y = s.years.get(cell.year);
  if (y === undefined)
    out.push(ledgerError('unknown-year', `school year ${cell.year} is not defined`, { path: ['data', 'year'] }));
  else if (cell.date === undefined || !(cell.date > y.terms.HK2.end))
    out.push(
      ledgerError(
        'date-before-year-end',
        `a ${cell.column === 'retest' ? 're-test' : 're-evaluation'} is dated after the year's last term (${y.terms.HK2.end})`,
        { path: ['data', 'date'], rule: 'TT22 Điều 12' },
      ),
    );
  const final =
    cell.writer === 'subject' && cell.subject !== undefined
      ? s.marks.has(marks.signed(cell.year, cell.class, cell.subject, 'HK2')) ||
        s.marks.has(marks.signed(cell.year, cell.class, cell.subject, 'CN'))
      : s.marks.has(marks.confirmed(cell.year, cell.class, 'HK2')) ||
        s.marks.has(marks.confirmed(cell.year, cell.class, 'CN'));
  if (!final) {
    const missing =
      cell.writer === 'subject' ? `SubjectSignedOff ${cell.subject ?? ''} HK2` : `ClassConfirmed ${cell.class} HK2`;
    out.push(
      ledgerError(
        'out-of-order',
        `the year results are not final yet (${missing}): re-tests and re-evaluation come after them`,
        {
          path: ['data'],
          rule: 'TT22 Điều 12',
          details: { missing: [missing] },
        },
      ),
    );
  }
}
