/**
 * @hoso/pki/testing — a test PKI, a TSA and a remote-signing stand-in made in process, for tests
 * and the demo. Nothing issued here has legal weight.
 */
export * from './builder.js';
export * from './pki.js';
export * from './tsa.js';
export * from './softhsm.js';
export * from './remote.js';
export * from './revocation-server.js';
