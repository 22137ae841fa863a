/**
 * Continuing education (*giáo dục thường xuyên*, GDTX): learners (*học viên*) of the GDTX
 * programme at lower- and upper-secondary level are assessed on Thông tư 22's scheme — the same
 * functions (`tt22.ts`) with their own parameter values, kept here so that a province can set
 * them without touching the secondary schools' rule set.
 *
 * Every value is marked (check): the circular for GDTX learners' assessment (cited by the project as
 * Thông tư 43/2021/TT-BGDĐT) could not be read in the text, so each value is Thông tư 22's and is
 * overridable with `withOverrides(GDTX, …)`; `GDTX_SOURCES` says so for every parameter.
 */
import { TT22_DEFAULTS, type Tt22Params } from './tt22.js';

/** GDTX learners' values: Thông tư 22's, each to be checked against the GDTX circular. */
export const GDTX_DEFAULTS: Tt22Params = {
  ...TT22_DEFAULTS,
  regularCount: { ...TT22_DEFAULTS.regularCount },
  weights: { ...TT22_DEFAULTS.weights },
  good: { ...TT22_DEFAULTS.good },
  fair: { ...TT22_DEFAULTS.fair },
  pass: { ...TT22_DEFAULTS.pass },
  excellent: { ...TT22_DEFAULTS.excellent },
};

const CHECK = '(check: GDTX circular not read; Thông tư 22 value)';

/** Where each GDTX value comes from. */
export const GDTX_SOURCES: { readonly [K in keyof Tt22Params]: string } = {
  regularCount: `ĐĐGtx per term by periods of the GDTX programme, as TT22 Điều 6.2 ${CHECK}`,
  weights: `ĐTBmhk, ĐTBmcn as TT22 Điều 9 ${CHECK}`,
  yearUsesRoundedTerms: `as TT22 Điều 9 ${CHECK}`,
  good: `mức Tốt as TT22 Điều 9.2a ${CHECK}`,
  fair: `mức Khá as TT22 Điều 9.2b ${CHECK}`,
  pass: `mức Đạt as TT22 Điều 9.2c ${CHECK}`,
  oneSubjectAdjustment: `as TT22 Điều 9.3 ${CHECK}`,
  maxAbsentSessions: `45 buổi on the centre's teaching plan, as TT22 Điều 12.1c ${CHECK}`,
  retestBelow: `kiểm tra lại as TT22 Điều 14 ${CHECK}`,
  excellent: `khen thưởng as TT22 Điều 15 ${CHECK}`,
};
