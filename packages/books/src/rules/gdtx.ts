/**
 * Continuing education (*giáo dục thường xuyên*, GDTX): learners (*học viên*) of the GDTX
 * programme at lower- and upper-secondary level, assessed under Thông tư 43/2021/TT-BGDĐT
 * (*Quy định đánh giá học viên học Chương trình GDTX cấp THCS và cấp THPT*, in force from 14
 * February 2022 on the same grade-by-grade schedule as Thông tư 22). Its scheme is Thông tư 22's
 * — the same functions (`tt22.ts`) — with its own values and its own article numbers: the learning
 * levels ask for five subjects where Thông tư 22 asks for six (TT43 Điều 9.2), promotion is
 * Điều 11, summer training Điều 12 (its form set by the centre's director), re-tests Điều 13.
 *
 * Values read in the circular's text are cited plainly; those taken by analogy with Thông tư 22
 * because the clause could not be read are marked (check) and are overridable with
 * `withOverrides(GDTX, …)`, without touching the secondary schools' rule set.
 */
import { TT22_DEFAULTS, type Tt22Params } from './tt22.js';

/** GDTX learners' values (TT43/2021), each with its article in {@link GDTX_SOURCES}. */
export const GDTX_DEFAULTS: Tt22Params = {
  ...TT22_DEFAULTS,
  regularCount: { ...TT22_DEFAULTS.regularCount },
  weights: { ...TT22_DEFAULTS.weights },
  good: { floor: '6.5', high: '8.0', highCount: 5 },
  fair: { floor: '5.0', high: '6.5', highCount: 5 },
  pass: { maxCommentFail: 1, pass: '5.0', passCount: 5, floor: '3.5' },
  excellent: { ...TT22_DEFAULTS.excellent },
};

/** Where each GDTX value comes from; "(check)" where the clause was not read and Thông tư 22's reading is used. */
export const GDTX_SOURCES: { readonly [K in keyof Tt22Params]: string } = {
  regularCount: 'TT43 Điều 6 (check: counts per term as TT22 Điều 6.2)',
  weights: 'TT43 Điều 9.1 (ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck)/(n + 5); ĐTBmcn = (I + 2·II)/3)',
  yearUsesRoundedTerms: 'TT43 Điều 9.1 (ĐTBmhk, ĐTBmcn làm tròn đến một chữ số thập phân)',
  good: 'TT43 Điều 9.2a (mức Tốt: mọi môn ≥ 6,5, ít nhất 05 môn ≥ 8,0)',
  fair: 'TT43 Điều 9.2b (check: mức Khá read as TT22 Điều 9.2b with 05 subjects)',
  pass: 'TT43 Điều 9.2c (check: mức Đạt read as TT22 Điều 9.2c with 05 subjects)',
  oneSubjectAdjustment: 'TT43 Điều 9 (check: as TT22 Điều 9.3)',
  maxAbsentSessions: 'TT43 Điều 11.1c (nghỉ không quá 45 buổi, theo kế hoạch 1 buổi/ngày của Chương trình GDTX)',
  retestBelow: 'TT43 Điều 13 (check: kiểm tra lại as TT22 Điều 14, ĐTBmcn < 5,0)',
  excellent: 'TT43 (check: awards article not read; TT22 Điều 15 values)',
};
