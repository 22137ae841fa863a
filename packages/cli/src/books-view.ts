/**
 * From the ledger to the books and onto paper: fold the records projection from a store up to a
 * checkpoint's size, then turn `@hoso/books` views (markbook, học bạ, corrections) into the form
 * data `@hoso/print` lays out. Values keep their full correction history (QC Điều 12.3).
 */
import {
  applyToRecords,
  cellMarks,
  classMarkbook,
  leavingText,
  markbookNotes,
  registerNotes,
  emptyRecords,
  isIncomplete,
  register,
  transcript,
  transcriptNotes,
  type Cell,
  type Markbook,
  type Records,
  type Remark,
  type SignStep,
  type StudentSummary,
  type Transcript,
  type TranscriptPage,
  resolveRecords,
  sexLabel,
} from '@hoso/books';
import type { EventStore } from '@hoso/store';
import type { PersonalDataReader } from '@hoso/ledger';
import type {
  CorrectionTrace,
  MarkValue,
  MarkbookData,
  PrintMeta,
  RegisterData,
  Signer as PrintSigner,
  TranscriptData,
} from '@hoso/print';

/**
 * Fold the records of the first `size` events (default: all), with the biographies opened through
 * `personal` (docs/personal-data.md; without it committed values show as withheld).
 */
export async function foldStore(
  store: EventStore,
  ledger: string,
  size?: number,
  personal?: PersonalDataReader,
): Promise<Records> {
  let r = emptyRecords();
  const to = size ?? (await store.size(ledger));
  // The lean read: the fold decodes each envelope from its bytes and needs nothing else.
  for await (const batch of store.readBytes(ledger, { from: 0, to })) for (const e of batch) r = applyToRecords(r, e);
  return personal === undefined ? r : resolveRecords(r, personal);
}

/** A person's name from the records (falls back to the id). */
export const personName = (r: Records, person: string | null | undefined): string =>
  person == null ? '?' : (r.people[person] ?? person);

/** A student's name. */
export const studentName = (r: Records, student: string): string => r.students[student]?.bio.name ?? student;

/** A value that may be incomplete, as text ('' when it cannot be computed yet). */
export function textOf(v: unknown): string {
  if (v === null || v === undefined || isIncomplete(v)) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'status' in v) return promotionText(v as { status: string });
  // A learning outcome: its level (after the TT22 Điều 9.3 adjustment).
  if (typeof v === 'object' && typeof (v as { level?: unknown }).level === 'string')
    return (v as { level: string }).level;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '';
}

/** Promotion decision in Vietnamese, as the forms write it. */
export function promotionText(p: { status: string }): string {
  switch (p.status) {
    case 'promoted':
      return 'Được lên lớp';
    case 'pending':
      return 'Rèn luyện hè / kiểm tra lại';
    case 'retained':
      return 'Ở lại lớp';
    case 'transferred':
      // The school the student went to decides (QC Điều 8.2).
      return 'Chuyển trường';
    default:
      return p.status;
  }
}

/** The corrections of a cell, as the printer records them. */
export function correctionTraces(r: Records, c: Cell): CorrectionTrace[] {
  const out: CorrectionTrace[] = [];
  for (const [i, v] of c.history.entries()) {
    if (v.correction === undefined) continue;
    const x = v.correction;
    out.push({
      minutes: x.minutes.number,
      old: c.history[i - 1]?.value ?? x.old,
      new: v.value,
      date: x.minutes.date,
      reason: x.reason,
      requester: personName(r, x.requester.person),
      approver: personName(r, x.approver.person),
      witness: personName(r, x.witness.person),
    });
  }
  return out;
}

/**
 * A cell as a printable value: '' when empty; with its corrections when it has any, and marked when
 * its entry is a make-up or a result from another school (the form puts `*` on it and says which).
 */
export function markOf(r: Records, c: Cell | null): MarkValue {
  if (c === null) return '';
  const corrections = correctionTraces(r, c);
  const marked = cellMarks(c);
  if (corrections.length === 0 && marked.makeUp === undefined && marked.source === undefined) return c.value;
  return { value: c.value, ...(corrections.length === 0 ? {} : { corrections }), ...marked };
}

function signerOf(r: Records, step: SignStep | null | undefined, fallbackPerson?: string): PrintSigner | undefined {
  if (step != null) return { name: step.by.name ?? personName(r, step.by.person), key: step.by.key, signedAt: step.at };
  if (fallbackPerson !== undefined) {
    const key = Object.entries(r.keys).find(([, p]) => p === fallbackPerson)?.[0];
    return { name: personName(r, fallbackPerson), ...(key === undefined ? {} : { key }) };
  }
  return undefined;
}

