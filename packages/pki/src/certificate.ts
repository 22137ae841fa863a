/**
 * X.509 certificates (RFC 5280 §4): parsed from DER or PEM into a plain, typed value with the
 * fields path validation and the ledger need — subject and issuer (with the identity numbers of
 * Vietnamese certificates), serial, validity, key usage, extended key usage, basic constraints,
 * the public key and its size, and the SHA-256 fingerprint. The exact DER of the whole, of the
 * to-be-signed part, of the names and of the key are kept, because signatures and matching work
 * on bytes as encoded, never on a re-encoding.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { AuthorityInfoAccessSyntax, CRLDistributionPoints, Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  readPublicKey,
  signatureScheme,
  type PublicKeyInfo,
  type SignatureAlgorithm,
  type AlgorithmIdentifierLike,
} from './algorithms.js';
import { decodePem, digest, looksLikePem, toHex } from './bytes.js';
import { childrenOf, oidText, readOnly, readTlv, TAG, tlvBytes, tlvContent, type Tlv } from './der.js';
import { pkiError, type PkiError } from './errors.js';
import { decodeName, type DistinguishedName } from './name.js';
import { OID } from './oids.js';

/** The key usage bits of RFC 5280 §4.2.1.3, by name. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue's contents (the DER of the extension's own structure). */
  readonly value: Uint8Array;
}

/** A parsed certificate. Every field is read once at parse time; the value is immutable. */
export interface Certificate {
  readonly der: Uint8Array;
  /** The DER of tbsCertificate, exactly as signed. */
  readonly tbs: Uint8Array;
  readonly version: number;
  /** The serial number as lowercase hex of its bytes, leading zero bytes dropped (`"03ee1a"`, `"1a2b"`). */
  readonly serialNumber: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKeyInfo;
  /** The issuer's signature over `tbs`: its AlgorithmIdentifier as read, and the value. */
  readonly signatureAlgorithm: AlgorithmIdentifierLike;
  readonly signatureValue: Uint8Array;
  /** Absent when the certificate has no keyUsage extension (every usage is then allowed, RFC 5280 §4.2.1.3). */
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  /** Extended key usage OIDs; absent when the certificate has no such extension. */
  readonly extendedKeyUsage?: readonly string[];
  readonly extendedKeyUsageCritical: boolean;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  readonly subjectKeyIdentifier?: string;
  readonly authorityKeyIdentifier?: string;
  readonly crlDistributionPoints: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly caIssuerUrls: readonly string[];
  readonly extensions: readonly CertificateExtension[];
  /** SHA-256 of `der`, lowercase hex: how the ledger and the verifier name a certificate. */
  readonly fingerprint: string;
  /** Issuer and subject are the same name (a root, or a CA's re-key). */
  readonly selfIssued: boolean;
}

const RULE = 'RFC 5280 §4.1';

function malformed(why: string, why_vi: string, path: ReadonlyArray<string | number>, rule = RULE): PkiError {
  return pkiError(
    'malformed-certificate',
    `the certificate cannot be read: ${why}`,
    `Không đọc được chứng thư số: ${why_vi}`,
    {
      path,
      rule,
    },
  );
}

/** Serial-number bytes (a DER INTEGER's contents) as hex, leading zero bytes dropped. */
export function serialHex(b: Uint8Array): string {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return toHex(b.subarray(i));
}

function bitIsSet(bits: Uint8Array, i: number): boolean {
  const byte = bits[1 + (i >> 3)];
  return byte !== undefined && ((byte >> (7 - (i & 7))) & 1) === 1;
}

interface Parsed {
  keyUsage?: Set<KeyUsageName>;
  extendedKeyUsage?: string[];
  ekuCritical: boolean;
  basicConstraints?: { ca: boolean; pathLength?: number };
  ski?: string;
  aki?: string;
  crl: string[];
  ocsp: string[];
  caIssuers: string[];
}

