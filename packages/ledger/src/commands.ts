/**
 * Commands: what a user asks the ledger to do. A command is `{ type, id?, data }`; `id` is a UUID
 * v7 chosen by the caller (the idempotency key: the same id never appends twice), `data` the
 * payload. Most commands write one event whose payload is `data`; `EnrollStudent` may write two
 * (register and enrol), `EnterScores`/`EnterCommentLevels` one per entry of a column,
 * `Correct` takes its three keys from the signers and `RegisterKey` its consent.
 */
import * as t from 'io-ts';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { ledgerError, type LedgerError } from './errors.js';
import {
  CalendarDate,
  CellText,
  ClassCode,
  closed,
  intRange,
  lines,
  Minutes,
  PersonId,
  SchoolYear,
  SubjectCode,
  Term,
  Uuid,
} from './codecs.js';
import { CommentLevel, Score10 } from './values.js';
import * as E from './events.js';
import type { EventType, LedgerEvent } from './events.js';
import type { SignerView } from './views.js';
import { CONSENT_ROLE } from './roles.js';
import { normaliseText } from './text.js';
import { ioErrors } from './decode.js';

/** `EnrollStudent` data: put a student on a class list; `bio` registers a new student first. */
export const EnrollStudentData = closed(
  'EnrollStudent',
  { year: SchoolYear, class: ClassCode, student: PersonId, date: CalendarDate },
  { bio: E.Biography, from: E.TransferParty },
);
/** The value type of {@link EnrollStudentData}. */
export type EnrollStudentData = t.TypeOf<typeof EnrollStudentData>;

/** `Correct` data: the three signers' keys are taken from the signers (requester, leader, admin). */
export const CorrectData = closed('Correct', {
  target: Uuid,
  old: CellText,
  new: CellText,
  reason: lines(1000),
  minutes: Minutes,
});
/** The value type of {@link CorrectData}. */
export type CorrectData = t.TypeOf<typeof CorrectData>;

/** Most entries in one column command: a class list, with room to spare (classes of at most 45 pupils). */
export const MAX_BATCH_ENTRIES = 60;

/**
 * The `entries` of a column command: 1–{@link MAX_BATCH_ENTRIES} `{student, value}`, no student
 * twice. Errors name the entry (`entries.7.value`, `entries.3.student`).
 */
function entryList<V extends t.Mixed>(name: string, value: V) {
  const entry = closed(`${name}Entry`, { student: PersonId, value });
  const list = t.array(entry);
  type Entries = t.TypeOf<typeof list>;
  return new t.Type<Entries, unknown, unknown>(
    `${name}Entries`,
    (u): u is Entries =>
      list.is(u) &&
      u.length >= 1 &&
      u.length <= MAX_BATCH_ENTRIES &&
      new Set(u.map((e) => e.student)).size === u.length,
    (u, c) => {
      // Report under the array codec, so error paths carry the entry index as a number.
      const last = c[c.length - 1];
      const ac: t.Context = last === undefined ? c : [...c.slice(0, -1), { ...last, type: list }];
      const r = list.validate(u, ac);
      if (r._tag === 'Left') return r;
      if (r.right.length < 1 || r.right.length > MAX_BATCH_ENTRIES) {
        return t.failure(
          u,
          c,
          `entries: from 1 to ${MAX_BATCH_ENTRIES} students in one command (got ${r.right.length})`,
        );
      }
      const seen = new Map<string, number>();
      for (const [i, e] of r.right.entries()) {
        const first = seen.get(e.student);
        if (first !== undefined) {
          const ctx = t.appendContext(t.appendContext(ac, String(i), entry, e), 'student', PersonId, e.student);
          return t.failure(
            e.student,
            ctx,
            `student "${e.student}" appears twice (entries ${first} and ${i}): one value per cell`,
          );
        }
        seen.set(e.student, i);
      }
      return t.success(r.right);
    },
    t.identity,
  );
}

/**
 * `EnterScores` data: a teacher's whole column of a `scored` subject in one command (*nhập điểm
 * theo cột*), e.g. the 45 mid-term scores of a class: one `ScoreEntered` per entry, all appended
 * atomically, each checked exactly as if entered alone.
 */
export const EnterScoresData = closed(
  'EnterScores',
  {
    year: SchoolYear,
    class: ClassCode,
    subject: SubjectCode,
    term: Term,
    column: E.Column,
    entries: entryList('Score', Score10),
  },
  { index: intRange('RegularIndex', 1, 4) },
);
/** The value type of {@link EnterScoresData}. */
export type EnterScoresData = t.TypeOf<typeof EnterScoresData>;

/** `EnterCommentLevels` data: a column of a `comment` subject (Đ/CĐ); as {@link EnterScoresData}. */
export const EnterCommentLevelsData = closed(
  'EnterCommentLevels',
  {
    year: SchoolYear,
    class: ClassCode,
    subject: SubjectCode,
    term: Term,
    column: E.Column,
    entries: entryList('CommentLevel', CommentLevel),
  },
  { index: intRange('RegularIndex', 1, 4) },
);
/** The value type of {@link EnterCommentLevelsData}. */
export type EnterCommentLevelsData = t.TypeOf<typeof EnterCommentLevelsData>;

