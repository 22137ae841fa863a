/**
 * A remote signing service ("ký số từ xa") as an {@link X509Signer}, through the subset of the
 * Cloud Signature Consortium API v2 that hash signing needs: `credentials/list`,
 * `credentials/info`, `credentials/authorize` (the user approves on the phone and the service
 * returns Signature Activation Data, the SAD) and `signatures/signHash`. Only digests leave hoso;
 * the key stays in the provider's HSM. Uses `fetch`, so it runs in Node and in a browser.
 *
 * Errors are typed: `remote-unreachable` (no answer at all), `remote-timeout` (the user or the
 * service did not answer in time), `remote-refused` (the user refused: CSC error
 * `access_denied`), `remote-error` (any other CSC error, its `error` and `error_description` in
 * `details`), `certificate-not-found` (no usable credential), `mechanism-unsupported`.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  ecdsaRawToDer,
  hashLength,
  HASH_OID,
  schemeFitsKey,
  signatureAlgorithmDer,
  type SignatureAlgorithm,
} from '../algorithms.js';
import { digest, fromBase64, toBase64 } from '../bytes.js';
import { parseCertificate, type Certificate } from '../certificate.js';
import { childrenOf, readOnly, TAG } from '../der.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { X509Signer } from './signer.js';

/** How to reach the service. */
export interface CscServiceOptions {
  /** The API's base URL, ending before the method names, e.g. `https://rssp.example/csc/v2/`. */
  readonly baseUrl: string;
  /** The service authorisation (an OAuth 2.0 access token), sent as `Authorization: Bearer`. */
  readonly accessToken?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per call, except `credentials/authorize`; 30 s unless told. */
  readonly timeoutMs?: number;
  /** How long the user has to approve on their device (`credentials/authorize`); 120 s unless told. */
  readonly approvalTimeoutMs?: number;
  readonly fetch?: typeof globalThis.fetch;
}

/** What `credentials/info` says about one credential (CSC API v2 §11.5), as this client uses it. */
export interface CscCredentialInfo {
  readonly credentialID: string;
  readonly description?: string;
  /** `enabled` or `disabled`. */
  readonly keyStatus: string;
  /** The signature algorithm OIDs the key supports (`key/algo`). */
  readonly keyAlgorithms: readonly string[];
  readonly keyLength?: number;
  /** The certificate (DER) and the rest of its chain as the service returned them (issuer order). */
  readonly certificate: Uint8Array;
  readonly chain: readonly Uint8Array[];
  /** `implicit`, `explicit` or `oauth2code` (CSC API v2 §8.2). */
  readonly authMode: string;
  readonly multisign: number;
}

/** One item of authorisation data for `explicit` mode: a PIN or an OTP, by the id the service names. */
export interface CscAuthData {
  readonly id: string;
  readonly value: string;
}

export interface CscSignerOptions extends CscServiceOptions {
  /** The credential; the only one `credentials/list` returns when absent. */
  readonly credentialID?: string;
  /** The user's account at the service, when the access token is not already the user's. */
  readonly userID?: string;
  /** For `explicit` mode: asked for each signature (a PIN typed by the user, an OTP sent to them). */
  readonly authData?: () => Promise<readonly CscAuthData[]>;
  /** Shown to the user in the approval app ("Ký sổ điểm 10A1 — Toán"). */
  readonly description?: string;
}

export interface CscSigner extends X509Signer {
  readonly credential: CscCredentialInfo;
}

interface CallResult {
  readonly status: number;
  readonly body: unknown;
}

/** A CSC error body (CSC API v2 §10.1): `error`, `error_description`. */
function cscError(body: unknown): { error?: string; description?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { error?: unknown; error_description?: unknown };
  return {
    ...(typeof b.error === 'string' ? { error: b.error } : {}),
    ...(typeof b.error_description === 'string' ? { description: b.error_description } : {}),
  };
}

function isTimeout(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'name' in e && (e.name === 'TimeoutError' || e.name === 'AbortError');
}

