/**
 * OCSP responses (RFC 6960 §4.2): the BasicOCSPResponse with the exact bytes of what the
 * responder signed, its certificates, and one entry per certificate asked about. Requests (for
 * fetching evidence at signing time) are built here too.
 */
import { AsnConvert, AsnParser, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Extension } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse as AsnOcspResponse,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import type { AlgorithmIdentifierLike } from '../algorithms.js';
import { decodePem, digest, looksLikePem, toArrayBuffer, toHex } from '../bytes.js';
import { parseCertificate, serialHex, type Certificate } from '../certificate.js';
import { childrenOf, readOnly, TAG, tlvBytes, tlvContent, derOctetString, derSerial } from '../der.js';
import { pkiError, type PkiError } from '../errors.js';
import { decodeName, type DistinguishedName } from '../name.js';
import { OID } from '../oids.js';
import { REVOCATION_REASONS, type RevocationReason } from './crl.js';

export type OcspResponseStatus =
  'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';

export interface OcspSingleResponse {
  readonly hashAlgorithm: string;
  readonly issuerNameHash: string;
  readonly issuerKeyHash: string;
  readonly serialNumber: string;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revocationTime?: Date;
  readonly reason?: RevocationReason;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
}

export interface OcspResponse {
  readonly der: Uint8Array;
  readonly status: OcspResponseStatus;
  /** SHA-256 of `der`, lowercase hex. */
  readonly fingerprint: string;
  /** Present when `status` is `successful` and the response is a BasicOCSPResponse. */
  readonly basic?: {
    readonly tbs: Uint8Array;
    readonly responderName?: DistinguishedName;
    /** SHA-1 of the responder's public key (RFC 6960 §4.2.1), hex. */
    readonly responderKeyHash?: string;
    readonly producedAt: Date;
    readonly responses: readonly OcspSingleResponse[];
    readonly certificates: readonly Certificate[];
    readonly signatureAlgorithm: AlgorithmIdentifierLike;
    readonly signatureValue: Uint8Array;
    readonly nonce?: string;
  };
}

