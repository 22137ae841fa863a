/**
 * Codecs for the values written into record-book cells. Each one names the rule it enforces, so a
 * refused value ("11", "7.25", "X", "8.5" in primary) comes back with its reason and article.
 */
import * as t from 'io-ts';
import { pattern } from './codecs.js';

/**
 * A secondary score (*điểm đánh giá*, TT22 Điều 5.2): 0 to 10, a whole number or one decimal,
 * written as a string (`"8.5"`, `"10"`); never a binary fraction.
 */
export const Score10 = pattern(
  'Score10',
  /^(?:10(?:\.0)?|[0-9](?:\.[0-9])?)$/,
  'a score from 0 to 10 written as a string with at most one decimal, e.g. "8.5" (TT22 Điều 5.2)',
);

/**
 * A primary periodic test score (*bài kiểm tra định kì*, TT27 Điều 7): a whole number from 1 to 10
 * written as a string; no 0 and no decimals **(check)**.
 */
export const TestScore10 = pattern(
  'TestScore10',
  /^(?:10|[0-9])$/,
  'a whole number from 0 to 10 written as a string, e.g. "9" (TT27 Điều 7.1d: no decimals)',
);

/** Result of a comment-only subject assessment (TT22 Điều 5.1): *Đạt* `Đ` or *Chưa đạt* `CĐ`. */
export const CommentLevel = t.keyof({ Đ: null, CĐ: null }, 'CommentLevel');
/** The value type of {@link CommentLevel}. */
export type CommentLevel = t.TypeOf<typeof CommentLevel>;

/**
 * Primary subject level (TT27 Điều 6): *Hoàn thành tốt* `T`, *Hoàn thành* `H`, *Chưa hoàn thành* `C`.
 */
export const SubjectLevel = t.keyof({ T: null, H: null, C: null }, 'SubjectLevel');
/** The value type of {@link SubjectLevel}. */
export type SubjectLevel = t.TypeOf<typeof SubjectLevel>;

/** Conduct (*kết quả rèn luyện*, TT22 Điều 8), per term. */
export const ConductLevel = t.keyof({ Tốt: null, Khá: null, Đạt: null, 'Chưa đạt': null }, 'ConductLevel');
/** The value type of {@link ConductLevel}. */
export type ConductLevel = t.TypeOf<typeof ConductLevel>;

/** Primary qualities and competencies level (TT27 Điều 6): *Tốt*, *Đạt*, *Cần cố gắng*. */
export const QualityLevel = t.keyof({ Tốt: null, Đạt: null, 'Cần cố gắng': null }, 'QualityLevel');
/** The value type of {@link QualityLevel}. */
export type QualityLevel = t.TypeOf<typeof QualityLevel>;

/**
 * The primary qualities (*phẩm chất*) and competencies (*năng lực*) assessed under TT27:
 * five qualities, three general and seven specific competencies.
 */
export const Aspect = t.keyof(
  {
    'yeu-nuoc': null,
    'nhan-ai': null,
    'cham-chi': null,
    'trung-thuc': null,
    'trach-nhiem': null,
    'tu-chu-tu-hoc': null,
    'giao-tiep-hop-tac': null,
    'giai-quyet-van-de-sang-tao': null,
    'ngon-ngu': null,
    'tinh-toan': null,
    'khoa-hoc': null,
    'cong-nghe': null,
    'tin-hoc': null,
    'tham-mi': null,
    'the-chat': null,
  },
  'Aspect',
);
/** The value type of {@link Aspect}. */
export type Aspect = t.TypeOf<typeof Aspect>;

/** Preschool weight in kilograms, one decimal, 1.0–60.0 (docs/grading.md#preschool-who). */
export const WeightKg = pattern(
  'WeightKg',
  /^(?:(?:[1-9]|[1-5][0-9])(?:\.[0-9])?|60(?:\.0)?)$/,
  'kilograms from 1.0 to 60.0 with at most one decimal, e.g. "15.2"',
);

/** Preschool height in centimetres, one decimal, 40.0–160.0 (docs/grading.md#preschool-who). */
export const HeightCm = pattern(
  'HeightCm',
  /^(?:[4-9][0-9](?:\.[0-9])?|1[0-5][0-9](?:\.[0-9])?|160(?:\.0)?)$/,
  'centimetres from 40.0 to 160.0 with at most one decimal, e.g. "102.5"',
);

/** Decimal strings compare equal when they denote the same number (`"8"` and `"8.0"`). */
export function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const n = (s: string): string | null => {
    if (!/^\d+(\.\d+)?$/.test(s)) return null;
    const t = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
    return t.replace(/^0+(?=\d)/, '');
  };
  const x = n(a);
  return x !== null && x === n(b);
}
