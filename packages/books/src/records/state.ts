/**
 * The records state: everything every book needs, folded from the ledger in position order. It
 * holds plain, JSON-serialisable objects only, so a runner can checkpoint it anywhere. The books
 * (markbook, học bạ, register…) are pure functions of this one state, which is why they can never
 * disagree with each other (QC Điều 12.2).
 */
import type { Biography, CellEventType, Minutes, SignPeriod, TransferParty, WindowOpened } from '@hoso/ledger';

/** Who did something: the signing key and role, and the person that key was registered to then. */
export interface Actor {
  readonly key: string;
  readonly role: string;
  /** Person id the key belonged to at the time (null when the key was never registered). */
  readonly person: string | null;
  /** That person's name, when known. */
  readonly name: string | null;
}

/** The minutes and signers of a correction (*biên bản sửa chữa dữ liệu*, QC Điều 12.3). */
export interface CorrectionInfo {
  /** The event corrected. */
  readonly target: string;
  /** Old value as written in the minutes. */
  readonly old: string;
  /** True when the minutes' old value is the value the cell held. */
  readonly oldMatches: boolean;
  readonly reason: string;
  readonly minutes: Minutes;
  readonly requester: Actor;
  readonly approver: Actor;
  readonly witness: Actor;
}

/** One value a cell has held: the entry, or a correction. */
export interface CellVersion {
  readonly value: string;
  readonly eventId: string;
  readonly position: number;
  /** The author's claimed signing time. */
  readonly at: string;
  readonly by: Actor;
  /** Set when this value came from a correction. */
  readonly correction?: CorrectionInfo;
  /**
   * The teacher's remark (*nhận xét*) written with this entry: the `comment` of a
   * `SubjectLevelEntered`, `ConductAssessed` or `ConductReevaluated`. Absent on corrections (a
   * `CorrectionMade` changes the value only) and on entries written without one.
   */
  readonly comment?: string;
  /** The reason written with an `AbsenceRecorded` entry (*lý do nghỉ*), when one was given. */
  readonly reason?: string;
  /**
   * Set on a make-up result (*kiểm tra, đánh giá bù*): the entry replaces a periodic test the
   * student missed (TT22 Điều 7); `taken: false` when the student did not sit the make-up and the
   * entry is the 0 or CĐ the rule then gives.
   */
  readonly makeUp?: { readonly taken: boolean };
  /** Set on a value brought from another school (*chuyển đến*): the school and the document it was read from. */
  readonly source?: TransferSource;
}

/** A document a decision or an entry rests on (*quyết định, văn bản*): its number and date. */
export interface DocumentRef {
  readonly number: string;
  readonly date: string;
}

/** Where a value brought from another school comes from: that school and its document (học bạ, phiếu điểm). */
export interface TransferSource {
  readonly school: string;
  readonly document: DocumentRef;
}

/** A record-book cell (*ô*) with its whole history, oldest first; the last version is current. */
export interface Cell {
  /** Unique key, the same as the ledger's: `<stream>#<student>/<term|period|date>/<column>`. */
  readonly key: string;
  readonly type: CellEventType;
  readonly stream: string;
  readonly year: string;
  readonly class: string;
  readonly student: string;
  readonly subject?: string;
  readonly term?: string;
  readonly period?: string;
  /**
   * `tx gk ck level test conduct <aspect> absence attendance weight-kg height-cm`, and after the year `retest` (a
   * subject's re-test) and `reevaluation` (conduct).
   */
  readonly column: string;
  /** Regular assessment number (1–4) of `tx` cells. */
  readonly index?: number;
  readonly date?: string;
  readonly session?: string;
  /** Current value. */
  value: string;
  readonly history: CellVersion[];
}

/** A signature step: subject sign-off, homeroom confirmation, leader approval, office seal. */
export interface SignStep {
  readonly by: Actor;
  readonly at: string;
  readonly position: number;
}

/** Sign-off state of one class for one year. */
export interface ClassSignoffs {
  /** Subject → period → the subject teacher's sign-off. */
  readonly subjects: Record<string, Partial<Record<SignPeriod, SignStep>>>;
  readonly confirmed: Partial<Record<SignPeriod, SignStep>>;
  readonly approved: Partial<Record<SignPeriod, SignStep>>;
  readonly sealed: Partial<Record<SignPeriod, SignStep>>;
}

/** A student's place on a class list. */
export interface RosterEntry {
  readonly student: string;
  readonly enrolled: string;
  readonly from?: TransferParty;
  left?: {
    readonly date: string;
    readonly to: TransferParty;
    readonly reason: string;
    /** The document the student's records were handed out with (QC Điều 8.2). */
    readonly transcript?: DocumentRef;
  };
}

/** A class (*lớp*) of a year. */
export interface ClassRecord {
  readonly year: string;
  readonly class: string;
  readonly grade: number;
  readonly name?: string;
  /** Students in enrolment order. */
  readonly roster: RosterEntry[];
}

