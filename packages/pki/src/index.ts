export * from './errors.js';
export * from './bytes.js';
export * from './algorithms.js';
export * from './name.js';
export * from './certificate.js';
export { OID } from './oids.js';
