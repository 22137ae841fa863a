/**
 * @hoso/verify — the inspector's verifier (*công cụ kiểm tra*): export a ledger as a bundle, read
 * it back in bounded memory, verify its integrity, authenticity and compliance, make and check
 * offline inclusion and consistency proofs, and render the findings as a self-contained HTML report.
 */
export * from './findings.js';
export * from './sink.js';
export {
  MESSAGES,
  say,
  placeOf,
  type MessageParams,
  type Sentence,
  type SayExtra,
  type CheckpointPlace,
  type CheckpointProblem,
  type OriginPin,
} from './messages.js';
export { printable, printableLines } from './text.js';
export * from './report.js';
export { groupProblems, type Problem, type ProblemKind } from './problems.js';
export { Registry, type EventClaim, type ClaimSigner } from './claims.js';
export * from './bundle/format.js';
export * from './bundle/lines.js';
export * from './bundle/read.js';
export * from './bundle/export.js';
export { WorkerPool, type WorkerPoolOptions } from './pool/worker-pool.js';
export type { PoolRequest, PoolReply, PoolWorker, WorkerFactory, WorkerPort, Transferable } from './pool/protocol.js';
export { servePool } from './pool/serve.js';
export { nodeWorkers, verificationWorkerPath } from './pool/node.js';
export {
  checkEventBatch,
  checkEventBatchWith,
  checkEventsHere,
  packEvents,
  EVENT_VALID,
  EVENT_INVALID,
  EVENT_BAD_SIGNERS,
  type EventBatch,
  type EventBatchResult,
  type BatchProblem,
  type SignatureJob,
  type SignatureVerifier,
} from './checks/batch.js';
export { isHosoOrigin } from './origin.js';
export {
  parseTrust,
  keyText,
  checkCheckpoint,
  checkSince,
  type Cosigned,
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
export { VERDICT_WORDS, MISSING_ANCHOR, verdictBanner, verdictSentence, originSentence } from './verdict.js';
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
export * from './disclosure/format.js';
export { makeDisclosure, type DiscloseOptions, type DiscloseError } from './disclosure/make.js';
export {
  PersonalDataTally,
  type PersonalDataReport,
  type FieldAccount,
  type VerifiedHistory,
} from './disclosure/check.js';
export { verifyTranscript } from './disclosure/transcript.js';
export { personalDataSentences, FIELD_NAMES_VI, type PersonalDataSentence } from './disclosure/text.js';
