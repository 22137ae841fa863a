/**
 * A PKCS #11 token as an {@link X509Signer} (the USB tokens schools use; tested against SoftHSM2):
 * open the slot by the token's label, log in with the PIN, find the private key by label or id,
 * and sign on the token with CKM_SHA256_RSA_PKCS_PSS (or CKM_RSA_PKCS_PSS over a digest),
 * CKM_SHA256_RSA_PKCS, or CKM_ECDSA over a digest. The key never leaves the token. Errors are
 * typed: `token-not-found`, `pin-incorrect`, `pin-locked`, `key-not-found`,
 * `certificate-not-found`, `mechanism-unsupported`, `token-error`.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  defaultScheme,
  ecdsaRawToDer,
  hashAlgorithmDer,
  schemeFitsKey,
  type HashName,
  type SignatureAlgorithm,
} from '../algorithms.js';
import { digest } from '../bytes.js';
import { parseCertificate } from '../certificate.js';
import { derOctetString, derSequence } from '../der.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import type { X509Signer } from '../signers/signer.js';
import {
  acquireModule,
  binding,
  ckr,
  findObjects,
  findSlot,
  login,
  releaseModule,
  type Pkcs11Binding,
} from './pkcs11-module.js';

export interface Pkcs11SignerOptions {
  /** Path of the token's PKCS #11 module, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  readonly library: string;
  readonly token: { readonly label: string } | { readonly serial: string };
  readonly pin: string;
  /** The private key, by CKA_LABEL and/or CKA_ID. */
  readonly key: { readonly label?: string; readonly id?: Uint8Array };
  /** The signer's certificate; read from the token (the certificate object with the key's CKA_ID) when absent. */
  readonly certificate?: Uint8Array;
  /** Intermediates to put in signatures. */
  readonly chain?: readonly Uint8Array[];
}

export interface Pkcs11Signer extends X509Signer {
  /** The CKM_ names of the signing mechanisms the token offers. */
  readonly mechanisms: readonly string[];
  /** Log out, close the session, and release the module. */
  close(): Promise<void>;
}

/** The mechanism numbers by digest, from the binding (loaded on first use). */
function mechanisms(pkcs11js: Pkcs11Binding) {
  const by = (k: (h: '256' | '384' | '512') => keyof Pkcs11Binding): Readonly<Record<HashName, number>> => ({
    'SHA-256': pkcs11js[k('256')] as number,
    'SHA-384': pkcs11js[k('384')] as number,
    'SHA-512': pkcs11js[k('512')] as number,
  });
  return {
    HASH_MECH: by((h) => `CKM_SHA${h}`),
    MGF: by((h) => `CKG_MGF1_SHA${h}`),
    PSS_WITH: by((h) => `CKM_SHA${h}_RSA_PKCS_PSS`),
    PKCS1_WITH: by((h) => `CKM_SHA${h}_RSA_PKCS`),
    MECH_NAMES: new Map<number, string>(
      Object.entries(pkcs11js)
        .filter(([k, v]) => k.startsWith('CKM_') && typeof v === 'number')
        .map(([k, v]) => [v as number, k]),
    ),
  };
}

