/**
 * Making X.509 objects for tests and the demo: key pairs, certificates, CRLs and OCSP responses,
 * signed in process with WebCrypto (no openssl needed at run time). Each is encoded with the
 * package's DER writer and read back with its parsers, so a builder and a reader that disagreed
 * would show in the tests.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { signatureAlgorithmDer, type SignatureAlgorithm } from '../algorithms.js';
import { digest } from '../bytes.js';
import { type KeyUsageName, type Certificate, parseCertificate } from '../certificate.js';
import {
  contextTag,
  DER_TRUE,
  derGeneralizedTime,
  derNamedBits,
  derOctetString,
  derOid,
  derSequence,
  derSerial,
  derTime,
  derUnsignedInteger,
  tlv,
  TAG,
} from '../der.js';
import { encodeName, type NameInput } from '../name.js';
import { OID } from '../oids.js';
import { publicKeyBits } from '../revocation/ocsp.js';
import type { RevocationReason } from '../revocation/crl.js';
import { signWithCryptoKey } from '../signers/software.js';
import type { CryptoKey } from '../webcrypto.js';

export type TestKeyType = 'rsa-pss' | 'rsa-pkcs1' | 'ecdsa-p256' | 'ecdsa-p384';

/** A key pair made for tests: extractable, so tests can hand it to OpenSSL as PKCS #8. */
export interface TestKey {
  readonly type: TestKeyType;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly spki: Uint8Array;
  readonly pkcs8: Uint8Array;
  /** The scheme this key signs with. */
  readonly scheme: SignatureAlgorithm;
}

const subtle = () => globalThis.crypto.subtle;

/** A fresh key pair; RSA keys are `bits` long (2048 unless told; smaller only to test refusals). */
export async function generateTestKey(type: TestKeyType, bits = 2048): Promise<TestKey> {
  const pair = await (type === 'rsa-pss' || type === 'rsa-pkcs1'
    ? subtle().generateKey(
        {
          name: type === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5',
          modulusLength: bits,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        true,
        ['sign', 'verify'],
      )
    : subtle().generateKey({ name: 'ECDSA', namedCurve: type === 'ecdsa-p256' ? 'P-256' : 'P-384' }, true, [
        'sign',
        'verify',
      ]));
  const scheme: SignatureAlgorithm =
    type === 'rsa-pss'
      ? { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 }
      : type === 'rsa-pkcs1'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
        : { name: 'ECDSA', hash: type === 'ecdsa-p256' ? 'SHA-256' : 'SHA-384' };
  return {
    type,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    spki: new Uint8Array(await subtle().exportKey('spki', pair.publicKey)),
    pkcs8: new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey)),
    scheme,
  };
}

/** Whoever signs an object: a key and the name it signs as (and, for AKI, its key identifier). */
export interface Issuer {
  readonly key: { readonly privateKey: CryptoKey; readonly scheme: SignatureAlgorithm };
  readonly name: Uint8Array;
  readonly keyIdentifier?: Uint8Array;
}

async function sign(issuer: Issuer, tbs: Uint8Array): Promise<Uint8Array> {
  const sig = await signWithCryptoKey(issuer.key.privateKey, issuer.key.scheme, tbs);
  if (isLeft(sig)) throw new Error(sig.left.message);
  return derSequence(
    tbs,
    signatureAlgorithmDer(issuer.key.scheme),
    tlv(TAG.BIT_STRING, new Uint8Array([0]), sig.right),
  );
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? derSequence(derOid(oid), DER_TRUE, derOctetString(value))
    : derSequence(derOid(oid), derOctetString(value));
}

/** Key identifier: the leftmost 160 bits of SHA-256 of the key bits (RFC 7093 §2, method 1). */
export async function keyIdentifier(spki: Uint8Array): Promise<Uint8Array> {
  const bits = publicKeyBits({ publicKey: { spki } } as unknown as Certificate);
  return (await digest('SHA-256', bits)).subarray(0, 20);
}

const KU_BIT: Readonly<Record<KeyUsageName, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
};