/** One command type: its payload codec and the event type(s) it writes. */
interface CommandSpec {
  readonly data: t.Type<unknown, unknown, unknown>;
  /** The event types it may write, in order. */
  readonly writes: readonly EventType[];
}

const one = (type: EventType): CommandSpec => ({
  data: E.EVENT_CODECS[type] as t.Type<unknown, unknown, unknown>,
  writes: [type],
});

/** Every command, its payload codec and the events it writes. */
export const COMMANDS = {
  FoundSchool: one('SchoolFounded'),
  DefineYear: one('AcademicYearDefined'),
  DefineSubject: one('SubjectDefined'),
  OfferSubject: one('SubjectOffered'),
  OpenClass: one('ClassOpened'),
  RegisterStaff: one('StaffRegistered'),
  BindCertificate: one('CertificateBound'),
  RegisterKey: one('KeyRegistered'),
  RevokeKey: one('KeyRevoked'),
  GrantRole: one('RoleGranted'),
  RevokeRole: one('RoleRevoked'),
  EnrollStudent: {
    data: EnrollStudentData as t.Type<unknown, unknown, unknown>,
    writes: ['StudentRegistered', 'StudentEnrolled'],
  },
  TransferStudent: one('StudentTransferred'),
  // In clear: a ledger that adopted the personal-data format commits the fields itself (docs/personal-data.md).
  ChangeBiography: { data: E.BiographyChangedClear as t.Type<unknown, unknown, unknown>, writes: ['BiographyChanged'] },
  RecordAbsence: one('AbsenceRecorded'),
  AssessConduct: one('ConductAssessed'),
  AssessQuality: one('QualityAssessed'),
  RecordAttendance: one('AttendanceRecorded'),
  RecordGrowth: one('GrowthMeasured'),
  EnterScore: one('ScoreEntered'),
  EnterCommentLevel: one('CommentLevelEntered'),
  EnterSubjectLevel: one('SubjectLevelEntered'),
  EnterTestScore: one('TestScoreEntered'),
  EnterScores: { data: EnterScoresData as t.Type<unknown, unknown, unknown>, writes: ['ScoreEntered'] },
  EnterCommentLevels: {
    data: EnterCommentLevelsData as t.Type<unknown, unknown, unknown>,
    writes: ['CommentLevelEntered'],
  },
  EnterRetestScore: one('RetestScoreEntered'),
  EnterRetestCommentLevel: one('RetestCommentLevelEntered'),
  ReevaluateConduct: one('ConductReevaluated'),
  OpenWindow: one('WindowOpened'),
  CloseWindow: one('WindowClosed'),
  SignOffSubject: one('SubjectSignedOff'),
  ConfirmClass: one('ClassConfirmed'),
  ApproveClass: one('ClassApproved'),
  SealBook: one('BookSealed'),
  Correct: { data: CorrectData as t.Type<unknown, unknown, unknown>, writes: ['CorrectionMade'] },
  RecordMissedTest: one('TestMissed'),
  DecideExemption: one('ExemptionDecided'),
  RecordIndividualPlan: one('IndividualPlanRecorded'),
  DecidePromotion: one('PromotionDecided'),
  RecordRecognition: one('RecognitionRecorded'),
  SetSessionsPerDay: one('SessionsPerDaySet'),
  CertifyAct: one('ActCertified'),
  AdoptPersonalDataFormat: one('PersonalDataFormatAdopted'),
  ErasePersonalData: one('PersonalDataErased'),
  AdoptAccessLog: one('AccessLogAdopted'),
  RecordPersonalDataAccess: one('PersonalDataAccessed'),
} as const satisfies Record<string, CommandSpec>;

/** Column commands: one event per entry of `data.entries`; a refusal of event i names `entries[i]`. */
export const BATCH_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>(['EnterScores', 'EnterCommentLevels']);

/** A command type name. */
export type CommandType = keyof typeof COMMANDS;

/** All command type names. */
export const COMMAND_TYPES = Object.keys(COMMANDS) as CommandType[];

/** A decoded command. */
export interface Command {
  readonly type: CommandType;
  /** Idempotency key (UUID v7); absent: a fresh one is drawn, so the command is not idempotent. */
  readonly id?: string;
  readonly data: unknown;
}

/** A UUID v7 (version nibble 7, RFC 9562 variant). */
export const UuidV7 = t.refinement(Uuid, (s) => s[14] === '7' && '89ab'.includes(s[19] ?? ''), 'UuidV7');

const CommandShape = closed(
  'Command',
  {
    type: t.keyof(Object.fromEntries(COMMAND_TYPES.map((k) => [k, null])) as Record<CommandType, null>, 'CommandType'),
    data: t.unknown,
  },
  { id: UuidV7 },
);

