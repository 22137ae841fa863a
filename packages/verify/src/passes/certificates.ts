/**
 * The CA-backed signatures of a ledger (docs/legal.md): every certificate binding, certificate
 * consent and CA signature on an act is checked — chain to the inspector's trust list at the
 * timestamp's time (else at the claimed time, with a warning), key usage, the revocation evidence
 * inside, the certificate bound to the person who signed, the content the act's bytes, the book
 * heads — by the ledger's own `certificateChecker`, the very function the writer ran before it
 * appended. The structure (bound to this person, the act, its signer and role) is the rules'
 * business and the compliance pass reports it. The checks are async (WebCrypto), so events are
 * collected in `step` and checked in `settle`, against the compliance pass's final state (a
 * binding, an identity number and an act never change once written).
 *
 * It keeps the bytes of every act a CA signature may be put on (a few per book: sign-offs, class
 * acts, corrections), never those of other events.
 */
import {
  certificateChecker,
  isCertifiableAct,
  needsCertificateCheck,
  type CaSignatureInfo,
  type CertificateTrust,
  type LedgerError,
  type LedgerState,
} from '@hoso/ledger';
import type { Finding } from '../findings.js';
import { say } from '../messages.js';
import type { EventContext, EventPass } from '../engine.js';

/** What the report says of the ledger's CA-backed signatures (docs/verifying.md). */
export interface LegalWeight {
  /**
   * `none`: no CA-backed signature at all — the ledger's signatures carry no legal weight;
   * `full`: every act the law weighs carries a valid CA signature by each of its signers;
   * `partial`: some do, or some CA signature is invalid; `unchecked`: CA signatures are present
   * but no trust list was given (or the rules were not replayed), so nothing is established.
   */
  readonly weight: 'none' | 'partial' | 'full' | 'unchecked';
  /** Acts the law weighs (sign-offs, confirmations, approvals, seals, corrections). */
  readonly acts: number;
  /** Of those, the acts whose every signer put a valid CA signature on them. */
  readonly certifiedActs: number;
  /** `ActCertified` events, and how many of them hold. */
  readonly caSignatures: number;
  readonly validSignatures: number;
  /** Valid CA signatures without a timestamp (checked at the claimed time). */
  readonly untimestamped: number;
  /** One sentence for the report, in each language. */
  readonly statement: string;
  readonly statement_vi: string;
  /** Each `ActCertified` checked, in ledger order, with its certificate (absent when none was checked). */
  readonly signatures?: readonly CaSignatureSummary[];
}

/** One CA-backed signature on an act, as the report lists it. */
export interface CaSignatureSummary {
  /** The `ActCertified` event. */
  readonly position: number;
  readonly event: string;
  /** The act it signs: its event id and type. */
  readonly act: string;
  readonly actType: string;
  /** The signer, `name (id)`. */
  readonly who: string;
  /** Whether the signature holds (else a `ca-signature-invalid` finding says why). */
  readonly ok: boolean;
  /** The signer's certificate (null when it could not be read): RFC 4514 names, serial (hex), validity (ISO 8601). */
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly serial: string | null;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  /** The time it was checked at: the timestamp's, else the claimed `at`. */
  readonly time: string | null;
  readonly timestamped: boolean;
}

/** The legal weight when no ledger events were read as such (`catalogue: false`). */
export const UNCHECKED_LEGAL: LegalWeight = {
  weight: 'unchecked',
  acts: 0,
  certifiedActs: 0,
  caSignatures: 0,
  validSignatures: 0,
  untimestamped: 0,
  statement: 'CA-backed signatures were not looked for: the events were not read as ledger events.',
  statement_vi: 'Chưa tìm chữ ký số: các sự kiện không được đọc như sự kiện của sổ.',
};

interface Pending {
  readonly position: number;
  readonly id: string;
  readonly stream: string;
  readonly ledger: string;
  readonly type: string;
  readonly data: unknown;
  readonly at: string;
  readonly by: { readonly key: string; readonly role: string };
}

/** The CA-signature pass; `stateOf` gives the compliance pass's ledger state once the replay ended. */
export class CertificatePass implements EventPass {
  readonly kind = 'authenticity' as const;
  private readonly acts = new Map<
    string,
    { readonly bytes: Uint8Array; readonly type: string; readonly signers: number }
  >();
  private readonly pending: Pending[] = [];
  private caSignatures = 0;
  private valid = 0;
  private untimestamped = 0;
  private checked = false;
  private readonly summaries: CaSignatureSummary[] = [];
  /** Act id → keys whose CA signature on it holds. */
  private readonly certifiedBy = new Map<string, Set<string>>();

  constructor(
    private readonly trust: CertificateTrust | undefined,
    private readonly stateOf: () => LedgerState | undefined,
  ) {}

  step(ctx: EventContext): void {
    const env = ctx.envelope;
    if (isCertifiableAct(env.type))
      this.acts.set(env.id, {
        bytes: ctx.bytes.slice(),
        type: env.type,
        signers: env.type === 'CorrectionMade' ? 3 : 1,
      });
    if (env.type === 'ActCertified') this.caSignatures++;
    if (needsCertificateCheck(env.type, env.data))
      this.pending.push({
        position: ctx.position,
        id: env.id,
        stream: env.stream,
        ledger: env.ledger,
        type: env.type,
        data: env.data,
        at: env.at,
        by: { key: env.by.key, role: env.by.role },
      });
  }

