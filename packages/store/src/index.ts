/**
 * @hoso/store — the EventStore contract (docs/design.md §6), an in-memory store, and the kit adapters
 * build on so that they all accept and refuse exactly the same appends: batch decoding and the
 * append decision (`decodeBatch`, `planAppend`), argument checks, and the one position-driven
 * subscription loop (`subscriptionLoop`, and its polled form `createSubscription`). The conformance suite that every
 * adapter runs is in `@hoso/store/testing`.
 */
export type * from './contract.js';
export * from './memory.js';
export * from './batch.js';
export * from './args.js';
export * from './subscription.js';
