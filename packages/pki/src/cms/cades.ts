/**
 * CAdES-BES / CAdES baseline B-B and B-T detached signatures (ETSI EN 319 122-1, RFC 5652):
 * signed attributes content-type, message-digest, signing-certificate-v2 (RFC 5035, SHA-256)
 * and, unless the PAdES profile is asked for, signing-time; the unsigned attribute
 * signature-time-stamp (an RFC 3161 token over the signature value) for B-T.
 *
 * Revocation evidence travels beside the signature by default (the caller stores CRLs and OCSP
 * responses once and passes them to {@link verifyCades}); it may also be embedded in the
 * SignedData's `crls` field (CRLs as they are, OCSP responses as RFC 5940 §4.1 other revocation
 * info), and the verifier reads both.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import type { HashName, SignatureAlgorithm } from '../algorithms.js';
import { digest } from '../bytes.js';
import { parseCertificate, type Certificate } from '../certificate.js';
import { pkiError, under, type PkiError } from '../errors.js';
import { OID } from '../oids.js';
import { validatePath, type PathVerdict } from '../path.js';
import type { RevocationEvidence, RevocationStatus } from '../revocation/check.js';
import type { X509Signer } from '../signers/signer.js';
import type { TimestampAuthority } from '../tsp/authority.js';
import { verifyTimestampToken, type TimestampVerdict } from '../tsp/verify.js';
import { buildSignedData } from './build.js';
import { embeddedEvidence } from './evidence.js';
import { checkSignerInfo, digestsOf } from './signer-info.js';
import { decodeSignedData, encodeAttribute, withUnsignedAttributes } from './signed-data.js';

/** `cades`: signing-time included; `pades`: no signing-time in the CMS (ETSI EN 319 142-1 §6.3). */
export type CadesProfile = 'cades' | 'pades';

export interface CadesSignOptions {
  readonly signer: X509Signer;
  /** The content to sign (detached: it is not put in the signature), or its digest under `hash`. */
  readonly content?: Uint8Array;
  readonly contentDigest?: Uint8Array;
  /** The digest of the content and of the signed attributes; SHA-256 unless told. */
  readonly hash?: HashName;
  readonly algorithm?: SignatureAlgorithm;
  readonly rsaPadding?: 'pss' | 'pkcs1';
  readonly profile?: CadesProfile;
  /** The signing-time claim (CAdES profile only); now unless told. */
  readonly signingTime?: Date;
  /** Add a signature-time-stamp from this TSA (B-T). */
  readonly tsa?: TimestampAuthority;
  /** Evidence to embed in the SignedData's `crls` (DER), when it should travel inside. */
  readonly embed?: { readonly crls?: readonly Uint8Array[]; readonly ocspResponses?: readonly Uint8Array[] };
}

export interface CadesSignature {
  /** The ContentInfo DER (a .p7s file). */
  readonly der: Uint8Array;
  readonly level: 'B-B' | 'B-T';
  readonly certificate: Certificate;
  readonly algorithm: SignatureAlgorithm;
  readonly signatureValue: Uint8Array;
  readonly signingTime?: Date;
  /** The timestamp token, for B-T. */
  readonly timestamp?: Uint8Array;
}

/** Make a detached CAdES signature (B-B, or B-T with a TSA). Nothing is signed when an input is refused. */
export async function signCades(o: CadesSignOptions): Promise<Either<PkiError, CadesSignature>> {
  const hash = o.hash ?? 'SHA-256';
  const profile = o.profile ?? 'cades';
  if ((o.content === undefined) === (o.contentDigest === undefined))
    return left(
      pkiError(
        'content-missing',
        'give either the content or its digest',
        'Cần cung cấp nội dung hoặc giá trị băm của nội dung',
        { path: ['content'] },
      ),
    );
  if (profile === 'pades' && o.signingTime)
    return left(
      pkiError(
        'signed-attribute',
        'the PAdES profile puts no signing-time in the CMS (the PDF carries /M)',
        'Hồ sơ PAdES không đặt signing-time trong CMS (thời điểm ký nằm ở /M của PDF)',
        {
          path: ['signingTime'],
          rule: 'ETSI EN 319 142-1 §6.3',
        },
      ),
    );
  const contentDigest = o.contentDigest ?? (await digest(hash, o.content!));
  if (contentDigest.length !== { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 }[hash])
    return left(
      pkiError(
        'content-digest-mismatch',
        `the digest has ${contentDigest.length} bytes, not a ${hash} digest`,
        `Giá trị băm có ${contentDigest.length} byte, không phải giá trị ${hash}`,
        { path: ['contentDigest'] },
      ),
    );
  const signingTime = profile === 'cades' ? (o.signingTime ?? new Date()) : undefined;
  const built = await buildSignedData({
    signer: o.signer,
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
    ...(o.rsaPadding ? { rsaPadding: o.rsaPadding } : {}),
    hash,
    eContentType: OID.data,
    contentDigest,
    ...(signingTime ? { signingTime } : {}),
    ...(o.embed?.crls ? { crls: o.embed.crls } : {}),
    ...(o.embed?.ocspResponses ? { ocspResponses: o.embed.ocspResponses } : {}),
  });
  if (isLeft(built)) return built;
  const b = built.right;
  const base = {
    certificate: b.certificate,
    algorithm: b.algorithm,
    signatureValue: b.signatureValue,
    ...(signingTime ? { signingTime } : {}),
  };
  if (!o.tsa) return right({ der: b.der, level: 'B-B', ...base });
  const token = await o.tsa.timestamp({ hash, digest: await digest(hash, b.signatureValue) });
  if (isLeft(token)) return token;
  const der = withUnsignedAttributes(b.der, [encodeAttribute(OID.signatureTimeStampToken, [token.right])]);
  if (isLeft(der)) return der;
  return right({ der: der.right, level: 'B-T', timestamp: token.right, ...base });
}

