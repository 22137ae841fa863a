import { describe, it, expect, beforeAll } from 'vitest';
import { foldRecords } from '@hoso/books';
import {
  BLANK_PLACE,
  GEOMETRY,
  FINE_PRINT_LABEL,
  markbookDocument,
  printJobsFromRecords,
  renderPdfWithLayout,
  type PdfLayout,
  type PrintDocument,
  type PrintMeta,
  type TableBlock,
} from '../src/index.js';
import { writeSchoolYear } from '../../books/test/support/school.js';
import { writePrimaryYear } from '../../books/test/support/primary-school.js';
import { catalogueForms, everyForm, ok, type NamedForm } from './all-forms.js';
import { META, ROOT, markbook } from './fixtures.js';
import { readPdf, type PdfInfo, type PdfItem, type PdfPage } from './pdf-text.js';

/** A form rendered to PDF, read back with pdf.js, with the renderer's account of where things went. */
interface Rendered extends NamedForm {
  readonly pdf: PdfInfo;
  readonly layout: PdfLayout;
}

async function render(f: NamedForm): Promise<Rendered> {
  const { pdf, layout } = await renderPdfWithLayout(f.doc, { creationDate: new Date('2025-06-01T00:00:00Z') });
  return { ...f, pdf: await readPdf(pdf), layout };
}

const EPS = 0.75;
const words = (s: string): string[] =>
  s
    .normalize('NFC')
    .split(/\s+/)
    .filter((w) => w !== '');
const squash = (s: string): string => s.normalize('NFC').replace(/\s+/g, '');

/** The box an item's text covers along its direction (upright or turned a quarter anticlockwise). */
function extent(it: PdfItem): { x0: number; x1: number; y0: number; y1: number } {
  return it.angle === 90
    ? { x0: it.x - it.size, x1: it.x, y0: it.y, y1: it.y + it.width }
    : { x0: it.x, x1: it.x + it.width, y0: it.y, y1: it.y + it.size * 0.7 };
}

/** Items whose baseline start lies in a rectangle (PDF user space). */
function itemsAt(page: PdfPage, r: { x: number; y: number; w: number; h: number }): PdfItem[] {
  return page.placed.filter(
    (it) =>
      it.str.trim() !== '' &&
      it.x >= r.x - EPS &&
      it.x <= r.x + r.w + EPS &&
      it.y >= r.y - EPS &&
      it.y <= r.y + r.h + EPS,
  );
}

/** Whether an item is in the footer's small print: its line, and the lines it wraps onto below. */
function finePrint(page: PdfPage): (it: PdfItem) => boolean {
  const label = page.placed.find((it) => it.str.startsWith(FINE_PRINT_LABEL));
  return (it) => label !== undefined && it.y <= label.y + 1;
}

/** A page's text without its footer's small print (the one place machine identifiers may be). */
function withoutFinePrint(page: PdfPage): string {
  const fine = finePrint(page);
  return page.placed
    .filter((it) => !fine(it))
    .map((it) => it.str)
    .join(' ');
}

const isoTimestamp = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const isoDate = /\b\d{4}-\d{2}-\d{2}\b/;
const streamId = /\b(markbook|student|hocba|summary|minutes|register|attendance|children|class|subject)\/[\w-]/i;
const uuid = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const englishCodes = /\b(morning|afternoon|register|student|scored|comment|incomplete|homeroom|principal)\b/i;

let forms: Rendered[];
let catalogue: Rendered[];

beforeAll(async () => {
  forms = await Promise.all(everyForm().map(render));
  catalogue = await Promise.all(catalogueForms().map(render));
});

