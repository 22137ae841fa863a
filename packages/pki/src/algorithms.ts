/**
 * The algorithm policy of Thông tư 15/2025/TT-BKHCN, in one place: RSA keys of at least 2048 bits
 * (RSASSA-PSS for signing; PKCS #1 v1.5 verified too, because the tokens in use sign with it, and
 * reported as such), ECDSA on P-256, P-384 or P-521, digests SHA-256/384/512. Anything weaker is
 * refused with a typed error; anything stronger that WebCrypto cannot check (SHA-3) is reported
 * as unsupported, not as invalid.
 *
 * Signatures are checked with WebCrypto (`globalThis.crypto.subtle`) so that the same code runs
 * in Node and in a browser.
 */
import { AsnParser } from '@peculiar/asn1-schema';
import { RsaSaPssParams, RSAPublicKey } from '@peculiar/asn1-rsa';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import { toArrayBuffer, type HashName } from './bytes.js';
import { childrenOf, contextTag, derOid, derSequence, derUnsignedInteger, oidText, readOnly, tlv, TAG } from './der.js';
import { pkiError, type PkiError } from './errors.js';
import { OID } from './oids.js';
import type { CryptoKey } from './webcrypto.js';

export type { HashName } from './bytes.js';

const RULE = 'Thông tư 15/2025/TT-BKHCN';

/** How a signature is made: the scheme and its digest (what an {@link X509Signer} is asked for). */
export type SignatureAlgorithm =
  | { readonly name: 'RSASSA-PSS'; readonly hash: HashName; readonly saltLength: number }
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly hash: HashName }
  | { readonly name: 'ECDSA'; readonly hash: HashName };

export type CurveName = 'P-256' | 'P-384' | 'P-521';

/** A subject public key as the policy sees it. */
export type PublicKeyInfo =
  | { readonly type: 'RSA'; readonly bits: number; readonly spki: Uint8Array; readonly pssOnly: boolean }
  | {
      readonly type: 'EC'; /** A named curve's name, or the OID of another curve (refused by the policy). */
      readonly curve: string;
      readonly bits: number;
      readonly spki: Uint8Array;
    }
  | { readonly type: 'other'; readonly oid: string; readonly spki: Uint8Array };

export const HASH_OID: Readonly<Record<HashName, string>> = {
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};

const HASH_BY_OID = new Map<string, HashName>(Object.entries(HASH_OID).map(([k, v]) => [v, k as HashName]));
const WEAK_HASH = new Map<string, string>([
  [OID.sha1, 'SHA-1'],
  [OID.md5, 'MD5'],
  [OID.sha224, 'SHA-224'],
]);
const SHA3 = new Set<string>([OID.sha3_256, OID.sha3_384, OID.sha3_512]);

const CURVES = new Map<string, { name: CurveName; bits: number }>([
  [OID.prime256v1, { name: 'P-256', bits: 256 }],
  [OID.secp384r1, { name: 'P-384', bits: 384 }],
  [OID.secp521r1, { name: 'P-521', bits: 521 }],
]);

const RSA_WITH = new Map<string, HashName>([
  [OID.sha256WithRSA, 'SHA-256'],
  [OID.sha384WithRSA, 'SHA-384'],
  [OID.sha512WithRSA, 'SHA-512'],
]);
const ECDSA_WITH = new Map<string, HashName>([
  [OID.ecdsaWithSHA256, 'SHA-256'],
  [OID.ecdsaWithSHA384, 'SHA-384'],
  [OID.ecdsaWithSHA512, 'SHA-512'],
]);
const WEAK_SIGNATURE = new Map<string, string>([
  [OID.sha1WithRSA, 'SHA-1 with RSA'],
  [OID.md5WithRSA, 'MD5 with RSA'],
  [OID.sha224WithRSA, 'SHA-224 with RSA'],
  [OID.ecdsaWithSHA1, 'ECDSA with SHA-1'],
  [OID.ecdsaWithSHA224, 'ECDSA with SHA-224'],
]);

