/**
 * C2SP signed notes, checkpoints, witness cosignatures and offline proofs (docs/design.md §5): the
 * formats other transparency-log tools (Go's golang.org/x/mod/sumdb/note, tlog witnesses)
 * read and write unchanged.
 */
export {
  SIG_TYPE_ED25519,
  SIG_TYPE_COSIGNATURE,
  type NoteKeyType,
  type NoteVerifier,
  type NoteSigner,
  type ParsedSignerKey,
  type KeyError,
  keyId,
  noteVerifier,
  signerVerifier,
  formatVerifierKey,
  parseVerifierKey,
  formatSignerKey,
  parseSignerKey,
} from './keys.js';
export {
  SIGNATURE_LINE_PREFIX,
  type NoteError,
  type VerifiedSignature,
  type OpenedNote,
  cosignatureMessage,
  signatureLine,
  cosignatureLine,
  signNote,
  openNote,
} from './note.js';
export {
  CHECKPOINT_RULE,
  type Checkpoint,
  type OpenCheckpointError,
  type OpenedCheckpoint,
  ledgerOrigin,
  formatCheckpointBody,
  parseCheckpointBody,
  signCheckpoint,
  openCheckpoint,
  peekCheckpoint,
  checkpointsConsistent,
} from './checkpoint.js';
export { COSIGNATURE_RULE, type VerifiedCosignature, cosignCheckpoint, verifyCosignature } from './cosignature.js';
export {
  WITNESS_RULE,
  type WitnessError,
  type WitnessedLog,
  type WitnessOptions,
  type Cosigned,
  type AddCheckpointRequest,
  Witness,
  formatAddCheckpoint,
  parseAddCheckpoint,
} from './witness.js';
export {
  TLOG_PROOF_RULE,
  type TlogProof,
  type TlogProofError,
  formatTlogProof,
  parseTlogProof,
  verifyTlogProof,
} from './tlog-proof.js';
export {
  TIMESTAMP_KEY_NAME,
  TIMESTAMP_KEY_ID,
  TIMESTAMP_RULE,
  type NoteTimestamp,
  noteImprint,
  addTimestampLine,
  noteTimestamps,
} from './timestamp.js';