/** Shown where a value was erased (`PersonalDataErased`, docs/personal-data.md). */
export const ERASED_MARK = '[đã xóa]';
/** Shown where a committed value's opening was not given to this reader (docs/personal-data.md). */
export const WITHHELD_MARK = '[không công khai]';
/** One of the marks shown in place of a personal value. */
export type PersonalMark = typeof ERASED_MARK | typeof WITHHELD_MARK;

/** True when `v` is a mark in place of a personal value, not the value. */
export function isPersonalMark(v: unknown): v is PersonalMark {
  return v === ERASED_MARK || v === WITHHELD_MARK;
}

/**
 * A biography as the books show it: the values, or a {@link PersonalMark} where a value is committed
 * and its opening erased or not given. The records keep the marks and the commitments only;
 * `resolveRecords` fills in the values for a reader of the personal-data store.
 */
export type ShownBiography = {
  readonly [K in keyof Omit<Biography, 'sex'>]: Biography[K] | PersonalMark;
} & { readonly sex: Biography['sex'] | PersonalMark };

/** A change of biographical data, with the values it replaced. */
export interface BiographyChange {
  readonly position: number;
  readonly at: string;
  readonly by: Actor;
  readonly changes: Partial<ShownBiography>;
  readonly previous: Partial<ShownBiography>;
  readonly reason: string;
  /** The commitments the change signed (`hoso/pd/v1`), by field; absent for a change in clear. */
  readonly pd?: Readonly<Record<string, string>>;
  /** The commitments of the values it replaced, by field. */
  readonly previousPd?: Readonly<Record<string, string>>;
}

/** A student's register entry (*sổ đăng bộ*). */
export interface StudentRecord {
  readonly student: string;
  bio: ShownBiography;
  /** The commitment of each committed field (`hoso/pd/v1`); the value lives in the personal-data store. */
  pd?: Record<string, string>;
  /** The pupil's personal data was erased (`PersonalDataErased`). */
  erased?: true;
  readonly registered: {
    readonly year: string;
    readonly class: string;
    readonly position: number;
    readonly at: string;
  };
  readonly changes: BiographyChange[];
  /** `year/class` keys of every class the student was enrolled in, in order. */
  readonly classes: string[];
}

/** A transfer in or out (*chuyển đến, chuyển đi*). */
export interface TransferRecord {
  readonly position: number;
  readonly direction: 'in' | 'out';
  readonly year: string;
  readonly class: string;
  readonly student: string;
  readonly date: string;
  readonly party: TransferParty;
  readonly reason?: string;
}

/** An entry window (*mở khóa nhập liệu*) and whether it has been closed. */
export interface WindowRecord {
  readonly window: string;
  readonly year: string;
  readonly period: WindowOpened['period'];
  readonly scope: WindowOpened['scope'];
  readonly opens?: string;
  readonly closes?: string;
  readonly reason?: string;
  readonly openedAt: number;
  closedAt: number | null;
}

/** A role assignment as the books print it (homeroom teacher, subject teachers). */
export interface RoleRecord {
  readonly person: string;
  readonly role: string;
  readonly year?: string;
  readonly class?: string;
  readonly subject?: string;
  readonly grantedAt: number;
  revokedAt: number | null;
}

/**
 * An exemption decided by the principal (*miễn học*), for a term or the whole year. `practice`: the
 * practical part of Giáo dục thể chất or Giáo dục quốc phòng và an ninh, for illness, injury or
 * disability — the student is assessed on the theory instead, with the same number of assessments
 * (TT22 Điều 10); `subject`: a subject a pupil with a disability is exempt from, not assessed at all
 * (TT22 Điều 11 and Thông tư liên tịch 42/2013/TTLT-BGDĐT-BLĐTBXH-BTC, check).
 */
export interface ExemptionRecord {
  readonly year: string;
  readonly student: string;
  readonly subject: string;
  /** `HK1`, `HK2`, or `CN` for the whole year. */
  readonly period: 'HK1' | 'HK2' | 'CN';
  readonly scope: 'practice' | 'subject';
  readonly decision: DocumentRef;
  readonly reason: string;
  readonly position: number;
  readonly by: Actor;
}

/**
 * A pupil with a disability assessed against an individual education plan (*kế hoạch giáo dục cá
 * nhân*, TT22 Điều 11; the plan itself: Thông tư 03/2018/TT-BGDĐT Điều 9): `planSubjects` are
 * assessed against the plan rather than the programme; promotion is the principal's decision
 * (TT22 Điều 12.4).
 */
export interface IndividualPlanRecord {
  readonly year: string;
  readonly student: string;
  /** `inclusive` (*giáo dục hòa nhập*) or `specialised` (*giáo dục chuyên biệt*). */
  readonly mode: 'inclusive' | 'specialised';
  readonly plan: DocumentRef;
  readonly planSubjects: readonly string[];
  readonly position: number;
  readonly by: Actor;
}

