/**
 * CMS SignedData (RFC 5652 §5) read and written with the package's DER reader and writer, so that
 * the bytes signed — the signed attributes, the encapsulated content — are exactly the bytes
 * received, and the `crls` field can hold both CRLs and OCSP responses (RFC 5940), which the
 * schema library's RevocationInfoChoice does not model.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import type { AlgorithmIdentifierLike } from '../algorithms.js';
import { toArrayBuffer } from '../bytes.js';
import { serialHex } from '../certificate.js';
import {
  childrenOf,
  contextTag,
  derOctetString,
  derOid,
  derSequence,
  derSerial,
  derSetOf,
  derUnsignedInteger,
  oidText,
  readOnly,
  tlv,
  TAG,
  tlvBytes,
  tlvContent,
  type Tlv,
} from '../der.js';
import { pkiError, type PkiError } from '../errors.js';
import { OID } from '../oids.js';

/** One attribute: its type and the DER of each value. */
export interface CmsAttribute {
  readonly type: string;
  readonly values: readonly Uint8Array[];
}

export interface SignerInfoData {
  readonly version: number;
  /** issuerAndSerialNumber: the issuer Name's DER and the serial (hex), or a subjectKeyIdentifier (hex). */
  readonly sid:
    { readonly issuer: Uint8Array; readonly serialNumber: string } | { readonly subjectKeyIdentifier: string };
  readonly digestAlgorithm: AlgorithmIdentifierLike;
  /** The signed attributes as received, re-tagged as a SET (what the signature covers, RFC 5652 §5.4). */
  readonly signedAttrsDer?: Uint8Array;
  readonly signedAttrs?: readonly CmsAttribute[];
  readonly signatureAlgorithm: AlgorithmIdentifierLike;
  readonly signature: Uint8Array;
  readonly unsignedAttrs?: readonly CmsAttribute[];
}

export interface SignedDataContent {
  readonly version: number;
  readonly digestAlgorithms: readonly string[];
  readonly eContentType: string;
  /** The encapsulated content (absent for a detached signature). */
  readonly eContent?: Uint8Array;
  readonly certificates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  /** OCSP responses carried as OtherRevocationInfoFormat id-ri-ocsp-response (RFC 5940 §4.1). */
  readonly ocspResponses: readonly Uint8Array[];
  readonly signerInfos: readonly SignerInfoData[];
}

function bad(
  why: string,
  path: ReadonlyArray<string | number>,
  code: 'malformed-cms' | 'cms-structure' = 'malformed-cms',
): Either<PkiError, never> {
  return left(
    pkiError(code, `the CMS signature cannot be read: ${why}`, `Không đọc được chữ ký CMS: ${why}`, {
      path,
      rule: 'RFC 5652 §5',
    }),
  );
}

function algorithm(b: Uint8Array, t: Tlv | undefined): AlgorithmIdentifierLike | undefined {
  if (t?.tag !== TAG.SEQUENCE) return undefined;
  const parts = childrenOf(b, t);
  if (!parts?.length || parts[0]!.tag !== TAG.OID) return undefined;
  const oid = oidText(tlvContent(b, parts[0]!));
  if (oid === undefined) return undefined;
  const p = parts[1];
  return { algorithm: oid, parameters: p === undefined ? null : toArrayBuffer(tlvBytes(b, p)) };
}

function attributes(b: Uint8Array, t: Tlv): CmsAttribute[] | undefined {
  const out: CmsAttribute[] = [];
  for (const a of childrenOf(b, t) ?? []) {
    const parts = a.tag === TAG.SEQUENCE ? childrenOf(b, a) : undefined;
    if (parts?.length !== 2 || parts[0]!.tag !== TAG.OID || parts[1]!.tag !== TAG.SET) return undefined;
    const type = oidText(tlvContent(b, parts[0]!));
    if (type === undefined) return undefined;
    out.push({ type, values: (childrenOf(b, parts[1]!) ?? []).map((v) => tlvBytes(b, v).slice()) });
  }
  return out;
}

function integer(b: Uint8Array, t: Tlv | undefined): number | undefined {
  if (t?.tag !== TAG.INTEGER) return undefined;
  const v = tlvContent(b, t);
  return v.length === 1 ? v[0] : undefined;
}