const HASH_BYTES: Readonly<Record<HashName, number>> = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** The byte length of a digest. */
export function hashLength(h: HashName): number {
  return HASH_BYTES[h];
}

/** A digest algorithm by its OID, under the policy. */
export function hashFromOid(oid: string, path: ReadonlyArray<string | number>): Either<PkiError, HashName> {
  const h = HASH_BY_OID.get(oid);
  if (h !== undefined) return right(h);
  const weak = WEAK_HASH.get(oid);
  if (weak !== undefined)
    return left(
      pkiError('algorithm-refused', `${weak} is too weak a digest`, `Hàm băm ${weak} quá yếu, không được chấp nhận`, {
        path,
        rule: RULE,
        details: { oid },
      }),
    );
  if (SHA3.has(oid))
    return left(
      pkiError(
        'algorithm-unsupported',
        'SHA-3 digests are allowed but cannot be checked here (WebCrypto has none)',
        'Hàm băm SHA-3 được phép nhưng chưa kiểm tra được ở đây',
        { path, rule: RULE, details: { oid } },
      ),
    );
  return left(
    pkiError('algorithm-unsupported', `unknown digest algorithm ${oid}`, `Thuật toán băm không xác định ${oid}`, {
      path,
      rule: RULE,
      details: { oid },
    }),
  );
}

/** The subject public key of an SPKI, with its size: no policy applied yet (see {@link checkKeyPolicy}). */
export function readPublicKey(spki: Uint8Array, path: ReadonlyArray<string | number>): Either<PkiError, PublicKeyInfo> {
  try {
    const info = AsnParser.parse(spki, SubjectPublicKeyInfo);
    const oid = info.algorithm.algorithm;
    if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
      const key = AsnParser.parse(info.subjectPublicKey, RSAPublicKey);
      const m = new Uint8Array(key.modulus);
      let i = 0;
      while (i < m.length && m[i] === 0) i++;
      const bits = m.length === i ? 0 : (m.length - i - 1) * 8 + (32 - Math.clz32(m[i]!));
      return right({ type: 'RSA', bits, spki, pssOnly: oid === OID.rsassaPss });
    }
    if (oid === OID.ecPublicKey) {
      const params = info.algorithm.parameters;
      const p = params ? readOnly(new Uint8Array(params)) : undefined;
      const curveOid =
        p !== undefined && p.tag === TAG.OID
          ? oidText(new Uint8Array(params!).subarray(p.contentStart, p.end))
          : undefined;
      const c = curveOid === undefined ? undefined : CURVES.get(curveOid);
      return right({ type: 'EC', curve: c?.name ?? curveOid ?? 'unnamed', bits: c?.bits ?? 0, spki });
    }
    return right({ type: 'other', oid, spki });
  } catch {
    return left(
      pkiError('malformed-key', 'the subject public key cannot be read', 'Không đọc được khóa công khai', {
        path,
        rule: 'RFC 5280 §4.1.2.7',
      }),
    );
  }
}

/** The policy on a public key: RSA ≥ 2048 bits, ECDSA on P-256/P-384/P-521; nothing else. */
export function checkKeyPolicy(k: PublicKeyInfo, path: ReadonlyArray<string | number>): PkiError | undefined {
  if (k.type === 'RSA') {
    if (k.bits < 2048)
      return pkiError(
        'key-too-small',
        `the RSA key has ${k.bits} bits; at least 2048 are required`,
        `Khóa RSA chỉ có ${k.bits} bit; yêu cầu tối thiểu 2048 bit`,
        { path, rule: RULE, details: { bits: k.bits } },
      );
    return undefined;
  }
  if (k.type === 'EC') {
    if (k.bits === 0)
      return pkiError(
        'algorithm-refused',
        `the elliptic curve ${k.curve} is not one of P-256, P-384, P-521`,
        `Đường cong elliptic ${k.curve} không thuộc P-256, P-384, P-521`,
        { path, rule: RULE, details: { curve: k.curve } },
      );
    return undefined;
  }
  return pkiError(
    'algorithm-refused',
    `public-key algorithm ${k.oid} is not RSA or ECDSA`,
    `Thuật toán khóa công khai ${k.oid} không phải RSA hoặc ECDSA`,
    { path, rule: RULE, details: { oid: k.oid } },
  );
}

