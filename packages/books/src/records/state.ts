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
  left?: { readonly date: string; readonly to: TransferParty; readonly reason: string };
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

/** A change of biographical data, with the values it replaced. */
export interface BiographyChange {
  readonly position: number;
  readonly at: string;
  readonly by: Actor;
  readonly changes: Partial<Biography>;
  readonly previous: Partial<Biography>;
  readonly reason: string;
}

/** A student's register entry (*sổ đăng bộ*). */
export interface StudentRecord {
  readonly student: string;
  bio: Biography;
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
    problems: [],
  };
}

/** `year/class`, the key of classes and sign-offs. */
export const classKey = (year: string, cls: string): string => `${year}/${cls}`;
