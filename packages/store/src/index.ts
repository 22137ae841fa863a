/**
 * @hoso/store — the EventStore contract (DESIGN §6) and an in-memory store.
 * The conformance suite that every adapter runs is in `@hoso/store/testing`.
 */
export * from './contract.js';
export * from './memory.js';
