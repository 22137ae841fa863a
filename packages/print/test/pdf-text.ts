/** Reads a PDF back with Mozilla's pdf.js (independent of pdfkit): page sizes, text, and where each text item is. */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * One run of text as pdf.js extracts it, with its place in PDF user space (points, origin at the
 * bottom-left corner): `x`, `y` the start of its baseline, `width` its advance along the text
 * direction, `size` its font size, `angle` the text direction in degrees (0 reads left to right,
 * 90 reads upwards).
 */
export interface PdfItem {
  readonly str: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly size: number;
  readonly angle: number;
}

/** What the tests read back from a PDF. */
export interface PdfPage {
  readonly width: number;
  readonly height: number;
  /** Text items joined by a space (pdf.js splits lines and font changes into items). */
  readonly text: string;
  readonly items: string[];
  /** The same items with their places. */
  readonly placed: PdfItem[];
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
    const placed: PdfItem[] = [];
    for (const it of content.items) {
      if (!('str' in it) || it.str === '') continue;
      const [a, b, , , e, f] = it.transform as [number, number, number, number, number, number];
      placed.push({
        str: it.str.normalize('NFC'),
        x: e,
        y: f,
        width: it.width,
        size: Math.hypot(a, b),
        angle: Math.round((Math.atan2(b, a) * 180) / Math.PI),
      });
    }
    const items = placed.map((p) => p.str);
    pages.push({ width: x1 - x0, height: y1 - y0, text: items.join(' '), items, placed });
  }
  const meta = await doc.getMetadata();
  const info = meta.info as { Title?: string; Custom?: { HosoProof?: string } };
  await doc.destroy();
  return { title: info.Title, proof: info.Custom?.HosoProof, pages };
}
