import type { HosoError } from '@hoso/core';

/**
 * Every way a caller can misuse `@hoso/books`, as data. Each error carries the `path` of the bad
 * field and, where one applies, the `rule` (article) it breaks.
 */
export type BooksError =
  /** A decimal string that is not of the form `d+(.d+)?` (no exponent, sign rules per function). */
  | HosoError<'invalid-decimal'>
  /** A score outside 0–10, with too many decimals, or a fraction where whole numbers are required. */
  | HosoError<'invalid-score'>
  /** A value that is not one of the levels the rule set knows (`Tốt`, `Đ`, `T`...). */
  | HosoError<'invalid-level'>
  /** A count, period number or other integer input out of range. */
  | HosoError<'invalid-input'>
  /** A school year not written `YYYY-YYYY+1`, or a grade outside the level's range. */
  | HosoError<'invalid-school-year'>
  | HosoError<'invalid-grade'>
  /** The year and grade fall under a regulation hoso does not implement (Thông tư 58/2011...). */
  | HosoError<'rule-set-not-implemented'>
  /** An override names an unknown parameter or gives it a value of the wrong shape. */
  | HosoError<'invalid-override'>
  /** A book asked for a class, student or year the records do not have. */
  | HosoError<'unknown-class'>
  | HosoError<'unknown-student'>
  /** A book asked of a rule set for another level (a TT27 rule set for a secondary markbook). */
  | HosoError<'wrong-level'>
  /** Division by zero or another arithmetic misuse. */
  | HosoError<'arithmetic'>;
