/**
 * The primary class summary (*Bảng tổng hợp kết quả đánh giá giáo dục của lớp*, TT27) with the
 * year result, award and programme completion every primary book shares, and the preschool child
 * book (*sổ theo dõi trẻ*: attendance, weight and height with the WHO
 * classification).
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError } from '@hoso/core';
import { Aspect, homeroomStream, markbookStream } from '@hoso/ledger';
import type { BooksError } from '../errors.js';
import { dec } from '../decimal.js';
import {
  classifyGrowth,
  incomplete,
  isIncomplete,
  primaryYearResult,
  ruleSetFor,
  whoZScore,
  type GrowthIndicator,
  type GrowthStatus,
  type Lms,
  type OrIncomplete,
  type PreschoolParams,
  type PrimaryYearResult,
  type QualityLevel,
  type SubjectLevel,
  type Tt27RuleSet,
} from '../rules/index.js';
import { isPersonalMark, type Cell, type Records, type RecognitionRecord } from '../records/state.js';
import { findClass, holders, indexCells } from './common.js';
import { circumstancesOf, type StudentCircumstances } from './circumstances.js';

/** The four TT27 assessment points, in order. */
export const PRIMARY_PERIODS = ['GK1', 'CK1', 'GK2', 'CN'] as const;
const PERIODS = PRIMARY_PERIODS;
/** A primary assessment point. */
export type PrimaryPeriodId = (typeof PERIODS)[number];

/** One subject of one pupil across the four assessment points. */
export interface PrimarySubjectLine {
  readonly subject: string;
  readonly levels: Readonly<Record<PrimaryPeriodId, Cell | null>>;
  /** Periodic test cells, for subjects with tests. */
  readonly tests: Readonly<Record<PrimaryPeriodId, Cell | null>> | null;
}

/** One pupil's line of the class summary. */
export interface PrimaryPupil {
  readonly student: string;
  readonly name: string;
  readonly subjects: readonly PrimarySubjectLine[];
  /** Aspect (quality or competency) → period → cell. */
  readonly qualities: Readonly<Record<string, Readonly<Record<PrimaryPeriodId, Cell | null>>>>;
  readonly result: OrIncomplete<PrimaryYearResult>;
  /** Award the year result and the class's recognition decide (see {@link PrimaryAward}). */
  readonly award: OrIncomplete<PrimaryAward>;
  /** The class's recognition (TT27 Điều 13.1a), when recorded. */
  readonly recognition: RecognitionRecord | null;
  /** Completion of the grade's programme (see {@link ProgrammeCompletion}). */
  readonly completion: OrIncomplete<ProgrammeCompletion>;
  /** Exemptions, individual plan, principal's decision, transfer in or out, as the secondary books read them. */
  readonly circumstances: StudentCircumstances;
}

/** The class summary. */
export interface PrimarySummary {
  readonly year: string;
  readonly class: string;
  readonly grade: number;
  readonly ruleSet: { readonly id: string; readonly overridden: readonly string[] };
  readonly homeroom: readonly string[];
  readonly subjects: ReadonlyArray<{ readonly subject: string; readonly name: string; readonly tested: boolean }>;
  readonly pupils: readonly PrimaryPupil[];
  readonly position: number;
}

/**
 * Completion of the programme (TT27: *xét hoàn thành chương trình lớp học, chương trình tiểu
 * học*), as the year result decides it: HTXS, HTT and HT complete the grade's programme (grade 5:
 * the primary programme); CHT does not (yet: the teacher's help, a further assessment and the
 * principal's decision on promotion follow, and the records do not hold them).
 */
export type ProgrammeCompletion =
  'Hoàn thành chương trình lớp học' | 'Hoàn thành chương trình tiểu học' | 'Chưa hoàn thành chương trình lớp học';

/**
 * The end-of-year award (TT27 Điều 13.1a, *khen thưởng cuối năm học*): *Học sinh Xuất sắc* for
 * HTXS; *Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện* for HTT with an outstanding
 * achievement in a subject or clear progress in a quality or competency, recognised by the class
 * (*được tập thể lớp công nhận*, the `ClassRecognitionRecorded` event); none otherwise. An HTT pupil
 * without a recognition is incomplete (`class-recognition`) until the homeroom teacher confirms the
 * class's year (`ClassConfirmed` for `CN`): the class decides before that, and none is given after.
 */
export type PrimaryAward = 'Học sinh Xuất sắc' | 'Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện' | null;

/** The title TT27 Điều 13.1a gives an HTT pupil the class recognised. */
export const EXEMPLARY = 'Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện';

