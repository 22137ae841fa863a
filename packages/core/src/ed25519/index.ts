/**
 * Ed25519 (RFC 8032) for hoso: one {@link Ed25519Backend} interface, three interchangeable
 * backends (libsodium, `node:crypto`, `tweetnacl`), and one strict verification rule they all
 * apply (see `strict.ts`): wrong lengths, S ≥ L, a non-canonical or small-order public key, and a
 * non-canonical or small-order R are refused before any backend runs, so all three agree.
 */
import { hosoError, HosoFailure } from '../errors.js';
import { nodeBackend } from './node.js';
import { sodiumBackend } from './sodium.js';
import { tweetnaclBackend } from './tweetnacl.js';
import type { Ed25519Backend } from './types.js';

export type { Ed25519Backend } from './types.js';
export { nodeBackend } from './node.js';
export { sodiumBackend } from './sodium.js';
export { tweetnaclBackend } from './tweetnacl.js';
export {
  strictPrecheck,
  isAcceptablePublicKey,
  isAcceptableSignature,
  isCanonicalScalar,
  isCanonicalY,
  hasSmallOrder,
  GROUP_ORDER_LE,
  SMALL_ORDER_Y,
} from './strict.js';

/**
 * The backends that loaded on this platform, fastest first (libsodium is absent when `sodium-native` failed to load).
 */
export function availableBackends(): Ed25519Backend[] {
  return sodiumBackend === undefined ? [nodeBackend, tweetnaclBackend] : [sodiumBackend, nodeBackend, tweetnaclBackend];
}

/**
 * A backend by name; without a name the default: libsodium when it loaded, else `node:crypto`.
 * @throws HosoFailure `backend-unavailable` when `sodium` is asked for and could not be loaded, or the name is unknown.
 */
export function backend(name?: Ed25519Backend['name']): Ed25519Backend {
  switch (name) {
    case undefined:
      return sodiumBackend ?? nodeBackend;
    case 'node':
      return nodeBackend;
    case 'tweetnacl':
      return tweetnaclBackend;
    case 'sodium':
      if (sodiumBackend !== undefined) return sodiumBackend;
      throw new HosoFailure(
        hosoError('backend-unavailable', 'sodium-native could not be loaded on this platform', { path: ['name'] }),
      );
    default:
      throw new HosoFailure(
        hosoError('backend-unavailable', `unknown Ed25519 backend ${JSON.stringify(String(name))}`, { path: ['name'] }),
      );
  }
}

const defaultBackend = backend();

/**
 * The docs/design.md §4 reference functions on the default backend, with the strict rule: `publicKey(seed32)`,
 * `sign(seed32, message)` (both throw HosoFailure `invalid-key` on a bad seed) and
 * `verify(publicKey, message, signature)` (false, never a throw, on anything invalid).
 */
export const ed25519: {
  readonly publicKey: (seed: Uint8Array) => Uint8Array;
  readonly sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array;
  readonly verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
} = Object.freeze({
  publicKey: (seed: Uint8Array) => defaultBackend.publicKey(seed),
  sign: (seed: Uint8Array, message: Uint8Array) => defaultBackend.sign(seed, message),
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    defaultBackend.verify(publicKey, message, signature),
});