function readExtension(
  e: CertificateExtension,
  out: Parsed,
  path: ReadonlyArray<string | number>,
): PkiError | undefined {
  const b = e.value;
  const top = readOnly(b);
  const bad = (rule: string) =>
    malformed(`extension ${e.oid} is malformed`, `phần mở rộng ${e.oid} sai cấu trúc`, path, rule);
  try {
    switch (e.oid) {
      case OID.keyUsage: {
        if (top?.tag !== TAG.BIT_STRING) return bad('RFC 5280 §4.2.1.3');
        const bits = tlvContent(b, top);
        out.keyUsage = new Set(KEY_USAGE_BITS.filter((_, i) => bitIsSet(bits, i)));
        return undefined;
      }
      case OID.extKeyUsage: {
        if (top?.tag !== TAG.SEQUENCE) return bad('RFC 5280 §4.2.1.12');
        const oids = (childrenOf(b, top) ?? []).map((t) => (t.tag === TAG.OID ? oidText(tlvContent(b, t)) : undefined));
        if (oids.some((o) => o === undefined)) return bad('RFC 5280 §4.2.1.12');
        out.extendedKeyUsage = oids as string[];
        out.ekuCritical = e.critical;
        return undefined;
      }
      case OID.basicConstraints: {
        if (top?.tag !== TAG.SEQUENCE) return bad('RFC 5280 §4.2.1.9');
        const parts = childrenOf(b, top) ?? [];
        let ca = false;
        let pathLength: number | undefined;
        for (const p of parts) {
          if (p.tag === 0x01) ca = b[p.contentStart] !== 0;
          else if (p.tag === TAG.INTEGER) {
            const v = tlvContent(b, p);
            if (v.length > 4 || v[0]! & 0x80) return bad('RFC 5280 §4.2.1.9');
            pathLength = v.reduce((n, x) => n * 256 + x, 0);
          }
        }
        out.basicConstraints = pathLength === undefined ? { ca } : { ca, pathLength };
        return undefined;
      }
      case OID.subjectKeyIdentifier:
        if (top?.tag !== TAG.OCTET_STRING) return bad('RFC 5280 §4.2.1.2');
        out.ski = toHex(tlvContent(b, top));
        return undefined;
      case OID.authorityKeyIdentifier: {
        if (top?.tag !== TAG.SEQUENCE) return bad('RFC 5280 §4.2.1.1');
        const kid = (childrenOf(b, top) ?? []).find((t) => t.tag === 0x80);
        if (kid) out.aki = toHex(tlvContent(b, kid));
        return undefined;
      }
      case OID.crlDistributionPoints: {
        const dps = AsnParser.parse(b, CRLDistributionPoints);
        for (const dp of dps)
          for (const g of dp.distributionPoint?.fullName ?? [])
            if (g.uniformResourceIdentifier) out.crl.push(g.uniformResourceIdentifier);
        return undefined;
      }
      case OID.authorityInfoAccess: {
        const aia = AsnParser.parse(b, AuthorityInfoAccessSyntax);
        for (const ad of aia) {
          const uri = ad.accessLocation.uniformResourceIdentifier;
          if (uri === undefined) continue;
          if (ad.accessMethod === OID.adOcsp) out.ocsp.push(uri);
          else if (ad.accessMethod === OID.adCaIssuers) out.caIssuers.push(uri);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  } catch {
    return bad('RFC 5280 §4.2');
  }
}

/** The DER of one certificate, from DER bytes or PEM text (the first CERTIFICATE block). */
function certificateBytes(input: Uint8Array | string): Either<PkiError, Uint8Array> {
  if (typeof input !== 'string' && !looksLikePem(input)) return right(input);
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const blocks = decodePem(text);
  if (isLeft(blocks)) return blocks;
  const cert = blocks.right.find((b) => b.label === 'CERTIFICATE');
  return cert === undefined
    ? left(
        pkiError(
          'malformed-pem',
          'no CERTIFICATE block in the PEM text',
          'Không có khối CERTIFICATE trong văn bản PEM',
          {
            rule: 'RFC 7468 §5.1',
          },
        ),
      )
    : right(cert.der);
}

/**
 * Parse one certificate from DER bytes or PEM text. Fails with `malformed-pem`,
 * `malformed-certificate` or `malformed-der` naming the field; the algorithm policy is applied
 * later, by {@link validatePath} (a parsed certificate with a 1024-bit key is still readable).
 */
export async function parseCertificate(
  input: Uint8Array | string,
  path: ReadonlyArray<string | number> = [],
): Promise<Either<PkiError, Certificate>> {
  const bytes = certificateBytes(input);
  if (isLeft(bytes)) return bytes;
  const der = new Uint8Array(bytes.right);
  const top = readOnly(der);
  if (top === undefined || top.tag !== TAG.SEQUENCE)
    return left(malformed('not a single DER SEQUENCE', 'không phải một SEQUENCE DER', path));
  const outer = childrenOf(der, top);
  if (outer?.length !== 3 || outer[0]!.tag !== TAG.SEQUENCE)
    return left(malformed('not tbsCertificate, signatureAlgorithm, signature', 'sai cấu trúc Certificate', path));
  const tbsT = outer[0]!;
  const fields = childrenOf(der, tbsT);
  if (fields === undefined)
    return left(malformed('bad lengths in tbsCertificate', 'độ dài sai trong tbsCertificate', path));
  // tbsCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, ...
  const hasVersion = fields[0]?.tag === 0xa0;
  const f = (i: number): Tlv | undefined => fields[i + (hasVersion ? 1 : 0)];
  const [serialT, , issuerT, , subjectT, spkiT] = [f(0), f(1), f(2), f(3), f(4), f(5)];
  if (
    serialT?.tag !== TAG.INTEGER ||
    issuerT?.tag !== TAG.SEQUENCE ||
    subjectT?.tag !== TAG.SEQUENCE ||
    spkiT?.tag !== TAG.SEQUENCE
  )
    return left(
      malformed(
        'tbsCertificate fields are missing or out of order',
        'thiếu trường hoặc sai thứ tự trong tbsCertificate',
        path,
      ),
    );

  let asn: AsnCertificate;
  try {
    asn = AsnParser.parse(der, AsnCertificate);
  } catch (e) {
    return left(
      malformed(
        `the DER does not match the Certificate syntax (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`,
        'DER không đúng cú pháp Certificate',
        path,
      ),
    );
  }
  const tbs = asn.tbsCertificate;
  const issuer = decodeName(tlvBytes(der, issuerT).slice(), [...path, 'issuer']);
  if (isLeft(issuer)) return issuer;
  const subject = decodeName(tlvBytes(der, subjectT).slice(), [...path, 'subject']);
  if (isLeft(subject)) return subject;
  const publicKey = readPublicKey(tlvBytes(der, spkiT).slice(), [...path, 'subjectPublicKeyInfo']);
  if (isLeft(publicKey)) return publicKey;
  if (tbs.signature.algorithm !== asn.signatureAlgorithm.algorithm)
    return left(
      malformed(
        'the signature algorithm inside and outside tbsCertificate differ',
        'thuật toán ký trong và ngoài tbsCertificate khác nhau',
        [...path, 'signatureAlgorithm'],
        'RFC 5280 §4.1.1.2',
      ),
    );

  const extensions: CertificateExtension[] = (tbs.extensions ?? []).map((e) => ({
    oid: e.extnID,
    critical: e.critical,
    value: new Uint8Array(e.extnValue.buffer),
  }));
  const seen = new Set<string>();
  const parsed: Parsed = { crl: [], ocsp: [], caIssuers: [], ekuCritical: false };
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i]!;
    if (seen.has(e.oid))
      return left(
        malformed(
          `extension ${e.oid} appears twice`,
          `phần mở rộng ${e.oid} xuất hiện hai lần`,
          [...path, 'extensions', i],
          'RFC 5280 §4.2',
        ),
      );
    seen.add(e.oid);
    const bad = readExtension(e, parsed, [...path, 'extensions', i]);
    if (bad !== undefined) return left(bad);
  }
  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime()))
    return left(
      malformed(
        'the validity dates cannot be read',
        'không đọc được thời hạn hiệu lực',
        [...path, 'validity'],
        'RFC 5280 §4.1.2.5',
      ),
    );

  const cert: { -readonly [K in keyof Certificate]: Certificate[K] } = {
    der,
    tbs: tlvBytes(der, tbsT),
    version: tbs.version + 1,
    serialNumber: serialHex(tlvContent(der, serialT)),
    issuer: issuer.right,
    subject: subject.right,
    notBefore,
    notAfter,
    publicKey: publicKey.right,
    signatureAlgorithm: {
      algorithm: asn.signatureAlgorithm.algorithm,
      parameters: asn.signatureAlgorithm.parameters ?? null,
    },
    signatureValue: new Uint8Array(asn.signatureValue),
    extendedKeyUsageCritical: parsed.ekuCritical,
    crlDistributionPoints: parsed.crl,
    ocspUrls: parsed.ocsp,
    caIssuerUrls: parsed.caIssuers,
    extensions,
    fingerprint: toHex(await digest('SHA-256', der)),
    selfIssued: false,
  };
  if (parsed.keyUsage) cert.keyUsage = parsed.keyUsage;
  if (parsed.extendedKeyUsage) cert.extendedKeyUsage = parsed.extendedKeyUsage;
  if (parsed.basicConstraints) cert.basicConstraints = parsed.basicConstraints;
  if (parsed.ski !== undefined) cert.subjectKeyIdentifier = parsed.ski;
  if (parsed.aki !== undefined) cert.authorityKeyIdentifier = parsed.aki;
  cert.selfIssued = sameDer(cert.issuer.der, cert.subject.der);
  return right(cert);
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Every certificate in a PEM bundle (all CERTIFICATE blocks, in order), or one DER certificate.
 * Fails on the first that cannot be read, naming its index.
 */
