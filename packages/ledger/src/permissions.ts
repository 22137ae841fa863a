/**
 * Who may write what (QC Chương II and Điều 13; docs/permissions.md): the role each event type's author must
 * act in, and the role × command table `docs/permissions.md` prints. The rules (`rules.ts`) and
 * the tests both read these tables, so the document, the code and the tests cannot drift apart.
 */
import type { EventType, RoleName } from './events.js';
import { COMMANDS, type CommandType } from './commands.js';

/** The author role an event type needs. `founder`: the genesis key; `writer`: the role that writes the corrected cell. */
export type AuthorRole = RoleName | 'founder' | 'writer';

/** For each event type, the role its author acts in, and the article that gives the duty. */
export const AUTHOR_ROLE: { readonly [K in EventType]: { readonly role: AuthorRole; readonly rule: string } } = {
  SchoolFounded: { role: 'founder', rule: 'QC Điều 6.1' },
  AcademicYearDefined: { role: 'leader', rule: 'QC Điều 13.1' },
  SubjectDefined: { role: 'leader', rule: 'QC Điều 13.1' },
  SubjectOffered: { role: 'leader', rule: 'QC Điều 13.1' },
  ClassOpened: { role: 'leader', rule: 'QC Điều 13.1' },
  StaffRegistered: { role: 'admin', rule: 'QC Điều 6.1, 13.2' },
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
};

/** Roles whose holders may act; `inspector` reads and verifies only (QC Điều 15). */
export const ROLES: readonly RoleName[] = ['leader', 'admin', 'office', 'homeroom', 'subject', 'inspector'];

/** Signature roles that are not granted roles: the new key's proof of possession. */
export const HOLDER_ROLE = 'holder';

/** Scope a role grant must carry. */
export const ROLE_SCOPE: { readonly [R in RoleName]: readonly ('year' | 'class' | 'subject')[] } = {
  leader: [],
  admin: [],
  office: [],
  inspector: [],
  homeroom: ['year', 'class'],
  subject: ['year', 'class', 'subject'],
};

/** One row of the role × command table. */
export interface PermissionRow {
  readonly command: CommandType;
  /** Roles whose holders may issue it (as author); `genesis` for the founding command. */
  readonly roles: readonly RoleName[] | 'genesis';
  /** Co-signers the command needs besides its author. */
  readonly cosigners: readonly string[];
  /** Article(s) giving the duty. */
  readonly rule: string;
}

/** The role × command table (QC Chương II, docs/permissions.md), derived from {@link AUTHOR_ROLE}; `docs/permissions.md` prints it. */
export const PERMISSION_TABLE: readonly PermissionRow[] = (Object.keys(COMMANDS) as CommandType[]).map((command) => {
  const event = COMMANDS[command].writes[COMMANDS[command].writes.length - 1]!;
  const a = AUTHOR_ROLE[event];
  const roles: readonly RoleName[] | 'genesis' =
    a.role === 'founder' ? 'genesis' : a.role === 'writer' ? ['subject', 'homeroom'] : [a.role];
  const cosigners =
    command === 'Correct'
      ? ['leader (approver)', 'admin (witness)']
      : command === 'RegisterKey'
        ? ['holder (the new key)']
        : [];
  return { command, roles, cosigners, rule: a.rule };
});

/** May a holder of `role` issue `command`? (`genesis` commands: no role may, once the ledger exists.) */
export function mayIssue(role: RoleName, command: CommandType): boolean {
  const row = PERMISSION_TABLE.find((r) => r.command === command);
  return row !== undefined && row.roles !== 'genesis' && row.roles.includes(role);
}
