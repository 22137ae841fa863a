/**
 * @hoso/pades — PAdES signatures on hoso's printed PDFs (ETSI EN 319 142-1 baseline B-B and B-T,
 * /SubFilter /ETSI.CAdES.detached), each an incremental update with a visible block in the form's
 * signature place, and their verification: every signature, what it covers, what changed after it,
 * and the CMS and chain verdict of @hoso/pki.
 */
export * from './errors.js';
export { signPdf, type SignPdfOptions } from './sign.js';
export { verifyPdf, type VerifyPdfOptions, type PdfVerdict, type PdfSignatureVerdict } from './verify.js';
export type { OtherChange } from './changes.js';
export { vietnamTime, pdfDate, parsePdfDate } from './time.js';
export {
  hocBaSoData,
  signHocBaSoData,
  parseHocBaSoData,
  verifyHocBaSo,
  HOC_BA_SO_FORMAT,
  HOC_BA_SO_VERSION,
  type HocBaSoData,
  type HocBaSoVerdict,
} from './hoc-ba-so.js';
