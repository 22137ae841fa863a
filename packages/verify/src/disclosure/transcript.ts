/**
 * A transcript (docs/personal-data.md §6): one pupil's events, each with its C2SP tlog-proof
 * against the school's signed checkpoint, the acts that sign their books, the key and role events
 * their signatures are traced through, and that pupil's openings — a partial bundle that verifies
 * on its own. What it cannot show (that nothing was left out; the school rules replayed over the
 * whole ledger) the report says in a `partial-bundle` finding.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, toHex, type Envelope } from '@hoso/core';
import { EVENT_CODECS, isEventType } from '@hoso/ledger';
import { compareFindings, type Finding } from '../findings.js';
import { say } from '../messages.js';
import { parseTrust, type TrustAnchors } from '../checkpoints.js';
import { verifyProof } from '../proofs.js';
import { groupProblems } from '../problems.js';
import { UNCHECKED_LEGAL } from '../passes/certificates.js';
import { verdictOf, type CheckpointSummary, type MissingAnchor, type VerifyReport } from '../report.js';
import type { VerifyInputError } from '../verify.js';
import { parseDisclosure, type Disclosure } from './format.js';
import { PersonalDataTally } from './check.js';

/** The role a new key signs its own registration in (proof of possession). */
const HOLDER = 'holder';

function payloadValid(env: Envelope): boolean {
  if (!isEventType(env.type)) return false;
  const codec = EVENT_CODECS[env.type] as { decode(u: unknown): { readonly _tag: 'Left' | 'Right' } };
  return codec.decode(env.data)._tag === 'Right';
}

/**
 * Verify a transcript on its own: every event's signatures and inclusion proof against the
 * checkpoint the disclosure names (signed by a trusted seal key), every signer's key traced through
 * the transcript's own key registrations to a trusted root key, the disclosure's signature by the
 * school's leader, and each opening against its commitment. Left only for bad input (not a
 * transcript, no seal key).
 */
