/**
 * The rules every event meets before its own: the genesis comes first and only once (QC Điều 6.1),
 * the event belongs to this ledger and to the stream its type names, its first signature is its
 * author's (docs/design.md §3), and the author acts in the role its type needs, holding that role
 * with the event's scope (QC Điều 7.2 and the articles of `AUTHOR_ROLE`).
 */
import { ledgerError } from '../errors.js';
import type { EventData, LedgerEvent } from '../events.js';
import { AUTHOR_ROLE } from '../roles.js';
import { grantsOf, type LedgerState } from '../state.js';
import { streamKind, streamOf } from '../streams.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import { activeKey, holderOf, scopeFor, type Problems } from './lookups.js';

/** Genesis: first in the log, in stream `school`, the school id the ledger id, signed by its root key alone. */
export function checkGenesis(s: LedgerState, v: EventView, d: EventData['SchoolFounded'], out: Problems): void {
  if (s.school !== null || s.size > 0)
    out.push(
      ledgerError('already-founded', 'the ledger already has events; genesis comes first', {
        path: ['type'],
        rule: RULES.accounts,
      }),
    );
  if (v.stream !== 'school')
    out.push(ledgerError('wrong-stream', 'SchoolFounded belongs in stream "school"', { path: ['stream'] }));
  if (d.school !== v.ledger)
    out.push(
      ledgerError('wrong-ledger', `the school id "${d.school}" must be the ledger id "${v.ledger}"`, {
        path: ['data', 'school'],
      }),
    );
  if (d.levels.length === 0)
    out.push(ledgerError('invalid-data', 'a school runs at least one level', { path: ['data', 'levels'] }));
  if (v.by.key !== d.rootKey || v.by.role !== 'leader')
    out.push(
      ledgerError('not-permitted', 'genesis is signed by the root key it names, in the leader role', {
        path: ['by'],
        rule: RULES.accounts,
      }),
    );
  const first = v.signers[0];
  if (v.signers.length !== 1 || first === undefined || first.key !== d.rootKey || first.role !== 'leader')
    out.push(
      ledgerError('invalid-envelope', "genesis carries exactly the root key's signature", {
        path: ['sigs'],
        rule: RULES.envelope,
      }),
    );
}

/**
 * The ledger and the stream: corrections go to their target's stream (checked with the target), the
 * rest where `streamOf` says.
 */
export function checkPlacement(s: LedgerState, v: EventView, ev: LedgerEvent, out: Problems): void {
  if (s.ledger !== v.ledger)
    out.push(
      ledgerError('wrong-ledger', `event of ledger "${v.ledger}" in ledger "${s.ledger}"`, { path: ['ledger'] }),
    );
  if (ev.type === 'CorrectionMade' || ev.type === 'ActCertified') {
    if (streamKind(v.stream) === null)
      out.push(ledgerError('wrong-stream', `"${v.stream}" is not a stream name`, { path: ['stream'] }));
    return;
  }
  const expected = streamOf(ev);
  if (expected !== v.stream)
    out.push(
      ledgerError('wrong-stream', `${ev.type} belongs in stream "${expected}", not "${v.stream}"`, {
        path: ['stream'],
      }),
    );
}

/** The first signature is the author's (`by`). */
export function checkFirstSignature(v: EventView, out: Problems): void {
  const first = v.signers[0];
  if (first === undefined || first.key !== v.by.key || first.role !== v.by.role)
    out.push(
      ledgerError('invalid-envelope', "the first signature must be the author's (by.key, by.role)", {
        path: ['sigs', 0],
        rule: RULES.envelope,
      }),
    );
}

/**
 * The author acts in the role the event type needs and holds it with the event's scope; only a key
 * registration carries co-signatures besides the author's (corrections check theirs with the
 * target). Returns whether the author's key is active: a refusal to anyone else must not show what
 * the ledger holds (a cell's value, say).
 */
export function checkAuthor(s: LedgerState, v: EventView, ev: LedgerEvent, out: Problems): boolean {
  checkFirstSignature(v, out);
  const need = AUTHOR_ROLE[ev.type];
  if (need.role === 'founder') {
    out.push(
      ledgerError('already-founded', 'the ledger already has its genesis event', { path: ['type'], rule: need.rule }),
    );
    return activeKey(s, v.by.key, ['by', 'key'], out) !== null;
  }
  if (need.role === 'signer') return s.keys.get(v.by.key)?.revoked === false; // checked with the act
  if (need.role === 'reader') {
    // A logged read is the reader's own act, in any role they hold (any scope): who read is the record.
    const person = activeKey(s, v.by.key, ['by', 'key'], out);
    if (person !== null && !grantsOf(s, person).some((g) => g.role === v.by.role))
      out.push(
        ledgerError('role-not-held', `${person} does not hold the role ${v.by.role}`, {
          path: ['by', 'role'],
          rule: need.rule,
        }),
      );
    if (v.signers.length > 1)
      out.push(
        ledgerError('unexpected-signature', `${ev.type} is signed by its author only`, {
          path: ['sigs', 1],
          rule: RULES.envelope,
        }),
      );
    return person !== null;
  }
  if (need.role === 'writer') {
    // A correction is requested in the role that writes the corrected cell; the rest is checked with the target.
    if (v.by.role !== 'subject' && v.by.role !== 'homeroom')
      out.push(
        ledgerError(
          'not-permitted',
          `a correction is requested in the role that writes the value (subject or homeroom), not "${v.by.role}"`,
          { path: ['by', 'role'], rule: need.rule },
        ),
      );
    return s.keys.get(v.by.key)?.revoked === false;
  }
  let active: boolean;
  if (v.by.role !== need.role) {
    out.push(
      ledgerError('not-permitted', `${ev.type} is written by the ${need.role} role, not "${v.by.role}"`, {
        path: ['by', 'role'],
        rule: need.rule,
      }),
    );
    active = activeKey(s, v.by.key, ['by', 'key'], out) !== null;
  } else {
    const before = out.length;
    holderOf(s, v.by.key, scopeFor(need.role, ev.data), ['by', 'key'], out);
    active = out.length === before || out[out.length - 1]?.code === 'role-not-held';
  }
  if (ev.type !== 'KeyRegistered' && v.signers.length > 1)
    out.push(
      ledgerError('unexpected-signature', `${ev.type} is signed by its author only`, {
        path: ['sigs', 1],
        rule: RULES.envelope,
      }),
    );
  return active;
}
