/**
 * RFC 3161 messages: the TSTInfo a token signs (§2.4.2), the request (§2.4.1) and the response
 * (§2.4.2), read with @peculiar/asn1-tsp and written with the package's DER writer.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { TimeStampReq, TSTInfo } from '@peculiar/asn1-tsp';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { hashAlgorithmDer, hashFromOid, hashLength, type HashName } from '../algorithms.js';
import { bytesEqual, toHex } from '../bytes.js';
import { serialHex } from '../certificate.js';
import {
  childrenOf,
  contextTag,
  DER_TRUE,
  derGeneralizedTime,
  derOctetString,
  derOid,
  derSequence,
  derUnsignedInteger,
  oidText,
  readOnly,
  TAG,
  tlv,
  tlvBytes,
  tlvContent,
} from '../der.js';
import { pkiError, type PkiError } from '../errors.js';

/** A hash of the timestamped data, as RFC 3161 calls it. */
export interface MessageImprint {
  readonly hash: HashName;
  readonly digest: Uint8Array;
}

export interface TstInfo {
  readonly policy: string;
  readonly imprint: MessageImprint;
  /** Hex, as certificate serials. */
  readonly serialNumber: string;
  readonly genTime: Date;
  /** The accuracy in milliseconds, when the TSA states one. */
  readonly accuracyMs?: number;
  readonly ordering: boolean;
  /** Hex of the nonce's INTEGER contents, when present. */
  readonly nonce?: string;
}

function bad(why: string, path: ReadonlyArray<string | number>): Either<PkiError, never> {
  return left(
    pkiError('malformed-timestamp', `the timestamp cannot be read: ${why}`, `Không đọc được dấu thời gian: ${why}`, {
      path,
      rule: 'RFC 3161 §2.4.2',
    }),
  );
}

export function parseTstInfo(der: Uint8Array, path: ReadonlyArray<string | number> = []): Either<PkiError, TstInfo> {
  let t: TSTInfo;
  try {
    t = AsnParser.parse(der, TSTInfo);
  } catch {
    return bad('not a TSTInfo', path);
  }
  if (Number(t.version) !== 1) return bad(`version ${Number(t.version)} is not 1`, [...path, 'version']);
  const hash = hashFromOid(t.messageImprint.hashAlgorithm.algorithm, [...path, 'messageImprint', 'hashAlgorithm']);
  if (isLeft(hash)) return hash;
  if (Number.isNaN(t.genTime.getTime())) return bad('genTime cannot be read', [...path, 'genTime']);
  // asn1js writes OID arcs above 2^53 (UUID arcs under 2.25) in its own form: read the policy exactly.
  const top = readOnly(der);
  const policyT = top ? childrenOf(der, top)?.[1] : undefined;
  const policy = policyT?.tag === TAG.OID ? oidText(tlvContent(der, policyT)) : undefined;
  if (policy === undefined) return bad('the policy cannot be read', [...path, 'policy']);
  const out: { -readonly [K in keyof TstInfo]: TstInfo[K] } = {
    policy,
    imprint: { hash: hash.right, digest: new Uint8Array(t.messageImprint.hashedMessage.buffer) },
    serialNumber: serialHex(new Uint8Array(t.serialNumber)),
    genTime: t.genTime,
    ordering: t.ordering,
  };
  if (t.accuracy)
    out.accuracyMs = (t.accuracy.seconds ?? 0) * 1000 + (t.accuracy.millis ?? 0) + (t.accuracy.micros ?? 0) / 1000;
  if (t.nonce) out.nonce = serialHex(new Uint8Array(t.nonce));
  return right(out);
}

