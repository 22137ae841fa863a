/**
 * The HTML renderer: one self-contained file per document, A4 `@page` rules with the verification
 * footer and the book's running heading in the page-margin boxes, table headers set as the PDF
 * sets them (between words, shrunk or turned), and a sheet per section on screen.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { PrintFailure } from './errors.js';
import { fontData, type FontRole } from './fonts.js';
import { FINE_PRINT_LABEL, footerContent, footerText } from './footer.js';
import { fitHeader, type HeaderFit } from './header-fit.js';
import { GEOMETRY, headerGrid, columnWidths } from './layout.js';
import { KEEP_ROWS, keepRuns } from './keep.js';
import { fontMeasure } from './metrics.js';
import {
  cellValue,
  leafColumns,
  type Cell,
  NATIONAL_MOTTO,
  pageSize,
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
import { CONTINUED, runningHead } from './pdf-layout.js';
import { formatProofReference, proofReferenceOf } from './proof-ref.js';
import { qrMatrix, qrSvg, QR_QUIET_ZONE } from './qr.js';
import { viDateTime } from './text.js';
import { validateDocument } from './validate.js';

/** Side in points of the QR image with its quiet zone, the symbol itself being `GEOMETRY.qr`. */
function qrFullSize(ref: string): number {
  const n = qrMatrix(ref).size;
  return (GEOMETRY.qr * (n + 2 * QR_QUIET_ZONE)) / n;
}

/** Horizontal padding of a table cell (points), as in the PDF. */
const PAD_X = 2.5;

/** Height of the running head row at the top of a continuation page (points): two lines of 8 pt. */
const RUNNING_HEAD = 20;

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /**
   * Embed the DejaVu Serif fonts (base64 `@font-face`, about 2 MB) so the page looks the same on
   * a machine without Vietnamese fonts. Default false: the page asks for Times New Roman /
   * Liberation Serif / DejaVu Serif, which every desktop that reads Vietnamese has.
   */
  readonly embedFonts?: boolean;
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escape text for a CSS string literal (`content: "…"`); newlines become `\A`. */
function cssString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\A ')}"`;
}

const text = (s: string): string => escapeHtml(s.normalize('NFC')).replace(/\n/g, '<br>');

function header(h: FormHeader): string {
  const auth = h.authority
    .map((line, i) =>
      i === h.authority.length - 1 ? `<div class="b u">${text(line)}</div>` : `<div>${text(line)}</div>`,
    )
    .join('');
  const left = `<div class="hl">${auth}${h.number ? `<div class="num">${text(h.number)}</div>` : ''}</div>`;
  const motto = h.motto
    ? `<div class="b">${text(NATIONAL_MOTTO[0])}</div><div class="b u motto2">${text(NATIONAL_MOTTO[1])}</div>`
    : '';
  const right = `<div class="hr">${motto}${h.placeDate ? `<div class="i pd">${text(h.placeDate)}</div>` : ''}</div>`;
  const code = h.formCode ? `<div class="formcode i">${text(h.formCode)}</div>` : '';
  return `${code}<header class="form-header">${left}${right}</header>`;
}

function paragraph(b: ParagraphBlock): string {
  const cls = [b.size ?? 'normal', b.bold ? 'b' : '', b.italic ? 'i' : '', `a-${b.align ?? 'left'}`]
    .filter(Boolean)
    .join(' ');
  return `<p class="${cls}">${text(b.text)}</p>`;
}

function fields(b: FieldsBlock): string {
  const items = b.items.map((f) => `<div>${text(f.label)}: <b>${text(f.value)}</b></div>`).join('');
  return `<div class="fields" style="grid-template-columns: repeat(${b.columns}, 1fr)">${items}</div>`;
}

/** A header cell's label as the fit sets it: upright (the browser wraps it at spaces only) or turned line by line. */
function headerLabel(label: string, f: HeaderFit): string {
  const size = `font-size:${f.size}pt`;
  if (f.turned) return `<div class="turn" style="${size}">${f.lines.map(text).join('<br>')}</div>`;
  // A cut word (see HeaderFit.cut) is cut where the PDF cuts it; otherwise the label wraps itself.
  return `<div class="up" style="${size}">${f.cut ? f.lines.map(text).join('<br>') : text(label)}</div>`;
}

/**
 * A ruled table. `tail`, when given, is what follows the table up to a signature row: it goes with
 * the table's last rows into a last body group the browser does not split (`break-inside: avoid`),
 * so the signatures stay on the page of the rows they sign.
 */
