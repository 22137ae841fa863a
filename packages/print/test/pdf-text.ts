import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** What the tests read back from a PDF with pdf.js (Mozilla's reader, independent of pdfkit). */
export interface PdfPage {
  readonly width: number;
  readonly height: number;
  /** Text items joined by a space (pdf.js splits lines and font changes into items). */
  readonly text: string;
  readonly items: string[];
}

export interface PdfInfo {
  readonly title: string | undefined;
  /** The document information's custom `HosoProof` entry. */
  readonly proof: string | undefined;
  readonly pages: PdfPage[];
}

/** Extract page sizes and text of every page. */
export async function readPdf(bytes: Uint8Array): Promise<PdfInfo> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const pages: PdfPage[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const items = content.items.map((it) => ('str' in it ? it.str : '')).filter((s) => s !== '');
    pages.push({
      width: x1 - x0,
      height: y1 - y0,
      text: items.join(' ').normalize('NFC'),
      items: items.map((s) => s.normalize('NFC')),
    });
  }
  const meta = await doc.getMetadata();
  const info = meta.info as { Title?: string; Custom?: { HosoProof?: string } };
  await doc.destroy();
  return { title: info.Title, proof: info.Custom?.HosoProof, pages };
}
