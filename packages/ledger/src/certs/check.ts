/**
 * The cryptographic checks of certificates and CA-backed signatures (docs/legal.md), in ONE async
 * function shared by the writer (before it appends: a refusal names the field and the rule, and
 * nothing is written) and the verifier (which reports the same problems as findings). The pure
 * rules (`rules/certificates.ts`) have already said whether the structure holds; this adds what
 * needs WebCrypto: the certificate's path to a root of the trust list at the signature's time,
 * its key usage, the revocation evidence, the CMS over exactly the signed bytes, the identity
 * number. Runs in a browser: it imports `@hoso/pki`'s main entry only.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { fromBase64 } from '@hoso/core';
import {
  parseCertificate,
  personalIdNumber,
  taxCode,
  verifyCades,
  type CadesVerdict,
  type Certificate,
  type PkiError,
} from '@hoso/pki';
import { ledgerError, type CertificateProblem, type LedgerError } from '../errors.js';
import { decodeEvent, type LedgerState } from '../state.js';
import type { IdentityNumber } from '../events.js';
import { certificateBindingStatement, keyConsentStatement } from './statements.js';

/** The inspector's (or the school's) trust list: the roots a certificate must chain to. */
export interface CertificateTrust {
  readonly roots: readonly Certificate[];
  /** `require` (default): every certificate below the root needs revocation evidence covering the time. */
  readonly revocation?: 'require' | 'ignore';
}

/** An event as the check sees it: the envelope's fields it reads. */
export interface CertifiedEventView {
  readonly ledger: string;
  readonly type: string;
  readonly data: unknown;
  /** The author's claim of when it signed: the validation time of a signature without a timestamp. */
  readonly at: string;
}

/** What was checked of one CA signature, for a report. */
export interface CaSignatureInfo {
  readonly certificate?: Certificate;
  /** `B-T` with a timestamp over the signature, `B-B` without. */
  readonly level: 'B-B' | 'B-T';
  /** When the path was validated: the timestamp's time, else the event's claimed `at`. */
  readonly validationTime: Date;
  /** True when a valid timestamp fixed the time (else only the author's claim did). */
  readonly timestamped: boolean;
  /** RSASSA-PKCS1-v1_5: accepted and reported (Thông tư 15/2025/TT-BKHCN names PSS). */
  readonly legacyPadding: boolean;
}

/** The outcome: every problem (empty when the event stands) and, for a signature checked, what it was. */
export interface CertificateCheck {
  readonly problems: readonly LedgerError[];
  readonly signature?: CaSignatureInfo;
}

/** Does the event carry anything this check looks at (a binding, a certificate consent, a CA signature)? */
export function needsCertificateCheck(type: string, data: unknown): boolean {
  if (type === 'CertificateBound' || type === 'ActCertified') return true;
  if (type !== 'KeyRegistered' || typeof data !== 'object' || data === null) return false;
  const consent = (data as { consent?: { by?: unknown } }).consent;
  return consent?.by === 'certificate';
}

const NONE: CertificateCheck = { problems: [] };

/** Checks certificates against one trust list, parsing each bound certificate once. */
export interface CertificateChecker {
  /**
   * The cryptographic problems of `event` standing next in the log folded into `s` (the pure rules
   * run separately). `actBytes` gives the complete canonical bytes of an act by event id.
   */
  check(
    s: LedgerState,
    event: CertifiedEventView,
    actBytes: (id: string) => Promise<Uint8Array | undefined>,
  ): Promise<CertificateCheck>;
}