async function call(
  o: CscServiceOptions,
  method: string,
  body: Record<string, unknown>,
  timeoutMs: number,
): Promise<Either<PkiError, unknown>> {
  const url = new URL(method, o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`).toString();
  const doFetch = o.fetch ?? globalThis.fetch;
  let r: CallResult;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(o.accessToken ? { authorization: `Bearer ${o.accessToken}` } : {}),
        ...o.headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : {};
    } catch {
      parsed = { error: 'invalid_response', error_description: text.slice(0, 200) };
    }
    r = { status: res.status, body: parsed };
  } catch (e) {
    if (isTimeout(e))
      return left(
        pkiError(
          'remote-timeout',
          `the signing service did not answer ${method} within ${timeoutMs} ms`,
          `Dịch vụ ký số từ xa không trả lời ${method} trong ${timeoutMs} ms`,
          { path: [method], details: { url, timeoutMs } },
        ),
      );
    return left(
      pkiError(
        'remote-unreachable',
        `the signing service at ${url} cannot be reached: ${thrownText(e)}`,
        `Không kết nối được dịch vụ ký số từ xa tại ${url}`,
        { path: [method], details: { url } },
      ),
    );
  }
  if (r.status >= 200 && r.status < 300) return right(r.body);
  const err = cscError(r.body);
  if (err.error === 'access_denied')
    return left(
      pkiError(
        'remote-refused',
        `the signing was refused${err.description ? `: ${err.description}` : ''}`,
        'Người ký đã từ chối yêu cầu ký',
        { path: [method], details: { status: r.status, ...err } },
      ),
    );
  return left(
    pkiError(
      'remote-error',
      `the signing service answered ${method} with HTTP ${r.status}${err.error ? ` ${err.error}` : ''}${err.description ? `: ${err.description}` : ''}`,
      `Dịch vụ ký số từ xa báo lỗi khi gọi ${method} (HTTP ${r.status}${err.error ? ` ${err.error}` : ''})`,
      { path: [method], rule: 'CSC API v2 §10.1', details: { status: r.status, ...err } },
    ),
  );
}

function badAnswer(method: string, field: string): PkiError {
  return pkiError(
    'remote-error',
    `the signing service's answer to ${method} has no valid ${field}`,
    `Phản hồi ${method} của dịch vụ ký số từ xa thiếu hoặc sai trường ${field}`,
    { path: [method, field], rule: 'CSC API v2 §11' },
  );
}

const field = (b: unknown, k: string): unknown =>
  typeof b === 'object' && b !== null ? (b as Record<string, unknown>)[k] : undefined;
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

/** `credentials/list`: the ids of the user's credentials. */
export async function cscListCredentials(
  o: CscServiceOptions & { readonly userID?: string },
): Promise<Either<PkiError, string[]>> {
  const r = await call(o, 'credentials/list', o.userID ? { userID: o.userID } : {}, o.timeoutMs ?? 30_000);
  if (isLeft(r)) return r;
  const ids = strings(field(r.right, 'credentialIDs'));
  return ids ? right(ids) : left(badAnswer('credentials/list', 'credentialIDs'));
}

/** `credentials/info` with the whole chain (`certificates: "chain"`) and the authorisation mode. */
export async function cscCredentialInfo(
  o: CscServiceOptions,
  credentialID: string,
): Promise<Either<PkiError, CscCredentialInfo>> {
  const r = await call(
    o,
    'credentials/info',
    { credentialID, certificates: 'chain', certInfo: true, authInfo: true },
    o.timeoutMs ?? 30_000,
  );
  if (isLeft(r)) return r;
  const key = field(r.right, 'key');
  const cert = field(r.right, 'cert');
  const certs = strings(field(cert, 'certificates'))?.map(fromBase64);
  if (!certs?.length || certs.some((c) => c === undefined))
    return left(badAnswer('credentials/info', 'cert/certificates'));
  const [leaf, ...chain] = certs as Uint8Array[];
  const algos = strings(field(key, 'algo')) ?? [];
  const auth = field(r.right, 'auth');
  const authMode = field(auth, 'mode') ?? field(r.right, 'authMode');
  const description = field(r.right, 'description');
  const len = field(key, 'len');
  const multisign = field(r.right, 'multisign');
  return right({
    credentialID,
    ...(typeof description === 'string' ? { description } : {}),
    keyStatus: typeof field(key, 'status') === 'string' ? (field(key, 'status') as string) : 'enabled',
    keyAlgorithms: algos,
    ...(typeof len === 'number' ? { keyLength: len } : typeof len === 'string' ? { keyLength: Number(len) } : {}),
    certificate: leaf!,
    chain,
    authMode: typeof authMode === 'string' ? authMode : 'implicit',
    multisign: typeof multisign === 'number' ? multisign : Number(multisign ?? 1) || 1,
  });
}

