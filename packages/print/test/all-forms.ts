/**
 * Every form the package prints, built from the fixtures — and again with the longest subject
 * names of the programme's catalogue and with class sizes that put a page break near the
 * signatures — for the tests that look at the rendered pages (PDF and HTML).
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  attendanceDocument,
  childBookDocument,
  classSummaryDocument,
  correctionMinutesDocument,
  markbookDocument,
  primaryTranscriptDocument,
  registerDocument,
  transcriptDocument,
  type PrintDocument,
  type PrintError,
  type PrintMeta,
} from '../src/index.js';
import {
  LOWER_SECONDARY,
  UPPER_SECONDARY,
  classSummaryWithCatalogue,
  markbookWith,
  transcriptWith,
} from './catalogue.js';
import {
  META,
  PRIMARY_META,
  attendance,
  childBook,
  classSummary,
  markbook,
  minutes,
  primaryTranscript,
  register,
  transcript,
} from './fixtures.js';

/** A form's document, or the test fails saying which builder refused what. */
export function ok(e: Either<PrintError, PrintDocument>): PrintDocument {
  if (isLeft(e)) throw new Error(`${e.left.code} at ${JSON.stringify(e.left.path)}: ${e.left.message}`);
  return e.right;
}

/** One printed form under a name the test reports. */
export interface NamedForm {
  readonly name: string;
  readonly doc: PrintDocument;
}

/** Every form once, from the fixtures (one of each kind). */
export function everyForm(meta: PrintMeta = META): NamedForm[] {
  return [
    { name: 'markbook', doc: ok(markbookDocument(markbook(40), meta)) },
    { name: 'transcript', doc: ok(transcriptDocument(transcript(), meta)) },
    { name: 'primary transcript', doc: ok(primaryTranscriptDocument(primaryTranscript(), PRIMARY_META)) },
    { name: 'register', doc: ok(registerDocument(register(30), meta)) },
    { name: 'class summary', doc: ok(classSummaryDocument(classSummary(30), PRIMARY_META)) },
    { name: 'attendance', doc: ok(attendanceDocument(attendance(30), meta)) },
    { name: 'child book', doc: ok(childBookDocument(childBook(), meta)) },
    { name: 'correction minutes', doc: ok(correctionMinutesDocument(minutes(), meta)) },
  ];
}

/** The forms whose headers carry subject names, with every subject of each level by its full name. */
export function catalogueForms(): NamedForm[] {
  return [
    { name: 'markbook, upper secondary subjects', doc: ok(markbookDocument(markbookWith(UPPER_SECONDARY), META)) },
    { name: 'markbook, lower secondary subjects', doc: ok(markbookDocument(markbookWith(LOWER_SECONDARY), META)) },
    {
      name: 'transcript, upper secondary subjects',
      doc: ok(transcriptDocument(transcriptWith(UPPER_SECONDARY), META)),
    },
    {
      name: 'class summary, primary subjects',
      doc: ok(classSummaryDocument(classSummaryWithCatalogue(), PRIMARY_META)),
    },
  ];
}
