import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { backend } from '@hoso/core';
import { bundleForPage } from '../build.mjs';
import {
  backendVerifier,
  fallbackVerifier,
  hasWebCryptoEd25519,
  type pageSubtle,
  webCryptoVerifier,
  type SubtleEd25519,
} from '../src/index.js';
import { CHROMIUM, launchChromium } from './driver.mjs';
import { ed25519Cases, type Ed25519Case } from './ed25519-cases.js';

// The page's two Ed25519 paths give core's strict answer on core's conformance inputs: in Node
// (whose crypto.subtle has Ed25519) and in Chromium's own WebCrypto, through the same modules
// bundled for the page.
const cases = ed25519Cases();
const expected = cases.map((c) => (c.valid ? 1 : 0));
const jobs = (cs: readonly Ed25519Case[]) =>
  cs.map(({ publicKey, message, signature }) => ({ publicKey, message, signature }));
const subtle = globalThis.crypto.subtle as unknown as SubtleEd25519;

describe('the page’s Ed25519, in Node', () => {
  it('the corpus has both answers, and every crafted case is refused', () => {
    expect(expected.filter((x) => x === 1).length).toBeGreaterThan(20);
    expect(cases.filter((c) => !c.name.startsWith('honest')).every((c) => !c.valid)).toBe(true);
  });

  it('WebCrypto (with the strict rule first) answers as core', async () => {
    expect(await hasWebCryptoEd25519(subtle)).toBe(true);
    expect([...(await webCryptoVerifier(subtle)(jobs(cases)))]).toEqual(expected);
  });

  it('the pure-JS fallback answers as core', async () => {
    expect([...(await fallbackVerifier()(jobs(cases)))]).toEqual(expected);
  });

  it('core’s backends through the same interface answer as core', async () => {
    expect([...(await backendVerifier(backend('tweetnacl'))(jobs(cases)))]).toEqual(expected);
  });

  it('a subtle without Ed25519, or one that answers wrongly, is not used', async () => {
    const missing: SubtleEd25519 = {
      importKey: () => Promise.reject(new Error('NotSupportedError')),
      verify: () => Promise.reject(new Error('NotSupportedError')),
    };
    const yes: SubtleEd25519 = { importKey: () => Promise.resolve({}), verify: () => Promise.resolve(true) };
    expect(await hasWebCryptoEd25519(missing)).toBe(false);
    expect(await hasWebCryptoEd25519(yes)).toBe(false);
    expect(await hasWebCryptoEd25519(undefined)).toBe(false);
  });

  it('a crafted signature is refused before WebCrypto sees it', async () => {
    let calls = 0;
    const counting: SubtleEd25519 = {
      importKey: (...a) => subtle.importKey(...a),
      verify: (...a) => {
        calls++;
        return subtle.verify(...a);
      },
    };
    const crafted = cases.filter((c) => c.name === 'S + L' || c.name.startsWith('small-order'));
    expect([...(await webCryptoVerifier(counting)(jobs(crafted)))]).toEqual(crafted.map(() => 0));
    expect(calls).toBe(0);
  });
});

const hasChromium = existsSync(CHROMIUM);

/** What the test's bundle puts on the page's `globalThis` (the same functions, bundled for the page). */
interface PageEd25519 {
  readonly hasWebCryptoEd25519: typeof hasWebCryptoEd25519;
  readonly webCryptoVerifier: typeof webCryptoVerifier;
  readonly fallbackVerifier: typeof fallbackVerifier;
  readonly pageSubtle: typeof pageSubtle;
}

describe.skipIf(!hasChromium)('the page’s Ed25519, in Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-ed25519-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('WebCrypto and the fallback answer as core', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { fallbackVerifier, hasWebCryptoEd25519, webCryptoVerifier, pageSubtle } from ${JSON.stringify(
        new URL('../src/index.ts', import.meta.url).pathname,
      )};\n(globalThis as unknown as { hosoEd25519: unknown }).hosoEd25519 = { fallbackVerifier, hasWebCryptoEd25519, webCryptoVerifier, pageSubtle };\n`,
    );
    const script = await bundleForPage(entry, {});
    const blank = join(dir, 'blank.html');
    writeFileSync(blank, '<!doctype html><title>ed25519</title>');
    const page = await browser.newPage();
    await page.goto(pathToFileURL(blank).href);
    await page.addScriptTag({ content: script });
    const input = cases.map((c) => [[...c.publicKey], [...c.message], [...c.signature]]);
    const out = await page.evaluate(async (cs) => {
      const ed = (globalThis as unknown as { hosoEd25519: PageEd25519 }).hosoEd25519;
      const js = cs.map(([publicKey, message, signature]) => ({
        publicKey: Uint8Array.from(publicKey!),
        message: Uint8Array.from(message!),
        signature: Uint8Array.from(signature!),
      }));
      return {
        has: await ed.hasWebCryptoEd25519(ed.pageSubtle()),
        webcrypto: [...(await ed.webCryptoVerifier(ed.pageSubtle()!)(js))],
        fallback: [...(await ed.fallbackVerifier()(js))],
      };
    }, input);
    expect(out.has).toBe(true);
    expect(out.webcrypto).toEqual(expected);
    expect(out.fallback).toEqual(expected);
    await page.close();
  });
});
