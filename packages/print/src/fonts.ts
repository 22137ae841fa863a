/** The DejaVu fonts both renderers use, by role, read from the `dejavu-fonts-ttf` package. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The typefaces the renderers use: DejaVu (full Vietnamese coverage, free licence). */
export type FontRole = 'regular' | 'bold' | 'italic' | 'boldItalic' | 'condensed' | 'condensedBold' | 'mono';

const FILES: Record<FontRole, string> = {
  regular: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  italic: 'DejaVuSerif-Italic.ttf',
  boldItalic: 'DejaVuSerif-BoldItalic.ttf',
  // Tables use the condensed cut so a landscape markbook fits its 17 columns.
  condensed: 'DejaVuSerifCondensed.ttf',
  condensedBold: 'DejaVuSerifCondensed-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
};

/** Every font role, in a fixed order. */
export const FONT_ROLES: ReadonlyArray<FontRole> = Object.keys(FILES) as FontRole[];

let dir: string | undefined;

/** Absolute path of the TTF file for a font role (from the `dejavu-fonts-ttf` package). */
export function fontPath(role: FontRole): string {
  if (dir === undefined) {
    const require = createRequire(import.meta.url);
    dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  }
  return join(dir, FILES[role]);
}

const cache = new Map<FontRole, Buffer>();

/** The TTF bytes of a font role, read once per process (every document embeds from them). */
export function fontData(role: FontRole): Buffer {
  let b = cache.get(role);
  if (b === undefined) {
    b = readFileSync(fontPath(role));
    cache.set(role, b);
  }
  return b;
}