/** Award decided by the year result and the class's recognition (see {@link PrimaryAward}). */
export function primaryAward(
  result: OrIncomplete<PrimaryYearResult>,
  recognition: RecognitionRecord | null = null,
  yearConfirmed = false,
): OrIncomplete<PrimaryAward> {
  if (isIncomplete(result)) return incomplete([['result']]);
  if (result === 'Hoàn thành xuất sắc') return 'Học sinh Xuất sắc';
  if (result !== 'Hoàn thành tốt') return null;
  if (recognition !== null) return EXEMPLARY;
  return yearConfirmed ? null : incomplete([['class-recognition']]);
}

/** The class's recognition of `student` in `year`/`cls`, if recorded. */
export const recognitionOf = (r: Records, year: string, cls: string, student: string): RecognitionRecord | null =>
  r.recognitions[`${year}/${cls}/${student}`] ?? null;

/** Completion decided by the year result and the grade (see {@link ProgrammeCompletion}). */
export function programmeCompletion(
  grade: number,
  result: OrIncomplete<PrimaryYearResult>,
): OrIncomplete<ProgrammeCompletion> {
  if (isIncomplete(result)) return incomplete([['result']]);
  if (result === 'Chưa hoàn thành') return 'Chưa hoàn thành chương trình lớp học';
  return grade === 5 ? 'Hoàn thành chương trình tiểu học' : 'Hoàn thành chương trình lớp học';
}

/** The five qualities and ten competencies TT27 assesses (the ledger's `Aspect` codes). */
export const ASPECTS: readonly string[] = Object.keys(Aspect.keys);

/**
 * The year result (TT27 Điều 9) of one pupil from their lines: the end-of-year (`CN`) level of
 * each subject, its end-of-year test where it has one, and every quality and competency at `CN`;
 * anything missing makes it incomplete. The class summary and the học bạ both call this, so the
 * two books cannot disagree (QC Điều 12.2).
 */
export function pupilYearResult(
  rs: Tt27RuleSet,
  subjects: readonly PrimarySubjectLine[],
  qualities: Readonly<Record<string, Readonly<Record<PrimaryPeriodId, Cell | null>>>>,
): OrIncomplete<PrimaryYearResult> {
  return primaryYearResult(rs.params, {
    subjects: subjects.map((s) => ({
      subject: s.subject,
      level: s.levels.CN === null ? incomplete([['CN']]) : (s.levels.CN.value as SubjectLevel),
      test: s.tests === null ? null : s.tests.CN === null ? incomplete([['CN']]) : dec(s.tests.CN.value),
    })),
    qualities: Object.fromEntries(
      ASPECTS.map((a) => {
        const c = qualities[a]?.CN ?? null;
        return [a, c === null ? incomplete([['CN']]) : (c.value as QualityLevel)];
      }),
    ),
  });
}

/**
 * The primary class summary of `cls` in `year`. The year result uses the end-of-year (`CN`) level
 * of each subject, its end-of-year test where it has one, and every quality and competency at
 * `CN`; anything missing makes the result incomplete.
 */
export function primarySummary(
  r: Records,
  year: string,
  cls: string,
  options: { ruleSet?: Tt27RuleSet } = {},
): Either<BooksError, PrimarySummary> {
  const found = findClass(r, year, cls);
  if (found._tag === 'Left') return found;
  const klass = found.right;
  const picked = options.ruleSet !== undefined ? right(options.ruleSet) : ruleSetFor('primary', klass.grade, year);
  if (picked._tag === 'Left') return picked;
  if (picked.right.id !== 'tt27')
    return left(
      hosoError('wrong-level', `rule set ${picked.right.id} does not grade a primary class`, { path: ['ruleSet'] }),
    );
  const rs = picked.right;
  const cells = indexCells(r);
  const offers = Object.values(r.offerings[`${year}/${klass.grade}`] ?? {}).filter(
    (o) => o.assessment === 'level' || o.assessment === 'level-tested',
  );
  const home = new Map((cells.get(homeroomStream(year, cls)) ?? []).map((c) => [c.key, c] as const));
  const hs = homeroomStream(year, cls);
  const pupils = klass.roster.map((e): PrimaryPupil => {
    const subjects = offers.map((o): PrimarySubjectLine => {
      const stream = markbookStream(year, cls, o.subject);
      const byKey = new Map((cells.get(stream) ?? []).map((c) => [c.key, c] as const));
      const at = (col: string) =>
        Object.fromEntries(PERIODS.map((p) => [p, byKey.get(`${stream}#${e.student}/${p}/${col}`) ?? null])) as Record<
          PrimaryPeriodId,
          Cell | null
        >;
      return { subject: o.subject, levels: at('level'), tests: o.assessment === 'level-tested' ? at('test') : null };
    });
    const qualities = Object.fromEntries(
      ASPECTS.map((a) => [
        a,
        Object.fromEntries(PERIODS.map((p) => [p, home.get(`${hs}#${e.student}/${p}/${a}`) ?? null])),
      ]),
    ) as Record<string, Record<PrimaryPeriodId, Cell | null>>;
    const result = pupilYearResult(rs, subjects, qualities);
    const recognition = recognitionOf(r, year, cls, e.student);
    return {
      student: e.student,
      name: r.students[e.student]?.bio.name ?? e.student,
      subjects,
      qualities,
      result,
      award: primaryAward(result, recognition, r.signoffs[`${year}/${cls}`]?.confirmed.CN !== undefined),
      recognition,
      completion: programmeCompletion(klass.grade, result),
      circumstances: circumstancesOf(r, year, e),
    };
  });
  return right({
    year,
    class: cls,
    grade: klass.grade,
    ruleSet: { id: rs.id, overridden: rs.overridden },
    homeroom: holders(r, 'homeroom', year, cls),
    subjects: offers.map((o) => ({
      subject: o.subject,
      name: r.subjects[o.subject] ?? o.subject,
      tested: o.assessment === 'level-tested',
    })),
    pupils,
    position: r.applied,
  });
}