const STATUS: Readonly<Record<number, OcspResponseStatus>> = {
  0: 'successful',
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

function malformed(why: string, path: ReadonlyArray<string | number>): PkiError {
  return pkiError(
    'malformed-ocsp',
    `the OCSP response cannot be read: ${why}`,
    `Không đọc được phản hồi OCSP: ${why}`,
    {
      path,
      rule: 'RFC 6960 §4.2.1',
    },
  );
}

/** Parse an OCSP response (DER, or PEM with any label). */
export async function parseOcspResponse(
  input: Uint8Array | string,
  path: ReadonlyArray<string | number> = [],
): Promise<Either<PkiError, OcspResponse>> {
  let der: Uint8Array;
  if (typeof input === 'string' || looksLikePem(input)) {
    const blocks = decodePem(typeof input === 'string' ? input : new TextDecoder().decode(input));
    if (isLeft(blocks)) return blocks;
    if (blocks.right.length === 0) return left(malformed('no PEM block', path));
    der = blocks.right[0]!.der;
  } else der = new Uint8Array(input);
  let resp: AsnOcspResponse;
  try {
    resp = AsnParser.parse(der, AsnOcspResponse);
  } catch {
    return left(malformed('not an OCSPResponse', path));
  }
  const fingerprint = toHex(await digest('SHA-256', der));
  const status = STATUS[resp.responseStatus as number];
  if (status === undefined)
    return left(malformed(`unknown responseStatus ${resp.responseStatus}`, [...path, 'responseStatus']));
  if (status !== 'successful' || !resp.responseBytes) return right({ der, status, fingerprint });
  if (resp.responseBytes.responseType !== OID.ocspBasic)
    return left(
      malformed(`response type ${resp.responseBytes.responseType} is not id-pkix-ocsp-basic`, [
        ...path,
        'responseBytes',
      ]),
    );
  const b = new Uint8Array(resp.responseBytes.response.buffer);
  const top = readOnly(b);
  const parts = top?.tag === TAG.SEQUENCE ? childrenOf(b, top) : undefined;
  if (parts === undefined || parts.length < 3 || parts[0]!.tag !== TAG.SEQUENCE)
    return left(malformed('not a BasicOCSPResponse', path));
  let basic: BasicOCSPResponse;
  try {
    basic = AsnParser.parse(b, BasicOCSPResponse);
  } catch {
    return left(malformed('the DER does not match BasicOCSPResponse', path));
  }
  // responderID: [1] byName or [2] byKey, after an optional [0] version.
  const tbsParts = childrenOf(b, parts[0]!) ?? [];
  const rid = tbsParts[tbsParts[0]?.tag === 0xa0 ? 1 : 0];
  let responderName: DistinguishedName | undefined;
  let responderKeyHash: string | undefined;
  if (rid?.tag === 0xa1) {
    const inner = childrenOf(b, rid)?.[0];
    if (inner === undefined) return left(malformed('empty responderID', path));
    const n = decodeName(tlvBytes(b, inner).slice(), [...path, 'responderID']);
    if (isLeft(n)) return n;
    responderName = n.right;
  } else if (rid?.tag === 0xa2) {
    const inner = childrenOf(b, rid)?.[0];
    if (inner?.tag !== TAG.OCTET_STRING) return left(malformed('malformed responderID byKey', path));
    responderKeyHash = toHex(tlvContent(b, inner));
  } else return left(malformed('no responderID', path));
  const certificates: Certificate[] = [];
  const certsT = parts.find((p) => p.tag === 0xa0);
  if (certsT) {
    const seq = childrenOf(b, certsT)?.[0];
    for (const [i, c] of (seq ? (childrenOf(b, seq) ?? []) : []).entries()) {
      const cert = await parseCertificate(tlvBytes(b, c).slice(), [...path, 'certs', i]);
      if (isLeft(cert)) return cert;
      certificates.push(cert.right);
    }
  }
  const responses: OcspSingleResponse[] = [];
  for (const r of basic.tbsResponseData.responses) {
    const s = r.certStatus;
    const st: OcspSingleResponse['status'] = s.revoked ? 'revoked' : s.unknown !== undefined ? 'unknown' : 'good';
    const one: { -readonly [K in keyof OcspSingleResponse]: OcspSingleResponse[K] } = {
      hashAlgorithm: r.certID.hashAlgorithm.algorithm,
      issuerNameHash: toHex(new Uint8Array(r.certID.issuerNameHash.buffer)),
      issuerKeyHash: toHex(new Uint8Array(r.certID.issuerKeyHash.buffer)),
      serialNumber: serialHex(new Uint8Array(r.certID.serialNumber)),
      status: st,
      thisUpdate: r.thisUpdate,
    };
    if (s.revoked) {
      one.revocationTime = s.revoked.revocationTime;
      if (s.revoked.revocationReason)
        one.reason = REVOCATION_REASONS[s.revoked.revocationReason.reason] ?? 'unspecified';
    }
    if (r.nextUpdate) one.nextUpdate = r.nextUpdate;
    responses.push(one);
  }
  const nonceExt = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
  const out: { -readonly [K in keyof NonNullable<OcspResponse['basic']>]: NonNullable<OcspResponse['basic']>[K] } = {
    tbs: tlvBytes(b, parts[0]!).slice(),
    producedAt: basic.tbsResponseData.producedAt,
    responses,
    certificates,
    signatureAlgorithm: {
      algorithm: basic.signatureAlgorithm.algorithm,
      parameters: basic.signatureAlgorithm.parameters ?? null,
    },
    signatureValue: new Uint8Array(basic.signature),
  };
  if (responderName) out.responderName = responderName;
  if (responderKeyHash !== undefined) out.responderKeyHash = responderKeyHash;
  if (nonceExt) out.nonce = toHex(new Uint8Array(nonceExt.extnValue.buffer));
  return right({ der, status, fingerprint, basic: out });
}

/** The BIT STRING contents of a certificate's key (what OCSP's issuerKeyHash and byKey hash, RFC 6960 §4.1.1). */
export function publicKeyBits(c: Certificate): Uint8Array {
  const spki = c.publicKey.spki;
  const top = readOnly(spki);
  const bits = top ? childrenOf(spki, top)?.[1] : undefined;
  return bits ? tlvContent(spki, bits).subarray(1) : new Uint8Array(0);
}

/** The CertID of a certificate (RFC 6960 §4.1.1), with SHA-1 (what responders expect) unless told. */
export async function ocspCertId(
  cert: Certificate,
  issuer: Certificate,
  hash: 'SHA-1' | 'SHA-256' = 'SHA-1',
): Promise<CertID> {
  const algorithm = hash === 'SHA-1' ? OID.sha1 : OID.sha256;
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm }),
    issuerNameHash: new OctetString(await digest(hash, issuer.subject.der)),
    issuerKeyHash: new OctetString(await digest(hash, publicKeyBits(issuer))),
    serialNumber: toArrayBuffer(tlvContent(derSerial(cert.serialNumber), readOnly(derSerial(cert.serialNumber))!)),
  });
}

/** DER of an unsigned OCSP request for one certificate, with a nonce (RFC 6960 §4.1, RFC 8954). */
export async function ocspRequest(cert: Certificate, issuer: Certificate, nonce?: Uint8Array): Promise<Uint8Array> {
  const tbs = new TBSRequest({ requestList: [new Request({ reqCert: await ocspCertId(cert, issuer) })] });
  if (nonce)
    tbs.requestExtensions = [
      new Extension({ extnID: OID.ocspNonce, extnValue: new OctetString(derOctetString(nonce)) }),
    ];
  return new Uint8Array(AsnConvert.serialize(new OCSPRequest({ tbsRequest: tbs })));
}