/**
 * `credentials/authorize` for the digests given: the user approves (or refuses) on their device
 * and the service returns the SAD. Waits up to `approvalTimeoutMs`.
 */
export async function cscAuthorize(
  o: CscServiceOptions,
  a: {
    readonly credentialID: string;
    readonly hashes: readonly Uint8Array[];
    readonly hashAlgorithmOID: string;
    readonly description?: string;
    readonly authData?: readonly CscAuthData[];
  },
): Promise<Either<PkiError, string>> {
  const r = await call(
    o,
    'credentials/authorize',
    {
      credentialID: a.credentialID,
      numSignatures: a.hashes.length,
      hashes: a.hashes.map(toBase64),
      hashAlgorithmOID: a.hashAlgorithmOID,
      ...(a.description ? { description: a.description } : {}),
      ...(a.authData ? { authData: a.authData } : {}),
    },
    o.approvalTimeoutMs ?? 120_000,
  );
  if (isLeft(r)) return r;
  const sad = field(r.right, 'SAD');
  return typeof sad === 'string' && sad ? right(sad) : left(badAnswer('credentials/authorize', 'SAD'));
}

/** The `signAlgo` OID and `signAlgoParams` (base64 DER) for a scheme (CSC API v2 §11.9). */
export function cscSignAlgorithm(s: SignatureAlgorithm): { signAlgo: string; signAlgoParams?: string } {
  const der = signatureAlgorithmDer(s);
  if (s.name !== 'RSASSA-PSS') {
    const oid = {
      'RSASSA-PKCS1-v1_5': { 'SHA-256': OID.sha256WithRSA, 'SHA-384': OID.sha384WithRSA, 'SHA-512': OID.sha512WithRSA },
      ECDSA: { 'SHA-256': OID.ecdsaWithSHA256, 'SHA-384': OID.ecdsaWithSHA384, 'SHA-512': OID.ecdsaWithSHA512 },
    }[s.name][s.hash];
    return { signAlgo: oid };
  }
  // The AlgorithmIdentifier's second element is the RSASSA-PSS-params SEQUENCE.
  const top = readOnly(der)!;
  const params = childrenOf(der, top)![1]!;
  return { signAlgo: OID.rsassaPss, signAlgoParams: toBase64(der.subarray(params.start, params.end)) };
}

/** `signatures/signHash`: one signature per digest, in order, with the SAD. */
export async function cscSignHash(
  o: CscServiceOptions,
  a: {
    readonly credentialID: string;
    readonly sad: string;
    readonly hashes: readonly Uint8Array[];
    readonly algorithm: SignatureAlgorithm;
  },
): Promise<Either<PkiError, Uint8Array[]>> {
  const r = await call(
    o,
    'signatures/signHash',
    {
      credentialID: a.credentialID,
      SAD: a.sad,
      hashes: a.hashes.map(toBase64),
      hashAlgorithmOID: HASH_OID[a.algorithm.hash],
      ...cscSignAlgorithm(a.algorithm),
    },
    o.timeoutMs ?? 30_000,
  );
  if (isLeft(r)) return r;
  const sigs = strings(field(r.right, 'signatures'))?.map(fromBase64);
  if (!sigs || sigs.length !== a.hashes.length || sigs.some((s) => s === undefined || s.length === 0))
    return left(badAnswer('signatures/signHash', 'signatures'));
  return right(sigs as Uint8Array[]);
}

/** ECDSA as CMS carries it: services return DER (X9.62) or, some of them, the raw r‖s. */
function ecdsaAsDer(sig: Uint8Array, cert: Certificate): Uint8Array {
  const t = readOnly(sig);
  if (t?.tag === TAG.SEQUENCE) return sig;
  const size = cert.publicKey.type === 'EC' ? Math.ceil(cert.publicKey.bits / 8) : 0;
  return sig.length === 2 * size ? ecdsaRawToDer(sig) : sig;
}

