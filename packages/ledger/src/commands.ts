/**
 * Commands: what a user asks the ledger to do. A command is `{ type, id?, data }`; `id` is a UUID
 * v7 chosen by the caller (the idempotency key: the same id never appends twice), `data` the
 * payload. Most commands write one event whose payload is `data`; `EnrollStudent` may write two
 * (register and enrol), and `Correct` takes its three keys from the signers.
 */
import * as t from 'io-ts';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { ledgerError, type LedgerError } from './errors.js';
import { CalendarDate, ClassCode, closed, Minutes, PersonId, SchoolYear, text, Uuid } from './codecs.js';
import * as E from './events.js';
import type { EventType, LedgerEvent } from './events.js';
import type { SignerView } from './rules.js';
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
export const CorrectData = closed('Correct', { target: Uuid, old: t.string, new: t.string, reason: text(1000), minutes: Minutes });
/** The value type of {@link CorrectData}. */
export type CorrectData = t.TypeOf<typeof CorrectData>;

/** One command type: its payload codec and the event type(s) it writes. */
interface CommandSpec {
  readonly data: t.Type<unknown, unknown, unknown>;
  /** The event types it may write, in order. */
  readonly writes: readonly EventType[];
}

const one = (type: EventType): CommandSpec => ({ data: E.EVENT_CODECS[type] as t.Type<unknown, unknown, unknown>, writes: [type] });

/** Every command, its payload codec and the events it writes. */
export const COMMANDS = {
  FoundSchool: one('SchoolFounded'),
  DefineYear: one('AcademicYearDefined'),
  DefineSubject: one('SubjectDefined'),
  OfferSubject: one('SubjectOffered'),
  OpenClass: one('ClassOpened'),
  RegisterStaff: one('StaffRegistered'),
  RegisterKey: one('KeyRegistered'),
  RevokeKey: one('KeyRevoked'),
  GrantRole: one('RoleGranted'),
  RevokeRole: one('RoleRevoked'),
  EnrollStudent: { data: EnrollStudentData as t.Type<unknown, unknown, unknown>, writes: ['StudentRegistered', 'StudentEnrolled'] },
  TransferStudent: one('StudentTransferred'),
  ChangeBiography: one('BiographyChanged'),
  RecordAbsence: one('AbsenceRecorded'),
  AssessConduct: one('ConductAssessed'),
  AssessQuality: one('QualityAssessed'),
  RecordAttendance: one('AttendanceRecorded'),
  RecordGrowth: one('GrowthMeasured'),
  EnterScore: one('ScoreEntered'),
  EnterCommentLevel: one('CommentLevelEntered'),
  EnterSubjectLevel: one('SubjectLevelEntered'),
  EnterTestScore: one('TestScoreEntered'),
  OpenWindow: one('WindowOpened'),
  CloseWindow: one('WindowClosed'),
  SignOffSubject: one('SubjectSignedOff'),
  ConfirmClass: one('ClassConfirmed'),
  ApproveClass: one('ClassApproved'),
  SealBook: one('BookSealed'),
  Correct: { data: CorrectData as t.Type<unknown, unknown, unknown>, writes: ['CorrectionMade'] },
} as const satisfies Record<string, CommandSpec>;

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

const CommandShape = closed('Command', { type: t.keyof(Object.fromEntries(COMMAND_TYPES.map((k) => [k, null])) as Record<CommandType, null>, 'CommandType'), data: t.unknown }, { id: UuidV7 });

/** Decode a command; errors name the field (`type`, `id`, `data.<...>`) and the rule. */
export function decodeCommand(u: unknown): Either<LedgerError, Command> {
  const shape = CommandShape.decode(u);
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
  return right(cmd.id === undefined ? { type: cmd.type, data: data.right } : { type: cmd.type, id: cmd.id, data: data.right });
}

/**
 * The events a decoded command asks for, before any rule is checked. `actors` are the signers
 * (first = author); `Correct` reads the approver (`leader`) and witness (`admin`) from them.
 */
export function commandEvents(cmd: Command, actors: readonly SignerView[]): Either<LedgerError, LedgerEvent[]> {
  switch (cmd.type) {
    case 'EnrollStudent': {
      const d = cmd.data as EnrollStudentData;
      const enrol: E.StudentEnrolled = { year: d.year, class: d.class, student: d.student, date: d.date, ...(d.from === undefined ? {} : { from: d.from }) };
      const events: LedgerEvent[] = [];
      if (d.bio !== undefined) events.push({ type: 'StudentRegistered', data: { student: d.student, year: d.year, class: d.class, bio: d.bio } });
      events.push({ type: 'StudentEnrolled', data: enrol });
      return right(events);
    }
    case 'Correct': {
      const d = cmd.data as CorrectData;
      const requester = actors[0];
      const approver = actors.slice(1).find((a) => a.role === 'leader');
      const witness = actors.slice(1).find((a) => a.role === 'admin');
      if (requester === undefined) return left(ledgerError('missing-signature', 'a correction needs its requester as first signer', { path: ['signers', 0], rule: 'QC Điều 12.3' }));
      if (approver === undefined) return left(ledgerError('missing-signature', 'a correction needs the approver (a leader) among its signers', { path: ['data', 'approver'], rule: 'QC Điều 12.3' }));
      if (witness === undefined) return left(ledgerError('missing-signature', 'a correction needs the witness (the admin) among its signers', { path: ['data', 'witness'], rule: 'QC Điều 12.3' }));
      return right([{ type: 'CorrectionMade', data: { ...d, requester: requester.key, approver: approver.key, witness: witness.key } }]);
    }
    default: {
      const [type] = COMMANDS[cmd.type].writes;
      return right([{ type, data: cmd.data } as LedgerEvent]);
    }
  }
}
