/**
 * @hoso/store/testing — the conformance suite every EventStore adapter runs, and test helpers
 * (signed, chained test events) other packages reuse. Imports vitest: use it from test files only;
 * `./events.js` alone is vitest-free.
 */
export * from './events.js';
export * from './conformance.js';
