/**
 * The ledger-wide policy state: everything the rules read (keys, people, roles, calendar,
 * curriculum, classes, enrolments, windows, entered cells, sign-offs, stream heads), folded from
 * the log in order by {@link evolve}. Built once from the store and caught up from `size()`
 * before each decision — never re-read from scratch per command.
 *
 * `evolve` updates the state it is given (an owned accumulator, as in a reducer) because copying a
 * school's whole state per event would cost O(n²); {@link forkState} gives an O(1) copy-on-write
 * child for trial decisions, so `decide` and `replayCheck` never change their input.
 */
import type { Envelope } from '@hoso/core';
import { LayerMap } from './layer-map.js';
import { eventIndexMap, type EventIndex, type EventIndexMap } from './event-index.js';
import {
  EVENT_CODECS,
  isCellEventType,
  isEventType,
  type AcademicYearDefined,
  type Biography,
  type CellEventType,
  type EventData,
  type RoleName,
  type SchoolFounded,
  type SubjectOffered,
  type TransferParty,
  type WindowOpened,
} from './events.js';
import { cellOf, type CellRef } from './cells.js';
import type { Term } from './codecs.js';

export type { EventIndex, EventIndexMap } from './event-index.js';

/** A person with an account (staff, or the founding leader). */
export interface PersonState {
  readonly name: string;
  readonly keys: readonly string[];
}

/** A registered key and whether it is revoked. */
export interface KeyState {
  readonly person: string;
  readonly revoked: boolean;
  /** Position of the registration (or genesis). */
  readonly since: number;
}

/** One role held by a person, with its scope. */
export interface Grant {
  readonly role: RoleName;
  readonly year?: string;
  readonly class?: string;
  readonly subject?: string;
}

/** An entry window as opened, and whether it has been closed. */
export interface WindowState {
  readonly data: WindowOpened;
  readonly closed: boolean;
  readonly position: number;
}

/** The current value of a cell and who wrote it. */
export interface CellState {
  readonly ref: CellRef;
  readonly type: CellEventType;
  readonly value: string;
  /** The event that first wrote the cell. */
  readonly entry: string;
  /** The key that wrote the current value (the requester, for a correction). */
  readonly author: string;
  /** Number of corrections applied. */
  readonly corrections: number;
}

/** A stream's head: its last revision and that event's leaf hash (hex). */
export interface Head {
  readonly rev: number;
  readonly leafHash: string;
}

/** The fold of the ledger; see the module comment. */
export interface LedgerState {
  /** Number of events folded (the ledger size decided against). */
  size: number;
  /** Genesis payload, null before genesis. */
  school: SchoolFounded | null;
  /** The ledger id, from the genesis envelope. */
  ledger: string | null;
  readonly heads: LayerMap<string, Head>;
  /** Every event by id: a compact index (about 60 bytes per event; see event-index.ts). */
  readonly ids: EventIndexMap;
  readonly persons: LayerMap<string, PersonState>;
  readonly keys: LayerMap<string, KeyState>;
  readonly grants: LayerMap<string, readonly Grant[]>;
  readonly years: LayerMap<string, AcademicYearDefined>;
  readonly subjects: LayerMap<string, string>;
  /** `<year>/<grade>/<subject>` → offering. */
  readonly offerings: LayerMap<string, SubjectOffered>;
  /** `<year>/<grade>` → subject codes offered. */
  readonly curriculum: LayerMap<string, readonly string[]>;
  /** `<year>/<class>` → grade. */
  readonly classes: LayerMap<string, number>;
  readonly students: LayerMap<string, Biography>;
  /** `<year>/<student>` → class the student is currently in. */
  readonly enrolment: LayerMap<string, string>;
  /** `<year>/<student>` → the last transfer out. */
  readonly transfers: LayerMap<string, { readonly from: string; readonly to: TransferParty }>;
  readonly windows: LayerMap<string, WindowState>;
  /** `<year>` → window ids opened for that year, in order. */
  readonly windowsByYear: LayerMap<string, readonly string[]>;
  readonly cells: LayerMap<string, CellState>;
  /** Sign-off marks: `signed|confirmed|approved|sealed:<year>/<class>[/<subject>]/<term>`. */
  readonly marks: LayerMap<string, true>;
}

