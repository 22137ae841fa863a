/**
 * The ESS signing-certificate attributes (RFC 2634 §5.4, RFC 5035 §3): they bind the signature to
 * one certificate, so that nobody can swap in another certificate for the same key. CAdES
 * (ETSI EN 319 122-1 §5.2.2) requires signing-certificate-v2; RFC 3161 timestamps carry v1 (with a
 * SHA-1 certificate hash, RFC 3161 §2.4.1) or v2 (RFC 5816).
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hashAlgorithmDer, type HashName } from '../algorithms.js';
import { digest, toHex } from '../bytes.js';
import type { Certificate } from '../certificate.js';
import { serialHex } from '../certificate.js';
import {
  childrenOf,
  contextTag,
  derOctetString,
  derSequence,
  derSerial,
  oidText,
  readOnly,
  TAG,
  tlv,
  tlvBytes,
  tlvContent,
} from '../der.js';
import { pkiError, type PkiError } from '../errors.js';
import { OID } from '../oids.js';

/** One ESSCertID(v2): the certificate hash and, when given, the issuer and serial. */
export interface EssCertId {
  readonly hash: HashName | 'SHA-1';
  readonly certHash: string;
  readonly issuerSerial?: { readonly issuer: Uint8Array; readonly serialNumber: string };
}

/** DER of a SigningCertificateV2 value for `cert`, SHA-256 by default, with issuerSerial. */
export async function signingCertificateV2(cert: Certificate, hash: HashName = 'SHA-256'): Promise<Uint8Array> {
  const certHash = await digest(hash, cert.der);
  const serial = derSerial(cert.serialNumber);
  const issuerSerial = derSequence(derSequence(tlv(contextTag(4, true), cert.issuer.der)), serial);
  // hashAlgorithm DEFAULT id-sha256: DER leaves a default out (X.690 §11.5).
  const id =
    hash === 'SHA-256'
      ? derSequence(derOctetString(certHash), issuerSerial)
      : derSequence(hashAlgorithmDer(hash), derOctetString(certHash), issuerSerial);
  return derSequence(derSequence(id));
}

const HASHES: Readonly<Record<string, HashName | 'SHA-1'>> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};

/** Read a SigningCertificate (v1) or SigningCertificateV2 value. */
export function decodeSigningCertificate(
  value: Uint8Array,
  v2: boolean,
  path: ReadonlyArray<string | number>,
): Either<PkiError, EssCertId[]> {
  const bad = () =>
    left(
      pkiError(
        'signed-attribute',
        'the signing-certificate attribute is malformed',
        'Thuộc tính signing-certificate sai cấu trúc',
        {
          path,
          rule: v2 ? 'RFC 5035 §4' : 'RFC 2634 §5.4',
        },
      ),
    );
  const top = readOnly(value);
  const certs = top?.tag === TAG.SEQUENCE ? childrenOf(value, childrenOf(value, top)?.[0] ?? top) : undefined;
  if (!top || !certs) return bad();
  const out: EssCertId[] = [];
  for (const c of certs) {
    const f = c.tag === TAG.SEQUENCE ? childrenOf(value, c) : undefined;
    if (!f?.length) return bad();
    let i = 0;
    let hash: HashName | 'SHA-1' = v2 ? 'SHA-256' : 'SHA-1';
    if (v2 && f[0]!.tag === TAG.SEQUENCE) {
      const oidT = childrenOf(value, f[0]!)?.[0];
      const h = oidT?.tag === TAG.OID ? HASHES[oidText(tlvContent(value, oidT)) ?? ''] : undefined;
      if (h === undefined) return bad();
      hash = h;
      i = 1;
    }
    const hT = f[i];
    if (hT?.tag !== TAG.OCTET_STRING) return bad();
    const id: { -readonly [K in keyof EssCertId]: EssCertId[K] } = { hash, certHash: toHex(tlvContent(value, hT)) };
    const is = f[i + 1];
    if (is?.tag === TAG.SEQUENCE) {
      const parts = childrenOf(value, is);
      const gn = parts?.[0] ? childrenOf(value, parts[0])?.[0] : undefined; // GeneralNames → first GeneralName
      const name = gn?.tag === 0xa4 ? childrenOf(value, gn)?.[0] : undefined;
      if (!name || parts?.[1]?.tag !== TAG.INTEGER) return bad();
      id.issuerSerial = { issuer: tlvBytes(value, name).slice(), serialNumber: serialHex(tlvContent(value, parts[1])) };
    }
    out.push(id);
  }
  return out.length ? right(out) : bad();
}

/** Whether the first ESSCertID names `cert` (hash, and issuer and serial when present). */
export async function essMatches(id: EssCertId, cert: Certificate): Promise<boolean> {
  if (toHex(await digest(id.hash, cert.der)) !== id.certHash) return false;
  if (id.issuerSerial === undefined) return true;
  const a = id.issuerSerial.issuer;
  const b = cert.issuer.der;
  return id.issuerSerial.serialNumber === cert.serialNumber && a.length === b.length && a.every((x, k) => x === b[k]);
}
