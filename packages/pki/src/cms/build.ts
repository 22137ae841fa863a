/**
 * Making one SignerInfo inside a SignedData: the shared part of a CAdES signature and of a TSA's
 * timestamp token. The signer is handed the DER of the signed attributes (a SET, sorted as DER
 * requires) and its signature is checked against the certificate before anything is returned,
 * so a token whose key does not match its certificate is caught at signing, not by an inspector.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  checkKeyPolicy,
  defaultScheme,
  hashAlgorithmDer,
  schemeFitsKey,
  signatureAlgorithmDer,
  verifySignature,
  type HashName,
  type SignatureAlgorithm,
} from '../algorithms.js';
import { parseCertificate, type Certificate } from '../certificate.js';
import { derGeneralizedTime, derOctetString, derOid, derSetOf, derTime } from '../der.js';
import { pkiError, type PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { X509Signer } from '../signers/signer.js';
import { signingCertificateV2 } from './ess.js';
import { encodeAttribute, encodeSignedData, encodeSignerInfo } from './signed-data.js';

export interface BuildOptions {
  readonly signer: X509Signer;
  /** The scheme; by default the signer's first, else RSASSA-PSS/SHA-256 or ECDSA for the key. */
  readonly algorithm?: SignatureAlgorithm;
  /** Used only when neither `algorithm` nor the signer names a scheme. */
  readonly rsaPadding?: 'pss' | 'pkcs1';
  readonly hash: HashName;
  readonly eContentType: string;
  readonly eContent?: Uint8Array;
  /** The digest of the content under `hash` (what the message-digest attribute holds). */
  readonly contentDigest: Uint8Array;
  readonly signingTime?: Date;
  readonly unsignedAttrs?: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  readonly ocspResponses?: readonly Uint8Array[];
  /** Put the signer's certificate and chain in the SignedData (default true). */
  readonly includeCertificates?: boolean;
}

export interface Built {
  readonly der: Uint8Array;
  readonly certificate: Certificate;
  readonly algorithm: SignatureAlgorithm;
  readonly signatureValue: Uint8Array;
  readonly signedAttrs: Uint8Array;
}

export async function buildSignedData(o: BuildOptions): Promise<Either<PkiError, Built>> {
  const certDer = await o.signer.certificate();
  const cert = await parseCertificate(certDer, ['signer', 'certificate']);
  if (isLeft(cert)) return cert;
  const c = cert.right;
  const policy = checkKeyPolicy(c.publicKey, ['signer', 'certificate', 'subjectPublicKeyInfo']);
  if (policy) return left(policy);
  const scheme = o.algorithm ?? o.signer.algorithms?.[0] ?? defaultScheme(c.publicKey, o.rsaPadding);
  if (scheme === undefined || !schemeFitsKey(scheme, c.publicKey))
    return left(
      pkiError(
        'mechanism-unsupported',
        `the certificate's ${c.publicKey.type} key cannot sign ${scheme?.name ?? 'with any allowed scheme'}`,
        `Khóa ${c.publicKey.type} của chứng thư số không ký được ${scheme?.name ?? 'bằng thuật toán được phép nào'}`,
        { path: ['algorithm'], rule: 'Thông tư 15/2025/TT-BKHCN' },
      ),
    );
  const chain = await o.signer.chain();
  const attrs = [
    encodeAttribute(OID.contentType, [derOid(o.eContentType)]),
    encodeAttribute(OID.messageDigest, [derOctetString(o.contentDigest)]),
    encodeAttribute(OID.signingCertificateV2, [await signingCertificateV2(c)]),
  ];
  if (o.signingTime) {
    // RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime after.
    const y = o.signingTime.getUTCFullYear();
    attrs.push(
      encodeAttribute(OID.signingTime, [
        y >= 1950 && y < 2050 ? derTime(o.signingTime) : derGeneralizedTime(o.signingTime),
      ]),
    );
  }
  const signedAttrs = derSetOf(attrs);
  const sig = await o.signer.sign(signedAttrs, scheme);
  if (isLeft(sig)) return sig;
  const check = await verifySignature(c.publicKey, scheme, signedAttrs, sig.right, ['signer']);
  if (isLeft(check)) return check;
  if (!check.right)
    return left(
      pkiError(
        'signer-key-mismatch',
        `the signer's signature does not check with the key of its certificate (${c.subject.text})`,
        `Chữ ký do thiết bị ký tạo ra không khớp với khóa của chứng thư số (${c.subject.text})`,
        { path: ['signer'], details: { certificate: c.fingerprint } },
      ),
    );
  const signerInfo = encodeSignerInfo({
    issuer: c.issuer.der,
    serial: c.serialNumber,
    digestAlgorithm: hashAlgorithmDer(o.hash),
    signedAttrs,
    signatureAlgorithm: signatureAlgorithmDer(scheme),
    signature: sig.right,
    ...(o.unsignedAttrs ? { unsignedAttrs: o.unsignedAttrs } : {}),
  });
  const der = encodeSignedData({
    digestAlgorithm: hashAlgorithmDer(o.hash),
    eContentType: o.eContentType,
    ...(o.eContent ? { eContent: o.eContent } : {}),
    certificates: o.includeCertificates === false ? [] : [certDer, ...chain],
    ...(o.crls ? { crls: o.crls } : {}),
    ...(o.ocspResponses ? { ocspResponses: o.ocspResponses } : {}),
    signerInfo,
  });
  return right({ der, certificate: c, algorithm: scheme, signatureValue: sig.right, signedAttrs });
}
