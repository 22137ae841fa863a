/**
 * The rules, as one pure function over (state, event): {@link checkEvent} answers whether an event
 * may stand at the end of the log whose fold is `state`, and why not. The writer runs it before
 * signing (`decide`), `submit` runs it on events signed elsewhere, and the verifier replays it by
 * position ({@link replayCheck}), so all three apply exactly the same rules.
 */
import { type Envelope } from '@hoso/core';
import { ledgerError, type LedgerError } from './errors.js';
import {
  EVENT_CODECS,
  isCellEventType,
  isEventType,
  type CellEventType,
  type EventData,
  type EventType,
  type RoleName,
  type WindowPeriod,
  type WindowScope,
} from './events.js';
import { streamKind, streamOf } from './streams.js';
import { AUTHOR_ROLE, HOLDER_ROLE, ROLE_SCOPE } from './permissions.js';
import { marks, placeCell, sameGrant, termOfDate, type Grant, type LedgerState, type WindowState } from './state.js';
import { cellOf, type CellRef } from './cells.js';
import { sameValue } from './values.js';
import { ioErrors } from './decode.js';

/** A signer as the rules see it: key (base64url) and the role it signs in. */
export interface SignerView {
  readonly key: string;
  readonly role: string;
}

/** An event as the rules see it, before or after signing. */
export interface EventView {
  readonly ledger: string;
  readonly stream: string;
  readonly type: string;
  readonly data: unknown;
  readonly by: SignerView;
  /** Signers in order; the first is the author. */
  readonly signers: readonly SignerView[];
  /** The time the windows are checked at (the append clock; the envelope's `at` on replay). */
  readonly at: Date;
}

/** Articles cited by refusals. */
export const RULES = {
  permission: 'QC Điều 7.2',
  personalKey: 'QC Điều 7.1',
  accounts: 'QC Điều 6.1',
  window: 'QC Điều 6.2c',
  correction: 'QC Điều 12.3',
  homeroom: 'QC Điều 8',
  teacher: 'QC Điều 9',
  approval: 'QC Điều 10',
  seal: 'QC Điều 13.3',
  regularCount: 'TT22 Điều 6.2',
  tt22: 'TT22 Điều 5',
  tt27: 'TT27 Điều 6, 7',
  envelope: 'docs/design.md §3',
} as const;

type Check = LedgerError | null;

const GRADES: { readonly [L: string]: readonly [number, number] } = {
  preschool: [0, 0],
  primary: [1, 5],
  'lower-secondary': [6, 9],
  'upper-secondary': [10, 12],
  continuing: [6, 12],
};

/** Number of regular assessments (*ĐĐGtx*) per term (TT22 Điều 6.2). */
export function regularCount(assessment: 'scored' | 'comment', periodsPerYear: number): number {
  if (assessment === 'comment') return 2;
  if (periodsPerYear <= 35) return 2;
  if (periodsPerYear <= 70) return 3;
  return 4;
}

/**
 * May this event stand next in the log whose fold is `s`? Null when it may; otherwise the first
 * rule it breaks. Pure: `s` is not changed. Signatures are not verified here (that is bytes'
 * business: `verifyEnvelopeSignatures`); which keys signed in which roles is.
 */
export function checkEvent(s: LedgerState, v: EventView): Check {
  if (!isEventType(v.type))
    return ledgerError('unknown-event-type', `unknown event type "${v.type}"`, { path: ['type'] });
  const decoded = EVENT_CODECS[v.type].decode(v.data);
  if (decoded._tag === 'Left') {
    const [first] = ioErrors(decoded.left, ['data']);
    return first ?? ledgerError('invalid-data', 'invalid payload', { path: ['data'] });
  }
  const type: EventType = v.type;
  const data = decoded.right as EventData[EventType];

  if (type === 'SchoolFounded') return checkGenesis(s, v, data as EventData['SchoolFounded']);
  if (s.school === null)
    return ledgerError('no-genesis', 'the ledger has no genesis event yet (SchoolFounded comes first)', {
      path: ['type'],
    });
  if (s.ledger !== v.ledger)
    return ledgerError('wrong-ledger', `event of ledger "${v.ledger}" in ledger "${s.ledger}"`, { path: ['ledger'] });

  // Stream placement: corrections go to their target's stream, everything else where streamOf says.
  if (type !== 'CorrectionMade') {
    const expected = streamOf({ type, data } as never);
    if (expected !== v.stream)
      return ledgerError('wrong-stream', `${type} belongs in stream "${expected}", not "${v.stream}"`, {
        path: ['stream'],
      });
  } else if (streamKind(v.stream) === null) {
    return ledgerError('wrong-stream', `"${v.stream}" is not a stream name`, { path: ['stream'] });
  }

  const author = checkAuthor(s, v, type, data);
  if (author !== null) return author;
  return checkSpecific(s, v, type, data);
}

// ---------------------------------------------------------------------------------------------
// Authors, keys and roles
// ---------------------------------------------------------------------------------------------

/** The person holding `key`, or an error when the key is unknown or revoked. */
function activeKey(
  s: LedgerState,
  key: string,
  path: ReadonlyArray<string | number>,
): { person: string } | LedgerError {
  const k = s.keys.get(key);
  if (k === undefined)
    return ledgerError('unknown-key', `key ${short(key)} is not registered to anyone`, {
      path,
      rule: RULES.personalKey,
    });
  if (k.revoked) return ledgerError('key-revoked', `key ${short(key)} was revoked`, { path, rule: RULES.accounts });
  return { person: k.person };
}

