/**
 * The primary học bạ (Thông tư 27/2020): one pupil's school year as a spread of two portrait pages
 * (subjects; qualities, competencies, results and signatures), from plain form data.
 */
import { isList } from '../guards.js';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from '../errors.js';
import type { Cell, PrintDocument, Section } from '../model.js';
import { viDate } from '../text.js';
import {
  checkMark,
  checkSigner,
  CorrectionNotes,
  formHeader,
  RULE_INPUT,
  labelled,
  runningHeadOf,
  signature,
  type MarkValue,
  type PrintMeta,
  type Signer,
  documentMeta,
} from './common.js';
import { yearNotesBlock, type StudentInfo } from './transcript.js';

/** One subject or educational activity of a primary học bạ page, at the end of the year. */
export interface PrimaryTranscriptSubjectLine {
  readonly name: string;
  /** *Mức đạt được*: `T`, `H` or `C` (empty when not entered). */
  readonly level: MarkValue;
  /** Whether the subject has periodic tests; only tested subjects may carry a `score`. */
  readonly tested: boolean;
  /** End-of-year test score (*điểm KTĐK*), a whole number. */
  readonly score?: MarkValue;
  /** The teacher's remark (*nhận xét*). */
  readonly remark?: string;
}

/** One quality or competency of a primary học bạ page: its name, level (`T`, `Đ`, `C`) and remark. */
export interface PrimaryAspectRow {
  readonly name: string;
  readonly level: MarkValue;
  readonly remark?: string;
}

/**
 * One school year of a primary pupil's học bạ (*Học bạ tiểu học*, Thông tư 27/2020): the
 * particulars, each subject's level and test score with remarks, the qualities (*phẩm chất chủ
 * yếu*), the general and specific competencies (*năng lực cốt lõi*), the year result, award and
 * completion of the programme, the homeroom teacher and the principal.
 */
export interface PrimaryTranscriptData {
  readonly student: StudentInfo;
  readonly schoolYear: string;
  readonly className: string;
  /** The year's class history, e.g. a transfer: `"Lớp 3A từ 05/09/2024; chuyển sang lớp 3B ngày 20/01/2025"`. */
  readonly enrolment?: string;
  readonly subjects: ReadonlyArray<PrimaryTranscriptSubjectLine>;
  readonly qualities: ReadonlyArray<PrimaryAspectRow>;
  /** *Năng lực chung*: self-study, communication and cooperation, problem solving and creativity. */
  readonly generalCompetencies: ReadonlyArray<PrimaryAspectRow>;
  /** *Năng lực đặc thù*: language, maths, science, technology, informatics, aesthetics, physical. */
  readonly specificCompetencies: ReadonlyArray<PrimaryAspectRow>;
  /** *Đánh giá kết quả giáo dục*, in words, e.g. `"Hoàn thành tốt"`. */
  readonly result?: string;
  /** *Khen thưởng*, e.g. `"Học sinh Xuất sắc"`. */
  readonly award?: string;
  /** e.g. `"Hoàn thành chương trình lớp học"`, `"Hoàn thành chương trình tiểu học"`. */
  readonly completion?: string;
  /**
   * The year's notes, one line each: exemptions with the decision, the individual education plan
   * and the principal's decision (`primaryTranscriptNotes` of `@hoso/books`); transfers are in
   * `enrolment`.
   */
  readonly notes?: ReadonlyArray<string>;
  readonly homeroom?: Signer;
  readonly principal?: Signer;
}