/** Add a signature-time-stamp to an existing CAdES signature (B-B → B-T). */
export async function addSignatureTimestamp(
  cms: Uint8Array,
  tsa: TimestampAuthority,
): Promise<Either<PkiError, Uint8Array>> {
  const sd = decodeSignedData(cms);
  if (isLeft(sd)) return sd;
  const si = sd.right.signerInfos[0];
  if (sd.right.signerInfos.length !== 1 || !si)
    return left(
      pkiError('cms-structure', 'exactly one SignerInfo is expected', 'Yêu cầu đúng một SignerInfo', {
        path: ['signerInfos'],
        rule: 'ETSI EN 319 122-1 §4.3',
      }),
    );
  const token = await tsa.timestamp({ hash: 'SHA-256', digest: await digest('SHA-256', si.signature) });
  if (isLeft(token)) return token;
  const kept = (si.unsignedAttrs ?? []).map((a) => encodeAttribute(a.type, a.values));
  return withUnsignedAttributes(cms, [...kept, encodeAttribute(OID.signatureTimeStampToken, [token.right])]);
}

export interface CadesVerifyOptions {
  /** The detached content, or its digest (the hash must be the signature's digest algorithm). */
  readonly content?: Uint8Array;
  readonly contentDigest?: { readonly hash: HashName; readonly digest: Uint8Array };
  /** The trust list (roots) for the signer's chain. */
  readonly trustAnchors: readonly Certificate[];
  /** The trust list for the TSA's chain; the signer's unless told. */
  readonly tsaTrustAnchors?: readonly Certificate[];
  /** Certificates that may be intermediates, beside those the signature carries. */
  readonly intermediates?: readonly Certificate[];
  /** CRLs and OCSP responses supplied beside the signature (merged with those inside it). */
  readonly evidence?: RevocationEvidence;
  /** `require` (default): every non-root certificate of both chains needs covering evidence. */
  readonly revocation?: 'require' | 'ignore';
  /** The time to validate at when the signature has no timestamp; now unless told. */
  readonly time?: Date;
  /** Refuse a signature without a valid signature-time-stamp (B-T). */
  readonly requireTimestamp?: boolean;
  readonly profile?: CadesProfile;
}

export interface CadesVerdict {
  /**
   * No problem at all: the content is what the certificate's holder signed, and the chain held
   * at the validation time.
   */
  readonly ok: boolean;
  readonly problems: readonly PkiError[];
  readonly level: 'B-B' | 'B-T';
  readonly signer?: Certificate;
  readonly algorithm?: SignatureAlgorithm;
  /** RSASSA-PKCS1-v1_5: accepted, and reported, since Thông tư 15/2025/TT-BKHCN names PSS for signing. */
  readonly legacyPadding: boolean;
  /** The signer's own claim of when it signed (not proof). */
  readonly signingTime?: Date;
  readonly timestamp?: TimestampVerdict;
  /** The time the chain was validated at: the timestamp's, else `options.time`, else now. */
  readonly validationTime: Date;
  readonly path?: PathVerdict;
  readonly revocation: readonly RevocationStatus[];
}

/** Tolerance for a signing-time claim later than the timestamp (clocks differ). */
const CLAIM_SLACK_MS = 60_000;

/**
 * Verify a CAdES signature: structure, digest, signature, signing certificate, the timestamp,
 * then the path at the timestamp's time.
 */
