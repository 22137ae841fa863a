/**
 * @hoso/verify — the inspector's verifier (*công cụ kiểm tra*): export a ledger as a bundle, read
 * it back in bounded memory, verify its integrity, authenticity and compliance, make and check
 * offline inclusion and consistency proofs, and render the findings as a self-contained HTML report.
 */
export * from './findings.js';
export * from './report.js';
export * from './bundle/format.js';
export * from './bundle/lines.js';
export * from './bundle/read.js';
export * from './bundle/export.js';
export { SignaturePool, type SignatureCheck, type SignaturePoolOptions } from './sigpool.js';
export {
  parseTrust,
  checkCheckpoint,
  checkSince,
  type TrustAnchors,
  type ParsedTrust,
  type CheckpointCheck,
  type SinceCheckpoint,
} from './checkpoints.js';
export type { EventPass, EventContext } from './engine.js';
export {
  verifyBundle,
  verifyStore,
  type VerifyOptions,
  type VerifyStoreOptions,
  type VerifyInputError,
} from './verify.js';
export { renderReport, escapeHtml, type ReportExtras } from './html.js';
export {
  proveEvent,
  verifyProof,
  proveConsistency,
  parseConsistencyProof,
  verifyConsistencyProof,
  type ProofError,
  type VerifiedEventProof,
  type ConsistencyProof,
  type VerifiedConsistency,
} from './proofs.js';
