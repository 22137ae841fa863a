#!/usr/bin/env node
// Builds the inspector's browser verifier: ONE self-contained file, dist/hoso-verify.html, from the
// compiled @hoso/core, @hoso/ledger and @hoso/verify (run `tsc -b` first; `npm run build:verifier`
// does both). esbuild bundles two scripts — the Web Worker and the page, with the worker's code
// inlined as a string the page starts from a Blob URL — and maps the few `node:` modules core and
// verify import onto the page's substitutes in dist/platform/ (SHA-256 and Ed25519 on @noble,
// `Buffer` from the `buffer` package, and no file system). The page's CSP allows exactly its one
// inline script (by hash), inline styles, and Blob workers: `default-src 'none'` forbids every
// request.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = (/** @type {string} */ p) => fileURLToPath(new URL(p, import.meta.url));

/** The page's substitutes for Node's modules: `node:crypto` and `node:os` have their own; the rest are absent. */
const SUBSTITUTES = /** @type {Record<string, string>} */ ({
  crypto: here('./dist/platform/crypto.js'),
  os: here('./dist/platform/os.js'),
});

/** @type {esbuild.Plugin} */
const pagePlatform = {
  name: 'hoso-page-platform',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({
      path: SUBSTITUTES[args.path.slice('node:'.length)] ?? here('./dist/platform/no-fs.js'),
    }));
  },
};

/**
 * One script for the page (an IIFE) from `entry`, with the page's substitutes for Node's modules.
 * @param {string} entry
 * @param {Record<string, string>} define
 * @returns {Promise<string>}
 */
export async function bundleForPage(entry, define) {
  const r = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    write: false,
    legalComments: 'none',
    plugins: [pagePlatform],
    inject: [here('./dist/platform/buffer.js')],
    define,
    logLevel: 'warning',
    // verify's Node worker path (pool/node.js) reads import.meta.url; the page never calls it.
    logOverride: { 'empty-import-meta': 'silent' },
  });
  const out = r.outputFiles[0];
  if (out === undefined) throw new Error(`esbuild wrote nothing for ${entry}`);
  return out.text;
}

/**
 * Build the page and write it to `outFile` (default dist/hoso-verify.html).
 * @param {{ outFile?: string }} [options]
 * @returns {Promise<{ file: string, bytes: number }>}
 */
export async function buildVerifierPage(options = {}) {
  const file = options.outFile ?? here('./dist/hoso-verify.html');
  /** @type {unknown} */
  const manifest = JSON.parse(readFileSync(here('../../package.json'), 'utf8'));
  const version = /** @type {{ version: string }} */ (manifest).version;
  const worker = await bundleForPage(here('./dist/worker.js'), {});
  const script = await bundleForPage(here('./dist/page.js'), { __HOSO_WORKER_SOURCE__: JSON.stringify(worker) });
  if (/<\/script/i.test(script)) throw new Error('the page script contains "</script": it cannot be inlined');
  const style = readFileSync(here('./src/page.css'), 'utf8');
  const scriptHash = createHash('sha256').update(script, 'utf8').digest('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    'worker-src blob:',
    // The report (verify's renderReport) is shown in a sandboxed srcdoc frame with inline CSS.
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const template = readFileSync(here('./page.html'), 'utf8');
  const html = template
    .replace('%CSP%', csp)
    .replace('%VERSION%', version)
    .replace('<!-- STYLE -->', () => `<style>${style}</style>`)
    .replace('<!-- SCRIPT -->', () => `<script>${script}</script>`);
  // The CSP's hash is of exactly the script's text: nothing (a formatter included) may add to it.
  if (!html.includes(`<script>${script}</script>`)) throw new Error('page.html lacks its <!-- SCRIPT --> place');
  mkdirSync(here('./dist'), { recursive: true });
  writeFileSync(file, html);
  return { file, bytes: Buffer.byteLength(html) };
}

/**
 * What is wrong with a built page, if anything: it must be one file that can fetch nothing — a
 * CSP whose first directive is `default-src 'none'` and that allows no host, exactly one inline
 * script whose hash the CSP names, and no element that loads a URL.
 * @param {string} html
 * @returns {string[]} the problems (none: the page is as it should be)
 */
export function checkVerifierPage(html) {
  /** @type {string[]} */
  const problems = [];
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"\s*\/?>/.exec(html)?.[1];
  if (csp === undefined) return ['hoso-verify.html: no Content-Security-Policy meta tag'];
  if (csp.split('; ')[0] !== "default-src 'none'")
    problems.push("hoso-verify.html: the CSP does not start with default-src 'none'");
  if (/connect-src|https?:|\*|'unsafe-eval'/.test(csp))
    problems.push(`hoso-verify.html: the CSP allows too much: ${csp}`);
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  if (scripts.length !== 1 || /<script[^>]/.test(html))
    problems.push('hoso-verify.html: not exactly one inline script');
  const script = scripts[0]?.[1] ?? '';
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  if (!csp.includes(`'sha256-${hash}'`)) problems.push("hoso-verify.html: the CSP does not name the script's hash");
  if (/<(link|img|iframe|object|embed|audio|video|source)\b[^>]*\s(src|href)=/i.test(html))
    problems.push('hoso-verify.html: an element loads a URL');
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { file, bytes } = await buildVerifierPage();
  const problems = checkVerifierPage(readFileSync(file, 'utf8'));
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  } else console.log(`${file}: ${(bytes / 1024).toFixed(0)} KiB`);
}
