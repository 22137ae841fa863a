/** The archival profile the PDF renderer writes by default, and why that one. */
/**
 * The PDF/A profile hoso writes: ISO 19005-2, level B (*basic*: the visual appearance is
 * preserved). Part 2 rather than 1: it is based on PDF 1.7 (part 1 on PDF 1.4), it is what
 * archives take for new documents, and it does not need part 1's extra font data (CIDSet). Rather
 * than 3: part 3 differs only in allowing attached files of any kind, and a record kept for
 * decades should be the pages alone, readable without what an attachment would need. Level A
 * would need a tagged structure tree, which the renderer does not build.
 */
export const PDFA_PROFILE = 'PDF/A-2b';