/** An AlgorithmIdentifier as read from DER: its OID and its parameters' bytes, if any. */
export interface AlgorithmIdentifierLike {
  readonly algorithm: string;
  readonly parameters?: ArrayBuffer | null;
}

/**
 * The signature scheme an AlgorithmIdentifier names, under the policy. RSASSA-PSS parameters must
 * use MGF1 with the same digest and the trailer 1 (RFC 4055 §3.1), the only form WebCrypto checks.
 */
export function signatureScheme(
  alg: AlgorithmIdentifierLike,
  path: ReadonlyArray<string | number>,
): Either<PkiError, SignatureAlgorithm> {
  const oid = alg.algorithm;
  const rsa = RSA_WITH.get(oid);
  if (rsa !== undefined) return right({ name: 'RSASSA-PKCS1-v1_5', hash: rsa });
  const ec = ECDSA_WITH.get(oid);
  if (ec !== undefined) return right({ name: 'ECDSA', hash: ec });
  if (oid === OID.rsassaPss) {
    // Absent parameters mean SHA-1 and MGF1-SHA-1 (RFC 4055 §3.1): refused as SHA-1.
    if (!alg.parameters || alg.parameters.byteLength === 0)
      return left(
        pkiError(
          'algorithm-refused',
          'RSASSA-PSS without parameters means SHA-1, which is too weak',
          'RSASSA-PSS không có tham số nghĩa là SHA-1, quá yếu',
          { path, rule: RULE },
        ),
      );
    let p: RsaSaPssParams;
    try {
      p = AsnParser.parse(alg.parameters, RsaSaPssParams);
    } catch {
      return left(
        pkiError('malformed-der', 'the RSASSA-PSS parameters cannot be read', 'Không đọc được tham số RSASSA-PSS', {
          path,
          rule: 'RFC 4055 §3.1',
        }),
      );
    }
    const h = hashFromOid(p.hashAlgorithm.algorithm, [...path, 'parameters', 'hashAlgorithm']);
    if (isLeft(h)) return h;
    const mgf = mgf1Hash(p.maskGenAlgorithm);
    if (p.maskGenAlgorithm.algorithm !== OID.mgf1 || mgf !== HASH_OID[h.right] || p.trailerField !== 1)
      return left(
        pkiError(
          'algorithm-unsupported',
          'RSASSA-PSS must use MGF1 with the same digest and trailer field 1',
          'RSASSA-PSS phải dùng MGF1 cùng hàm băm và trailerField 1',
          { path: [...path, 'parameters'], rule: 'RFC 4055 §3.1' },
        ),
      );
    return right({ name: 'RSASSA-PSS', hash: h.right, saltLength: p.saltLength });
  }
  const weak = WEAK_SIGNATURE.get(oid);
  if (weak !== undefined)
    return left(
      pkiError('algorithm-refused', `${weak} is too weak`, `Thuật toán ${weak} quá yếu, không được chấp nhận`, {
        path,
        rule: RULE,
        details: { oid },
      }),
    );
  return left(
    pkiError(
      'algorithm-refused',
      `signature algorithm ${oid} is not RSA or ECDSA with SHA-2`,
      `Thuật toán ký ${oid} không phải RSA hoặc ECDSA với SHA-2`,
      { path, rule: RULE, details: { oid } },
    ),
  );
}

/** The digest OID inside MGF1's parameters (an AlgorithmIdentifier), read from its DER. */
function mgf1Hash(mgf: AlgorithmIdentifierLike): string | undefined {
  if (!mgf.parameters) return undefined;
  const b = new Uint8Array(mgf.parameters);
  const seq = readOnly(b);
  if (seq === undefined || seq.tag !== TAG.SEQUENCE) return undefined;
  const first = childrenOf(b, seq)?.[0];
  if (first === undefined || first.tag !== TAG.OID) return undefined;
  return oidText(b.subarray(first.contentStart, first.end));
}

