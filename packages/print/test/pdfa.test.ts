/**
 * Archival PDF (PDF/A-2b, ISO 19005-2 level B). Full conformance needs veraPDF, which is not
 * installable here (docs/printing.md); these tests check by parsing the bytes what can be checked
 * without it: the header version, the XMP packet (well-formed, `pdfaid:part` 2 and conformance
 * B, each property equal to its document-information entry), the sRGB output intent with its ICC
 * profile, every font embedded (and poppler's `pdffonts` agreeing when installed), no encryption,
 * no transparency, and that `pdfa: false` writes a plain PDF with the same pages.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import {
  PDFA_PROFILE,
  renderHtml,
  renderPdf,
  transcriptDocument,
  validateDocument,
  type PrintDocument,
  type PrintError,
  type PrintMeta,
} from '../src/index.js';
import { META, transcript } from './fixtures.js';
import { ofType, pdfObjects, ref, type PdfObjects } from './pdf-objects.js';
import { readPdf } from './pdf-text.js';
import { hasTool } from './tools.js';

const CREATED = new Date('2025-06-01T00:00:00Z');
// A school name with XML's special characters: the XMP packet must escape them.
const SCHOOL = 'TRƯỜNG THPT "A & B" <THỬ>';
const meta: PrintMeta = { ...META, school: { ...META.school, name: SCHOOL } };

function ok<A>(e: Either<PrintError, A>): A {
  if (isLeft(e)) throw new Error(`${e.left.code} at ${JSON.stringify(e.left.path)}: ${e.left.message}`);
  return e.right;
}

let doc: PrintDocument;
let bytes: Uint8Array;
let plain: Uint8Array;
let p: PdfObjects;
let xmp: string;

beforeAll(async () => {
  doc = ok(transcriptDocument(transcript(), meta));
  bytes = await renderPdf(doc, { creationDate: CREATED });
  plain = await renderPdf(doc, { creationDate: CREATED, pdfa: false });
  p = pdfObjects(bytes);
  const catalog = ofType(p, 'Catalog')[0]!;
  xmp = ref(p, catalog.dict, 'Metadata')!.stream!.toString('utf8');
});

/** The text of the first `<tag>` element of the XMP packet, entities decoded. */
function xmpValue(tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xmp);
  if (m === null) return undefined;
  return m[1]!
    .replace(/<[^>]+>/g, '')
    .trim()
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

