/**
 * A loopback stand-in for a remote signing service ("ký số từ xa"): the Cloud Signature
 * Consortium API v2 methods {@link openCscSigner} calls, served on 127.0.0.1, over software keys
 * of the test PKI. The user's approval on their phone is a hook the test controls (approve,
 * refuse, or never answer); a credential in `explicit` mode also wants the user's PIN. SADs are
 * bound to the credential and to the digests approved, and are good for one use.
 */
import { constants, createPrivateKey, privateEncrypt, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { p256, p384 } from '@noble/curves/nist.js';
import { isLeft } from 'fp-ts/lib/Either.js';
import { hashAlgorithmDer, hashFromOid, hashLength, signatureScheme, type SignatureAlgorithm } from '../algorithms.js';
import { concatBytes, digest, fromBase64, toBase64, toHex } from '../bytes.js';
import { derOctetString, derSequence } from '../der.js';
import { OID } from '../oids.js';
import type { TestKey } from './builder.js';
import type { TestIdentity } from './pki.js';
import { listen, readBody, type Served } from './tsa.js';

/** What the user is asked to approve on their device. */
export interface ApprovalRequest {
  readonly credentialID: string;
  readonly numSignatures: number;
  /** The digests to be signed, hex. */
  readonly hashes: readonly string[];
  readonly description?: string;
}

export interface RemoteCredential {
  readonly credentialID: string;
  readonly identity: TestIdentity;
  /** `implicit` (default: the phone app is the whole authorisation) or `explicit` (a PIN as well). */
  readonly authMode?: 'implicit' | 'explicit';
  readonly pin?: string;
  /** `key/algo` as the service reports it; by default what the key can do. */
  readonly keyAlgorithms?: readonly string[];
  readonly enabled?: boolean;
}

export interface RemoteSigningService {
  /** The API base URL (`…/csc/v2/`). */
  readonly url: string;
  /** How many signatures it has made. */
  readonly signed: number;
  /** Every method called, in order. */
  readonly calls: readonly string[];
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown };
const error = (status: number, code: string, description: string): Answer => ({
  status,
  body: { error: code, error_description: description },
});

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of a digest, for a modulus of `modBits` bits. */
async function emsaPss(hash: SignatureAlgorithm['hash'], mHash: Uint8Array, sLen: number, modBits: number) {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = hashLength(hash);
  const salt = new Uint8Array(randomBytes(sLen));
  const h = await digest(hash, concatBytes(new Uint8Array(8), mHash, salt));
  const db = concatBytes(new Uint8Array(emLen - sLen - hLen - 2), new Uint8Array([1]), salt);
  // MGF1 (RFC 8017 §B.2.1)
  const mask = new Uint8Array(db.length);
  for (let counter = 0, o = 0; o < mask.length; counter++) {
    const c = new Uint8Array([counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255]);
    const t = await digest(hash, concatBytes(h, c));
    mask.set(t.subarray(0, Math.min(t.length, mask.length - o)), o);
    o += t.length;
  }
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return concatBytes(db, h, new Uint8Array([0xbc]));
}

/**
 * Sign a digest with a test key, as an HSM behind a remote service does (WebCrypto only signs
 * whole messages): RSA with raw RSA over an EMSA-PSS or PKCS #1 v1.5 encoding, ECDSA through
 * @noble/curves without pre-hashing.
 */
export async function signDigestWithTestKey(key: TestKey, alg: SignatureAlgorithm, hash: Uint8Array) {
  if (alg.name === 'ECDSA') {
    const jwk = (await globalThis.crypto.subtle.exportKey('jwk', key.privateKey)) as { d?: string; crv?: string };
    const d = fromBase64(
      jwk
        .d!.replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(jwk.d!.length / 4) * 4, '='),
    )!;
    const curve = jwk.crv === 'P-384' ? p384 : p256;
    return curve.sign(hash, d, { prehash: false, format: 'der' });
  }
  const priv = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' });
  const modBits = priv.asymmetricKeyDetails?.modulusLength ?? 2048;
  const k = Math.ceil(modBits / 8);
  if (alg.name === 'RSASSA-PKCS1-v1_5') {
    // DigestInfo with NULL parameters (RFC 8017 §9.2 note 1).
    const algId = derSequence(hashAlgorithmDer(alg.hash).subarray(2), new Uint8Array([0x05, 0x00]));
    const info = derSequence(algId, derOctetString(hash));
    return new Uint8Array(privateEncrypt({ key: priv, padding: constants.RSA_PKCS1_PADDING }, info));
  }
  const em = await emsaPss(alg.hash, hash, alg.saltLength, modBits);
  const block = concatBytes(new Uint8Array(k - em.length), em);
  return new Uint8Array(privateEncrypt({ key: priv, padding: constants.RSA_NO_PADDING }, block));
}