export async function parseCertificates(input: Uint8Array | string): Promise<Either<PkiError, Certificate[]>> {
  if (typeof input !== 'string' && !looksLikePem(input)) {
    const one = await parseCertificate(input, [0]);
    return isLeft(one) ? one : right([one.right]);
  }
  const blocks = decodePem(typeof input === 'string' ? input : new TextDecoder().decode(input));
  if (isLeft(blocks)) return blocks;
  const out: Certificate[] = [];
  let i = 0;
  for (const b of blocks.right) {
    if (b.label !== 'CERTIFICATE') continue;
    const c = await parseCertificate(b.der, [i++]);
    if (isLeft(c)) return c;
    out.push(c.right);
  }
  return right(out);
}

/** The certificate's own signature scheme under the policy (a Left for SHA-1, MD5 and the like). */
export function certificateSignatureScheme(
  c: Certificate,
  path: ReadonlyArray<string | number> = [],
): Either<PkiError, SignatureAlgorithm> {
  return signatureScheme(c.signatureAlgorithm, [...path, 'signatureAlgorithm']);
}

/** Whether the key usage allows a use (an absent extension allows every use). */
export function allowsKeyUsage(c: Certificate, u: KeyUsageName): boolean {
  return c.keyUsage === undefined || c.keyUsage.has(u);
}

/** Read a DER TLV's header at 0 to tell a certificate from other things quickly (used by bundles). */
export function isDerSequence(b: Uint8Array): boolean {
  return readTlv(b, 0)?.tag === TAG.SEQUENCE;
}