function signerInfo(b: Uint8Array, t: Tlv, path: ReadonlyArray<string | number>): Either<PkiError, SignerInfoData> {
  const parts = t.tag === TAG.SEQUENCE ? childrenOf(b, t) : undefined;
  if (parts === undefined || parts.length < 5) return bad('a SignerInfo is malformed', path);
  const version = integer(b, parts[0]);
  if (version === undefined) return bad('a SignerInfo has no version', [...path, 'version']);
  const sidT = parts[1]!;
  let sid: SignerInfoData['sid'];
  if (sidT.tag === TAG.SEQUENCE) {
    const ias = childrenOf(b, sidT);
    if (ias?.length !== 2 || ias[0]!.tag !== TAG.SEQUENCE || ias[1]!.tag !== TAG.INTEGER)
      return bad('issuerAndSerialNumber is malformed', [...path, 'sid']);
    sid = { issuer: tlvBytes(b, ias[0]!).slice(), serialNumber: serialHex(tlvContent(b, ias[1]!)) };
  } else if (sidT.tag === 0x80) {
    sid = { subjectKeyIdentifier: Array.from(tlvContent(b, sidT), (x) => x.toString(16).padStart(2, '0')).join('') };
  } else
    return bad('the signer identifier is neither issuerAndSerialNumber nor subjectKeyIdentifier', [...path, 'sid']);
  const digestAlgorithm = algorithm(b, parts[2]);
  if (!digestAlgorithm) return bad('the digest algorithm is malformed', [...path, 'digestAlgorithm']);
  let i = 3;
  let signedAttrsDer: Uint8Array | undefined;
  let signedAttrs: CmsAttribute[] | undefined;
  if (parts[i]?.tag === 0xa0) {
    const raw = tlvBytes(b, parts[i]!).slice();
    // RFC 5652 §5.4: the signature covers the DER of the SET OF, with the SET tag, not the [0].
    raw[0] = TAG.SET;
    signedAttrsDer = raw;
    signedAttrs = attributes(b, parts[i]!);
    if (!signedAttrs) return bad('the signed attributes are malformed', [...path, 'signedAttrs']);
    i++;
  }
  const signatureAlgorithm = algorithm(b, parts[i]);
  if (!signatureAlgorithm) return bad('the signature algorithm is malformed', [...path, 'signatureAlgorithm']);
  const sigT = parts[i + 1];
  if (sigT?.tag !== TAG.OCTET_STRING) return bad('the signature value is missing', [...path, 'signature']);
  let unsignedAttrs: CmsAttribute[] | undefined;
  if (parts[i + 2]?.tag === 0xa1) {
    unsignedAttrs = attributes(b, parts[i + 2]!);
    if (!unsignedAttrs) return bad('the unsigned attributes are malformed', [...path, 'unsignedAttrs']);
  }
  const si: { -readonly [K in keyof SignerInfoData]: SignerInfoData[K] } = {
    version,
    sid,
    digestAlgorithm,
    signatureAlgorithm,
    signature: tlvContent(b, sigT).slice(),
  };
  if (signedAttrsDer) si.signedAttrsDer = signedAttrsDer;
  if (signedAttrs) si.signedAttrs = signedAttrs;
  if (unsignedAttrs) si.unsignedAttrs = unsignedAttrs;
  return right(si);
}

