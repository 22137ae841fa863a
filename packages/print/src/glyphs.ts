/**
 * The glyph check: refuses a document with a character the embedded fonts lack, before either
 * renderer draws it, asking pdfkit's own font engine.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import type { FontRole } from './fonts.js';
import type { PrintDocument } from './model.js';
import { newPdf, type Pdf } from './pdf-document.js';
import { documentTexts } from './validate.js';

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

/** Which fonts print a text at a path (the footer and fingerprints use the monospace font too). */
function fontsFor(path: ReadonlyArray<string | number>): FontRole[] {
  const last = path[path.length - 1];
  return last === 'fingerprint' || last === 'origin' || last === 'book' || last === 'eventId'
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
