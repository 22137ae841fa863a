/** QR codes (ISO/IEC 18004, error correction M) as a module matrix, an SVG, and runs of dark modules for the PDF. */
import QRCode from 'qrcode';

/** A QR symbol as a square matrix of modules (`true` = dark), without the quiet zone. */
export interface QrMatrix {
  /** Modules per side. */
  readonly size: number;
  /** QR version (1–40). */
  readonly version: number;
  /** Whether the module at (`row`, `col`) is dark. */
  dark(row: number, col: number): boolean;
}

/** Modules of white border required around a symbol (ISO/IEC 18004 quiet zone). */
export const QR_QUIET_ZONE = 4;

/**
 * Encode `text` as a QR symbol, error correction level M (15 %: survives a fold or a stamp's
 * edge on the paper). Both renderers draw this same matrix, so PDF and HTML carry identical codes.
 */
export function qrMatrix(text: string): QrMatrix {
  const q = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const m = q.modules;
  return { size: m.size, version: q.version, dark: (r, c) => m.get(r, c) !== 0 };
}

/**
 * Horizontal runs of dark modules, as `[row, startCol, length]`; drawing runs instead of single
 * modules keeps the PDF small and avoids hairline gaps between adjacent squares.
 */
export function darkRuns(m: QrMatrix): Array<[number, number, number]> {
  const runs: Array<[number, number, number]> = [];
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (!m.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < m.size && m.dark(r, c)) c++;
      runs.push([r, start, c - start]);
    }
  }
  return runs;
}

/** The symbol as a standalone SVG (one path, quiet zone included), `size` a CSS length such as `"88pt"`. */
export function qrSvg(text: string, size: string): string {
  const m = qrMatrix(text);
  const n = m.size + 2 * QR_QUIET_ZONE;
  let d = '';
  for (const [r, c, len] of darkRuns(m)) d += `M${c + QR_QUIET_ZONE} ${r + QR_QUIET_ZONE}h${len}v1h-${len}z`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges">` +
    `<rect width="${n}" height="${n}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`
  );
}
