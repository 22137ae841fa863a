/**
 * What the verifier says about personal data (docs/personal-data.md §6): per field, how many
 * commitments the ledger signs, how many a disclosure opened and the verifier checked, how many
 * failed, were not disclosed, or belong to erased pupils. {@link PersonalDataTally} follows the
 * events (the commitments, the erasures, the keys and the leader's role) and checks a disclosure
 * against them at the end.
 */
import { fromBase64Url } from '@hoso/core';
import { BIO_FIELDS, commitmentsOf, erasedStudents, opens, type EventData } from '@hoso/ledger';
import type { Finding } from '../findings.js';
import { say } from '../messages.js';
import type { EventContext, EventPass } from '../engine.js';
import { disclosureSignatureValid, type Disclosure, type DisclosureScope } from './format.js';

/** One field's account. */
export interface FieldAccount {
  readonly field: string;
  /** Commitments to this field the verified events sign. */
  readonly commitments: number;
  /** Opened by the disclosure and checked against their commitment. */
  readonly opened: number;
  /** Openings given that failed (wrong value or salt, unknown commitment, erased pupil). */
  readonly failed: number;
  /** Commitments of pupils not erased that no accepted opening opened. */
  readonly notDisclosed: number;
  /** Commitments of pupils whose personal data was erased. */
  readonly erased: number;
}

/** `report.personalData`. */
export interface PersonalDataReport {
  /** The disclosure checked, or null when none was given. */
  readonly disclosure: {
    readonly scope: DisclosureScope;
    readonly audience: string;
    readonly purpose: string;
    readonly issuedAt: string;
    readonly decision: { readonly number: string; readonly date: string } | null;
    /** The signer's key and, when the ledger registers it, the person. */
    readonly signer: { readonly key: string; readonly person: string | null };
    /** True when it is for this ledger and history, its signature verifies, and its signer is the school's leader. */
    readonly accepted: boolean;
    /** Pupils the disclosure says were asked for but erased. */
    readonly erased: readonly string[];
  } | null;
  /** True for a transcript: a partial bundle, without the ledger-wide replay. */
  readonly partial: boolean;
  readonly fields: readonly FieldAccount[];
}

interface KeyInfo {
  readonly person: string;
  revoked: boolean;
}

/** The history the disclosure must be bound to. */
export interface VerifiedHistory {
  readonly origin: string | null;
  readonly size: number;
  /** Lowercase hex root at `size`. */
  readonly root: string;
}

/** Follows the events for {@link PersonalDataReport}. */
export class PersonalDataTally {
  /** `student\nfield` → commitments signed. */
  private readonly signed = new Map<string, Set<string>>();
  private readonly erased = new Set<string>();
  private readonly keys = new Map<string, KeyInfo>();
  private readonly leaders = new Set<string>();

  /** Follow one decoded event whose payload the catalogue accepts. */
  add(type: string, id: string, data: unknown): void {
    const c = commitmentsOf(type, data);
    if (c !== undefined)
      for (const [field, commitment] of Object.entries(c.pd)) {
        const k = `${c.student}\n${field}`;
        const set = this.signed.get(k) ?? new Set<string>();
        set.add(commitment);
        this.signed.set(k, set);
      }
    for (const s of erasedStudents({ id, type, data })) this.erased.add(s);
    switch (type) {
      case 'SchoolFounded': {
        const g = data as EventData['SchoolFounded'];
        this.keys.set(g.rootKey, { person: g.leader.person, revoked: false });
        this.leaders.add(g.leader.person);
        break;
      }
      case 'KeyRegistered': {
        const r = data as EventData['KeyRegistered'];
        if (!this.keys.has(r.key)) this.keys.set(r.key, { person: r.person, revoked: false });
        break;
      }
      case 'KeyRevoked': {
        const k = this.keys.get((data as EventData['KeyRevoked']).key);
        if (k !== undefined) k.revoked = true;
        break;
      }
      case 'RoleGranted': {
        const r = data as EventData['RoleGranted'];
        if (r.role === 'leader') this.leaders.add(r.person);
        break;
      }
      case 'RoleRevoked': {
        const r = data as EventData['RoleRevoked'];
        if (r.role === 'leader') this.leaders.delete(r.person);
        break;
      }
      default:
        break;
    }
  }

  /** Whether `key` is a registered, unrevoked key (for a transcript's own key tracing). */
  keyOf(key: string): KeyInfo | undefined {
    return this.keys.get(key);
  }

