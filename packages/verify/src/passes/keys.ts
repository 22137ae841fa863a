/**
 * Authenticity beyond the signatures: every signer's key traced from the school's root key
 * through its registrations and revocations (QC Điều 6.1, 7.1).
 */
import { SCHOOL_STREAM, type EventData } from '@hoso/ledger';
import type { Finding } from '../findings.js';
import { say } from '../messages.js';
import type { EventContext, EventPass } from '../engine.js';

/** Role name a new key signs in when it proves possession on its own registration. */
export const HOLDER_ROLE = 'holder';

interface KeyState {
  readonly person: string;
  /** Position of the registration (or genesis). */
  readonly from: number;
  /** Position of the revocation, if any: the key signs nothing after it. */
  revokedAt: number | null;
}

/**
 * The authenticity pass over keys (QC Điều 6.1, 7.1). Trust flows from the school's root key:
 * the genesis (`SchoolFounded`, the first event) must be signed by the root key it names, and that
 * key must be one the inspector trusts. From then on a key may sign only after a `KeyRegistered`
 * event at an earlier position, which the new key itself co-signs in role `holder` (proof of
 * possession), and never after its `KeyRevoked`. A payload the ledger's event catalogue does not
 * accept (checked with the per-event work, `checks/batch.ts`) registers and revokes nothing.
 *
 * State kept: one entry per key ever registered (hundreds for a school).
 */
export class KeyPass implements EventPass {
  readonly kind = 'authenticity' as const;
  private readonly keys = new Map<string, KeyState>();
  private genesisSeen = false;
  private first = true;

  /** @param rootKeys base64url root keys the inspector trusts; empty = trust unanchored (warned). */
  constructor(private readonly rootKeys: ReadonlySet<string>) {}

  step(ctx: EventContext): void {
    const env = ctx.envelope;
    const site = { position: ctx.position, event: env.id, stream: env.stream };
    const isFirst = this.first;
    this.first = false;

    // The catalogue's verdict came with the per-event work; an unreadable payload is not used.
    const data = ctx.payloadValid ? env.data : undefined;

    if (env.type === 'SchoolFounded') {
      if (!isFirst || env.stream !== SCHOOL_STREAM || env.rev !== 0) {
        ctx.report(say('genesis-untrusted', site, { kind: 'second' }));
        this.checkSigners(ctx, site, null);
        return;
      }
      this.genesisSeen = true;
      const g = data as EventData['SchoolFounded'] | undefined;
      if (g !== undefined) {
        if (env.by.key !== g.rootKey) ctx.report(say('genesis-untrusted', site, { kind: 'not-self-signed' }));
        else if (this.rootKeys.size > 0 && !this.rootKeys.has(g.rootKey))
          ctx.report(
            say(
              'genesis-untrusted',
              site,
              { kind: 'untrusted-root', rootKey: g.rootKey },
              { details: { rootKey: g.rootKey } },
            ),
          );
        this.keys.set(g.rootKey, { person: g.leader.person, from: ctx.position, revokedAt: null });
      }
      ctx.note(g === undefined ? 'School founded' : `School founded: ${g.name} (root key ${short(g.rootKey)})`);
      return;
    }

    if (isFirst) ctx.report(say('genesis-untrusted', site, { kind: 'not-first', type: env.type }));

    // The key being registered may sign its own registration (proof of possession) only.
    let exempt: string | null = null;
    if (env.type === 'KeyRegistered') {
      const r = data as EventData['KeyRegistered'] | undefined;
      if (r !== undefined) {
        exempt = r.key;
        if (!env.sigs.some((s) => s.key === r.key && s.role === HOLDER_ROLE))
          ctx.report(
            say(
              'key-unregistered',
              site,
              { kind: 'no-possession', key: r.key, holderRole: HOLDER_ROLE },
              { details: { key: r.key, missing: 'proof-of-possession' } },
            ),
          );
      }
    }
    this.checkSigners(ctx, site, exempt);

    if (env.type === 'KeyRegistered') {
      const r = data as EventData['KeyRegistered'] | undefined;
      if (r !== undefined) {
        if (!this.keys.has(r.key)) this.keys.set(r.key, { person: r.person, from: ctx.position, revokedAt: null });
        ctx.note(`Key ${short(r.key)} registered to ${r.person}`);
      }
    } else if (env.type === 'KeyRevoked') {
      const r = data as EventData['KeyRevoked'] | undefined;
      if (r !== undefined) {
        const k = this.keys.get(r.key);
        if (k !== undefined && k.revokedAt === null) k.revokedAt = ctx.position;
        ctx.note(`Key ${short(r.key)} revoked: ${r.reason}`);
      }
    }
  }

  finish(report: (f: Finding) => void): void {
    if (this.rootKeys.size === 0) report(say('trust-unanchored', {}, {}));
    if (!this.genesisSeen && !this.first) report(say('genesis-untrusted', {}, { kind: 'missing' }));
  }

  private checkSigners(
    ctx: EventContext,
    site: { position: number; event: string; stream: string },
    exempt: string | null,
  ): void {
    for (const s of ctx.envelope.sigs) {
      if (s.key === exempt) continue;
      const k = this.keys.get(s.key);
      if (k === undefined)
        ctx.report(
          say(
            'key-unregistered',
            site,
            { kind: 'before-registration', key: s.key, role: s.role },
            { details: { key: s.key, role: s.role } },
          ),
        );
      else if (k.revokedAt !== null && k.revokedAt < ctx.position)
        ctx.report(
          say(
            'key-revoked',
            site,
            { key: s.key, person: k.person, revokedAt: k.revokedAt },
            { details: { key: s.key, revokedAt: k.revokedAt } },
          ),
        );
    }
  }
}

function short(key: string): string {
  return key.length > 10 ? `${key.slice(0, 8)}…` : key;
}
