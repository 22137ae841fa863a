/**
 * Is a certificate revoked at a time? Answered only from evidence the caller supplies — a CRL
 * (RFC 5280 §6.3) or an OCSP response (RFC 6960) — each checked before it is believed: signed by
 * the certificate's issuer (or, for OCSP, by a responder the issuer authorised, §4.2.2.2), with
 * an acceptable algorithm, and covering the time. Evidence covers a time T when T is no later
 * than its nextUpdate (a list issued after T covers T too) and it was issued while the
 * certificate was still unexpired (CAs drop expired certificates from their lists).
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { digest, toHex } from '../bytes.js';
import { allowsKeyUsage, type Certificate } from '../certificate.js';
import { pkiError, type PkiError } from '../errors.js';
import { sameName } from '../name.js';
import { OID } from '../oids.js';
import { signedBy } from '../signed-by.js';
import type { Crl, RevocationReason } from './crl.js';
import { publicKeyBits, type OcspResponse, type OcspSingleResponse } from './ocsp.js';

/** Revocation evidence given to a verification: parsed CRLs and OCSP responses, in any order. */
export interface RevocationEvidence {
  readonly crls?: readonly Crl[];
  readonly ocspResponses?: readonly OcspResponse[];
}

/** What the evidence said about one certificate of a path. */
export interface RevocationStatus {
  /** The certificate's fingerprint and subject. */
  readonly certificate: string;
  readonly subject: string;
  /** `unchecked` when the caller chose not to require evidence and none was usable. */
  readonly status: 'good' | 'revoked' | 'unchecked';
  readonly source?: 'crl' | 'ocsp';
  /** Fingerprint (SHA-256) of the CRL or OCSP response relied on. */
  readonly evidence?: string;
  readonly thisUpdate?: Date;
  readonly nextUpdate?: Date;
  /** When revoked (even after the time checked: then `status` is still `good`). */
  readonly revokedAt?: Date;
  readonly reason?: RevocationReason;
}

const HASH_BY_OID: Readonly<Record<string, 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'>> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

interface Finding {
  readonly status: RevocationStatus;
  readonly usable: boolean;
  readonly why?: string;
}

function covers(thisUpdate: Date, nextUpdate: Date | undefined, cert: Certificate, time: Date): string | undefined {
  if (thisUpdate.getTime() > cert.notAfter.getTime()) return 'issued after the certificate expired';
  if (nextUpdate === undefined ? thisUpdate.getTime() < time.getTime() : nextUpdate.getTime() < time.getTime())
    return `not in force at ${time.toISOString()} (next update ${nextUpdate?.toISOString() ?? 'none'})`;
  return undefined;
}

async function fromCrl(
  crl: Crl,
  cert: Certificate,
  issuer: Certificate,
  time: Date,
  base: Pick<RevocationStatus, 'certificate' | 'subject'>,
): Promise<Finding | undefined> {
  if (!sameName(crl.issuer, issuer.subject)) return undefined;
  if (
    crl.authorityKeyIdentifier &&
    issuer.subjectKeyIdentifier &&
    crl.authorityKeyIdentifier !== issuer.subjectKeyIdentifier
  )
    return undefined;
  const status: RevocationStatus = {
    ...base,
    status: 'good',
    source: 'crl',
    evidence: crl.fingerprint,
    thisUpdate: crl.thisUpdate,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
  };
  const no = (why: string): Finding => ({ status, usable: false, why: `CRL ${crl.fingerprint.slice(0, 16)}: ${why}` });
  if (crl.delta) return no('delta CRLs are not supported');
  if (crl.unknownCritical.length) return no(`unknown critical extension ${crl.unknownCritical.join(', ')}`);
  if (crl.scope?.partial) return no('a partial (indirect or by-reason) CRL cannot show a certificate good');
  const isCa = cert.basicConstraints?.ca === true;
  if (crl.scope && ((crl.scope.onlyUser && isCa) || (crl.scope.onlyCa && !isCa)))
    return no('its scope excludes this certificate');
  if (!allowsKeyUsage(issuer, 'cRLSign')) return no("the issuer's key usage does not allow signing CRLs");
  const sig = await signedBy(crl.fingerprint, issuer, crl.signatureAlgorithm, crl.tbs, crl.signatureValue, ['crl']);
  if (isLeft(sig)) return no(sig.left.message);
  if (!sig.right) return no('its signature does not check with the issuer key');
  const gap = covers(crl.thisUpdate, crl.nextUpdate, cert, time);
  if (gap !== undefined) return no(gap);
  const entry = crl.revoked.get(cert.serialNumber);
  if (entry === undefined) return { status, usable: true };
  const revoked = entry.revocationDate.getTime() <= time.getTime();
  return {
    status: {
      ...status,
      status: revoked ? 'revoked' : 'good',
      revokedAt: entry.revocationDate,
      ...(entry.reason ? { reason: entry.reason } : {}),
    },
    usable: true,
  };
}

