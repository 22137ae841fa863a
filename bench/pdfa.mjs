/**
 * Cost of archival PDF (PDF/A-2b) against a plain PDF: time and size of rendering the same
 * documents both ways — a one-page học bạ and a 40-student, 3-subject class markbook (6 landscape pages).
 * Run after `npx tsc -b`: `node bench/pdfa.mjs`.
 */
import { renderPdf, transcriptDocument, markbookDocument } from '../packages/print/dist/index.js';

/**
 * @typedef {import('../packages/print/dist/index.js').MarkbookData} MarkbookData
 * @typedef {import('../packages/print/dist/index.js').TranscriptData} TranscriptData
 * @typedef {import('../packages/print/dist/index.js').TermMarks} TermMarks
 * @typedef {import('../packages/print/dist/index.js').PrintDocument} PrintDocument
 */

const ROOT = 'a'.repeat(64);
const meta = {
  school: { authority: 'SỞ GD&ĐT ĐẮK NÔNG', name: 'TRƯỜNG THPT CHU VĂN AN', place: 'Gia Nghĩa' },
  verification: { origin: 'hoso/x', size: 12345, root: ROOT, index: 12001 },
  printedOn: '2025-05-31',
};
/** @returns {[TermMarks, TermMarks]} */
const terms = () => {
  const term = (/** @type {number} */ t) => ({
    regular: ['8', '7', '9', '8'],
    mid: '7.5',
    end: `8.${t}`,
    result: '8.0',
  });
  return [term(0), term(1)];
};
/** @type {MarkbookData} */
const markbook = {
  schoolYear: '2024-2025',
  className: '10A1',
  subjects: ['Toán', 'Ngữ văn', 'Tiếng Anh'].map((name) => ({
    name,
    mode: 'scored',
    regularCount: 4,
    students: Array.from({ length: 40 }, (_, i) => ({
      name: `Nguyễn Thị Học Sinh ${i + 1}`,
      terms: terms(),
      year: '8.1',
    })),
  })),
};
/** @type {TranscriptData} */
const transcript = {
  student: { name: 'Nguyễn Thị Hồng Nhung', birthDate: '2009-03-15', gender: 'Nữ' },
  schoolYear: '2024-2025',
  className: '10A1',
  subjects: ['Toán', 'Ngữ văn', 'Tiếng Anh', 'Lịch sử', 'Vật lí', 'Hoá học', 'Sinh học'].map((name) => ({
    name,
    term1: '7.4',
    term2: '7.8',
    year: '7.7',
    teacher: 'Lê Văn Tám',
  })),
  learning: ['Tốt', 'Tốt', 'Tốt'],
  conduct: ['Tốt', 'Tốt', 'Tốt'],
  remarks: 'Học kỳ I: Ngoan, lễ phép. Học kỳ II: Chăm học.',
};
/** The document, or the print API's refusal as an exception (a bench has no one to tell). */
const built = (/** @type {import('fp-ts/lib/Either.js').Either<{ message: string }, PrintDocument>} */ r) => {
  if (r._tag === 'Left') throw new Error(`refused: ${r.left.message}`);
  return r.right;
};
const docs = {
  'học bạ (1 page)': built(transcriptDocument(transcript, meta)),
  'markbook, 40 students × 3 subjects': built(markbookDocument(markbook, meta)),
};
const created = new Date('2025-06-01T00:00:00Z');
const N = Number(process.env.N ?? 20);
for (const [name, doc] of Object.entries(docs)) {
  /** @type {Record<string, { ms: string, bytes: number }>} */
  const row = {};
  for (const pdfa of [false, true, false, true]) {
    await renderPdf(doc, { creationDate: created, pdfa }); // warm-up
    const t0 = process.hrtime.bigint();
    let size = 0;
    for (let i = 0; i < N; i++) size = (await renderPdf(doc, { creationDate: created, pdfa })).length;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / N;
    row[pdfa ? 'PDF/A-2b' : 'plain'] = { ms: ms.toFixed(1), bytes: size };
  }
  console.log(name, JSON.stringify(row));
}
