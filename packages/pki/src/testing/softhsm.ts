/**
 * SoftHSM2 tokens for tests and the demo's `--token`: a token in a folder of its own (through
 * SOFTHSM2_CONF), a key pair generated *on* the token (the private key is never outside it), and
 * the certificate stored beside it, so that {@link openPkcs11Signer} finds both as it would on a
 * school's USB token.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { derOid, derSequence, readOnly, tlv, TAG, tlvContent } from '../der.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { Certificate } from '../certificate.js';
import { openPkcs11Signer, type Pkcs11Signer } from '../node/pkcs11.js';
import type { TestPki } from './pki.js';
import {
  acquireModule,
  binding,
  findSlot,
  login,
  releaseModule,
  type Pkcs11,
  type Pkcs11Binding,
} from '../node/pkcs11-module.js';

const LIBRARIES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

/** The SoftHSM2 module on this machine, if it is installed. */
export function softHsmLibrary(): string | undefined {
  return LIBRARIES.find((p) => existsSync(p));
}

export interface SoftHsmToken {
  readonly library: string;
  readonly label: string;
  readonly pin: string;
  readonly soPin: string;
  /** The SOFTHSM2_CONF file (already set in `process.env`). */
  readonly conf: string;
}

/**
 * Make an empty token in a folder of its own and point this process's SoftHSM2 at it
 * (`process.env.SOFTHSM2_CONF`, read when the module initialises: make tokens before opening
 * any signer, one configuration per process).
 */
export function createSoftHsmToken(o: {
  readonly label: string;
  readonly pin: string;
  readonly soPin?: string;
  readonly dir?: string;
}): Either<PkiError, SoftHsmToken> {
  const library = softHsmLibrary();
  if (!library)
    return left(
      pkiError('token-error', 'SoftHSM2 is not installed (Debian: apt-get install softhsm2)', 'Chưa cài SoftHSM2', {}),
    );
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'hoso-softhsm-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { recursive: true });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const soPin = o.soPin ?? '12345678';
  try {
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', o.label, '--pin', o.pin, '--so-pin', soPin], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'pipe',
    });
  } catch (e) {
    return left(
      pkiError(
        'token-error',
        `softhsm2-util could not make the token: ${thrownText(e)}`,
        'softhsm2-util không tạo được token',
        {},
      ),
    );
  }
  return right({ library, label: o.label, pin: o.pin, soPin, conf });
}

async function withSession<A>(
  t: SoftHsmToken,
  f: (mod: Pkcs11, session: Buffer, pkcs11js: Pkcs11Binding) => A,
): Promise<Either<PkiError, A>> {
  const m = await acquireModule(t.library);
  if (isLeft(m)) return m;
  const mod = m.right;
  const pkcs11js = binding();
  try {
    const slot = findSlot(mod, { label: t.label });
    if (isLeft(slot)) return slot;
    const session = mod.C_OpenSession(slot.right, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      const bad = login(mod, session, t.pin);
      if (bad) return left(bad);
      return right(f(mod, session, pkcs11js));
    } finally {
      try {
        mod.C_Logout(session);
      } catch {
        // not logged in
      }
      mod.C_CloseSession(session);
    }
  } catch (e) {
    return left(
      pkiError(
        'token-error',
        `the token operation failed: ${thrownText(e)}`,
        `Thao tác trên token thất bại: ${thrownText(e)}`,
        {},
      ),
    );
  } finally {
    releaseModule(t.library);
  }
}

/** P-256's OID as CKA_EC_PARAMS wants it (the DER of the OID). */
const P256_PARAMS = derOid(OID.prime256v1);

/**
 * Generate a key pair on the token (RSA 2048 or P-256), private key sensitive and never
 * extractable, and return its public key as SPKI DER for a CA to certify.
 */