/** Whether a scheme fits a key (RSA schemes for RSA keys, ECDSA for EC keys). */
export function schemeFitsKey(s: SignatureAlgorithm, k: PublicKeyInfo): boolean {
  if (k.type === 'RSA') return s.name === 'RSASSA-PSS' || (s.name === 'RSASSA-PKCS1-v1_5' && !k.pssOnly);
  if (k.type === 'EC') return s.name === 'ECDSA';
  return false;
}

/**
 * The scheme this package signs with for a key: RSASSA-PSS (salt = digest length) or ECDSA with
 * SHA-256 (SHA-384 for P-384, SHA-512 for P-521).
 */
export function defaultScheme(k: PublicKeyInfo, rsaPadding: 'pss' | 'pkcs1' = 'pss'): SignatureAlgorithm | undefined {
  if (k.type === 'RSA')
    return rsaPadding === 'pss' || k.pssOnly
      ? { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (k.type === 'EC' && k.bits > 0)
    return { name: 'ECDSA', hash: k.curve === 'P-384' ? 'SHA-384' : k.curve === 'P-521' ? 'SHA-512' : 'SHA-256' };
  return undefined;
}

/** DER of a digest AlgorithmIdentifier (parameters absent, RFC 5754 §2). */
export function hashAlgorithmDer(h: HashName): Uint8Array {
  return derSequence(derOid(HASH_OID[h]));
}

/** DER of the AlgorithmIdentifier for a signature scheme, as certificates and SignerInfos carry it. */
export function signatureAlgorithmDer(s: SignatureAlgorithm): Uint8Array {
  switch (s.name) {
    case 'RSASSA-PKCS1-v1_5': {
      const oid =
        s.hash === 'SHA-256' ? OID.sha256WithRSA : s.hash === 'SHA-384' ? OID.sha384WithRSA : OID.sha512WithRSA;
      return derSequence(derOid(oid), tlv(TAG.NULL));
    }
    case 'ECDSA': {
      const oid =
        s.hash === 'SHA-256' ? OID.ecdsaWithSHA256 : s.hash === 'SHA-384' ? OID.ecdsaWithSHA384 : OID.ecdsaWithSHA512;
      return derSequence(derOid(oid));
    }
    case 'RSASSA-PSS': {
      // RFC 4055 §3.1: hashAlgorithm [0], maskGenAlgorithm [1], saltLength [2]; trailerField default.
      const hashAlg = derSequence(derOid(HASH_OID[s.hash]));
      const params = derSequence(
        tlv(contextTag(0, true), hashAlg),
        tlv(contextTag(1, true), derSequence(derOid(OID.mgf1), hashAlg)),
        tlv(contextTag(2, true), derUnsignedInteger(new Uint8Array([s.saltLength]))),
      );
      return derSequence(derOid(OID.rsassaPss), params);
    }
  }
}

/** A readable name of a scheme for reports, e.g. `RSASSA-PSS/SHA-256`. */
export function schemeText(s: SignatureAlgorithm): string {
  return `${s.name}/${s.hash}`;
}

// ---- WebCrypto verification ----

/**
 * SPKI with the rsaEncryption OID: WebCrypto does not import the PSS-restricted form, and the
 * key bits are the same.
 */
function webCryptoSpki(k: PublicKeyInfo): Uint8Array {
  if (k.type !== 'RSA' || !k.pssOnly) return k.spki;
  const info = AsnParser.parse(k.spki, SubjectPublicKeyInfo);
  return derSequence(
    derSequence(derOid(OID.rsaEncryption), tlv(TAG.NULL)),
    tlv(TAG.BIT_STRING, new Uint8Array([0]), new Uint8Array(info.subjectPublicKey)),
  );
}

const keyCache = new WeakMap<Uint8Array, Map<string, Promise<CryptoKey>>>();

function importVerifyKey(k: PublicKeyInfo, s: SignatureAlgorithm): Promise<CryptoKey> {
  const algKey = `${s.name}/${s.hash}`;
  let m = keyCache.get(k.spki);
  if (m === undefined) keyCache.set(k.spki, (m = new Map<string, Promise<CryptoKey>>()));
  let p = m.get(algKey);
  if (p === undefined) {
    const params =
      s.name === 'ECDSA'
        ? { name: 'ECDSA', namedCurve: k.type === 'EC' ? k.curve : 'P-256' }
        : { name: s.name === 'RSASSA-PSS' ? 'RSA-PSS' : s.name, hash: s.hash };
    p = globalThis.crypto.subtle.importKey('spki', toArrayBuffer(webCryptoSpki(k)), params, false, ['verify']);
    m.set(algKey, p);
  }
  return p;
}

/** ECDSA-Sig-Value (DER, RFC 5480 / X9.62) to the fixed-width r‖s that WebCrypto takes; `undefined` when malformed. */
export function ecdsaDerToRaw(sig: Uint8Array, bits: number): Uint8Array | undefined {
  const size = Math.ceil(bits / 8);
  const seq = readOnly(sig);
  if (seq === undefined || seq.tag !== TAG.SEQUENCE) return undefined;
  const parts = childrenOf(sig, seq);
  if (parts?.length !== 2 || parts.some((p) => p.tag !== TAG.INTEGER)) return undefined;
  const out = new Uint8Array(2 * size);
  for (let i = 0; i < 2; i++) {
    let v = sig.subarray(parts[i]!.contentStart, parts[i]!.end);
    if (v.length === 0 || v[0]! & 0x80) return undefined; // negative
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) return undefined;
    out.set(v, i * size + size - v.length);
  }
  return out;
}