export interface CertificateTemplate {
  readonly subject: readonly NameInput[];
  readonly publicKey: Uint8Array /* SPKI DER */;
  readonly serialNumber: string /* hex */;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Present for a CA: `basicConstraints` cA=TRUE (critical), with the path length if given. */
  readonly ca?: { readonly pathLength?: number };
  readonly keyUsage?: readonly KeyUsageName[];
  readonly extendedKeyUsage?: { readonly oids: readonly string[]; readonly critical: boolean };
  readonly crlUrl?: string;
  readonly ocspUrl?: string;
  readonly ocspNoCheck?: boolean;
  /** Extra extensions, as they are (for tests of unknown critical extensions). */
  readonly extraExtensions?: readonly {
    readonly oid: string;
    readonly critical: boolean;
    readonly value: Uint8Array;
  }[];
}

/** A certificate (DER) issued by `issuer` from a template. */
export async function issueCertificate(issuer: Issuer, t: CertificateTemplate): Promise<Uint8Array> {
  const exts: Uint8Array[] = [];
  if (t.ca) {
    const inner =
      t.ca.pathLength === undefined ? [DER_TRUE] : [DER_TRUE, derUnsignedInteger(new Uint8Array([t.ca.pathLength]))];
    exts.push(extension(OID.basicConstraints, true, derSequence(...inner)));
  }
  if (t.keyUsage) exts.push(extension(OID.keyUsage, true, derNamedBits(t.keyUsage.map((u) => KU_BIT[u]))));
  if (t.extendedKeyUsage)
    exts.push(
      extension(OID.extKeyUsage, t.extendedKeyUsage.critical, derSequence(...t.extendedKeyUsage.oids.map(derOid))),
    );
  exts.push(extension(OID.subjectKeyIdentifier, false, derOctetString(await keyIdentifier(t.publicKey))));
  if (issuer.keyIdentifier)
    exts.push(extension(OID.authorityKeyIdentifier, false, derSequence(tlv(0x80, issuer.keyIdentifier))));
  const uri = (s: string) => tlv(0x86, new TextEncoder().encode(s));
  if (t.crlUrl)
    exts.push(
      extension(OID.crlDistributionPoints, false, derSequence(derSequence(tlv(0xa0, tlv(0xa0, uri(t.crlUrl)))))),
    );
  if (t.ocspUrl)
    exts.push(extension(OID.authorityInfoAccess, false, derSequence(derSequence(derOid(OID.adOcsp), uri(t.ocspUrl)))));
  if (t.ocspNoCheck) exts.push(extension(OID.ocspNoCheck, false, tlv(TAG.NULL)));
  for (const e of t.extraExtensions ?? []) exts.push(extension(e.oid, e.critical, e.value));
  const tbs = derSequence(
    tlv(contextTag(0, true), derUnsignedInteger(new Uint8Array([2]))),
    derSerial(t.serialNumber),
    signatureAlgorithmDer(issuer.key.scheme),
    issuer.name,
    derSequence(derTime(t.notBefore), derTime(t.notAfter)),
    encodeName(t.subject),
    t.publicKey,
    tlv(contextTag(3, true), derSequence(...exts)),
  );
  return sign(issuer, tbs);
}

/** The {@link Issuer} of a certificate whose private key is at hand. */
export async function issuerOf(cert: Certificate, key: Issuer['key']): Promise<Issuer> {
  return { key, name: cert.subject.der, keyIdentifier: await keyIdentifier(cert.publicKey.spki) };
}

const REASON_CODE: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

export interface Revocation {
  readonly serialNumber: string;
  readonly date: Date;
  readonly reason?: RevocationReason;
}

