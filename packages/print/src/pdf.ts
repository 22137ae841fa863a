import PDFDocument from 'pdfkit';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { PrintFailure, printError, type PrintError } from './errors.js';
import { FONT_ROLES, fontData, type FontRole } from './fonts.js';
import { columnWidths, GEOMETRY, headerGrid } from './layout.js';
import {
  cellValue,
  leafColumns,
  NATIONAL_MOTTO,
  pageSize,
  type Align,
  type Block,
  type FieldsBlock,
  type FormHeader,
  type Orientation,
  type ParagraphBlock,
  type PrintDocument,
  type Section,
  type SignaturesBlock,
  type TableBlock,
} from './model.js';
import { formatProofReference, proofReferenceOf } from './proof-ref.js';
import { darkRuns, qrMatrix, QR_QUIET_ZONE } from './qr.js';
import { shortenHex } from './text.js';
import { documentTexts, validateDocument } from './validate.js';

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
interface PdfInfo {
  readonly title: string;
  readonly author?: string;
  readonly subject?: string;
  readonly creationDate: Date;
  readonly proofRef?: string;
}

type Pdf = PDFKit.PDFDocument;

/** Red of a paper correction (strike-through and minutes mark). */
const CORRECTION_RED = '#c00000';
const INK = '#000000';
const GREY = '#444444';
const SIZES = { small: 8.5, normal: 10.5, large: 12.5 } as const;

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

