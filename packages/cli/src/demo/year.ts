/**
 * The school year as it really runs, in the demo's first class: a periodic test missed and made up
 * (TT22 Điều 7), a pupil with a disability on an individual education plan, exempt from Giáo dục
 * thể chất for the year and promoted by the principal's decision (TT22 Điều 11, 12.4), a pupil
 * exempt from the practical part of Giáo dục thể chất for term II (TT22 Điều 10), a pupil arriving
 * from another school during term I with that school's marks (QC Điều 8.2) and one leaving for
 * another school in term II with the records handed out. Pure data: `run.ts` writes it.
 */
import type { DemoClass, DemoStudent } from './school.js';

/** A document a decision or an entry rests on: its number and date. */
interface Doc {
  readonly number: string;
  readonly date: string;
}

/** Who and what the year's cases are; each student is a different one of the class. */
export interface YearCases {
  /** Misses the Hóa học mid-term test of term I for an accepted reason and sits the make-up a week later. */
  readonly makeUp: {
    readonly student: DemoStudent;
    readonly subject: string;
    readonly term: 'HK1';
    readonly column: 'gk';
    readonly missedOn: string;
    readonly takenOn: string;
    readonly reason: string;
  };
  /** On an individual plan (Toán assessed against it), exempt from a whole subject, promoted by decision. */
  readonly plan: {
    readonly student: DemoStudent;
    readonly on: string;
    readonly plan: Doc;
    readonly planSubjects: readonly string[];
    readonly exempt: { readonly subject: string; readonly decision: Doc; readonly reason: string };
    readonly promotion: { readonly on: string; readonly document: Doc };
  };
  /** Exempt from the practical part of a subject for term II: still assessed, on the theory. */
  readonly practice: {
    readonly student: DemoStudent;
    readonly on: string;
    readonly subject: string;
    readonly period: 'HK2';
    readonly decision: Doc;
    readonly reason: string;
  };
  /** Arrives from another school during term I; the marks before are read from that school's document. */
  readonly arrival: {
    readonly student: DemoStudent;
    readonly date: string;
    readonly school: string;
    readonly document: Doc;
  };
  /** Leaves for another school in term II; the records go with the document. */
  readonly departure: {
    readonly student: DemoStudent;
    readonly date: string;
    readonly school: string;
    readonly reason: string;
    readonly transcript: Doc;
  };
}

/** The least class size the cases need (five students of their own besides the ones `run.ts` corrects). */
export const CASES_MIN_STUDENTS = 10;

/**
 * The year's cases in `c` (the demo's first class), or null for a class too small for them. The
 * students are the 6th to the 10th of the list: the 1st, 3rd and 5th are the ones whose marks the
 * demo corrects.
 */
export function yearCases(c: DemoClass): YearCases | null {
  if (c.students.length < CASES_MIN_STUDENTS) return null;
  const at = (i: number): DemoStudent => c.students[i]!;
  return {
    makeUp: {
      student: at(5),
      subject: 'hoa-hoc',
      term: 'HK1',
      column: 'gk',
      missedOn: '2024-11-01',
      takenOn: '2024-11-08',
      reason: 'Ốm nằm viện, có giấy ra viện',
    },
    plan: {
      student: at(6),
      on: '2024-09-12',
      plan: { number: '07/KH-GDCN', date: '2024-09-12' },
      planSubjects: ['toan'],
      exempt: {
        subject: 'the-duc',
        decision: { number: '15/QĐ-THPT', date: '2024-09-12' },
        reason: 'Khuyết tật vận động, theo kế hoạch giáo dục cá nhân',
      },
      promotion: { on: '2025-05-22', document: { number: '40/QĐ-THPT', date: '2025-05-22' } },
    },
    practice: {
      student: at(7),
      on: '2025-01-22',
      subject: 'the-duc',
      period: 'HK2',
      decision: { number: '21/QĐ-THPT', date: '2025-01-22' },
      reason: 'Gãy tay, có giấy chứng nhận của bệnh viện',
    },
    arrival: {
      student: at(9),
      date: '2024-11-12',
      school: 'THPT Lê Lợi, Hà Nội',
      document: { number: 'HB-112/2024', date: '2024-11-08' },
    },
    departure: {
      student: at(8),
      date: '2025-03-14',
      school: 'THPT Chu Văn An, Hà Nội',
      reason: 'Gia đình chuyển nơi ở',
      transcript: { number: '05/GCT', date: '2025-03-14' },
    },
  };
}

/**
 * Whether `student` is on the class list on `date`: enrolled by then (the arrival comes later) and
 * not gone (the departure leaves on its date). Everyone is without cases.
 */
export function onList(cases: YearCases | null, student: string, date: string): boolean {
  if (cases === null) return true;
  if (cases.arrival.student.id === student && date < cases.arrival.date) return false;
  if (cases.departure.student.id === student && date >= cases.departure.date) return false;
  return true;
}

/** Whether the marks of `subject` are not entered for `student` (a whole-subject exemption). */
export function notAssessed(cases: YearCases | null, student: string, subject: string): boolean {
  return cases !== null && cases.plan.student.id === student && cases.plan.exempt.subject === subject;
}
