/**
 * The correction minutes (*biên bản sửa chữa dữ liệu*, QC Điều 12.3) of a school's records, as form
 * data: one document per minutes number, every value it changed named in words. Type-only imports
 * of `@hoso/books`, like the adapters of `from-books.ts`.
 */
import type { Actor, Cell as BookCell, Records } from '@hoso/books';
import type { CorrectionItem, CorrectionMinutesData, MinutesPerson } from './forms/correction-minutes.js';
import { COMPETENCY_NAMES, QUALITY_NAMES } from './from-books.js';
import { viDate } from './text.js';

/** The ledger's cell columns in the words of the forms. */
const COLUMN_NAMES: Readonly<Record<string, string>> = {
  tx: 'ĐĐGtx',
  gk: 'ĐĐGgk',
  ck: 'ĐĐGck',
  level: 'Mức đạt được',
  test: 'Điểm KTĐK',
  conduct: 'Rèn luyện',
  absence: 'Nghỉ học',
  attendance: 'Điểm danh',
  'weight-kg': 'Cân nặng (kg)',
  'height-cm': 'Chiều cao (cm)',
  retest: 'Kiểm tra lại',
  reevaluation: 'Rèn luyện lại',
};

/** Terms, sign-off and assessment periods, and half-day sessions in words. */
const WHEN_NAMES: Readonly<Record<string, string>> = {
  HK1: 'học kỳ I',
  HK2: 'học kỳ II',
  CN: 'cả năm',
  GK1: 'giữa học kỳ I',
  CK1: 'cuối học kỳ I',
  GK2: 'giữa học kỳ II',
  morning: 'buổi sáng',
  afternoon: 'buổi chiều',
};

/**
 * Which value of a book a cell is, in words: `"ĐĐGtx 3, học kỳ I"`, `"Rèn luyện, cả năm"`,
 * `"Nghỉ học, 15/01/2025 buổi sáng"`, `"Chăm chỉ, cuối năm học"` — never the ledger's codes.
 */
export function cellPlace(c: Pick<BookCell, 'column' | 'index' | 'term' | 'period' | 'date' | 'session'>): string {
  const what = COLUMN_NAMES[c.column] ?? QUALITY_NAMES[c.column] ?? COMPETENCY_NAMES[c.column] ?? c.column;
  const when = [
    c.term !== undefined ? (WHEN_NAMES[c.term] ?? c.term) : undefined,
    c.period !== undefined ? (WHEN_NAMES[c.period] ?? c.period) : undefined,
    c.date !== undefined ? viDate(c.date) : undefined,
    c.session !== undefined ? (WHEN_NAMES[c.session] ?? c.session) : undefined,
  ].filter((x): x is string => x !== undefined);
  return `${what}${c.index === undefined ? '' : ` ${c.index}`}${when.length === 0 ? '' : `, ${when.join(' ')}`}`;
}

/** The book a cell belongs to, in words. */
function bookOf(r: Records, c: BookCell): string {
  return c.subject === undefined
    ? `Sổ chủ nhiệm lớp ${c.class}, năm học ${c.year}`
    : `Sổ theo dõi và đánh giá học sinh lớp ${c.class}, môn ${r.subjects[c.subject] ?? c.subject}, năm học ${c.year}`;
}

function person(r: Records, a: Actor, position: string): MinutesPerson {
  const name = a.name ?? (a.person !== null ? r.people[a.person] : undefined) ?? a.person ?? a.key;
  return { name, key: a.key, position };
}

/**
 * Every correction of the records as minutes, one per minutes number in the order of their first
 * correction event: each value the minutes changed (book, student, which value, old → new), the
 * three people with their positions, and the first correction event's position and id. `year`
 * keeps the minutes of one school year.
 */
export function correctionMinutesOfRecords(r: Records, options: { year?: string } = {}): CorrectionMinutesData[] {
  const byNumber = new Map<string, { data: CorrectionMinutesData; items: CorrectionItem[] }>();
  const versions = Object.values(r.cells)
    .filter((c) => options.year === undefined || c.year === options.year)
    .flatMap((c) => c.history.map((v, i) => ({ c, v, i })))
    .filter(({ v }) => v.correction !== undefined)
    .sort((a, b) => a.v.position - b.v.position || (a.c.key < b.c.key ? -1 : a.c.key > b.c.key ? 1 : 0));
  for (const { c, v, i } of versions) {
    const k = v.correction!;
    const item: CorrectionItem = {
      book: bookOf(r, c),
      student: r.students[c.student]?.bio.name ?? c.student,
      field: cellPlace(c),
      old: c.history[i - 1]?.value ?? k.old,
      new: v.value,
    };
    // A number is unique among a year's minutes; the date keeps two years' "01/BB-SCDL" apart.
    const id = `${k.minutes.number}\u0000${k.minutes.date}`;
    const got = byNumber.get(id);
    if (got !== undefined) {
      got.items.push(item);
      continue;
    }
    const subject = c.subject === undefined ? undefined : (r.subjects[c.subject] ?? c.subject);
    byNumber.set(id, {
      items: [item],
      data: {
        number: k.minutes.number,
        date: k.minutes.date,
        reason: k.reason,
        items: [],
        requester: person(
          r,
          k.requester,
          subject === undefined ? 'Giáo viên chủ nhiệm' : `Giáo viên bộ môn ${subject}`,
        ),
        approver: person(r, k.approver, 'Hiệu trưởng'),
        witness: person(r, k.witness, 'Cán bộ quản trị phần mềm'),
        event: { index: v.position, id: v.eventId },
      },
    });
  }
  return [...byNumber.values()].map(({ data, items }) => ({ ...data, items }));
}