describe(`renderPdf writes ${PDFA_PROFILE} by default`, () => {
  it('is PDF 1.7 whose XMP names PDF/A part 2, conformance B', () => {
    expect(PDFA_PROFILE).toBe('PDF/A-2b');
    expect(p.version).toBe('1.7');
    expect(xmpValue('pdfaid:part')).toBe('2');
    expect(xmpValue('pdfaid:conformance')).toBe('B');
    // The metadata stream is not compressed (PDF/A: readable without decoding filters).
    expect(ofType(p, 'Metadata')[0]!.dict).not.toContain('/Filter');
  });

  it('has a well-formed XMP packet: every special character of the school name escaped', () => {
    const text = xmp.replace(/<\?xpacket[^?]*\?>/g, '').replace(/<[^<>]*>/g, '');
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    expect(xmpValue('dc:creator')).toBe(SCHOOL);
  });

  it('sets the document information, and the XMP mirrors every entry of it', async () => {
    const pdf = await getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      verbosity: 0,
    }).promise;
    const info = (await pdf.getMetadata()).info as Record<string, unknown>;
    await pdf.destroy();
    expect(info).toMatchObject({
      Title: doc.title,
      Author: SCHOOL,
      Subject: 'Học bạ (Thông tư 22/2021)',
      Producer: 'hoso',
      Creator: 'hoso',
      CreationDate: 'D:20250601000000Z',
    });
    expect(xmpValue('dc:title')).toBe(info['Title']);
    expect(xmpValue('dc:description')).toBe(info['Subject']);
    expect(xmpValue('pdf:Producer')).toBe(info['Producer']);
    expect(xmpValue('xmp:CreatorTool')).toBe(info['Creator']);
    expect(xmpValue('pdf:Keywords')).toBe(info['Keywords']);
    expect(xmpValue('xmp:CreateDate')).toBe('2025-06-01T00:00:00Z');
  });

  it('has the sRGB output intent with its ICC profile', () => {
    const catalog = ofType(p, 'Catalog')[0]!;
    const intentId = /\/OutputIntents\s*\[\s*(\d+) 0 R\s*\]/.exec(catalog.dict)?.[1];
    const intent = p.objects.get(Number(intentId))!;
    expect(intent.dict).toMatch(/\/S\s*\/GTS_PDFA1/);
    expect(intent.dict).toContain('(sRGB IEC61966-2.1)');
    const icc = ref(p, intent.dict, 'DestOutputProfile')!;
    expect(icc.dict).toMatch(/\/N 3\b/);
    const profile = icc.stream!;
    // ICC header: signature `acsp` at 36, data colour space `RGB ` at 16, size at 0.
    expect(profile.subarray(36, 40).toString('latin1')).toBe('acsp');
    expect(profile.subarray(16, 20).toString('latin1')).toBe('RGB ');
    expect(profile.readUInt32BE(0)).toBe(profile.length);
  });

  it('embeds every font', () => {
    const fonts = ofType(p, 'Font');
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      if (/\/Subtype\s*\/Type0/.test(f.dict)) {
        const kids = /\/DescendantFonts\s*\[\s*(\d+) 0 R\s*\]/.exec(f.dict);
        expect(kids, f.dict).not.toBeNull();
        continue;
      }
      const descriptor = ref(p, f.dict, 'FontDescriptor');
      expect(descriptor, `font ${f.id} has no descriptor: ${f.dict.slice(0, 120)}`).toBeDefined();
      expect(descriptor!.dict, `font ${f.id} is not embedded`).toMatch(/\/FontFile[23]? \d+ 0 R/);
    }
  });

  it.runIf(hasTool('pdffonts'))('poppler agrees: every font embedded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoso-pdfa-'));
    try {
      writeFileSync(join(dir, 'a.pdf'), bytes);
      const rows = execFileSync('pdffonts', [join(dir, 'a.pdf')], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .slice(2);
      expect(rows.length).toBeGreaterThan(0);
      // Columns: name, type (may hold spaces), encoding, emb, sub, uni, object, generation.
      for (const row of rows) expect(row.trim().split(/\s+/).slice(-5, -4)[0], row).toBe('yes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not encrypted and uses no transparency', () => {
    expect(p.trailer).not.toContain('/Encrypt');
    for (const o of p.objects.values()) {
      expect(o.dict).not.toMatch(/\/SMask\s*(?!\/None)/);
      expect(o.dict).not.toMatch(/\/S\s*\/Transparency/);
      for (const m of o.dict.matchAll(/\/(ca|CA)\s+([\d.]+)/g)) expect(Number(m[2])).toBe(1);
      const bm = /\/BM\s*\/(\w+)/.exec(o.dict);
      if (bm !== null) expect(['Normal', 'Compatible']).toContain(bm[1]);
    }
  });
});

describe('renderPdf with pdfa: false', () => {
  it('writes a plain PDF 1.3 without the PDF/A metadata and output intent, with the same pages', async () => {
    const q = pdfObjects(plain);
    expect(q.version).toBe('1.3');
    expect(ofType(q, 'Metadata')).toEqual([]);
    expect(ofType(q, 'OutputIntent')).toEqual([]);
    const [a, b] = [await readPdf(bytes), await readPdf(plain)];
    expect(b.pages.map((x) => [x.width, x.height, x.text])).toEqual(a.pages.map((x) => [x.width, x.height, x.text]));
    expect(b.title).toBe(a.title);
  });
});

describe('document metadata', () => {
  it('the form builders name the school as author and the form as subject; HTML carries them too', () => {
    expect(doc.author).toBe(SCHOOL);
    expect(doc.subject).toBe('Học bạ (Thông tư 22/2021)');
    const html = renderHtml(doc);
    expect(html).toContain('<meta name="author" content="TRƯỜNG THPT &quot;A &amp; B&quot; &lt;THỬ&gt;">');
    expect(html).toContain('<meta name="description" content="Học bạ (Thông tư 22/2021)">');
  });

  it('refuses an author or subject that is not printable text, naming the field', () => {
    const a = validateDocument({ ...doc, author: 'A\u0007B' });
    expect(isLeft(a) && a.left).toMatchObject({ code: 'print-invalid-text', path: ['author'] });
    const b = validateDocument({ ...doc, subject: 5 as unknown as string });
    expect(isLeft(b) && b.left).toMatchObject({ code: 'print-invalid-text', path: ['subject'] });
  });
});