  /** Check what `step` collected; findings go to `report`. */
  async settle(report: (f: Finding) => void): Promise<void> {
    const state = this.stateOf();
    if (this.pending.length === 0) return;
    if (this.trust === undefined || state === undefined) {
      report(say('ca-signatures-unchecked', {}, { count: this.pending.length }));
      return;
    }
    this.checked = true;
    const checker = certificateChecker(this.trust);
    for (const p of this.pending) {
      const r = await checker.check(state, p, (id) => Promise.resolve(this.acts.get(id)?.bytes));
      const site = { position: p.position, event: p.id, stream: p.stream };
      const who = this.person(state, p);
      const act = this.actOf(p);
      for (const e of r.problems) report(invalid(site, p, who, act, e));
      if (p.type === 'ActCertified' && act !== undefined) this.summaries.push(summary(p, act, who, r));
      if (p.type !== 'ActCertified' || r.problems.length > 0) continue;
      this.valid++;
      const actId = (p.data as { act: string }).act;
      let keys = this.certifiedBy.get(actId);
      if (keys === undefined) this.certifiedBy.set(actId, (keys = new Set()));
      keys.add(p.by.key);
      if (!timestamped(r.signature) && act !== undefined) {
        this.untimestamped++;
        report(
          say(
            'ca-signature-untimestamped',
            site,
            { who, act, time: r.signature?.validationTime.toISOString() ?? p.at },
            { details: { act: act.id } },
          ),
        );
      }
    }
  }

  /** The legal weight of what was checked (call after {@link settle}). */
  legal(): LegalWeight {
    let certifiedActs = 0;
    for (const [id, a] of this.acts) if ((this.certifiedBy.get(id)?.size ?? 0) >= a.signers) certifiedActs++;
    const base = {
      acts: this.acts.size,
      certifiedActs,
      caSignatures: this.caSignatures,
      validSignatures: this.valid,
      untimestamped: this.untimestamped,
    };
    if (this.caSignatures === 0 && this.pending.length === 0)
      return {
        weight: 'none',
        ...base,
        statement:
          'This ledger carries no CA-backed signature: its Ed25519 signatures make it tamper-evident but carry no legal weight.',
        statement_vi:
          'Sổ này không có chữ ký số bằng chứng thư số: chữ ký Ed25519 chỉ giúp phát hiện sửa đổi, không có giá trị pháp lý.',
      };
    if (!this.checked)
      return {
        weight: 'unchecked',
        ...base,
        statement: `${this.caSignatures} CA-backed signature(s) were not checked: no trust list was given.`,
        statement_vi: `${this.caSignatures} chữ ký số chưa được kiểm tra: chưa có danh sách chứng thư gốc tin cậy.`,
      };
    const full = certifiedActs === this.acts.size && this.valid === this.caSignatures;
    return {
      weight: full ? 'full' : 'partial',
      ...base,
      signatures: this.summaries,
      statement: `${certifiedActs} of ${this.acts.size} act(s) carry a valid CA-backed signature by each of their signers (${this.valid} of ${this.caSignatures} CA signatures hold).`,
      statement_vi: `${certifiedActs}/${this.acts.size} văn bản có chữ ký số hợp lệ của mọi người ký (${this.valid}/${this.caSignatures} chữ ký số hợp lệ).`,
    };
  }

  /** The person an event is about, as `id (name)`. */
  private person(s: LedgerState, p: Pending): string {
    const id =
      p.type === 'CertificateBound' || p.type === 'KeyRegistered'
        ? field(p.data, 'person')
        : (s.keys.get(p.by.key)?.person ?? p.by.key);
    const name = s.persons.get(id)?.name;
    return name === undefined ? id : `${name} (${id})`;
  }

  private actOf(p: Pending): { type: string; id: string } | undefined {
    if (p.type !== 'ActCertified') return undefined;
    const id = field(p.data, 'act');
    return { type: this.acts.get(id)?.type ?? 'act', id };
  }
}

/** A string field of a payload the catalogue has decoded (empty when it is not a string). */
function field(data: unknown, name: string): string {
  const v = (data as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
}

function summary(
  p: Pending,
  act: { type: string; id: string },
  who: string,
  r: { readonly problems: readonly LedgerError[]; readonly signature?: CaSignatureInfo },
): CaSignatureSummary {
  const c = r.signature?.certificate;
  return {
    position: p.position,
    event: p.id,
    act: act.id,
    actType: act.type,
    who,
    ok: r.problems.length === 0,
    subject: c?.subject.text ?? null,
    issuer: c?.issuer.text ?? null,
    serial: c?.serialNumber ?? null,
    notBefore: c?.notBefore.toISOString() ?? null,
    notAfter: c?.notAfter.toISOString() ?? null,
    time: r.signature?.validationTime.toISOString() ?? null,
    timestamped: timestamped(r.signature),
  };
}

function timestamped(s: CaSignatureInfo | undefined): boolean {
  return s?.timestamped === true;
}

function invalid(
  site: { position: number; event: string; stream: string },
  p: Pending,
  who: string,
  act: { type: string; id: string } | undefined,
  e: LedgerError,
): Finding {
  const what = p.type === 'ActCertified' ? 'act' : p.type === 'CertificateBound' ? 'binding' : 'consent';
  const problems = e.code === 'ca-signature-invalid' ? (e.details?.problems ?? []) : [];
  const first = problems[0];
  const reason = e.message;
  const reason_vi =
    first?.message_vi ??
    (e.code === 'identity-mismatch'
      ? `số định danh trong chứng thư số không khớp với hồ sơ cán bộ (${e.details?.expected ?? ''})`
      : e.message);
  return say(
    'ca-signature-invalid',
    site,
    { what, who, ...(act === undefined ? {} : { act }), reason, reason_vi },
    {
      ...(e.rule === undefined ? {} : { rule: e.rule }),
      details: {
        ledgerCode: e.code,
        path: e.path.join('.'),
        ...(act === undefined ? {} : { act: act.id }),
        ...(problems.length === 0 ? {} : { problems: problems.map((x) => x.code) }),
      },
    },
  );
}