/** DER of a TSTInfo (for an in-process TSA). */
export function encodeTstInfo(o: {
  readonly policy: string;
  readonly imprint: MessageImprint;
  readonly serialNumber: Uint8Array;
  readonly genTime: Date;
  readonly accuracyMs?: number;
  readonly nonce?: Uint8Array;
}): Uint8Array {
  const acc: Uint8Array[] = [];
  if (o.accuracyMs !== undefined) {
    const s = Math.floor(o.accuracyMs / 1000);
    const ms = Math.round(o.accuracyMs % 1000);
    if (s) acc.push(derUnsignedInteger(new Uint8Array([s >> 8, s & 255])));
    if (ms) acc.push(tlv(contextTag(0, false), derUnsignedInteger(new Uint8Array([ms >> 8, ms & 255])).subarray(2)));
  }
  return derSequence(
    derUnsignedInteger(new Uint8Array([1])),
    derOid(o.policy),
    derSequence(hashAlgorithmDer(o.imprint.hash), derOctetString(o.imprint.digest)),
    derUnsignedInteger(o.serialNumber),
    derGeneralizedTime(o.genTime),
    ...(acc.length ? [derSequence(...acc)] : []),
    ...(o.nonce ? [derUnsignedInteger(o.nonce)] : []),
  );
}

export interface TimestampRequest {
  readonly der: Uint8Array;
  readonly imprint: MessageImprint;
  /** Hex, as it will come back in the TSTInfo. */
  readonly nonce?: string;
  readonly certReq: boolean;
  readonly policy?: string;
}

/** A TimeStampReq with a fresh 64-bit nonce and certReq (the TSA's certificate in the token) unless told. */
export function timestampRequest(
  imprint: MessageImprint,
  o: { readonly nonce?: boolean; readonly certReq?: boolean; readonly policy?: string } = {},
): TimestampRequest {
  const certReq = o.certReq ?? true;
  let nonce: Uint8Array | undefined;
  if (o.nonce ?? true) {
    nonce = globalThis.crypto.getRandomValues(new Uint8Array(8));
    nonce[0]! &= 0x7f;
    nonce[0]! |= 0x01; // never a leading zero byte, so the hex round-trips
  }
  const der = derSequence(
    derUnsignedInteger(new Uint8Array([1])),
    derSequence(hashAlgorithmDer(imprint.hash), derOctetString(imprint.digest)),
    ...(o.policy ? [derOid(o.policy)] : []),
    ...(nonce ? [derUnsignedInteger(nonce)] : []),
    ...(certReq ? [DER_TRUE] : []),
  );
  const r: { -readonly [K in keyof TimestampRequest]: TimestampRequest[K] } = { der, imprint, certReq };
  if (nonce) r.nonce = toHex(nonce);
  if (o.policy) r.policy = o.policy;
  return r;
}

/** A request as a TSA reads it. */
export function parseTimestampRequest(
  der: Uint8Array,
): Either<PkiError, { imprint: MessageImprint; nonce?: Uint8Array; certReq: boolean; policy?: string }> {
  let r: TimeStampReq;
  try {
    r = AsnParser.parse(der, TimeStampReq);
  } catch {
    return left(
      pkiError('malformed-timestamp', 'the request is not a TimeStampReq', 'Yêu cầu không phải TimeStampReq', {
        rule: 'RFC 3161 §2.4.1',
      }),
    );
  }
  const hash = hashFromOid(r.messageImprint.hashAlgorithm.algorithm, ['messageImprint', 'hashAlgorithm']);
  if (isLeft(hash)) return hash;
  const hashed = new Uint8Array(r.messageImprint.hashedMessage.buffer);
  if (hashed.length !== hashLength(hash.right))
    return left(
      pkiError(
        'malformed-timestamp',
        `the imprint has ${hashed.length} bytes, not a ${hash.right} digest`,
        `Giá trị băm có ${hashed.length} byte, không phải giá trị ${hash.right}`,
        {
          path: ['messageImprint', 'hashedMessage'],
          rule: 'RFC 3161 §2.4.1',
        },
      ),
    );
  const out: { imprint: MessageImprint; nonce?: Uint8Array; certReq: boolean; policy?: string } = {
    imprint: { hash: hash.right, digest: hashed },
    certReq: r.certReq,
  };
  if (r.nonce) out.nonce = new Uint8Array(r.nonce);
  if (r.reqPolicy) {
    const top = readOnly(der);
    const t = top ? childrenOf(der, top)?.find((c) => c.tag === TAG.OID) : undefined;
    const exact = t ? oidText(tlvContent(der, t)) : undefined;
    if (exact) out.policy = exact;
  }
  return right(out);
}