export async function verifyCades(cms: Uint8Array, o: CadesVerifyOptions): Promise<CadesVerdict> {
  const problems: PkiError[] = [];
  const fallbackTime = o.time ?? new Date();
  const empty = (p: PkiError): CadesVerdict => ({
    ok: false,
    problems: [p],
    level: 'B-B',
    legacyPadding: false,
    validationTime: fallbackTime,
    revocation: [],
  });
  const sd = decodeSignedData(cms);
  if (isLeft(sd)) return empty(sd.left);
  const s = sd.right;
  const embedded: Certificate[] = [];
  for (const [i, der] of s.certificates.entries()) {
    const c = await parseCertificate(der, ['certificates', i]);
    if (isLeft(c)) problems.push(c.left);
    else embedded.push(c.right);
  }
  const inside = await embeddedEvidence(s.crls, s.ocspResponses, problems);
  const evidence: RevocationEvidence = {
    crls: [...(o.evidence?.crls ?? []), ...inside.crls],
    ocspResponses: [...(o.evidence?.ocspResponses ?? []), ...inside.ocspResponses],
  };
  const pool = [...embedded, ...(o.intermediates ?? [])];
  let digestOf: ((h: HashName) => Promise<Uint8Array>) | undefined;
  if (o.content) digestOf = digestsOf(o.content);
  else if (o.contentDigest) {
    const given = o.contentDigest;
    digestOf = (h) => Promise.resolve(h === given.hash ? given.digest : new Uint8Array(0));
  } else if (s.eContent) digestOf = digestsOf(s.eContent);
  if (!digestOf)
    return empty(
      pkiError(
        'content-missing',
        'the signature is detached and no content was given',
        'Chữ ký tách rời nhưng không có nội dung để kiểm tra',
        { path: ['content'], rule: 'RFC 5652 §5.2' },
      ),
    );
  if (s.eContentType !== OID.data)
    problems.push(
      pkiError(
        'cms-structure',
        `the signed content type is ${s.eContentType}, not id-data`,
        `Kiểu nội dung được ký là ${s.eContentType}, không phải id-data`,
        { path: ['encapContentInfo', 'eContentType'], rule: 'ETSI EN 319 122-1 §5.1' },
      ),
    );
  const si = await checkSignerInfo(s, pool, digestOf, { allowEssV1: false, path: [] });
  problems.push(...si.problems);
  if (o.profile === 'pades' && si.signingTime)
    problems.push(
      pkiError(
        'signed-attribute',
        'a PAdES signature must not carry signing-time in the CMS',
        'Chữ ký PAdES không được có signing-time trong CMS',
        { path: ['signerInfos', 0, 'signedAttrs', 'signingTime'], rule: 'ETSI EN 319 142-1 §6.3' },
      ),
    );

  // The timestamp over the signature value (RFC 3161 Appendix A).
  let timestamp: TimestampVerdict | undefined;
  const tokens = (si.signerInfo?.unsignedAttrs ?? [])
    .filter((a) => a.type === OID.signatureTimeStampToken)
    .flatMap((a) => a.values);
  for (const [i, token] of tokens.entries()) {
    const v = await verifyTimestampToken(
      token,
      {
        trustAnchors: o.tsaTrustAnchors ?? o.trustAnchors,
        intermediates: pool,
        evidence,
        ...(o.revocation ? { revocation: o.revocation } : {}),
        ...(si.signerInfo ? { data: si.signerInfo.signature } : {}),
      },
      ['signerInfos', 0, 'unsignedAttrs', 'signatureTimeStamp', i],
    );
    if (!timestamp || (v.ok && !timestamp.ok)) timestamp = v;
    if (v.ok) break;
  }
  if (timestamp && !timestamp.ok) problems.push(...timestamp.problems);
  if (!timestamp && o.requireTimestamp)
    problems.push(
      pkiError(
        'timestamp-missing',
        'the signature has no signature-time-stamp (level B-T is required)',
        'Chữ ký không có dấu thời gian (yêu cầu mức B-T)',
        { path: ['signerInfos', 0, 'unsignedAttrs'], rule: 'ETSI EN 319 122-1 §5.3' },
      ),
    );
  const genTime = timestamp?.ok ? timestamp.info?.genTime : undefined;
  const validationTime = genTime ?? fallbackTime;
  if (
    genTime &&
    si.signingTime &&
    si.signingTime.getTime() > genTime.getTime() + (timestamp?.info?.accuracyMs ?? 0) + CLAIM_SLACK_MS
  )
    problems.push(
      pkiError(
        'signing-time-after-timestamp',
        `the signer claims to have signed at ${si.signingTime.toISOString()}, after the timestamp ${genTime.toISOString()}`,
        `Người ký ghi thời điểm ký ${si.signingTime.toISOString()}, sau dấu thời gian ${genTime.toISOString()}`,
        {
          path: ['signerInfos', 0, 'signedAttrs', 'signingTime'],
          rule: 'ETSI EN 319 122-1 §5.2.1',
        },
      ),
    );
  let path: PathVerdict | undefined;
  if (si.signer) {
    path = await validatePath(si.signer, {
      trustAnchors: o.trustAnchors,
      intermediates: pool,
      time: validationTime,
      purpose: 'signature',
      evidence,
      ...(o.revocation ? { revocation: o.revocation } : {}),
    });
    problems.push(...path.problems.map((p) => under(['signer'], p)));
  }
  return {
    ok: problems.length === 0,
    problems,
    level: timestamp ? 'B-T' : 'B-B',
    ...(si.signer ? { signer: si.signer } : {}),
    ...(si.algorithm ? { algorithm: si.algorithm } : {}),
    legacyPadding: si.algorithm?.name === 'RSASSA-PKCS1-v1_5',
    ...(si.signingTime ? { signingTime: si.signingTime } : {}),
    ...(timestamp ? { timestamp } : {}),
    validationTime,
    ...(path ? { path } : {}),
    revocation: path?.revocation ?? [],
  };
}