export async function verifyTranscript(
  text: string | Disclosure,
  options: { readonly trust?: TrustAnchors } = {},
): Promise<Either<VerifyInputError, VerifyReport>> {
  const started = Date.now();
  const parsed = parseDisclosure(typeof text === 'string' ? text : JSON.stringify(text));
  if (parsed._tag === 'Left')
    return left(hosoError('invalid-argument', parsed.left.message, { path: parsed.left.path ?? ['disclosure'] }));
  const d = parsed.right;
  if (d.scope !== 'transcript')
    return left(
      hosoError('invalid-argument', `disclosure: a ${d.scope} disclosure goes with its bundle: verify the bundle`, {
        path: ['disclosure', 'scope'],
        rule: 'docs/formats.md §8',
      }),
    );
  const trust = parseTrust(options.trust ?? {});
  if (trust._tag === 'Left') return trust;
  if (trust.right.seals.length === 0)
    return left(
      hosoError('invalid-argument', "trust.sealKeys: a transcript is checked against the school's seal key", {
        path: ['trust', 'sealKeys'],
      }),
    );
  const findings: Finding[] = [];
  const report = (f: Finding): void => {
    findings.push(f);
  };
  const tally = new PersonalDataTally();
  const signedBy = new Set<string>();
  const cosignedBy = new Set<string>();
  let last = -1;
  let signatures = 0;
  for (const [i, proofText] of (d.events ?? []).entries()) {
    const p = verifyProof(proofText, options.trust ?? {});
    if (p._tag === 'Left') {
      report(say('transcript-event-invalid', {}, { index: i, reason: p.left.message }, { details: { index: i } }));
      continue;
    }
    const { event: env, position, checkpoint } = p.right;
    const site = { position, event: env.id, stream: env.stream };
    if (checkpoint.origin !== d.origin || checkpoint.size !== d.size || checkpoint.root !== d.root) {
      report(
        say(
          'transcript-event-invalid',
          site,
          { index: i, reason: "its proof is against another checkpoint than the disclosure's" },
          { details: { index: i } },
        ),
      );
      continue;
    }
    if (position <= last) {
      report(
        say(
          'transcript-event-invalid',
          site,
          { index: i, reason: 'events are not in ledger order' },
          { details: { index: i } },
        ),
      );
      continue;
    }
    last = position;
    p.right.signedBy.forEach((n) => signedBy.add(n));
    p.right.cosignedBy.forEach((n) => cosignedBy.add(n));
    signatures += env.sigs.length;
    if (!payloadValid(env)) {
      report(say('event-invalid', site, { kind: 'payload', type: env.type }));
      continue;
    }
    if (env.type === 'SchoolFounded') {
      const rootKey = (env.data as { rootKey: string }).rootKey;
      if (position !== 0 || env.by.key !== rootKey) report(say('genesis-untrusted', site, { kind: 'not-self-signed' }));
      else if (trust.right.rootKeys.size > 0 && !trust.right.rootKeys.has(rootKey))
        report(say('genesis-untrusted', site, { kind: 'untrusted-root', rootKey }, { details: { rootKey } }));
    } else {
      const own = env.type === 'KeyRegistered' ? (env.data as { key: string }).key : null;
      for (const s of env.sigs) {
        if (s.key === own && s.role === HOLDER) continue;
        const k = tally.keyOf(s.key);
        if (k === undefined || k.revoked)
          report(say('transcript-key-untraced', site, { key: s.key, role: s.role }, { details: { key: s.key } }));
      }
    }
    tally.add(env.type, env.id, env.data);
  }
  if (last < 0)
    report(say('transcript-event-invalid', {}, { index: 0, reason: 'the transcript carries no verifiable event' }));
  const asked: 'all' | readonly string[] = d.request.students;
  const student: string = asked === 'all' ? '?' : (asked[0] ?? '?');
  const account = tally.conclude(d, { origin: d.origin, size: d.size, root: d.root }, report, true);
  report(say('partial-bundle', {}, { events: (d.events ?? []).length, student }));
  const missing: MissingAnchor[] = trust.right.rootKeys.size === 0 ? ['root-key'] : [];
  if (missing.length > 0) report(say('trust-unanchored', {}, {}));
  const sorted = [...findings].sort(compareFindings);
  const checkpoints: CheckpointSummary[] = [
    {
      line: null,
      source: 'bundle',
      origin: d.origin,
      size: d.size,
      root: d.root,
      signedBy: [...signedBy],
      cosignedBy: [...cosignedBy],
      ok: signedBy.size > 0,
    },
  ];
  const grouped = groupProblems(sorted, { size: d.size, declaredSize: null, checkpoints });
  const errors = sorted.filter((f) => f.severity === 'error');
  const integrityCodes = new Set(['transcript-event-invalid', 'disclosure-refused', 'event-invalid']);
  return right({
    verdict: verdictOf({ usable: true, errors: errors.length, missing }),
    ok: errors.length === 0,
    size: d.size,
    root: d.root,
    findings: grouped.findings,
    problems: grouped.problems,
    usable: true,
    origin: d.origin,
    passes: {
      integrity: errors.some((f) => integrityCodes.has(f.code)) ? 'failed' : 'passed',
      authenticity: errors.some((f) => !integrityCodes.has(f.code)) ? 'failed' : 'passed',
      compliance: 'skipped',
    },
    anchors: {
      rootKeys: [...trust.right.rootKeys],
      sealKeys: trust.right.seals.map((v) => `${v.name}+${toHex(v.keyId)}`),
      witnessKeys: trust.right.witnesses.map((v) => `${v.name}+${toHex(v.keyId)}`),
      since: null,
      // The checkpoint of every event is checked against the trusted seal keys: they pin the ledger.
      origin: {
        accepted: d.origin,
        expected: signedBy.size > 0 ? [d.origin] : [],
        pinnedBy: signedBy.size > 0 ? 'seal-key' : null,
      },
      missing,
    },
    legal: UNCHECKED_LEGAL,
    personalData: account,
    checkpoints,
    timeline: [],
    stats: {
      events: (d.events ?? []).length,
      streams: 0,
      signatures,
      workers: 0,
      milliseconds: Date.now() - started,
    },
  });
}
