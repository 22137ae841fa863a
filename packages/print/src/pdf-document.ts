/**
 * The PDF file itself: pdfkit set up as hoso writes PDF/A-2b (version, XMP metadata escaped,
 * document information, fonts), and the glyph check that refuses a character the fonts lack.
 */
import PDFDocument from 'pdfkit';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import { FONT_ROLES, fontData, type FontRole } from './fonts.js';
import type { PrintDocument } from './model.js';
import { documentTexts } from './validate.js';

/**
 * The PDF/A profile hoso writes: ISO 19005-2, level B (*basic*: the visual appearance is
 * preserved). Part 2 rather than 1: it is based on PDF 1.7 (part 1 on PDF 1.4), it is what
 * archives take for new documents, and it does not need part 1's extra font data (CIDSet). Rather
 * than 3: part 3 differs only in allowing attached files of any kind, and a record kept for
 * decades should be the pages alone, readable without what an attachment would need. Level A
 * would need a tagged structure tree, which the renderer does not build.
 */
export const PDFA_PROFILE = 'PDF/A-2b';

/** Document information of a PDF (the Info dictionary and its XMP mirror). */
export interface PdfInfo {
  readonly title: string;
  readonly author?: string;
  readonly subject?: string;
  readonly creationDate: Date;
  readonly proofRef?: string;
}

/** A pdfkit document. */
export type Pdf = PDFKit.PDFDocument;

/** Glyph coverage of a font as pdfkit's font engine (fontkit) reports it. */
interface GlyphSource {
  hasGlyphForCodePoint(codePoint: number): boolean;
}

/**
 * pdfkit keeps the fontkit font of the current font in a private field; reading it is the only
 * way to ask pdfkit's own engine whether a glyph exists, which is the question that matters
 * (a missing glyph prints as an empty box with no error).
 */
function currentFontkit(pdf: Pdf): GlyphSource {
  const f = (pdf as unknown as { _font?: { font?: Partial<GlyphSource> } })._font?.font;
  if (!f || typeof f.hasGlyphForCodePoint !== 'function')
    throw new Error('pdfkit internals changed: no fontkit font on the document');
  return f as GlyphSource;
}

const PRODUCER = 'hoso';

/**
 * A pdfkit document with hoso's document information, the fonts registered and, for PDF/A, the
 * version and XMP metadata set up.
 */
export function newPdf(info: PdfInfo, pdfa: boolean): Pdf {
  const pdf = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    margin: 0,
    lang: 'vi-VN',
    displayTitle: true,
    // PDF/A-2 is based on PDF 1.7; pdfkit writes no XMP metadata at its default version 1.3.
    ...(pdfa ? { pdfVersion: '1.7' as const, subset: PDFA_PROFILE } : {}),
    // The proof reference also sits in the document information, so software can read it
    // without scanning the QR code (custom key `HosoProof`, and `Keywords` for generic readers).
    info: {
      Title: info.title,
      ...(info.author !== undefined ? { Author: info.author } : {}),
      ...(info.subject !== undefined ? { Subject: info.subject } : {}),
      Producer: PRODUCER,
      Creator: PRODUCER,
      CreationDate: info.creationDate,
      ...(info.proofRef !== undefined ? { Keywords: info.proofRef, HosoProof: info.proofRef } : {}),
    },
  });
  if (pdfa) replaceXmpInfo(pdf, info);
  for (const role of FONT_ROLES) pdf.registerFont(role, fontData(role));
  return pdf;
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * pdfkit writes the XMP mirror of the document information with the values pasted in unescaped
 * (pdfkit is pinned to the version this was written against), so a school named "… GD&ĐT …"
 * would make the XMP packet ill-formed XML (and the PDF/A invalid).
 * Its private `_addInfo` is replaced with one that writes the same properties escaped; PDF/A
 * requires each of them to equal its Info dictionary entry (ISO 19005-2, 6.6.2.3).
 */
function replaceXmpInfo(pdf: Pdf, info: PdfInfo): void {
  const doc = pdf as unknown as { _addInfo?: unknown; appendXML(x: string, newline?: boolean): void };
  if (typeof doc._addInfo !== 'function')
    throw new Error('pdfkit internals changed: no _addInfo to write the XMP document information');
  const created = info.creationDate.toISOString().split('.')[0] + 'Z';
  const alt = (tag: string, v: string) =>
    `<${tag}><rdf:Alt><rdf:li xml:lang="x-default">${xml(v)}</rdf:li></rdf:Alt></${tag}>`;
  doc._addInfo = () => {
    doc.appendXML(
      [
        `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">`,
        `<xmp:CreateDate>${created}</xmp:CreateDate>`,
        `<xmp:CreatorTool>${PRODUCER}</xmp:CreatorTool>`,
        `</rdf:Description>`,
        `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">`,
        alt('dc:title', info.title),
        ...(info.author !== undefined
          ? [`<dc:creator><rdf:Seq><rdf:li>${xml(info.author)}</rdf:li></rdf:Seq></dc:creator>`]
          : []),
        ...(info.subject !== undefined ? [alt('dc:description', info.subject)] : []),
        `</rdf:Description>`,
        `<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">`,
        `<pdf:Producer>${PRODUCER}</pdf:Producer>`,
        ...(info.proofRef !== undefined ? [`<pdf:Keywords>${xml(info.proofRef)}</pdf:Keywords>`] : []),
        `</rdf:Description>`,
      ].join('\n'),
    );
  };
}

/** Which fonts print a text at a path (the footer and fingerprints use the monospace font too). */
function fontsFor(path: ReadonlyArray<string | number>): FontRole[] {
  const last = path[path.length - 1];
  return last === 'fingerprint' || last === 'origin' || last === 'book' || last === 'eventId'
    ? ['mono', 'regular']
    : ['regular', 'bold', 'italic', 'condensed', 'condensedBold'];
}

/**
 * Check that every character a document prints has a glyph in the embedded DejaVu fonts, so no
 * character silently prints as an empty box. The error names the field and the code point.
 */
export function checkGlyphs(doc: PrintDocument): Either<PrintError, PrintDocument> {
  const pdf = newPdf({ title: doc.title, creationDate: new Date(0) }, false);
  const engines = new Map<FontRole, GlyphSource>();
  const engine = (role: FontRole): GlyphSource => {
    let e = engines.get(role);
    if (!e) {
      pdf.font(role);
      e = currentFontkit(pdf);
      engines.set(role, e);
    }
    return e;
  };
  for (const [text, path] of documentTexts(doc)) {
    for (const ch of text.normalize('NFC')) {
      if (ch === '\n' || ch === '\t') continue;
      const cp = ch.codePointAt(0)!;
      for (const role of fontsFor(path)) {
        if (!engine(role).hasGlyphForCodePoint(cp))
          return left(
            printError(
              'print-missing-glyph',
              `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} ("${ch}") has no glyph in the ${role} font`,
              path,
              'QC Điều 3.2 (records print as the Ministry paper form)',
              { codePoint: cp, font: role },
            ),
          );
      }
    }
  }
  return right(doc);
}