/** Open a token signer. Nothing is signed here; the PIN is checked by logging in. */
export async function openPkcs11Signer(o: Pkcs11SignerOptions): Promise<Either<PkiError, Pkcs11Signer>> {
  const m = await acquireModule(o.library);
  if (isLeft(m)) return m;
  const mod = m.right;
  const pkcs11js = binding();
  const { HASH_MECH, MGF, PSS_WITH, PKCS1_WITH, MECH_NAMES } = mechanisms(pkcs11js);
  let session: Buffer | undefined;
  const fail = (e: PkiError): Either<PkiError, never> => {
    if (session) {
      try {
        mod.C_CloseSession(session);
      } catch {
        // the session is being abandoned anyway
      }
    }
    releaseModule(o.library);
    return left(e);
  };
  try {
    const slot = findSlot(mod, o.token);
    if (isLeft(slot)) return fail(slot.left);
    session = mod.C_OpenSession(slot.right, pkcs11js.CKF_SERIAL_SESSION);
    const bad = login(mod, session, o.pin);
    if (bad) return fail(bad);
    const keyTemplate: { type: number; value?: number | boolean | string | Buffer }[] = [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    ];
    if (o.key.label !== undefined) keyTemplate.push({ type: pkcs11js.CKA_LABEL, value: o.key.label });
    if (o.key.id !== undefined) keyTemplate.push({ type: pkcs11js.CKA_ID, value: Buffer.from(o.key.id) });
    const keys = findObjects(mod, session, keyTemplate);
    if (keys.length !== 1)
      return fail(
        pkiError(
          'key-not-found',
          keys.length === 0
            ? 'no private key on the token matches'
            : `${keys.length} private keys match; name one by id`,
          keys.length === 0
            ? 'Không tìm thấy khóa bí mật trên thiết bị ký'
            : `Có ${keys.length} khóa khớp; hãy chỉ rõ CKA_ID`,
          {
            path: ['key'],
            details: { label: o.key.label, matches: keys.length },
          },
        ),
      );
    const key = keys[0]!;
    const [idAttr, typeAttr] = mod.C_GetAttributeValue(session, key, [
      { type: pkcs11js.CKA_ID },
      { type: pkcs11js.CKA_KEY_TYPE },
    ]);
    const keyId = idAttr?.value;
    const keyType = typeAttr?.value?.readUInt32LE?.(0);
    let certDer = o.certificate;
    if (certDer === undefined) {
      const certs =
        keyId && keyId.length
          ? findObjects(mod, session, [
              { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
              { type: pkcs11js.CKA_ID, value: keyId },
            ])
          : [];
      if (certs.length === 0)
        return fail(
          pkiError(
            'certificate-not-found',
            "no certificate on the token has the key's id",
            'Không có chứng thư số nào trên thiết bị ký ứng với khóa',
            { path: ['certificate'] },
          ),
        );
      certDer = new Uint8Array(mod.C_GetAttributeValue(session, certs[0]!, [{ type: pkcs11js.CKA_VALUE }])[0]!.value);
    }
    const cert = await parseCertificate(certDer, ['certificate']);
    if (isLeft(cert)) return fail(cert.left);
    if ((keyType === pkcs11js.CKK_RSA) !== (cert.right.publicKey.type === 'RSA'))
      return fail(
        pkiError(
          'signer-key-mismatch',
          "the token's key and the certificate's are of different types",
          'Loại khóa trên thiết bị ký khác loại khóa của chứng thư số',
          { path: ['certificate'] },
        ),
      );
    const offered = new Set(mod.C_GetMechanismList(slot.right));
    const pubKey = cert.right.publicKey;
    const sigBytes =
      pubKey.type === 'RSA' ? Math.ceil(pubKey.bits / 8) : pubKey.type === 'EC' ? 2 * Math.ceil(pubKey.bits / 8) : 512;
    let queue: Promise<unknown> = Promise.resolve();
    let closed = false;
    const s = session;
    const signOnToken = (
      mechanism: { mechanism: number; parameter?: { type: number; hashAlg: number; mgf: number; saltLen: number } },
      input: Uint8Array,
    ): Either<PkiError, Uint8Array> => {
      try {
        mod.C_SignInit(s, mechanism, key);
        return right(new Uint8Array(mod.C_Sign(s, Buffer.from(input), Buffer.alloc(sigBytes + 16))));
      } catch (e) {
        const code = ckr(e);
        if (
          code === pkcs11js.CKR_MECHANISM_INVALID ||
          code === pkcs11js.CKR_MECHANISM_PARAM_INVALID ||
          code === pkcs11js.CKR_KEY_FUNCTION_NOT_PERMITTED ||
          code === pkcs11js.CKR_KEY_TYPE_INCONSISTENT
        )
          return left(
            pkiError(
              'mechanism-unsupported',
              `the token refused ${MECH_NAMES.get(mechanism.mechanism) ?? mechanism.mechanism}: ${thrownText(e)}`,
              `Thiết bị ký không hỗ trợ cơ chế ${MECH_NAMES.get(mechanism.mechanism) ?? mechanism.mechanism}`,
              { details: { ckr: code } },
            ),
          );
        if (
          code === pkcs11js.CKR_USER_NOT_LOGGED_IN ||
          code === pkcs11js.CKR_SESSION_HANDLE_INVALID ||
          code === pkcs11js.CKR_DEVICE_REMOVED ||
          code === pkcs11js.CKR_TOKEN_NOT_PRESENT
        )
          return left(
            pkiError(
              'token-not-found',
              `the token is no longer available: ${thrownText(e)}`,
              'Thiết bị ký không còn sẵn sàng (đã rút ra hoặc đã đăng xuất)',
              { details: { ckr: code } },
            ),
          );
        return left(
          pkiError(
            'token-error',
            `the token did not sign: ${thrownText(e)}`,
            `Thiết bị ký không ký được: ${thrownText(e)}`,
            { details: { ckr: code } },
          ),
        );
      }
    };
    const unsupported = (alg: SignatureAlgorithm) =>
      left(
        pkiError(
          'mechanism-unsupported',
          `the token offers no mechanism for ${alg.name}/${alg.hash}`,
          `Thiết bị ký không có cơ chế cho ${alg.name}/${alg.hash}`,
          { path: ['algorithm'], details: { offered: [...offered].map((x) => MECH_NAMES.get(x) ?? x) } },
        ),
      );
    const sign = async (data: Uint8Array, alg: SignatureAlgorithm): Promise<Either<PkiError, Uint8Array>> => {
      if (closed)
        return left(
          pkiError('token-error', 'the token signer is closed', 'Phiên làm việc với thiết bị ký đã đóng', {}),
        );
      // The key's type decides before the token is asked (tokens answer a mismatch with assorted CKR codes).
      if (!schemeFitsKey(alg, pubKey))
        return left(
          pkiError(
            'mechanism-unsupported',
            `the token's ${pubKey.type} key cannot sign ${alg.name}`,
            `Khóa ${pubKey.type} trên thiết bị ký không ký được ${alg.name}`,
            { path: ['algorithm'] },
          ),
        );
      switch (alg.name) {
        case 'RSASSA-PSS': {
          const parameter = {
            type: pkcs11js.CK_PARAMS_RSA_PSS,
            hashAlg: HASH_MECH[alg.hash],
            mgf: MGF[alg.hash],
            saltLen: alg.saltLength,
          };
          if (offered.has(PSS_WITH[alg.hash])) return signOnToken({ mechanism: PSS_WITH[alg.hash], parameter }, data);
          if (offered.has(pkcs11js.CKM_RSA_PKCS_PSS))
            return signOnToken({ mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter }, await digest(alg.hash, data));
          return unsupported(alg);
        }
        case 'RSASSA-PKCS1-v1_5': {
          if (offered.has(PKCS1_WITH[alg.hash])) return signOnToken({ mechanism: PKCS1_WITH[alg.hash] }, data);
          // CKM_RSA_PKCS signs a DigestInfo (RFC 8017 §9.2) built here.
          if (offered.has(pkcs11js.CKM_RSA_PKCS))
            return signOnToken(
              { mechanism: pkcs11js.CKM_RSA_PKCS },
              derSequence(hashAlgorithmDerWithNull(alg.hash), derOctetString(await digest(alg.hash, data))),
            );
          return unsupported(alg);
        }
        case 'ECDSA': {
          if (!offered.has(pkcs11js.CKM_ECDSA)) return unsupported(alg);
          const raw = signOnToken({ mechanism: pkcs11js.CKM_ECDSA }, await digest(alg.hash, data));
          return isLeft(raw) ? raw : right(ecdsaRawToDer(raw.right));
        }
      }
    };
    const scheme = defaultScheme(pubKey);
    const signer: Pkcs11Signer = {
      mechanisms: [...offered].map((x) => MECH_NAMES.get(x) ?? String(x)).filter((n) => /RSA_PKCS|ECDSA/.test(n)),
      ...(scheme ? { algorithms: [scheme] } : {}),
      certificate: () => Promise.resolve(certDer),
      chain: () => Promise.resolve(o.chain ?? []),
      // One operation at a time on the session (C_SignInit/C_Sign pairs must not interleave).
      sign: (data, alg) => {
        const p = queue.then(() => sign(data, alg));
        queue = p.catch(() => undefined);
        return p;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await queue;
        try {
          mod.C_Logout(s);
        } catch {
          // not logged in any more
        }
        try {
          mod.C_CloseSession(s);
        } catch {
          // already closed
        }
        releaseModule(o.library);
      },
    };
    return right(signer);
  } catch (e) {
    return fail(
      pkiError(
        'token-error',
        `the token could not be used: ${thrownText(e)}`,
        `Không dùng được thiết bị ký: ${thrownText(e)}`,
        { details: { ckr: ckr(e) } },
      ),
    );
  }
}

/** DigestInfo's AlgorithmIdentifier carries NULL parameters (RFC 8017 §9.2 note 1). */
function hashAlgorithmDerWithNull(h: HashName): Uint8Array {
  const bare = hashAlgorithmDer(h);
  return derSequence(bare.subarray(2), new Uint8Array([0x05, 0x00]));
}
