/**
 * Stream naming. Every event belongs to one logical stream; the name is a `/`-separated path
 * whose segments are validated identifiers (see `codecs.ts`), so names never collide or need
 * escaping. Corrections live in the stream of the value they correct.
 *
 * | stream | holds |
 * |---|---|
 * | `school` | genesis, years, subjects and offerings, staff, keys, roles, sessions a day |
 * | `class/<year>/<class>` | the class, enrolments, transfers |
 * | `student/<id>` | biographical data |
 * | `markbook/<year>/<class>/<subject>` | scores, comment levels, primary levels and tests, missed tests, sign-off |
 * | `homeroom/<year>/<class>` | absences, conduct, qualities, recognition, preschool records, class confirmation |
 * | `windows` | entry windows and locks |
 * | `approvals/<year>/<class>` | leader approval, office seal, exemptions, individual plans, promotion decisions |
 * | `access/<person>` | the logged reads of personal data by one person (`PersonalDataAccessed`) |
 *
 * A CA signature on an act (`ActCertified`) goes to the stream of the act.
 */

/** The school's own stream. */
export const SCHOOL_STREAM = 'school';
/** The stream of entry windows and locks. */
export const WINDOWS_STREAM = 'windows';

/** `class/<year>/<class>` */
export const classStream = (year: string, cls: string): string => `class/${year}/${cls}`;
/** `student/<id>` */
export const studentStream = (student: string): string => `student/${student}`;
/** `markbook/<year>/<class>/<subject>` */
export const markbookStream = (year: string, cls: string, subject: string): string =>
  `markbook/${year}/${cls}/${subject}`;
/** `homeroom/<year>/<class>` */
export const homeroomStream = (year: string, cls: string): string => `homeroom/${year}/${cls}`;
/** `access/<person>`: one reader's own stream, so logged reads never contend with the records'. */
export const accessStream = (person: string): string => `access/${person}`;
/** `approvals/<year>/<class>` */
export const approvalsStream = (year: string, cls: string): string => `approvals/${year}/${cls}`;

/** The kinds of stream, by the first path segment. */
export type StreamKind = 'school' | 'windows' | 'class' | 'student' | 'markbook' | 'homeroom' | 'approvals' | 'access';

/** The kind of a stream name, or null for a name outside the scheme. */
export function streamKind(stream: string): StreamKind | null {
  const parts = stream.split('/');
  const head = parts[0];
  switch (head) {
    case 'school':
    case 'windows':
      return parts.length === 1 ? head : null;
    case 'student':
    case 'access':
      return parts.length === 2 ? head : null;
    case 'class':
    case 'homeroom':
    case 'approvals':
      return parts.length === 3 ? head : null;
    case 'markbook':
      return parts.length === 4 ? head : null;
    default:
      return null;
  }
}

import type { LedgerEvent } from './events.js';

/**
 * The stream an event must be written to, from its payload. `CorrectionMade` and `ActCertified`
 * return null: they belong to the stream of the event they correct or certify.
 */
export function streamOf(e: LedgerEvent): string | null {
  switch (e.type) {
    case 'SchoolFounded':
    case 'AcademicYearDefined':
    case 'SubjectDefined':
    case 'SubjectOffered':
    case 'StaffRegistered':
    case 'CertificateBound':
    case 'KeyRegistered':
    case 'KeyRevoked':
    case 'RoleGranted':
    case 'RoleRevoked':
    case 'SessionsPerDaySet':
    case 'PersonalDataFormatAdopted':
    case 'PersonalDataErased':
    case 'AccessLogAdopted':
      return SCHOOL_STREAM;
    case 'PersonalDataAccessed':
      return accessStream(e.data.person);
    case 'ClassOpened':
    case 'StudentEnrolled':
    case 'StudentTransferred':
      return classStream(e.data.year, e.data.class);
    case 'StudentRegistered':
    case 'BiographyChanged':
      return studentStream(e.data.student);
    case 'ScoreEntered':
    case 'CommentLevelEntered':
    case 'SubjectLevelEntered':
    case 'TestScoreEntered':
    case 'RetestScoreEntered':
    case 'RetestCommentLevelEntered':
    case 'SubjectSignedOff':
    case 'TestMissed':
      return markbookStream(e.data.year, e.data.class, e.data.subject);
    case 'AbsenceRecorded':
    case 'ConductAssessed':
    case 'QualityAssessed':
    case 'AttendanceRecorded':
    case 'GrowthMeasured':
    case 'ConductReevaluated':
    case 'ClassConfirmed':
    case 'RecognitionRecorded':
      return homeroomStream(e.data.year, e.data.class);
    case 'ClassApproved':
    case 'BookSealed':
    case 'ExemptionDecided':
    case 'IndividualPlanRecorded':
    case 'PromotionDecided':
      return approvalsStream(e.data.year, e.data.class);
    case 'WindowOpened':
    case 'WindowClosed':
      return WINDOWS_STREAM;
    case 'CorrectionMade':
    case 'ActCertified':
      return null;
  }
}