function table(b: TableBlock, o: Orientation, tail?: string): string {
  const leaves = leafColumns(b.columns);
  const widths = columnWidths(leaves, 100);
  const grid = headerGrid(b.columns);
  const size = b.fontSize ?? 8;
  // The same fits as the PDF: the same column widths in points, the same font's measure.
  const content = pageSize(o).width - 2 * GEOMETRY.side;
  const pts = columnWidths(leaves, content);
  const span = (col: number, n: number): number => pts.slice(col, col + n).reduce((a, w) => a + w, 0);
  const fits = fitHeader(grid, (i) => span(grid.cells[i]!.col, grid.cells[i]!.colSpan) - 2 * PAD_X, {
    size,
    maxTurnedLength: (pageSize(o).height - GEOMETRY.top - GEOMETRY.footer) / 2,
    measure: fontMeasure('condensedBold'),
  });
  const cols = widths.map((w) => `<col style="width:${w.toFixed(3)}%">`).join('');
  let head = '';
  for (let r = 0; r < grid.depth; r++) {
    const cells = grid.cells
      .map((c, i) => ({ c, f: fits[i]! }))
      .filter(({ c }) => c.row === r)
      .map(
        ({ c, f }) =>
          `<th${c.colSpan > 1 ? ` colspan="${c.colSpan}"` : ''}${c.rowSpan > 1 ? ` rowspan="${c.rowSpan}"` : ''}>${headerLabel(c.label, f)}</th>`,
      )
      .join('');
    head += `<tr>${cells}</tr>`;
  }
  const row = (cells: ReadonlyArray<Cell>): string => {
    const tds = cells
      .map((raw, i) => {
        const c = cellValue(raw);
        const align = leaves[i]!.align ?? 'center';
        const value = c.bold ? `<b>${text(c.text)}</b>` : text(c.text);
        const content = c.correction
          ? `<del class="old" title="Giá trị cũ">${c.correction.old === '' ? '(trống)' : text(c.correction.old)}</del>` +
            `<span class="new">${value}</span><span class="bb">BB ${text(c.correction.minutes)}</span>`
          : value;
        return `<td class="a-${align}${c.correction ? ' corrected' : ''}">${content}</td>`;
      })
      .join('');
    return `<tr>${tds}</tr>`;
  };
  const notes = (b.notes ?? []).map((n) => `<p class="note">${text(n)}</p>`).join('');
  const open = `<table class="grid" style="font-size:${size}pt"><colgroup>${cols}</colgroup><thead>${head}</thead>`;
  if (tail === undefined) return `${open}<tbody>\n${b.rows.map(row).join('\n')}\n</tbody></table>${notes}`;
  const cut = Math.max(0, b.rows.length - KEEP_ROWS);
  const rest = b.rows.slice(0, cut);
  return (
    open +
    (rest.length > 0 ? `<tbody>\n${rest.map(row).join('\n')}\n</tbody>` : '') +
    `<tbody class="keep">\n${b.rows.slice(cut).map(row).join('\n')}\n` +
    `<tr class="after"><td colspan="${leaves.length}">${notes}${tail}</td></tr></tbody></table>`
  );
}

function signatures(b: SignaturesBlock): string {
  const items = b.items
    .map(
      (s) =>
        `<div class="sig"${s.role !== undefined ? ` data-role="${s.role}"` : ''}><div class="b">${text(s.title)}</div><div class="i hint">${text(s.note ?? '(Ký, ghi rõ họ tên)')}</div>` +
        `<div class="space"></div><div class="b name">${text(s.name)}</div>` +
        (s.fingerprint ? `<div class="fp">Khóa <code>${text(s.fingerprint)}</code></div>` : '') +
        (s.signedAt ? `<div class="i at">Ký số lúc ${text(viDateTime(s.signedAt))}</div>` : '') +
        `</div>`,
    )
    .join('');
  return `<div class="sigs">${items}</div>`;
}

function block(b: Block, o: Orientation): string {
  switch (b.kind) {
    case 'paragraph':
      return paragraph(b);
    case 'fields':
      return fields(b);
    case 'table':
      return table(b, o);
    case 'signatures':
      return signatures(b);
    case 'spacer':
      return `<div style="height:${b.size}pt"></div>`;
  }
}

/** The verification lines of the footer, as plain text (one entry per line), the small print last. */
function footerLines(doc: PrintDocument): string[] {
  const f = footerContent(doc);
  return [...f.lines.map(footerText), footerText(f.finePrint)];
}

/**
 * A section's blocks, those of each keep run (see `keep.ts`) held together: after a table, with its
 * last rows; otherwise in one block the browser does not split.
 */
function sectionBody(s: Section): string {
  const runs = keepRuns(s.blocks);
  const out: string[] = [];
  for (let i = 0; i < s.blocks.length; i++) {
    const b = s.blocks[i]!;
    const run = runs.find((r) => (r.table ?? r.from) === i);
    if (run === undefined) {
      out.push(block(b, s.orientation));
      continue;
    }
    const kept = s.blocks
      .slice(run.from, run.to + 1)
      .map((x) => block(x, s.orientation))
      .join('\n');
    if (run.table !== undefined && b.kind === 'table') out.push(table(b, s.orientation, kept));
    else out.push(`<div class="keep">${kept}</div>`);
    i = run.to;
  }
  return out.join('\n');
}