export function generateTokenKey(
  t: SoftHsmToken,
  o: { readonly label: string; readonly id: Uint8Array; readonly type: 'rsa' | 'ec' },
): Promise<Either<PkiError, Uint8Array>> {
  return withSession(t, (mod, session, pkcs11js) => {
    const common = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: o.label },
      { type: pkcs11js.CKA_ID, value: Buffer.from(o.id) },
    ];
    const priv = [
      ...common,
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    ];
    if (o.type === 'rsa') {
      const keys = mod.C_GenerateKeyPair(
        session,
        { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
        [
          ...common,
          { type: pkcs11js.CKA_VERIFY, value: true },
          { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        ],
        priv,
      );
      const [n, e] = mod.C_GetAttributeValue(session, keys.publicKey, [
        { type: pkcs11js.CKA_MODULUS },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT },
      ]);
      const int = (b: Buffer) => tlv(TAG.INTEGER, ...(b[0]! & 0x80 ? [new Uint8Array([0])] : []), new Uint8Array(b));
      const rsaKey = derSequence(int(n!.value), int(e!.value));
      return derSequence(
        derSequence(derOid(OID.rsaEncryption), tlv(TAG.NULL)),
        tlv(TAG.BIT_STRING, new Uint8Array([0]), rsaKey),
      );
    }
    const keys = mod.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
      [
        ...common,
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_EC_PARAMS, value: Buffer.from(P256_PARAMS) },
      ],
      priv,
    );
    const [point] = mod.C_GetAttributeValue(session, keys.publicKey, [{ type: pkcs11js.CKA_EC_POINT }]);
    // CKA_EC_POINT is the DER OCTET STRING of the point (PKCS #11 v2.40 §2.3.3).
    const p = new Uint8Array(point!.value);
    const os = readOnly(p);
    const raw = os?.tag === TAG.OCTET_STRING ? tlvContent(p, os) : p;
    return derSequence(
      derSequence(derOid(OID.ecPublicKey), P256_PARAMS),
      tlv(TAG.BIT_STRING, new Uint8Array([0]), raw),
    );
  });
}

/** Store a certificate on the token beside the key with the same CKA_ID (as CAs deliver tokens). */
export function storeTokenCertificate(
  t: SoftHsmToken,
  o: { readonly label: string; readonly id: Uint8Array; readonly certificate: Certificate },
): Promise<Either<PkiError, void>> {
  return withSession(t, (mod, session, pkcs11js) => {
    mod.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: o.label },
      { type: pkcs11js.CKA_ID, value: Buffer.from(o.id) },
      { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(o.certificate.subject.der) },
      { type: pkcs11js.CKA_ISSUER, value: Buffer.from(o.certificate.issuer.der) },
      { type: pkcs11js.CKA_VALUE, value: Buffer.from(o.certificate.der) },
    ]);
  });
}

/**
 * The school's seal on a SoftHSM2 token, as the demo's `--token` makes it: a key generated on the
 * token (RSA 2048 unless told), a seal certificate from the test PKI's intermediate (`UID=MST:…`)
 * stored beside it, and the signer opened on it. The token is made in a temp folder unless one is
 * given (one token configuration per process: see {@link createSoftHsmToken}).
 */
export async function createSealOnToken(
  pki: TestPki,
  o: {
    readonly name: string;
    readonly taxCode: string;
    readonly province?: string;
    readonly type?: 'rsa' | 'ec';
    readonly token?: SoftHsmToken;
    readonly keyLabel?: string;
    readonly keyId?: Uint8Array;
  },
): Promise<Either<PkiError, { token: SoftHsmToken; certificate: Certificate; signer: Pkcs11Signer }>> {
  const made = o.token ? right(o.token) : createSoftHsmToken({ label: 'hoso-seal', pin: '246810' });
  if (isLeft(made)) return made;
  const t = made.right;
  const label = o.keyLabel ?? 'seal';
  const id = o.keyId ?? new Uint8Array([0x5e, 0xa1]);
  const spki = await generateTokenKey(t, { label, id, type: o.type ?? 'rsa' });
  if (isLeft(spki)) return spki;
  const certificate = await pki.issueForKey({
    subject: [
      { type: 'C', value: 'VN' },
      { type: 'ST', value: o.province ?? 'Hà Nội' },
      { type: 'O', value: o.name },
      { type: 'CN', value: o.name },
      { type: 'UID', value: `MST:${o.taxCode}` },
    ],
    publicKey: spki.right,
  });
  const stored = await storeTokenCertificate(t, { label, id, certificate });
  if (isLeft(stored)) return stored;
  const signer = await openPkcs11Signer({
    library: t.library,
    token: { label: t.label },
    pin: t.pin,
    key: { id },
    chain: [pki.intermediate.certificate.der],
  });
  if (isLeft(signer)) return signer;
  return right({ token: t, certificate, signer: signer.right });
}
