/**
 * What several rules ask of the state — is this key someone's, does that person hold a role, is
 * the class open, is the student on its list — each answered with the problem to report when the
 * answer is no. Every answer is one map look-up (see state.ts).
 */
import { ledgerError, type LedgerError } from '../errors.js';
import type { RoleName } from '../events.js';
import { ROLE_SCOPE } from '../roles.js';
import { holds, type Grant, type LedgerState } from '../state.js';
import { RULES } from './articles.js';

/** The problems of one event, in the order found; rules push onto it. */
export type Problems = LedgerError[];

/** A field path from the envelope root. */
export type Path = ReadonlyArray<string | number>;

/** A key as error messages show it. */
export function short(key: string): string {
  return `${key.slice(0, 8)}…`;
}

/** The person holding `key` when it is registered and not revoked; otherwise the problem is pushed. */
export function activeKey(s: LedgerState, key: string, path: Path, out: Problems): string | null {
  const k = s.keys.get(key);
  if (k === undefined) {
    out.push(
      ledgerError('unknown-key', `key ${short(key)} is not registered to anyone`, {
        path,
        rule: RULES.personalKey,
        details: { key },
      }),
    );
    return null;
  }
  if (k.revoked) {
    out.push(
      ledgerError('key-revoked', `key ${short(key)} was revoked`, { path, rule: RULES.accounts, details: { key } }),
    );
    return null;
  }
  return k.person;
}

/**
 * The grant of `role` scoped by the fields of `data` the role takes (`year`, `class`, `subject`),
 * whatever the event type.
 */
export function scopeFor(role: RoleName, data: object): Grant {
  const d = data as Readonly<Record<string, unknown>>;
  const g: { role: RoleName; year?: string; class?: string; subject?: string } = { role };
  for (const f of ROLE_SCOPE[role]) {
    const x = d[f];
    if (typeof x === 'string') g[f] = x;
  }
  return g;
}

/** A grant as messages name it: `subject (2024-2025 10A1 toan)`. */
export function describeGrant(g: Grant): string {
  const parts = [g.year, g.class, g.subject].filter((x) => x !== undefined);
  return parts.length === 0 ? g.role : `${g.role} (${parts.join(' ')})`;
}

/**
 * The person holding `key` when the key is active and its person holds `grant`; otherwise the
 * problem (unknown or revoked key, role not held) is pushed. `path` names the signer.
 */
export function holderOf(s: LedgerState, key: string, grant: Grant, path: Path, out: Problems): string | null {
  const person = activeKey(s, key, path, out);
  if (person === null) return null;
  if (!holds(s, person, grant)) {
    out.push(
      ledgerError('role-not-held', `${person} does not hold the role ${describeGrant(grant)}`, {
        path,
        rule: RULES.permission,
      }),
    );
    return null;
  }
  return person;
}

/** The grade of an open class, or undefined (the problem pushed). */
export function classGrade(
  s: LedgerState,
  year: string,
  cls: string,
  out: Problems,
  path: Path = ['data', 'class'],
): number | undefined {
  const g = s.classes.get(`${year}/${cls}`);
  if (g === undefined) out.push(ledgerError('unknown-class', `class ${cls} is not open in ${year}`, { path }));
  return g;
}

/** Push `unknown-year` unless the year is defined; true when it is. */
export function knownYear(s: LedgerState, year: string, out: Problems): boolean {
  if (s.years.has(year)) return true;
  out.push(ledgerError('unknown-year', `school year ${year} is not defined`, { path: ['data', 'year'] }));
  return false;
}

/** Push `unknown-student` unless the student is registered. */
export function knownStudent(s: LedgerState, student: string, out: Problems): void {
  if (!s.students.has(student))
    out.push(ledgerError('unknown-student', `no student "${student}"`, { path: ['data', 'student'] }));
}

/** Push `student-not-in-class` unless the student is on the class's list now (QC Điều 8). */
export function onClassList(s: LedgerState, year: string, cls: string, student: string, out: Problems): void {
  if (s.enrolment.get(`${year}/${student}`) !== cls) {
    out.push(
      ledgerError('student-not-in-class', `student "${student}" is not on the list of class ${cls} in ${year}`, {
        path: ['data', 'student'],
        rule: RULES.homeroom,
      }),
    );
  }
}

/** Push `unknown-person` unless the person has an account (QC Điều 6.1); true when they have. */
export function knownPerson(s: LedgerState, person: string, out: Problems): boolean {
  if (s.persons.has(person)) return true;
  out.push(
    ledgerError('unknown-person', `no account for "${person}"`, { path: ['data', 'person'], rule: RULES.accounts }),
  );
  return false;
}