/** The principal's promotion decision for a pupil with an individual plan (TT22 Điều 12.4). */
export interface PromotionDecisionRecord {
  readonly year: string;
  readonly class: string;
  readonly student: string;
  readonly decision: 'promoted' | 'retained';
  readonly document: DocumentRef;
  readonly position: number;
  readonly by: Actor;
}

/**
 * The class's recognition of a primary pupil (*được tập thể lớp công nhận*, TT27 Điều 13.1a):
 * outstanding achievement in a subject, or clear progress in a quality or competency.
 */
export interface RecognitionRecord {
  readonly year: string;
  readonly class: string;
  readonly student: string;
  readonly basis: { readonly subject: string } | { readonly aspect: string };
  /** The class meeting's minutes, when they have a number. */
  readonly minutes?: DocumentRef;
  readonly position: number;
  readonly by: Actor;
}

/**
 * A periodic test a student missed for a reason the rule accepts (*lý do bất khả kháng*): a
 * make-up is owed (TT22 Điều 7) until its result is entered in the cell.
 */
export interface MissedTestRecord {
  /** The cell the make-up will fill (`…#<student>/<term>/gk` or `…/ck`). */
  readonly cell: string;
  readonly reason: string;
  readonly position: number;
  readonly by: Actor;
}

/** A school-year setting of the school's timetable: sessions (*buổi*) taught a day. */
export interface YearSettings {
  readonly sessionsPerDay: 1 | 2;
  readonly position: number;
}

/** A subject offered to a grade in a year. */
export interface Offering {
  readonly subject: string;
  readonly periodsPerYear: number;
  readonly assessment: 'scored' | 'comment' | 'level' | 'level-tested';
  readonly midTermTests?: boolean;
}

/** An event the records could not use (it did not decode, or named an unknown target). */
export interface RecordsProblem {
  readonly position: number;
  readonly code: string;
  readonly message: string;
}

/** The folded records of one ledger. */
export interface Records {
  /** Number of events folded (the next position). */
  applied: number;
  school: {
    readonly id: string;
    readonly name: string;
    readonly levels: readonly string[];
    readonly province?: string;
  } | null;
  readonly years: Record<
    string,
    { readonly HK1: { start: string; end: string }; readonly HK2: { start: string; end: string } }
  >;
  readonly subjects: Record<string, string>;
  /** `year/grade` → subject → offering, in definition order. */
  readonly offerings: Record<string, Record<string, Offering>>;
  readonly people: Record<string, string>;
  /** Key → person id. */
  readonly keys: Record<string, string>;
  readonly roles: RoleRecord[];
  /** `year/class` → class. */
  readonly classes: Record<string, ClassRecord>;
  readonly students: Record<string, StudentRecord>;
  readonly transfers: TransferRecord[];
  readonly cells: Record<string, Cell>;
  /** Stream → keys of its cells, in first-entry order (so a book reads only its own streams). */
  readonly streamCells: Record<string, string[]>;
  /** `year/class` → sign-offs. */
  readonly signoffs: Record<string, ClassSignoffs>;
  readonly windows: Record<string, WindowRecord>;
  /** Year → the school's timetable setting (one session a day when absent). */
  readonly settings: Record<string, YearSettings>;
  readonly exemptions: ExemptionRecord[];
  /** `year/student` → the individual education plan. */
  readonly plans: Record<string, IndividualPlanRecord>;
  /** `year/student` → the principal's promotion decision (pupils with an individual plan). */
  readonly decisions: Record<string, PromotionDecisionRecord>;
  /** `year/class/student` → the class's recognition (primary). */
  readonly recognitions: Record<string, RecognitionRecord>;
  /** Cell key → the missed periodic test a make-up is owed for. */
  readonly missedTests: Record<string, MissedTestRecord>;
  readonly problems: RecordsProblem[];
}

/** The empty records (before genesis). */
export function emptyRecords(): Records {
  return {
    applied: 0,
    school: null,
    years: {},
    subjects: {},
    offerings: {},
    people: {},
    keys: {},
    roles: [],
    classes: {},
    students: {},
    transfers: [],
    cells: {},
    streamCells: {},
    signoffs: {},
    windows: {},
    settings: {},
    exemptions: [],
    plans: {},
    decisions: {},
    recognitions: {},
    missedTests: {},
    problems: [],
  };
}

/** `year/student`, the key of plans and decisions. */
export const studentYearKey = (year: string, student: string): string => `${year}/${student}`;

/** Sessions a day the school teaches in `year` (one unless the year's setting says two). */
export const sessionsPerDay = (r: Records, year: string): 1 | 2 => r.settings[year]?.sessionsPerDay ?? 1;

/** `year/class`, the key of classes and sign-offs. */
export const classKey = (year: string, cls: string): string => `${year}/${cls}`;

/** The sex as the forms write it (*Nam*, *Nữ*), or the mark shown in its place. */
export function sexLabel(sex: ShownBiography['sex']): string {
  return sex === 'F' ? 'Nữ' : sex === 'M' ? 'Nam' : sex;
}
