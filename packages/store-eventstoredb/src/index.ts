/**
 * @hoso/store-eventstoredb — the hoso EventStore on EventStoreDB / KurrentDB (docs/design.md §6, §10):
 * one physical stream per school ledger, appended at an exact expected revision, with a
 * client-side index for stream chains, ids and the Merkle tree. See docs/eventstoredb.md.
 * The gRPC protocol stand-in used by its tests is in `@hoso/store-eventstoredb/testing`.
 */
export { openEventStoreDbStore } from './store.js';
export {
  defaultStreamName,
  defaultSnapshotStreamName,
  type EventStoreDbStoreOptions,
  type SnapshotOptions,
} from './options.js';
export type { EsdbDiagnostic } from './snapshot-store.js';
export type { RetryPolicy } from './subscription.js';
export type { ServerLimits } from './limits.js';
export { CLIENT_VERSION, SUPPORTED_CLIENT_RANGE } from './client-check.js';
export {
  openEventStoreDbPersonalData,
  personalDirectoryStreamName,
  personalStreamName,
  type EventStoreDbPersonalData,
  type EventStoreDbPersonalDataOptions,
  type EsdbPersonalRow,
  type EsdbPersonalEvent,
  type EsdbPurge,
} from './personal-data.js';