/** Read a ContentInfo holding a SignedData (DER). */
export function decodeSignedData(
  der: Uint8Array,
  path: ReadonlyArray<string | number> = [],
): Either<PkiError, SignedDataContent> {
  const b = der;
  const top = readOnly(b);
  const ci = top?.tag === TAG.SEQUENCE ? childrenOf(b, top) : undefined;
  if (ci?.length !== 2 || ci[0]!.tag !== TAG.OID || ci[1]!.tag !== 0xa0) return bad('not a ContentInfo', path);
  if (oidText(tlvContent(b, ci[0]!)) !== OID.signedData)
    return bad('the content type is not signedData', [...path, 'contentType'], 'cms-structure');
  const sdT = childrenOf(b, ci[1]!)?.[0];
  const parts = sdT?.tag === TAG.SEQUENCE ? childrenOf(b, sdT) : undefined;
  if (parts === undefined || parts.length < 4) return bad('the SignedData is malformed', [...path, 'content']);
  const version = integer(b, parts[0]);
  if (version === undefined) return bad('the SignedData has no version', [...path, 'content', 'version']);
  if (parts[1]!.tag !== TAG.SET) return bad('digestAlgorithms is not a SET', [...path, 'content', 'digestAlgorithms']);
  const digestAlgorithms = (childrenOf(b, parts[1]!) ?? []).map((t) => algorithm(b, t)?.algorithm ?? '?');
  const eci = parts[2]!.tag === TAG.SEQUENCE ? childrenOf(b, parts[2]!) : undefined;
  if (!eci?.length || eci[0]!.tag !== TAG.OID)
    return bad('encapContentInfo is malformed', [...path, 'content', 'encapContentInfo']);
  const eContentType = oidText(tlvContent(b, eci[0]!)) ?? '?';
  let eContent: Uint8Array | undefined;
  if (eci[1]) {
    const oct = eci[1].tag === 0xa0 ? childrenOf(b, eci[1])?.[0] : undefined;
    if (oct?.tag !== TAG.OCTET_STRING)
      return bad('eContent is not an OCTET STRING', [...path, 'content', 'encapContentInfo', 'eContent']);
    eContent = tlvContent(b, oct).slice();
  }
  let i = 3;
  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  if (parts[i]?.tag === 0xa0) {
    for (const c of childrenOf(b, parts[i]!) ?? [])
      if (c.tag === TAG.SEQUENCE) certificates.push(tlvBytes(b, c).slice());
    i++;
  }
  if (parts[i]?.tag === 0xa1) {
    for (const c of childrenOf(b, parts[i]!) ?? []) {
      if (c.tag === TAG.SEQUENCE) crls.push(tlvBytes(b, c).slice());
      else if (c.tag === 0xa1) {
        const other = childrenOf(b, c);
        if (
          other?.length === 2 &&
          other[0]!.tag === TAG.OID &&
          oidText(tlvContent(b, other[0]!)) === OID.riOcspResponse
        )
          ocspResponses.push(tlvBytes(b, other[1]!).slice());
      }
    }
    i++;
  }
  const sis = parts[i];
  if (sis?.tag !== TAG.SET || i !== parts.length - 1)
    return bad('signerInfos is missing or misplaced', [...path, 'content', 'signerInfos']);
  const signerInfos: SignerInfoData[] = [];
  for (const [k, s] of (childrenOf(b, sis) ?? []).entries()) {
    const si = signerInfo(b, s, [...path, 'signerInfos', k]);
    if (si._tag === 'Left') return si;
    signerInfos.push(si.right);
  }
  const out: { -readonly [K in keyof SignedDataContent]: SignedDataContent[K] } = {
    version,
    digestAlgorithms,
    eContentType,
    certificates,
    crls,
    ocspResponses,
    signerInfos,
  };
  if (eContent) out.eContent = eContent;
  return right(out);
}

/** DER of one attribute. */
export function encodeAttribute(type: string, values: readonly Uint8Array[]): Uint8Array {
  return derSequence(derOid(type), derSetOf(values));
}

export interface SignerInfoInput {
  readonly issuer: Uint8Array;
  /** The serial number, hex (as {@link Certificate.serialNumber}). */
  readonly serial: string;
  readonly digestAlgorithm: Uint8Array;
  /** The signed attributes' SET as signed; written with the [0] tag. */
  readonly signedAttrs: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  readonly unsignedAttrs?: readonly Uint8Array[];
}

/** DER of a SignerInfo (version 1: issuerAndSerialNumber). */
export function encodeSignerInfo(s: SignerInfoInput): Uint8Array {
  const attrs = s.signedAttrs.slice();
  attrs[0] = contextTag(0, true);
  return derSequence(
    derUnsignedInteger(new Uint8Array([1])),
    derSequence(s.issuer, derSerial(s.serial)),
    s.digestAlgorithm,
    attrs,
    s.signatureAlgorithm,
    derOctetString(s.signature),
    ...(s.unsignedAttrs?.length ? [derSetOf(s.unsignedAttrs, contextTag(1, true))] : []),
  );
}

