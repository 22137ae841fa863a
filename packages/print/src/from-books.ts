/**
 * Adapters from the `@hoso/books` views to the form data of this package: the class markbook,
 * a học bạ page (secondary and primary), the register, the primary class summary, the preschool
 * child book and attendance. The adapters read plain book objects; from `@hoso/books` they run only
 * the pure wording of the year's notes (`year-notes.ts`, shared with the command line), so printing
 * stays a pure function of a book already computed.
 */
import {
  cellMarks,
  documentText,
  leavingText,
  markbookNotes,
  primarySummaryNotes,
  primaryTranscriptNotes,
  registerNotes,
  transcriptNotes,
} from '@hoso/books';
import type {
  Actor,
  AttendanceLine,
  Cell as BookCell,
  ChildPage,
  PrimaryAspectLine,
  PrimaryPeriodId,
  PrimarySummary,
  PrimaryTranscript,
  PrimaryTranscriptPage,
  Markbook,
  Remark,
  RegisterEntry as BookRegisterEntry,
  SignStep,
  StudentSummary,
  SubjectPage,
  TermCells,
  Transcript,
  TranscriptPage,
} from '@hoso/books';
import type { AttendanceData } from './forms/attendance.js';
import type { ChildBookData, GrowthRow } from './forms/child-book.js';
import type { ClassSummaryData } from './forms/class-summary.js';
import type { CorrectionTrace, MarkValue, Signer } from './forms/common.js';
import type { PrimaryAspectRow, PrimaryTranscriptData } from './forms/primary-transcript.js';
import type {
  MarkbookData,
  MarkbookStudentRow,
  MarkbookSubject,
  MarkbookSummaryRow,
  TermMarks,
} from './forms/markbook.js';
import type { RegisterData, RegisterEntry } from './forms/register.js';
import type { TranscriptData } from './forms/transcript.js';
import { viDate } from './text.js';

/** A value the rules could not compute yet (`{ tag: 'incomplete' }`) prints as an empty cell. */
function known(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'level' in v && typeof v.level === 'string') return v.level;
  return '';
}

