/**
 * The visible signature block (*khối chữ ký số*): a form XObject (ISO 32000-1 §8.10) that is the
 * widget's normal appearance (§12.5.5), showing the signer's name, role, the signing time in
 * Vietnam time and the certificate's serial number.
 *
 * The text is set by pdfkit — the same engine and DejaVu fonts as the printed form, so
 * Vietnamese letters shape the same and the font is embedded as a subset, as PDF/A-2b asks
 * (ISO 19005-2 §6.2.11) — on a page the size of the block; that page's content stream and
 * everything its resources reach are then copied into the signed file under new object numbers.
 */
import PDFDocument from 'pdfkit';
import { fontData } from '@hoso/print';
import { PdfFile } from './file.js';
import { dict, isDict, mapRefs, name, PdfRef, type PdfDict, type PdfValue } from './syntax.js';
import type { UpdateObject } from './incremental.js';

/** What the block says. */
export interface AppearanceText {
  readonly name: string;
  readonly role: string;
  /** `dd/MM/yyyy HH:mm`, Vietnam time. */
  readonly time: string;
  /** The certificate's serial number, hex. */
  readonly serial: string;
}

const INK = '#0b3d91';

/** Render the block on a w × h page with pdfkit; resolves to the PDF bytes. */
async function donor(w: number, h: number, t: AppearanceText): Promise<Uint8Array> {
  const pdf = new PDFDocument({ size: [w, h], margin: 0, autoFirstPage: true, pdfVersion: '1.7', compress: true });
  pdf.registerFont('regular', fontData('regular'));
  pdf.registerFont('bold', fontData('bold'));
  pdf.registerFont('mono', fontData('mono'));
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    pdf.on('error', reject);
  });
  const lines: Array<[font: 'regular' | 'bold', text: string]> = [
    ['bold', `Ký bởi: ${t.name}`],
    ['regular', t.role],
    ['regular', `Thời gian ký: ${t.time}`],
    ['regular', `Số hiệu chứng thư: ${t.serial}`],
  ];
  const inset = Math.min(3, w / 20, h / 20);
  const inner = w - 2 * inset;
  // One size for every line, the largest (≤ 8 pt) at which all fit across and down.
  let size = Math.min(8, (h - 2 * inset) / (lines.length * 1.2));
  for (const [font, text] of lines) {
    pdf.font(font).fontSize(size);
    const tw = pdf.widthOfString(text);
    if (tw > inner) size = (size * inner) / tw;
  }
  size = Math.max(size, 1);
  pdf
    .rect(0.5, 0.5, w - 1, h - 1)
    .lineWidth(0.75)
    .strokeColor(INK)
    .stroke();
  const lead = size * 1.2;
  let y = (h - lead * lines.length) / 2;
  for (const [font, text] of lines) {
    pdf
      .font(font)
      .fontSize(size)
      .fillColor(INK)
      .text(text, inset, y, { lineBreak: false, width: inner + 1 });
    y += lead;
  }
  pdf.end();
  return done;
}

/**
 * The block's objects for the signed file, numbered from `first`: the form XObject (number
 * `first`) and the fonts and streams it uses. Returns them and the next free number.
 */
export async function appearanceObjects(
  w: number,
  h: number,
  text: AppearanceText,
  first: number,
): Promise<{ objects: UpdateObject[]; xobject: PdfRef; next: number }> {
  const src = new PdfFile(await donor(w, h, text));
  const [pageRef] = src.pages();
  const page = src.dictOf(pageRef);
  if (!page) throw new Error('pdfkit wrote no page');
  const content = src.resolve(page.get('Contents'));
  const contentRef = page.get('Contents');
  if (!(contentRef instanceof PdfRef) || !isDict(content))
    throw new Error('pdfkit wrote the page content in a form this copier does not take');
  const contentObj = src.object(contentRef.num);

  const numbers = new Map<number, number>();
  let next = first + 1;
  const renumber = (r: PdfRef): PdfRef => {
    let n = numbers.get(r.num);
    if (n === undefined) {
      n = next++;
      numbers.set(r.num, n);
      queue.push(r.num);
    }
    return new PdfRef(n, 0);
  };
  const queue: number[] = [];
  const resources = mapRefs(src.resolve(page.get('Resources')) ?? dict({}), renumber);
  const objects: UpdateObject[] = [];
  for (let i = 0; i < queue.length; i++) {
    const num = queue[i]!;
    const o = src.object(num);
    const value = mapRefs(o.value, renumber);
    objects.push(
      o.stream
        ? { num: numbers.get(num)!, value: withLength(value, o.stream.length), stream: o.stream }
        : { num: numbers.get(num)!, value },
    );
  }
  const stream = contentObj.stream ?? new Uint8Array(0);
  const form: PdfDict = dict({
    Type: name('XObject'),
    Subtype: name('Form'),
    BBox: [0, 0, w, h],
    Resources: resources,
    Length: stream.length,
  });
  const filter = content.get('Filter');
  if (filter !== undefined) form.set('Filter', filter);
  objects.push({ num: first, value: form, stream });
  return { objects, xobject: new PdfRef(first, 0), next };
}

/** A stream's dictionary with its length written directly (the copy's length object is not copied). */
function withLength(v: PdfValue, length: number): PdfValue {
  if (!isDict(v)) return v;
  const d: PdfDict = new Map(v);
  d.set('Length', length);
  return d;
}