  /**
   * Check `disclosure` (when given) against what was followed and `history`, reporting its
   * findings, and return the account.
   */
  conclude(
    disclosure: Disclosure | undefined,
    history: VerifiedHistory,
    report: (f: Finding) => void,
    partial = false,
  ): PersonalDataReport {
    const counts = new Map<string, { commitments: number; opened: number; failed: number; erased: number }>();
    const count = (field: string) => {
      let c = counts.get(field);
      if (c === undefined) counts.set(field, (c = { commitments: 0, opened: 0, failed: 0, erased: 0 }));
      return c;
    };
    for (const f of BIO_FIELDS) count(f);
    for (const [k, set] of this.signed) {
      const [student, field] = k.split('\n') as [string, string];
      const c = count(field);
      c.commitments += set.size;
      if (this.erased.has(student)) c.erased += set.size;
    }
    let accepted = false;
    let person: string | null = null;
    if (disclosure !== undefined) {
      person = this.keys.get(disclosure.signer.key)?.person ?? null;
      accepted = this.accept(disclosure, history, report);
      if (accepted) {
        const seen = new Set<string>();
        for (const o of disclosure.openings) {
          const c = count(o.field);
          const site = {};
          const params = { student: o.student, field: o.field };
          if (this.erased.has(o.student)) {
            c.failed++;
            report(say('opening-erased', site, params, { details: params }));
          } else if (!(this.signed.get(`${o.student}\n${o.field}`)?.has(o.commitment) ?? false)) {
            c.failed++;
            report(say('opening-unknown', site, params, { details: { ...params, commitment: o.commitment } }));
          } else if (!opens(o.commitment, fromBase64Url(o.salt) ?? new Uint8Array(0), o.value)) {
            c.failed++;
            report(say('opening-mismatch', site, params, { details: { ...params, commitment: o.commitment } }));
          } else if (!seen.has(o.commitment)) {
            seen.add(o.commitment);
            c.opened++;
          }
        }
      }
    }
    const fields: FieldAccount[] = [];
    for (const [field, c] of counts)
      fields.push({ field, ...c, notDisclosed: Math.max(0, c.commitments - c.erased - c.opened) });
    return {
      disclosure:
        disclosure === undefined
          ? null
          : {
              scope: disclosure.scope,
              audience: disclosure.audience,
              purpose: disclosure.purpose,
              issuedAt: disclosure.issuedAt,
              decision: disclosure.decision ?? null,
              signer: { key: disclosure.signer.key, person },
              accepted,
              erased: disclosure.erased,
            },
      partial,
      fields,
    };
  }

  private accept(d: Disclosure, h: VerifiedHistory, report: (f: Finding) => void): boolean {
    if (h.origin !== null && d.origin !== h.origin) {
      report(say('disclosure-refused', {}, { reason: 'origin', actual: d.origin, expected: h.origin }));
      return false;
    }
    if (d.size !== h.size || d.root !== h.root) {
      report(say('disclosure-refused', {}, { reason: 'history', size: d.size, verified: h.size }));
      return false;
    }
    if (!disclosureSignatureValid(d)) {
      report(say('disclosure-signature-invalid', {}, {}));
      return false;
    }
    const k = this.keys.get(d.signer.key);
    const reason =
      k === undefined ? 'unregistered' : k.revoked ? 'revoked' : this.leaders.has(k.person) ? null : 'not-leader';
    if (reason !== null) {
      report(say('disclosure-signer-untrusted', {}, { key: d.signer.key, reason }, { details: { key: d.signer.key } }));
      return false;
    }
    return true;
  }
}

/** The verifier's pass over a whole bundle: follows every event for the account at the end. */
export class PersonalDataPass implements EventPass {
  readonly kind = 'authenticity' as const;
  readonly tally = new PersonalDataTally();
  private account: PersonalDataReport | null = null;

  constructor(
    private readonly disclosure: Disclosure | undefined,
    private readonly history: () => VerifiedHistory,
  ) {}

  step(ctx: EventContext): void {
    if (!ctx.payloadValid) return;
    this.tally.add(ctx.envelope.type, ctx.envelope.id, ctx.envelope.data);
  }

  finish(report: (f: Finding) => void): void {
    this.account = this.tally.conclude(this.disclosure, this.history(), report);
  }

  /** The account (after `finish`). */
  result(): PersonalDataReport | null {
    return this.account;
  }
}
