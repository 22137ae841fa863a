/**
 * Lays a document's sections out on PDF pages: the national header, title, paragraphs, fields,
 * ruled tables (headers fitted between words, repeated on each page), signature rows kept with the
 * last rows they sign, and the book's heading repeated on continuation pages. Records where each
 * page, header cell and signature place went (see `placement.ts`).
 */
import type { FontRole } from './fonts.js';
import { fitHeader, type HeaderFit } from './header-fit.js';
import { columnWidths, GEOMETRY, headerGrid } from './layout.js';
import { KEEP_ROWS, keepRuns } from './keep.js';
import { fontMeasure } from './metrics.js';
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
  type Section,
  type SignaturesBlock,
  type TableBlock,
} from './model.js';
import type { Pdf } from './pdf-document.js';
import type { HeaderPlace, PagePlace, SignaturePlace } from './placement.js';
import { viDateTime } from './text.js';

/** Red of a paper correction (strike-through and minutes mark). */
const CORRECTION_RED = '#c00000';
const INK = '#000000';
const GREY = '#444444';
const SIZES = { small: 8.5, normal: 10.5, large: 12.5 } as const;
const PAD_X = 2.5;
const PAD_Y = 2;
/** Room left for a hand signature and the seal between the hint and the printed name. */
const SIGN_SPACE = 46;
/** Continuation pages print the book's heading with this mark. */
export const CONTINUED = '(tiếp theo)';

/** A font, size, alignment and colour. */
export interface TextStyle {
  readonly font: FontRole;
  readonly size: number;
  readonly align?: Align;
  readonly color?: string;
  readonly strike?: boolean;
}

/** The running head of a section: its own, or its title and subtitle. */
export function runningHead(s: Section): string {
  return s.runningHead ?? [s.title, ...(s.subtitle ?? [])].join(' — ');
}

/** Lays a document out page by page; tracks the cursor, the section and what went where. */
export class Layout {
  y = 0;
  orientation: Orientation = 'portrait';
  section = 0;
  private head = '';
  readonly pages: PagePlace[] = [];
  readonly signatures: SignaturePlace[] = [];
  readonly headers: HeaderPlace[] = [];
  constructor(readonly pdf: Pdf) {}

  get width(): number {
    return pageSize(this.orientation).width;
  }
  get height(): number {
    return pageSize(this.orientation).height;
  }
  get bottom(): number {
    return this.height - GEOMETRY.footer;
  }
  get contentWidth(): number {
    return this.width - 2 * GEOMETRY.side;
  }
  /** Height of a page's body, top margin to footer. */
  get pageRoom(): number {
    return this.bottom - GEOMETRY.top;
  }
  /** The current page's number, 1-based. */
  get page(): number {
    return this.pages.length;
  }

  /** Start a section: its first page. */
  startSection(index: number, s: Section): void {
    this.section = index;
    this.head = runningHead(s);
    this.addPage(s.orientation, false);
  }

  /** Continue the section on a new page, with the book's heading in the top margin. */
  newPage(): void {
    this.addPage(this.orientation, true);
  }

  private addPage(o: Orientation, continuation: boolean): void {
    this.orientation = o;
    this.pdf.addPage({ size: 'A4', layout: o, margin: 0 });
    const { width, height } = pageSize(o);
    this.pages.push({
      page: this.pages.length + 1,
      section: this.section,
      orientation: o,
      width,
      height,
      continuation,
    });
    this.y = GEOMETRY.top;
    if (continuation) this.drawRunningHead();
  }

  /** The book's heading above the body of a continuation page, inside the top margin. */
  private drawRunningHead(): void {
    const style: TextStyle = { font: 'italic', size: 8, align: 'center', color: GREY };
    const text = `${this.head} ${CONTINUED}`;
    const h = this.measure(text, this.contentWidth, style);
    this.draw(text, GEOMETRY.side, Math.max(4, GEOMETRY.top - 4 - h), this.contentWidth, style);
  }

  /** Start a new page when `h` points do not fit above the footer; true when it did. */
  ensure(h: number): boolean {
    if (this.y + h <= this.bottom) return false;
    this.newPage();
    return true;
  }

  /**
   * Like {@link ensure}, but only when `h` (and `repeated`, what a fresh page repeats first, e.g. a
   * table's header) fits on a fresh page at all; otherwise leave the flow alone. True when it broke.
   */
  keep(h: number, repeated = 0): boolean {
    return h + repeated <= this.pageRoom ? this.ensure(h) : false;
  }