/** The school's leader (the founder, or whoever holds `leader` last). */
export function leaderOf(r: Records): string | undefined {
  const leaders = r.roles.filter((x) => x.role === 'leader' && x.revokedAt === null);
  return leaders[leaders.length - 1]?.person;
}

/** The class markbook as print form data. */
export function markbookData(r: Records, book: Markbook): MarkbookData {
  const names = new Map(book.students.map((s) => [s.student, s.name]));
  const notes = markbookNotes(book);
  return {
    schoolYear: book.year,
    className: book.class,
    subjects: book.subjects.map((p) => ({
      name: p.name,
      mode: p.assessment,
      regularCount: p.regularCount,
      ...optional(
        'teacher',
        signerOf(r, p.status.CN.signedOff ?? p.status.HK2.signedOff ?? p.status.HK1.signedOff, p.teachers[0]),
      ),
      students: p.rows.map((row) => ({
        name: names.get(row.student) ?? studentName(r, row.student),
        terms: [
          {
            regular: row.HK1.regular.map((c) => markOf(r, c)),
            mid: markOf(r, row.HK1.mid),
            end: markOf(r, row.HK1.end),
            result: textOf(row.HK1.result),
          },
          {
            regular: row.HK2.regular.map((c) => markOf(r, c)),
            mid: markOf(r, row.HK2.mid),
            end: markOf(r, row.HK2.end),
            result: textOf(row.HK2.result),
          },
        ],
        year: textOf(row.year),
        // The summer re-test (TT22 Điều 14) prints beside the year result, which stays.
        ...optional('retest', row.retest === null ? undefined : markOf(r, row.retest)),
      })),
    })),
    summary: {
      subjects: book.subjects.map((p) => p.name),
      students: book.students.map((s) => ({
        name: s.name,
        subjects: book.subjects.map((p) => textOf(p.rows.find((x) => x.student === s.student)?.year)),
        learning: [textOf(s.HK1.learning), textOf(s.HK2.learning), textOf(s.year.learning)],
        conduct: [
          s.HK1.conductCell === null ? textOf(s.HK1.conduct) : markOf(r, s.HK1.conductCell),
          s.HK2.conductCell === null ? textOf(s.HK2.conduct) : markOf(r, s.HK2.conductCell),
          textOf(s.year.conduct),
        ],
        absences: { excused: s.year.absences.excused, unexcused: s.year.absences.unexcused },
        ...summerResults(r, s.year),
        ...optional('award', textOf(s.year.award) || undefined),
        ...optional('outcome', textOf(s.year.promotion) || undefined),
      })),
      ...optional('notes', notes.length === 0 ? undefined : notes),
    },
    ...optional(
      'homeroom',
      signerOf(
        r,
        book.signoffs.confirmed.CN ?? book.signoffs.confirmed.HK2 ?? book.signoffs.confirmed.HK1,
        book.homeroom[0],
      ),
    ),
    ...optional(
      'leader',
      signerOf(r, book.signoffs.approved.CN ?? book.signoffs.approved.HK2 ?? book.signoffs.approved.HK1, leaderOf(r)),
    ),
  };
}

/**
 * Results after the summer (TT22 Điều 13–14) as the forms print them beside the year's: learning
 * after the re-tests (empty while a re-test is missing) and the re-evaluated conduct with its
 * history. Absent when the student had neither.
 */
export function summerResults(
  r: Records,
  year: StudentSummary['year'],
): { reLearning?: MarkValue; reConduct?: MarkValue } {
  return {
    ...optional('reLearning', year.afterRetest === null ? undefined : textOf(year.afterRetest.learning)),
    ...optional('reConduct', year.conductReevaluated === null ? undefined : markOf(r, year.conductReevaluated.cell)),
  };
}