/** DER of a ContentInfo with a SignedData around one SignerInfo. */
export function encodeSignedData(o: {
  readonly digestAlgorithm: Uint8Array;
  readonly eContentType: string;
  readonly eContent?: Uint8Array;
  readonly certificates: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  readonly ocspResponses?: readonly Uint8Array[];
  readonly signerInfo: Uint8Array;
}): Uint8Array {
  const revocation = [
    ...(o.crls ?? []),
    ...(o.ocspResponses ?? []).map((r) => tlv(contextTag(1, true), derOid(OID.riOcspResponse), r)),
  ];
  // RFC 5652 §5.1: 5 with "other" revocation info, 3 for a content type other than id-data, else 1.
  const version = o.ocspResponses?.length ? 5 : o.eContentType !== OID.data ? 3 : 1;
  const sd = derSequence(
    derUnsignedInteger(new Uint8Array([version])),
    derSetOf([o.digestAlgorithm]),
    derSequence(derOid(o.eContentType), ...(o.eContent ? [tlv(contextTag(0, true), derOctetString(o.eContent))] : [])),
    ...(o.certificates.length ? [derSetOf(o.certificates, contextTag(0, true))] : []),
    ...(revocation.length ? [derSetOf(revocation, contextTag(1, true))] : []),
    derSetOf([o.signerInfo]),
  );
  return derSequence(derOid(OID.signedData), tlv(contextTag(0, true), sd));
}

/** The same ContentInfo with the first SignerInfo's unsigned attributes replaced (to add a timestamp). */
export function withUnsignedAttributes(der: Uint8Array, attrs: readonly Uint8Array[]): Either<PkiError, Uint8Array> {
  const top = readOnly(der);
  const ci = top ? childrenOf(der, top) : undefined;
  const sdT = ci?.[1] ? childrenOf(der, ci[1])?.[0] : undefined;
  const parts = sdT ? childrenOf(der, sdT) : undefined;
  const sis = parts?.[parts.length - 1];
  const si = sis ? childrenOf(der, sis) : undefined;
  if (!parts || !sis || si?.length !== 1)
    return bad('exactly one SignerInfo is expected', ['signerInfos'], 'cms-structure');
  const fields = childrenOf(der, si[0]!) ?? [];
  const kept = fields.filter((f) => f.tag !== 0xa1).map((f) => tlvBytes(der, f));
  const newSi = derSequence(...kept, ...(attrs.length ? [derSetOf(attrs, contextTag(1, true))] : []));
  const sd = derSequence(...parts.slice(0, -1).map((p) => tlvBytes(der, p)), derSetOf([newSi]));
  return right(derSequence(tlvBytes(der, ci![0]!), tlv(contextTag(0, true), sd)));
}

/**
 * The same ContentInfo with `crls` and `ocspResponses` added to the SignedData's `crls` field
 * (RFC 5652 §5.1; OCSP as RFC 5940 §4.1 other revocation info, which makes the version 5). The
 * field is outside every signature, so a token or a signature stays valid: this is how
 * revocation evidence is made to travel inside a TSA's token.
 */
export function withRevocationInfo(
  der: Uint8Array,
  add: { readonly crls?: readonly Uint8Array[]; readonly ocspResponses?: readonly Uint8Array[] },
): Either<PkiError, Uint8Array> {
  const top = readOnly(der);
  const ci = top ? childrenOf(der, top) : undefined;
  const sdT = ci?.[1] ? childrenOf(der, ci[1])?.[0] : undefined;
  const parts = sdT ? childrenOf(der, sdT) : undefined;
  if (!ci || !parts || parts.length < 4) return bad('the SignedData is malformed', ['content']);
  const added = [
    ...(add.crls ?? []),
    ...(add.ocspResponses ?? []).map((r) => tlv(contextTag(1, true), derOid(OID.riOcspResponse), r)),
  ];
  if (added.length === 0) return right(der);
  const fields = parts.map((p) => tlvBytes(der, p));
  const at = parts.findIndex((p) => p.tag === 0xa1);
  const old = at < 0 ? [] : (childrenOf(der, parts[at]!) ?? []).map((c) => tlvBytes(der, c));
  const field = derSetOf([...old, ...added], contextTag(1, true));
  if (at >= 0) fields[at] = field;
  else fields.splice(fields.length - 1, 0, field);
  const hasOther = added.length > (add.crls?.length ?? 0) || old.some((c) => c[0] === 0xa1);
  if (hasOther) fields[0] = derUnsignedInteger(new Uint8Array([5]));
  return right(derSequence(tlvBytes(der, ci[0]!), tlv(contextTag(0, true), derSequence(...fields))));
}
