/**
 * Folding one stored event into the {@link Records}. Events are decoded with core's envelope codec
 * and the ledger's payload codecs; an event that does not decode is listed in `problems` and
 * otherwise ignored (refusing it is the verifier's business, not a book's). Event types this
 * version does not know are skipped silently, so newer ledgers stay readable.
 */
import { validateEnvelope, type Envelope } from '@hoso/core';
import {
  EVENT_CODECS,
  isCellEvent,
  isEventType,
  type CellEventType,
  type EventData,
  type LedgerEvent,
  type SignPeriod,
} from '@hoso/ledger';
import type { EventBytes, StoredEvent } from '@hoso/store';
import type { LeanProjection } from '../runner/projection.js';
import {
  classKey,
  emptyRecords,
  studentYearKey,
  type Actor,
  type Cell,
  type CellVersion,
  type ClassSignoffs,
  type Records,
  type ShownBiography,
} from './state.js';
import { upcastBiography } from './personal.js';

/** Where a cell sits: everything of a {@link Cell} but its type, stream, value and history. */
export type CellPlace = Omit<Cell, 'value' | 'history' | 'type' | 'stream'>;

/** Where a cell-writing event writes, in the ledger's key format (`cells.ts` of @hoso/ledger). */
export function cellPlace(type: CellEventType, data: EventData[CellEventType], stream: string): CellPlace {
  const {
    type: _t,
    stream: _s,
    value: _v,
    history: _h,
    ...place
  } = buildCell(type, data, stream, (text) => text, '', []);
  return place;
}

/**
 * The new cell an event writes, built as one plain literal per event type (no spreads, no fields
 * added afterwards: a field added later would give each of ~200,000 cells a second, out-of-object
 * property store). The stream, student and subject stored are `share`d copies.
 */
function buildCell(
  type: CellEventType,
  data: EventData[CellEventType],
  eventStream: string,
  share: (text: string) => string,
  value: string,
  history: CellVersion[],
): Cell {
  const prefix = eventStream + '#' + data.student + '/';
  const stream = share(eventStream);
  const student = share(data.student);
  switch (type) {
    case 'ScoreEntered':
    case 'CommentLevelEntered': {
      const d = data as EventData['ScoreEntered'];
      const key = prefix + d.term + '/' + d.column + (d.index ?? '');
      return d.index === undefined
        ? {
            key,
            type,
            stream,
            year: d.year,
            class: d.class,
            student,
            subject: share(d.subject),
            term: d.term,
            column: d.column,
            value,
            history,
          }
        : {
            key,
            type,
            stream,
            year: d.year,
            class: d.class,
            student,
            subject: share(d.subject),
            term: d.term,
            column: d.column,
            index: d.index,
            value,
            history,
          };
    }
    case 'SubjectLevelEntered':
    case 'TestScoreEntered': {
      const d = data as EventData['SubjectLevelEntered'];
      const column = type === 'SubjectLevelEntered' ? 'level' : 'test';
      return {
        key: prefix + d.period + '/' + column,
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        subject: share(d.subject),
        period: d.period,
        column,
        value,
        history,
      };
    }
    case 'ConductAssessed': {
      const d = data as EventData['ConductAssessed'];
      return {
        key: prefix + d.term + '/conduct',
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        term: d.term,
        column: 'conduct',
        value,
        history,
      };
    }
    case 'QualityAssessed': {
      const d = data as EventData['QualityAssessed'];
      return {
        key: prefix + d.period + '/' + d.aspect,
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        period: d.period,
        column: d.aspect,
        value,
        history,
      };
    }
    case 'AbsenceRecorded': {
      const d = data as EventData['AbsenceRecorded'];
      return {
        key: prefix + d.date + '/' + d.session,
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        date: d.date,
        session: d.session,
        column: 'absence',
        value,
        history,
      };
    }
    case 'AttendanceRecorded': {
      const d = data as EventData['AttendanceRecorded'];
      return {
        key: prefix + d.date + '/attendance',
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        date: d.date,
        column: 'attendance',
        value,
        history,
      };
    }
    case 'GrowthMeasured': {
      const d = data as EventData['GrowthMeasured'];
      return {
        key: prefix + d.date + '/' + d.measure,
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        date: d.date,
        column: d.measure,
        value,
        history,
      };
    }
    case 'RetestScoreEntered':
    case 'RetestCommentLevelEntered': {
      const d = data as EventData['RetestScoreEntered'];
      return {
        key: prefix + 'retest',
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        subject: share(d.subject),
        date: d.date,
        column: 'retest',
        value,
        history,
      };
    }
    case 'ConductReevaluated': {
      const d = data as EventData['ConductReevaluated'];
      return {
        key: prefix + 'reevaluation',
        type,
        stream,
        year: d.year,
        class: d.class,
        student,
        date: d.date,
        column: 'reevaluation',
        value,
        history,
      };
    }
  }
}

