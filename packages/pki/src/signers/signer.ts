/**
 * Where keys live: one interface for a software key, a PKCS #11 token and a remote signing
 * service. hoso hands the signer the bytes to sign and gets a signature back; the private key
 * never passes through hoso (with a token or a remote service it never leaves them).
 */
import type { Either } from 'fp-ts/lib/Either.js';
import type { SignatureAlgorithm } from '../algorithms.js';
import type { PkiError } from '../errors.js';

export interface X509Signer {
  /** The signer's certificate (DER). */
  certificate(): Promise<Uint8Array>;
  /** The intermediates between it and a root (DER, issuer order), to put in the signature; the root is left out. */
  chain(): Promise<readonly Uint8Array[]>;
  /**
   * Sign `data` — for CMS, the DER of the signed attributes as a SET — with `algorithm`. Returns
   * the signature as CMS carries it (ECDSA as a DER ECDSA-Sig-Value). Signers that sign digests
   * (tokens, remote services) hash `data` themselves with `algorithm.hash`. Fails with
   * `mechanism-unsupported` when the key cannot do `algorithm`, or with the signer's own typed
   * error (wrong PIN, refused by the user, timed out…).
   */
  sign(data: Uint8Array, algorithm: SignatureAlgorithm): Promise<Either<PkiError, Uint8Array>>;
  /** The schemes the key can make, preferred first; signing uses the first unless told otherwise. */
  readonly algorithms?: readonly SignatureAlgorithm[];
}
