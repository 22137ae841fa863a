/**
 * The PDF renderer: validates a document, lays its sections out (`pdf-layout.ts`), draws the
 * verification footer with its QR code on every page and returns the PDF/A-2b bytes, and, when
 * asked, where each page, header cell and signature place went.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { PrintFailure } from './errors.js';
import type { FontRole } from './fonts.js';
import { footerContent, type FooterPart } from './footer.js';
import { GEOMETRY } from './layout.js';
import { pageSize, type Orientation, type PrintDocument, type Section } from './model.js';
import { checkGlyphs } from './glyphs.js';
import { newPdf, type Pdf } from './pdf-document.js';
import { PDFA_PROFILE } from './pdfa-profile.js';
import { drawSection, Layout } from './pdf-layout.js';
import type { PdfLayout } from './placement.js';
import { formatProofReference, proofReferenceOf } from './proof-ref.js';
import { darkRuns, qrMatrix, QR_QUIET_ZONE } from './qr.js';
import { validateDocument } from './validate.js';

export { checkGlyphs, PDFA_PROFILE };

/** Options of {@link renderPdf}. */
export interface PdfOptions {
  /** Creation date written into the PDF metadata (default: now); fix it for reproducible files. */
  readonly creationDate?: Date;
  /**
   * Write an archival PDF, {@link PDFA_PROFILE} (default `true`): PDF 1.7 with the XMP metadata
   * naming the PDF/A part and conformance and the sRGB output intent with its ICC profile
   * (about 3 KB more per file). `false` writes a plain PDF 1.3 with the same pages.
   */
  readonly pdfa?: boolean;
}

const INK = '#000000';
const GREY = '#444444';

/**
 * The font a footer part is set in: labels in the serif (DejaVu Sans Mono lacks many Vietnamese
 * letters), values in monospace.
 */
const footerFont = (kind: FooterPart[1]): FontRole =>
  kind === 'value' ? 'mono' : kind === 'note' ? 'italic' : 'regular';

/** Draw a run of parts on one line from (x, y). */
function footerLine(
  pdf: Pdf,
  parts: ReadonlyArray<FooterPart>,
  x: number,
  y: number,
  width: number,
  size: number,
): void {
  pdf.fontSize(size);
  parts.forEach(([text, kind], i) => {
    pdf.font(footerFont(kind));
    const more = i < parts.length - 1;
    if (i === 0) pdf.text(text, x, y, { width, lineGap: 0, lineBreak: false, continued: more });
    else pdf.text(text, { lineGap: 0, lineBreak: false, continued: more });
  });
}

/** The verification footer: QR code, the reader's lines, the small print, the page number. */
function drawFooter(pdf: Pdf, doc: PrintDocument, o: Orientation, page: number, pages: number): void {
  const { width, height } = pageSize(o);
  const top = height - GEOMETRY.footer + 6;
  pdf
    .moveTo(GEOMETRY.side, top)
    .lineTo(width - GEOMETRY.side, top)
    .lineWidth(0.5)
    .strokeColor(GREY)
    .stroke();

  const m = qrMatrix(formatProofReference(proofReferenceOf(doc.verification)));
  const unit = GEOMETRY.qr / m.size;
  const qx = GEOMETRY.side;
  const qy = top + QR_QUIET_ZONE * unit + 3;
  for (const [r, c, len] of darkRuns(m)) pdf.rect(qx + c * unit, qy + r * unit, len * unit, unit);
  pdf.fillColor(INK).fill();

  const tx = qx + GEOMETRY.qr + QR_QUIET_ZONE * unit + 2;
  const tw = width - GEOMETRY.side - tx - 70;
  const f = footerContent(doc);
  let y = top + 8;
  pdf.fillColor(INK);
  for (const parts of f.lines) {
    footerLine(pdf, parts, tx, y, tw, 7.5);
    y += 10.5;
  }
  pdf.fillColor(GREY);
  footerLine(pdf, f.finePrint, tx, y + 1, tw, FINE_PRINT_SIZE);
  pdf
    .font('regular')
    .fontSize(8.5)
    .fillColor(INK)
    .text(`Trang ${page}/${pages}`, width - GEOMETRY.side - 68, top + 8, {
      width: 68,
      align: 'right',
      lineBreak: false,
    });
}

/** Size of the footer's small print (points). */
export const FINE_PRINT_SIZE = 6;

/** NFC-normalise every string of a section (composed Vietnamese letters have single glyphs). */
function normalizeSection(s: Section): Section {
  return JSON.parse(JSON.stringify(s), (_k, v: unknown) => (typeof v === 'string' ? v.normalize('NFC') : v)) as Section;
}

/**
 * Render a document to PDF and say where things went: each page, each header cell, and each
 * signer's signature place (page, x, y, w, h in PDF user space, role, title and name), for a later
 * electronic signature with a visible block. Rejects as {@link renderPdf} does.
 */
export async function renderPdfWithLayout(
  doc: PrintDocument,
  options: PdfOptions = {},
): Promise<{ pdf: Uint8Array; layout: PdfLayout }> {
  const checked = validateDocument(doc);
  if (isLeft(checked)) throw new PrintFailure(checked.left);
  const glyphs = checkGlyphs(doc);
  if (isLeft(glyphs)) throw new PrintFailure(glyphs.left);

  const pdf = newPdf(
    {
      title: doc.title.normalize('NFC'),
      ...(doc.author !== undefined ? { author: doc.author.normalize('NFC') } : {}),
      ...(doc.subject !== undefined ? { subject: doc.subject.normalize('NFC') } : {}),
      creationDate: options.creationDate ?? new Date(),
      proofRef: formatProofReference(proofReferenceOf(doc.verification)),
    },
    options.pdfa ?? true,
  );
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    pdf.on('error', reject);
  });
  const l = new Layout(pdf);
  doc.sections.forEach((raw, i) => drawSection(l, i, normalizeSection(raw)));
  const total = l.pages.length;
  l.pages.forEach((p, i) => {
    pdf.switchToPage(i);
    drawFooter(pdf, doc, p.orientation, i + 1, total);
  });
  pdf.end();
  return { pdf: await done, layout: { pages: l.pages, signatures: l.signatures, headers: l.headers } };
}

/**
 * Render a document to PDF: A4 pages in each section's orientation, DejaVu fonts embedded
 * (subset), every table header repeated on each page it spans and broken only between words, the
 * book's heading on continuation pages, signatures kept with the last rows they sign, and the
 * verification footer with its QR code on every page. By default an archival {@link PDFA_PROFILE}
 * file (see {@link PdfOptions.pdfa}) with the title, the school as author, the form as subject, the
 * creation date and producer `hoso` in its document information and XMP metadata. Rejects with a
 * {@link PrintFailure} (code, path, rule) on an invalid document or a character the fonts cannot print.
 */
export async function renderPdf(doc: PrintDocument, options: PdfOptions = {}): Promise<Uint8Array> {
  return (await renderPdfWithLayout(doc, options)).pdf;
}