interface Sad {
  readonly credentialID: string;
  readonly hashes: Set<string>;
  remaining: number;
  readonly expires: number;
}

/**
 * Serve a CSC v2 stand-in on 127.0.0.1. `accessToken` is the service authorisation clients must
 * send; `approve` is the user's answer on the phone (`true` approve, `false` refuse; a promise
 * that never settles is a user who never answers).
 */
export async function serveRemoteSigningService(o: {
  readonly accessToken: string;
  readonly credentials: readonly RemoteCredential[];
  readonly approve: (r: ApprovalRequest) => Promise<boolean>;
  readonly port?: number;
}): Promise<RemoteSigningService> {
  const sads = new Map<string, Sad>();
  const calls: string[] = [];
  let signed = 0;
  const byId = new Map(o.credentials.map((c) => [c.credentialID, c]));

  const defaultAlgorithms = (c: RemoteCredential) =>
    c.identity.certificate.publicKey.type === 'RSA'
      ? [OID.rsaEncryption, OID.rsassaPss, OID.sha256WithRSA]
      : [OID.ecPublicKey, OID.ecdsaWithSHA256, OID.ecdsaWithSHA384];

  const methods: Record<string, (b: Record<string, unknown>) => Promise<Answer>> = {
    info: () =>
      Promise.resolve({
        status: 200,
        body: { specs: '2.0.0.0', name: 'hoso CSC stand-in', lang: 'vi-VN', methods: Object.keys(methods) },
      }),
    'credentials/list': () => Promise.resolve({ status: 200, body: { credentialIDs: [...byId.keys()] } }),
    'credentials/info': (b) => {
      const c = byId.get(String(b.credentialID));
      if (!c) return Promise.resolve(error(400, 'invalid_request', 'Invalid parameter credentialID'));
      const key = c.identity.certificate.publicKey;
      const cert = c.identity.certificate;
      const certs = b.certificates === 'none' ? [] : b.certificates === 'chain' ? [cert, ...c.identity.chain] : [cert];
      return Promise.resolve({
        status: 200,
        body: {
          description: cert.subject.commonName,
          key: {
            status: c.enabled === false ? 'disabled' : 'enabled',
            algo: c.keyAlgorithms ?? defaultAlgorithms(c),
            len: key.type === 'RSA' || key.type === 'EC' ? key.bits : 0,
            ...(key.type === 'EC' ? { curve: key.curve === 'P-384' ? OID.secp384r1 : OID.prime256v1 } : {}),
          },
          cert: {
            status: 'valid',
            certificates: certs.map((x) => toBase64(x.der)),
            issuerDN: cert.issuer.text,
            serialNumber: cert.serialNumber,
            subjectDN: cert.subject.text,
          },
          auth: { mode: c.authMode ?? 'implicit' },
          multisign: 1,
        },
      });
    },
    'credentials/authorize': async (b) => {
      const c = byId.get(String(b.credentialID));
      if (!c) return error(400, 'invalid_request', 'Invalid parameter credentialID');
      const hashes = Array.isArray(b.hashes) ? b.hashes.map((h) => fromBase64(String(h))) : [];
      const n = Number(b.numSignatures);
      if (!hashes.length || hashes.some((h) => h === undefined) || n !== hashes.length)
        return error(400, 'invalid_request', 'Invalid parameter hashes or numSignatures');
      if ((c.authMode ?? 'implicit') === 'explicit') {
        const data = Array.isArray(b.authData) ? (b.authData as { id?: unknown; value?: unknown }[]) : [];
        const pin = data.find((d) => d.id === 'PIN')?.value;
        if (pin !== c.pin) return error(400, 'invalid_request', 'The PIN is invalid');
      }
      const hex = hashes.map((h) => toHex(h!));
      const ok = await o.approve({
        credentialID: c.credentialID,
        numSignatures: n,
        hashes: hex,
        ...(typeof b.description === 'string' ? { description: b.description } : {}),
      });
      if (!ok) return error(400, 'access_denied', 'The user refused the signature request');
      const sad = toBase64(new Uint8Array(randomBytes(24)));
      sads.set(sad, {
        credentialID: c.credentialID,
        hashes: new Set(hex),
        remaining: n,
        expires: Date.now() + 300_000,
      });
      return { status: 200, body: { SAD: sad, expiresIn: 300 } };
    },
    'signatures/signHash': async (b) => {
      const c = byId.get(String(b.credentialID));
      if (!c) return error(400, 'invalid_request', 'Invalid parameter credentialID');
      const sad = sads.get(String(b.SAD));
      if (!sad || sad.credentialID !== c.credentialID || sad.expires < Date.now())
        return error(400, 'invalid_request', 'Invalid SAD');
      const hashes = Array.isArray(b.hashes) ? b.hashes.map((h) => fromBase64(String(h))) : [];
      if (
        !hashes.length ||
        hashes.some((h) => h === undefined || !sad.hashes.has(toHex(h))) ||
        hashes.length > sad.remaining
      )
        return error(400, 'invalid_request', 'The hashes were not authorized by this SAD');
      const params = typeof b.signAlgoParams === 'string' ? fromBase64(b.signAlgoParams) : undefined;
      const scheme = signatureScheme(
        { algorithm: String(b.signAlgo), parameters: params ? params.slice().buffer : null },
        ['signAlgo'],
      );
      const hash = hashFromOid(String(b.hashAlgorithmOID), ['hashAlgorithmOID']);
      if (isLeft(scheme) || isLeft(hash) || scheme.right.hash !== hash.right)
        return error(400, 'invalid_request', 'Invalid parameter signAlgo');
      const key = c.identity.certificate.publicKey;
      const fits = scheme.right.name === 'ECDSA' ? key.type === 'EC' : key.type === 'RSA';
      if (!fits || hashes.some((h) => h!.length !== hashLength(hash.right)))
        return error(400, 'invalid_request', 'Invalid parameter signAlgo');
      sad.remaining -= hashes.length;
      if (sad.remaining === 0) sads.delete(String(b.SAD));
      const signatures: string[] = [];
      for (const h of hashes) signatures.push(toBase64(await signDigestWithTestKey(c.identity.key, scheme.right, h!)));
      signed += hashes.length;
      return { status: 200, body: { signatures } };
    },
  };

  const server = createServer((req, res) => {
    const send = (a: Answer) => {
      const body = JSON.stringify(a.body);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(body);
    };
    const m = /^\/csc\/v2\/(.+)$/.exec(req.url ?? '');
    const method = m ? methods[m[1]!] : undefined;
    if (req.method !== 'POST' || !method) {
      send(error(404, 'invalid_request', 'Unknown method'));
      return;
    }
    calls.push(m![1]!);
    if (m![1] !== 'info' && req.headers.authorization !== `Bearer ${o.accessToken}`) {
      send(error(401, 'invalid_token', 'The access token is not valid'));
      return;
    }
    readBody(req)
      .then(async (raw) => {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(new TextDecoder().decode(raw)) as Record<string, unknown>;
        } catch {
          send(error(400, 'invalid_request', 'The body is not JSON'));
          return;
        }
        send(await method(body));
      })
      .catch(() => send(error(500, 'server_error', 'The request could not be read')));
  });
  const served: Served = await listen(server, o.port);
  return {
    url: `${served.url}csc/v2/`,
    get signed() {
      return signed;
    },
    calls,
    close: () => served.close(),
  };
}
