/**
 * The roles an event needs (QC Chương II and Điều 13; docs/permissions.md): the role each event
 * type's author acts in, the scope a role grant carries, and the signature roles that are not
 * granted roles (proof of possession and consent of a key registration). The rules read these
 * tables; the command table of `permissions.ts` is derived from them.
 */
import type { EventType, RoleName } from './events.js';

/**
 * The author role an event type needs. `founder`: the genesis key; `writer`: the role that writes
 * the corrected cell; `signer`: the key and role that signed the act a CA signature certifies;
 * `reader`: any role the author holds (a logged read of personal data is the reader's own act).
 */
export type AuthorRole = RoleName | 'founder' | 'writer' | 'signer' | 'reader';

/** For each event type, the role its author acts in, and the article that gives the duty. */
export const AUTHOR_ROLE: { readonly [K in EventType]: { readonly role: AuthorRole; readonly rule: string } } = {
  SchoolFounded: { role: 'founder', rule: 'QC Điều 6.1' },
  AcademicYearDefined: { role: 'leader', rule: 'QC Điều 13.1' },
  SubjectDefined: { role: 'leader', rule: 'QC Điều 13.1' },
  SubjectOffered: { role: 'leader', rule: 'QC Điều 13.1' },
  ClassOpened: { role: 'leader', rule: 'QC Điều 13.1' },
  StaffRegistered: { role: 'admin', rule: 'QC Điều 6.1, 13.2' },
  CertificateBound: { role: 'admin', rule: 'QC Điều 6.1, 13.2' },
  KeyRegistered: { role: 'admin', rule: 'QC Điều 6.1, 13.2' },
  KeyRevoked: { role: 'admin', rule: 'QC Điều 6.1, 13.2' },
  RoleGranted: { role: 'leader', rule: 'QC Điều 6.1, 6.2a' },
  RoleRevoked: { role: 'leader', rule: 'QC Điều 6.1, 6.2a' },
  StudentRegistered: { role: 'homeroom', rule: 'QC Điều 8.1' },
  StudentEnrolled: { role: 'homeroom', rule: 'QC Điều 8.1' },
  StudentTransferred: { role: 'homeroom', rule: 'QC Điều 8.2' },
  BiographyChanged: { role: 'homeroom', rule: 'QC Điều 8.1' },
  AbsenceRecorded: { role: 'homeroom', rule: 'QC Điều 8.2' },
  ConductAssessed: { role: 'homeroom', rule: 'QC Điều 8.4d' },
  QualityAssessed: { role: 'homeroom', rule: 'QC Điều 8.3' },
  AttendanceRecorded: { role: 'homeroom', rule: 'QC Điều 8.2' },
  GrowthMeasured: { role: 'homeroom', rule: 'QC Điều 8.2' },
  ConductReevaluated: { role: 'homeroom', rule: 'QC Điều 8.4d, TT22 Điều 12' },
  ClassConfirmed: { role: 'homeroom', rule: 'QC Điều 8.4, 8.5' },
  ScoreEntered: { role: 'subject', rule: 'QC Điều 9.1' },
  CommentLevelEntered: { role: 'subject', rule: 'QC Điều 9.1' },
  SubjectLevelEntered: { role: 'subject', rule: 'QC Điều 9.1' },
  TestScoreEntered: { role: 'subject', rule: 'QC Điều 9.1' },
  RetestScoreEntered: { role: 'subject', rule: 'QC Điều 9.1, TT22 Điều 12' },
  RetestCommentLevelEntered: { role: 'subject', rule: 'QC Điều 9.1, TT22 Điều 12' },
  SubjectSignedOff: { role: 'subject', rule: 'QC Điều 9.3' },
  WindowOpened: { role: 'leader', rule: 'QC Điều 6.2c' },
  WindowClosed: { role: 'leader', rule: 'QC Điều 6.2c' },
  ClassApproved: { role: 'leader', rule: 'QC Điều 10' },
  BookSealed: { role: 'office', rule: 'QC Điều 13.3' },
  CorrectionMade: { role: 'writer', rule: 'QC Điều 12.3' },
  TestMissed: { role: 'subject', rule: 'QC Điều 9.1, TT22 Điều 7' },
  ExemptionDecided: { role: 'leader', rule: 'QC Điều 13.1, TT22 Điều 10, 11' },
  IndividualPlanRecorded: { role: 'leader', rule: 'QC Điều 13.1, TT22 Điều 11' },
  PromotionDecided: { role: 'leader', rule: 'QC Điều 13.1, TT22 Điều 11, 12.4' },
  RecognitionRecorded: { role: 'homeroom', rule: 'QC Điều 8.3, TT27 Điều 13.1a' },
  SessionsPerDaySet: { role: 'leader', rule: 'QC Điều 13.1' },
  ActCertified: { role: 'signer', rule: 'QC Điều 3.1' },
  PersonalDataFormatAdopted: { role: 'leader', rule: 'QC Điều 3.2' },
  PersonalDataErased: { role: 'leader', rule: 'QC Điều 3.2, 14' },
  AccessLogAdopted: { role: 'leader', rule: 'QC Điều 3.2' },
  PersonalDataAccessed: { role: 'reader', rule: 'QC Điều 3.2' },
};

/** Roles whose holders may act; `inspector` reads and verifies only (QC Điều 15). */
export const ROLES: readonly RoleName[] = ['leader', 'admin', 'office', 'homeroom', 'subject', 'inspector'];

/** The signature role of a new key on its own registration: proof of possession (QC Điều 7.1). */
export const HOLDER_ROLE = 'holder';

/**
 * The signature role of a person's existing key consenting to a new key of theirs (QC Điều 7.1: an
 * account is the person's own). A leader consenting to a first key signs as `leader`.
 */
export const CONSENT_ROLE = 'consent';

/** Scope a role grant must carry. */
export const ROLE_SCOPE: { readonly [R in RoleName]: readonly ('year' | 'class' | 'subject')[] } = {
  leader: [],
  admin: [],
  office: [],
  inspector: [],
  homeroom: ['year', 'class'],
  subject: ['year', 'class', 'subject'],
};
