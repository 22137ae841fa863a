// Drives the built hoso-verify.html in Debian's Chromium (playwright-core, never a browser
// download), as an inspector would: open the file, pick the bundle and the trust files, press
// Verify, read the result. Every request other than the page's own file is recorded and aborted,
// so a test can assert there was none. Shared by the tests and the benchmark.
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env['HOSO_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** @returns {Promise<import('playwright-core').Browser>} */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// Makes WebCrypto refuse Ed25519 in the page, as a browser without it does (the fallback's test).
const WITHOUT_WEBCRYPTO_ED25519 = `(() => {
  const subtle = crypto.subtle;
  const importKey = subtle.importKey.bind(subtle);
  const isEd = (a) => a === 'Ed25519' || (a && a.name === 'Ed25519');
  const refuse = () => Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError'));
  subtle.importKey = (format, data, alg, ...rest) => (isEd(alg) ? refuse() : importKey(format, data, alg, ...rest));
})();`;

/**
 * @typedef {object} Inputs the files (paths) and text an inspector gives the page
 * @property {string} [bundle] (none for a transcript disclosure, verified on its own)
 * @property {string[]} [root]
 * @property {string[]} [seal]
 * @property {string[]} [witness]
 * @property {string[]} [certificates] root certificate files (PEM or DER)
 * @property {string} [since]
 * @property {string} [origin]
 * @property {string} [disclosure] a disclosure file (hoso/disclosure@v1)
 */
/**
 * @typedef {{ state: 'done', report: import('@hoso/verify').VerifyReport, ed25519: 'webcrypto' | 'js',
 *   milliseconds: number }
 *   | { state: 'refused', message: string, path: Array<string | number> }
 *   | { state: 'failed', message: string }} Outcome what the page shows when a run ends
 */

// The page's CSP forbids evaluating text, so what runs in the page is a function; this file has no
// DOM types, so those functions name the page's globals through this shape.
/**
 * @typedef {{ document: { body: { dataset: Record<string, string | undefined> },
 *   getElementById(id: string): { textContent: string | null } | null },
 *   hosoResult?: object, hosoRefusal?: object }} PageGlobals
 */
/** @returns {unknown} */
function readOutcome() {
  const g = /** @type {PageGlobals} */ (/** @type {unknown} */ (globalThis));
  const state = g.document.body.dataset['state'];
  if (state === 'done') return { state, ...g.hosoResult };
  if (state === 'refused') return { state, ...g.hosoRefusal };
  return { state, message: g.document.getElementById('status')?.textContent ?? '' };
}

/**
 * Wait until the page has started (its script ran and wired the form).
 * @param {import('playwright-core').Page} page
 */
export async function waitIdle(page) {
  await page.waitForFunction(
    () => /** @type {PageGlobals} */ (/** @type {unknown} */ (globalThis)).document.body.dataset['state'] === 'idle',
    null,
    { timeout: 120_000 },
  );
}

/**
 * Open the page at `htmlPath` in a fresh context.
 * @param {import('playwright-core').Browser} browser
 * @param {string} htmlPath
 * @param {{ withoutWebCryptoEd25519?: boolean }} [options]
 */
export async function openVerifier(browser, htmlPath, options = {}) {
  const url = pathToFileURL(htmlPath).href;
  const context = await browser.newContext({ acceptDownloads: true });
  /** @type {string[]} */
  const requests = [];
  /** @type {string[]} */
  const errors = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requests.push(u);
    return route.abort();
  });
  // Anything the route cannot see (a worker's own request, a blocked one) still fires here.
  context.on('request', (r) => {
    if (r.url() !== url && !requests.includes(r.url())) requests.push(r.url());
  });
  if (options.withoutWebCryptoEd25519 === true) await context.addInitScript(WITHOUT_WEBCRYPTO_ED25519);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await waitIdle(page);

  /**
   * Verify one bundle with the given trust files.
   * @param {Inputs} inputs
   * @returns {Promise<Outcome>}
   */
  const verify = async (inputs) => {
    await page.setInputFiles('#bundle', inputs.bundle === undefined ? [] : [inputs.bundle]);
    await page.setInputFiles('#root', inputs.root ?? []);
    await page.setInputFiles('#seal', inputs.seal ?? []);
    await page.setInputFiles('#witness', inputs.witness ?? []);
    await page.setInputFiles('#certificates', inputs.certificates ?? []);
    await page.setInputFiles('#since', inputs.since === undefined ? [] : [inputs.since]);
    await page.setInputFiles('#disclosure', inputs.disclosure === undefined ? [] : [inputs.disclosure]);
    await page.fill('#origin', inputs.origin ?? '');
    await page.evaluate(() => {
      /** @type {PageGlobals} */ (/** @type {unknown} */ (globalThis)).document.body.dataset['state'] = 'started';
    });
    await page.click('#run');
    await page.waitForFunction(
      () =>
        ['done', 'refused', 'failed'].includes(
          /** @type {PageGlobals} */ (/** @type {unknown} */ (globalThis)).document.body.dataset['state'] ?? '',
        ),
      null,
      { timeout: 0, polling: 100 },
    );
    return /** @type {Outcome} */ (await page.evaluate(readOutcome));
  };
  return { page, context, requests, errors, verify, close: () => context.close() };
}
