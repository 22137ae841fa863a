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
import { fromBase64, sha256, toHex, type Envelope } from '@hoso/core';
import { LayerMap } from './layer-map.js';
import { eventIndexMap, type EventIndexMap } from './event-index.js';
import { cellMap, type CellMap } from './cell-table.js';
import {
  isEventType,
  type AcademicYearDefined,
  type Biography,
  type CertifiableAct,
  type EventData,
  type IdentityNumber,
  type LedgerEvent,
  type RoleName,
  type SchoolFounded,
  type SubjectOffered,
  type TransferParty,
  isCertifiableAct,
} from './events.js';
import { cellOf, isCellEvent, type CellRef } from './cells.js';
import { decodeData } from './payloads.js';
import type { Term } from './codecs.js';
import { listItem, listLength, listPush, listReplace, listValues, type Lists } from './lists.js';
import { indexWindowClosed, indexWindowOpened, type WindowIndex } from './window-index.js';
import { foldYearFacts, forkYearFacts, initialYearFacts, type YearFacts } from './year-facts.js';

export type { EventIndex, EventIndexMap } from './event-index.js';
export type { WindowState } from './window-index.js';
export type { Lists } from './lists.js';
export type { CellMap, CellState } from './cell-table.js';

/** A person with an account (staff, or the founding leader). */
export interface PersonState {
  readonly name: string;
  /** How many of the person's keys are registered and not revoked (their keys: {@link keysOf}). */
  readonly activeKeys: number;
  /** The identity number the staff record carries, which every certificate bound to them must carry. */
  readonly identity?: IdentityNumber;
}

/** A certificate bound to a person (`CertificateBound`), by the SHA-256 of its DER. */
export interface CertificateState {
  readonly person: string;
  /** The certificate and its intermediates, base64 DER as the binding stored them. */
  readonly certificate: string;
  readonly chain: readonly string[];
  /** Position of the binding. */
  readonly since: number;
}

