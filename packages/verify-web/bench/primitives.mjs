#!/usr/bin/env node
// The page's primitives in Debian's Chromium, one run: SHA-256 of a Merkle node (65 bytes) and of
// an event line (~600 bytes) by @noble/hashes (synchronous) and by WebCrypto's digest (one
// promise each, all in flight at once); Ed25519 verify by WebCrypto (after core's strict rule, a
// batch at once), by @noble/curves (the fallback) and by tweetnacl. Prints the machine's load.
//   node packages/verify-web/bench/primitives.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForPage } from '../build.mjs';
import { launchChromium } from '../test/driver.mjs';

const dir = mkdtempSync(join(tmpdir(), 'hoso-primitives-'));
const src = (/** @type {string} */ p) => JSON.stringify(new URL(p, import.meta.url).pathname);
try {
  // Beside the package (removed after), so that its imports resolve from the package's node_modules.
  const entry = fileURLToPath(new URL(`../.primitives-${process.pid}.ts`, import.meta.url));
  writeFileSync(
    entry,
    `import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { fallbackVerifier, webCryptoVerifier, pageSubtle } from ${src('../src/index.ts')};
const g = globalThis as unknown as { hosoBench: unknown };
g.hosoBench = async () => {
  const out: Record<string, number> = {};
  const rate = async (name: string, n: number, f: () => unknown) => {
    await f();
    const t = performance.now();
    await f();
    out[name] = Math.round(n / ((performance.now() - t) / 1000));
  };
  for (const size of [65, 600]) {
    const data = Array.from({ length: 20000 }, (_, i) => new Uint8Array(size).fill(i & 255));
    await rate('sha256 ' + size + ' B, @noble/hashes', data.length, () => data.forEach((d) => sha256(d)));
    await rate('sha256 ' + size + ' B, WebCrypto digest', data.length, () => Promise.all(data.map((d) => crypto.subtle.digest('SHA-256', d))));
  }
  const kp = nacl.sign.keyPair.fromSeed(new Uint8Array(32).fill(7));
  const jobs = Array.from({ length: 2000 }, (_, i) => {
    const message = new Uint8Array(400).fill(i & 255);
    return { publicKey: kp.publicKey, message, signature: nacl.sign.detached(message, kp.secretKey) };
  });
  const web = webCryptoVerifier(pageSubtle()!);
  await rate('ed25519 verify, WebCrypto', jobs.length, () => web(jobs));
  await rate('ed25519 verify, @noble/curves (fallback)', jobs.length, () => fallbackVerifier()(jobs));
  const few = jobs.slice(0, 300);
  await rate('ed25519 verify, tweetnacl', few.length, () => few.forEach((j) => nacl.sign.detached.verify(j.message, j.signature, j.publicKey)));
  return out;
};
`,
  );
  let script;
  try {
    script = await bundleForPage(entry, {});
  } finally {
    rmSync(entry, { force: true });
  }
  const blank = join(dir, 'blank.html');
  writeFileSync(blank, '<!doctype html><title>primitives</title>');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(blank).href);
    await page.addScriptTag({ content: script });
    console.log(
      `load before: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    /** @type {Record<string, number>} */
    const out = await page.evaluate('globalThis.hosoBench()');
    console.log('\n| primitive, in Chromium (main thread) | per second |\n|---|---:|');
    for (const [k, v] of Object.entries(out)) console.log(`| ${k} | ${v.toLocaleString('en')} |`);
    console.log(
      `\nload after: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
