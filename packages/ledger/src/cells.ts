/**
 * Cells (*ô* of a record book): what one cell-writing event writes, under which key, in which
 * term, column and period, and which codec its value (and every correction of it) must pass.
 */
import type * as t from 'io-ts';
import { isCellEventType, type CellEventType, type LedgerEvent } from './events.js';
import type { PrimaryPeriod, Term } from './codecs.js';
import { AbsenceKind, AttendanceMark } from './codecs.js';
import {
  CommentLevel,
  ConductLevel,
  HeightCm,
  QualityLevel,
  Score10,
  SubjectLevel,
  TestScore10,
  WeightKg,
} from './values.js';

/** Where a cell sits. `term` is undefined for date-based cells until the calendar places them. */
export interface CellRef {
  /** Unique in the ledger: `<stream>#<student>/<period or date>/<column>`. */
  readonly key: string;
  readonly stream: string;
  readonly year: string;
  readonly class: string;
  readonly student: string;
  /** The subject for markbook cells. */
  readonly subject?: string;
  /** The window scope column: `tx gk ck level test conduct quality absence attendance growth`. */
  readonly column: string;
  /** Term of the cell; for date-based cells (absence, attendance, growth) the caller places it. */
  readonly term?: Term;
  /** True for mid-term columns (TT22 `gk`, TT27 `GK1`/`GK2`): covered by mid-term windows too. */
  readonly mid: boolean;
  /** Date of date-based cells. */
  readonly date?: string;
  /** The role whose holder writes the cell and may request its correction. */
  readonly writer: 'subject' | 'homeroom';
  /** The codec every value of this cell must pass. */
  readonly codec: t.Type<string, unknown, unknown>;
  /** True when entry needs an open window (assessments; not daily registers). */
  readonly windowed: boolean;
  /**
   * True for the summer cells after the year (re-tests, conduct re-evaluation, TT22 Điều 12): they
   * have a date after the year's last term and no term, only `HE` windows cover them, and they are
   * entered after the year's results are signed off rather than before.
   */
  readonly summer?: boolean;
}

/** The term a primary assessment point belongs to. */
export const termOfPeriod = (p: PrimaryPeriod): Term => (p === 'GK1' || p === 'CK1' ? 'HK1' : 'HK2');

/** A cell-writing event: the members of {@link LedgerEvent} whose type is a {@link CellEventType}. */
export type CellEvent = Extract<LedgerEvent, { readonly type: CellEventType }>;

/** True when `ev` writes a cell. */
export function isCellEvent(ev: LedgerEvent): ev is CellEvent {
  return isCellEventType(ev.type);
}

/**
 * The cell a cell-writing event writes, each case one plain literal: an object spread of shared
 * fields here cost ~8 µs per call on Node 20 (against ~0.1 µs for a literal), and the write path
 * and every replay call this for each cell event.
 */
export function cellOf(ev: CellEvent, stream: string): CellRef {
  const d = ev.data;
  switch (ev.type) {
    case 'ScoreEntered':
    case 'CommentLevelEntered': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.term}/${x.column}${x.index ?? ''}`,
        subject: x.subject,
        column: x.column,
        term: x.term,
        mid: x.column === 'gk',
        writer: 'subject',
        codec: ev.type === 'ScoreEntered' ? Score10 : (CommentLevel as t.Type<string, unknown, unknown>),
        windowed: true,
      };
    }
    case 'SubjectLevelEntered':
    case 'TestScoreEntered': {
      const x = ev.data;
      const column = ev.type === 'SubjectLevelEntered' ? 'level' : 'test';
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.period}/${column}`,
        subject: x.subject,
        column,
        term: termOfPeriod(x.period),
        mid: x.period === 'GK1' || x.period === 'GK2',
        writer: 'subject',
        codec: ev.type === 'SubjectLevelEntered' ? (SubjectLevel as t.Type<string, unknown, unknown>) : TestScore10,
        windowed: true,
      };
    }
    case 'ConductAssessed': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.term}/conduct`,
        column: 'conduct',
        term: x.term,
        mid: false,
        writer: 'homeroom',
        codec: ConductLevel as t.Type<string, unknown, unknown>,
        windowed: true,
      };
    }
    case 'QualityAssessed': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.period}/${x.aspect}`,
        column: 'quality',
        term: termOfPeriod(x.period),
        mid: x.period === 'GK1' || x.period === 'GK2',
        writer: 'homeroom',
        codec: QualityLevel as t.Type<string, unknown, unknown>,
        windowed: true,
      };
    }
    case 'RetestScoreEntered':
    case 'RetestCommentLevelEntered': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/retest`,
        subject: x.subject,
        column: 'retest',
        date: x.date,
        mid: false,
        writer: 'subject',
        codec: ev.type === 'RetestScoreEntered' ? Score10 : (CommentLevel as t.Type<string, unknown, unknown>),
        windowed: true,
        summer: true,
      };
    }
    case 'ConductReevaluated': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/reevaluation`,
        column: 'reevaluation',
        date: x.date,
        mid: false,
        writer: 'homeroom',
        codec: ConductLevel as t.Type<string, unknown, unknown>,
        windowed: true,
        summer: true,
      };
    }
    case 'AbsenceRecorded': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.date}/${x.session}`,
        column: 'absence',
        date: x.date,
        mid: false,
        writer: 'homeroom',
        codec: AbsenceKind as t.Type<string, unknown, unknown>,
        windowed: false,
      };
    }
    case 'AttendanceRecorded': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.date}/attendance`,
        column: 'attendance',
        date: x.date,
        mid: false,
        writer: 'homeroom',
        codec: AttendanceMark as t.Type<string, unknown, unknown>,
        windowed: false,
      };
    }
    case 'GrowthMeasured': {
      const x = ev.data;
      return {
        stream,
        year: d.year,
        class: d.class,
        student: d.student,
        key: `${stream}#${x.student}/${x.date}/${x.measure}`,
        column: 'growth',
        date: x.date,
        mid: false,
        writer: 'homeroom',
        codec: x.measure === 'weight-kg' ? WeightKg : HeightCm,
        windowed: false,
      };
    }
    default:
      return unreachable(ev);
  }
}

function unreachable(ev: never): never {
  throw new Error(`internal: not a cell event type: ${(ev as { type: string }).type}`);
}