/** Fixed-width r‖s (WebCrypto, PKCS #11 CKM_ECDSA) to ECDSA-Sig-Value DER, as CMS carries it. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derSequence(derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half)));
}

/**
 * Check a signature over `data` with a public key under a scheme (policy applied first). `true`
 * or `false` for a signature that checks or does not; a Left for a key or scheme the policy
 * refuses or WebCrypto cannot use.
 */
export async function verifySignature(
  key: PublicKeyInfo,
  scheme: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
  path: ReadonlyArray<string | number>,
): Promise<Either<PkiError, boolean>> {
  const bad = checkKeyPolicy(key, path);
  if (bad !== undefined) return left(bad);
  if (!schemeFitsKey(scheme, key))
    return left(
      pkiError(
        'algorithm-refused',
        `a ${scheme.name} signature cannot be made with a ${key.type} key`,
        `Chữ ký ${scheme.name} không thể tạo bằng khóa ${key.type}`,
        { path, rule: 'RFC 5280 §4.1.1.2' },
      ),
    );
  let sig = signature;
  if (scheme.name === 'ECDSA') {
    const raw = ecdsaDerToRaw(signature, key.type === 'EC' ? key.bits : 256);
    if (raw === undefined) return right(false);
    sig = raw;
  }
  try {
    const k = await importVerifyKey(key, scheme);
    const params =
      scheme.name === 'RSASSA-PSS'
        ? { name: 'RSA-PSS', saltLength: scheme.saltLength }
        : scheme.name === 'ECDSA'
          ? { name: 'ECDSA', hash: scheme.hash }
          : { name: 'RSASSA-PKCS1-v1_5' };
    return right(await globalThis.crypto.subtle.verify(params, k, toArrayBuffer(sig), toArrayBuffer(data)));
  } catch {
    return left(
      pkiError(
        'malformed-key',
        'the public key cannot be used to check signatures',
        'Không dùng được khóa công khai để kiểm tra chữ ký',
        {
          path,
          rule: 'RFC 5280 §4.1.2.7',
        },
      ),
    );
  }
}
