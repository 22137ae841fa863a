export * from './errors.js';
export * from './bytes.js';
export * from './algorithms.js';
export * from './name.js';
export * from './certificate.js';
export { OID } from './oids.js';
export * from './path.js';
export * from './revocation/crl.js';
export * from './revocation/ocsp.js';
export * from './revocation/check.js';
export * from './revocation/fetch.js';
export type * from './signers/signer.js';
export * from './signers/software.js';
export * from './signers/csc.js';
export * from './cms/cades.js';
export {
  decodeSignedData,
  withRevocationInfo,
  type SignedDataContent,
  type SignerInfoData,
  type CmsAttribute,
} from './cms/signed-data.js';
export * from './tsp/protocol.js';
export * from './tsp/authority.js';
export * from './tsp/verify.js';
export type { CryptoKey, CryptoKeyPair } from './webcrypto.js';