/** A v2 CRL (DER) from `issuer`, with CRL number and AKI. */
export async function issueCrl(
  issuer: Issuer,
  o: {
    readonly thisUpdate: Date;
    readonly nextUpdate: Date;
    readonly number: number;
    readonly revoked: readonly Revocation[];
  },
): Promise<Uint8Array> {
  const entries = o.revoked.map((r) =>
    derSequence(
      derSerial(r.serialNumber),
      derTime(r.date),
      ...(r.reason
        ? [derSequence(extension(OID.crlReason, false, tlv(0x0a, new Uint8Array([REASON_CODE[r.reason]]))))]
        : []),
    ),
  );
  const exts = [extension(OID.crlNumber, false, derUnsignedInteger(new Uint8Array([o.number >> 8, o.number & 255])))];
  if (issuer.keyIdentifier)
    exts.unshift(extension(OID.authorityKeyIdentifier, false, derSequence(tlv(0x80, issuer.keyIdentifier))));
  const tbs = derSequence(
    derUnsignedInteger(new Uint8Array([1])),
    signatureAlgorithmDer(issuer.key.scheme),
    issuer.name,
    derTime(o.thisUpdate),
    derTime(o.nextUpdate),
    ...(entries.length ? [derSequence(...entries)] : []),
    tlv(contextTag(0, true), derSequence(...exts)),
  );
  return sign(issuer, tbs);
}

/** One certificate's status in an OCSP response. */
export interface OcspAnswer {
  readonly certificate: Certificate;
  readonly issuer: Certificate;
  readonly status: 'good' | 'unknown' | { readonly revokedAt: Date; readonly reason?: RevocationReason };
}

/**
 * A successful OCSP response (DER) signed by `responder` — the CA itself, or a delegated
 * responder whose certificate is then included.
 */
export async function issueOcspResponse(
  responder: Issuer & { readonly certificate?: Uint8Array },
  o: {
    readonly producedAt: Date;
    readonly thisUpdate: Date;
    readonly nextUpdate: Date;
    readonly answers: readonly OcspAnswer[];
    readonly nonce?: Uint8Array;
  },
): Promise<Uint8Array> {
  const singles: Uint8Array[] = [];
  for (const a of o.answers) {
    const certId = derSequence(
      derSequence(derOid(OID.sha1), tlv(TAG.NULL)),
      derOctetString(await digest('SHA-1', a.issuer.subject.der)),
      derOctetString(await digest('SHA-1', publicKeyBits(a.issuer))),
      derSerial(a.certificate.serialNumber),
    );
    const status =
      a.status === 'good'
        ? tlv(0x80)
        : a.status === 'unknown'
          ? tlv(0x82)
          : tlv(
              0xa1,
              derGeneralizedTime(a.status.revokedAt),
              ...(a.status.reason ? [tlv(0xa0, tlv(0x0a, new Uint8Array([REASON_CODE[a.status.reason]])))] : []),
            );
    singles.push(
      derSequence(certId, status, derGeneralizedTime(o.thisUpdate), tlv(0xa0, derGeneralizedTime(o.nextUpdate))),
    );
  }
  const exts = o.nonce ? [tlv(0xa1, derSequence(extension(OID.ocspNonce, false, derOctetString(o.nonce))))] : [];
  const tbs = derSequence(
    tlv(0xa1, responder.name),
    derGeneralizedTime(o.producedAt),
    derSequence(...singles),
    ...exts,
  );
  const signed = await sign(responder, tbs);
  // sign() gives SEQUENCE { tbs, alg, sig }; a BasicOCSPResponse may add [0] certs after them.
  const basic = responder.certificate
    ? derSequence(signed.subarray(headerLength(signed)), tlv(0xa0, derSequence(responder.certificate)))
    : signed;
  return derSequence(
    tlv(0x0a, new Uint8Array([0])),
    tlv(0xa0, derSequence(derOid(OID.ocspBasic), derOctetString(basic))),
  );
}

function headerLength(b: Uint8Array): number {
  return b[1]! & 0x80 ? 2 + (b[1]! & 0x7f) : 2;
}

/** Parse what a builder made (it must read back: a failure here is a bug in the builder). */
export async function mustParse(der: Uint8Array): Promise<Certificate> {
  const c = await parseCertificate(der);
  if (isLeft(c)) throw new Error(`test PKI: ${c.left.message}`);
  return c.right;
}