/** True when `person` holds `role` with exactly the given scope. */
export function holds(s: LedgerState, person: string, want: Grant): boolean {
  return (s.grants.get(person) ?? []).some((g) => sameGrant(g, want));
}

function scopeFor(role: RoleName, d: { year?: string; class?: string; subject?: string }): Grant {
  const g: { role: RoleName; year?: string; class?: string; subject?: string } = { role };
  for (const f of ROLE_SCOPE[role]) if (d[f] !== undefined) g[f] = d[f];
  return g;
}

function describe(g: Grant): string {
  const parts = [g.year, g.class, g.subject].filter((x) => x !== undefined);
  return parts.length === 0 ? g.role : `${g.role} (${parts.join(' ')})`;
}

/** Check that `key` is active and its person holds `grant`; `path` names the signer. */
function checkHolder(
  s: LedgerState,
  key: string,
  grant: Grant,
  path: ReadonlyArray<string | number>,
): { person: string } | LedgerError {
  const k = activeKey(s, key, path);
  if ('code' in k) return k;
  if (!holds(s, k.person, grant)) {
    return ledgerError('role-not-held', `${k.person} does not hold the role ${describe(grant)}`, {
      path,
      rule: RULES.permission,
    });
  }
  return k;
}

function checkAuthor(s: LedgerState, v: EventView, type: EventType, data: EventData[EventType]): Check {
  const first = v.signers[0];
  if (first === undefined || first.key !== v.by.key || first.role !== v.by.role) {
    return ledgerError('invalid-envelope', "the first signature must be the author's (by.key, by.role)", {
      path: ['sigs', 0],
      rule: RULES.envelope,
    });
  }
  const need = AUTHOR_ROLE[type];
  if (need.role === 'founder') {
    return ledgerError('already-founded', 'the ledger already has its genesis event', {
      path: ['type'],
      rule: need.rule,
    });
  }
  if (need.role === 'writer') {
    // A correction is requested in the role that writes the corrected cell; the rest is checked with the target.
    if (v.by.role !== 'subject' && v.by.role !== 'homeroom') {
      return ledgerError(
        'not-permitted',
        `a correction is requested in the role that writes the value (subject or homeroom), not "${v.by.role}"`,
        {
          path: ['by', 'role'],
          rule: need.rule,
        },
      );
    }
    return null;
  }
  const role: RoleName = need.role;
  if (v.by.role !== role) {
    return ledgerError('not-permitted', `${type} is written by the ${role} role, not "${v.by.role}"`, {
      path: ['by', 'role'],
      rule: need.rule,
    });
  }
  const held = checkHolder(s, v.by.key, scopeFor(role, data as { year?: string; class?: string; subject?: string }), [
    'by',
    'key',
  ]);
  if ('code' in held) return held;
  if (type !== 'KeyRegistered' && v.signers.length > 1) {
    return ledgerError('unexpected-signature', `${type} is signed by its author only`, {
      path: ['sigs', 1],
      rule: RULES.envelope,
    });
  }
  return null;
}

