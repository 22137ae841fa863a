/**
 * The checks one SignerInfo needs, shared by CAdES signatures and RFC 3161 tokens (RFC 5652
 * §5.4, §5.6, §11): the signer's certificate found by its identifier, the digest algorithm under
 * the policy, the content-type and message-digest attributes, the ESS signing-certificate
 * attribute naming that certificate, and the signature over the signed attributes.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  hashFromOid,
  signatureScheme,
  verifySignature,
  type HashName,
  type SignatureAlgorithm,
} from '../algorithms.js';
import { bytesEqual, digest } from '../bytes.js';
import type { Certificate } from '../certificate.js';
import { oidText, readDerTime, readOnly, TAG, tlvContent } from '../der.js';
import { pkiError, type PkiError } from '../errors.js';
import { OID } from '../oids.js';
import { decodeSigningCertificate, essMatches } from './ess.js';
import type { CmsAttribute, SignedDataContent, SignerInfoData } from './signed-data.js';

export interface SignerInfoResult {
  readonly problems: PkiError[];
  readonly signer?: Certificate;
  readonly signerInfo?: SignerInfoData;
  readonly hash?: HashName;
  readonly algorithm?: SignatureAlgorithm;
  readonly signingTime?: Date;
  /** Which ESS attribute bound the certificate. */
  readonly ess?: 'v1' | 'v2';
}

function one(attrs: readonly CmsAttribute[], type: string): CmsAttribute[] {
  return attrs.filter((a) => a.type === type);
}

function findSigner(si: SignerInfoData, certs: readonly Certificate[]): Certificate | undefined {
  const sid = si.sid;
  if ('subjectKeyIdentifier' in sid) return certs.find((c) => c.subjectKeyIdentifier === sid.subjectKeyIdentifier);
  return certs.find((c) => c.serialNumber === sid.serialNumber && bytesEqual(c.issuer.der, sid.issuer));
}

/**
 * Check the only SignerInfo of `sd` over content whose digest under a hash is `digestOf(hash)`.
 * `allowEssV1`: accept the v1 attribute (timestamps made under RFC 3161 before RFC 5816).
 */