/** The state of an empty ledger. */
export function initialState(): LedgerState {
  return {
    size: 0,
    school: null,
    ledger: null,
    heads: new LayerMap(),
    ids: eventIndexMap(),
    persons: new LayerMap(),
    keys: new LayerMap(),
    grants: new LayerMap(),
    years: new LayerMap(),
    subjects: new LayerMap(),
    offerings: new LayerMap(),
    curriculum: new LayerMap(),
    classes: new LayerMap(),
    students: new LayerMap(),
    enrolment: new LayerMap(),
    transfers: new LayerMap(),
    windows: new LayerMap(),
    windowsByYear: new LayerMap(),
    cells: new LayerMap(),
    marks: new LayerMap(),
  };
}

/** An O(1) copy-on-write child of `s`: evolving the child never changes `s`. */
export function forkState(s: LedgerState): LedgerState {
  return {
    size: s.size,
    school: s.school,
    ledger: s.ledger,
    heads: s.heads.fork(),
    ids: s.ids.fork(),
    persons: s.persons.fork(),
    keys: s.keys.fork(),
    grants: s.grants.fork(),
    years: s.years.fork(),
    subjects: s.subjects.fork(),
    offerings: s.offerings.fork(),
    curriculum: s.curriculum.fork(),
    classes: s.classes.fork(),
    students: s.students.fork(),
    enrolment: s.enrolment.fork(),
    transfers: s.transfers.fork(),
    windows: s.windows.fork(),
    windowsByYear: s.windowsByYear.fork(),
    cells: s.cells.fork(),
    marks: s.marks.fork(),
  };
}

/** Sign-off mark keys. */
export const marks = {
  signed: (year: string, cls: string, subject: string, term: string): string =>
    `signed:${year}/${cls}/${subject}/${term}`,
  confirmed: (year: string, cls: string, term: string): string => `confirmed:${year}/${cls}/${term}`,
  approved: (year: string, cls: string, term: string): string => `approved:${year}/${cls}/${term}`,
  sealed: (year: string, cls: string, term: string): string => `sealed:${year}/${cls}/${term}`,
};

/** The term whose dates contain `date`, or undefined when the year is unknown or the date falls outside it. */
export function termOfDate(s: LedgerState, year: string, date: string): Term | undefined {
  const y = s.years.get(year);
  if (y === undefined) return undefined;
  if (date >= y.terms.HK1.start && date <= y.terms.HK1.end) return 'HK1';
  if (date >= y.terms.HK2.start && date <= y.terms.HK2.end) return 'HK2';
  return undefined;
}

/** A cell's reference with its term placed by the calendar for date-based cells. */
export function placeCell(s: LedgerState, ref: CellRef): CellRef {
  // Summer cells (re-tests, re-evaluation) belong to no term whatever their date says.
  if (ref.term !== undefined || ref.date === undefined || ref.summer === true) return ref;
  const term = termOfDate(s, ref.year, ref.date);
  return term === undefined ? ref : { ...ref, term };
}

/**
 * Fold one stored event into `s` (mutating it; see the module comment). Total: a payload that does
 * not decode changes nothing but the size, the head and the id index (the verifier reports it).
 */
export function evolve(s: LedgerState, env: Envelope, leafHashHex: string): LedgerState {
  const position = s.size;
  s.size = position + 1;
  s.heads.set(env.stream, { rev: env.rev, leafHash: leafHashHex });
  if (!isEventType(env.type)) {
    s.ids.set(env.id, { position, stream: env.stream, rev: env.rev, type: env.type });
    return s;
  }
  const decoded = EVENT_CODECS[env.type].decode(env.data);
  if (decoded._tag === 'Left') {
    s.ids.set(env.id, { position, stream: env.stream, rev: env.rev, type: env.type });
    return s;
  }
  applyEvent(s, env, env.type, decoded.right as never, position);
  return s;
}

