/**
 * The primary học bạ (*Học bạ tiểu học*, Thông tư 27/2020): one page per school year a pupil spent
 * in a TT27-graded class — each subject's end-of-year level and test score, each quality's and
 * competency's end-of-year level, the year result, the award and the completion of the grade's
 * programme, and the sign-offs of the homeroom teacher and the principal.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import { homeroomStream, markbookStream } from '@hoso/ledger';
import type { ShownBiography } from '../records/state.js';
import type { BooksError } from '../errors.js';
import { ruleSetFor, type OrIncomplete, type PrimaryYearResult, type Tt27RuleSet } from '../rules/index.js';
import {
  studentYearKey,
  type BiographyChange,
  type Cell,
  type IndividualPlanRecord,
  type RecognitionRecord,
  type Records,
  type RosterEntry,
  type SignStep,
} from '../records/state.js';
import { holders } from './common.js';
import { remarkOf, type Remark } from './remarks.js';
import { circumstancesOf, type StudentCircumstances } from './circumstances.js';
import {
  PRIMARY_PERIODS,
  primaryAward,
  programmeCompletion,
  recognitionOf,
  pupilYearResult,
  type PrimaryAward,
  type PrimaryPeriodId,
  type PrimarySubjectLine,
  type ProgrammeCompletion,
} from './primary.js';

/** The five qualities (*phẩm chất chủ yếu*), by the ledger's aspect code, in the form's order. */
export const PRIMARY_QUALITIES: readonly string[] = ['yeu-nuoc', 'nhan-ai', 'cham-chi', 'trung-thuc', 'trach-nhiem'];
/** The three general competencies (*năng lực chung*). */
export const PRIMARY_GENERAL_COMPETENCIES: readonly string[] = [
  'tu-chu-tu-hoc',
  'giao-tiep-hop-tac',
  'giai-quyet-van-de-sang-tao',
];
/** The seven specific competencies (*năng lực đặc thù*). */
export const PRIMARY_SPECIFIC_COMPETENCIES: readonly string[] = [
  'ngon-ngu',
  'tinh-toan',
  'khoa-hoc',
  'cong-nghe',
  'tin-hoc',
  'tham-mi',
  'the-chat',
];

/** One subject or educational activity of a học bạ page, at the end of the year. */
export interface PrimaryTranscriptSubject {
  readonly subject: string;
  readonly name: string;
  /** Whether the subject has periodic tests (*điểm KTĐK*). */
  readonly tested: boolean;
  /** *Mức đạt được* at the end of the year (T/H/C), with its history; null when not entered. */
  readonly level: Cell | null;
  /** End-of-year test score (*điểm KTĐK cuối năm*); null when untested or not entered. */
  readonly test: Cell | null;
  /** Teachers holding the subject in the pupil's class (they are named on the page). */
  readonly teachers: readonly string[];
  /** The subject teacher's end-of-year remark (*nhận xét*), written with the `level` entry; null when none. */
  readonly remark: Remark | null;
}

/** One quality or competency of a học bạ page at the end of the year (Tốt / Đạt / Cần cố gắng, TT27 Điều 7.2). */
export interface PrimaryAspectLine {
  /** The ledger's aspect code, e.g. `trung-thuc`. */
  readonly aspect: string;
  readonly level: Cell | null;
  /** The homeroom teacher's remark (*nhận xét*) written with the end-of-year level; null when none. */
  readonly remark: Remark | null;
}

/** A class the pupil was in during the year (a transfer makes two). */
export interface PrimaryEnrolment extends RosterEntry {
  readonly class: string;
}

