/**
 * The structure of CA-backed signatures (docs/legal.md): a certificate is bound once, to a person
 * with an account; a CA signature names an act that takes one, sits in the act's stream, is written
 * by the act's own signer (the same key and role) with a certificate bound to that signer, once per
 * signer. The cryptography — the certificate's path to a trusted root, the CMS, the proof of
 * possession, the identity number — is async and lives in `certs/check.ts`, shared by the writer
 * and the verifier like these rules.
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import { certificateDigest, marks, type LedgerState } from '../state.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import { activeKey, knownPerson, short, type Problems } from './lookups.js';

/** A certificate bound once, to a person with an account. */
export function checkCertificateBound(s: LedgerState, d: EventData['CertificateBound'], out: Problems): void {
  knownPerson(s, d.person, out);
  const digest = certificateDigest(d.certificate);
  if (digest === undefined)
    out.push(
      ledgerError('invalid-data', 'the certificate is not base64 DER', {
        path: ['data', 'certificate'],
        rule: 'RFC 4648 §4',
      }),
    );
  else {
    const bound = s.certificates.get(digest);
    if (bound !== undefined)
      out.push(
        ledgerError(
          'certificate-already-bound',
          `the certificate ${digest.slice(0, 16)}… is already bound to ${bound.person}`,
          {
            path: ['data', 'certificate'],
            rule: RULES.certificate,
          },
        ),
      );
  }
}

/** The bound certificate `digest` when it is `person`'s; otherwise the problem is pushed at `path`. */
export function boundTo(
  s: LedgerState,
  digest: string,
  person: string | null,
  path: ReadonlyArray<string | number>,
  out: Problems,
): boolean {
  const c = s.certificates.get(digest);
  if (c === undefined || (person !== null && c.person !== person)) {
    out.push(
      ledgerError(
        'certificate-not-bound',
        c === undefined
          ? `no certificate ${digest.slice(0, 16)}… is bound to anyone in this ledger`
          : `the certificate ${digest.slice(0, 16)}… is bound to ${c.person}, not to ${person ?? ''}`,
        { path, rule: RULES.certificate },
      ),
    );
    return false;
  }
  return true;
}

/**
 * A CA signature on an act: the act takes one, this event is in its stream, its author is one of
 * the act's signers with the same key and role, certifies once, and uses a certificate bound to
 * them.
 */
export function checkActCertified(s: LedgerState, v: EventView, d: EventData['ActCertified'], out: Problems): void {
  const act = s.acts.get(d.act);
  if (act === undefined) {
    const other = s.ids.get(d.act);
    out.push(
      ledgerError(
        'unknown-act',
        other === undefined
          ? `no event ${d.act} in this ledger`
          : `event ${d.act} is a ${other.type}: only sign-offs, confirmations, approvals, seals and corrections take a CA signature`,
        { path: ['data', 'act'], rule: RULES.certificate },
      ),
    );
  } else {
    if (act.stream !== v.stream)
      out.push(
        ledgerError('wrong-stream', `the CA signature of act ${d.act} belongs in its stream "${act.stream}"`, {
          path: ['stream'],
        }),
      );
    if (!act.signers.some((x) => x.role === v.by.role))
      out.push(
        ledgerError(
          'not-permitted',
          `a CA signature on ${act.type} ${d.act} is written in the role its signers signed it in (${act.signers.map((x) => x.role).join(', ')}), not "${v.by.role}"`,
          { path: ['by', 'role'], rule: RULES.certificate },
        ),
      );
    else if (!act.signers.some((x) => x.key === v.by.key && x.role === v.by.role))
      out.push(
        ledgerError(
          'not-act-signer',
          `key ${short(v.by.key)} did not sign ${act.type} ${d.act} in role "${v.by.role}": a CA signature is put on an act by its own signer`,
          { path: ['by'], rule: RULES.certificate },
        ),
      );
    if (s.marks.has(marks.certified(d.act, v.by.key)))
      out.push(
        ledgerError('already-certified', `key ${short(v.by.key)} has already put a CA signature on ${d.act}`, {
          path: ['data', 'act'],
          rule: RULES.certificate,
        }),
      );
  }
  const person = activeKey(s, v.by.key, ['by', 'key'], out);
  boundTo(s, d.certificate, person, ['data', 'certificate'], out);
  if (v.signers.length > 1)
    out.push(
      ledgerError('unexpected-signature', 'ActCertified is signed by its author only', {
        path: ['sigs', 1],
        rule: RULES.envelope,
      }),
    );
}
