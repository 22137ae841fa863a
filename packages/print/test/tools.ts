import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether an executable is on the PATH. */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium; `HOSO_CHROMIUM` points elsewhere (another distribution, or a test of the CI rule). */
export const CHROMIUM = process.env['HOSO_CHROMIUM'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Headless Chromium as the tests drive it: no sandbox, GPU, network fetches of its own or first-run work. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Render page `page` (1-based) of a PDF at `dpi` with poppler's pdftoppm and decode every QR code
 * on it with zbar's zbarimg. Returns the decoded texts. With `pageHeight` (points) only the
 * bottom-left corner where the footer's code sits is rendered (zbar is slow on a whole page).
 */
export function decodeQr(pdf: Uint8Array, page: number, dpi = 300, pageHeight?: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'hoso-qr-'));
  try {
    writeFileSync(join(dir, 'in.pdf'), pdf);
    const px = (pt: number): string => String(Math.round((pt * dpi) / 72));
    const crop = pageHeight === undefined ? [] : ['-x', '0', '-y', px(pageHeight - 130), '-W', px(160), '-H', px(130)];
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      ...crop,
      '-png',
      join(dir, 'in.pdf'),
      join(dir, 'p'),
    ]);
    const png = readdirSync(dir).find((f) => f.endsWith('.png'));
    if (!png) throw new Error('pdftoppm wrote no image');
    const out = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', join(dir, png)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\n').filter((l) => l !== '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
