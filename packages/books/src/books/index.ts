/** The record books, each a pure view of the {@link Records} folded from one ledger. */
export * from './common.js';
export * from './remarks.js';
export * from './markbook.js';
export * from './circumstances.js';
export * from './transcript.js';
export * from './primary.js';
export * from './primary-transcript.js';
export * from './year-notes.js';