/** One school year's page of a primary học bạ. */
export interface PrimaryTranscriptPage {
  readonly year: string;
  /** The class the pupil was in last that year (the one that signs the page). */
  readonly class: string;
  readonly grade: number;
  readonly ruleSet: string;
  /** Every class of that year in enrolment order, with the transfer dates and parties. */
  readonly enrolments: readonly PrimaryEnrolment[];
  readonly subjects: readonly PrimaryTranscriptSubject[];
  /** *Phẩm chất chủ yếu*, in {@link PRIMARY_QUALITIES} order. */
  readonly qualities: readonly PrimaryAspectLine[];
  /** *Năng lực chung*, in {@link PRIMARY_GENERAL_COMPETENCIES} order. */
  readonly generalCompetencies: readonly PrimaryAspectLine[];
  /** *Năng lực đặc thù*, in {@link PRIMARY_SPECIFIC_COMPETENCIES} order. */
  readonly specificCompetencies: readonly PrimaryAspectLine[];
  /** *Đánh giá kết quả giáo dục*: HTXS / HTT / HT / CHT, or incomplete while a value is missing. */
  readonly result: OrIncomplete<PrimaryYearResult>;
  readonly award: OrIncomplete<PrimaryAward>;
  /** The class's recognition behind *Học sinh Tiêu biểu* (TT27 Điều 13.1a), when recorded. */
  readonly recognition: RecognitionRecord | null;
  /**
   * A pupil with a disability learning on an individual education plan (*kế hoạch giáo dục cá
   * nhân*; Thông tư 03/2018 Điều 9): the page says so; the levels stay as entered.
   */
  readonly plan: IndividualPlanRecord | null;
  /**
   * The year's exemptions, plan and principal's decision, and the arrival (first class) and the
   * departure (last class), as the secondary books read them.
   */
  readonly circumstances: StudentCircumstances;
  readonly completion: OrIncomplete<ProgrammeCompletion>;
  /** Names of the homeroom teachers of the class. */
  readonly homeroom: readonly string[];
  /** The class's end-of-year sign-offs: homeroom confirmation, principal's approval, office seal. */
  readonly signoffs: {
    readonly confirmed: SignStep | null;
    readonly approved: SignStep | null;
    readonly sealed: SignStep | null;
  };
  /** Cells on the page that were ever corrected (with their history). */
  readonly corrections: readonly Cell[];
}

/** The primary học bạ of one pupil. */
export interface PrimaryTranscript {
  readonly student: string;
  readonly bio: ShownBiography;
  readonly biographyChanges: readonly BiographyChange[];
  readonly pages: readonly PrimaryTranscriptPage[];
  /** Primary years whose page could not be made (older rules), with the reason. */
  readonly skipped: ReadonlyArray<{ readonly year: string; readonly class: string; readonly reason: string }>;
}

/** Options of {@link primaryTranscript}. */
export interface PrimaryTranscriptOptions {
  /** A province's TT27 rule set (overridden parameters); default: the one the year and grade select. */
  readonly ruleSet?: Tt27RuleSet;
}

/** A pupil's circumstances over the year's classes: arrived in the first, left from the last. */
function yearCircumstances(r: Records, year: string, enrolments: readonly PrimaryEnrolment[]): StudentCircumstances {
  const first = circumstancesOf(r, year, enrolments[0]!);
  const last = circumstancesOf(r, year, enrolments[enrolments.length - 1]!);
  return { ...last, arrived: first.arrived };
}

const corrected = (c: Cell | null): c is Cell => c !== null && c.history.some((v) => v.correction !== undefined);

/**
 * The page of `student` for `year` from the classes (`year/class` keys) the pupil was in that year,
 * in enrolment order. Each value is taken from the last of these classes that holds it, so a pupil
 * who changed class mid-year keeps the first class's values until the second one enters its own.
 */
