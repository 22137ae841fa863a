/**
 * @hoso/verify-web — the inspector's browser verifier: the pieces of the page that are not verify's
 * own (its Ed25519 on WebCrypto with the pure-JS fallback, its Web Worker transport), exported for
 * tests and benchmarks. The page itself is built into one HTML file by build.mjs.
 */
export {
  hasWebCryptoEd25519,
  webCryptoVerifier,
  fallbackVerifier,
  backendVerifier,
  pageSubtle,
  type SubtleEd25519,
} from './ed25519.js';
export { ED25519_FALLBACK, type Ed25519Mode } from './mode.js';
