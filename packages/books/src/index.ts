/**
 * @hoso/books — the Ministry's grading rule sets (TT22, GDTX/TT43, TT27, preschool/WHO) in exact
 * decimal arithmetic; the records projection with every cell's history; the record books as views
 * of it (markbook, học bạ, register, transfers, attendance, primary summary, primary học bạ, preschool book) with
 * the QC Điều 8.5 cross-check; and the projection runner for vendors' own read models.
 */
export type * from './errors.js';
export * from './decimal.js';
export * from './rules/index.js';
export * from './records/index.js';
export * from './books/index.js';
export * from './runner/index.js';
