/**
 * Test fixtures of @hoso/store-eventstoredb: {@link EventStoreDbStandIn}, a gRPC server speaking
 * the subset of the EventStoreDB v1 protocol the adapter uses. Never a product: see standin.ts.
 */
export {
  EventStoreDbStandIn,
  DEFAULT_MAX_APPEND_SIZE,
  type StandInOptions,
  type StandInRecord,
  type StandInMethod,
  type StandInStats,
  type StandInAppendRequest,
  type StandInEvent,
} from './standin.js';