function checkPrimaryTranscript(d: PrimaryTranscriptData): PrintError | undefined {
  const bad = (message: string, path: ReadonlyArray<string | number>): PrintError =>
    printError('print-invalid-input', message, path, RULE_INPUT);
  if (typeof d.student?.name !== 'string' || d.student.name.trim() === '')
    return bad('the pupil needs a name', ['student', 'name']);
  if (typeof d.schoolYear !== 'string' || d.schoolYear === '') return bad('schoolYear is required', ['schoolYear']);
  if (typeof d.className !== 'string' || d.className === '') return bad('className is required', ['className']);
  for (const k of ['subjects', 'qualities', 'generalCompetencies', 'specificCompetencies'] as const)
    if (!isList(d[k])) return bad(`${k} must be an array`, [k]);
  for (const [i, s] of d.subjects.entries()) {
    const p = ['subjects', i];
    if (typeof s.name !== 'string' || s.name === '') return bad('a subject needs a name', [...p, 'name']);
    if (s.score !== undefined && !s.tested) return bad(`${s.name} has no periodic test`, [...p, 'score']);
    if (s.remark !== undefined && typeof s.remark !== 'string') return bad('a remark must be text', [...p, 'remark']);
    const e =
      checkMark(s.level, [...p, 'level']) ?? (s.score !== undefined ? checkMark(s.score, [...p, 'score']) : undefined);
    if (e) return e;
  }
  for (const k of ['qualities', 'generalCompetencies', 'specificCompetencies'] as const) {
    for (const [i, a] of d[k].entries()) {
      if (typeof a.name !== 'string' || a.name === '')
        return bad('a quality or competency needs a name', [k, i, 'name']);
      if (a.remark !== undefined && typeof a.remark !== 'string') return bad('a remark must be text', [k, i, 'remark']);
      const e = checkMark(a.level, [k, i, 'level']);
      if (e) return e;
    }
  }
  for (const k of ['enrolment', 'result', 'award', 'completion'] as const) {
    const v = d[k];
    if (v !== undefined && typeof v !== 'string') return bad(`${k} must be text`, [k]);
  }
  if (d.notes !== undefined && (!isList(d.notes) || d.notes.some((n) => typeof n !== 'string')))
    return bad('the notes are lines of text', ['notes']);
  return checkSigner(d.homeroom, ['homeroom']) ?? checkSigner(d.principal, ['principal']);
}

const bold = (text: string): Cell => ({ text, bold: true });

/**
 * A primary pupil's học bạ for one school year, on a spread of two A4 portrait pages so that the
 * signatures stay with the results they sign. The first: the national header, the particulars and *1. Các môn học và
 * hoạt động giáo dục* (mức đạt được, điểm KTĐK, nhận xét). The second: *2. Những phẩm chất chủ
 * yếu*, *3. Những năng lực cốt lõi* (chung, đặc thù), each with level and remark; *4. Đánh giá kết
 * quả giáo dục*; *5. Khen thưởng*; *6. Hoàn thành chương trình lớp học / chương trình tiểu học*;
 * and the homeroom teacher's and the principal's signatures. Corrections are struck through in
 * red and listed under their table; a value the records do not hold prints blank.
 */
