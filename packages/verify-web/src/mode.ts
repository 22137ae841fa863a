/** Which Ed25519 the page's workers use, and how a worker is told (its name ends with the mode). */
export type Ed25519Mode = 'webcrypto' | 'js';

/** The suffix of a worker's name that selects the pure-JS fallback. */
export const ED25519_FALLBACK = ':ed25519-js';