async function matches(r: OcspSingleResponse, cert: Certificate, issuer: Certificate): Promise<boolean> {
  if (r.serialNumber !== cert.serialNumber) return false;
  const h = HASH_BY_OID[r.hashAlgorithm];
  if (h === undefined) return false;
  return (
    toHex(await digest(h, issuer.subject.der)) === r.issuerNameHash &&
    toHex(await digest(h, publicKeyBits(issuer))) === r.issuerKeyHash
  );
}

async function responderOf(
  resp: NonNullable<OcspResponse['basic']>,
  issuer: Certificate,
): Promise<Certificate | string> {
  const named = async (c: Certificate) =>
    resp.responderName
      ? sameName(resp.responderName, c.subject)
      : toHex(await digest('SHA-1', publicKeyBits(c))) === resp.responderKeyHash;
  if (await named(issuer)) return issuer;
  for (const c of resp.certificates) {
    if (!(await named(c))) continue;
    // A delegated responder (RFC 6960 §4.2.2.2): issued by the CA itself, for OCSP signing, valid when it answered.
    if (!sameName(c.issuer, issuer.subject)) return 'the responder certificate was not issued by the CA';
    if (!c.extendedKeyUsage?.includes(OID.kpOcspSigning))
      return 'the responder certificate lacks the OCSPSigning usage';
    const t = resp.producedAt.getTime();
    if (t < c.notBefore.getTime() || t > c.notAfter.getTime())
      return 'the responder certificate was not valid when it answered';
    const ok = await signedBy(c.fingerprint, issuer, c.signatureAlgorithm, c.tbs, c.signatureValue, ['ocsp', 'certs']);
    if (isLeft(ok) || !ok.right) return 'the responder certificate is not signed by the CA';
    return c;
  }
  return 'no responder certificate matches the responder ID';
}

async function fromOcsp(
  resp: OcspResponse,
  cert: Certificate,
  issuer: Certificate,
  time: Date,
  base: Pick<RevocationStatus, 'certificate' | 'subject'>,
): Promise<Finding | undefined> {
  const b = resp.basic;
  if (b === undefined) return undefined;
  let single: OcspSingleResponse | undefined;
  for (const r of b.responses) if (await matches(r, cert, issuer)) single = r;
  if (single === undefined) return undefined;
  const status: RevocationStatus = {
    ...base,
    status: 'good',
    source: 'ocsp',
    evidence: resp.fingerprint,
    thisUpdate: single.thisUpdate,
    ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
  };
  const no = (why: string): Finding => ({
    status,
    usable: false,
    why: `OCSP ${resp.fingerprint.slice(0, 16)}: ${why}`,
  });
  const responder = await responderOf(b, issuer);
  if (typeof responder === 'string') return no(responder);
  const sig = await signedBy(resp.fingerprint, responder, b.signatureAlgorithm, b.tbs, b.signatureValue, ['ocsp']);
  if (isLeft(sig)) return no(sig.left.message);
  if (!sig.right) return no("its signature does not check with the responder's key");
  const gap = covers(single.thisUpdate, single.nextUpdate, cert, time);
  if (gap !== undefined) return no(gap);
  if (single.status === 'unknown')
    return {
      status: { ...status, status: 'unchecked' },
      usable: false,
      why: 'the responder does not know the certificate',
    };
  if (single.status === 'good') return { status, usable: true };
  const at = single.revocationTime!;
  return {
    status: {
      ...status,
      status: at.getTime() <= time.getTime() ? 'revoked' : 'good',
      revokedAt: at,
      ...(single.reason ? { reason: single.reason } : {}),
    },
    usable: true,
  };
}

