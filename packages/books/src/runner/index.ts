/** The projection runner for vendors' own read models. */
export * from './projection.js';
export * from './run.js';
export { copyState } from './copy.js';
