/**
 * @hoso/pki/node — the parts that need Node: PKCS #11 tokens, node:crypto keys, and files.
 */
export * from './pkcs11.js';
export * from './key-object.js';
export * from './files.js';