function page(
  r: Records,
  student: string,
  year: string,
  keys: readonly string[],
  rs: Tt27RuleSet,
): PrimaryTranscriptPage {
  const classes = keys.map((k) => r.classes[k]!);
  const last = classes[classes.length - 1]!;
  const pick = (stream: (cls: string) => string, suffix: string): Cell | null => {
    let found: Cell | null = null;
    for (const c of classes) {
      const cell = r.cells[`${stream(c.class)}#${student}/${suffix}`];
      if (cell !== undefined) found = cell;
    }
    return found;
  };
  const offers = Object.values(r.offerings[`${year}/${last.grade}`] ?? {}).filter(
    (o) => o.assessment === 'level' || o.assessment === 'level-tested',
  );
  const lines = offers.map((o): PrimarySubjectLine => {
    const at = (col: string) =>
      Object.fromEntries(
        PRIMARY_PERIODS.map((p) => [p, pick((cls) => markbookStream(year, cls, o.subject), `${p}/${col}`)]),
      ) as Record<PrimaryPeriodId, Cell | null>;
    return { subject: o.subject, levels: at('level'), tests: o.assessment === 'level-tested' ? at('test') : null };
  });
  const qualities = Object.fromEntries(
    [...PRIMARY_QUALITIES, ...PRIMARY_GENERAL_COMPETENCIES, ...PRIMARY_SPECIFIC_COMPETENCIES].map((a) => [
      a,
      Object.fromEntries(
        PRIMARY_PERIODS.map((p) => [p, pick((cls) => homeroomStream(year, cls), `${p}/${a}`)]),
      ) as Record<PrimaryPeriodId, Cell | null>,
    ]),
  );
  const result = pupilYearResult(rs, lines, qualities);
  const subjects = lines.map((l): PrimaryTranscriptSubject => ({
    subject: l.subject,
    name: r.subjects[l.subject] ?? l.subject,
    tested: l.tests !== null,
    level: l.levels.CN,
    test: l.tests?.CN ?? null,
    teachers: holders(r, 'subject', year, last.class, l.subject),
    remark: remarkOf(l.levels.CN),
  }));
  const aspects = (codes: readonly string[]): PrimaryAspectLine[] =>
    codes.map((aspect) => {
      const level = qualities[aspect]?.CN ?? null;
      return { aspect, level, remark: remarkOf(level) };
    });
  const qualityLines = aspects(PRIMARY_QUALITIES);
  const general = aspects(PRIMARY_GENERAL_COMPETENCIES);
  const specific = aspects(PRIMARY_SPECIFIC_COMPETENCIES);
  const sign = r.signoffs[`${year}/${last.class}`];
  const recognition = recognitionOf(r, year, last.class, student);
  const enrolments = classes.flatMap((c) =>
    c.roster.filter((e) => e.student === student).map((e) => ({ ...e, class: c.class })),
  );
  return {
    year,
    class: last.class,
    grade: last.grade,
    ruleSet: rs.id,
    enrolments,
    subjects,
    qualities: qualityLines,
    generalCompetencies: general,
    specificCompetencies: specific,
    result,
    award: primaryAward(result, recognition, sign?.confirmed.CN !== undefined),
    recognition,
    plan: r.plans[studentYearKey(year, student)] ?? null,
    circumstances: yearCircumstances(r, year, enrolments),
    completion: programmeCompletion(last.grade, result),
    homeroom: holders(r, 'homeroom', year, last.class),
    signoffs: {
      confirmed: sign?.confirmed.CN ?? null,
      approved: sign?.approved.CN ?? null,
      sealed: sign?.sealed.CN ?? null,
    },
    corrections: [
      ...subjects.flatMap((s) => [s.level, s.test]),
      ...[...qualityLines, ...general, ...specific].map((a) => a.level),
    ].filter(corrected),
  };
}

/**
 * The primary học bạ of `student`: biography, then one page per school year the pupil spent in a
 * primary class (grades 1–5) graded by TT27, in year order. A pupil who changed class during a year
 * has one page for it, signed by the last class (see {@link PrimaryTranscriptPage.enrolments}).
 * Years under the older rules (TT30/2014) are listed in `skipped`; secondary and preschool classes
 * are not primary pages and are left to `transcript` and `preschoolBook`. Values the records do
 * not hold stay null or incomplete: nothing is guessed.
 */
export function primaryTranscript(
  r: Records,
  student: string,
  options: PrimaryTranscriptOptions = {},
): Either<BooksError, PrimaryTranscript> {
  const s = r.students[student];
  if (s === undefined)
    return left(hosoError('unknown-student', `student ${student} was never registered`, { path: ['student'] }));
  const byYear = new Map<string, string[]>();
  for (const key of s.classes) {
    const c = r.classes[key];
    if (c === undefined || c.grade < 1 || c.grade > 5) continue;
    const list = byYear.get(c.year) ?? [];
    if (!list.includes(key)) list.push(key);
    byYear.set(c.year, list);
  }
  const pages: PrimaryTranscriptPage[] = [];
  const skipped: Array<{ year: string; class: string; reason: string }> = [];
  for (const year of [...byYear.keys()].sort()) {
    const keys = byYear.get(year)!;
    const last = r.classes[keys[keys.length - 1]!]!;
    const picked = options.ruleSet !== undefined ? right(options.ruleSet) : ruleSetFor('primary', last.grade, year);
    if (picked._tag === 'Left' || picked.right.id !== 'tt27') {
      skipped.push({
        year,
        class: last.class,
        reason:
          picked._tag === 'Left' ? picked.left.message : `rule set ${picked.right.id} does not grade a primary class`,
      });
      continue;
    }
    pages.push(page(r, student, year, keys, picked.right));
  }
  return right({ student, bio: s.bio, biographyChanges: s.changes, pages, skipped });
}
