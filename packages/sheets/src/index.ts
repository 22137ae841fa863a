/**
 * @hoso/sheets — schools' own spreadsheets in and out (docs/spreadsheets.md): class lists and
 * marks read from CSV in every encoding Vietnamese offices save (UTF-8, UTF-16, Windows-1258;
 * mojibake and the legacy TCVN3/VNI fonts refused with the encoding named) and from Excel
 * workbooks (a form's title block above its header, Vietnamese column names), turned into ledger
 * commands with every problem as data; and the record books written as Excel workbooks.
 */
export * from './text.js';
export * from './problems.js';
export * from './encoding.js';
export * from './mojibake.js';
export * from './vocabulary.js';
export * from './values.js';
export * from './source.js';
export * from './table.js';
export * from './commands.js';
export * from './append.js';
export * from './ledger-problems.js';
export * from './import.js';
export * from './export.js';