function applyEvent<K extends keyof EventData>(
  s: LedgerState,
  env: Envelope,
  type: K,
  data: EventData[K],
  position: number,
): void {
  let cellKey: string | undefined;
  if (isCellEventType(type)) {
    const ref = placeCell(s, cellOf(type as CellEventType, data as never, env.stream));
    cellKey = ref.key;
    const prev = s.cells.get(ref.key);
    s.cells.set(ref.key, {
      ref,
      type,
      value: (data as { value: string }).value,
      entry: prev?.entry ?? env.id,
      author: env.by.key,
      corrections: prev?.corrections ?? 0,
    });
  }
  switch (type) {
    case 'SchoolFounded': {
      const d = data as EventData['SchoolFounded'];
      s.school = d;
      s.ledger = env.ledger;
      s.persons.set(d.leader.person, { name: d.leader.name, keys: [d.rootKey] });
      s.keys.set(d.rootKey, { person: d.leader.person, revoked: false, since: position });
      s.grants.set(d.leader.person, [{ role: 'leader' }]);
      break;
    }
    case 'AcademicYearDefined': {
      const d = data as EventData['AcademicYearDefined'];
      s.years.set(d.year, d);
      break;
    }
    case 'SubjectDefined': {
      const d = data as EventData['SubjectDefined'];
      s.subjects.set(d.subject, d.name);
      break;
    }
    case 'SubjectOffered': {
      const d = data as EventData['SubjectOffered'];
      s.offerings.set(`${d.year}/${d.grade}/${d.subject}`, d);
      const k = `${d.year}/${d.grade}`;
      const list = s.curriculum.get(k) ?? [];
      if (!list.includes(d.subject)) s.curriculum.set(k, [...list, d.subject]);
      break;
    }
    case 'StaffRegistered': {
      const d = data as EventData['StaffRegistered'];
      if (!s.persons.has(d.person)) s.persons.set(d.person, { name: d.name, keys: [] });
      break;
    }
    case 'KeyRegistered': {
      const d = data as EventData['KeyRegistered'];
      const p = s.persons.get(d.person);
      if (p !== undefined && !s.keys.has(d.key)) {
        s.persons.set(d.person, { ...p, keys: [...p.keys, d.key] });
        s.keys.set(d.key, { person: d.person, revoked: false, since: position });
      }
      break;
    }
    case 'KeyRevoked': {
      const d = data as EventData['KeyRevoked'];
      const k = s.keys.get(d.key);
      if (k !== undefined) s.keys.set(d.key, { ...k, revoked: true });
      break;
    }
    case 'RoleGranted': {
      const d = data as EventData['RoleGranted'];
      const g = grantOf(d);
      const list = s.grants.get(d.person) ?? [];
      if (!list.some((x) => sameGrant(x, g))) s.grants.set(d.person, [...list, g]);
      break;
    }
    case 'RoleRevoked': {
      const d = data as EventData['RoleRevoked'];
      const g = grantOf(d);
      const list = s.grants.get(d.person) ?? [];
      s.grants.set(
        d.person,
        list.filter((x) => !sameGrant(x, g)),
      );
      break;
    }
    case 'ClassOpened': {
      const d = data as EventData['ClassOpened'];
      s.classes.set(`${d.year}/${d.class}`, d.grade);
      break;
    }
    case 'StudentRegistered': {
      const d = data as EventData['StudentRegistered'];
      s.students.set(d.student, d.bio);
      break;
    }
    case 'BiographyChanged': {
      const d = data as EventData['BiographyChanged'];
      const b = s.students.get(d.student);
      if (b !== undefined) s.students.set(d.student, { ...b, ...d.changes });
      break;
    }
    case 'StudentEnrolled': {
      const d = data as EventData['StudentEnrolled'];
      s.enrolment.set(`${d.year}/${d.student}`, d.class);
      break;
    }
    case 'StudentTransferred': {
      const d = data as EventData['StudentTransferred'];
      s.enrolment.delete(`${d.year}/${d.student}`);
      s.transfers.set(`${d.year}/${d.student}`, { from: d.class, to: d.to });
      break;
    }
    case 'SubjectSignedOff': {
      const d = data as EventData['SubjectSignedOff'];
      s.marks.set(marks.signed(d.year, d.class, d.subject, d.term), true);
      break;
    }
    case 'ClassConfirmed': {
      const d = data as EventData['ClassConfirmed'];
      s.marks.set(marks.confirmed(d.year, d.class, d.term), true);
      break;
    }
    case 'ClassApproved': {
      const d = data as EventData['ClassApproved'];
      s.marks.set(marks.approved(d.year, d.class, d.term), true);
      break;
    }
    case 'BookSealed': {
      const d = data as EventData['BookSealed'];
      s.marks.set(marks.sealed(d.year, d.class, d.term), true);
      break;
    }
    case 'WindowOpened': {
      const d = data as EventData['WindowOpened'];
      if (!s.windows.has(d.window)) {
        s.windows.set(d.window, { data: d, closed: false, position });
        s.windowsByYear.set(d.year, [...(s.windowsByYear.get(d.year) ?? []), d.window]);
      }
      break;
    }
    case 'WindowClosed': {
      const d = data as EventData['WindowClosed'];
      const w = s.windows.get(d.window);
      if (w !== undefined) s.windows.set(d.window, { ...w, closed: true });
      break;
    }
    case 'CorrectionMade': {
      const d = data as EventData['CorrectionMade'];
      const target = s.ids.get(d.target);
      const cell = target?.cell === undefined ? undefined : s.cells.get(target.cell);
      if (cell !== undefined && target?.cell !== undefined) {
        cellKey = target.cell;
        s.cells.set(target.cell, { ...cell, value: d.new, author: env.by.key, corrections: cell.corrections + 1 });
      }
      break;
    }
    default:
      break;
  }
  const index: EventIndex = { position, stream: env.stream, rev: env.rev, type };
  s.ids.set(env.id, cellKey === undefined ? index : { ...index, cell: cellKey });
}

