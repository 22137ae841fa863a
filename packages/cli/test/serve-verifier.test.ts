import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVerifierPage } from '../../verify-web/build.mjs';
import { CHROMIUM, launchChromium, waitIdle } from '../../verify-web/test/driver.mjs';
import { BIN, hoso } from './run.js';

// `hoso serve-verifier` serves the built page, and only the page, on 127.0.0.1.
describe('hoso serve-verifier', () => {
  let dir: string;
  let html: string;
  let child: ChildProcess;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-serve-'));
    html = (await buildVerifierPage({ outFile: join(dir, 'hoso-verify.html') })).file;
    child = spawn(process.execPath, [BIN, 'serve-verifier', '--port', '0', '--file', html]);
    base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', (code) => reject(new Error(`serve-verifier exited (${code})`)));
    });
  }, 120_000);

  afterAll(() => {
    child?.kill('SIGTERM');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page at / and /hoso-verify.html, byte for byte', async () => {
    for (const path of ['', 'hoso-verify.html']) {
      const r = await fetch(base + path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(Buffer.from(await r.arrayBuffer()).equals(readFileSync(html))).toBe(true);
    }
  });

  it('serves nothing else', async () => {
    expect((await fetch(base + 'favicon.ico')).status).toBe(404);
    expect((await fetch(base + '../etc/passwd')).status).toBe(404);
    expect((await fetch(base, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it.skipIf(!existsSync(CHROMIUM))('the served page starts in Chromium and asks for nothing more', async () => {
    const browser = await launchChromium();
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(base);
    await waitIdle(page);
    expect(requests).toEqual([base]);
    await browser.close();
  });

  it('refuses a page that is not there, naming --file', async () => {
    const r = await hoso(['serve-verifier', '--port', '0', '--file', join(dir, 'missing.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--file');
  });
});