/** A {@link CertificateChecker} for `trust`. */
export function certificateChecker(trust: CertificateTrust): CertificateChecker {
  const parsed = new Map<string, Promise<Certificate | PkiError>>();
  const parse = (b64: string, path: ReadonlyArray<string | number>): Promise<Certificate | PkiError> => {
    let p = parsed.get(b64);
    if (p === undefined) {
      const der = fromBase64(b64) ?? new Uint8Array(0);
      p = parseCertificate(der, [...path]).then((r) => (isLeft(r) ? r.left : r.right));
      // A refusal is not memoised: its path is this caller's.
      void p.then((x) => {
        if (!('der' in x)) parsed.delete(b64);
      });
      parsed.set(b64, p);
    }
    return p;
  };
  const chainOf = async (
    certificate: string,
    chain: readonly string[],
    path: ReadonlyArray<string | number>,
    out: LedgerError[],
  ): Promise<{ cert?: Certificate; intermediates: Certificate[] }> => {
    const cert = await parse(certificate, [...path, 'certificate']);
    const intermediates: Certificate[] = [];
    for (const [i, c] of chain.entries()) {
      const x = await parse(c, [...path, 'chain', i]);
      if ('der' in x) intermediates.push(x);
      else out.push(refusal([...path, 'chain', i], [x]));
    }
    if (!('der' in cert)) {
      out.push(refusal([...path, 'certificate'], [cert]));
      return { intermediates };
    }
    return { cert, intermediates };
  };
  const verify = async (
    cms: string,
    content: Uint8Array,
    expected: Certificate | undefined,
    intermediates: readonly Certificate[],
    at: string,
    path: ReadonlyArray<string | number>,
    out: LedgerError[],
  ): Promise<CadesVerdict | undefined> => {
    const der = fromBase64(cms);
    if (der === undefined) {
      out.push(ledgerError('invalid-data', 'not base64', { path, rule: 'RFC 4648 §4' }));
      return undefined;
    }
    const v = await verifyCades(der, {
      content,
      trustAnchors: trust.roots,
      intermediates: expected === undefined ? intermediates : [expected, ...intermediates],
      time: new Date(at),
      ...(trust.revocation === undefined ? {} : { revocation: trust.revocation }),
    });
    const problems: PkiError[] = [...v.problems];
    if (expected !== undefined && v.signer !== undefined && v.signer.fingerprint !== expected.fingerprint)
      problems.push({
        code: 'signing-certificate-mismatch',
        path: ['signer'],
        rule: 'RFC 5035 §3',
        message: `the CMS is signed by certificate ${v.signer.fingerprint.slice(0, 16)}…, not by the one named (${expected.fingerprint.slice(0, 16)}…)`,
        message_vi: `CMS được ký bằng chứng thư ${v.signer.fingerprint.slice(0, 16)}…, không phải chứng thư được nêu (${expected.fingerprint.slice(0, 16)}…)`,
      });
    if (problems.length > 0) out.push(refusal(path, problems));
    return v;
  };
  const info = (v: CadesVerdict | undefined): CaSignatureInfo | undefined =>
    v === undefined
      ? undefined
      : {
          ...(v.signer === undefined ? {} : { certificate: v.signer }),
          level: v.level,
          validationTime: v.validationTime,
          timestamped: v.timestamp?.ok === true,
          legacyPadding: v.legacyPadding,
        };

  async function check(
    s: LedgerState,
    event: CertifiedEventView,
    actBytes: (id: string) => Promise<Uint8Array | undefined>,
  ): Promise<CertificateCheck> {
    if (!needsCertificateCheck(event.type, event.data)) return NONE;
    const ev = decodeEvent(event.type, event.data);
    if (ev === null) return NONE; // the catalogue has refused it already
    const out: LedgerError[] = [];
    switch (ev.type) {
      case 'CertificateBound': {
        const d = ev.data;
        const { cert, intermediates } = await chainOf(d.certificate, d.chain, ['data'], out);
        if (cert === undefined) return { problems: out };
        const statement = certificateBindingStatement(event.ledger, d.person, cert.fingerprint);
        const v = await verify(d.proof, statement, cert, intermediates, event.at, ['data', 'proof'], out);
        const identity = s.persons.get(d.person)?.identity;
        if (identity !== undefined) identityMatches(identity, cert, out);
        const signature = info(v);
        return signature === undefined ? { problems: out } : { problems: out, signature };
      }
      case 'KeyRegistered': {
        const c = ev.data.consent;
        if (c?.by !== 'certificate') return NONE;
        const bound = s.certificates.get(c.certificate);
        if (bound === undefined) return NONE; // the rules have said so
        const { cert, intermediates } = await chainOf(bound.certificate, bound.chain, ['data', 'consent'], out);
        if (cert === undefined) return { problems: out };
        const statement = keyConsentStatement(event.ledger, ev.data.person, ev.data.key);
        const v = await verify(
          c.signature,
          statement,
          cert,
          intermediates,
          event.at,
          ['data', 'consent', 'signature'],
          out,
        );
        const signature = info(v);
        return signature === undefined ? { problems: out } : { problems: out, signature };
      }
      case 'ActCertified': {
        const d = ev.data;
        const bound = s.certificates.get(d.certificate);
        if (bound === undefined) return NONE; // the rules have said so
        const bytes = await actBytes(d.act);
        if (bytes === undefined) {
          out.push(
            ledgerError('unknown-act', `the bytes of act ${d.act} could not be read`, { path: ['data', 'act'] }),
          );
          return { problems: out };
        }
        const { cert, intermediates } = await chainOf(bound.certificate, bound.chain, ['data'], out);
        if (cert === undefined) return { problems: out };
        const v = await verify(d.cms, bytes, cert, intermediates, event.at, ['data', 'cms'], out);
        const signature = info(v);
        return signature === undefined ? { problems: out } : { problems: out, signature };
      }
      default:
        return NONE;
    }
  }
  return { check };
}

/** The refusal of a CMS or certificate, with every problem `@hoso/pki` found. */
function refusal(path: ReadonlyArray<string | number>, problems: readonly PkiError[]): LedgerError {
  const first = problems[0]!;
  const all: CertificateProblem[] = problems.map((p) => ({
    code: p.code,
    path: p.path,
    ...(p.rule === undefined ? {} : { rule: p.rule }),
    message: p.message,
    message_vi: p.message_vi,
  }));
  return ledgerError('ca-signature-invalid', first.message, {
    path: [...path, ...first.path],
    rule: first.rule ?? 'QC Điều 3.1',
    details: { cause: first.code, problems: all },
  });
}

/** The staff record's identity number is the certificate's. */
function identityMatches(want: IdentityNumber, cert: Certificate, out: LedgerError[]): void {
  const found = want.scheme === 'MST' ? taxCode(cert.subject) : personalIdNumber(cert.subject);
  const expected = `${want.scheme}:${want.value}`;
  // CCCD, CC and CMND name one person's citizen number in different eras: the value decides.
  const same =
    found !== undefined && found.value === want.value && (want.scheme !== 'MST') === (found.scheme !== 'MST');
  if (!same)
    out.push(
      ledgerError(
        'identity-mismatch',
        found === undefined
          ? `the staff record carries ${expected}, the certificate no identity number`
          : `the staff record carries ${expected}, the certificate ${found.scheme}:${found.value}`,
        {
          path: ['data', 'certificate'],
          rule: 'QC Điều 7.1',
          details: found === undefined ? { expected } : { expected, found: `${found.scheme}:${found.value}` },
        },
      ),
    );
}