/** One year's page of a student's học bạ as print form data (the page of `year`, else the last). */
export function transcriptData(r: Records, t: Transcript, year?: string): TranscriptData | null {
  const page = (year === undefined ? undefined : t.pages.find((p) => p.year === year)) ?? t.pages[t.pages.length - 1];
  if (page === undefined) return null;
  const book = classMarkbook(r, page.year, page.class);
  const corrected = new Map(page.corrections.map((c) => [c.key, c]));
  const cellOf = (c: Cell | null): Cell | null => (c === null ? null : (corrected.get(c.key) ?? c));
  const summary = book._tag === 'Right' ? book.right.students.find((s) => s.student === t.student) : undefined;
  const notes = transcriptNotes(page);
  const conduct = (term: 'HK1' | 'HK2'): MarkValue => {
    const c = summary?.[term].conductCell ?? null;
    return c === null ? textOf(page.results[term].conduct) : markOf(r, cellOf(c));
  };
  return {
    student: {
      name: t.bio.name,
      birthDate: t.bio.birthDate,
      gender: sexLabel(t.bio.sex),
      id: t.student,
      ...optional('birthPlace', t.bio.birthPlace),
      ...optional('ethnicity', t.bio.ethnicity),
    },
    schoolYear: page.year,
    className: page.class,
    subjects: page.subjects.map((s) => {
      const retest =
        book._tag === 'Right'
          ? (book.right.subjects.find((p) => p.subject === s.subject)?.rows.find((x) => x.student === t.student)
              ?.retest ?? null)
          : null;
      return {
        name: s.name,
        term1: textOf(s.HK1),
        term2: textOf(s.HK2),
        year: textOf(s.CN),
        ...optional(
          'retest',
          retest === null ? (s.retest === undefined ? undefined : s.retest) : markOf(r, cellOf(retest)),
        ),
        ...optional('teacher', s.teachers[0] === undefined ? undefined : personName(r, s.teachers[0])),
      };
    }),
    learning: [textOf(page.results.HK1.learning), textOf(page.results.HK2.learning), textOf(page.results.learning)],
    conduct: [conduct('HK1'), conduct('HK2'), textOf(page.results.conduct)],
    absences: page.results.absences.total,
    ...summerResults(r, page.results),
    ...optional('outcome', textOf(page.results.promotion) || undefined),
    ...optional('award', textOf(page.results.award) || undefined),
    ...optional('remarks', homeroomRemarks(page.remarks) || undefined),
    ...optional('notes', notes.length === 0 ? undefined : notes),
    ...optional(
      'homeroom',
      signerOf(r, book._tag === 'Right' ? (book.right.signoffs.confirmed.CN ?? null) : null, page.homeroom[0]),
    ),
    ...optional(
      'principal',
      signerOf(r, book._tag === 'Right' ? (book.right.signoffs.approved.CN ?? null) : null, leaderOf(r)),
    ),
  };
}

/**
 * The homeroom teacher's remarks of a học bạ page, labelled by when they were written — the text
 * `transcriptRemarks` of `@hoso/print` writes, kept here because this module must not load the
 * printing package (and its PDF engine) for terminal views.
 */
export function homeroomRemarks(m: TranscriptPage['remarks']): string {
  const parts: Array<readonly [string, Remark | null]> = [
    ['Học kỳ I', m.HK1],
    ['Học kỳ II', m.HK2],
    ['Sau rèn luyện trong hè', m.reevaluation],
  ];
  return parts
    .filter((p): p is readonly [string, Remark] => p[1] !== null)
    .map(([label, x]) => `${label}: ${x.text}`)
    .join(' ');
}

/** The học bạ view of a student, or null for an unknown one. */
export function transcriptOf(r: Records, student: string): Transcript | null {
  const t = transcript(r, student);
  return t._tag === 'Right' ? t.right : null;
}

/**
 * The school block of a form from the records. The date line's place is `place` when the printer
 * names one, else the province of the school's founding event; with neither it stays blank for the
 * clerk to write by hand.
 */
export function schoolInfo(r: Records, authority = 'SỞ GIÁO DỤC VÀ ĐÀO TẠO', place?: string): PrintMeta['school'] {
  const where = place ?? r.school?.province;
  return {
    authority: r.school?.province === undefined ? authority : `SỞ GD&ĐT ${r.school.province.toLocaleUpperCase('vi')}`,
    name: (r.school?.name ?? 'TRƯỜNG').toLocaleUpperCase('vi'),
    ...(where === undefined ? {} : { place: where }),
  };
}

/** `{ [k]: v }` when v is defined, `{}` otherwise (optional fields stay absent, not undefined). */
export function optional<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };
}

/** The school's register (*sổ đăng bộ*) as print form data: every student ever registered. */
export function registerData(r: Records, period: string): RegisterData {
  const leader = leaderOf(r);
  return {
    period,
    entries: register(r).map((e) => {
      const last = e.enrolments[e.enrolments.length - 1];
      const notes = registerNotes(e, (id) => r.subjects[id] ?? id);
      return {
        number: String(e.number),
        name: e.bio.name,
        birthDate: e.bio.birthDate,
        gender: sexLabel(e.bio.sex),
        ...optional('birthPlace', e.bio.birthPlace),
        ...optional('ethnicity', e.bio.ethnicity),
        ...optional('guardian', e.bio.guardian),
        ...optional('address', e.bio.address),
        ...optional('enrolledOn', e.enrolments[0]?.enrolled),
        ...optional('className', last === undefined ? undefined : last.class),
        ...optional('left', last?.left === undefined ? undefined : leavingText(last.left)),
        ...optional('note', notes.length === 0 ? undefined : notes.join('; ')),
      };
    }),
    ...optional('leader', signerOf(r, null, leader)),
  };
}