/**
 * What the fold shares between the values it stores, per records object: the {@link Actor}s
 * (thousands of versions per teacher) and the strings that repeat on every cell of a stream or
 * class (stream names, dates, reasons and remarks). `JSON.parse` gives every event its own copy of
 * these; keeping one copy each is most of the difference between a school year fitting in memory
 * or not. Held outside the state (a checkpoint need not carry it): a records object restored from
 * a checkpoint simply starts a new table.
 */
interface Shared {
  readonly actors: Map<string, Actor>;
  readonly strings: Map<string, string>;
  /** {@link intern} into this table. */
  readonly share: (text: string) => string;
}
const sharedOf = new WeakMap<Records, Shared>();

function shared(r: Records): Shared {
  let s = sharedOf.get(r);
  if (s === undefined) {
    const strings = new Map<string, string>();
    s = { actors: new Map(), strings, share: (text) => intern(strings, text) };
    sharedOf.set(r, s);
  }
  return s;
}

/** The one copy of `text` a table keeps. */
function intern(strings: Map<string, string>, text: string): string {
  const s = strings.get(text);
  if (s !== undefined) return s;
  strings.set(text, text);
  return text;
}

function actor(r: Records, key: string, role: string): Actor {
  const person = r.keys[key] ?? null;
  const name = person === null ? null : (r.people[person] ?? null);
  const cache = shared(r).actors;
  const id = `${key}|${role}|${person ?? ''}|${name ?? ''}`;
  let a = cache.get(id);
  if (a === undefined) cache.set(id, (a = { key, role, person, name }));
  return a;
}

/**
 * The cell an event wrote, found among its stream's cells (a correction must be in the target's
 * stream): newest cell first, as corrections mostly follow their entries closely. A stream holds
 * one class's cells of one book, so this stays a short scan, and the records keep no index from
 * every event id to its cell.
 */
function cellWrittenBy(r: Records, stream: string, eventId: string): Cell | undefined {
  const keys = r.streamCells[stream];
  if (keys === undefined) return undefined;
  for (let i = keys.length - 1; i >= 0; i--) {
    const cell = r.cells[keys[i]!];
    if (cell === undefined) continue;
    for (const v of cell.history) if (v.eventId === eventId) return cell;
  }
  return undefined;
}

function signoffs(r: Records, year: string, cls: string): ClassSignoffs {
  const k = classKey(year, cls);
  let s = r.signoffs[k];
  if (s === undefined) {
    s = { subjects: {}, confirmed: {}, approved: {}, sealed: {} };
    r.signoffs[k] = s;
  }
  return s;
}