export async function checkSignerInfo(
  sd: SignedDataContent,
  certs: readonly Certificate[],
  digestOf: (h: HashName) => Promise<Uint8Array>,
  o: { readonly allowEssV1: boolean; readonly path: ReadonlyArray<string | number> },
): Promise<SignerInfoResult> {
  const problems: PkiError[] = [];
  const at = (...p: (string | number)[]) => [...o.path, ...p];
  if (sd.signerInfos.length !== 1) {
    problems.push(
      pkiError(
        'cms-structure',
        `the signature has ${sd.signerInfos.length} SignerInfos; exactly one is expected`,
        `Chữ ký có ${sd.signerInfos.length} SignerInfo; yêu cầu đúng một`,
        {
          path: at('signerInfos'),
          rule: 'ETSI EN 319 122-1 §4.3',
        },
      ),
    );
    return { problems };
  }
  const si = sd.signerInfos[0]!;
  const signer = findSigner(si, certs);
  if (!signer) {
    problems.push(
      pkiError(
        'signer-certificate-missing',
        "the signer's certificate is neither in the signature nor among those supplied",
        'Không tìm thấy chứng thư số của người ký trong chữ ký hay trong các chứng thư được cung cấp',
        {
          path: at('signerInfos', 0, 'sid'),
          rule: 'RFC 5652 §5.3',
        },
      ),
    );
  }
  const hash = hashFromOid(si.digestAlgorithm.algorithm, at('signerInfos', 0, 'digestAlgorithm'));
  if (isLeft(hash)) problems.push(hash.left);
  const attrs = si.signedAttrs;
  if (!attrs || !si.signedAttrsDer) {
    problems.push(
      pkiError(
        'signed-attribute',
        'the signature has no signed attributes',
        'Chữ ký không có thuộc tính được ký (signed attributes)',
        {
          path: at('signerInfos', 0, 'signedAttrs'),
          rule: 'ETSI EN 319 122-1 §5.1',
        },
      ),
    );
    return { problems, ...(signer ? { signer } : {}), signerInfo: si };
  }
  // content-type (RFC 5652 §11.1)
  const ct = one(attrs, OID.contentType);
  const ctValue = ct.length === 1 && ct[0]!.values.length === 1 ? ct[0]!.values[0]! : undefined;
  const ctT = ctValue ? readOnly(ctValue) : undefined;
  if (!ctValue || ctT?.tag !== TAG.OID || oidText(tlvContent(ctValue, ctT)) !== sd.eContentType)
    problems.push(
      pkiError(
        'signed-attribute',
        'the content-type attribute is missing, repeated or differs from the content',
        'Thuộc tính content-type thiếu, lặp lại hoặc không khớp với nội dung',
        {
          path: at('signerInfos', 0, 'signedAttrs', 'contentType'),
          rule: 'RFC 5652 §11.1',
        },
      ),
    );
  // message-digest (RFC 5652 §11.2)
  const md = one(attrs, OID.messageDigest);
  const mdValue = md.length === 1 && md[0]!.values.length === 1 ? md[0]!.values[0]! : undefined;
  const mdT = mdValue ? readOnly(mdValue) : undefined;
  if (!mdValue || mdT?.tag !== TAG.OCTET_STRING)
    problems.push(
      pkiError(
        'signed-attribute',
        'the message-digest attribute is missing or repeated',
        'Thuộc tính message-digest thiếu hoặc lặp lại',
        {
          path: at('signerInfos', 0, 'signedAttrs', 'messageDigest'),
          rule: 'RFC 5652 §11.2',
        },
      ),
    );
  else if (!isLeft(hash)) {
    const want = await digestOf(hash.right);
    if (!bytesEqual(tlvContent(mdValue, mdT), want))
      problems.push(
        pkiError(
          'content-digest-mismatch',
          'the content is not what was signed: its digest differs from the message-digest attribute',
          'Nội dung không phải là nội dung đã ký: giá trị băm khác thuộc tính message-digest',
          {
            path: at('signerInfos', 0, 'signedAttrs', 'messageDigest'),
            rule: 'RFC 5652 §5.4',
          },
        ),
      );
  }
  // signing-time (RFC 5652 §11.3), a claim
  let signingTime: Date | undefined;
  const st = one(attrs, OID.signingTime);
  if (st.length > 1 || (st.length === 1 && st[0]!.values.length !== 1))
    problems.push(
      pkiError('signed-attribute', 'the signing-time attribute is repeated', 'Thuộc tính signing-time bị lặp lại', {
        path: at('signerInfos', 0, 'signedAttrs', 'signingTime'),
        rule: 'RFC 5652 §11.3',
      }),
    );
  else if (st.length === 1) {
    const v = st[0]!.values[0]!;
    const t = readOnly(v);
    signingTime = t ? readDerTime(v, t) : undefined;
    if (!signingTime)
      problems.push(
        pkiError(
          'signed-attribute',
          'the signing-time attribute cannot be read',
          'Không đọc được thuộc tính signing-time',
          { path: at('signerInfos', 0, 'signedAttrs', 'signingTime'), rule: 'RFC 5652 §11.3' },
        ),
      );
  }
  // ESS signing certificate (RFC 5035)
  let ess: 'v1' | 'v2' | undefined;
  const v2 = one(attrs, OID.signingCertificateV2);
  const v1 = one(attrs, OID.signingCertificate);
  const use = v2.length ? { a: v2, isV2: true } : o.allowEssV1 && v1.length ? { a: v1, isV2: false } : undefined;
  if (!use || use.a.length !== 1 || use.a[0]!.values.length !== 1)
    problems.push(
      pkiError(
        'signing-certificate-missing',
        o.allowEssV1
          ? 'the signing-certificate attribute is missing or repeated'
          : 'the signing-certificate-v2 attribute is missing or repeated',
        'Thuộc tính signing-certificate-v2 thiếu hoặc lặp lại',
        {
          path: at('signerInfos', 0, 'signedAttrs', 'signingCertificateV2'),
          rule: o.allowEssV1 ? 'RFC 3161 §2.4.1' : 'ETSI EN 319 122-1 §5.2.2.3',
        },
      ),
    );
  else {
    const ids = decodeSigningCertificate(
      use.a[0]!.values[0]!,
      use.isV2,
      at('signerInfos', 0, 'signedAttrs', use.isV2 ? 'signingCertificateV2' : 'signingCertificate'),
    );
    if (isLeft(ids)) problems.push(ids.left);
    else if (ids.right[0]!.hash !== 'SHA-1' || !use.isV2) {
      ess = use.isV2 ? 'v2' : 'v1';
      if (signer && !(await essMatches(ids.right[0]!, signer)))
        problems.push(
          pkiError(
            'signing-certificate-mismatch',
            "the signing-certificate attribute names another certificate than the signer's",
            'Thuộc tính signing-certificate chỉ tới chứng thư số khác với chứng thư của người ký',
            {
              path: at('signerInfos', 0, 'signedAttrs', use.isV2 ? 'signingCertificateV2' : 'signingCertificate'),
              rule: use.isV2 ? 'RFC 5035 §5.4' : 'RFC 2634 §5.4',
              details: { signer: signer.fingerprint },
            },
          ),
        );
    } else
      problems.push(
        pkiError(
          'algorithm-refused',
          'signing-certificate-v2 identifies the certificate by SHA-1',
          'signing-certificate-v2 nhận diện chứng thư số bằng SHA-1',
          { path: at('signerInfos', 0, 'signedAttrs', 'signingCertificateV2'), rule: 'Thông tư 15/2025/TT-BKHCN' },
        ),
      );
  }
  // the signature (RFC 5652 §5.6); rsaEncryption as a signature algorithm means PKCS #1 v1.5
  // with the digest algorithm (RFC 3370 §3.2)
  let algorithm: SignatureAlgorithm | undefined;
  const scheme =
    si.signatureAlgorithm.algorithm === OID.rsaEncryption && !isLeft(hash)
      ? ({ _tag: 'Right', right: { name: 'RSASSA-PKCS1-v1_5', hash: hash.right } } as const)
      : signatureScheme(si.signatureAlgorithm, at('signerInfos', 0, 'signatureAlgorithm'));
  if (isLeft(scheme)) problems.push(scheme.left);
  else {
    algorithm = scheme.right;
    if (signer) {
      const ok = await verifySignature(
        signer.publicKey,
        scheme.right,
        si.signedAttrsDer,
        si.signature,
        at('signerInfos', 0, 'signature'),
      );
      if (isLeft(ok)) problems.push(ok.left);
      else if (!ok.right)
        problems.push(
          pkiError(
            'signature-invalid',
            `the signature does not check with the key of ${signer.subject.text}`,
            `Chữ ký không khớp với khóa của ${signer.subject.text}`,
            {
              path: at('signerInfos', 0, 'signature'),
              rule: 'RFC 5652 §5.6',
            },
          ),
        );
    }
  }
  return {
    problems,
    signerInfo: si,
    ...(signer ? { signer } : {}),
    ...(isLeft(hash) ? {} : { hash: hash.right }),
    ...(algorithm ? { algorithm } : {}),
    ...(signingTime ? { signingTime } : {}),
    ...(ess ? { ess } : {}),
  };
}

/** A digest function over fixed bytes, memoised per hash. */
export function digestsOf(data: Uint8Array): (h: HashName) => Promise<Uint8Array> {
  const memo = new Map<HashName, Promise<Uint8Array>>();
  return (h) => {
    let p = memo.get(h);
    if (!p) memo.set(h, (p = digest(h, data)));
    return p;
  };
}