/** An act a CA signature may be put on, and who signed it with which role. */
export interface ActState {
  readonly type: CertifiableAct;
  readonly stream: string;
  /** The act's signers: the author, and for a correction the approver and the witness. */
  readonly signers: readonly { readonly key: string; readonly role: string }[];
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

/** A stream's head: its last revision and that event's leaf hash (hex). */
export interface Head {
  readonly rev: number;
  readonly leafHash: string;
}

/**
 * The fold of the ledger; see the module comment. Every question the rules ask of it is one map
 * look-up or a walk bounded by the event being checked, never a scan of what history accumulated
 * (a forged bundle must not buy quadratic replay work).
 */
export interface LedgerState extends WindowIndex, YearFacts {
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
  /** Each person's keys in registration order (the root key first for the founder). */
  readonly personKeys: Lists<string>;
  readonly keys: LayerMap<string, KeyState>;
  /** Each person's grants in order of granting; a revoked grant leaves `null` in its slot. */
  readonly grants: Lists<Grant | null>;
  /** {@link grantKey} → the slot of a grant held now. */
  readonly held: LayerMap<string, number>;
  readonly years: LayerMap<string, AcademicYearDefined>;
  readonly subjects: LayerMap<string, string>;
  /** `<year>/<grade>/<subject>` → offering. */
  readonly offerings: LayerMap<string, SubjectOffered>;
  /** `<year>/<grade>` → subject codes offered, in order of offering. */
  readonly curriculum: Lists<string>;
  /**
   * `<year>/<class>/<term>@<grade>` → how many leading subjects of the grade's curriculum are
   * signed off for that term: a confirmation checks the subjects after it only, so checking every
   * subject costs each sign-off once rather than once per confirmation.
   */
  readonly signedThrough: LayerMap<string, number>;
  /** `<year>/<class>` → grade. */
  readonly classes: LayerMap<string, number>;
  /**
   * Each registered student's biography as the events carry it: in clear (before
   * `PersonalDataFormatAdopted`) or as commitments.
   */
  readonly students: LayerMap<string, StudentFacts>;
  /** `<year>/<student>` → class the student is currently in. */
  readonly enrolment: LayerMap<string, string>;
  /** `<year>/<student>` → the last transfer out. */
  readonly transfers: LayerMap<string, { readonly from: string; readonly to: TransferParty }>;
  /** Every cell entered, by key: compact rows (about 50 bytes per cell; see cell-table.ts). */
  readonly cells: CellMap;
  /**
   * Marks: sign-offs (`signed|confirmed|approved|sealed:<year>/<class>[/<subject>]/<term>`) and the
   * facts of the year the rules ask after ({@link marks}: missed tests, arrivals from another school,
   * individual plans, promotion decisions, recognitions, the sessions-a-day setting).
   * And `certified:<act id>/<key>` for each CA signature on an act.
   */
  readonly marks: LayerMap<string, true>;
  /** Certificates bound to people, by SHA-256 (hex). */
  readonly certificates: LayerMap<string, CertificateState>;
  /** The acts a CA signature may be put on, by event id. */
  readonly acts: LayerMap<string, ActState>;
}

const lists = <V>(): Lists<V> => ({ items: new LayerMap(), lengths: new LayerMap() });
const forkLists = <V>(l: Lists<V>): Lists<V> => ({ items: l.items.fork(), lengths: l.lengths.fork() });

/** The state of an empty ledger. */
export function initialState(): LedgerState {
  return {
    size: 0,
    school: null,
    ledger: null,
    heads: new LayerMap(),
    ids: eventIndexMap(),
    persons: new LayerMap(),
    personKeys: lists(),
    keys: new LayerMap(),
    grants: lists(),
    held: new LayerMap(),
    years: new LayerMap(),
    subjects: new LayerMap(),
    offerings: new LayerMap(),
    curriculum: lists(),
    signedThrough: new LayerMap(),
    classes: new LayerMap(),
    students: new LayerMap(),
    enrolment: new LayerMap(),
    transfers: new LayerMap(),
    windows: new LayerMap(),
    windowPatterns: new LayerMap(),
    windowBuckets: new LayerMap(),
    lockPatterns: new LayerMap(),
    locks: new LayerMap(),
    cells: cellMap(),
    marks: new LayerMap(),
    certificates: new LayerMap(),
    acts: new LayerMap(),
    ...initialYearFacts(),
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
    personKeys: forkLists(s.personKeys),
    keys: s.keys.fork(),
    grants: forkLists(s.grants),
    held: s.held.fork(),
    years: s.years.fork(),
    subjects: s.subjects.fork(),
    offerings: s.offerings.fork(),
    curriculum: forkLists(s.curriculum),
    signedThrough: s.signedThrough.fork(),
    classes: s.classes.fork(),
    students: s.students.fork(),
    enrolment: s.enrolment.fork(),
    transfers: s.transfers.fork(),
    windows: s.windows.fork(),
    windowPatterns: s.windowPatterns.fork(),
    windowBuckets: s.windowBuckets.fork(),
    lockPatterns: s.lockPatterns.fork(),
    locks: s.locks.fork(),
    cells: s.cells.fork(),
    marks: s.marks.fork(),
    certificates: s.certificates.fork(),
    acts: s.acts.fork(),
    ...forkYearFacts(s),
  };
}

/** Sign-off mark keys. */
export const marks = {
  signed: (year: string, cls: string, subject: string, term: string): string =>
    `signed:${year}/${cls}/${subject}/${term}`,
  confirmed: (year: string, cls: string, term: string): string => `confirmed:${year}/${cls}/${term}`,
  approved: (year: string, cls: string, term: string): string => `approved:${year}/${cls}/${term}`,
  sealed: (year: string, cls: string, term: string): string => `sealed:${year}/${cls}/${term}`,
  /** A periodic test missed for an accepted reason: the key of the cell its make-up fills. */
  missed: (cellKey: string): string => `missed:${cellKey}`,
  /** A student enrolled in the class from another school. */
  arrived: (year: string, cls: string, student: string): string => `arrived:${year}/${cls}/${student}`,
  plan: (year: string, student: string): string => `plan:${year}/${student}`,
  promotion: (year: string, student: string): string => `promotion:${year}/${student}`,
  recognised: (year: string, student: string): string => `recognised:${year}/${student}`,
  sessions: (year: string): string => `sessions:${year}`,
  certified: (act: string, key: string): string => `certified:${act}/${key}`,
  /** The ledger writes personal fields as commitments from here on (`PersonalDataFormatAdopted`). */
  pdAdopted: 'pd-format',
  /** Reads of personal data are logged from here on (`AccessLogAdopted`). */
  accessLog: 'access-log',
  /** The student's personal data was erased (`PersonalDataErased`). */
  pdErased: (student: string): string => `pd-erased:${student}`,
};

/**
 * A student's biography as the events carry it: the clear {@link Biography} of a student registered
 * before `PersonalDataFormatAdopted`, or the commitments (`pd`) of one registered after it, with any
 * clear fields of the earlier events that no commitment replaced (`clear`).
 */
export type StudentFacts = Biography | CommittedStudent;

/**
 * The commitments to a student's fields (hex), and the clear fields of earlier events
 * (docs/personal-data.md). It has no clear `name`, `sex`…: reading one gives undefined, as for a
 * field the register left empty.
 */
export type CommittedStudent = {
  readonly pd: Readonly<Record<string, string>>;
  readonly clear?: Readonly<Record<string, string>>;
} & { readonly [K in keyof Biography]?: never };

/** True when some biographical value of the student is signed in clear (it cannot be erased). */
export function hasClearFields(f: StudentFacts): boolean {
  return !('pd' in f) || (f.clear !== undefined && Object.keys(f.clear).length > 0);
}

/** The students whose personal data the ledger erased (`PersonalDataErased`). */
export function erasedInState(s: LedgerState): string[] {
  const out: string[] = [];
  const prefix = marks.pdErased('');
  for (const [k] of s.marks.entries()) if (k.startsWith(prefix)) out.push(k.slice(prefix.length));
  return out;
}

function changedFacts(b: StudentFacts, d: EventData['BiographyChanged']): StudentFacts {
  if ('changes' in d) {
    if (!('pd' in b)) return { ...b, ...d.changes };
    return { pd: without(b.pd, Object.keys(d.changes)), clear: { ...b.clear, ...d.changes } };
  }
  const clear = 'pd' in b ? b.clear : (b as Readonly<Record<string, string>>);
  const pd = 'pd' in b ? b.pd : {};
  const rest = clear === undefined ? {} : without(clear, Object.keys(d.pd));
  return Object.keys(rest).length === 0 ? { pd: { ...pd, ...d.pd } } : { pd: { ...pd, ...d.pd }, clear: rest };
}

function without(r: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/** The key of the TT22 cell a missed periodic test leaves (as `ScoreEntered` writes it, `cells.ts`). */
export const missedCellKey = (stream: string, d: { student: string; term: string; column: string }): string =>
  `${stream}#${d.student}/${d.term}/${d.column}`;

/** The SHA-256 (hex) of a base64 DER certificate, or undefined when it is not base64. */
export function certificateDigest(base64: string): string | undefined {
  const der = fromBase64(base64);
  return der === undefined ? undefined : toHex(sha256(der));
}

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
  if (term === undefined) return ref;
  // A literal, not a spread (see cellOf), with the keys in the order the spread gave them. Only
  // date-based cells (absence, attendance, growth) get here: no subject, never summer.
  return {
    stream: ref.stream,
    year: ref.year,
    class: ref.class,
    student: ref.student,
    key: ref.key,
    column: ref.column,
    date: ref.date,
    mid: ref.mid,
    writer: ref.writer,
    codec: ref.codec,
    windowed: ref.windowed,
    term,
  };
}

/**
 * Fold one stored event into `s` (mutating it; see the module comment). Total: a payload that does
 * not decode changes nothing but the size, the head and the id index (the verifier reports it).
 */
export function evolve(s: LedgerState, env: Envelope, leafHashHex: string): LedgerState {
  const position = s.size;
  s.size = position + 1;
  s.heads.set(env.stream, { rev: env.rev, leafHash: leafHashHex });
  const event = decodeEvent(env.type, env.data);
  if (event === null) {
    s.ids.set(env.id, { position, stream: env.stream, rev: env.rev, type: env.type });
    return s;
  }
  const cellKey = applyEvent(s, env, event, position);
  foldYearFacts(s, event);
  if (isCertifiableAct(event.type))
    s.acts.set(env.id, { type: event.type, stream: env.stream, signers: actSigners(env, event) });
  s.ids.set(
    env.id,
    cellKey === undefined
      ? { position, stream: env.stream, rev: env.rev, type: event.type }
      : { position, stream: env.stream, rev: env.rev, type: event.type, cell: cellKey },
  );
  return s;
}

/** The catalogue's reading of a payload as a {@link LedgerEvent}, or null when it does not decode. */
export function decodeEvent(type: string, data: unknown): LedgerEvent | null {
  if (!isEventType(type)) return null;
  const decoded = decodeData(type, data);
  // The codec of `type` decoded it, so the pair is that member of the union.
  return decoded._tag === 'Left' ? null : ({ type, data: decoded.right } as LedgerEvent);
}

/** Fold one decoded event; returns the key of the cell it wrote, if any. */
function applyEvent(s: LedgerState, env: Envelope, ev: LedgerEvent, position: number): string | undefined {
  if (isCellEvent(ev)) {
    const ref = placeCell(s, cellOf(ev, env.stream));
    const prev = s.cells.get(ref.key);
    s.cells.set(ref.key, {
      ref,
      type: ev.type,
      value: ev.data.value,
      entry: prev?.entry ?? env.id,
      author: env.by.key,
      corrections: prev?.corrections ?? 0,
    });
    return ref.key;
  }
  switch (ev.type) {
    case 'SchoolFounded': {
      const d = ev.data;
      s.school = d;
      s.ledger = env.ledger;
      if (!s.persons.has(d.leader.person)) s.persons.set(d.leader.person, { name: d.leader.name, activeKeys: 0 });
      addKey(s, d.leader.person, d.rootKey, position);
      addGrant(s, d.leader.person, { role: 'leader' });
      return undefined;
    }
    case 'AcademicYearDefined':
      s.years.set(ev.data.year, ev.data);
      return undefined;
    case 'SubjectDefined':
      s.subjects.set(ev.data.subject, ev.data.name);
      return undefined;
    case 'SubjectOffered': {
      const d = ev.data;
      const k = `${d.year}/${d.grade}/${d.subject}`;
      if (!s.offerings.has(k)) listPush(s.curriculum, `${d.year}/${d.grade}`, d.subject);
      s.offerings.set(k, d);
      return undefined;
    }
    case 'StaffRegistered':
      if (!s.persons.has(ev.data.person))
        s.persons.set(ev.data.person, {
          name: ev.data.name,
          activeKeys: 0,
          ...(ev.data.identity === undefined ? {} : { identity: ev.data.identity }),
        });
      return undefined;
    case 'CertificateBound': {
      const digest = certificateDigest(ev.data.certificate);
      if (digest !== undefined && !s.certificates.has(digest) && s.persons.has(ev.data.person))
        s.certificates.set(digest, {
          person: ev.data.person,
          certificate: ev.data.certificate,
          chain: ev.data.chain,
          since: position,
        });
      return undefined;
    }
    case 'ActCertified':
      s.marks.set(marks.certified(ev.data.act, env.by.key), true);
      return undefined;
    case 'KeyRegistered':
      if (s.persons.has(ev.data.person)) addKey(s, ev.data.person, ev.data.key, position);
      return undefined;
    case 'KeyRevoked': {
      const k = s.keys.get(ev.data.key);
      if (k !== undefined && !k.revoked) {
        s.keys.set(ev.data.key, { ...k, revoked: true });
        const p = s.persons.get(k.person);
        if (p !== undefined) s.persons.set(k.person, { ...p, activeKeys: p.activeKeys - 1 });
      }
      return undefined;
    }
    case 'RoleGranted':
      addGrant(s, ev.data.person, grantOf(ev.data));
      return undefined;
    case 'RoleRevoked': {
      const key = grantKey(ev.data.person, grantOf(ev.data));
      const slot = s.held.get(key);
      if (slot !== undefined) {
        listReplace(s.grants, ev.data.person, slot, null);
        s.held.delete(key);
      }
      return undefined;
    }
    case 'ClassOpened':
      s.classes.set(`${ev.data.year}/${ev.data.class}`, ev.data.grade);
      return undefined;
    case 'StudentRegistered':
      s.students.set(ev.data.student, 'bio' in ev.data ? ev.data.bio : { pd: ev.data.pd });
      return undefined;
    case 'BiographyChanged': {
      const b = s.students.get(ev.data.student);
      if (b !== undefined) s.students.set(ev.data.student, changedFacts(b, ev.data));
      return undefined;
    }
    case 'PersonalDataFormatAdopted':
      s.marks.set(marks.pdAdopted, true);
      return undefined;
    case 'PersonalDataErased':
      for (const st of ev.data.students) s.marks.set(marks.pdErased(st), true);
      return undefined;
    case 'AccessLogAdopted':
      s.marks.set(marks.accessLog, true);
      return undefined;
    case 'PersonalDataAccessed':
      return undefined;
    case 'StudentEnrolled':
      s.enrolment.set(`${ev.data.year}/${ev.data.student}`, ev.data.class);
      if (ev.data.from !== undefined && 'school' in ev.data.from)
        s.marks.set(marks.arrived(ev.data.year, ev.data.class, ev.data.student), true);
      return undefined;
    case 'StudentTransferred': {
      const d = ev.data;
      s.enrolment.delete(`${d.year}/${d.student}`);
      s.transfers.set(`${d.year}/${d.student}`, { from: d.class, to: d.to });
      return undefined;
    }
    case 'SubjectSignedOff': {
      const d = ev.data;
      s.marks.set(marks.signed(d.year, d.class, d.subject, d.term), true);
      advanceSignedThrough(s, d.year, d.class, d.term);
      return undefined;
    }
    case 'ClassConfirmed':
      s.marks.set(marks.confirmed(ev.data.year, ev.data.class, ev.data.term), true);
      // Sign-offs of subjects offered after the last one signed are counted here, once.
      advanceSignedThrough(s, ev.data.year, ev.data.class, ev.data.term);
      return undefined;
    case 'ClassApproved':
      s.marks.set(marks.approved(ev.data.year, ev.data.class, ev.data.term), true);
      return undefined;
    case 'BookSealed':
      s.marks.set(marks.sealed(ev.data.year, ev.data.class, ev.data.term), true);
      return undefined;
    case 'WindowOpened': {
      const d = ev.data;
      if (!s.windows.has(d.window)) {
        s.windows.set(d.window, { data: d, closed: false, position });
        indexWindowOpened(s, d.window, d, position);
      }
      return undefined;
    }
    case 'WindowClosed': {
      const w = s.windows.get(ev.data.window);
      if (w !== undefined && !w.closed) {
        s.windows.set(ev.data.window, { ...w, closed: true, closedAt: position });
        indexWindowClosed(s, ev.data.window, w);
      }
      return undefined;
    }
    case 'TestMissed':
      s.marks.set(marks.missed(missedCellKey(env.stream, ev.data)), true);
      return undefined;
    case 'IndividualPlanRecorded':
      s.marks.set(marks.plan(ev.data.year, ev.data.student), true);
      return undefined;
    case 'PromotionDecided':
      s.marks.set(marks.promotion(ev.data.year, ev.data.student), true);
      return undefined;
    case 'RecognitionRecorded':
      s.marks.set(marks.recognised(ev.data.year, ev.data.student), true);
      return undefined;
    case 'SessionsPerDaySet':
      s.marks.set(marks.sessions(ev.data.year), true);
      return undefined;
    case 'ExemptionDecided':
      return undefined;
    case 'CorrectionMade': {
      const target = s.ids.get(ev.data.target);
      const cell = target?.cell === undefined ? undefined : s.cells.get(target.cell);
      if (cell === undefined || target?.cell === undefined) return undefined;
      s.cells.set(target.cell, {
        ...cell,
        value: ev.data.new,
        author: env.by.key,
        corrections: cell.corrections + 1,
      });
      return target.cell;
    }
    default:
      return unreachable(ev);
  }
}

/** Who signed an act in which role: the author, and a correction's approver and witness. */
function actSigners(env: Envelope, ev: LedgerEvent): ActState['signers'] {
  const author = { key: env.by.key, role: env.by.role };
  if (ev.type !== 'CorrectionMade') return [author];
  return [author, { key: ev.data.approver, role: 'leader' }, { key: ev.data.witness, role: 'admin' }];
}

/** The compiler's proof that a switch over event types left none out. */
function unreachable(ev: never): never {
  throw new Error(`internal: event type ${(ev as { type: string }).type} has no fold`);
}

function addKey(s: LedgerState, person: string, key: string, position: number): void {
  if (s.keys.has(key)) return;
  s.keys.set(key, { person, revoked: false, since: position });
  listPush(s.personKeys, person, key);
  const p = s.persons.get(person);
  if (p !== undefined) s.persons.set(person, { ...p, activeKeys: p.activeKeys + 1 });
}

function addGrant(s: LedgerState, person: string, g: Grant): void {
  const key = grantKey(person, g);
  if (s.held.has(key)) return;
  s.held.set(key, listPush(s.grants, person, g));
}

/** The key of `s.signedThrough` for a class's term (at the class's grade), or null for a class not open. */
function throughKey(s: LedgerState, year: string, cls: string, term: string): { key: string; grade: number } | null {
  const grade = s.classes.get(`${year}/${cls}`);
  return grade === undefined ? null : { key: `${year}/${cls}/${term}@${grade}`, grade };
}

/** Move the class's cursor past every leading curriculum subject now signed off for `term`. */
function advanceSignedThrough(s: LedgerState, year: string, cls: string, term: string): void {
  const k = throughKey(s, year, cls, term);
  if (k === null) return;
  const from = s.signedThrough.get(k.key) ?? 0;
  const to = firstUnsigned(s, year, cls, term, k.grade, from);
  if (to !== from) s.signedThrough.set(k.key, to);
}

/** The first curriculum slot at or after `from` whose subject is not signed off for `term`. */
function firstUnsigned(s: LedgerState, year: string, cls: string, term: string, grade: number, from: number): number {
  const owner = `${year}/${grade}`;
  const n = listLength(s.curriculum, owner);
  let i = from;
  while (i < n && s.marks.has(marks.signed(year, cls, listItem(s.curriculum, owner, i) ?? '', term))) i++;
  return i;
}

/**
 * The subjects of the class's grade not signed off for `term` (at most `limit`, in order of
 * offering), and whether there are more. Costs the subjects after the class's cursor up to the
 * `limit`-th missing one.
 */
export function unsignedSubjects(
  s: LedgerState,
  year: string,
  cls: string,
  term: string,
  limit: number,
): { readonly missing: readonly string[]; readonly more: boolean } {
  const k = throughKey(s, year, cls, term);
  if (k === null) return { missing: [], more: false };
  const owner = `${year}/${k.grade}`;
  const n = listLength(s.curriculum, owner);
  const missing: string[] = [];
  for (let i = s.signedThrough.get(k.key) ?? 0; i < n; i++) {
    const subject = listItem(s.curriculum, owner, i) ?? '';
    if (s.marks.has(marks.signed(year, cls, subject, term))) continue;
    if (missing.length === limit) return { missing, more: true };
    missing.push(subject);
  }
  return { missing, more: false };
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

/** The key of `s.held` for `person` holding `g` (no identifier contains `|`). */
export function grantKey(person: string, g: Grant): string {
  return `${person}|${g.role}|${g.year ?? ''}|${g.class ?? ''}|${g.subject ?? ''}`;
}

/** True when `person` holds `role` with exactly the given scope. */
export function holds(s: LedgerState, person: string, want: Grant): boolean {
  return s.held.has(grantKey(person, want));
}

/** The roles `person` holds now, in order of granting. */
export function grantsOf(s: LedgerState, person: string): Grant[] {
  return listValues(s.grants, person).filter((g): g is Grant => g !== null);
}

/** Every key registered to `person` (revoked or not), in registration order. */
export function keysOf(s: LedgerState, person: string): string[] {
  return listValues(s.personKeys, person);
}

/**
 * A person's current keys: registered to them (or their root key at genesis) and not revoked, in
 * registration order. Empty for an unknown person or one whose keys are all revoked (QC Điều 7.1:
 * each key is one person's; a person may hold a new key after losing one).
 */
export function activeKeysOf(s: LedgerState, person: string): string[] {
  return keysOf(s, person).filter((k) => {
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