/** Fold one decoded event. Mutates and returns `r` (the runner owns the accumulator). */
function fold(r: Records, env: Envelope, ev: LedgerEvent, position: number): void {
  const by = actor(r, env.by.key, env.by.role);
  const step = { by, at: env.at, position };
  switch (ev.type) {
    case 'SchoolFounded': {
      const d = ev.data;
      r.school = {
        id: d.school,
        name: d.name,
        levels: d.levels,
        ...(d.province !== undefined ? { province: d.province } : {}),
      };
      r.people[d.leader.person] = d.leader.name;
      r.keys[d.rootKey] = d.leader.person;
      r.roles.push({ person: d.leader.person, role: 'leader', grantedAt: position, revokedAt: null });
      return;
    }
    case 'AcademicYearDefined':
      r.years[ev.data.year] = ev.data.terms;
      return;
    case 'SubjectDefined':
      r.subjects[ev.data.subject] = ev.data.name;
      return;
    case 'SubjectOffered': {
      const d = ev.data;
      const k = `${d.year}/${d.grade}`;
      const offers = (r.offerings[k] ??= {});
      offers[d.subject] = {
        subject: d.subject,
        periodsPerYear: d.periodsPerYear,
        assessment: d.assessment,
        ...(d.midTermTests !== undefined ? { midTermTests: d.midTermTests } : {}),
      };
      return;
    }
    case 'StaffRegistered':
      r.people[ev.data.person] = ev.data.name;
      return;
    case 'CertificateBound':
    case 'ActCertified':
      // CA-backed signatures change no book: the verifier reports them.
      return;
    case 'KeyRegistered':
      r.keys[ev.data.key] = ev.data.person;
      return;
    case 'KeyRevoked':
      // A revoked key still names who signed earlier events; nothing in the books changes.
      return;
    case 'RoleGranted': {
      const d = ev.data;
      r.roles.push({ ...d, grantedAt: position, revokedAt: null });
      return;
    }
    case 'RoleRevoked': {
      const d = ev.data;
      const g = r.roles.find(
        (x) =>
          x.revokedAt === null &&
          x.person === d.person &&
          x.role === d.role &&
          x.year === d.year &&
          x.class === d.class &&
          x.subject === d.subject,
      );
      if (g !== undefined) g.revokedAt = position;
      return;
    }
    case 'ClassOpened': {
      const d = ev.data;
      r.classes[classKey(d.year, d.class)] = {
        year: d.year,
        class: d.class,
        grade: d.grade,
        ...(d.name !== undefined ? { name: d.name } : {}),
        roster: [],
      };
      return;
    }
    case 'StudentEnrolled': {
      const d = ev.data;
      const c = r.classes[classKey(d.year, d.class)];
      if (c === undefined) {
        r.problems.push({
          position,
          code: 'unknown-class',
          message: `enrolment in class ${d.year}/${d.class}, which was never opened`,
        });
        return;
      }
      c.roster.push({ student: d.student, enrolled: d.date, ...(d.from !== undefined ? { from: d.from } : {}) });
      const s = r.students[d.student];
      if (s !== undefined && !s.classes.includes(classKey(d.year, d.class))) s.classes.push(classKey(d.year, d.class));
      if (d.from !== undefined) {
        r.transfers.push({
          position,
          direction: 'in',
          year: d.year,
          class: d.class,
          student: d.student,
          date: d.date,
          party: d.from,
        });
      }
      return;
    }
    case 'StudentTransferred': {
      const d = ev.data;
      const c = r.classes[classKey(d.year, d.class)];
      const entry = c?.roster.filter((e) => e.student === d.student && e.left === undefined).at(-1);
      if (entry !== undefined)
        entry.left = {
          date: d.date,
          to: d.to,
          reason: d.reason,
          ...(d.transcript === undefined ? {} : { transcript: d.transcript }),
        };
      r.transfers.push({
        position,
        direction: 'out',
        year: d.year,
        class: d.class,
        student: d.student,
        date: d.date,
        party: d.to,
        reason: d.reason,
      });
      return;
    }
    case 'StudentRegistered': {
      const d = ev.data;
      const enrolledIn = Object.values(r.classes)
        .filter((c) => c.roster.some((e) => e.student === d.student))
        .map((c) => classKey(c.year, c.class));
      const shown = upcastBiography(d);
      r.students[d.student] = {
        student: d.student,
        bio: shown.bio as ShownBiography,
        ...(shown.pd === undefined ? {} : { pd: shown.pd }),
        registered: { year: d.year, class: d.class, position, at: env.at },
        changes: [],
        classes: enrolledIn,
      };
      return;
    }
    case 'BiographyChanged': {
      const d = ev.data;
      const s = r.students[d.student];
      if (s === undefined) {
        r.problems.push({
          position,
          code: 'unknown-student',
          message: `biography change for ${d.student}, who was never registered`,
        });
        return;
      }
      const shown = upcastBiography(d);
      const fields = Object.keys(shown.bio);
      const previous: Record<string, string> = {};
      const previousPd: Record<string, string> = {};
      for (const k of fields) {
        const old = (s.bio as Record<string, string | undefined>)[k];
        if (old !== undefined) previous[k] = old;
        const oldPd = s.pd?.[k];
        if (oldPd !== undefined) previousPd[k] = oldPd;
      }
      s.changes.push({
        position,
        at: env.at,
        by,
        changes: shown.bio,
        previous: previous,
        reason: d.reason,
        ...(shown.pd === undefined ? {} : { pd: shown.pd }),
        ...(Object.keys(previousPd).length === 0 ? {} : { previousPd }),
      });
      s.bio = { ...s.bio, ...shown.bio };
      const pd = { ...s.pd, ...shown.pd };
      // A field changed in clear is no longer the committed one.
      if (shown.pd === undefined) for (const k of fields) delete pd[k];
      if (Object.keys(pd).length > 0) s.pd = pd;
      else delete s.pd;
      return;
    }
    case 'PersonalDataFormatAdopted':
      return;
    case 'PersonalDataErased':
      for (const st of ev.data.students) {
        const s = r.students[st];
        if (s !== undefined) s.erased = true;
      }
      return;
    case 'SubjectSignedOff':
      signoffs(r, ev.data.year, ev.data.class).subjects[ev.data.subject] = {
        ...signoffs(r, ev.data.year, ev.data.class).subjects[ev.data.subject],
        [ev.data.term]: step,
      };
      return;
    case 'ClassConfirmed':
      setStep(signoffs(r, ev.data.year, ev.data.class).confirmed, ev.data.term, step);
      return;
    case 'ClassApproved':
      setStep(signoffs(r, ev.data.year, ev.data.class).approved, ev.data.term, step);
      return;
    case 'BookSealed':
      setStep(signoffs(r, ev.data.year, ev.data.class).sealed, ev.data.term, step);
      return;
    case 'WindowOpened': {
      const d = ev.data;
      r.windows[d.window] = {
        window: d.window,
        year: d.year,
        period: d.period,
        scope: d.scope,
        ...(d.opens !== undefined ? { opens: d.opens } : {}),
        ...(d.closes !== undefined ? { closes: d.closes } : {}),
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
        openedAt: position,
        closedAt: null,
      };
      return;
    }
    case 'WindowClosed': {
      const w = r.windows[ev.data.window];
      if (w !== undefined) w.closedAt = position;
      return;
    }
    case 'TestMissed': {
      const d = ev.data;
      const cell = `${env.stream}#${d.student}/${d.term}/${d.column}`;
      r.missedTests[cell] = { cell, reason: d.reason, position, by };
      return;
    }
    case 'ExemptionDecided': {
      const d = ev.data;
      r.exemptions.push({
        year: d.year,
        student: d.student,
        subject: d.subject,
        period: d.period,
        scope: d.scope,
        decision: d.decision,
        reason: d.reason,
        position,
        by,
      });
      return;
    }
    case 'IndividualPlanRecorded': {
      const d = ev.data;
      r.plans[studentYearKey(d.year, d.student)] = {
        year: d.year,
        student: d.student,
        mode: d.mode,
        plan: d.plan,
        planSubjects: d.planSubjects,
        position,
        by,
      };
      return;
    }
    case 'PromotionDecided': {
      const d = ev.data;
      r.decisions[studentYearKey(d.year, d.student)] = {
        year: d.year,
        class: d.class,
        student: d.student,
        decision: d.decision,
        document: d.document,
        position,
        by,
      };
      return;
    }
    case 'RecognitionRecorded': {
      const d = ev.data;
      r.recognitions[`${d.year}/${d.class}/${d.student}`] = {
        year: d.year,
        class: d.class,
        student: d.student,
        basis: d.basis,
        ...(d.minutes === undefined ? {} : { minutes: d.minutes }),
        position,
        by,
      };
      return;
    }
    case 'SessionsPerDaySet':
      r.settings[ev.data.year] = { sessionsPerDay: ev.data.sessionsPerDay, position };
      return;
    case 'CorrectionMade': {
      const d = ev.data;
      const cell = cellWrittenBy(r, env.stream, d.target);
      if (cell === undefined) {
        r.problems.push({
          position,
          code: 'unknown-correction-target',
          message: `correction of ${d.target}, which wrote no cell in ${env.stream}`,
        });
        return;
      }
      const sigRole = (k: string) => env.sigs.find((s) => s.key === k)?.role ?? '';
      cell.history.push({
        value: d.new,
        eventId: env.id,
        position,
        at: env.at,
        by,
        correction: {
          target: d.target,
          old: d.old,
          oldMatches: d.old === cell.value,
          reason: d.reason,
          minutes: d.minutes,
          requester: actor(r, d.requester, sigRole(d.requester)),
          approver: actor(r, d.approver, sigRole(d.approver)),
          witness: actor(r, d.witness, sigRole(d.witness)),
        },
      });
      cell.value = d.new;
      return;
    }
    default: {
      if (!isCellEvent(ev)) return;
      const data = ev.data;
      const sh = shared(r);
      const version: { -readonly [K in keyof CellVersion]: CellVersion[K] } = {
        value: sh.share(data.value),
        eventId: env.id,
        position,
        at: env.at,
        by,
      };
      // Text written with the entry: kept on its version, so a remark keeps its author and time and
      // a later correction (which changes the value only) leaves it where it was written.
      const text = data as { comment?: string; reason?: string } & Partial<
        Pick<EventData['ScoreEntered'], 'makeUp' | 'source'>
      >;
      if (text.comment !== undefined) version.comment = sh.share(text.comment);
      if (text.reason !== undefined) version.reason = sh.share(text.reason);
      if (text.makeUp !== undefined) version.makeUp = { taken: text.makeUp.taken };
      if (text.source !== undefined) version.source = text.source;
      const cell = buildCell(ev.type, data, env.stream, sh.share, version.value, [version]);
      const existing = r.cells[cell.key];
      if (existing === undefined) {
        r.cells[cell.key] = cell;
        (r.streamCells[cell.stream] ??= []).push(cell.key);
      } else {
        // A second entry of the same cell (allowed only while the author may still amend freely).
        existing.history.push(version);
        existing.value = version.value;
      }
    }
  }
}

