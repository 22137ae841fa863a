/**
 * @hoso/ledger — the write side of hoso: the event catalogue, stream names, the rules (pure
 * `decide`, `evolve`, `replayCheck`) and `openLedger()`, which signs and appends.
 */
export * from './codecs.js';
export * from './values.js';
export * from './events.js';
export * from './streams.js';
export * from './errors.js';
export * from './layer-map.js';
export * from './cells.js';
export * from './state.js';
export * from './permissions.js';
export * from './rules/index.js';
export * from './roles.js';
export type * from './views.js';
export * from './clock.js';
export { textProblem, normaliseText, type TextProblem } from './text.js';
export { listValues, type Lists } from './lists.js';
export type { YearFacts, Stay, ExemptionFact } from './year-facts.js';
export { coverage, lockedBy, periodsOverlap, type Coverage, type WindowIndex } from './window-index.js';
export * from './commands.js';
export * from './ids.js';
export * from './chain.js';
export * from './decide.js';
export * from './ledger.js';
export * from './book.js';
export * from './certs/statements.js';
export * from './certs/check.js';
export * from './certs/sign.js';
export * from './certs/export.js';
export * from './certs/checkpoint-timestamp.js';
export * from './snapshot.js';
export * from './snapshot-files.js';
export { eventIndexParts, eventIndexFromParts, type EventIndexParts } from './event-index.js';
export { ioErrors } from './decode.js';
export * from './personal/commitment.js';
export * from './personal/store.js';
export { commitmentsOf } from './personal/submitted.js';
export { memoryPersonalData } from './personal/memory.js';
export { MAX_ERASED_PER_DECISION } from './rules/personal.js';
