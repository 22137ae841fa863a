/**
 * A software key held as a node:crypto KeyObject (a PKCS #8 file the demo writes, a key from a
 * KMS client). Signs with node:crypto directly; the key is never exported.
 */
import { sign as nodeSign, constants, type KeyObject } from 'node:crypto';
import { left, right } from 'fp-ts/lib/Either.js';
import type { SignatureAlgorithm } from '../algorithms.js';
import { pkiError, thrownText } from '../errors.js';
import type { X509Signer } from '../signers/signer.js';

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

/** An {@link X509Signer} over a private KeyObject (RSA, RSA-PSS or EC). */
export function keyObjectSigner(o: {
  readonly privateKey: KeyObject;
  readonly certificate: Uint8Array;
  readonly chain?: readonly Uint8Array[];
}): X509Signer {
  const type = o.privateKey.asymmetricKeyType;
  return {
    certificate: () => Promise.resolve(o.certificate),
    chain: () => Promise.resolve(o.chain ?? []),
    sign(data: Uint8Array, alg: SignatureAlgorithm) {
      const fits =
        alg.name === 'ECDSA'
          ? type === 'ec'
          : alg.name === 'RSASSA-PSS'
            ? type === 'rsa' || type === 'rsa-pss'
            : type === 'rsa';
      if (!fits)
        return Promise.resolve(
          left(
            pkiError(
              'mechanism-unsupported',
              `a ${type ?? 'non-asymmetric'} key cannot sign ${alg.name}`,
              `Khóa ${type ?? ''} không ký được ${alg.name}`,
              { path: ['algorithm'] },
            ),
          ),
        );
      try {
        const key =
          alg.name === 'RSASSA-PSS'
            ? { key: o.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }
            : alg.name === 'ECDSA'
              ? { key: o.privateKey, dsaEncoding: 'der' as const }
              : { key: o.privateKey, padding: constants.RSA_PKCS1_PADDING };
        return Promise.resolve(right(new Uint8Array(nodeSign(NODE_HASH[alg.hash], data, key))));
      } catch (e) {
        return Promise.resolve(
          left(
            pkiError(
              'signer-failed',
              `the key did not sign: ${thrownText(e)}`,
              `Khóa không ký được: ${thrownText(e)}`,
              {},
            ),
          ),
        );
      }
    },
  };
}