function newPdf(info: PdfInfo, pdfa: boolean): Pdf {
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
 * pdfkit writes the XMP mirror of the document information with the values pasted in unescaped (pdfkit is pinned to the version this was written against),
 * so a school named "… GD&ĐT …" would make the XMP packet ill-formed XML (and the PDF/A invalid).
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
  return last === 'fingerprint' || last === 'origin' || last === 'book'
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

interface TextStyle {
  readonly font: FontRole;
  readonly size: number;
  readonly align?: Align;
  readonly color?: string;
  readonly strike?: boolean;
}

/** Lays a document out page by page; tracks the cursor and the pages' orientations. */
class Layout {
  y = 0;
  orientation: Orientation = 'portrait';
  constructor(readonly pdf: Pdf) {}

  get width(): number {
    return pageSize(this.orientation).width;
  }
  get bottom(): number {
    return pageSize(this.orientation).height - GEOMETRY.footer;
  }
  get contentWidth(): number {
    return this.width - 2 * GEOMETRY.side;
  }

  newPage(o: Orientation): void {
    this.orientation = o;
    this.pdf.addPage({ size: 'A4', layout: o, margin: 0 });
    this.y = GEOMETRY.top;
  }

  /** Start a new page when `h` points do not fit above the footer; true when it did. */
  ensure(h: number): boolean {
    if (this.y + h <= this.bottom) return false;
    this.newPage(this.orientation);
    return true;
  }

  measure(text: string, width: number, s: TextStyle): number {
    if (text === '') return this.pdf.font(s.font).fontSize(s.size).currentLineHeight();
    return this.pdf.font(s.font).fontSize(s.size).heightOfString(text, { width, lineGap: 0 });
  }

  textWidth(text: string, s: TextStyle): number {
    return this.pdf.font(s.font).fontSize(s.size).widthOfString(text);
  }

  draw(text: string, x: number, y: number, width: number, s: TextStyle): number {
    const h = this.measure(text, width, s);
    if (text !== '') {
      this.pdf
        .font(s.font)
        .fontSize(s.size)
        .fillColor(s.color ?? INK)
        .text(text, x, y, { width, align: s.align ?? 'left', lineGap: 0, strike: s.strike ?? false, lineBreak: true });
    }
    return h;
  }
}

function drawHeader(l: Layout, h: FormHeader): void {
  const x0 = GEOMETRY.side;
  const w = l.contentWidth;
  if (h.formCode) l.draw(h.formCode, x0, GEOMETRY.top - 16, w, { font: 'italic', size: 8.5, align: 'right' });
  const leftW = w * 0.42;
  const rightW = w * 0.58;
  let yl = l.y;
  h.authority.forEach((line, i) => {
    const last = i === h.authority.length - 1;
    yl += l.draw(line, x0, yl, leftW, { font: last ? 'bold' : 'regular', size: 10, align: 'center' });
  });
  if (h.authority.length > 0) {
    const lw = Math.min(leftW * 0.4, 80);
    l.pdf
      .moveTo(x0 + (leftW - lw) / 2, yl + 3)
      .lineTo(x0 + (leftW + lw) / 2, yl + 3)
      .lineWidth(0.6)
      .strokeColor(INK)
      .stroke();
    yl += 8;
  }
  if (h.number) yl += l.draw(h.number, x0, yl, leftW, { font: 'regular', size: 10, align: 'center' });
  let yr = l.y;
  if (h.motto) {
    const xr = x0 + leftW;
    yr += l.draw(NATIONAL_MOTTO[0], xr, yr, rightW, { font: 'bold', size: 10, align: 'center' });
    const m2 = { font: 'bold', size: 11, align: 'center' } as const;
    yr += l.draw(NATIONAL_MOTTO[1], xr, yr, rightW, m2);
    const uw = l.textWidth(NATIONAL_MOTTO[1], m2);
    l.pdf
      .moveTo(xr + (rightW - uw) / 2, yr + 3)
      .lineTo(xr + (rightW + uw) / 2, yr + 3)
      .lineWidth(0.6)
      .strokeColor(INK)
      .stroke();
    yr += 9;
  }
  if (h.placeDate) yr += l.draw(h.placeDate, x0 + leftW, yr, rightW, { font: 'italic', size: 10, align: 'center' });
  l.y = Math.max(yl, yr) + 12;
}

function drawTitle(l: Layout, s: Section): void {
  const x0 = GEOMETRY.side;
  l.y += l.draw(s.title, x0, l.y, l.contentWidth, { font: 'bold', size: 14, align: 'center' });
  for (const sub of s.subtitle ?? [])
    l.y += l.draw(sub, x0, l.y + 2, l.contentWidth, { font: 'regular', size: 11, align: 'center' }) + 2;
  l.y += 10;
}

function drawParagraph(l: Layout, b: ParagraphBlock): void {
  const size = SIZES[b.size ?? 'normal'];
  const font: FontRole = b.bold && b.italic ? 'boldItalic' : b.bold ? 'bold' : b.italic ? 'italic' : 'regular';
  const style: TextStyle = { font, size, align: b.align ?? 'left' };
  // Hard lines are laid out one by one so a long paragraph can continue on the next page.
  for (const line of b.text.split('\n')) {
    const h = l.measure(line, l.contentWidth, style);
    l.ensure(h);
    l.y += l.draw(line, GEOMETRY.side, l.y, l.contentWidth, style);
  }
  l.y += size * 0.4;
}

function drawFields(l: Layout, b: FieldsBlock): void {
  const size = SIZES.normal;
  const colW = l.contentWidth / b.columns;
  for (let i = 0; i < b.items.length; i += b.columns) {
    const rowItems = b.items.slice(i, i + b.columns);
    const h = Math.max(...rowItems.map((f) => l.measure(`${f.label}: ${f.value}`, colW - 6, { font: 'bold', size })));
    l.ensure(h);
    rowItems.forEach((f, k) => {
      const x = GEOMETRY.side + k * colW;
      l.pdf
        .font('regular')
        .fontSize(size)
        .fillColor(INK)
        .text(`${f.label}: `, x, l.y, { width: colW - 6, continued: true, lineGap: 0 })
        .font('bold')
        .text(f.value === '' ? ' ' : f.value, { lineGap: 0 });
    });
    l.y += h + 3;
  }
  l.y += 4;
}

const PAD_X = 2.5;
const PAD_Y = 2;

interface CellLine {
  readonly text: string;
  readonly style: TextStyle;
}

/** The lines of a body cell: a corrected value shows old (struck, red), new, and the minutes. */
function cellLines(c: ReturnType<typeof cellValue>, size: number, align: Align): CellLine[] {
  const value: CellLine = { text: c.text, style: { font: c.bold ? 'condensedBold' : 'condensed', size, align } };
  if (!c.correction) return [value];
  return [
    {
      text: c.correction.old === '' ? '(trống)' : c.correction.old,
      style: { font: 'condensed', size, align, color: CORRECTION_RED, strike: true },
    },
    value,
    {
      text: `BB ${c.correction.minutes}`,
      style: { font: 'condensed', size: Math.max(5.5, size - 2), align, color: CORRECTION_RED },
    },
  ];
}

function drawTable(l: Layout, b: TableBlock): void {
  const size = b.fontSize ?? 8;
  const leaves = leafColumns(b.columns);
  const widths = columnWidths(leaves, l.contentWidth);
  const xs: number[] = [GEOMETRY.side];
  for (const w of widths) xs.push(xs[xs.length - 1]! + w);
  const grid = headerGrid(b.columns);
  const headStyle: TextStyle = { font: 'condensedBold', size, align: 'center' };
  const spanWidth = (col: number, n: number): number => xs[col + n]! - xs[col]!;

  // Header row heights: each row as tall as its tallest single-row cell; a leaf spanning several
  // rows whose label is taller than those rows together stretches the last row it covers.
  const rowH = new Array<number>(grid.depth).fill(size + 2 * PAD_Y);
  for (const c of grid.cells)
    if (c.rowSpan === 1)
      rowH[c.row] = Math.max(
        rowH[c.row]!,
        l.measure(c.label, spanWidth(c.col, c.colSpan) - 2 * PAD_X, headStyle) + 2 * PAD_Y,
      );
  for (const c of grid.cells)
    if (c.rowSpan > 1) {
      const need = l.measure(c.label, spanWidth(c.col, c.colSpan) - 2 * PAD_X, headStyle) + 2 * PAD_Y;
      let have = 0;
      for (let r = c.row; r < c.row + c.rowSpan; r++) have += rowH[r]!;
      if (need > have) rowH[c.row + c.rowSpan - 1]! += need - have;
    }
  const rowY: number[] = [0];
  for (const h of rowH) rowY.push(rowY[rowY.length - 1]! + h);
  const headerH = rowY[rowY.length - 1]!;

  const drawHead = (): void => {
    for (const c of grid.cells) {
      const x = xs[c.col]!;
      const w = spanWidth(c.col, c.colSpan);
      const y = l.y + rowY[c.row]!;
      const h = rowY[c.row + c.rowSpan]! - rowY[c.row]!;
      l.pdf.rect(x, y, w, h).fillAndStroke('#eeeeee', INK);
      const th = l.measure(c.label, w - 2 * PAD_X, headStyle);
      l.draw(c.label, x + PAD_X, y + (h - th) / 2, w - 2 * PAD_X, headStyle);
    }
    l.y += headerH;
  };

  const bodies = b.rows.map((row) =>
    row.map((cell, i) => {
      const lines = cellLines(cellValue(cell), size, leaves[i]!.align ?? 'center');
      const w = widths[i]! - 2 * PAD_X;
      const heights = lines.map((ln) => l.measure(ln.text, w, ln.style));
      return { lines, heights, h: heights.reduce((a, x) => a + x, 0) };
    }),
  );

  l.pdf.lineWidth(0.5);
  const firstRowH = bodies.length > 0 ? Math.max(...bodies[0]!.map((c) => c.h)) + 2 * PAD_Y : 0;
  l.ensure(headerH + firstRowH);
  l.pdf.lineWidth(0.5);
  drawHead();
  for (const cells of bodies) {
    const h = Math.max(size + 2 * PAD_Y, ...cells.map((c) => c.h + 2 * PAD_Y));
    if (l.ensure(h)) {
      l.pdf.lineWidth(0.5);
      drawHead();
    }
    cells.forEach((c, i) => {
      const x = xs[i]!;
      const w = widths[i]!;
      l.pdf.rect(x, l.y, w, h).lineWidth(0.5).strokeColor(INK).stroke();
      let y = l.y + (h - c.h) / 2;
      c.lines.forEach((ln, k) => {
        l.draw(ln.text, x + PAD_X, y, w - 2 * PAD_X, ln.style);
        y += c.heights[k]!;
      });
    });
    l.y += h;
  }
  l.y += 4;
  for (const note of b.notes ?? []) {
    const st: TextStyle = { font: 'italic', size: SIZES.small };
    l.ensure(l.measure(note, l.contentWidth, st));
    l.y += l.draw(note, GEOMETRY.side, l.y, l.contentWidth, st) + 1;
  }
  l.y += 6;
}

/** Room left for a hand signature and the seal between the hint and the printed name. */
const SIGN_SPACE = 46;

function drawSignatures(l: Layout, b: SignaturesBlock): void {
  const n = b.items.length;
  const colW = l.contentWidth / n;
  const parts = b.items.map((s) => {
    const w = colW - 8;
    const lines: CellLine[] = [
      { text: s.title, style: { font: 'bold', size: 10, align: 'center' } },
      { text: s.note ?? '(Ký, ghi rõ họ tên)', style: { font: 'italic', size: 9, align: 'center' } },
    ];
    const after: CellLine[] = [{ text: s.name, style: { font: 'bold', size: 10.5, align: 'center' } }];
    if (s.fingerprint)
      after.push({ text: `Khóa ${s.fingerprint}`, style: { font: 'mono', size: 7, align: 'center', color: GREY } });
    if (s.signedAt)
      after.push({ text: `Ký số: ${s.signedAt}`, style: { font: 'italic', size: 7.5, align: 'center', color: GREY } });
    const hBefore = lines.reduce((a, ln) => a + l.measure(ln.text, w, ln.style), 0);
    const hAfter = after.reduce((a, ln) => a + l.measure(ln.text, w, ln.style), 0);
    return { lines, after, w, hBefore, hAfter };
  });
  const hBefore = Math.max(...parts.map((p) => p.hBefore));
  const total = hBefore + SIGN_SPACE + Math.max(...parts.map((p) => p.hAfter));
  l.ensure(total + 6);
  l.y += 6;
  parts.forEach((p, i) => {
    const x = GEOMETRY.side + i * colW + 4;
    let y = l.y;
    for (const ln of p.lines) y += l.draw(ln.text, x, y, p.w, ln.style);
    y = l.y + hBefore + SIGN_SPACE;
    for (const ln of p.after) y += l.draw(ln.text, x, y, p.w, ln.style);
  });
  l.y += total + 8;
}

function drawBlock(l: Layout, b: Block): void {
  switch (b.kind) {
    case 'paragraph':
      return drawParagraph(l, b);
    case 'fields':
      return drawFields(l, b);
    case 'table':
      return drawTable(l, b);
    case 'signatures':
      return drawSignatures(l, b);
    case 'spacer':
      l.y += b.size;
      return;
  }
}

/** The verification footer: QR code, origin, checkpoint size and shortened root, page number. */
function drawFooter(pdf: Pdf, doc: PrintDocument, o: Orientation, page: number, pages: number): void {
  const { width, height } = pageSize(o);
  const v = doc.verification;
  const top = height - GEOMETRY.footer + 6;
  pdf
    .moveTo(GEOMETRY.side, top)
    .lineTo(width - GEOMETRY.side, top)
    .lineWidth(0.5)
    .strokeColor(GREY)
    .stroke();

  const m = qrMatrix(formatProofReference(proofReferenceOf(v)));
  const unit = GEOMETRY.qr / m.size;
  const qx = GEOMETRY.side;
  const qy = top + QR_QUIET_ZONE * unit + 3;
  for (const [r, c, len] of darkRuns(m)) pdf.rect(qx + c * unit, qy + r * unit, len * unit, unit);
  pdf.fillColor(INK).fill();

  const tx = qx + GEOMETRY.qr + QR_QUIET_ZONE * unit + 2;
  const tw = width - GEOMETRY.side - tx - 70;
  let y = top + 8;
  // Labels in the serif (DejaVu Sans Mono lacks many Vietnamese letters); values in monospace.
  const line = (parts: ReadonlyArray<readonly [string, FontRole]>, size: number): void => {
    pdf.fillColor(INK).fontSize(size);
    parts.forEach(([text, font], i) => {
      pdf.font(font);
      if (i === 0) pdf.text(text, tx, y, { width: tw, lineGap: 0, lineBreak: false, continued: i < parts.length - 1 });
      else pdf.text(text, { lineGap: 0, lineBreak: false, continued: i < parts.length - 1 });
    });
    y += size + 3;
  };
  line(
    [
      ['Bản in kiểm chứng được: quét mã QR hoặc chạy ', 'italic'],
      ['hoso verify', 'mono'],
      [' với dữ liệu của trường.', 'italic'],
    ],
    7.5,
  );
  line(
    [
      ['Nguồn (origin): ', 'regular'],
      [v.origin, 'mono'],
    ],
    7.5,
  );
  line(
    [
      ['Điểm kiểm (checkpoint): cỡ ', 'regular'],
      [String(v.size), 'mono'],
      [' · gốc ', 'regular'],
      [shortenHex(v.root), 'mono'],
    ],
    7.5,
  );
  const extra: Array<readonly [string, FontRole]> = [];
  if (v.index !== undefined) extra.push(['Sự kiện cuối của sổ: #', 'regular'], [String(v.index), 'mono']);
  if (v.book !== undefined) extra.push([extra.length > 0 ? ' · sổ ' : 'Sổ ', 'regular'], [v.book, 'mono']);
  if (extra.length > 0) line(extra, 7.5);
  if (v.printedAt !== undefined) line([[`In lúc ${v.printedAt}`, 'italic']], 7);
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

/**
 * Render a document to PDF: A4 pages in each section's orientation, DejaVu fonts embedded
 * (subset), every table header repeated on each page it spans, and the verification footer with
 * its QR code on every page. By default an archival {@link PDFA_PROFILE} file (see
 * {@link PdfOptions.pdfa}) with the title, the school as author, the form as subject, the creation
 * date and producer `hoso` in its document information and XMP metadata. Rejects with a {@link PrintFailure} (code, path, rule) on an invalid
 * document or a character the fonts cannot print.
 */
export async function renderPdf(doc: PrintDocument, options: PdfOptions = {}): Promise<Uint8Array> {
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
  const orientations: Orientation[] = [];
  for (const raw of doc.sections) {
    const s = normalizeSection(raw);
    const before = pdf.bufferedPageRange().count;
    l.newPage(s.orientation);
    if (s.header) drawHeader(l, s.header);
    drawTitle(l, s);
    for (const b of s.blocks) drawBlock(l, b);
    const after = pdf.bufferedPageRange().count;
    for (let i = before; i < after; i++) orientations.push(s.orientation);
  }
  const total = pdf.bufferedPageRange().count;
  for (let i = 0; i < total; i++) {
    pdf.switchToPage(i);
    drawFooter(pdf, doc, orientations[i]!, i + 1, total);
  }
  pdf.end();
  return done;
}

/** NFC-normalise every string of a section (composed Vietnamese letters have single glyphs). */
function normalizeSection(s: Section): Section {
  return JSON.parse(JSON.stringify(s), (_k, v: unknown) => (typeof v === 'string' ? v.normalize('NFC') : v)) as Section;
}
