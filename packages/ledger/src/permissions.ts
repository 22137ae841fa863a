/**
 * Who may issue which command (QC Chương II and Điều 13; docs/permissions.md): the role × command
 * table, derived from the author roles of `roles.ts`. `docs/permissions.md` prints it and the tests
 * check every cell, so the document, the code and the tests cannot drift apart.
 */
import type { RoleName } from './events.js';
import { COMMANDS, type CommandType } from './commands.js';
import { AUTHOR_ROLE, ROLES } from './roles.js';

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

/**
 * The role × command table (QC Chương II), derived from {@link AUTHOR_ROLE}; `docs/permissions.md`
 * prints it.
 */
export const PERMISSION_TABLE: readonly PermissionRow[] = (Object.keys(COMMANDS) as CommandType[]).map((command) => {
  const event = COMMANDS[command].writes[COMMANDS[command].writes.length - 1]!;
  const a = AUTHOR_ROLE[event];
  const roles: readonly RoleName[] | 'genesis' =
    a.role === 'founder'
      ? 'genesis'
      : a.role === 'writer'
        ? ['subject', 'homeroom']
        : a.role === 'signer'
          ? ['subject', 'homeroom', 'leader', 'office', 'admin']
          : a.role === 'reader'
            ? ROLES
            : [a.role];
  const cosigners =
    command === 'Correct'
      ? ['leader (approver)', 'admin (witness)']
      : command === 'RegisterKey'
        ? ['holder (the new key)', "consent (one of the person's keys) or leader (a first key)"]
        : [];
  return { command, roles, cosigners, rule: a.rule };
});

/** May a holder of `role` issue `command`? (`genesis` commands: no role may, once the ledger exists.) */
export function mayIssue(role: RoleName, command: CommandType): boolean {
  const row = PERMISSION_TABLE.find((r) => r.command === command);
  return row !== undefined && row.roles !== 'genesis' && row.roles.includes(role);
}