/** A biography value as text: strings and numbers as they are, anything else as JSON. */
function plain(v: unknown): string {
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

const nameOf = (a: Actor): string => a.name ?? a.person ?? a.key;

/**
 * A book cell with its history as a printed value: the value in force, and one correction trace
 * per version that came from a correction (minutes number and date, old → new, reason, the three
 * signers). Versions written by ordinary entry before the first correction are not corrections.
 */
export function markValueOfCell(c: BookCell | null | undefined): MarkValue {
  if (c === null || c === undefined) return '';
  // A make-up or a result from another school is said by the entry; corrections keep it.
  const marked = cellMarks(c);
  const corrections: CorrectionTrace[] = [];
  c.history.forEach((v, i) => {
    const k = v.correction;
    if (k === undefined) return;
    const previous = i > 0 ? c.history[i - 1]!.value : k.old;
    corrections.push({
      minutes: k.minutes.number,
      old: previous,
      new: v.value,
      date: k.minutes.date,
      reason: k.reason,
      requester: nameOf(k.requester),
      approver: nameOf(k.approver),
      witness: nameOf(k.witness),
    });
  });
  if (corrections.length > 0) return { value: c.value, corrections, ...marked };
  return Object.keys(marked).length === 0 ? c.value : { value: c.value, ...marked };
}

/** The signer of a sign-off step (name, key, time), or a name alone when nobody has signed yet. */
export function signerOf(step: SignStep | null | undefined, fallbackName?: string): Signer | undefined {
  if (step) return { name: step.by.name ?? fallbackName ?? step.by.person ?? '', key: step.by.key, signedAt: step.at };
  return fallbackName === undefined ? undefined : { name: fallbackName };
}

function termMarks(t: TermCells): TermMarks {
  return {
    regular: t.regular.map(markValueOfCell),
    mid: markValueOfCell(t.mid),
    end: markValueOfCell(t.end),
    result: known(t.result),
  };
}

function subject(page: SubjectPage, names: ReadonlyMap<string, string>): MarkbookSubject {
  const step = page.status.CN.signedOff ?? page.status.HK2.signedOff ?? page.status.HK1.signedOff;
  const teacher = signerOf(step, page.teachers.join(', ') || undefined);
  const rows = page.rows.map((r): MarkbookStudentRow => ({
    name: names.get(r.student) ?? r.student,
    terms: [termMarks(r.HK1), termMarks(r.HK2)],
    year: known(r.year),
    // The summer re-test (TT22 Điều 12) prints beside the year result, which stays.
    ...(r.retest ? { retest: markValueOfCell(r.retest) } : {}),
  }));
  const width = Math.max(page.regularCount, ...page.rows.flatMap((r) => [r.HK1.regular.length, r.HK2.regular.length]));
  return {
    name: page.name,
    mode: page.assessment,
    regularCount: Math.min(6, Math.max(1, width)),
    ...(teacher ? { teacher } : {}),
    students: rows,
  };
}

function promotionText(p: unknown): string {
  if (typeof p !== 'object' || p === null || !('status' in p)) return '';
  const s = (p as { status: string; needs?: readonly string[] }).status;
  if (s === 'promoted') return 'Lên lớp';
  if (s === 'retained') return 'Ở lại lớp';
  if (s === 'transferred') return 'Chuyển trường';
  const needs = (p as { needs?: readonly string[] }).needs ?? [];
  return needs.map((n) => (n === 'conduct-retraining' ? 'Rèn luyện trong hè' : 'Kiểm tra lại')).join(', ');
}

/**
 * Results after the summer (TT22 Điều 12), printed beside the year's, which stay: learning after
 * the re-tests (empty while one is missing) and the re-evaluated conduct with its history.
 */
export function summerResultsOf(year: StudentSummary['year']): { reLearning?: MarkValue; reConduct?: MarkValue } {
  return {
    ...(year.afterRetest ? { reLearning: known(year.afterRetest.learning) } : {}),
    ...(year.conductReevaluated ? { reConduct: markValueOfCell(year.conductReevaluated.cell) } : {}),
  };
}

function summaryRow(s: StudentSummary, book: Markbook): MarkbookSummaryRow {
  const subjects = book.subjects.map((p) => known(p.rows.find((r) => r.student === s.student)?.year));
  const award = known(s.year.award);
  const retest =
    s.year.retest.length > 0
      ? `; kiểm tra lại: ${s.year.retest.map((id) => book.subjects.find((p) => p.subject === id)?.name ?? id).join(', ')}`
      : '';
  return {
    name: s.name,
    subjects,
    learning: [known(s.HK1.learning), known(s.HK2.learning), known(s.year.learning)],
    conduct: [
      s.HK1.conductCell ? markValueOfCell(s.HK1.conductCell) : known(s.HK1.conduct),
      s.HK2.conductCell ? markValueOfCell(s.HK2.conductCell) : known(s.HK2.conduct),
      known(s.year.conduct),
    ],
    absences: { excused: s.year.absences.excused, unexcused: s.year.absences.unexcused },
    ...summerResultsOf(s.year),
    ...(award !== '' ? { award } : {}),
    outcome: promotionText(s.year.promotion) + retest,
  };
}

/** The year's circumstances of each student, as the summary's notes (none: no `notes`). */
function yearNotesOf(book: Markbook): { notes?: string[] } {
  const notes = markbookNotes(book);
  return notes.length === 0 ? {} : { notes };
}

/**
 * The class markbook (`classMarkbook` of `@hoso/books`) as form data: subject pages with every
 * cell's corrections, the year summary, the subject teachers' sign-offs, the homeroom teacher's
 * confirmation and the principal's approval (name, key, time) when given.
 */
export function markbookDataFromBook(book: Markbook): MarkbookData {
  const names = new Map(book.students.map((s) => [s.student, s.name] as const));
  const homeroom = signerOf(book.signoffs.confirmed.CN, book.homeroom.join(', ') || undefined);
  const leader = signerOf(book.signoffs.approved.CN);
  return {
    schoolYear: book.year,
    className: book.name ?? book.class,
    subjects: book.subjects.map((p) => subject(p, names)),
    summary: {
      subjects: book.subjects.map((p) => p.name),
      students: book.students.map((s) => summaryRow(s, book)),
      ...yearNotesOf(book),
    },
    ...(homeroom ? { homeroom } : {}),
    ...(leader ? { leader } : {}),
  };
}

/**
 * The ledger position of the last event a markbook shows (a cell version or a signature): the
 * book's head, printed as `index` in the proof reference. `undefined` for an empty book.
 */
export function markbookHead(book: Markbook): number | undefined {
  let head = -1;
  const cell = (c: BookCell | null): void => {
    for (const v of c?.history ?? []) head = Math.max(head, v.position);
  };
  for (const p of book.subjects) {
    for (const r of p.rows) for (const t of [r.HK1, r.HK2]) [...t.regular, t.mid, t.end].forEach(cell);
    for (const s of [p.status.HK1.signedOff, p.status.HK2.signedOff, p.status.CN.signedOff])
      if (s) head = Math.max(head, s.position);
  }
  for (const s of book.students) [s.HK1.conductCell, s.HK2.conductCell].forEach(cell);
  for (const group of [book.signoffs.confirmed, book.signoffs.approved, book.signoffs.sealed])
    for (const s of Object.values(group)) if (s) head = Math.max(head, s.position);
  return head < 0 ? undefined : head;
}

const SEX: Record<string, string> = { M: 'Nam', F: 'Nữ' };

/**
 * The homeroom teacher's remarks of a học bạ page in words: each term's conduct remark and the one
 * written with the re-evaluated conduct after the summer, labelled; empty when none was written.
 */
export function transcriptRemarks(r: TranscriptPage['remarks']): string {
  const parts: Array<readonly [string, Remark | null]> = [
    ['Học kỳ I', r.HK1],
    ['Học kỳ II', r.HK2],
    ['Sau rèn luyện trong hè', r.reevaluation],
  ];
  return parts
    .filter((p): p is readonly [string, Remark] => p[1] !== null)
    .map(([label, m]) => `${label}: ${m.text}`)
    .join(' ');
}

/** The particulars at the head of a học bạ (both levels print the same ones). */
function studentParticulars(t: {
  readonly student: string;
  readonly bio: Transcript['bio'];
}): TranscriptData['student'] {
  return {
    name: t.bio.name,
    birthDate: t.bio.birthDate,
    gender: SEX[t.bio.sex] ?? t.bio.sex,
    ...(t.bio.birthPlace !== undefined ? { birthPlace: t.bio.birthPlace } : {}),
    ...(t.bio.ethnicity !== undefined ? { ethnicity: t.bio.ethnicity } : {}),
    id: t.student,
  };
}

/**
 * One year's page of a student's học bạ (`transcript` of `@hoso/books`) as form data. The
 * principal who approved the class's year (from the markbook's sign-offs) may be passed in.
 */
export function transcriptDataFromBook(
  t: Transcript,
  page: TranscriptPage,
  signers: { principal?: Signer; homeroom?: Signer } = {},
): TranscriptData {
  const r = page.results;
  const homeroom = signers.homeroom ?? (page.homeroom.length > 0 ? { name: page.homeroom.join(', ') } : undefined);
  const award = known(r.award);
  const remarks = transcriptRemarks(page.remarks);
  const notes = transcriptNotes(page);
  return {
    student: studentParticulars(t),
    schoolYear: page.year,
    className: page.class,
    subjects: page.subjects.map((s) => {
      // The year column shows a corrected value with its trace when one of its cells was corrected.
      return {
        name: s.name,
        term1: known(s.HK1),
        term2: known(s.HK2),
        year: known(s.CN),
        ...(s.retest !== undefined ? { retest: s.retest } : {}),
        teacher: s.teachers.join(', '),
      };
    }),
    learning: [known(r.HK1.learning), known(r.HK2.learning), known(r.learning)],
    conduct: [
      r.HK1.conductCell ? markValueOfCell(r.HK1.conductCell) : known(r.HK1.conduct),
      r.HK2.conductCell ? markValueOfCell(r.HK2.conductCell) : known(r.HK2.conduct),
      known(r.conduct),
    ],
    absences: r.absences.total,
    ...summerResultsOf(r),
    outcome: promotionText(r.promotion),
    ...(award !== '' ? { award } : {}),
    ...(homeroom ? { homeroom } : {}),
    ...(signers.principal ? { principal: signers.principal } : {}),
    ...(remarks !== '' ? { remarks } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    ...(page.corrections.length > 0
      ? {
          corrections: `Điểm đã sửa trong năm (QC Điều 12.3): ${page.corrections
            .map((c) => {
              const v = markValueOfCell(c);
              const cs = typeof v === 'string' ? [] : (v.corrections ?? []);
              const subj = page.subjects.find((s) => s.subject === c.subject)?.name ?? c.subject ?? '';
              return cs
                .map((k) =>
                  `${subj} ${c.term ?? ''} ${c.column}${c.index !== undefined ? c.index : ''}: ${k.old} → ${k.new} (BB ${k.minutes})`.replace(
                    /\s+/g,
                    ' ',
                  ),
                )
                .join('; ');
            })
            .join('; ')}.`,
        }
      : {}),
  };
}

/**
 * The register (`register` of `@hoso/books`) as form data: one line per student ever registered,
 * in registration order; biographical changes are listed in the note column with their reason.
 */
export function registerDataFromBook(
  entries: ReadonlyArray<BookRegisterEntry>,
  period: string,
  leader?: Signer,
  subjects: Readonly<Record<string, string>> = {},
): RegisterData {
  return {
    period,
    ...(leader ? { leader } : {}),
    entries: entries.map((e): RegisterEntry => {
      const first = e.enrolments[0];
      const left = e.enrolments.find((x) => x.left !== undefined)?.left;
      const notes = [
        ...registerNotes(e, (id) => subjects[id] ?? id),
        ...e.biographyChanges.map(
          (ch) =>
            `${viDate(ch.at)}: ${Object.entries(ch.changes)
              .map(([k, v]) => `${k} ${plain((ch.previous as Record<string, unknown>)[k])} → ${plain(v)}`)
              .join(', ')} (${ch.reason})`,
        ),
      ];
      return {
        number: String(e.number),
        name: e.bio.name,
        birthDate: e.bio.birthDate,
        gender: SEX[e.bio.sex] ?? e.bio.sex,
        ...(e.bio.birthPlace !== undefined ? { birthPlace: e.bio.birthPlace } : {}),
        ...(e.bio.ethnicity !== undefined ? { ethnicity: e.bio.ethnicity } : {}),
        ...(e.bio.guardian !== undefined ? { guardian: e.bio.guardian } : {}),
        ...(e.bio.address !== undefined ? { address: e.bio.address } : {}),
        ...(first ? { enrolledOn: first.enrolled, className: first.class } : { className: e.registered.class }),
        ...(left ? { left: leavingText(left) } : {}),
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      };
    }),
  };
}

/** Names of the TT27 qualities (*phẩm chất*) by the ledger's aspect code. */
export const QUALITY_NAMES: Readonly<Record<string, string>> = {
  'yeu-nuoc': 'Yêu nước',
  'nhan-ai': 'Nhân ái',
  'cham-chi': 'Chăm chỉ',
  'trung-thuc': 'Trung thực',
  'trach-nhiem': 'Trách nhiệm',
};

/** Names of the TT27 competencies (*năng lực*) by the ledger's aspect code. */
export const COMPETENCY_NAMES: Readonly<Record<string, string>> = {
  'tu-chu-tu-hoc': 'Tự chủ, tự học',
  'giao-tiep-hop-tac': 'Giao tiếp, hợp tác',
  'giai-quyet-van-de-sang-tao': 'GQVĐ, sáng tạo',
  'ngon-ngu': 'Ngôn ngữ',
  'tinh-toan': 'Tính toán',
  'khoa-hoc': 'Khoa học',
  'cong-nghe': 'Công nghệ',
  'tin-hoc': 'Tin học',
  'tham-mi': 'Thẩm mĩ',
  'the-chat': 'Thể chất',
};

const QUALITY_ABBR: Readonly<Record<string, string>> = { Tốt: 'T', Đạt: 'Đ', 'Cần cố gắng': 'C' };
const RESULT_ABBR: Readonly<Record<string, string>> = {
  'Hoàn thành xuất sắc': 'HTXS',
  'Hoàn thành tốt': 'HTT',
  'Hoàn thành': 'HT',
  'Chưa hoàn thành': 'CHT',
};
const PERIOD_NAMES: Readonly<Record<PrimaryPeriodId, string>> = {
  GK1: 'Giữa học kỳ I',
  CK1: 'Cuối học kỳ I',
  GK2: 'Giữa học kỳ II',
  CN: 'Cuối năm học',
};
const COMPLETION_ABBR: Readonly<Record<string, string>> = {
  'Hoàn thành chương trình lớp học': 'HTCTLH',
  'Hoàn thành chương trình tiểu học': 'HTCTTH',
  'Chưa hoàn thành chương trình lớp học': 'Chưa HTCTLH',
};

/** A quality or competency cell printed with the form's abbreviation (T / Đ / C), corrections kept. */
function abbreviated(c: BookCell | null | undefined): MarkValue {
  const v = markValueOfCell(c);
  const ab = (x: string): string => QUALITY_ABBR[x] ?? x;
  return typeof v === 'string'
    ? ab(v)
    : { value: ab(v.value), corrections: (v.corrections ?? []).map((k) => ({ ...k, old: ab(k.old), new: ab(k.new) })) };
}

/**
 * The primary class summary (`primarySummary` of `@hoso/books`) at one assessment point (default
 * end of year) as form data: subject levels and test scores, competencies and qualities, result.
 */
export function classSummaryDataFromBook(
  s: PrimarySummary,
  period: PrimaryPeriodId = 'CN',
  signers: { homeroom?: Signer; leader?: Signer } = {},
): ClassSummaryData {
  const present = (names: Readonly<Record<string, string>>): string[] =>
    Object.keys(names).filter((code) => s.pupils.some((p) => p.qualities[code] !== undefined));
  const competencies = present(COMPETENCY_NAMES);
  const qualities = present(QUALITY_NAMES);
  const homeroom = signers.homeroom ?? (s.homeroom.length > 0 ? { name: s.homeroom.join(', ') } : undefined);
  const notes = primarySummaryNotes(s);
  return {
    schoolYear: s.year,
    className: s.class,
    period: PERIOD_NAMES[period],
    subjects: s.subjects.map((x) => ({ name: x.name, tested: x.tested })),
    competencies: competencies.map((c) => COMPETENCY_NAMES[c]!),
    qualities: qualities.map((q) => QUALITY_NAMES[q]!),
    endOfYear: period === 'CN',
    ...(notes.length > 0 ? { notes } : {}),
    ...(homeroom ? { homeroom } : {}),
    ...(signers.leader ? { leader: signers.leader } : {}),
    students: s.pupils.map((p) => ({
      name: p.name,
      subjects: s.subjects.map((x) => {
        const line = p.subjects.find((l) => l.subject === x.subject);
        const level = markValueOfCell(line?.levels[period]);
        return x.tested ? { level, score: markValueOfCell(line?.tests?.[period]) } : { level };
      }),
      competencies: competencies.map((c) => abbreviated(p.qualities[c]?.[period])),
      qualities: qualities.map((q) => abbreviated(p.qualities[q]?.[period])),
      ...(period === 'CN' ? yearEnd(p) : {}),
    })),
  };
}

/** The end-of-year columns of a pupil (result, award, completion), blank while undecided. */
function yearEnd(p: PrimarySummary['pupils'][number]): { result: string; award?: string; completion?: string } {
  const award = known(p.award);
  const completion = known(p.completion);
  return {
    result: RESULT_ABBR[known(p.result)] ?? known(p.result),
    ...(award !== '' ? { award } : {}),
    ...(completion !== '' ? { completion: COMPLETION_ABBR[completion] ?? completion } : {}),
  };
}

/** A quality or competency line of a học bạ page with its form name and abbreviated level. */
function aspectRow(a: PrimaryAspectLine): PrimaryAspectRow {
  return { name: QUALITY_NAMES[a.aspect] ?? COMPETENCY_FULL_NAMES[a.aspect] ?? a.aspect, level: abbreviated(a.level) };
}

/** Competency names as the học bạ writes them in full (the class summary abbreviates one). */
const COMPETENCY_FULL_NAMES: Readonly<Record<string, string>> = {
  ...COMPETENCY_NAMES,
  'giai-quyet-van-de-sang-tao': 'Giải quyết vấn đề và sáng tạo',
  'tu-chu-tu-hoc': 'Tự chủ và tự học',
  'giao-tiep-hop-tac': 'Giao tiếp và hợp tác',
};

/** The year's class history of a học bạ page in words: each class with its dates and transfers. */
function enrolmentText(page: PrimaryTranscriptPage): string | undefined {
  const moved = page.enrolments.length > 1 || page.enrolments.some((e) => e.from !== undefined || e.left !== undefined);
  if (!moved) return undefined;
  const party = (p: { class: string } | { school: string }): string =>
    'class' in p ? `lớp ${p.class}` : `trường ${p.school}`;
  return page.enrolments
    .map((e) => {
      const from = e.from === undefined ? '' : ` (chuyển đến từ ${party(e.from)})`;
      const left =
        e.left === undefined
          ? ''
          : ` đến ${viDate(e.left.date)}, chuyển sang ${party(e.left.to)}${e.left.reason ? ` (${e.left.reason})` : ''}${e.left.transcript === undefined ? '' : `, hồ sơ ${documentText(e.left.transcript)}`}`;
      return `lớp ${e.class} từ ${viDate(e.enrolled)}${from}${left}`;
    })
    .join('; ');
}

/**
 * One school year's page of a primary pupil's học bạ (`primaryTranscript` of `@hoso/books`) as form
 * data: end-of-year levels and test scores with their corrections, qualities and competencies
 * (T / Đ / C), the year result, award and completion in words (blank while the records cannot
 * decide them), the class history when the pupil moved, and the homeroom teacher's confirmation and
 * the principal's approval (name, key, time) from the class's sign-offs. `signers` replace those
 * (e.g. the school's leader by name before the year is approved).
 */
export function primaryTranscriptDataFromBook(
  t: PrimaryTranscript,
  page: PrimaryTranscriptPage,
  signers: { homeroom?: Signer; principal?: Signer } = {},
): PrimaryTranscriptData {
  const homeroom = signers.homeroom ?? signerOf(page.signoffs.confirmed, page.homeroom.join(', ') || undefined);
  const principal = signers.principal ?? signerOf(page.signoffs.approved);
  const enrolment = enrolmentText(page);
  const notes = primaryTranscriptNotes(page);
  const optional = (k: 'result' | 'award' | 'completion', v: string): Partial<PrimaryTranscriptData> =>
    v === '' ? {} : { [k]: v };
  return {
    student: studentParticulars(t),
    schoolYear: page.year,
    className: page.class,
    ...(enrolment !== undefined ? { enrolment } : {}),
    subjects: page.subjects.map((s) => ({
      name: s.name,
      tested: s.tested,
      level: markValueOfCell(s.level),
      ...(s.tested ? { score: markValueOfCell(s.test) } : {}),
      ...(s.remark !== null ? { remark: s.remark.text } : {}),
    })),
    qualities: page.qualities.map(aspectRow),
    generalCompetencies: page.generalCompetencies.map(aspectRow),
    specificCompetencies: page.specificCompetencies.map(aspectRow),
    ...optional('result', known(page.result)),
    ...optional('award', known(page.award)),
    ...optional('completion', known(page.completion)),
    ...(notes.length > 0 ? { notes } : {}),
    ...(homeroom ? { homeroom } : {}),
    ...(principal ? { principal } : {}),
  };
}

const GROWTH_NAMES: Readonly<Record<string, string>> = {
  normal: 'Bình thường',
  underweight: 'Suy dinh dưỡng nhẹ cân',
  'severely-underweight': 'Suy dinh dưỡng nhẹ cân nặng',
  stunted: 'Thấp còi',
  'severely-stunted': 'Thấp còi nặng',
  wasted: 'Gầy còm',
  'severely-wasted': 'Gầy còm nặng',
  'possible-risk-of-overweight': 'Nguy cơ thừa cân',
  overweight: 'Thừa cân',
  obese: 'Béo phì',
};

/** A WHO growth status in Vietnamese (*bình thường*, *thấp còi*…); unknown codes unchanged. */
export function growthStatusName(status: string): string {
  return GROWTH_NAMES[status] ?? status;
}

/**
 * One child's page of the preschool book (`preschoolBook` of `@hoso/books`) as form data: the
 * attendance counted by month from the daily cells, and every measurement with its WHO class.
 */
export function childBookDataFromBook(
  page: ChildPage,
  info: { className: string; schoolYear: string; birthDate?: string; gender?: string },
  signers: { teacher?: Signer; leader?: Signer } = {},
): ChildBookData {
  const months = new Map<string, { present: number; excused: number; unexcused: number }>();
  for (const c of page.attendance.days) {
    const month = (c.date ?? '').slice(0, 7);
    if (!/^\d{4}-\d{2}$/.test(month)) continue;
    const m = months.get(month) ?? { present: 0, excused: 0, unexcused: 0 };
    if (c.value === 'C') m.present++;
    else if (c.value === 'P') m.excused++;
    else if (c.value === 'K') m.unexcused++;
    months.set(month, m);
  }
  const growth = page.growth
    .filter((g) => g.weight !== null || g.height !== null)
    .map((g): GrowthRow => {
      const wfa = g.status['weight-for-age'];
      const hfa = g.status['height-for-age'];
      return {
        date: g.date,
        ageMonths: Math.max(0, Math.floor(g.ageDays / 30.4375)),
        weight: markValueOfCell(g.weight),
        height: markValueOfCell(g.height),
        ...(wfa ? { weightClass: growthStatusName(wfa.status) } : {}),
        ...(hfa ? { heightClass: growthStatusName(hfa.status) } : {}),
      };
    });
  return {
    child: {
      name: page.name,
      ...(info.birthDate !== undefined ? { birthDate: info.birthDate } : {}),
      ...(info.gender !== undefined ? { gender: info.gender } : {}),
    },
    className: info.className,
    schoolYear: info.schoolYear,
    attendance: [...months.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([month, m]) => ({ month, ...m })),
    growth,
    ...(signers.teacher ? { teacher: signers.teacher } : {}),
    ...(signers.leader ? { leader: signers.leader } : {}),
  };
}

/**
 * A class's absences (`attendance` of `@hoso/books`) for one month as form data. The books count
 * half-day sessions; a day with an excused and an unexcused session prints `K` (the stricter),
 * and the totals count days.
 */
export function attendanceDataFromBook(
  lines: ReadonlyArray<AttendanceLine>,
  info: { className: string; schoolYear: string; month: string },
  teacher?: Signer,
): AttendanceData {
  return {
    className: info.className,
    schoolYear: info.schoolYear,
    month: info.month,
    ...(teacher ? { teacher } : {}),
    students: lines.map((l) => {
      const days: Record<number, MarkValue> = {};
      for (const c of l.absences) {
        if (c.date === undefined || !c.date.startsWith(`${info.month}-`)) continue;
        const day = Number(c.date.slice(8, 10));
        const v = markValueOfCell(c);
        const mark = typeof v === 'string' ? v : v.value;
        const prev = days[day];
        const prevMark = prev === undefined ? '' : typeof prev === 'string' ? prev : prev.value;
        if (mark !== 'P' && mark !== 'K') continue;
        if (prevMark === 'K') continue;
        days[day] = v;
      }
      return { name: l.name, days };
    }),
  };
}

/**
 * A preschool class's daily attendance (`preschoolBook` pages of `@hoso/books`: one mark per day,
 * present `C`, excused `P`, unexcused `K`) for one month as form data; present days print empty.
 */
export function attendanceDataFromChildPages(
  pages: ReadonlyArray<ChildPage>,
  info: { className: string; schoolYear: string; month: string },
  teacher?: Signer,
): AttendanceData {
  return {
    className: info.className,
    schoolYear: info.schoolYear,
    month: info.month,
    ...(teacher ? { teacher } : {}),
    students: pages.map((p) => {
      const days: Record<number, MarkValue> = {};
      for (const c of p.attendance.days) {
        if (c.date === undefined || !c.date.startsWith(`${info.month}-`)) continue;
        const v = markValueOfCell(c);
        const mark = typeof v === 'string' ? v : v.value;
        if (mark === 'P' || mark === 'K') days[Number(c.date.slice(8, 10))] = v;
      }
      return { name: p.name, days };
    }),
  };
}
