/**
 * The year's circumstances in words, as every printed form writes them (*ghi chú*): exemptions with
 * their decision (*miễn học*), an individual education plan and the principal's decision on
 * promotion, a transfer in or out with its date and the other school (*chuyển đến, chuyển đi*), and
 * the marks that are make-ups (*kiểm tra bù*) or read from another school's documents. One module
 * for the markbook, the học bạ (secondary and primary), the register and the primary class
 * summary, so the forms never say the same thing two ways.
 */
import type { StudentCircumstances } from './circumstances.js';
import type { Markbook } from './markbook.js';
import type { PrimarySummary } from './primary.js';
import type { PrimaryTranscriptPage } from './primary-transcript.js';
import type { RegisterEntry, TranscriptPage } from './transcript.js';
import type { TransferParty } from '@hoso/ledger';
import type { Cell, DocumentRef } from '../records/state.js';

/** `YYYY-MM-DD` as the forms write a date, `DD/MM/YYYY`. */
export const formDate = (iso: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
};

/** A decision or a document as the forms cite it: `số 15/QĐ-THPT ngày 25/09/2024`. */
export const documentText = (d: DocumentRef): string => `số ${d.number} ngày ${formDate(d.date)}`;

const PERIOD_VI = { HK1: 'học kỳ I', HK2: 'học kỳ II', CN: 'cả năm' } as const;
const partyText = (p: TransferParty): string => ('class' in p ? `lớp ${p.class}` : p.school);

/** How a note names the student (`"Nguyễn Thị An: "`), or nothing on a page that is the student's own. */
const lead = (who: string | undefined): string => (who === undefined ? '' : `${who}: `);

/**
 * The notes of one student's year, one line each, in the order a reader follows the year: the
 * arrival, the exemptions, the individual plan, the principal's decision, the departure. `who`
 * starts each line with the student's name (a class form); a học bạ page leaves it out.
 */
export function circumstanceNotes(
  c: StudentCircumstances,
  subjectName: (code: string) => string,
  who?: string,
): string[] {
  const at = lead(who);
  const out: string[] = [];
  if (c.arrived !== null) out.push(`${at}chuyển đến ngày ${formDate(c.arrived.date)} từ ${partyText(c.arrived.from)}`);
  for (const e of c.exemptions)
    out.push(
      `${at}${e.scope === 'subject' ? 'miễn học' : 'miễn phần thực hành'} môn ${subjectName(e.subject)} ${PERIOD_VI[e.period]}, quyết định ${documentText(e.decision)}`,
    );
  if (c.plan !== null)
    out.push(
      `${at}học sinh khuyết tật, đánh giá theo kế hoạch giáo dục cá nhân ${documentText(c.plan.plan)}${c.plan.planSubjects.length === 0 ? '' : ` (môn ${c.plan.planSubjects.map(subjectName).join(', ')})`}`,
    );
  if (c.decision !== null)
    out.push(
      `${at}hiệu trưởng quyết định ${c.decision.decision === 'promoted' ? 'lên lớp' : 'ở lại lớp'}, ${documentText(c.decision.document)}`,
    );
  if (c.left !== null)
    out.push(
      `${at}chuyển đi ngày ${formDate(c.left.date)} đến ${partyText(c.left.to)}${c.left.transcript === undefined ? '' : `, hồ sơ ${documentText(c.left.transcript)}`}`,
    );
  return out;
}

/**
 * What the entry of a cell says about it besides its value: a make-up (TT22 Điều 7) or a result
 * read from another school's document (QC Điều 8.2), the document in words. Corrections keep it:
 * it is the first version's.
 */
export function cellMarks(c: Cell | null | undefined): {
  makeUp?: { taken: boolean };
  source?: { school: string; document: string };
} {
  const entry = c?.history[0];
  return {
    ...(entry?.makeUp === undefined ? {} : { makeUp: { taken: entry.makeUp.taken } }),
    ...(entry?.source === undefined
      ? {}
      : { source: { school: entry.source.school, document: documentText(entry.source.document) } }),
  };
}

const columnText = (c: Cell): string =>
  c.column === 'gk' ? 'ĐĐGgk' : c.column === 'ck' ? 'ĐĐGck' : `ĐĐGtx ${c.index ?? ''}`.trim();
const termText = (c: Cell): string => (c.term === 'HK1' || c.term === 'HK2' ? PERIOD_VI[c.term] : (c.term ?? ''));

/** True for a cell whose entry is a make-up or a result from another school. */
export const isMarkedCell = (c: Cell | null): c is Cell =>
  c !== null && (c.history[0]?.makeUp !== undefined || c.history[0]?.source !== undefined);

