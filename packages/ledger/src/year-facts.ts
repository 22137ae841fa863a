/**
 * What the sign-off completeness rule (rules/completeness.ts) asks of the year besides the cells:
 * who was ever on a class's list this year, when they came (and from where) and when they left, the
 * principal's exemptions and the subjects of each individual plan. Folded with the rest of the
 * state (state.ts); every question is a map look-up or a walk of one class's list.
 */
import { LayerMap } from './layer-map.js';
import { listLength, listPush, type Lists } from './lists.js';
import type { LedgerEvent } from './events.js';

/** A student's stay in one class in one year. */
export interface Stay {
  /** The date the student was put on the class's list (the latest enrolment). */
  readonly enrolled: string;
  /** Where the student came from, when transferred in: another class of the school or another school. */
  readonly from?: 'class' | 'school';
  /** The date the student left the class (*chuyển lớp, chuyển trường*), when they did. */
  readonly left?: string;
}

/** An exemption (*miễn học*) as the completeness rule reads it. */
export interface ExemptionFact {
  readonly subject: string;
  readonly period: 'HK1' | 'HK2' | 'CN';
  readonly scope: 'practice' | 'subject';
}

/** The year's facts in the ledger state (see the module comment). */
export interface YearFacts {
  /** `<year>/<class>` → every student put on the class's list in the year, once each, in order. */
  readonly rosters: Lists<string>;
  /** `<year>/<class>/<student>` → the student's stay in the class. */
  readonly stays: LayerMap<string, Stay>;
  /** `<year>/<student>` → the exemptions decided for the student, in order. */
  readonly exemptions: Lists<ExemptionFact>;
  /** `<year>/<student>` → the subjects assessed against the student's individual plan. */
  readonly planSubjects: LayerMap<string, readonly string[]>;
}

/** The facts of an empty ledger. */
export function initialYearFacts(): YearFacts {
  return {
    rosters: { items: new LayerMap(), lengths: new LayerMap() },
    stays: new LayerMap(),
    exemptions: { items: new LayerMap(), lengths: new LayerMap() },
    planSubjects: new LayerMap(),
  };
}

/** O(1) copy-on-write children of every map of `f`. */
export function forkYearFacts(f: YearFacts): YearFacts {
  return {
    rosters: { items: f.rosters.items.fork(), lengths: f.rosters.lengths.fork() },
    stays: f.stays.fork(),
    exemptions: { items: f.exemptions.items.fork(), lengths: f.exemptions.lengths.fork() },
    planSubjects: f.planSubjects.fork(),
  };
}

/** The key of {@link YearFacts.stays}. */
export const stayKey = (year: string, cls: string, student: string): string => `${year}/${cls}/${student}`;

/** Fold one decoded event into the facts (mutating them, as `evolve` does the state). */
export function foldYearFacts(f: YearFacts, ev: LedgerEvent): void {
  switch (ev.type) {
    case 'StudentEnrolled': {
      const d = ev.data;
      const key = stayKey(d.year, d.class, d.student);
      if (!f.stays.has(key)) listPush(f.rosters, `${d.year}/${d.class}`, d.student);
      const from = d.from === undefined ? undefined : 'school' in d.from ? 'school' : 'class';
      f.stays.set(key, { enrolled: d.date, ...(from === undefined ? {} : { from }) });
      return;
    }
    case 'StudentTransferred': {
      const d = ev.data;
      const key = stayKey(d.year, d.class, d.student);
      const stay = f.stays.get(key);
      if (stay !== undefined) f.stays.set(key, { ...stay, left: d.date });
      return;
    }
    case 'ExemptionDecided': {
      const d = ev.data;
      listPush(f.exemptions, `${d.year}/${d.student}`, { subject: d.subject, period: d.period, scope: d.scope });
      return;
    }
    case 'IndividualPlanRecorded':
      if (!f.planSubjects.has(`${ev.data.year}/${ev.data.student}`))
        f.planSubjects.set(`${ev.data.year}/${ev.data.student}`, ev.data.planSubjects);
      return;
    default:
      return;
  }
}

/** The number of students ever on the class's list in the year. */
export const rosterLength = (f: YearFacts, year: string, cls: string): number =>
  listLength(f.rosters, `${year}/${cls}`);
