/**
 * @hoso/core — the bottom layer of hoso: canonical JSON (RFC 8785), Ed25519 (RFC 8032) with
 * three interchangeable backends, the signed event envelope (docs/design.md §3), RFC 9162 Merkle trees
 * and proofs (docs/design.md §4) and C2SP checkpoints (docs/design.md §5). Errors are data ({@link HosoError}).
 */
export * from './errors.js';
export * from './bytes.js';
export type * from './event-types.js';
export * from './canonical.js';
export * from './hash.js';
export * from './ed25519/index.js';
export * from './envelope.js';
export { vouchedEnvelope, type EnvelopeHeader, type Vouched } from './vouched.js';
export * from './uuid.js';
export * from './merkle/index.js';
export * from './checkpoint/index.js';