/**
 * One section as a sheet. The book's heading for its continuation pages is the header of a layout
 * table, which the browser repeats at the top of every page the section runs onto; on the
 * section's first page the form's opening (national header, title) is drawn over it.
 */
function section(s: Section, screenFooter: string): string {
  const sub = (s.subtitle ?? []).map((l) => `<div class="subtitle">${text(l)}</div>`).join('');
  const head = `${runningHead(s)} ${CONTINUED}`;
  return (
    `<section class="sheet ${s.orientation}">` +
    `<table class="run"><thead><tr><td><div class="runhead">${text(head)}</div></td></tr></thead><tbody><tr><td>` +
    `<div class="opening">${s.header ? header(s.header) : ''}<h1>${text(s.title)}</h1>${sub}</div>` +
    sectionBody(s) +
    `</td></tr></tbody></table>` +
    screenFooter +
    `</section>`
  );
}

// Tables ask for the condensed cut (font-stretch), as the PDF sets them in DejaVu Serif Condensed.
const FACES: ReadonlyArray<[FontRole, string, string, string]> = [
  ['regular', 'normal', 'normal', 'normal'],
  ['bold', 'bold', 'normal', 'normal'],
  ['italic', 'normal', 'italic', 'normal'],
  ['boldItalic', 'bold', 'italic', 'normal'],
  ['condensed', 'normal', 'normal', 'condensed'],
  ['condensedBold', 'bold', 'normal', 'condensed'],
];

function fontFaces(): string {
  return FACES.map(
    ([role, weight, style, stretch]) =>
      `@font-face{font-family:"hoso-serif";font-weight:${weight};font-style:${style};font-stretch:${stretch};` +
      `src:url(data:font/ttf;base64,${fontData(role).toString('base64')}) format("truetype")}`,
  ).join('\n');
}

const PT = (n: number): string => `${n}pt`;

