/**
 * Accounts, keys and roles: one account per person (QC Điều 6.1), one key one person and a key
 * registered only with its person's own consent (QC Điều 7.1), revocation (QC Điều 6.1), and role
 * assignments with exactly the scope of their role (QC Điều 6.2a, 13). docs/permissions.md.
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import { CONSENT_ROLE, HOLDER_ROLE, ROLE_SCOPE } from '../roles.js';
import { holds, type LedgerState } from '../state.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import {
  activeKey,
  classGrade,
  describeGrant,
  knownPerson,
  knownYear,
  scopeFor,
  short,
  type Problems,
} from './lookups.js';

/** A person has one account. */
export function checkStaff(s: LedgerState, d: EventData['StaffRegistered'], out: Problems): void {
  if (s.persons.has(d.person))
    out.push(
      ledgerError('duplicate-person', `person "${d.person}" already has an account`, {
        path: ['data', 'person'],
        rule: RULES.personalKey,
      }),
    );
}

/**
 * A key registration: the person has an account, the key is new, the new key co-signs as `holder`
 * (proof of possession), and the person consents — by one of their active keys (`consent.by:
 * "key"`), by their bound certificate (`"certificate"`, whose CMS is checked in certs/check.ts), or,
 * when they hold none, by a leader (`"leader"`, QC Điều 6.1: the head provides the accounts). The
 * consenting key signs the registration: as a co-signer (role `consent`, or `leader`), or as its
 * author. No other signature is carried.
 */
export function checkKeyRegistered(s: LedgerState, v: EventView, d: EventData['KeyRegistered'], out: Problems): void {
  const person = knownPerson(s, d.person, out);
  if (s.keys.has(d.key))
    out.push(
      ledgerError(
        'key-already-registered',
        `key ${short(d.key)} is already registered (one key, one person; a key is never reused)`,
        {
          path: ['data', 'key'],
          rule: RULES.personalKey,
        },
      ),
    );
  let possession = -1;
  let consenting = -1;
  const c = d.consent;
  const consentRole =
    c === undefined ? undefined : c.by === 'key' ? CONSENT_ROLE : c.by === 'leader' ? 'leader' : undefined;
  const unexpected: number[] = [];
  for (let i = 1; i < v.signers.length; i++) {
    const x = v.signers[i]!;
    if (possession < 0 && x.key === d.key && x.role === HOLDER_ROLE) possession = i;
    else if (consenting < 0 && c !== undefined && c.by !== 'certificate' && x.key === c.key && x.role === consentRole)
      consenting = i;
    else unexpected.push(i);
  }
  if (possession < 0)
    out.push(
      ledgerError(
        'missing-signature',
        'the new key must co-sign its registration (role "holder") as proof of possession',
        {
          path: ['sigs', 1],
          rule: RULES.personalKey,
        },
      ),
    );
  for (const i of unexpected)
    out.push(
      ledgerError(
        'unexpected-signature',
        "a key registration carries the admin's, the new key's and the consenting key's signatures only",
        { path: ['sigs', i], rule: RULES.envelope },
      ),
    );
  if (c === undefined) {
    out.push(
      ledgerError(
        'missing-consent',
        `a key is registered with the consent of its person: one of ${d.person}'s own keys co-signs (role "consent"), or for a first key a leader (role "leader")`,
        { path: ['data', 'consent'], rule: RULES.personalKey },
      ),
    );
    return;
  }
  if (c.by === 'certificate') {
    // The certificate's key signs the consent (checked in certs/check.ts); no co-signature is carried.
    const bound = s.certificates.get(c.certificate);
    if (bound === undefined || bound.person !== d.person)
      out.push(
        ledgerError(
          'invalid-consent',
          `certificate ${c.certificate.slice(0, 16)}… is not bound to ${d.person}: only the person's own certificate consents to their key`,
          { path: ['data', 'consent', 'certificate'], rule: RULES.personalKey },
        ),
      );
    return;
  }
  const owner = s.keys.get(c.key);
  if (c.by === 'key') {
    if (person && (owner === undefined || owner.person !== d.person || owner.revoked))
      out.push(
        ledgerError(
          'invalid-consent',
          `key ${short(c.key)} is not an active key of ${d.person}: only the person's own key consents to a new one`,
          {
            path: ['data', 'consent', 'key'],
            rule: RULES.personalKey,
          },
        ),
      );
  } else {
    const p = s.persons.get(d.person);
    if (p !== undefined && p.activeKeys > 0)
      out.push(
        ledgerError(
          'invalid-consent',
          `${d.person} already holds an active key: a new key needs the consent of one of theirs (consent by "key")`,
          {
            path: ['data', 'consent', 'by'],
            rule: RULES.personalKey,
          },
        ),
      );
    if (owner === undefined || owner.revoked || !holds(s, owner.person, { role: 'leader' }))
      out.push(
        ledgerError(
          'invalid-consent',
          `key ${short(c.key)} is not an active key of a leader: a first key is registered with a leader's consent`,
          {
            path: ['data', 'consent', 'key'],
            rule: RULES.accounts,
          },
        ),
      );
  }
  // The author's signature covers the consent it names; any other consenting key co-signs.
  if (c.key !== v.by.key && consenting < 0)
    out.push(
      ledgerError(
        'missing-signature',
        `the consenting key ${short(c.key)} must co-sign the registration (role "${consentRole ?? ''}")`,
        {
          path: ['data', 'consent'],
          rule: RULES.personalKey,
        },
      ),
    );
}

/** Only an active key is revoked. */
export function checkKeyRevoked(s: LedgerState, d: EventData['KeyRevoked'], out: Problems): void {
  activeKey(s, d.key, ['data', 'key'], out);
}

/**
 * A grant or revocation carries exactly its role's scope; a grant is new and its scope exists; a
 * revocation ends a held grant.
 */
export function checkRoleChange(
  s: LedgerState,
  type: 'RoleGranted' | 'RoleRevoked',
  d: EventData['RoleGranted'] | EventData['RoleRevoked'],
  out: Problems,
): void {
  const person = knownPerson(s, d.person, out);
  const need = ROLE_SCOPE[d.role];
  let scoped = true;
  for (const f of ['year', 'class', 'subject'] as const) {
    const present = d[f] !== undefined;
    if (present !== need.includes(f)) {
      scoped = false;
      out.push(
        ledgerError('invalid-role-scope', `the ${d.role} role ${present ? 'takes no' : 'needs a'} ${f}`, {
          path: ['data', f],
          rule: 'QC Điều 13',
        }),
      );
    }
  }
  const g = scopeFor(d.role, d);
  if (type === 'RoleRevoked') {
    if (person && scoped && !holds(s, d.person, g))
      out.push(
        ledgerError('role-not-held', `${d.person} does not hold ${describeGrant(g)}`, { path: ['data', 'role'] }),
      );
    return;
  }
  if (person && scoped && holds(s, d.person, g))
    out.push(
      ledgerError('role-already-held', `${d.person} already holds ${describeGrant(g)}`, { path: ['data', 'role'] }),
    );
  if (d.year === undefined || !knownYear(s, d.year, out) || d.class === undefined) return;
  const grade = classGrade(s, d.year, d.class, out);
  if (grade !== undefined && d.subject !== undefined && !s.offerings.has(`${d.year}/${grade}/${d.subject}`))
    out.push(
      ledgerError('subject-not-offered', `${d.subject} is not offered to grade ${grade} in ${d.year}`, {
        path: ['data', 'subject'],
      }),
    );
}
