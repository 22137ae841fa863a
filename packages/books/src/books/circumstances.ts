/**
 * What happens to one student in one school year besides the marks: exemptions (*miễn học*), an
 * individual education plan, the principal's decision, a transfer out or in, a periodic test
 * missed for an accepted reason — and, from them, why a cell the rules ask for may stay empty.
 * The markbook and the học bạ read them here, once, so the two books give the same reasons.
 */
import {
  studentYearKey,
  type ExemptionRecord,
  type IndividualPlanRecord,
  type PromotionDecisionRecord,
  type Records,
  type RosterEntry,
} from '../records/state.js';

/**
 * Why an assessment the rules ask for is not there, when the rules allow the gap:
 * - `exempt` — the subject is not assessed for this pupil in the term: a pupil with a disability
 *   exempted from it (TT22 Điều 11 and Thông tư liên tịch 42/2013, check);
 * - `individual-plan` — the subject is assessed against the pupil's individual education plan,
 *   not the programme's columns (TT22 Điều 11, check);
 * - `make-up-pending` — a periodic test missed for an accepted reason, its make-up not yet entered
 *   (TT22 Điều 7);
 * - `transferred` — the student left the class before the term ended (QC Điều 8.2);
 * - `transferred-in` — the student came from another class or school after the term ended (QC Điều 8.2).
 *
 * The ledger refuses a sign-off while a cell is empty for no such reason (`marks-missing`,
 * `@hoso/ledger` rules/completeness.ts), with the same reasons.
 */
export type GapReason = 'exempt' | 'individual-plan' | 'make-up-pending' | 'transferred' | 'transferred-in';

/** A cell the rules ask for that holds nothing: its column, and the reason when the rules allow it (else null). */
export interface Gap {
  /** `tx1`…`tx4`, `gk`, `ck`. */
  readonly column: string;
  readonly reason: GapReason | null;
}

/** One student's year, besides the marks. */
export interface StudentCircumstances {
  /** Exemptions decided for the student in the year, oldest first. */
  readonly exemptions: readonly ExemptionRecord[];
  readonly plan: IndividualPlanRecord | null;
  readonly decision: PromotionDecisionRecord | null;
  /** Set when the student left this class (to another class or school). */
  readonly left: NonNullable<RosterEntry['left']> | null;
  /** Set when the student came from another class or school. */
  readonly arrived: { readonly date: string; readonly from: NonNullable<RosterEntry['from']> } | null;
}

/** The circumstances of a roster entry in `year`. */
export function circumstancesOf(r: Records, year: string, entry: RosterEntry): StudentCircumstances {
  const k = studentYearKey(year, entry.student);
  return {
    exemptions: r.exemptions.filter((e) => e.year === year && e.student === entry.student),
    plan: r.plans[k] ?? null,
    decision: r.decisions[k] ?? null,
    left: entry.left ?? null,
    arrived: entry.from === undefined ? null : { date: entry.enrolled, from: entry.from },
  };
}

/** The exemption of `subject` in `term` (one for the term or for the whole year), the latest decided. */
export function exemptionFor(c: StudentCircumstances, subject: string, term: 'HK1' | 'HK2'): ExemptionRecord | null {
  return c.exemptions.filter((e) => e.subject === subject && (e.period === term || e.period === 'CN')).at(-1) ?? null;
}

/** True when the subject is not assessed in `term`: exempt as a whole subject (TT22 Điều 11, check). */
export function exemptInTerm(c: StudentCircumstances, subject: string, term: 'HK1' | 'HK2'): boolean {
  return exemptionFor(c, subject, term)?.scope === 'subject';
}

/** True when the subject is assessed against the pupil's individual plan. */
export function onPlan(c: StudentCircumstances, subject: string): boolean {
  return c.plan?.planSubjects.includes(subject) ?? false;
}

/**
 * The reason the rules allow `cell` (of `subject`, in `term` ending on `termEnd`) to be empty, or
 * null when they do not: the mark is simply missing. An exemption from the practical part only
 * (TT22 Điều 10) is no reason: the student is assessed on the theory, as many times as the others.
 */
export function gapReason(
  r: Records,
  c: StudentCircumstances,
  cell: string,
  subject: string,
  term: 'HK1' | 'HK2',
  termEnd: string | undefined,
): GapReason | null {
  if (exemptInTerm(c, subject, term)) return 'exempt';
  if (onPlan(c, subject)) return 'individual-plan';
  if (r.missedTests[cell] !== undefined) return 'make-up-pending';
  if (c.left !== null && (termEnd === undefined || c.left.date <= termEnd)) return 'transferred';
  if (c.arrived !== null && termEnd !== undefined && c.arrived.date > termEnd) return 'transferred-in';
  return null;
}