/** A WHO reference lookup: L, M, S for the child's sex and age (or height), or null when not covered. */
export type GrowthReference = (q: {
  readonly indicator: GrowthIndicator;
  readonly sex: 'M' | 'F';
  readonly ageDays: number;
  /** Height in cm, for weight-for-height. */
  readonly heightCm?: number;
}) => Lms | null;

/** A measurement with its classification (null where no reference was supplied). */
export interface GrowthLine {
  readonly date: string;
  readonly ageDays: number;
  readonly weight: Cell | null;
  readonly height: Cell | null;
  readonly status: Partial<Record<GrowthIndicator, { readonly z: number; readonly status: GrowthStatus }>>;
}

/** One child's page of the preschool book. */
export interface ChildPage {
  readonly student: string;
  readonly name: string;
  readonly attendance: {
    readonly present: number;
    readonly excused: number;
    readonly unexcused: number;
    readonly days: readonly Cell[];
  };
  readonly growth: readonly GrowthLine[];
}

const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * The preschool child book of a class (group): daily attendance counts and every measurement day's
 * weight and height, classified against the WHO standards where `reference` supplies L, M, S.
 */
export function preschoolBook(
  r: Records,
  year: string,
  cls: string,
  params: PreschoolParams,
  reference?: GrowthReference,
): Either<BooksError, ChildPage[]> {
  const found = findClass(r, year, cls);
  if (found._tag === 'Left') return found;
  const own = indexCells(r).get(homeroomStream(year, cls)) ?? [];
  return right(
    found.right.roster.map((e): ChildPage => {
      const mine = own.filter((c) => c.student === e.student);
      const days = mine.filter((c) => c.type === 'AttendanceRecorded').sort((a, b) => (a.key < b.key ? -1 : 1));
      const bio = r.students[e.student]?.bio;
      const dates = [...new Set(mine.filter((c) => c.type === 'GrowthMeasured').map((c) => c.date as string))].sort();
      const growth = dates.map((date): GrowthLine => {
        const weight = mine.find((c) => c.date === date && c.column === 'weight-kg') ?? null;
        const height = mine.find((c) => c.date === date && c.column === 'height-cm') ?? null;
        // An erased or withheld birth date or sex (docs/personal-data.md) leaves the growth unclassified.
        const known = bio !== undefined && !isPersonalMark(bio.birthDate) && !isPersonalMark(bio.sex);
        const ageDays = !known ? -1 : daysBetween(bio.birthDate, date);
        const sex = known && !isPersonalMark(bio.sex) ? bio.sex : null;
        const status: GrowthLine['status'] = {};
        if (reference !== undefined && sex !== null) {
          const w = weight === null ? null : Number(weight.value);
          const h = height === null ? null : Number(height.value);
          const classify = (indicator: GrowthIndicator, x: number | null, heightCm?: number) => {
            if (x === null) return;
            const lms = reference({
              indicator,
              sex,
              ageDays,
              ...(heightCm !== undefined ? { heightCm } : {}),
            });
            if (lms === null) return;
            const z = whoZScore(indicator, x, lms);
            if (z._tag === 'Right')
              status[indicator] = { z: z.right, status: classifyGrowth(params, indicator, z.right) };
          };
          classify('weight-for-age', w);
          classify('height-for-age', h);
          if (h !== null) classify('weight-for-height', w, h);
        }
        return { date, ageDays, weight, height, status };
      });
      return {
        student: e.student,
        name: bio?.name ?? e.student,
        attendance: {
          present: days.filter((c) => c.value === 'C').length,
          excused: days.filter((c) => c.value === 'P').length,
          unexcused: days.filter((c) => c.value === 'K').length,
          days,
        },
        growth,
      };
    }),
  );
}