function checkGenesis(s: LedgerState, v: EventView, d: EventData['SchoolFounded']): Check {
  if (s.school !== null || s.size > 0)
    return ledgerError('already-founded', 'the ledger already has events; genesis comes first', {
      path: ['type'],
      rule: RULES.accounts,
    });
  if (v.stream !== 'school')
    return ledgerError('wrong-stream', 'SchoolFounded belongs in stream "school"', { path: ['stream'] });
  if (d.school !== v.ledger)
    return ledgerError('wrong-ledger', `the school id "${d.school}" must be the ledger id "${v.ledger}"`, {
      path: ['data', 'school'],
    });
  if (d.levels.length === 0)
    return ledgerError('invalid-data', 'a school runs at least one level', { path: ['data', 'levels'] });
  if (v.by.key !== d.rootKey || v.by.role !== 'leader') {
    return ledgerError('not-permitted', 'genesis is signed by the root key it names, in the leader role', {
      path: ['by'],
      rule: RULES.accounts,
    });
  }
  const first = v.signers[0];
  if (v.signers.length !== 1 || first === undefined || first.key !== d.rootKey || first.role !== 'leader') {
    return ledgerError('invalid-envelope', "genesis carries exactly the root key's signature", {
      path: ['sigs'],
      rule: RULES.envelope,
    });
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Event-specific rules
// ---------------------------------------------------------------------------------------------

function checkSpecific(s: LedgerState, v: EventView, type: EventType, data: EventData[EventType]): Check {
  switch (type) {
    case 'SchoolFounded':
      return null;
    case 'AcademicYearDefined':
      return checkYear(s, data as EventData['AcademicYearDefined']);
    case 'SubjectDefined': {
      const d = data as EventData['SubjectDefined'];
      return s.subjects.has(d.subject)
        ? ledgerError('duplicate-subject', `subject "${d.subject}" is already defined`, { path: ['data', 'subject'] })
        : null;
    }
    case 'SubjectOffered':
      return checkOffering(s, data as EventData['SubjectOffered']);
    case 'ClassOpened': {
      const d = data as EventData['ClassOpened'];
      if (!s.years.has(d.year)) return unknownYear(d.year);
      if (s.classes.has(`${d.year}/${d.class}`))
        return ledgerError('duplicate-class', `class ${d.class} is already open in ${d.year}`, {
          path: ['data', 'class'],
        });
      return gradeTaught(s, d.grade);
    }
    case 'StaffRegistered': {
      const d = data as EventData['StaffRegistered'];
      return s.persons.has(d.person)
        ? ledgerError('duplicate-person', `person "${d.person}" already has an account`, {
            path: ['data', 'person'],
            rule: RULES.personalKey,
          })
        : null;
    }
    case 'KeyRegistered':
      return checkKeyRegistered(s, v, data as EventData['KeyRegistered']);
    case 'KeyRevoked': {
      const d = data as EventData['KeyRevoked'];
      const k = activeKey(s, d.key, ['data', 'key']);
      return 'code' in k ? k : null;
    }
    case 'RoleGranted':
    case 'RoleRevoked':
      return checkRoleChange(s, type, data as EventData['RoleGranted'] | EventData['RoleRevoked']);
    case 'StudentRegistered': {
      const d = data as EventData['StudentRegistered'];
      const c = classGrade(s, d.year, d.class);
      if (typeof c !== 'number') return c;
      return s.students.has(d.student)
        ? ledgerError('duplicate-student', `student "${d.student}" is already registered`, {
            path: ['data', 'student'],
            rule: RULES.homeroom,
          })
        : null;
    }
    case 'StudentEnrolled':
      return checkEnrolled(s, data as EventData['StudentEnrolled']);
    case 'StudentTransferred':
      return checkTransferred(s, data as EventData['StudentTransferred']);
    case 'BiographyChanged': {
      const d = data as EventData['BiographyChanged'];
      if (!s.students.has(d.student)) return unknownStudent(d.student);
      const inClass = inClassCheck(s, d.year, d.class, d.student);
      if (inClass !== null) return inClass;
      return Object.keys(d.changes).length === 0
        ? ledgerError('empty-change', 'name at least one changed field', { path: ['data', 'changes'] })
        : null;
    }
    case 'SubjectSignedOff':
      return checkSignedOff(s, data as EventData['SubjectSignedOff']);
    case 'ClassConfirmed':
      return checkConfirmed(s, data as EventData['ClassConfirmed']);
    case 'ClassApproved': {
      const d = data as EventData['ClassApproved'];
      const c = classGrade(s, d.year, d.class);
      if (typeof c !== 'number') return c;
      if (s.marks.has(marks.approved(d.year, d.class, d.term)))
        return alreadySigned(`class ${d.class} is already approved for ${d.term}`);
      if (!s.marks.has(marks.confirmed(d.year, d.class, d.term))) {
        return ledgerError(
          'out-of-order',
          `the homeroom teacher has not confirmed class ${d.class} for ${d.term} yet`,
          { path: ['data', 'term'], rule: 'QC Điều 8.5, 10' },
        );
      }
      return null;
    }
    case 'BookSealed': {
      const d = data as EventData['BookSealed'];
      const c = classGrade(s, d.year, d.class);
      if (typeof c !== 'number') return c;
      if (s.marks.has(marks.sealed(d.year, d.class, d.term)))
        return alreadySigned(`class ${d.class} is already sealed for ${d.term}`);
      if (!s.marks.has(marks.approved(d.year, d.class, d.term))) {
        return ledgerError('out-of-order', `the leader has not approved class ${d.class} for ${d.term} yet`, {
          path: ['data', 'term'],
          rule: 'QC Điều 10, 13.3',
        });
      }
      return null;
    }
    case 'WindowOpened':
      return checkWindowOpened(s, data as EventData['WindowOpened']);
    case 'WindowClosed': {
      const d = data as EventData['WindowClosed'];
      const w = s.windows.get(d.window);
      if (w === undefined)
        return ledgerError('unknown-window', `no window "${d.window}"`, {
          path: ['data', 'window'],
          rule: RULES.window,
        });
      if (w.closed)
        return ledgerError('window-already-closed', `window "${d.window}" is already closed`, {
          path: ['data', 'window'],
          rule: RULES.window,
        });
      return null;
    }
    case 'CorrectionMade':
      return checkCorrection(s, v, data as EventData['CorrectionMade']);
    default:
      if (isCellEventType(type)) return checkCell(s, v, type, data as EventData[CellEventType]);
      return null;
  }
}

function unknownYear(year: string): LedgerError {
  return ledgerError('unknown-year', `school year ${year} is not defined`, { path: ['data', 'year'] });
}

function unknownStudent(student: string): LedgerError {
  return ledgerError('unknown-student', `no student "${student}"`, { path: ['data', 'student'] });
}

function alreadySigned(message: string): LedgerError {
  return ledgerError('already-signed', message, { path: ['data', 'term'] });
}

function classGrade(
  s: LedgerState,
  year: string,
  cls: string,
  path: ReadonlyArray<string | number> = ['data', 'class'],
): number | LedgerError {
  const g = s.classes.get(`${year}/${cls}`);
  return g === undefined ? ledgerError('unknown-class', `class ${cls} is not open in ${year}`, { path }) : g;
}

function gradeTaught(s: LedgerState, grade: number): Check {
  const ok = (s.school?.levels ?? []).some((l) => {
    const r = GRADES[l];
    return r !== undefined && grade >= r[0] && grade <= r[1];
  });
  return ok
    ? null
    : ledgerError('grade-not-taught', `grade ${grade} is not taught at this school's levels`, {
        path: ['data', 'grade'],
      });
}

function inClassCheck(s: LedgerState, year: string, cls: string, student: string): Check {
  const c = classGrade(s, year, cls);
  if (typeof c !== 'number') return c;
  if (s.enrolment.get(`${year}/${student}`) !== cls) {
    return ledgerError('student-not-in-class', `student "${student}" is not on the list of class ${cls} in ${year}`, {
      path: ['data', 'student'],
      rule: RULES.homeroom,
    });
  }
  return null;
}

function checkYear(s: LedgerState, d: EventData['AcademicYearDefined']): Check {
  if (s.years.has(d.year))
    return ledgerError('duplicate-year', `school year ${d.year} is already defined`, { path: ['data', 'year'] });
  const { HK1, HK2 } = d.terms;
  const [y1, y2] = d.year.split('-');
  const bad = (path: string[], message: string): LedgerError =>
    ledgerError('invalid-calendar', message, { path: ['data', 'terms', ...path] });
  if (!HK1.start.startsWith(`${y1}-`)) return bad(['HK1', 'start'], `term I starts in ${y1}`);
  if (!HK2.end.startsWith(`${y2}-`)) return bad(['HK2', 'end'], `term II ends in ${y2}`);
  if (!(HK1.start <= HK1.end)) return bad(['HK1', 'end'], 'term I ends after it starts');
  if (!(HK1.end < HK2.start)) return bad(['HK2', 'start'], 'term II starts after term I ends');
  if (!(HK2.start <= HK2.end)) return bad(['HK2', 'end'], 'term II ends after it starts');
  return null;
}

function checkOffering(s: LedgerState, d: EventData['SubjectOffered']): Check {
  if (!s.years.has(d.year)) return unknownYear(d.year);
  if (!s.subjects.has(d.subject))
    return ledgerError('unknown-subject', `subject "${d.subject}" is not defined`, { path: ['data', 'subject'] });
  const taught = gradeTaught(s, d.grade);
  if (taught !== null) return taught;
  if (s.offerings.has(`${d.year}/${d.grade}/${d.subject}`)) {
    return ledgerError('duplicate-offering', `${d.subject} is already offered to grade ${d.grade} in ${d.year}`, {
      path: ['data', 'subject'],
    });
  }
  const primary = d.grade >= 1 && d.grade <= 5;
  const secondary = d.grade >= 6;
  const fits =
    (primary && (d.assessment === 'level' || d.assessment === 'level-tested')) ||
    (secondary && (d.assessment === 'scored' || d.assessment === 'comment'));
  if (!fits) {
    const rule = primary ? 'TT27 Điều 6' : secondary ? RULES.tt22 : 'docs/grading.md#preschool-who';
    const expect = primary
      ? 'level or level-tested (TT27)'
      : secondary
        ? 'scored or comment (TT22)'
        : 'no subject assessment (preschool)';
    return ledgerError('wrong-level', `grade ${d.grade} subjects are assessed ${expect}, not "${d.assessment}"`, {
      path: ['data', 'assessment'],
      rule,
    });
  }
  if (d.midTermTests === true && d.assessment !== 'level-tested') {
    return ledgerError('wrong-assessment', 'mid-term tests only exist for level-tested subjects', {
      path: ['data', 'midTermTests'],
      rule: 'TT27 Điều 7',
    });
  }
  return null;
}

function checkKeyRegistered(s: LedgerState, v: EventView, d: EventData['KeyRegistered']): Check {
  if (!s.persons.has(d.person))
    return ledgerError('unknown-person', `no account for "${d.person}"`, {
      path: ['data', 'person'],
      rule: RULES.accounts,
    });
  if (s.keys.has(d.key)) {
    return ledgerError(
      'key-already-registered',
      `key ${short(d.key)} is already registered (one key, one person; a key is never reused)`,
      {
        path: ['data', 'key'],
        rule: RULES.personalKey,
      },
    );
  }
  const proof = v.signers.filter((x, i) => i > 0);
  if (proof.length === 0 || !proof.some((x) => x.key === d.key && x.role === HOLDER_ROLE)) {
    return ledgerError(
      'missing-signature',
      'the new key must co-sign its registration (role "holder") as proof of possession',
      { path: ['sigs', 1], rule: RULES.personalKey },
    );
  }
  if (proof.length > 1)
    return ledgerError(
      'unexpected-signature',
      "a key registration carries the admin's and the new key's signatures only",
      { path: ['sigs', 2], rule: RULES.envelope },
    );
  return null;
}

function checkRoleChange(
  s: LedgerState,
  type: 'RoleGranted' | 'RoleRevoked',
  d: EventData['RoleGranted'] | EventData['RoleRevoked'],
): Check {
  if (!s.persons.has(d.person))
    return ledgerError('unknown-person', `no account for "${d.person}"`, {
      path: ['data', 'person'],
      rule: RULES.accounts,
    });
  const need = ROLE_SCOPE[d.role];
  for (const f of ['year', 'class', 'subject'] as const) {
    const present = d[f] !== undefined;
    if (present !== need.includes(f)) {
      return ledgerError('invalid-role-scope', `the ${d.role} role ${present ? 'takes no' : 'needs a'} ${f}`, {
        path: ['data', f],
        rule: 'QC Điều 13',
      });
    }
  }
  const g: Grant = scopeFor(d.role, d);
  if (type === 'RoleRevoked') {
    return holds(s, d.person, g)
      ? null
      : ledgerError('role-not-held', `${d.person} does not hold ${describe(g)}`, { path: ['data', 'role'] });
  }
  if (holds(s, d.person, g))
    return ledgerError('role-already-held', `${d.person} already holds ${describe(g)}`, { path: ['data', 'role'] });
  if (d.year !== undefined && !s.years.has(d.year)) return unknownYear(d.year);
  if (d.year !== undefined && d.class !== undefined) {
    const grade = classGrade(s, d.year, d.class);
    if (typeof grade !== 'number') return grade;
    if (d.subject !== undefined && !s.offerings.has(`${d.year}/${grade}/${d.subject}`)) {
      return ledgerError('subject-not-offered', `${d.subject} is not offered to grade ${grade} in ${d.year}`, {
        path: ['data', 'subject'],
      });
    }
  }
  return null;
}

function checkEnrolled(s: LedgerState, d: EventData['StudentEnrolled']): Check {
  const c = classGrade(s, d.year, d.class);
  if (typeof c !== 'number') return c;
  if (!s.students.has(d.student)) return unknownStudent(d.student);
  const current = s.enrolment.get(`${d.year}/${d.student}`);
  if (current !== undefined) {
    return ledgerError(
      'already-enrolled',
      `student "${d.student}" is already in class ${current} in ${d.year}; transfer first`,
      { path: ['data', 'student'], rule: RULES.homeroom },
    );
  }
  if (d.from !== undefined && 'class' in d.from) {
    const tr = s.transfers.get(`${d.year}/${d.student}`);
    if (tr === undefined || tr.from !== d.from.class || !('class' in tr.to) || tr.to.class !== d.class) {
      return ledgerError(
        'transfer-mismatch',
        `no transfer of "${d.student}" from ${d.from.class} to ${d.class} is recorded`,
        { path: ['data', 'from'], rule: 'QC Điều 8.2' },
      );
    }
  }
  return null;
}

function checkTransferred(s: LedgerState, d: EventData['StudentTransferred']): Check {
  const inClass = inClassCheck(s, d.year, d.class, d.student);
  if (inClass !== null) return inClass;
  if ('class' in d.to) {
    const g = classGrade(s, d.year, d.to.class, ['data', 'to', 'class']);
    if (typeof g !== 'number') return g;
    if (d.to.class === d.class)
      return ledgerError('transfer-mismatch', 'a transfer goes to another class', {
        path: ['data', 'to', 'class'],
        rule: 'QC Điều 8.2',
      });
  }
  return null;
}

function checkSignedOff(s: LedgerState, d: EventData['SubjectSignedOff']): Check {
  const grade = classGrade(s, d.year, d.class);
  if (typeof grade !== 'number') return grade;
  if (!s.offerings.has(`${d.year}/${grade}/${d.subject}`)) {
    return ledgerError('subject-not-offered', `${d.subject} is not offered to grade ${grade} in ${d.year}`, {
      path: ['data', 'subject'],
    });
  }
  if (s.marks.has(marks.signed(d.year, d.class, d.subject, d.term)))
    return alreadySigned(`${d.subject} of ${d.class} is already signed off for ${d.term}`);
  if (d.term === 'CN') {
    const missing = (['HK1', 'HK2'] as const).filter((t) => !s.marks.has(marks.signed(d.year, d.class, d.subject, t)));
    if (missing.length > 0) {
      return ledgerError('out-of-order', `sign off ${missing.join(' and ')} before the year`, {
        path: ['data', 'term'],
        rule: RULES.teacher,
        details: { missing },
      });
    }
  }
  return null;
}

function checkConfirmed(s: LedgerState, d: EventData['ClassConfirmed']): Check {
  const grade = classGrade(s, d.year, d.class);
  if (typeof grade !== 'number') return grade;
  if (s.marks.has(marks.confirmed(d.year, d.class, d.term)))
    return alreadySigned(`class ${d.class} is already confirmed for ${d.term}`);
  const subjects = s.curriculum.get(`${d.year}/${grade}`) ?? [];
  const missing = subjects.filter((x) => !s.marks.has(marks.signed(d.year, d.class, x, d.term)));
  if (missing.length > 0) {
    return ledgerError('out-of-order', `subject teachers have not signed off ${missing.join(', ')} for ${d.term}`, {
      path: ['data', 'term'],
      rule: 'QC Điều 8.5, 9.3',
      details: { missing },
    });
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------

function periodsOverlap(a: WindowPeriod, b: WindowPeriod): boolean {
  // The summer covers cells no other period covers.
  if (a === 'HE' || b === 'HE') return a === b;
  if (a === b || a === 'CN' || b === 'CN') return true;
  const term = (p: WindowPeriod): string => (p === 'GK1' || p === 'HK1' ? 'HK1' : 'HK2');
  return term(a) === term(b);
}

function scopesOverlap(a: WindowScope, b: WindowScope): boolean {
  return (['grade', 'class', 'subject', 'column', 'student'] as const).every(
    (f) => a[f] === undefined || b[f] === undefined || a[f] === b[f],
  );
}

function checkWindowOpened(s: LedgerState, d: EventData['WindowOpened']): Check {
  if (!s.years.has(d.year)) return unknownYear(d.year);
  if (s.windows.has(d.window))
    return ledgerError('duplicate-window', `window id "${d.window}" is already used`, {
      path: ['data', 'window'],
      rule: RULES.window,
    });
  if (d.scope.class !== undefined) {
    const g = classGrade(s, d.year, d.scope.class, ['data', 'scope', 'class']);
    if (typeof g !== 'number') return g;
  }
  if (d.scope.subject !== undefined && !s.subjects.has(d.scope.subject)) {
    return ledgerError('unknown-subject', `subject "${d.scope.subject}" is not defined`, {
      path: ['data', 'scope', 'subject'],
    });
  }
  if (d.opens !== undefined && d.closes !== undefined && !(Date.parse(d.opens) < Date.parse(d.closes))) {
    return ledgerError('invalid-data', 'a window closes after it opens', {
      path: ['data', 'closes'],
      rule: RULES.window,
    });
  }
  if (d.reason === undefined) {
    for (const id of s.windowsByYear.get(d.year) ?? []) {
      const w = s.windows.get(id);
      if (
        w !== undefined &&
        w.closed &&
        periodsOverlap(w.data.period, d.period) &&
        scopesOverlap(w.data.scope, d.scope)
      ) {
        return ledgerError('unlock-needs-reason', `this reopens entry locked by window "${id}": give a reason`, {
          path: ['data', 'reason'],
          rule: RULES.window,
          details: { locked: id },
        });
      }
    }
  }
  return null;
}

function windowCovers(w: WindowState, cell: CellRef, grade: number): boolean {
  const p = w.data.period;
  const periodOk =
    cell.summer === true
      ? p === 'HE'
      : p === 'CN' ||
        p === cell.term ||
        (cell.mid && ((p === 'GK1' && cell.term === 'HK1') || (p === 'GK2' && cell.term === 'HK2')));
  const sc = w.data.scope;
  return (
    periodOk &&
    (sc.grade === undefined || sc.grade === grade) &&
    (sc.class === undefined || sc.class === cell.class) &&
    (sc.subject === undefined || sc.subject === cell.subject) &&
    (sc.column === undefined || sc.column === cell.column) &&
    (sc.student === undefined || sc.student === cell.student)
  );
}

function checkWindow(s: LedgerState, cell: CellRef, grade: number, at: Date): Check {
  const ms = at.getTime();
  let missed: { id: string; why: string } | undefined;
  for (const id of s.windowsByYear.get(cell.year) ?? []) {
    const w = s.windows.get(id);
    if (w === undefined || !windowCovers(w, cell, grade)) continue;
    const opens = w.data.opens === undefined ? -Infinity : Date.parse(w.data.opens);
    const closes = w.data.closes === undefined ? Infinity : Date.parse(w.data.closes);
    if (w.closed) missed = { id, why: 'was closed' };
    else if (ms < opens) missed = { id, why: `opens at ${w.data.opens}` };
    else if (ms >= closes) missed = { id, why: `closed at ${w.data.closes}` };
    else return null;
  }
  const what = `${cell.column}${cell.subject === undefined ? '' : ` of ${cell.subject}`}, ${cell.class} ${cell.term ?? ''} ${cell.year}`;
  return missed === undefined
    ? ledgerError('outside-window', `no entry window is open for ${what}`, { path: ['data'], rule: RULES.window })
    : ledgerError('outside-window', `entry window "${missed.id}" for ${what} ${missed.why}`, {
        path: ['data'],
        rule: RULES.window,
        details: { window: missed.id },
      });
}

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

/** Is the cell's term closed by a sign-off (subject columns) or a class confirmation (homeroom records)? */
function signedOff(s: LedgerState, cell: CellRef): boolean {
  if (cell.term === undefined) return false;
  if (cell.writer === 'subject' && cell.subject !== undefined) {
    return (
      s.marks.has(marks.signed(cell.year, cell.class, cell.subject, cell.term)) ||
      s.marks.has(marks.signed(cell.year, cell.class, cell.subject, 'CN'))
    );
  }
  return (
    s.marks.has(marks.confirmed(cell.year, cell.class, cell.term)) ||
    s.marks.has(marks.confirmed(cell.year, cell.class, 'CN'))
  );
}

const LEVEL_OF_TYPE: {
  readonly [K in CellEventType]?: {
    readonly min: number;
    readonly max: number;
    readonly rule: string;
    readonly what: string;
  };
} = {
  ConductAssessed: { min: 6, max: 12, rule: 'TT22 Điều 8', what: 'conduct is assessed in secondary grades (6–12)' },
  QualityAssessed: {
    min: 1,
    max: 5,
    rule: 'TT27 Điều 6',
    what: 'qualities and competencies are assessed in primary grades (1–5)',
  },
  AbsenceRecorded: {
    min: 1,
    max: 12,
    rule: RULES.homeroom,
    what: 'session absences are kept from grade 1 (preschool keeps daily attendance)',
  },
  AttendanceRecorded: { min: 0, max: 0, rule: 'docs/grading.md#preschool-who', what: 'daily attendance is the preschool record' },
  GrowthMeasured: { min: 0, max: 0, rule: 'docs/grading.md#preschool-who', what: 'weight and height are the preschool record' },
  ConductReevaluated: {
    min: 6,
    max: 12,
    rule: 'TT22 Điều 12',
    what: 'conduct is re-evaluated in secondary grades (6–12)',
  },
};

function checkCell(s: LedgerState, v: EventView, type: CellEventType, data: EventData[CellEventType]): Check {
  const grade = classGrade(s, data.year, data.class);
  if (typeof grade !== 'number') return grade;
  const cell = placeCell(s, cellOf(type, data as never, v.stream));

  const lv = LEVEL_OF_TYPE[type];
  if (lv !== undefined && (grade < lv.min || grade > lv.max)) {
    return ledgerError('wrong-level', `${type}: ${lv.what}; class ${data.class} is grade ${grade}`, {
      path: ['type'],
      rule: lv.rule,
    });
  }
  if (cell.subject !== undefined) {
    const off = s.offerings.get(`${data.year}/${grade}/${cell.subject}`);
    if (off === undefined) {
      return ledgerError('subject-not-offered', `${cell.subject} is not offered to grade ${grade} in ${data.year}`, {
        path: ['data', 'subject'],
      });
    }
    const bad = assessmentMismatch(type, off.assessment, off.midTermTests === true, data);
    if (bad !== null) return bad;
    if (type === 'ScoreEntered' || type === 'CommentLevelEntered') {
      const d = data as EventData['ScoreEntered'];
      if (d.column === 'tx') {
        if (d.index === undefined)
          return ledgerError('invalid-data', 'a regular assessment (tx) needs its index', {
            path: ['data', 'index'],
            rule: RULES.regularCount,
          });
        const n = regularCount(off.assessment === 'comment' ? 'comment' : 'scored', off.periodsPerYear);
        if (d.index > n) {
          return ledgerError(
            'regular-index-out-of-range',
            `${cell.subject} (${off.periodsPerYear} periods a year) has ${n} regular assessments per term, not ${d.index}`,
            {
              path: ['data', 'index'],
              rule: RULES.regularCount,
            },
          );
        }
      } else if (d.index !== undefined) {
        return ledgerError('invalid-data', `the ${d.column} column has one assessment per term and no index`, {
          path: ['data', 'index'],
          rule: 'TT22 Điều 7',
        });
      }
    }
  }
  if (cell.summer === true) {
    const summer = checkSummer(s, cell);
    if (summer !== null) return summer;
  } else if (cell.date !== undefined && cell.term === undefined) {
    return ledgerError('date-outside-year', `${cell.date} is outside the terms of ${data.year}`, {
      path: ['data', 'date'],
    });
  }
  const inClass = inClassCheck(s, data.year, data.class, data.student);
  if (inClass !== null) return inClass;
  if (cell.summer !== true && signedOff(s, cell)) {
    return ledgerError(
      'cell-signed-off',
      `${cell.term} of this ${cell.writer === 'subject' ? 'subject' : 'class'} is signed off; change it by a correction`,
      {
        path: ['data'],
        rule: RULES.correction,
      },
    );
  }
  const existing = s.cells.get(cell.key);
  if (existing !== undefined) {
    const amend =
      s.school?.rules?.authorMayAmend === true &&
      cell.windowed &&
      s.keys.get(existing.author)?.person === s.keys.get(v.by.key)?.person &&
      existing.corrections === 0;
    if (!amend) {
      return ledgerError(
        'cell-already-entered',
        `this cell already holds "${existing.value}" (event ${existing.entry}); change it by a correction`,
        {
          path: ['data'],
          rule: RULES.correction,
          details: { entry: existing.entry, value: existing.value },
        },
      );
    }
  }
  if (cell.windowed) return checkWindow(s, cell, grade, v.at);
  return null;
}

/**
 * Re-tests and conduct re-evaluation (TT22 Điều 12) come after the year: dated after the year's
 * last term, and only once the year results they revisit are final — the subject signed off for
 * HK2 or the year (re-tests), the class confirmed for HK2 or the year (re-evaluation).
 */
function checkSummer(s: LedgerState, cell: CellRef): Check {
  const y = s.years.get(cell.year);
  if (y === undefined) return unknownYear(cell.year);
  if (cell.date === undefined || !(cell.date > y.terms.HK2.end)) {
    return ledgerError(
      'date-before-year-end',
      `a ${cell.column === 'retest' ? 're-test' : 're-evaluation'} is dated after the year's last term (${y.terms.HK2.end})`,
      {
        path: ['data', 'date'],
        rule: 'TT22 Điều 12',
      },
    );
  }
  const final =
    cell.writer === 'subject' && cell.subject !== undefined
      ? s.marks.has(marks.signed(cell.year, cell.class, cell.subject, 'HK2')) ||
        s.marks.has(marks.signed(cell.year, cell.class, cell.subject, 'CN'))
      : s.marks.has(marks.confirmed(cell.year, cell.class, 'HK2')) ||
        s.marks.has(marks.confirmed(cell.year, cell.class, 'CN'));
  if (!final) {
    const missing =
      cell.writer === 'subject' ? `SubjectSignedOff ${cell.subject ?? ''} HK2` : `ClassConfirmed ${cell.class} HK2`;
    return ledgerError(
      'out-of-order',
      `the year results are not final yet (${missing}): re-tests and re-evaluation come after them`,
      {
        path: ['data'],
        rule: 'TT22 Điều 12',
        details: { missing: [missing] },
      },
    );
  }
  return null;
}

function assessmentMismatch(
  type: CellEventType,
  assessment: string,
  midTermTests: boolean,
  data: EventData[CellEventType],
): Check {
  const want: { readonly [K in CellEventType]?: readonly string[] } = {
    ScoreEntered: ['scored'],
    CommentLevelEntered: ['comment'],
    SubjectLevelEntered: ['level', 'level-tested'],
    TestScoreEntered: ['level-tested'],
    RetestScoreEntered: ['scored'],
    RetestCommentLevelEntered: ['comment'],
  };
  const ok = want[type];
  if (ok !== undefined && !ok.includes(assessment)) {
    const rule = type === 'SubjectLevelEntered' || type === 'TestScoreEntered' ? RULES.tt27 : RULES.tt22;
    return ledgerError('wrong-assessment', `${type} does not fit a subject assessed "${assessment}" here`, {
      path: ['type'],
      rule,
    });
  }
  if (type === 'TestScoreEntered') {
    const p = (data as EventData['TestScoreEntered']).period;
    if ((p === 'GK1' || p === 'GK2') && !midTermTests) {
      return ledgerError('wrong-assessment', 'this subject has no mid-term test', {
        path: ['data', 'period'],
        rule: 'TT27 Điều 7',
      });
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Corrections
// ---------------------------------------------------------------------------------------------

function checkCorrection(s: LedgerState, v: EventView, d: EventData['CorrectionMade']): Check {
  const rule = RULES.correction;
  // An unknown or revoked requester learns nothing about the cell.
  const author = activeKey(s, v.by.key, ['by', 'key']);
  if ('code' in author) return author;
  const target = s.ids.get(d.target);
  if (target === undefined || target.cell === undefined) {
    return ledgerError('unknown-target', `event ${d.target} is not an entry of a value`, {
      path: ['data', 'target'],
      rule,
    });
  }
  if (target.stream !== v.stream) {
    return ledgerError(
      'wrong-stream',
      `a correction lives in the stream of the value it corrects ("${target.stream}")`,
      { path: ['stream'], rule },
    );
  }
  const cell = s.cells.get(target.cell);
  if (cell === undefined)
    return ledgerError('unknown-target', `event ${d.target} wrote no cell`, { path: ['data', 'target'], rule });
  if (!sameValue(cell.value, d.old)) {
    return ledgerError('stale-old-value', `the cell holds "${cell.value}", not "${d.old}"`, {
      path: ['data', 'old'],
      rule,
      details: { current: cell.value },
    });
  }
  const valid = cell.ref.codec.decode(d.new);
  if (valid._tag === 'Left') {
    const [first] = ioErrors(valid.left, ['data', 'new']);
    return ledgerError('invalid-value', first?.message ?? 'not a valid value for this cell', {
      path: ['data', 'new'],
      rule: first?.rule ?? rule,
    });
  }
  if (sameValue(cell.value, d.new))
    return ledgerError('no-change', 'the new value equals the old one', { path: ['data', 'new'], rule });

  // The three places: requester (author), approver (leader), witness (admin).
  if (v.by.role !== cell.ref.writer) {
    return ledgerError(
      'not-permitted',
      `a correction of this value is requested in the ${cell.ref.writer} role, not "${v.by.role}"`,
      { path: ['by', 'role'], rule },
    );
  }
  if (d.requester !== v.by.key)
    return ledgerError('invalid-data', 'the requester is the author (by.key)', { path: ['data', 'requester'], rule });
  const want: Array<{ key: string; role: string; path: string }> = [
    { key: d.approver, role: 'leader', path: 'approver' },
    { key: d.witness, role: 'admin', path: 'witness' },
  ];
  for (const w of want) {
    if (!v.signers.slice(1).some((x) => x.key === w.key && x.role === w.role)) {
      return ledgerError('missing-signature', `the ${w.path} must sign in the ${w.role} role`, {
        path: ['data', w.path],
        rule,
      });
    }
  }
  if (v.signers.length !== 3)
    return ledgerError('unexpected-signature', 'a correction carries exactly three signatures', {
      path: ['sigs'],
      rule,
    });

  const scope: Grant =
    cell.ref.writer === 'subject' && cell.ref.subject !== undefined
      ? { role: 'subject', year: cell.ref.year, class: cell.ref.class, subject: cell.ref.subject }
      : { role: 'homeroom', year: cell.ref.year, class: cell.ref.class };
  const requester = checkHolder(s, d.requester, scope, ['data', 'requester']);
  if ('code' in requester) return requester;
  const approver = checkHolder(s, d.approver, { role: 'leader' }, ['data', 'approver']);
  if ('code' in approver) return approver;
  const witness = checkHolder(s, d.witness, { role: 'admin' }, ['data', 'witness']);
  if ('code' in witness) return witness;
  const people = [requester.person, approver.person, witness.person];
  if (new Set(people).size !== 3) {
    const dup = people.find((p, i) => people.indexOf(p) !== i);
    return ledgerError(
      'same-person-twice',
      `${dup} fills two of the three places; requester, approver and witness are three people`,
      { path: ['data'], rule },
    );
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Replay
// ---------------------------------------------------------------------------------------------

/**
 * The verifier's entry point: may the stored event `env` stand at position `s.size` of the log
 * whose fold is `s`? Checks the ledger id, the stream chain (rev, prev) and every rule of
 * {@link checkEvent}, with windows checked at the event's `at`. Does not verify signatures (use
 * `verifyEnvelopeSignatures`). Returns null when the event is allowed. Pure.
 */
export function replayCheck(s: LedgerState, env: Envelope): LedgerError | null {
  if (s.ledger !== null && env.ledger !== s.ledger) {
    return ledgerError('wrong-ledger', `event of ledger "${env.ledger}" in ledger "${s.ledger}"`, { path: ['ledger'] });
  }
  const head = s.heads.get(env.stream);
  const rev = head === undefined ? 0 : head.rev + 1;
  const prev = head === undefined ? null : head.leafHash;
  if (env.rev !== rev || env.prev !== prev) {
    return ledgerError('stream-conflict', `stream "${env.stream}" expects rev ${rev} after ${prev ?? 'nothing'}`, {
      path: ['rev'],
      rule: RULES.envelope,
    });
  }
  const at = Date.parse(env.at);
  if (Number.isNaN(at))
    return ledgerError('invalid-envelope', 'at is not an RFC 3339 time', { path: ['at'], rule: RULES.envelope });
  return checkEvent(s, {
    ledger: env.ledger,
    stream: env.stream,
    type: env.type,
    data: env.data,
    by: env.by,
    signers: env.sigs.map((x) => ({ key: x.key, role: x.role })),
    at: new Date(at),
  });
}

function short(key: string): string {
  return `${key.slice(0, 8)}…`;
}