const FAILURES = [
  'badAlg',
  '',
  'badRequest',
  '',
  '',
  'badDataFormat',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  'timeNotAvailable',
  'unacceptedPolicy',
  'unacceptedExtension',
  'addInfoNotAvailable',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  'systemFailure',
];

/**
 * The token of a TimeStampResp (the ContentInfo DER), after checking its status. The token itself
 * is checked against the request by {@link checkTimestampToken}.
 */
export function parseTimestampResponse(der: Uint8Array): Either<PkiError, Uint8Array> {
  const malformed = () =>
    left(
      pkiError('malformed-timestamp', 'the reply is not a TimeStampResp', 'Phản hồi không phải TimeStampResp', {
        rule: 'RFC 3161 §2.4.2',
      }),
    );
  const top = readOnly(der);
  const parts = top?.tag === TAG.SEQUENCE ? childrenOf(der, top) : undefined;
  const statusInfo = parts?.[0]?.tag === TAG.SEQUENCE ? childrenOf(der, parts[0]) : undefined;
  if (!parts || !statusInfo || statusInfo[0]?.tag !== TAG.INTEGER) return malformed();
  const status = tlvContent(der, statusInfo[0]).reduce((n, x) => n * 256 + x, 0);
  if (status !== 0 && status !== 1) {
    const texts = statusInfo.find((t) => t.tag === TAG.SEQUENCE);
    const text = (texts ? (childrenOf(der, texts) ?? []) : [])
      .map((t) => new TextDecoder().decode(tlvContent(der, t)))
      .join(' ');
    const bitsT = statusInfo.find((t) => t.tag === TAG.BIT_STRING);
    const fi = bitsT ? tlvContent(der, bitsT).subarray(1) : new Uint8Array(0);
    const failures = FAILURES.filter((name, i) => name && ((fi[i >> 3] ?? 0) >> (7 - (i & 7))) & 1);
    return left(
      pkiError(
        'timestamp-refused',
        `the TSA refused the request (status ${status}${text ? `: ${text}` : ''})`,
        `TSA từ chối yêu cầu cấp dấu thời gian (trạng thái ${status}${text ? `: ${text}` : ''})`,
        {
          path: ['status'],
          rule: 'RFC 3161 §2.4.2',
          details: { status, text, failures },
        },
      ),
    );
  }
  const token = parts[1];
  if (token?.tag !== TAG.SEQUENCE)
    return left(
      pkiError(
        'malformed-timestamp',
        'the TSA granted the request but sent no token',
        'TSA chấp nhận nhưng không gửi dấu thời gian',
        { path: ['timeStampToken'], rule: 'RFC 3161 §2.4.2' },
      ),
    );
  // The token's bytes exactly as sent.
  return right(tlvBytes(der, token).slice());
}

/** Whether a TSTInfo answers a request: the same imprint and nonce (RFC 3161 §2.4.2). */
export function answersRequest(info: TstInfo, req: TimestampRequest): PkiError | undefined {
  if (info.imprint.hash !== req.imprint.hash || !bytesEqual(info.imprint.digest, req.imprint.digest))
    return pkiError(
      'timestamp-mismatch',
      'the timestamp is for other data than was sent',
      'Dấu thời gian được cấp cho dữ liệu khác với dữ liệu đã gửi',
      { path: ['messageImprint'], rule: 'RFC 3161 §2.4.2' },
    );
  if (req.nonce !== undefined && info.nonce !== req.nonce)
    return pkiError(
      'timestamp-mismatch',
      'the timestamp does not carry the nonce sent',
      'Dấu thời gian không mang nonce đã gửi',
      { path: ['nonce'], rule: 'RFC 3161 §2.4.2' },
    );
  if (req.policy !== undefined && info.policy !== req.policy)
    return pkiError(
      'timestamp-mismatch',
      `the timestamp is under policy ${info.policy}, not ${req.policy}`,
      `Dấu thời gian theo chính sách ${info.policy}, không phải ${req.policy}`,
      { path: ['policy'], rule: 'RFC 3161 §2.4.2' },
    );
  return undefined;
}
