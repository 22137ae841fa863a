/**
 * Making what the ledger stores of a CA signature, with an `X509Signer` (a token, a remote
 * signing service, a software key: the private key never passes through hoso): the binding of a
 * certificate to a person, a key consent, the signature on an act. Each is a CAdES detached CMS
 * (B-T with a TSA, B-B without) carrying the revocation evidence at signing time inside (RFC 5940),
 * so an inspector checks it offline years later.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { toBase64 } from '@hoso/core';
import {
  fetchRevocationEvidence,
  parseCertificate,
  signCades,
  validatePath,
  type Certificate,
  type PkiError,
  type TimestampAuthority,
  type X509Signer,
} from '@hoso/pki';
import { ledgerError, type LedgerError } from '../errors.js';
import type { CertificateBound, ConsentByCertificate } from '../events.js';
import { certificateBindingStatement, keyConsentStatement } from './statements.js';

/** Revocation evidence gathered beforehand (DER), to embed as it is. */
export interface EvidenceDers {
  readonly crls?: readonly Uint8Array[];
  readonly ocspResponses?: readonly Uint8Array[];
}

/** How a CA signature is made. */
export interface CaSigning {
  readonly signer: X509Signer;
  /** The TSA for a signature-time-stamp (B-T); without one the signature is B-B. */
  readonly tsa?: TimestampAuthority;
  /**
   * The revocation evidence to embed; when absent it is fetched now from the CA's OCSP responder
   * or CRL for every certificate of the path (`fetchRevocationEvidence`), which needs `roots`.
   */
  readonly evidence?: EvidenceDers;
  /** The trust list, to find the root the path ends at when evidence is fetched. */
  readonly roots?: readonly Certificate[];
  /** The signing-time claim (now unless told). */
  readonly signingTime?: Date;
}

/** The signer's certificate and intermediates, as parsed certificates and base64 DER. */
interface SignerCertificates {
  readonly certificate: Certificate;
  readonly intermediates: readonly Certificate[];
}

async function signerCertificates(signer: X509Signer): Promise<Either<LedgerError, SignerCertificates>> {
  const cert = await parseCertificate(await signer.certificate(), ['signer', 'certificate']);
  if (isLeft(cert)) return left(fromPki(cert.left, ['signer', 'certificate']));
  const intermediates: Certificate[] = [];
  for (const [i, der] of (await signer.chain()).entries()) {
    const c = await parseCertificate(der, ['signer', 'chain', i]);
    if (isLeft(c)) return left(fromPki(c.left, ['signer', 'chain', i]));
    intermediates.push(c.right);
  }
  return right({ certificate: cert.right, intermediates });
}

/** A pki refusal while signing, as the ledger's `signer-failed`. */
function fromPki(e: PkiError, path: ReadonlyArray<string | number>): LedgerError {
  return ledgerError('signer-failed', e.message, {
    path,
    ...(e.rule === undefined ? {} : { rule: e.rule }),
    details: { cause: e.code },
  });
}

async function evidenceFor(o: CaSigning, certs: SignerCertificates): Promise<Either<LedgerError, EvidenceDers>> {
  if (o.evidence !== undefined) return right(o.evidence);
  const roots = o.roots ?? [];
  // The path (target first) and the root it ends at, to ask each issuer about its certificate.
  const path = await validatePath(certs.certificate, {
    trustAnchors: roots,
    intermediates: certs.intermediates,
    time: o.signingTime ?? new Date(),
    purpose: 'signature',
    revocation: 'ignore',
  });
  if (path.anchor === undefined) {
    const first = path.problems[0];
    return left(
      ledgerError('ca-signature-invalid', first?.message ?? 'the certificate chains to no root of the trust list', {
        path: ['signer', 'certificate'],
        rule: first?.rule ?? 'RFC 5280 §6.1',
        details: {
          cause: first?.code ?? 'untrusted-root',
          problems: path.problems.map((p) => ({
            code: p.code,
            path: p.path,
            ...(p.rule === undefined ? {} : { rule: p.rule }),
            message: p.message,
            message_vi: p.message_vi,
          })),
        },
      }),
    );
  }
  const chain = [...path.chain.filter((c) => c.fingerprint !== path.anchor?.fingerprint), path.anchor];
  const fetched = await fetchRevocationEvidence(chain);
  if (isLeft(fetched)) return left(fromPki(fetched.left, ['evidence']));
  return right({ crls: fetched.right.crlDers, ocspResponses: fetched.right.ocspDers });
}

/** A CAdES signature over `content` by `o.signer`, with the evidence inside: its certificate and base64 CMS. */
export async function caSign(
  content: Uint8Array,
  o: CaSigning,
): Promise<
  Either<
    LedgerError,
    { readonly certificate: Certificate; readonly intermediates: readonly Certificate[]; readonly cms: string }
  >
> {
  const certs = await signerCertificates(o.signer);
  if (isLeft(certs)) return certs;
  const evidence = await evidenceFor(o, certs.right);
  if (isLeft(evidence)) return evidence;
  const sig = await signCades({
    signer: o.signer,
    content,
    ...(o.tsa === undefined ? {} : { tsa: o.tsa }),
    ...(o.signingTime === undefined ? {} : { signingTime: o.signingTime }),
    embed: {
      ...(evidence.right.crls === undefined ? {} : { crls: evidence.right.crls }),
      ...(evidence.right.ocspResponses === undefined ? {} : { ocspResponses: evidence.right.ocspResponses }),
    },
  });
  if (isLeft(sig)) return left(fromPki(sig.left, ['signer']));
  return right({ ...certs.right, cms: toBase64(sig.right.der) });
}

/** The payload of a `CertificateBound`: the signer's certificate bound to `person` in `ledger`, with its proof. */
export async function certificateBinding(
  ledger: string,
  person: string,
  o: CaSigning,
): Promise<Either<LedgerError, CertificateBound>> {
  const certs = await signerCertificates(o.signer);
  if (isLeft(certs)) return certs;
  const r = await caSign(certificateBindingStatement(ledger, person, certs.right.certificate.fingerprint), o);
  if (isLeft(r)) return r;
  return right({
    person,
    certificate: toBase64(r.right.certificate.der),
    chain: r.right.intermediates.map((c) => toBase64(c.der)),
    proof: r.right.cms,
  });
}

/** A key registration's consent by `person`'s bound certificate (the signer's) to the ledger key `key`. */
export async function certificateConsent(
  ledger: string,
  person: string,
  key: string,
  o: CaSigning,
): Promise<Either<LedgerError, ConsentByCertificate>> {
  const r = await caSign(keyConsentStatement(ledger, person, key), o);
  if (isLeft(r)) return r;
  return right({ by: 'certificate', certificate: r.right.certificate.fingerprint, signature: r.right.cms });
}