/** The scope fields of a grant or revocation, normalised. */
export function grantOf(d: { role: RoleName; year?: string; class?: string; subject?: string }): Grant {
  const g: { role: RoleName; year?: string; class?: string; subject?: string } = { role: d.role };
  if (d.year !== undefined) g.year = d.year;
  if (d.class !== undefined) g.class = d.class;
  if (d.subject !== undefined) g.subject = d.subject;
  return g;
}

/** Same role with the same scope. */
export function sameGrant(a: Grant, b: Grant): boolean {
  return a.role === b.role && a.year === b.year && a.class === b.class && a.subject === b.subject;
}

/**
 * A person's current keys: registered to them (or their root key at genesis) and not revoked, in
 * registration order. Empty for an unknown person or one whose keys are all revoked (QC Điều 7.1:
 * each key is one person's; a person may hold a new key after losing one).
 */
export function activeKeysOf(s: LedgerState, person: string): string[] {
  return (s.persons.get(person)?.keys ?? []).filter((k) => {
    const st = s.keys.get(k);
    return st !== undefined && !st.revoked && st.person === person;
  });
}

/**
 * Whose key is `key` (base64url): the person it was registered to, whether it is revoked now, and
 * the ledger position of its registration; null for a key the ledger never registered. A revoked
 * key still names its owner — what it signed before the revocation stays theirs.
 */
export function keyOwner(
  s: LedgerState,
  key: string,
): { readonly person: string; readonly revoked: boolean; readonly since: number } | null {
  const k = s.keys.get(key);
  return k === undefined ? null : { person: k.person, revoked: k.revoked, since: k.since };
}