/**
 * Connect to a credential of a CSC v2 service: read its certificate and chain, and return a
 * signer whose every `sign` asks the user to approve that one digest. RSA keys sign RSASSA-PSS
 * when the service lists it in `key/algo`, else PKCS #1 v1.5 (what most services in use offer,
 * reported as legacy by the verifier); EC keys sign ECDSA.
 */
export async function openCscSigner(o: CscSignerOptions): Promise<Either<PkiError, CscSigner>> {
  let credentialID = o.credentialID;
  if (credentialID === undefined) {
    const ids = await cscListCredentials(o);
    if (isLeft(ids)) return ids;
    if (ids.right.length !== 1)
      return left(
        pkiError(
          'certificate-not-found',
          ids.right.length === 0
            ? 'the signing service lists no credential for this user'
            : `the signing service lists ${ids.right.length} credentials; name one by credentialID`,
          ids.right.length === 0
            ? 'Dịch vụ ký số từ xa không có chứng thư số nào của người dùng này'
            : `Dịch vụ ký số từ xa có ${ids.right.length} chứng thư số; hãy chỉ rõ credentialID`,
          { path: ['credentialID'], details: { credentials: ids.right } },
        ),
      );
    credentialID = ids.right[0]!;
  }
  const info = await cscCredentialInfo(o, credentialID);
  if (isLeft(info)) return info;
  const cred = info.right;
  if (cred.keyStatus !== 'enabled')
    return left(
      pkiError(
        'key-not-found',
        `the key of credential ${credentialID} is ${cred.keyStatus}`,
        'Khóa của chứng thư số trên dịch vụ ký số từ xa đang bị vô hiệu hóa',
        { path: ['credentialID'], details: { credentialID, status: cred.keyStatus } },
      ),
    );
  const cert = await parseCertificate(cred.certificate, ['credentials/info', 'cert', 'certificates', 0]);
  if (isLeft(cert)) return cert;
  const c = cert.right;
  const pss = cred.keyAlgorithms.includes(OID.rsassaPss);
  const scheme: SignatureAlgorithm | undefined =
    c.publicKey.type === 'RSA'
      ? pss
        ? { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 }
        : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : c.publicKey.type === 'EC'
        ? {
            name: 'ECDSA',
            hash: c.publicKey.curve === 'P-384' ? 'SHA-384' : c.publicKey.curve === 'P-521' ? 'SHA-512' : 'SHA-256',
          }
        : undefined;
  const id = credentialID;
  const signer: CscSigner = {
    credential: cred,
    ...(scheme ? { algorithms: [scheme] } : {}),
    certificate: () => Promise.resolve(cred.certificate),
    chain: () => Promise.resolve(cred.chain),
    async sign(data, algorithm) {
      if (!schemeFitsKey(algorithm, c.publicKey))
        return left(
          pkiError(
            'mechanism-unsupported',
            `the remote ${c.publicKey.type} key cannot sign ${algorithm.name}`,
            `Khóa ${c.publicKey.type} trên dịch vụ ký số từ xa không ký được ${algorithm.name}`,
            { path: ['algorithm'] },
          ),
        );
      const hash = await digest(algorithm.hash, data);
      if (hash.length !== hashLength(algorithm.hash)) return left(badAnswer('signatures/signHash', 'hashes'));
      const authData = o.authData ? await o.authData() : undefined;
      const sad = await cscAuthorize(o, {
        credentialID: id,
        hashes: [hash],
        hashAlgorithmOID: HASH_OID[algorithm.hash],
        ...(o.description ? { description: o.description } : {}),
        ...(authData ? { authData } : {}),
      });
      if (isLeft(sad)) return sad;
      const sigs = await cscSignHash(o, { credentialID: id, sad: sad.right, hashes: [hash], algorithm });
      if (isLeft(sigs)) return sigs;
      const sig = sigs.right[0]!;
      return right(algorithm.name === 'ECDSA' ? ecdsaAsDer(sig, c) : sig);
    },
  };
  return right(signer);
}
