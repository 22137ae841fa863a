/**
 * "Was these bytes' signature made by this key?" for certificates, CRLs and OCSP responses, with
 * the algorithm policy applied and the answers remembered: the same certificate chain is checked
 * for every signature a person makes, and a school's CRL for every certificate it covers. The
 * memo is keyed by SHA-256 fingerprints of the whole signed objects, so it can never answer for
 * other bytes.
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { signatureScheme, verifySignature, type AlgorithmIdentifierLike } from './algorithms.js';
import type { Certificate } from './certificate.js';
import type { PkiError } from './errors.js';

const MEMO_MAX = 20_000;
const memo = new Map<string, Promise<Either<PkiError, boolean>>>();

/**
 * Check that `signer`'s key made `signature` over `tbs` with the algorithm `alg` names. `key` is a
 * stable name of the signed object (its fingerprint) for the memo. A Left when the policy refuses
 * the algorithm or the signer's key; `right(false)` when the signature does not check.
 */
export function signedBy(
  key: string,
  signer: Certificate,
  alg: AlgorithmIdentifierLike,
  tbs: Uint8Array,
  signature: Uint8Array,
  path: ReadonlyArray<string | number>,
): Promise<Either<PkiError, boolean>> {
  const k = `${key}/${signer.fingerprint}`;
  const hit = memo.get(k);
  if (hit !== undefined) return hit;
  const p = (async (): Promise<Either<PkiError, boolean>> => {
    const scheme = signatureScheme(alg, [...path, 'signatureAlgorithm']);
    if (isLeft(scheme)) return scheme;
    return verifySignature(signer.publicKey, scheme.right, tbs, signature, [...path, 'issuer', 'publicKey']);
  })();
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(k, p);
  // A refusal names the caller's path: it is not kept for the next caller.
  void p.then((r) => {
    if (isLeft(r)) memo.delete(k);
  });
  return p;
}
