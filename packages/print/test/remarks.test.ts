/**
 * Teachers' remarks (*nhận xét*) on paper: given remarks written with entries through
 * `@hoso/ledger` (the books package's remarks school), when the primary and the secondary học bạ
 * are printed from the books views, then the remarks are in the form data and in the PDF's text,
 * and a corrected level still prints the remark written with it.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { primaryTranscript, transcript } from '@hoso/books';
import {
  primaryTranscriptDataFromBook,
  primaryTranscriptDocument,
  renderPdf,
  transcriptDataFromBook,
  transcriptDocument,
  transcriptRemarks,
  type PrintError,
  type PrintMeta,
} from '../src/index.js';
import { REMARKS, writeRemarksYear, type RemarksYear } from '../../books/test/support/remarks-school.js';
import { ROOT } from './fixtures.js';
import { readPdf } from './pdf-text.js';

function ok<A>(e: Either<PrintError | { message: string }, A>): A {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
}

let year: RemarksYear;
let meta: PrintMeta;
beforeAll(async () => {
  year = await writeRemarksYear();
  meta = {
    school: { authority: 'SỞ GD&ĐT ĐẮK NÔNG', name: 'TRƯỜNG THỬ NGHIỆM', place: 'Gia Nghĩa' },
    verification: { origin: 'hoso/thpt-test', size: year.events.length, root: ROOT },
    printedOn: '2025-05-30',
  };
});

const squash = (s: string): string => s.replace(/\s+/g, ' ');

describe('remarks on the primary học bạ', () => {
  it('the subject line carries its remark; the corrected level keeps it', async () => {
    const t = ok(primaryTranscript(year.records, 'an'));
    const d = primaryTranscriptDataFromBook(t, t.pages[0]!);
    expect(
      d.subjects.map((s) => [s.name, typeof s.level === 'string' ? s.level : s.level.value, s.remark ?? null]),
    ).toEqual([
      ['Toán', 'H', REMARKS.toan],
      ['Đạo đức', 'T', null],
    ]);
    const pdf = await readPdf(
      await renderPdf(ok(primaryTranscriptDocument(d, meta)), { creationDate: new Date('2025-05-30T00:00:00Z') }),
    );
    expect(squash(pdf.pages[0]!.text)).toContain(REMARKS.toan);
  });
});

describe('remarks on the secondary học bạ', () => {
  it('the homeroom teacher remarks of each term, labelled, in the data and in the PDF', async () => {
    const t = ok(transcript(year.records, 'hs-001'));
    const page = t.pages[0]!;
    const d = transcriptDataFromBook(t, page);
    expect(d.remarks).toBe(`Học kỳ I: ${REMARKS.conductHK1} Học kỳ II: ${REMARKS.conductHK2}`);
    expect(d.corrections).toBeUndefined();
    const pdf = await readPdf(
      await renderPdf(ok(transcriptDocument(d, meta)), { creationDate: new Date('2025-05-30T00:00:00Z') }),
    );
    const text = squash(pdf.pages.map((p) => p.text).join(' '));
    expect(text).toContain(REMARKS.conductHK1);
    expect(text).toContain(REMARKS.conductHK2);
  });

  it('no remark written: no remarks text', () => {
    expect(transcriptRemarks({ HK1: null, HK2: null, reevaluation: null })).toBe('');
  });

  it('refuses a remark that is not text, naming the field', () => {
    const t = ok(transcript(year.records, 'hs-001'));
    const d = transcriptDataFromBook(t, t.pages[0]!);
    const bad = transcriptDocument({ ...d, remarks: 7 as unknown as string }, meta);
    expect(isLeft(bad) && bad.left).toMatchObject({ code: 'print-invalid-input', path: ['remarks'] });
  });
});