function css(doc: PrintDocument, qrDataUrl: string, embed: boolean): string {
  const family = `${embed ? '"hoso-serif", ' : ''}"Times New Roman", "Liberation Serif", "DejaVu Serif", serif`;
  const foot = footerLines(doc).join('\n');
  return `${embed ? fontFaces() : ''}
@page {
  size: A4 portrait;
  margin: ${PT(GEOMETRY.top)} ${PT(GEOMETRY.side)} ${PT(GEOMETRY.footer)} ${PT(GEOMETRY.side)};
  @bottom-left { content: url("${qrDataUrl}"); width: ${PT(Math.ceil(qrFullSize(formatProofReference(proofReferenceOf(doc.verification)))) + 2)}; vertical-align: top; padding-top: 3pt; }
  @bottom-center { content: ${cssString(foot)}; white-space: pre-wrap; text-align: left; vertical-align: top; padding-top: 10pt;
    font-family: ${family}; font-size: 7.5pt; line-height: 1.3; }
  @bottom-right { content: "Trang " counter(page) "/" counter(pages); width: 60pt; text-align: right; vertical-align: top;
    padding-top: 10pt; font-family: ${family}; font-size: 8.5pt; }
}
@page landscape { size: A4 landscape; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: ${family}; font-size: 10.5pt; color: #000; }
section.sheet.landscape { page: landscape; }
section.sheet + section.sheet { break-before: page; }
table.run { width: 100%; border-collapse: collapse; border-spacing: 0; }
table.run > * > tr > td { padding: 0; vertical-align: top; }
.runhead { height: ${PT(RUNNING_HEAD)}; overflow: hidden; font-size: 8pt; line-height: 9pt; font-style: italic;
  color: #444; text-align: center; }
/* The opening starts 4pt down: tall Vietnamese capitals (Ở, Ắ) at the very top of a page otherwise leak their ink
   onto the page before in Chromium. */
.opening { position: relative; margin-top: -${PT(RUNNING_HEAD)}; padding-top: 4pt; background: #fff; }
.b { font-weight: bold; } .i { font-style: italic; }
.a-left { text-align: left; } .a-center { text-align: center; } .a-right { text-align: right; }
.formcode { text-align: right; font-size: 8.5pt; line-height: 1; }
.form-header { display: flex; font-size: 10pt; text-align: center; margin-bottom: 12pt; }
.form-header .hl { width: 42%; } .form-header .hr { width: 58%; }
.form-header .u { display: inline-block; border-bottom: 0.6pt solid #000; padding-bottom: 1pt; }
.form-header .motto2 { font-size: 11pt; } .form-header .pd, .form-header .num { margin-top: 5pt; }
h1 { font-size: 14pt; text-align: center; margin: 0; }
.subtitle { text-align: center; font-size: 11pt; margin-top: 2pt; }
h1 + .subtitle, h1 { margin-bottom: 0; } .subtitle:last-of-type { margin-bottom: 10pt; }
p { margin: 0 0 4pt 0; } p.small { font-size: 8.5pt; } p.large { font-size: 12.5pt; }
.fields { display: grid; column-gap: 6pt; row-gap: 3pt; margin-bottom: 6pt; }
table.grid { width: 100%; border-collapse: collapse; table-layout: fixed; margin-bottom: 4pt; font-stretch: condensed; }
table.grid thead { display: table-header-group; }
table.grid tr { break-inside: avoid; }
table.grid th { background: #eee; font-weight: bold; }
table.grid th, table.grid td { border: 0.5pt solid #000; padding: 2pt 2.5pt; vertical-align: middle; }
table.grid td { overflow-wrap: anywhere; }
table.grid th { text-align: center; overflow-wrap: normal; word-break: normal; hyphens: manual; line-height: 1.16; }
table.grid th .turn { display: inline-block; writing-mode: sideways-lr; white-space: nowrap; text-align: center; }
.keep { break-inside: avoid; }
table.grid tr.after > td { border: none; padding: 0; text-align: left; font-size: 10.5pt; overflow-wrap: normal; }
td.corrected del.old { display: block; color: #c00000; text-decoration: line-through; text-decoration-color: #c00000; }
td.corrected .new { display: block; }
td.corrected .bb { display: block; color: #c00000; font-size: 75%; }
p.note { font-size: 8.5pt; font-style: italic; margin: 0 0 1pt 0; }
.sigs { display: flex; margin-top: 8pt; break-inside: avoid; }
.sig { flex: 1; text-align: center; padding: 0 4pt; }
.sig .hint { font-size: 9pt; } .sig .space { height: 46pt; } .sig .name { font-size: 10.5pt; }
.sig .fp, .sig .at { font-size: 7.5pt; color: #444; }
.screen-footer .fine { font-size: 6pt; color: #444; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; }
.screen-footer { display: none; }
@media screen {
  body { background: #d9d9d9; padding: 8mm 0; }
  section.sheet { background: #fff; width: 210mm; min-height: 297mm; margin: 0 auto 8mm auto;
    padding: ${PT(GEOMETRY.top)} ${PT(GEOMETRY.side)} 12pt ${PT(GEOMETRY.side)}; box-shadow: 0 1px 4px rgba(0,0,0,.4);
    display: flex; flex-direction: column; }
  section.sheet.landscape { width: 297mm; min-height: 210mm; }
  .screen-footer { display: flex; gap: 6pt; margin-top: auto; padding-top: 8pt; border-top: 0.5pt solid #444;
    font-size: 7.5pt; line-height: 1.3; }
}
`;
}

/**
 * Render a document as one self-contained HTML file: inline CSS with A4 `@page` rules (named
 * page `landscape` for landscape sections), the QR code inline as SVG, and the verification
 * footer and page number in the page-margin boxes of every printed page (Chromium ≥ 131 prints
 * them). On screen each section is drawn as a sheet with its footer. Throws a
 * {@link PrintFailure} on an invalid document.
 */
export function renderHtml(doc: PrintDocument, options: HtmlOptions = {}): string {
  const checked = validateDocument(doc);
  if (isLeft(checked)) throw new PrintFailure(checked.left);
  const ref = formatProofReference(proofReferenceOf(doc.verification));
  const svg = qrSvg(ref, `${qrFullSize(ref).toFixed(2)}pt`);
  const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  const screenFooter =
    `<footer class="screen-footer"><div class="qr">${svg}</div><div class="lines">` +
    footerLines(doc)
      .map((l) => `<div${l.startsWith(FINE_PRINT_LABEL) ? ' class="fine"' : ''}>${text(l)}</div>`)
      .join('') +
    `</div></footer>`;
  return (
    `<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="generator" content="hoso print">\n` +
    `<meta name="hoso-proof" content="${escapeHtml(ref)}">\n` +
    (doc.author !== undefined ? `<meta name="author" content="${escapeHtml(doc.author.normalize('NFC'))}">\n` : '') +
    (doc.subject !== undefined
      ? `<meta name="description" content="${escapeHtml(doc.subject.normalize('NFC'))}">\n`
      : '') +
    `<title>${text(doc.title)}</title>\n<style>${css(doc, dataUrl, options.embedFonts ?? false)}</style>\n</head>\n<body>\n` +
    doc.sections.map((s) => section(s, screenFooter)).join('\n') +
    `\n</body>\n</html>\n`
  );
}