export function primaryTranscriptDocument(
  d: PrimaryTranscriptData,
  meta: PrintMeta,
): Either<PrintError, PrintDocument> {
  const e = checkPrimaryTranscript(d);
  if (e) return left(e);
  const st = d.student;
  const subjectNotes = new CorrectionNotes();
  const subjects = d.subjects.map((s): Cell[] => [
    s.name,
    subjectNotes.cell(s.level, `${s.name}, mức đạt được`),
    s.tested ? subjectNotes.cell(s.score ?? '', `${s.name}, điểm KTĐK`) : '',
    s.remark ?? '',
  ]);
  const aspectNotes = new CorrectionNotes();
  const qualities = d.qualities.map((a): Cell[] => [
    a.name,
    aspectNotes.cell(a.level, `phẩm chất ${a.name}`),
    a.remark ?? '',
  ]);
  const competency = (a: PrimaryAspectRow): Cell[] => [
    a.name,
    aspectNotes.cell(a.level, `năng lực ${a.name}`),
    a.remark ?? '',
  ];
  const competencies: Cell[][] = [
    [bold('Năng lực chung'), '', ''],
    ...d.generalCompetencies.map(competency),
    [bold('Năng lực đặc thù'), '', ''],
    ...d.specificCompetencies.map(competency),
  ];
  const particulars = [
    { label: 'Họ và tên học sinh', value: st.name },
    { label: 'Lớp', value: d.className },
    { label: 'Ngày sinh', value: st.birthDate ? viDate(st.birthDate) : '' },
    { label: 'Giới tính', value: st.gender ?? '' },
    { label: 'Nơi sinh', value: st.birthPlace ?? '' },
    { label: 'Dân tộc', value: st.ethnicity ?? '' },
  ];
  if (st.id !== undefined) particulars.push({ label: 'Mã học sinh', value: st.id });
  const heading = (text: string) => ({ kind: 'paragraph' as const, bold: true, text });
  const aspectColumns = (label: string) => [
    { label, width: 3.4, align: 'left' as const },
    { label: 'Mức đạt được', width: 1.4 },
    { label: 'Nhận xét', width: 6.2, align: 'left' as const },
  ];
  const head = runningHeadOf('Học bạ tiểu học', [
    st.name,
    `Lớp ${d.className}`,
    `Năm học ${d.schoolYear}`,
    labelled('Giáo viên chủ nhiệm', d.homeroom?.name),
  ]);
  // A spread: subjects on the first page; qualities, competencies, the year's results and the
  // signatures (with what they sign) on the second.
  const subjectsPage: Section = {
    orientation: 'portrait',
    header: formHeader(meta),
    title: 'HỌC BẠ',
    subtitle: [`Tiểu học — Năm học ${d.schoolYear}`],
    runningHead: head,
    blocks: [
      { kind: 'fields', columns: 2, items: particulars },
      ...(d.enrolment === undefined
        ? []
        : [
            {
              kind: 'paragraph' as const,
              size: 'small' as const,
              text: `Quá trình học tập trong năm học: ${d.enrolment}`,
            },
          ]),
      heading('1. Các môn học và hoạt động giáo dục'),
      {
        kind: 'table',
        columns: [
          { label: 'Môn học và hoạt động giáo dục', width: 3.4, align: 'left' },
          { label: 'Mức đạt được', width: 1.4 },
          { label: 'Điểm KTĐK', width: 1.3 },
          { label: 'Nhận xét', width: 4.9, align: 'left' },
        ],
        rows: subjects,
        fontSize: 9,
        notes: subjectNotes.notes(),
      },
      {
        kind: 'paragraph',
        size: 'small',
        italic: true,
        text: 'Mức đạt được: T hoàn thành tốt, H hoàn thành, C chưa hoàn thành. Điểm KTĐK: điểm bài kiểm tra định kỳ cuối năm học.',
      },
    ],
  };
  const resultsPage: Section = {
    orientation: 'portrait',
    title: 'HỌC BẠ',
    subtitle: [`${st.name} — Lớp ${d.className} — Năm học ${d.schoolYear}`],
    runningHead: head,
    blocks: [
      heading('2. Những phẩm chất chủ yếu'),
      { kind: 'table', columns: aspectColumns('Phẩm chất chủ yếu'), rows: qualities, fontSize: 9 },
      heading('3. Những năng lực cốt lõi'),
      {
        kind: 'table',
        columns: aspectColumns('Năng lực cốt lõi'),
        rows: competencies,
        fontSize: 9,
        notes: aspectNotes.notes(),
      },
      { kind: 'paragraph', size: 'small', italic: true, text: 'Mức đạt được: T tốt, Đ đạt, C cần cố gắng.' },
      {
        kind: 'fields',
        columns: 1,
        items: [
          { label: '4. Đánh giá kết quả giáo dục', value: d.result ?? '' },
          { label: '5. Khen thưởng', value: d.award ?? '' },
          { label: '6. Hoàn thành chương trình lớp học / chương trình tiểu học', value: d.completion ?? '' },
        ],
      },
      ...yearNotesBlock(d.notes),
      {
        kind: 'signatures',
        items: [
          signature('homeroom', d.homeroom),
          signature('principal', d.principal, '(Xác nhận, ký, ghi rõ họ tên và đóng dấu)'),
        ],
      },
    ],
  };
  return right({
    title: `Học bạ — ${st.name} — Lớp ${d.className} — Năm học ${d.schoolYear}`,
    verification: meta.verification,
    ...documentMeta(meta, 'Học bạ tiểu học (Thông tư 27/2020)'),
    sections: [subjectsPage, resultsPage],
  });
}
