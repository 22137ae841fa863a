/**
 * The rules, as one pure function over (state, event): {@link checkEvent} answers whether an event
 * may stand at the end of the log whose fold is `state`, with every problem it has. The writer runs
 * it before signing (`decide`), `submit` runs it on events signed elsewhere, and the verifier
 * replays it by position ({@link replayCheck}), so all three apply exactly the same rules. One file
 * per concern, each naming the articles it enforces: envelope (genesis, placement, author),
 * identities (accounts, keys, consent, roles), setup, students, windows, entries, corrections,
 * sign-offs and their completeness (completeness.ts), the year as it runs (make-ups, exemptions,
 * plans, recognition, sessions a day), certificates (the structure of CA-backed signatures; their
 * cryptography is async, in `certs/check.ts`).
 */
import type { Envelope } from '@hoso/core';
import { ledgerError, type LedgerError } from '../errors.js';
import { isEventType, type LedgerEvent } from '../events.js';
import { isCellEvent } from '../cells.js';
import { ioErrors } from '../decode.js';
import { decodeData } from '../payloads.js';
import type { LedgerState } from '../state.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import { activeKey, type Problems } from './lookups.js';
import { checkAuthor, checkFirstSignature, checkGenesis, checkPlacement } from './envelope.js';
import { checkKeyRegistered, checkKeyRevoked, checkRoleChange, checkStaff } from './identities.js';
import { checkClassOpened, checkOffering, checkSubject, checkYear } from './setup.js';
import { checkBiographyChanged, checkEnrolled, checkStudentRegistered, checkTransferred } from './students.js';
import { checkWindowClosed, checkWindowOpened } from './windows.js';
import { checkAccessed, checkAccessLogAdopted } from './access.js';
import { checkCell } from './entries.js';
import { checkCorrection } from './corrections.js';
import { checkApproved, checkConfirmed, checkSealed, checkSignedOff } from './signoffs.js';
import { checkClassComplete, checkSubjectComplete } from './completeness.js';
import {
  checkExemption,
  checkIndividualPlan,
  checkPromotion,
  checkRecognition,
  checkSessions,
  checkTestMissed,
} from './year.js';
import { checkActCertified, checkCertificateBound } from './certificates.js';
import { checkBiographyFormat, checkErased, checkFormatAdopted } from './personal.js';

export { RULES } from './articles.js';
export { regularCount } from './setup.js';
export { missingMarks, type GapReason } from './completeness.js';
export { holds } from '../state.js';

/** No problem: shared, so an allowed event costs no array of its own. */
const NONE: readonly LedgerError[] = Object.freeze([]);

/**
 * May this event stand next in the log whose fold is `s`? An empty array when it may; otherwise
 * every problem found, in the order of the rules (the writer refuses with the first). No rule is
 * skipped because an earlier one failed; a rule that cannot be evaluated (a correction's target that
 * does not exist) is a problem of its own. Pure: `s` is not changed. Signatures are not verified
 * here (that is bytes' business: `verifyEnvelopeSignatures`); which keys signed in which roles is.
 */
export function checkEvent(s: LedgerState, v: EventView): readonly LedgerError[] {
  const out: Problems = [];
  const ev = decodePayload(v, out);
  if (ev === null) {
    // What can be said without the payload.
    if (s.school === null) out.push(noGenesis());
    else {
      if (s.ledger !== v.ledger)
        out.push(
          ledgerError('wrong-ledger', `event of ledger "${v.ledger}" in ledger "${s.ledger}"`, { path: ['ledger'] }),
        );
      checkFirstSignature(v, out);
      activeKey(s, v.by.key, ['by', 'key'], out);
    }
    return out;
  }
  if (ev.type === 'SchoolFounded') checkGenesis(s, v, ev.data, out);
  else if (s.school === null) out.push(noGenesis());
  else {
    checkPlacement(s, v, ev, out);
    const disclose = checkAuthor(s, v, ev, out);
    checkSpecific(s, v, ev, disclose, out);
  }
  return out.length === 0 ? NONE : out;
}

function noGenesis(): LedgerError {
  return ledgerError('no-genesis', 'the ledger has no genesis event yet (SchoolFounded comes first)', {
    path: ['type'],
  });
}

/** The payload as its type's catalogue codec reads it, or null with every catalogue problem pushed. */
function decodePayload(v: EventView, out: Problems): LedgerEvent | null {
  if (!isEventType(v.type)) {
    out.push(
      ledgerError('unknown-event-type', `unknown event type "${v.type}"`, {
        path: ['type'],
        details: { source: 'catalogue' },
      }),
    );
    return null;
  }
  const decoded = decodeData(v.type, v.data);
  if (decoded._tag === 'Left') {
    const problems = ioErrors(decoded.left, ['data'], 'invalid-data', 'catalogue');
    out.push(
      ...(problems.length > 0
        ? problems
        : [ledgerError('invalid-data', 'invalid payload', { path: ['data'], details: { source: 'catalogue' } })]),
    );
    return null;
  }
  // The codec of `v.type` decoded it, so the pair is that member of the union.
  return { type: v.type, data: decoded.right } as LedgerEvent;
}