  /** Top-down page y to PDF user space (bottom-up) for a box of height `h`. */
  userY(y: number, h: number): number {
    return this.height - y - h;
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

/** The rule under the school's name and under the motto: `w` wide, centred on `cx`, at `y`. */
function underline(l: Layout, cx: number, y: number, w: number): void {
  l.pdf
    .moveTo(cx - w / 2, y)
    .lineTo(cx + w / 2, y)
    .lineWidth(0.6)
    .strokeColor(INK)
    .stroke();
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
    underline(l, x0 + leftW / 2, yl + 3, Math.min(leftW * 0.4, 80));
    yl += 8;
  }
  if (h.number) yl += l.draw(h.number, x0, yl, leftW, { font: 'regular', size: 10, align: 'center' });
  let yr = l.y;
  if (h.motto) {
    const xr = x0 + leftW;
    yr += l.draw(NATIONAL_MOTTO[0], xr, yr, rightW, { font: 'bold', size: 10, align: 'center' });
    const m2 = { font: 'bold', size: 11, align: 'center' } as const;
    yr += l.draw(NATIONAL_MOTTO[1], xr, yr, rightW, m2);
    underline(l, xr + rightW / 2, yr + 3, l.textWidth(NATIONAL_MOTTO[1], m2));
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

function paragraphStyle(b: ParagraphBlock): TextStyle {
  const size = SIZES[b.size ?? 'normal'];
  const font: FontRole = b.bold && b.italic ? 'boldItalic' : b.bold ? 'bold' : b.italic ? 'italic' : 'regular';
  return { font, size, align: b.align ?? 'left' };
}

function measureParagraph(l: Layout, b: ParagraphBlock): number {
  const style = paragraphStyle(b);
  return b.text.split('\n').reduce((a, line) => a + l.measure(line, l.contentWidth, style), 0) + style.size * 0.4;
}

function drawParagraph(l: Layout, b: ParagraphBlock): void {
  const style = paragraphStyle(b);
  // Hard lines are laid out one by one so a long paragraph can continue on the next page.
  for (const line of b.text.split('\n')) {
    const h = l.measure(line, l.contentWidth, style);
    l.ensure(h);
    l.y += l.draw(line, GEOMETRY.side, l.y, l.contentWidth, style);
  }
  l.y += style.size * 0.4;
}

function fieldRowHeights(l: Layout, b: FieldsBlock): number[] {
  const colW = l.contentWidth / b.columns;
  const out: number[] = [];
  for (let i = 0; i < b.items.length; i += b.columns) {
    const rowItems = b.items.slice(i, i + b.columns);
    out.push(
      Math.max(
        ...rowItems.map((f) => l.measure(`${f.label}: ${f.value}`, colW - 6, { font: 'bold', size: SIZES.normal })),
      ),
    );
  }
  return out;
}

function measureFields(l: Layout, b: FieldsBlock): number {
  return fieldRowHeights(l, b).reduce((a, h) => a + h + 3, 0) + 4;
}

function drawFields(l: Layout, b: FieldsBlock): void {
  const size = SIZES.normal;
  const colW = l.contentWidth / b.columns;
  const heights = fieldRowHeights(l, b);
  for (let i = 0, r = 0; i < b.items.length; i += b.columns, r++) {
    const rowItems = b.items.slice(i, i + b.columns);
    const h = heights[r]!;
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

/** One header cell's label, upright or turned, centred in its box (top-down page coordinates). */
function drawHeaderLabel(l: Layout, f: HeaderFit, x: number, y: number, w: number, h: number): void {
  const pdf = l.pdf.font('condensedBold').fontSize(f.size).fillColor(INK);
  const widthOf = (s: string): number => pdf.widthOfString(s);
  if (!f.turned) {
    const top = y + (h - f.height) / 2;
    f.lines.forEach((line, k) => {
      pdf.text(line, x + (w - widthOf(line)) / 2, top + k * f.lineHeight, { lineBreak: false, lineGap: 0 });
    });
    return;
  }
  // Turned a quarter anticlockwise: text reads upwards; successive lines step to the right.
  const left = x + (w - f.width) / 2;
  f.lines.forEach((line, k) => {
    const ox = left + k * f.lineHeight;
    const oy = y + (h + widthOf(line)) / 2;
    pdf.save();
    pdf.rotate(-90, { origin: [ox, oy] });
    pdf.text(line, ox, oy, { lineBreak: false, lineGap: 0 });
    pdf.restore();
  });
}

/**
 * A ruled table; `tail` is the height of what follows it up to a signature row, kept on one page
 * with its last rows and notes (0: nothing to keep).
 */
function drawTable(l: Layout, b: TableBlock, blockIndex: number, tail: number): void {
  const size = b.fontSize ?? 8;
  const leaves = leafColumns(b.columns);
  const widths = columnWidths(leaves, l.contentWidth);
  const xs: number[] = [GEOMETRY.side];
  for (const w of widths) xs.push(xs[xs.length - 1]! + w);
  const grid = headerGrid(b.columns);
  const spanWidth = (col: number, n: number): number => xs[col + n]! - xs[col]!;
  const fits = fitHeader(grid, (i) => spanWidth(grid.cells[i]!.col, grid.cells[i]!.colSpan) - 2 * PAD_X, {
    size,
    maxTurnedLength: l.pageRoom / 2,
    measure: fontMeasure('condensedBold'),
  });

  // Header row heights: each row as tall as its tallest single-row cell; a leaf spanning several
  // rows whose label is taller than those rows together stretches the last row it covers.
  const rowH = new Array<number>(grid.depth).fill(size + 2 * PAD_Y);
  grid.cells.forEach((c, i) => {
    if (c.rowSpan === 1) rowH[c.row] = Math.max(rowH[c.row]!, fits[i]!.height + 2 * PAD_Y);
  });
  grid.cells.forEach((c, i) => {
    if (c.rowSpan === 1) return;
    const need = fits[i]!.height + 2 * PAD_Y;
    let have = 0;
    for (let r = c.row; r < c.row + c.rowSpan; r++) have += rowH[r]!;
    if (need > have) rowH[c.row + c.rowSpan - 1]! += need - have;
  });
  const rowY: number[] = [0];
  for (const h of rowH) rowY.push(rowY[rowY.length - 1]! + h);
  const headerH = rowY[rowY.length - 1]!;

  const drawHead = (): void => {
    l.pdf.lineWidth(0.5);
    grid.cells.forEach((c, i) => {
      const x = xs[c.col]!;
      const w = spanWidth(c.col, c.colSpan);
      const y = l.y + rowY[c.row]!;
      const h = rowY[c.row + c.rowSpan]! - rowY[c.row]!;
      l.pdf.rect(x, y, w, h).fillAndStroke('#eeeeee', INK);
      drawHeaderLabel(l, fits[i]!, x, y, w, h);
      l.headers.push({
        page: l.page,
        x,
        y: l.userY(y, h),
        w,
        h,
        section: l.section,
        block: blockIndex,
        label: c.label,
        fit: fits[i]!,
      });
    });
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
  const rowHeights = bodies.map((cells) => Math.max(size + 2 * PAD_Y, ...cells.map((c) => c.h + 2 * PAD_Y)));
  const noteStyle: TextStyle = { font: 'italic', size: SIZES.small };
  const notes = (b.notes ?? []).map((n) => ({ text: n, h: l.measure(n, l.contentWidth, noteStyle) }));
  const notesH = 4 + notes.reduce((a, n) => a + n.h + 1, 0) + 6;
  // The last rows, the notes and what follows up to the signatures go onto one page when they can.
  const keepFrom = tail > 0 ? Math.max(0, bodies.length - KEEP_ROWS) : -1;
  const restFrom = (r: number): number => rowHeights.slice(r).reduce((a, h) => a + h, 0) + notesH + tail;

  if (!(keepFrom === 0 && l.keep(headerH + restFrom(0)))) l.ensure(headerH + (rowHeights[0] ?? 0));
  drawHead();
  bodies.forEach((cells, r) => {
    const h = rowHeights[r]!;
    const broke = (r === keepFrom && r > 0 && l.keep(restFrom(r), headerH)) || l.ensure(h);
    if (broke) drawHead();
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
  });
  l.y += 4;
  notes.forEach((n, i) => {
    // Where the rows could not travel with the signatures, the last note does.
    const kept = i === notes.length - 1 && tail > 0 && l.keep(n.h + 1 + 6 + tail);
    if (!kept) l.ensure(n.h);
    l.y += l.draw(n.text, GEOMETRY.side, l.y, l.contentWidth, noteStyle) + 1;
  });
  l.y += 6;
}

interface SignatureParts {
  readonly lines: CellLine[];
  readonly after: CellLine[];
  readonly w: number;
  readonly hBefore: number;
  readonly hAfter: number;
}

function signatureParts(l: Layout, b: SignaturesBlock): SignatureParts[] {
  const colW = l.contentWidth / b.items.length;
  return b.items.map((s) => {
    const w = colW - 8;
    const lines: CellLine[] = [
      { text: s.title, style: { font: 'bold', size: 10, align: 'center' } },
      { text: s.note ?? '(Ký, ghi rõ họ tên)', style: { font: 'italic', size: 9, align: 'center' } },
    ];
    const after: CellLine[] = [{ text: s.name, style: { font: 'bold', size: 10.5, align: 'center' } }];
    if (s.fingerprint)
      after.push({ text: `Khóa ${s.fingerprint}`, style: { font: 'mono', size: 7, align: 'center', color: GREY } });
    if (s.signedAt)
      after.push({
        text: `Ký số lúc ${viDateTime(s.signedAt)}`,
        style: { font: 'italic', size: 7.5, align: 'center', color: GREY },
      });
    const hBefore = lines.reduce((a, ln) => a + l.measure(ln.text, w, ln.style), 0);
    const hAfter = after.reduce((a, ln) => a + l.measure(ln.text, w, ln.style), 0);
    return { lines, after, w, hBefore, hAfter };
  });
}

function signaturesHeight(parts: SignatureParts[]): number {
  return Math.max(...parts.map((p) => p.hBefore)) + SIGN_SPACE + Math.max(...parts.map((p) => p.hAfter));
}

function measureSignatures(l: Layout, b: SignaturesBlock): number {
  return signaturesHeight(signatureParts(l, b)) + 6 + 8;
}

function drawSignatures(l: Layout, b: SignaturesBlock, blockIndex: number): void {
  const colW = l.contentWidth / b.items.length;
  const parts = signatureParts(l, b);
  const hBefore = Math.max(...parts.map((p) => p.hBefore));
  const total = signaturesHeight(parts);
  l.ensure(total + 6);
  l.y += 6;
  parts.forEach((p, i) => {
    const x = GEOMETRY.side + i * colW + 4;
    let y = l.y;
    for (const ln of p.lines) y += l.draw(ln.text, x, y, p.w, ln.style);
    const place = l.y + hBefore;
    const s = b.items[i]!;
    l.signatures.push({
      page: l.page,
      x,
      y: l.userY(place, SIGN_SPACE),
      w: p.w,
      h: SIGN_SPACE,
      section: l.section,
      block: blockIndex,
      item: i,
      ...(s.role !== undefined ? { role: s.role } : {}),
      title: s.title,
      name: s.name,
    });
    y = place + SIGN_SPACE;
    for (const ln of p.after) y += l.draw(ln.text, x, y, p.w, ln.style);
  });
  l.y += total + 8;
}

/** Height of a block that is not a table (the blocks kept with a signature row). */
function measureBlock(l: Layout, b: Exclude<Block, TableBlock>): number {
  switch (b.kind) {
    case 'paragraph':
      return measureParagraph(l, b);
    case 'fields':
      return measureFields(l, b);
    case 'signatures':
      return measureSignatures(l, b);
    case 'spacer':
      return b.size;
  }
}

/**
 * Where each keep run starts (its table, or its first block) and the height of its blocks other
 * than the table: the table keeps its last rows with them, other blocks break before the run.
 */
function keepHeights(l: Layout, blocks: ReadonlyArray<Block>): Map<number, number> {
  const out = new Map<number, number>();
  for (const run of keepRuns(blocks)) {
    let h = 0;
    for (let k = run.from; k <= run.to; k++) {
      const x = blocks[k]!;
      if (x.kind !== 'table') h += measureBlock(l, x);
    }
    out.set(run.table ?? run.from, h);
  }
  return out;
}

/** Lay out one section from its first page. */
export function drawSection(l: Layout, index: number, s: Section): void {
  l.startSection(index, s);
  if (s.header) drawHeader(l, s.header);
  drawTitle(l, s);
  const runs = keepHeights(l, s.blocks);
  s.blocks.forEach((b, i) => {
    const run = runs.get(i);
    switch (b.kind) {
      case 'paragraph':
        if (run !== undefined) l.keep(run);
        return drawParagraph(l, b);
      case 'fields':
        if (run !== undefined) l.keep(run);
        return drawFields(l, b);
      case 'table':
        return drawTable(l, b, i, run ?? 0);
      case 'signatures':
        return drawSignatures(l, b, i);
      case 'spacer':
        if (run !== undefined) l.keep(run);
        l.y += b.size;
        return;
    }
  });
}
