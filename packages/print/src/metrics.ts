/**
 * Text measurement with the fonts the PDF embeds (pdfkit's own engine), so that both renderers make
 * the same layout decisions (where a header line breaks, which header is shrunk or turned).
 */
import PDFDocument from 'pdfkit';
import { FONT_ROLES, fontData, type FontRole } from './fonts.js';

/** Width and line height of text in one font, at a given size (points). */
export interface TextMeasure {
  width(text: string, size: number): number;
  lineHeight(size: number): number;
}

let measurer: PDFKit.PDFDocument | undefined;

/** One pdfkit document per process, never written out: only its font engine is used. */
function engine(): PDFKit.PDFDocument {
  if (measurer === undefined) {
    measurer = new PDFDocument({ autoFirstPage: false, margin: 0 });
    for (const role of FONT_ROLES) measurer.registerFont(role, fontData(role));
  }
  return measurer;
}

/** The measure of a font role (DejaVu, as embedded in the PDF). */
export function fontMeasure(role: FontRole): TextMeasure {
  return {
    width: (text, size) => engine().font(role).fontSize(size).widthOfString(text),
    lineHeight: (size) => engine().font(role).fontSize(size).currentLineHeight(),
  };
}
