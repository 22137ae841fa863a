/**
 * A software key held as a WebCrypto CryptoKey (for tests, the demo, and a browser that keeps a
 * key in IndexedDB as a non-extractable CryptoKey). The key itself is never read: only
 * `subtle.sign` is called with it.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { ecdsaRawToDer, type SignatureAlgorithm } from '../algorithms.js';
import { toArrayBuffer } from '../bytes.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import type { CryptoKey } from '../webcrypto.js';
import type { X509Signer } from './signer.js';

/** Sign with a WebCrypto private key; the signature as CMS carries it (ECDSA converted to DER). */
export async function signWithCryptoKey(
  key: CryptoKey,
  algorithm: SignatureAlgorithm,
  data: Uint8Array,
): Promise<Either<PkiError, Uint8Array>> {
  const want = algorithm.name === 'RSASSA-PSS' ? 'RSA-PSS' : algorithm.name;
  const alg = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  if (alg.name !== want || (alg.hash !== undefined && alg.hash.name !== algorithm.hash))
    return left(
      pkiError(
        'mechanism-unsupported',
        `this key is a ${alg.name}${alg.hash ? `/${alg.hash.name}` : ''} key and cannot sign ${algorithm.name}/${algorithm.hash}`,
        `Khóa này là khóa ${alg.name} và không ký được ${algorithm.name}/${algorithm.hash}`,
        { path: ['algorithm'], details: { key: alg.name, wanted: algorithm.name } },
      ),
    );
  try {
    const params =
      algorithm.name === 'RSASSA-PSS'
        ? { name: 'RSA-PSS', saltLength: algorithm.saltLength }
        : algorithm.name === 'ECDSA'
          ? { name: 'ECDSA', hash: algorithm.hash }
          : { name: 'RSASSA-PKCS1-v1_5' };
    const sig = new Uint8Array(await globalThis.crypto.subtle.sign(params, key, toArrayBuffer(data)));
    return right(algorithm.name === 'ECDSA' ? ecdsaRawToDer(sig) : sig);
  } catch (e) {
    return left(
      pkiError('signer-failed', `the key did not sign: ${thrownText(e)}`, `Khóa không ký được: ${thrownText(e)}`, {}),
    );
  }
}

/** The scheme a WebCrypto private key makes (RSA-PSS keys sign PSS with salt = digest length). */
export function schemeOfCryptoKey(key: CryptoKey): SignatureAlgorithm | undefined {
  const alg = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string };
  const hash = (alg.hash?.name ??
    (alg.namedCurve === 'P-384' ? 'SHA-384' : alg.namedCurve === 'P-521' ? 'SHA-512' : 'SHA-256')) as
    'SHA-256' | 'SHA-384' | 'SHA-512';
  if (alg.name === 'RSA-PSS')
    return { name: 'RSASSA-PSS', hash, saltLength: hash === 'SHA-256' ? 32 : hash === 'SHA-384' ? 48 : 64 };
  if (alg.name === 'RSASSA-PKCS1-v1_5') return { name: 'RSASSA-PKCS1-v1_5', hash };
  if (alg.name === 'ECDSA') return { name: 'ECDSA', hash };
  return undefined;
}

/**
 * An {@link X509Signer} over a WebCrypto private key. The key's own algorithm decides the
 * scheme (import it as `RSA-PSS` for PSS, `RSASSA-PKCS1-v1_5` for the legacy padding, `ECDSA`
 * for EC keys; the digest is the key's `hash`, or SHA-256/384/512 for P-256/384/521).
 */
export function cryptoKeySigner(options: {
  readonly privateKey: CryptoKey;
  readonly certificate: Uint8Array;
  readonly chain?: readonly Uint8Array[];
}): X509Signer {
  const scheme = schemeOfCryptoKey(options.privateKey);
  return {
    certificate: () => Promise.resolve(options.certificate),
    chain: () => Promise.resolve(options.chain ?? []),
    ...(scheme ? { algorithms: [scheme] } : {}),
    sign: (data, algorithm) => signWithCryptoKey(options.privateKey, algorithm, data),
  };
}
