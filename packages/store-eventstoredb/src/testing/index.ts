/**
 * Test fixtures of @hoso/store-eventstoredb: {@link EventStoreDbStandIn}, a gRPC server (or a
 * cluster of them) speaking the subset of the EventStoreDB v1 protocol the adapter uses. Never a
 * product: see standin.ts.
 */
export {
  EventStoreDbStandIn,
  DEFAULT_MAX_APPEND_SIZE,
  sizeOnDisk,
  type StandInOptions,
  type StandInRecord,
  type StandInMethod,
  type StandInStats,
  type StandInAppendRequest,
  type StandInCall,
  type StandInCluster,
  type StandInEvent,
  type LostAnswer,
} from './standin.js';