/**
 * Decode a command; errors name the field (`type`, `id`, `data.<...>`) and the rule. Its text is
 * NFC-normalised first (one form of Vietnamese text, docs/events.md#text): a command is not signed
 * yet, so "Nguyễn" typed decomposed is written precomposed rather than refused.
 */
export function decodeCommand(u: unknown): Either<LedgerError, Command> {
  const shape = CommandShape.decode(normaliseText(u));
  if (shape._tag === 'Left') {
    const [first] = ioErrors(shape.left, [], 'invalid-command');
    return left(first ?? ledgerError('invalid-command', 'not a command', { path: [] }));
  }
  const cmd = shape.right;
  const data = COMMANDS[cmd.type].data.decode(cmd.data);
  if (data._tag === 'Left') {
    const [first] = ioErrors(data.left, ['data']);
    return left(first ?? ledgerError('invalid-data', 'invalid payload', { path: ['data'] }));
  }
  return right(
    cmd.id === undefined ? { type: cmd.type, data: data.right } : { type: cmd.type, id: cmd.id, data: data.right },
  );
}

/** Whose key a public key is, as far as the caller knows (the ledger state's key registry). */
export type KeyOwnerOf = (key: string) => string | undefined;

/**
 * The consent a `RegisterKey` names when its data does not: a co-signer in role `consent` (one of
 * the person's own keys); else the author's own key when it is the person's (an administrator
 * registering a key of her own); else a co-signer in role `leader` (a first key); else the
 * author's signature as a leader's — which the rules accept only when the author is a leader, and
 * otherwise refuse saying whose consent is missing.
 */
function consentOf(actors: readonly SignerView[], person: string, ownerOf: KeyOwnerOf): E.KeyConsent {
  const own = actors.slice(1).find((a) => a.role === CONSENT_ROLE);
  if (own !== undefined) return { by: 'key', key: own.key };
  const author = actors[0]?.key ?? '';
  if (ownerOf(author) === person) return { by: 'key', key: author };
  const leader = actors.slice(1).find((a) => a.role === 'leader');
  return { by: 'leader', key: leader?.key ?? author };
}

/**
 * The events a decoded command asks for, before any rule is checked. `actors` are the signers
 * (first = author); `Correct` reads the approver (`leader`) and witness (`admin`) from them,
 * `RegisterKey` without a `consent` the consenting key.
 */
export function commandEvents(
  cmd: Command,
  actors: readonly SignerView[],
  ownerOf: KeyOwnerOf = () => undefined,
): Either<LedgerError, LedgerEvent[]> {
  switch (cmd.type) {
    case 'EnrollStudent': {
      const d = cmd.data as EnrollStudentData;
      const enrol: E.StudentEnrolled = {
        year: d.year,
        class: d.class,
        student: d.student,
        date: d.date,
        ...(d.from === undefined ? {} : { from: d.from }),
      };
      const events: LedgerEvent[] = [];
      if (d.bio !== undefined)
        events.push({
          type: 'StudentRegistered',
          data: { student: d.student, year: d.year, class: d.class, bio: d.bio },
        });
      events.push({ type: 'StudentEnrolled', data: enrol });
      return right(events);
    }
    case 'EnterScores':
    case 'EnterCommentLevels': {
      const { entries, ...column } = cmd.data as EnterScoresData | EnterCommentLevelsData;
      const type = cmd.type === 'EnterScores' ? 'ScoreEntered' : 'CommentLevelEntered';
      return right(
        entries.map((e) => ({ type, data: { ...column, student: e.student, value: e.value } }) as LedgerEvent),
      );
    }
    case 'RegisterKey': {
      const d = cmd.data as E.KeyRegistered;
      if (d.consent !== undefined) return right([{ type: 'KeyRegistered', data: d }]);
      return right([{ type: 'KeyRegistered', data: { ...d, consent: consentOf(actors, d.person, ownerOf) } }]);
    }
    case 'Correct': {
      const d = cmd.data as CorrectData;
      const requester = actors[0];
      const approver = actors.slice(1).find((a) => a.role === 'leader');
      const witness = actors.slice(1).find((a) => a.role === 'admin');
      if (requester === undefined)
        return left(
          ledgerError('missing-signature', 'a correction needs its requester as first signer', {
            path: ['signers', 0],
            rule: 'QC Điều 12.3',
          }),
        );
      if (approver === undefined)
        return left(
          ledgerError('missing-signature', 'a correction needs the approver (a leader) among its signers', {
            path: ['data', 'approver'],
            rule: 'QC Điều 12.3',
          }),
        );
      if (witness === undefined)
        return left(
          ledgerError('missing-signature', 'a correction needs the witness (the admin) among its signers', {
            path: ['data', 'witness'],
            rule: 'QC Điều 12.3',
          }),
        );
      return right([
        {
          type: 'CorrectionMade',
          data: { ...d, requester: requester.key, approver: approver.key, witness: witness.key },
        },
      ]);
    }
    default: {
      const [type] = COMMANDS[cmd.type].writes;
      return right([{ type, data: cmd.data } as LedgerEvent]);
    }
  }
}