/**
 * The revocation status of `cert` (issued by `issuer`) at `time`, and the problem when there is
 * one: `certificate-revoked`, or — when `require` — `revocation-missing` (no evidence about this
 * certificate) or `revocation-invalid` (evidence that could not be believed; its reasons in
 * `details.reasons`).
 */
export async function checkRevocation(
  cert: Certificate,
  issuer: Certificate,
  time: Date,
  evidence: RevocationEvidence,
  require: boolean,
  path: ReadonlyArray<string | number>,
): Promise<{ status: RevocationStatus; problem?: PkiError }> {
  const base = { certificate: cert.fingerprint, subject: cert.subject.text };
  const findings: Finding[] = [];
  for (const crl of evidence.crls ?? []) {
    const f = await fromCrl(crl, cert, issuer, time, base);
    if (f) findings.push(f);
  }
  for (const o of evidence.ocspResponses ?? []) {
    const f = await fromOcsp(o, cert, issuer, time, base);
    if (f) findings.push(f);
  }
  const usable = findings.filter((f) => f.usable);
  const revoked = usable.find((f) => f.status.status === 'revoked');
  if (revoked) {
    const s = revoked.status;
    return {
      status: s,
      problem: pkiError(
        'certificate-revoked',
        `the certificate of ${cert.subject.text} was revoked on ${s.revokedAt!.toISOString()}${s.reason ? ` (${s.reason})` : ''}, before ${time.toISOString()}`,
        `Chứng thư số của ${cert.subject.text} đã bị thu hồi ngày ${s.revokedAt!.toISOString()}${s.reason ? ` (${s.reason})` : ''}, trước thời điểm ${time.toISOString()}`,
        {
          path,
          rule: s.source === 'ocsp' ? 'RFC 6960 §2.2' : 'RFC 5280 §6.3',
          details: { serialNumber: cert.serialNumber, evidence: s.evidence },
        },
      ),
    };
  }
  // Prefer the evidence issued latest: it says the most about the time checked.
  const best = usable.sort((a, b) => (b.status.thisUpdate?.getTime() ?? 0) - (a.status.thisUpdate?.getTime() ?? 0))[0];
  if (best) return { status: best.status };
  const unchecked: RevocationStatus = { ...base, status: 'unchecked' };
  if (!require) return { status: unchecked };
  if (findings.length === 0)
    return {
      status: unchecked,
      problem: pkiError(
        'revocation-missing',
        `no CRL or OCSP response covers the certificate of ${cert.subject.text} (serial ${cert.serialNumber})`,
        `Không có CRL hoặc phản hồi OCSP nào cho chứng thư số của ${cert.subject.text} (số hiệu ${cert.serialNumber})`,
        { path, rule: 'RFC 5280 §6.3', details: { serialNumber: cert.serialNumber, issuer: issuer.subject.text } },
      ),
    };
  const reasons = findings.map((f) => f.why ?? 'unusable');
  return {
    status: unchecked,
    problem: pkiError(
      'revocation-invalid',
      `the revocation evidence for ${cert.subject.text} cannot be relied on: ${reasons.join('; ')}`,
      `Không thể dựa vào dữ liệu thu hồi của chứng thư số ${cert.subject.text}: ${reasons.join('; ')}`,
      { path, rule: 'RFC 5280 §6.3', details: { reasons } },
    ),
  };
}
