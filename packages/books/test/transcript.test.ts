import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { foldRecords, recordsProjection } from '../src/records/apply.js';
import type { Records } from '../src/records/state.js';
import { classMarkbook, type Markbook } from '../src/books/markbook.js';
import {
  attendance,
  crossCheck,
  register,
  transcript,
  transcriptPage,
  transfers,
  type TranscriptPage,
} from '../src/books/transcript.js';
import { memoryCheckpointStore, runProjection } from '../src/runner/index.js';
import { CLASS, YEAR, writeSchoolYear, type SchoolYear } from './support/school.js';

let school: SchoolYear;
let records: Records;
let book: Markbook;

beforeAll(async () => {
  school = await writeSchoolYear();
  records = foldRecords(school.events);
  const b = classMarkbook(records, YEAR, CLASS);
  if (isLeft(b)) throw new Error(b.left.message);
  book = b.right;
});

describe('học bạ', () => {
  it('one page per class, carrying the markbook results and the corrected cells', () => {
    const t = transcript(records, 'an');
    expect(isRight(t)).toBe(true);
    if (!isRight(t)) return;
    expect(t.right.bio.name).toBe('Nguyễn Thị An');
    expect(t.right.pages).toHaveLength(1);
    const page = t.right.pages[0]!;
    expect(page.subjects.find((s) => s.subject === 'toan')).toMatchObject({ HK1: '6.9', HK2: '9.0', CN: '8.3' });
    expect(page.results.award).toBe('Học sinh Giỏi');
    expect(page.corrections.map((c) => c.history.map((v) => v.value))).toEqual([['6', '8']]);
    expect(page.approved).toBe(false);
  });
  it('refuses an unknown student', () => {
    const t = transcript(records, 'nobody');
    expect(isLeft(t) && t.left).toMatchObject({ code: 'unknown-student', path: ['student'] });
  });
});

describe('cross-check (QC Điều 8.5)', () => {
  const pages = (): Record<string, TranscriptPage | undefined> => ({
    an: transcriptPage(book, records, 'an')!,
    binh: transcriptPage(book, records, 'binh')!,
  });
  it('a markbook and the học bạ pages drawn from the same records agree', () => {
    expect(crossCheck(book, pages())).toEqual([]);
  });
  it('lists each disagreement of a transcribed page, and a missing page', () => {
    const p = pages();
    const an = p.an!;
    p.an = {
      ...an,
      subjects: an.subjects.map((s) => (s.subject === 'vat-li' ? { ...s, HK1: '7.3' } : s)),
      results: { ...an.results, conduct: 'Khá' },
    };
    p.binh = undefined;
    expect(crossCheck(book, p)).toEqual([
      { student: 'an', path: ['subjects', 'vat-li', 'HK1'], markbook: '8.0', transcript: '7.3' },
      { student: 'an', path: ['results', 'conduct'], markbook: 'Tốt', transcript: 'Khá' },
      { student: 'binh', path: ['page'], markbook: `${YEAR}/${CLASS}`, transcript: null },
    ]);
  });
  it('the page as of before the correction disagrees with the book after it', () => {
    const older = foldRecords(school.events.slice(0, school.correctionAt));
    const oldBook = classMarkbook(older, YEAR, CLASS);
    if (isLeft(oldBook)) throw new Error('no book');
    const p = { an: transcriptPage(oldBook.right, older, 'an')!, binh: transcriptPage(book, records, 'binh')! };
    const d = crossCheck(book, p);
    expect(d.map((x) => x.path.join('.'))).toContain('subjects.vat-li.HK1');
  });
});

describe('register, transfers, attendance', () => {
  it('numbers students in registration order with their enrolments', () => {
    const reg = register(records);
    expect(reg.map((e) => [e.number, e.student, e.bio.name])).toEqual([
      [1, 'an', 'Nguyễn Thị An'],
      [2, 'binh', 'Trần Văn Bình'],
    ]);
    // The fixture's year has no exemption, plan, decision or transfer: the register's notes stay empty.
    expect(reg[0]!.enrolments).toEqual([
      {
        year: YEAR,
        class: CLASS,
        student: 'an',
        enrolled: '2024-09-05',
        circumstances: { exemptions: [], plan: null, decision: null, left: null, arrived: null },
      },
    ]);
    expect(transfers(records)).toEqual([]);
  });
  it('counts absences per term from the calendar', () => {
    const a = attendance(records, YEAR, CLASS);
    expect(isRight(a) && a.right[0]).toMatchObject({
      student: 'an',
      HK1: { excused: 1, unexcused: 0, total: 1 },
      HK2: { excused: 0, unexcused: 1, total: 1 },
      year: { total: 2 },
    });
    expect(isLeft(attendance(records, YEAR, 'nope'))).toBe(true);
  });
});

describe('records projection through the runner', () => {
  it('property: incremental runs over any split of the real school year equal one rebuild', async () => {
    const full = await runProjection(school.store, school.ledger, recordsProjection, memoryCheckpointStore<Records>(), {
      mode: 'rebuild',
    });
    if (isLeft(full)) throw new Error(full.left.message);
    expect(full.right.state).toEqual(records);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), async (batchSize) => {
        const cps = memoryCheckpointStore<Records>();
        // Two runs, the first one a short catch-up that stops at a crash mid-way.
        let calls = 0;
        const crashing = {
          ...recordsProjection,
          apply: (s: Records, e: Parameters<typeof recordsProjection.apply>[1]) => {
            if (++calls === Math.floor(school.events.length / 2)) throw new Error('crash');
            return recordsProjection.apply(s, e);
          },
        };
        await runProjection(school.store, school.ledger, crashing, cps, { mode: 'catch-up', batchSize });
        const r = await runProjection(school.store, school.ledger, recordsProjection, cps, {
          mode: 'catch-up',
          batchSize,
        });
        expect(isRight(r) && r.right.state).toEqual(records);
      }),
      { numRuns: 8 },
    );
  });
});
