/**
 * Certificate revocation lists (RFC 5280 §5): parsed with the exact DER of the to-be-signed part
 * and of the issuer's name kept, so the signature and the issuer match are checked on the bytes
 * the CA signed.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import type { AlgorithmIdentifierLike } from '../algorithms.js';
import { decodePem, digest, looksLikePem, toHex } from '../bytes.js';
import { serialHex } from '../certificate.js';
import { childrenOf, readOnly, TAG, tlvBytes, tlvContent } from '../der.js';
import { pkiError, type PkiError } from '../errors.js';
import { decodeName, type DistinguishedName } from '../name.js';
import { OID } from '../oids.js';

/** CRLReason (RFC 5280 §5.3.1) by name. */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export const REVOCATION_REASONS: Readonly<Record<number, RevocationReason>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export interface RevokedEntry {
  readonly serialNumber: string;
  readonly revocationDate: Date;
  readonly reason?: RevocationReason;
}

export interface Crl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly crlNumber?: string;
  readonly authorityKeyIdentifier?: string;
  /** Revoked serial numbers (hex as {@link Certificate.serialNumber}) → entry. */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
  readonly signatureAlgorithm: AlgorithmIdentifierLike;
  readonly signatureValue: Uint8Array;
  /** Critical CRL extensions other than those this package understands; such a CRL is not used. */
  readonly unknownCritical: readonly string[];
  /** The issuing distribution point's scope, when the CRL has one (RFC 5280 §5.2.5). */
  readonly scope?: { readonly onlyUser: boolean; readonly onlyCa: boolean; readonly partial: boolean };
  readonly delta: boolean;
  /** SHA-256 of `der`, lowercase hex. */
  readonly fingerprint: string;
}

function malformed(why: string, path: ReadonlyArray<string | number>): PkiError {
  return pkiError('malformed-crl', `the CRL cannot be read: ${why}`, `Không đọc được danh sách thu hồi (CRL): ${why}`, {
    path,
    rule: 'RFC 5280 §5.1',
  });
}

function crlBytes(input: Uint8Array | string): Either<PkiError, Uint8Array> {
  if (typeof input !== 'string' && !looksLikePem(input)) return right(input);
  const blocks = decodePem(typeof input === 'string' ? input : new TextDecoder().decode(input));
  if (isLeft(blocks)) return blocks;
  const b = blocks.right.find((x) => x.label === 'X509 CRL');
  return b ? right(b.der) : left(malformed('no X509 CRL block in the PEM text', []));
}

/** Parse a CRL from DER or PEM (`X509 CRL`). */
export async function parseCrl(
  input: Uint8Array | string,
  path: ReadonlyArray<string | number> = [],
): Promise<Either<PkiError, Crl>> {
  const bytes = crlBytes(input);
  if (isLeft(bytes)) return bytes;
  const der = new Uint8Array(bytes.right);
  const top = readOnly(der);
  const outer = top?.tag === TAG.SEQUENCE ? childrenOf(der, top) : undefined;
  if (outer?.length !== 3 || outer[0]!.tag !== TAG.SEQUENCE) return left(malformed('not a CertificateList', path));
  const fields = childrenOf(der, outer[0]!) ?? [];
  const off = fields[0]?.tag === TAG.INTEGER ? 1 : 0;
  const issuerT = fields[off + 1];
  if (issuerT?.tag !== TAG.SEQUENCE) return left(malformed('no issuer', path));
  let asn: CertificateList;
  try {
    asn = AsnParser.parse(der, CertificateList);
  } catch {
    return left(malformed('the DER does not match the CertificateList syntax', path));
  }
  const issuer = decodeName(tlvBytes(der, issuerT).slice(), [...path, 'issuer']);
  if (isLeft(issuer)) return issuer;
  const t = asn.tbsCertList;
  const revoked = new Map<string, RevokedEntry>();
  for (const r of t.revokedCertificates ?? []) {
    const serial = serialHex(new Uint8Array(r.userCertificate));
    const reasonExt = r.crlEntryExtensions?.find((e) => e.extnID === OID.crlReason);
    let reason: RevocationReason | undefined;
    if (reasonExt) {
      const v = new Uint8Array(reasonExt.extnValue.buffer);
      const e = readOnly(v);
      if (e?.tag !== 0x0a)
        return left(malformed(`entry ${serial} has a malformed reason code`, [...path, 'revokedCertificates']));
      reason = REVOCATION_REASONS[tlvContent(v, e)[0] ?? 0] ?? 'unspecified';
    }
    const entry: RevokedEntry = reason
      ? { serialNumber: serial, revocationDate: r.revocationDate.getTime(), reason }
      : { serialNumber: serial, revocationDate: r.revocationDate.getTime() };
    revoked.set(serial, entry);
  }
  const known = new Set<string>([
    OID.crlNumber,
    OID.authorityKeyIdentifier,
    OID.issuingDistributionPoint,
    OID.deltaCrlIndicator,
    OID.issuerAltName,
    OID.freshestCrl,
    OID.authorityInfoAccess,
  ]);
  const unknownCritical: string[] = [];
  let crlNumber: string | undefined;
  let aki: string | undefined;
  let scope: Crl['scope'];
  let delta = false;
  for (const e of t.crlExtensions ?? []) {
    const v = new Uint8Array(e.extnValue.buffer);
    if (e.critical && !known.has(e.extnID)) unknownCritical.push(e.extnID);
    const x = readOnly(v);
    if (e.extnID === OID.crlNumber && x?.tag === TAG.INTEGER) crlNumber = serialHex(tlvContent(v, x));
    if (e.extnID === OID.deltaCrlIndicator) delta = true;
    if (e.extnID === OID.authorityKeyIdentifier && x?.tag === TAG.SEQUENCE) {
      const kid = (childrenOf(v, x) ?? []).find((c) => c.tag === 0x80);
      if (kid) aki = toHex(tlvContent(v, kid));
    }
    if (e.extnID === OID.issuingDistributionPoint && x?.tag === TAG.SEQUENCE) {
      const parts = childrenOf(v, x) ?? [];
      const flag = (tag: number) => parts.some((p) => p.tag === tag && v[p.contentStart] !== 0);
      // [3] onlySomeReasons and [4] indirectCRL make the CRL partial: it cannot prove a certificate good.
      scope = {
        onlyUser: flag(0x81),
        onlyCa: flag(0x82),
        partial: parts.some((p) => p.tag === 0x83) || flag(0x84) || flag(0x85),
      };
    }
  }
  const crl: { -readonly [K in keyof Crl]: Crl[K] } = {
    der,
    tbs: tlvBytes(der, outer[0]!),
    issuer: issuer.right,
    thisUpdate: t.thisUpdate.getTime(),
    revoked,
    signatureAlgorithm: {
      algorithm: asn.signatureAlgorithm.algorithm,
      parameters: asn.signatureAlgorithm.parameters ?? null,
    },
    signatureValue: new Uint8Array(asn.signature),
    unknownCritical,
    delta,
    fingerprint: toHex(await digest('SHA-256', der)),
  };
  if (t.nextUpdate) crl.nextUpdate = t.nextUpdate.getTime();
  if (crlNumber !== undefined) crl.crlNumber = crlNumber;
  if (aki !== undefined) crl.authorityKeyIdentifier = aki;
  if (scope) crl.scope = scope;
  return right(crl);
}
