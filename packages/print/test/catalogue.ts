/**
 * The subjects and educational activities of the general education programme (Chương trình giáo
 * dục phổ thông 2018, Thông tư 32/2018/TT-BGDĐT) by level, with their full names — the longest
 * header labels the forms print — and the fixtures' forms rebuilt with them.
 */
import type { ClassSummaryData, MarkbookData, TranscriptData } from '../src/index.js';
import { classSummary, markbook, transcript } from './fixtures.js';

/** Upper secondary (THPT): compulsory subjects and activities, then the electives. */
export const UPPER_SECONDARY = [
  'Ngữ văn',
  'Toán',
  'Ngoại ngữ 1',
  'Lịch sử',
  'Giáo dục thể chất',
  'Giáo dục quốc phòng và an ninh',
  'Hoạt động trải nghiệm, hướng nghiệp',
  'Nội dung giáo dục của địa phương',
  'Địa lí',
  'Giáo dục kinh tế và pháp luật',
  'Vật lí',
  'Hóa học',
  'Sinh học',
  'Công nghệ',
  'Tin học',
  'Tiếng dân tộc thiểu số',
] as const;

/** Lower secondary (THCS). */
export const LOWER_SECONDARY = [
  'Ngữ văn',
  'Toán',
  'Ngoại ngữ 1',
  'Giáo dục công dân',
  'Lịch sử và Địa lí',
  'Khoa học tự nhiên',
  'Công nghệ',
  'Tin học',
  'Giáo dục thể chất',
  'Nghệ thuật (Âm nhạc, Mĩ thuật)',
  'Hoạt động trải nghiệm, hướng nghiệp',
  'Nội dung giáo dục của địa phương',
  'Tiếng dân tộc thiểu số',
] as const;

/** Primary (tiểu học); `tested` ones have periodic tests (Thông tư 27/2020 Điều 7). */
export const PRIMARY: ReadonlyArray<{ name: string; tested: boolean }> = [
  { name: 'Tiếng Việt', tested: true },
  { name: 'Toán', tested: true },
  { name: 'Ngoại ngữ 1 (Tiếng Anh)', tested: true },
  { name: 'Lịch sử và Địa lí', tested: true },
  { name: 'Khoa học', tested: true },
  { name: 'Tin học và Công nghệ', tested: true },
  { name: 'Đạo đức', tested: false },
  { name: 'Tự nhiên và Xã hội', tested: false },
  { name: 'Giáo dục thể chất', tested: false },
  { name: 'Nghệ thuật (Âm nhạc, Mĩ thuật)', tested: false },
  { name: 'Hoạt động trải nghiệm', tested: false },
  { name: 'Tiếng dân tộc thiểu số', tested: false },
];

/** The fixture markbook with a year summary over `subjects` (full names) and `n` students. */
export function markbookWith(subjects: ReadonlyArray<string>, n = 30): MarkbookData {
  const m = markbook(n);
  const summary = m.summary!;
  return {
    ...m,
    summary: {
      subjects,
      students: summary.students.map((s) => ({ ...s, subjects: subjects.map((_, k) => (k % 3 === 0 ? 'Đ' : '7.5')) })),
    },
  };
}

/** The fixture học bạ with one line per subject of `subjects`. */
export function transcriptWith(subjects: ReadonlyArray<string>): TranscriptData {
  const t = transcript();
  return {
    ...t,
    subjects: subjects.map((name, i) => ({
      name,
      term1: '8.0',
      term2: '8.5',
      year: '8.3',
      teacher: `Giáo viên ${i + 1}`,
    })),
  };
}

/** The fixture class summary over every primary subject, full names. */
export function classSummaryWithCatalogue(n = 30): ClassSummaryData {
  const c = classSummary(n);
  return {
    ...c,
    subjects: PRIMARY,
    students: c.students.map((s) => ({
      ...s,
      subjects: PRIMARY.map((p) => (p.tested ? { level: 'H', score: '8' } : { level: 'T' })),
    })),
  };
}