/** The rules of the event's own type (the compiler checks that none is left out). */
function checkSpecific(s: LedgerState, v: EventView, ev: LedgerEvent, disclose: boolean, out: Problems): void {
  if (isCellEvent(ev)) {
    checkCell(s, v, ev, disclose, out);
    return;
  }
  switch (ev.type) {
    case 'SchoolFounded':
      return;
    case 'AcademicYearDefined':
      return checkYear(s, ev.data, out);
    case 'SubjectDefined':
      return checkSubject(s, ev.data, out);
    case 'SubjectOffered':
      return checkOffering(s, ev.data, out);
    case 'ClassOpened':
      return checkClassOpened(s, ev.data, out);
    case 'StaffRegistered':
      return checkStaff(s, ev.data, out);
    case 'CertificateBound':
      return checkCertificateBound(s, ev.data, out);
    case 'ActCertified':
      return checkActCertified(s, v, ev.data, out);
    case 'KeyRegistered':
      return checkKeyRegistered(s, v, ev.data, out);
    case 'KeyRevoked':
      return checkKeyRevoked(s, ev.data, out);
    case 'RoleGranted':
    case 'RoleRevoked':
      return checkRoleChange(s, ev.type, ev.data, out);
    case 'StudentRegistered':
      checkBiographyFormat(s, ev.data, out);
      return checkStudentRegistered(s, ev.data, out);
    case 'StudentEnrolled':
      return checkEnrolled(s, ev.data, out);
    case 'StudentTransferred':
      return checkTransferred(s, ev.data, out);
    case 'BiographyChanged':
      checkBiographyFormat(s, ev.data, out);
      return checkBiographyChanged(s, ev.data, out);
    case 'PersonalDataFormatAdopted':
      return checkFormatAdopted(s, out);
    case 'PersonalDataErased':
      return checkErased(s, ev.data, out);
    case 'AccessLogAdopted':
      return checkAccessLogAdopted(s, out);
    case 'PersonalDataAccessed':
      return checkAccessed(s, v, ev.data, out);
    case 'SubjectSignedOff':
      checkSignedOff(s, ev.data, out);
      return checkSubjectComplete(s, ev.data, out);
    case 'ClassConfirmed':
      checkConfirmed(s, ev.data, out);
      return checkClassComplete(s, ev.data, out);
    case 'ClassApproved':
      return checkApproved(s, ev.data, out);
    case 'BookSealed':
      return checkSealed(s, ev.data, out);
    case 'WindowOpened':
      return checkWindowOpened(s, ev.data, out);
    case 'WindowClosed':
      return checkWindowClosed(s, ev.data, out);
    case 'CorrectionMade':
      return checkCorrection(s, v, ev.data, disclose, out);
    case 'TestMissed':
      return checkTestMissed(s, v.stream, ev.data, out);
    case 'ExemptionDecided':
      return checkExemption(s, ev.data, out);
    case 'IndividualPlanRecorded':
      return checkIndividualPlan(s, ev.data, out);
    case 'PromotionDecided':
      return checkPromotion(s, ev.data, out);
    case 'RecognitionRecorded':
      return checkRecognition(s, ev.data, out);
    case 'SessionsPerDaySet':
      return checkSessions(s, ev.data, out);
    default:
      return unreachable(ev);
  }
}

function unreachable(ev: never): never {
  throw new Error(`internal: no rules for event type ${(ev as { type: string }).type}`);
}

/**
 * The verifier's entry point: may the stored event `env` stand at position `s.size` of the log
 * whose fold is `s`? Checks the stream chain (rev, prev), the time and every rule of
 * {@link checkEvent}, with windows checked at the event's `at`. Does not verify signatures (use
 * `verifyEnvelopeSignatures`). An empty array when the event is allowed. Pure.
 */
export function replayCheck(s: LedgerState, env: Envelope): readonly LedgerError[] {
  const chain: Problems = [];
  const head = s.heads.get(env.stream);
  const rev = head === undefined ? 0 : head.rev + 1;
  const prev = head === undefined ? null : head.leafHash;
  if (env.rev !== rev || env.prev !== prev)
    chain.push(
      ledgerError('stream-conflict', `stream "${env.stream}" expects rev ${rev} after ${prev ?? 'nothing'}`, {
        path: ['rev'],
        rule: RULES.envelope,
      }),
    );
  const at = Date.parse(env.at);
  if (Number.isNaN(at)) {
    chain.push(ledgerError('invalid-envelope', 'at is not an RFC 3339 time', { path: ['at'], rule: RULES.envelope }));
    return chain;
  }
  const rules = checkEvent(s, {
    ledger: env.ledger,
    stream: env.stream,
    type: env.type,
    data: env.data,
    by: env.by,
    signers: env.sigs,
    at: new Date(at),
  });
  return chain.length === 0 ? rules : [...chain, ...rules];
}
