/** The records projection: one fold of the ledger that every book reads. */
export * from './state.js';
export * from './apply.js';
export * from './personal.js';
export * from './retention.js';