describe('column headers break only between words (PDF, as rendered)', () => {
  it('sets every header of every form, with the catalogue’s longest subject names, as whole words inside its cell', () => {
    let checked = 0;
    for (const f of [...forms, ...catalogue]) {
      for (const h of f.layout.headers) {
        const page = f.pdf.pages[h.page - 1]!;
        const items = itemsAt(page, h);
        const where = `${f.name}, page ${h.page}, header "${h.label}"`;
        expect(h.fit.cut, where).toBe(false);
        // Everything drawn in the cell is the label, word for word, in order: no word is cut.
        expect(
          items.flatMap((it) => words(it.str)),
          where,
        ).toEqual(words(h.label));
        for (const it of items) {
          const e = extent(it);
          expect(e.x0 >= h.x - EPS && e.x1 <= h.x + h.w + EPS, `${where}: "${it.str}" runs out sideways`).toBe(true);
          expect(e.y0 >= h.y - EPS && e.y1 <= h.y + h.h + EPS, `${where}: "${it.str}" runs out of the cell`).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('turns the subject names of the year summary, every one the same way, rather than cutting them', () => {
    const up = catalogue.find((f) => f.name === 'markbook, upper secondary subjects')!;
    for (const name of ['Hoạt động trải nghiệm, hướng nghiệp', 'Nội dung giáo dục của địa phương', 'Ngoại ngữ 1']) {
      const cells = up.layout.headers.filter((h) => h.label === name);
      expect(cells.length, name).toBeGreaterThan(0);
      for (const h of cells) {
        expect(h.fit.turned, name).toBe(true);
        const items = itemsAt(up.pdf.pages[h.page - 1]!, h);
        expect(
          items.every((it) => it.angle === 90),
          name,
        ).toBe(true);
      }
    }
  });
});

/** The longest cell of a table's last row: the text that must stand on the signatures' page. */
function lastRowText(t: TableBlock): string {
  const row = t.rows[t.rows.length - 1]!;
  return row.map((c) => (typeof c === 'string' ? c : c.text)).reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** For each signature place, the table printed before its signature row (if any). */
function tableBefore(doc: PrintDocument, section: number, block: number): TableBlock | undefined {
  const blocks = doc.sections[section]!.blocks;
  for (let k = block - 1; k >= 0; k--) {
    const b = blocks[k]!;
    if (b.kind === 'table') return b;
    if (b.kind === 'signatures') return undefined;
  }
  return undefined;
}

function expectSignaturesWithLastRows(f: Rendered): void {
  for (const s of f.layout.signatures) {
    const t = tableBefore(f.doc, s.section, s.block);
    if (t === undefined || t.rows.length === 0) continue;
    const page = f.pdf.pages[s.page - 1]!;
    const above = page.placed.filter((it) => it.y > s.y + s.h).map((it) => it.str);
    expect(squash(above.join(' ')), `${f.name}: page ${s.page} holds the signatures without the last rows`).toContain(
      squash(lastRowText(t)),
    );
  }
}

describe('signatures stay with the last rows they sign (PDF)', () => {
  it('on every form', () => {
    for (const f of forms) expectSignaturesWithLastRows(f);
  });

  it('whatever the class size: a markbook page never holds the signature block alone', async () => {
    // One subject, 1 to 60 students: the page break falls before, inside and after the signatures.
    for (let n = 1; n <= 60; n++) {
      const d = markbook(n);
      const doc = ok(markbookDocument({ ...d, subjects: [d.subjects[0]!], summary: undefined }, META));
      const f = await render({ name: `markbook of ${n}`, doc });
      expectSignaturesWithLastRows(f);
      const sig = f.layout.signatures[0]!;
      // The teacher's signature is on the page of the last student.
      expect(f.pdf.pages[sig.page - 1]!.items, `${n} students`).toContain(d.subjects[0]!.students[n - 1]!.name);
    }
  });
});

describe('continuation pages repeat the book’s heading (PDF)', () => {
  it('prints the section’s running head, marked (tiếp theo), above the body of every continuation page only', () => {
    let continuations = 0;
    for (const f of [...forms, ...catalogue]) {
      for (const p of f.layout.pages) {
        const page = f.pdf.pages[p.page - 1]!;
        const top = page.placed.filter((it) => it.y > p.height - GEOMETRY.top).map((it) => it.str);
        const s = f.doc.sections[p.section]!;
        if (p.continuation) {
          continuations++;
          expect(squash(top.join(' ')), `${f.name}, page ${p.page}`).toBe(squash(`${s.runningHead!} (tiếp theo)`));
        } else expect(page.text, `${f.name}, page ${p.page}`).not.toContain('(tiếp theo)');
      }
    }
    expect(continuations).toBeGreaterThan(5);
  });

  it('names the class, subject, year and teacher on a markbook’s continuation pages', () => {
    const m = forms.find((f) => f.name === 'markbook')!;
    const second = m.layout.pages.find((p) => p.continuation && p.section === 0)!;
    const head = m.pdf.pages[second.page - 1]!.text;
    for (const s of ['Lớp 10A1', 'Năm học 2024-2025', 'Môn học: Toán', 'Giáo viên bộ môn: Lê Văn Tám', '(tiếp theo)'])
      expect(head).toContain(s);
  });
});

describe('signature places', () => {
  it('gives every signer of every form an empty rectangle between the role title and the name, with the role', () => {
    for (const f of forms) {
      const signers = f.doc.sections.flatMap((s, si) =>
        s.blocks.flatMap((b, bi) => (b.kind === 'signatures' ? b.items.map((it, k) => ({ si, bi, k, it })) : [])),
      );
      expect(f.layout.signatures.length, f.name).toBe(signers.length);
      for (const [i, s] of f.layout.signatures.entries()) {
        const { si, bi, k, it } = signers[i]!;
        const where = `${f.name}: ${s.title}`;
        expect([s.section, s.block, s.item, s.title, s.name], where).toEqual([si, bi, k, it.title, it.name]);
        expect(s.role, where).toBe(it.role);
        expect(s.role, where).toBeDefined();
        const page = f.pdf.pages[s.page - 1]!;
        expect(s.w * s.h, where).toBeGreaterThan(40 * 40);
        expect(s.x >= GEOMETRY.side - EPS && s.x + s.w <= page.width - GEOMETRY.side + EPS, where).toBe(true);
        expect(s.y >= GEOMETRY.footer && s.y + s.h <= page.height - GEOMETRY.top, where).toBe(true);
        // Nothing is printed inside the place: a visible signature can be drawn there.
        expect(itemsAt(page, { x: s.x + EPS, y: s.y + EPS, w: s.w - 2 * EPS, h: s.h - 2 * EPS }), where).toEqual([]);
        const inColumn = (x: PdfItem): boolean => x.x >= s.x - EPS && x.x <= s.x + s.w + EPS;
        const title = page.placed.find((x) => x.str === s.title && inColumn(x));
        expect(title, where).toBeDefined();
        expect(title!.y, where).toBeGreaterThan(s.y + s.h);
        if (s.name !== '') {
          const name = page.placed.find((x) => x.str === s.name && inColumn(x));
          expect(name, where).toBeDefined();
          expect(name!.y, where).toBeLessThan(s.y);
        }
      }
    }
  });

  it('places the three signers of correction minutes side by side: requester, witness, approver', () => {
    const m = forms.find((f) => f.name === 'correction minutes')!;
    const [a, b, c] = m.layout.signatures;
    expect(m.layout.signatures.map((s) => s.role)).toEqual(['requester', 'witness', 'approver']);
    expect(new Set([a!.page, b!.page, c!.page]).size).toBe(1);
    expect(a!.y).toBeCloseTo(b!.y, 3);
    expect(a!.x + a!.w).toBeLessThanOrEqual(b!.x);
    expect(b!.x + b!.w).toBeLessThanOrEqual(c!.x);
  });
});

describe('the place of the date line', () => {
  const dateLine = async (meta: PrintMeta): Promise<string> => {
    const f = await render({ name: 'markbook', doc: ok(markbookDocument(markbook(3), meta)) });
    return f.pdf.pages[0]!.text;
  };

  it('is the place the school gave (its province), and blank for the clerk when it gave none — never a fixed one', async () => {
    const province = await dateLine({ ...META, school: { ...META.school, place: 'Đắk Nông' } });
    expect(province).toContain('Đắk Nông, ngày 31 tháng 5 năm 2025');
    const { place: _place, ...noPlace } = META.school;
    const blank = await dateLine({ ...META, school: noPlace });
    expect(blank).toContain(`${BLANK_PLACE}, ngày 31 tháng 5 năm 2025`);
    for (const t of [province, blank]) expect(t).not.toContain('Hà Nội');
  });
});

describe('no machine identifiers or ISO timestamps on the page (PDF)', () => {
  let fromBooks: Rendered[];
  beforeAll(async () => {
    const secondary = await writeSchoolYear();
    const primary = await writePrimaryYear();
    const meta = (ledger: string, size: number): PrintMeta => ({
      school: { authority: 'SỞ GD&ĐT ĐẮK NÔNG', name: 'TRƯỜNG THỬ NGHIỆM', place: 'Gia Nghĩa' },
      verification: { origin: `hoso/${ledger}`, size, root: ROOT, printedAt: '2025-05-31T08:05:00+07:00' },
      printedOn: '2025-05-31',
    });
    const jobs = [
      ...ok2(printJobsFromRecords(foldRecords(secondary.events), meta(secondary.ledger, secondary.events.length))),
      ...ok2(printJobsFromRecords(primary.records, meta('thpt-test', primary.events.length))),
    ];
    fromBooks = await Promise.all(jobs.map((j) => render({ name: j.name, doc: j.document })));
  });

  it('prints dates dd/MM/yyyy and Vietnamese labels: no ISO timestamp or date, stream id, UUID or ledger code outside the small print', () => {
    expect(fromBooks.length).toBeGreaterThan(5);
    for (const f of [...forms, ...catalogue, ...fromBooks])
      for (const [i, page] of f.pdf.pages.entries()) {
        const t = withoutFinePrint(page);
        const where = `${f.name}, page ${i + 1}`;
        for (const bad of [isoTimestamp, isoDate, streamId, uuid, englishCodes]) expect(t, where).not.toMatch(bad);
      }
  });

  it('keeps the identifiers in the footer’s small print, where software reads them', () => {
    for (const f of fromBooks) {
      const fine = f.pdf.pages[0]!.placed.filter(finePrint(f.pdf.pages[0]!));
      const text = squash(fine.map((it) => it.str).join(''));
      expect(text, f.name).toContain(squash(f.doc.verification.origin));
      expect(text, f.name).toContain(squash(f.doc.verification.book!));
    }
  });

  it('writes the signing and printing times as dd/MM/yyyy HH:mm in Vietnam time', () => {
    const all = fromBooks.map((f) => f.pdf.pages.map((p) => p.text).join(' ')).join(' ');
    expect(all).toMatch(/Ký số lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(all).toContain('In lúc 31/05/2025 08:05');
  });
});

function ok2<A>(e: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: { jobs: A[] } }): A[] {
  if (e._tag === 'Left') throw new Error(e.left.message);
  return e.right.jobs;
}
