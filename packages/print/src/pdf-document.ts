/**
 * The PDF file itself: pdfkit set up as hoso writes PDF/A-2b (version, XMP metadata escaped,
 * document information, fonts). Internal: its declarations name pdfkit's types, which the
 * published package does not carry, so nothing public re-exports from here.
 */
import PDFDocument from 'pdfkit';
import { FONT_ROLES, fontData } from './fonts.js';
import { PDFA_PROFILE } from './pdfa-profile.js';

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