function setStep(
  m: Partial<Record<SignPeriod, ClassSignoffs['confirmed'][SignPeriod]>>,
  p: SignPeriod,
  s: ClassSignoffs['confirmed'][SignPeriod],
): void {
  m[p] = s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parse and validate the envelope. The store accepted only canonical envelopes, so the books skip
 * core's canonical re-encoding check (the verifier's job) and pay for JSON.parse and the shape check.
 */
function envelopeOf(bytes: Uint8Array): { ok: true; env: Envelope } | { ok: false; code: string; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch (e) {
    return { ok: false, code: 'invalid-json', message: e instanceof Error ? e.message : String(e) };
  }
  const v = validateEnvelope(value);
  return v._tag === 'Left' ? { ok: false, code: v.left.code, message: v.left.message } : { ok: true, env: v.right };
}

/** Fold one stored event into `r` (mutating it) and return it. */
export function applyToRecords(r: Records, e: EventBytes): Records {
  r.applied = e.position + 1;
  const env = envelopeOf(e.bytes);
  if (!env.ok) {
    r.problems.push({ position: e.position, code: env.code, message: env.message });
    return r;
  }
  const type = env.env.type;
  if (!isEventType(type)) return r;
  const data = EVENT_CODECS[type].decode(env.env.data);
  if (data._tag === 'Left') {
    r.problems.push({
      position: e.position,
      code: 'invalid-payload',
      message: `the ${type} payload does not match the event catalogue`,
    });
    return r;
  }
  fold(r, env.env, { type, data: data.right } as LedgerEvent, e.position);
  return r;
}

/** Version of the records fold; bump when `applyToRecords` changes meaning (the runner rebuilds). */
export const RECORDS_VERSION = 6;

/** The records as a projection for {@link runProjection}: every book is a view of its state. */
export const recordsProjection: LeanProjection<Records> = {
  kind: 'lean',
  name: 'hoso.records',
  version: RECORDS_VERSION,
  init: emptyRecords,
  apply: applyToRecords,
};

/** Fold a whole list of events (tests, small ledgers). */
export function foldRecords(events: Iterable<StoredEvent>): Records {
  let r = emptyRecords();
  for (const e of events) r = applyToRecords(r, e);
  return r;
}