/**
 * The make-ups and the results from another school among a student's cells, in words — for a form
 * that prints only the term results (the học bạ), where no cell can carry the `*` the markbook puts
 * on them. A make-up: `Hóa học, ĐĐGgk học kỳ I: 7,5 — điểm kiểm tra bù (TT22 Điều 7)`; the results
 * read from one school's document, by term, every subject together.
 */
export function markedCellNotes(cells: readonly Cell[], subjectName: (code: string) => string): string[] {
  const makeUps: string[] = [];
  const brought = new Map<
    string,
    { term: string; school: string; document: string; columns: string[]; subjects: string[] }
  >();
  for (const c of cells) {
    const m = cellMarks(c);
    const subject = subjectName(c.subject ?? '');
    if (m.makeUp !== undefined)
      makeUps.push(
        `${subject}, ${columnText(c)} ${termText(c)}: ${c.value.replace('.', ',')} — ${m.makeUp.taken ? 'điểm kiểm tra bù' : 'không dự kiểm tra bù'} (TT22 Điều 7)`,
      );
    if (m.source !== undefined) {
      const key = `${termText(c)}|${m.source.school}|${m.source.document}`;
      const g = brought.get(key) ?? { term: termText(c), ...m.source, columns: [], subjects: [] };
      if (!g.columns.includes(columnText(c))) g.columns.push(columnText(c));
      if (!g.subjects.includes(subject)) g.subjects.push(subject);
      brought.set(key, g);
    }
  }
  const sources = [...brought.values()].map(
    (g) =>
      `${g.columns.join(', ')} ${g.term} (môn ${g.subjects.join(', ')}): kết quả chuyển đến từ ${g.school}, theo ${g.document} (QC Điều 8.2)`,
  );
  return [...makeUps, ...sources];
}

/**
 * The notes of a secondary học bạ page: the year's circumstances, then its make-ups and the
 * results brought from another school.
 */
export function transcriptNotes(page: Pick<TranscriptPage, 'subjects' | 'circumstances' | 'marked'>): string[] {
  const subjectName = (id: string): string => page.subjects.find((s) => s.subject === id)?.name ?? id;
  return [...circumstanceNotes(page.circumstances, subjectName), ...markedCellNotes(page.marked, subjectName)];
}

/** The notes under a class markbook's year summary: every student's circumstances, each line named. */
export function markbookNotes(book: Pick<Markbook, 'subjects' | 'students'>): string[] {
  const subjectName = (id: string): string => book.subjects.find((p) => p.subject === id)?.name ?? id;
  return book.students.flatMap((s) => circumstanceNotes(s.circumstances, subjectName, s.name));
}

/** The notes under a primary class summary: every pupil's circumstances, each line named. */
export function primarySummaryNotes(s: Pick<PrimarySummary, 'subjects' | 'pupils'>): string[] {
  const subjectName = (id: string): string => s.subjects.find((x) => x.subject === id)?.name ?? id;
  return s.pupils.flatMap((p) => circumstanceNotes(p.circumstances, subjectName, p.name));
}

/** A departure as the register's column writes it: `10/03/2025 → THPT Chu Văn An (lý do), hồ sơ số … ngày …`. */
export function leavingText(left: NonNullable<StudentCircumstances['left']>): string {
  return `${formDate(left.date)} → ${partyText(left.to)}${left.reason ? ` (${left.reason})` : ''}${left.transcript === undefined ? '' : `, hồ sơ ${documentText(left.transcript)}`}`;
}

/**
 * The notes of a register line: each year's circumstances, the year and class first; the
 * departure is left to the register's own column ({@link leavingText}).
 */
export function registerNotes(
  entry: Pick<RegisterEntry, 'enrolments'>,
  subjectName: (code: string) => string,
): string[] {
  return entry.enrolments.flatMap((e) =>
    circumstanceNotes({ ...e.circumstances, left: null }, subjectName).map((n) => `${e.year}, lớp ${e.class}: ${n}`),
  );
}

/**
 * The notes of a primary học bạ page: exemptions, the plan and the principal's decision (the
 * page's class history says the transfers).
 */
export function primaryTranscriptNotes(page: Pick<PrimaryTranscriptPage, 'subjects' | 'circumstances'>): string[] {
  const subjectName = (id: string): string => page.subjects.find((s) => s.subject === id)?.name ?? id;
  return circumstanceNotes({ ...page.circumstances, arrived: null, left: null }, subjectName);
}
