/**
 * @hoso/print — every hoso record book as the Ministry's paper form (QC Điều 3.2), in PDF and
 * self-contained HTML, with the data to check each page against the school's signed checkpoint
 * printed on it (origin, checkpoint size and root, a QR code with a proof reference).
 *
 * Build a {@link PrintDocument} with a form builder (`markbookDocument`, `transcriptDocument`,
 * `primaryTranscriptDocument`, `registerDocument`, `classSummaryDocument`, `attendanceDocument`, `childBookDocument`,
 * `correctionMinutesDocument`) or by hand, then `renderPdf` / `renderHtml` / `printAll` it.
 */
export * from './model.js';
export * from './errors.js';
export * from './validate.js';
export * from './proof-ref.js';
export * from './checkpoint.js';
export * from './qr.js';
export * from './text.js';
export * from './fonts.js';
export * from './layout.js';
export { FINE_PRINT_LABEL } from './footer.js';
export { renderPdf, renderPdfWithLayout, checkGlyphs, PDFA_PROFILE, type PdfOptions } from './pdf.js';
export type { PageRect, PagePlace, SignaturePlace, HeaderPlace, PdfLayout } from './placement.js';
export type { HeaderFit } from './header-fit.js';
export { renderHtml, escapeHtml, type HtmlOptions } from './html.js';
export * from './print-all.js';
export * from './forms/common.js';
export * from './forms/markbook.js';
export * from './forms/transcript.js';
export * from './forms/register.js';
export * from './forms/class-summary.js';
export * from './forms/primary-transcript.js';
export * from './forms/attendance.js';
export * from './forms/child-book.js';
export * from './forms/correction-minutes.js';
export * from './from-books.js';
export * from './minutes-from-records.js';
export * from './jobs.js';
export * from './staged.js';
