/**
 * The personal-data store beside the ledger (docs/personal-data.md): the openings of the
 * commitments the events sign. The ledger stages the openings of the events it is about to append;
 * the store writes them with those events (SQLite: in the append's own transaction, through the
 * store's extension hook) and, when a `PersonalDataErased` event is appended, destroys every opening
 * of the pupils it names.
 */
import type { Opening } from './commitment.js';

/** What the books, the printer, `show` and `log` read names through. */
export interface PersonalDataReader {
  /** Every opening kept for `subject` (all its commitments, older ones included); none once erased. */
  openings(subject: string): readonly Opening[];
}

/** Why a personal-data store could not write the openings of an append (`beforeAppend`). */
export interface PersonalWriteProblem {
  readonly message: string;
}

/** An event just appended, as the personal-data store needs to see it. */
export interface AppendedPersonalEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/** A personal-data store a ledger writes through (`openLedger({ personalData })`). */
export interface PersonalDataStore extends PersonalDataReader {
  /** The openings staged for the event `eventId` (the last `stage` for it), if any. */
  staged(eventId: string): readonly Opening[] | undefined;
  /** Keep `openings` until the event `eventId` is appended; replaces what was staged for it. */
  stage(eventId: string, openings: readonly Opening[]): void;
  /** Forget what was staged for these events (they were not appended, or are written already). */
  discard(eventIds: Iterable<string>): void;
  /**
   * Called by the ledger when `events` are signed, checked and about to be appended, for a store
   * that cannot write inside the append's own transaction (EventStoreDB): it writes their staged
   * openings first, so an appended commitment never lacks its opening. A problem returned (the
   * store unreachable) refuses the append and nothing enters the ledger; openings written for an
   * append that then fails open no signed commitment and are never shown.
   */
  beforeAppend?(events: readonly AppendedPersonalEvent[]): Promise<PersonalWriteProblem | null>;
  /**
   * Called by the ledger after `events` were appended: a store that does not write inside the
   * append's transaction carries out erasures here (EventStoreDB: the pupils' streams are
   * truncated); SQLite finishes an erasure (WAL checkpoint) here. Never fails the append, which has
   * happened: what could not be done is retried by the next call or by `reconcile`.
   */
  afterAppend(events: readonly AppendedPersonalEvent[]): void | Promise<void>;
  /**
   * Make sure nothing is kept for pupils the ledger says were erased (an erasure appended by a
   * writer without this store, or one whose `afterAppend` did not finish). Called by `openLedger`.
   */
  reconcile(erased: readonly string[]): void | Promise<void>;
}

/** The students a `PersonalDataErased` payload names (structural: stores need not decode the catalogue). */
export function erasedStudents(e: AppendedPersonalEvent): readonly string[] {
  if (e.type !== 'PersonalDataErased') return [];
  const students = (e.data as { students?: unknown }).students;
  return Array.isArray(students) ? students.filter((s): s is string => typeof s === 'string') : [];
}
