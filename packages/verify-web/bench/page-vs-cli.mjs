#!/usr/bin/env node
// The browser verifier against `hoso verify` on the same bundle, same machine, one run each:
// events/s of the page in Debian's Chromium (WebCrypto Ed25519, and the pure-JS fallback) and of
// the CLI, each as its own report's `stats.milliseconds` measures the verification. Prints the
// machine's load: figures taken while it is busy are not final (the lead re-runs on a quiet one).
//
//   node packages/verify-web/bench/page-vs-cli.mjs [students]   (default 300; 1500 is a full-size school, ~190k events)
//   HOSO_BENCH_BUNDLE=dir/ of an existing `hoso demo` run skips making one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVerifierPage } from '../build.mjs';
import { launchChromium, openVerifier } from '../test/driver.mjs';

const HOSO = fileURLToPath(new URL('../../cli/bin/hoso.mjs', import.meta.url));
const students = Number(process.argv[2] ?? 300);
const tmp = mkdtempSync(join(tmpdir(), 'hoso-page-bench-'));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

try {
  const demo = process.env['HOSO_BENCH_BUNDLE'] ?? join(tmp, 'demo');
  if (process.env['HOSO_BENCH_BUNDLE'] === undefined) {
    console.log(`making the demo year (${students} students)…`);
    execFileSync(process.execPath, [
      HOSO,
      'demo',
      '--dir',
      demo,
      '--students',
      String(students),
      '--no-print',
      '--quiet',
    ]);
  }
  const f = (/** @type {string} */ n) => join(demo, n);
  const bundle = f('ledger.hoso');
  const html = (await buildVerifierPage({ outFile: join(tmp, 'hoso-verify.html') })).file;
  console.log(`bundle ${bundle}: ${(statSync(bundle).size / 1048576).toFixed(1)} MiB`);
  console.log(`machine: ${availableParallelism()} cores, load before ${load()}`);

  const out = execFileSync(
    process.execPath,
    [
      HOSO,
      'verify',
      bundle,
      '--trust',
      f('root.key.pub'),
      '--trust',
      f('seal.vkey'),
      '--trust',
      f('witness.vkey'),
      ...(existsSync(f('ca-root.pem')) ? ['--trust', f('ca-root.pem')] : []),
      '--json',
    ],
    { maxBuffer: 1 << 28 },
  ).toString();
  /** @type {unknown} */
  const parsed = JSON.parse(out);
  const cli = /** @type {{ verdict: string, size: number, stats: { milliseconds: number, workers: number } }} */ (
    parsed
  );
  /** @type {Array<[string, string, number, number, number]>} */
  const rows = [['hoso verify (Node)', cli.verdict, cli.size, cli.stats.workers, cli.stats.milliseconds]];
  console.log(`  cli done, load ${load()}`);

  const browser = await launchChromium();
  try {
    for (const fallback of [false, true]) {
      const v = await openVerifier(browser, html, { withoutWebCryptoEd25519: fallback });
      const r = await v.verify({
        bundle,
        root: [f('root.key.pub')],
        seal: [f('seal.vkey')],
        witness: [f('witness.vkey')],
        // A demo made before CA-backed signatures has no ca-root.pem.
        certificates: existsSync(f('ca-root.pem')) ? [f('ca-root.pem')] : [],
      });
      if (r.state !== 'done') throw new Error(`the page did not finish: ${JSON.stringify(r)}`);
      if (v.requests.length > 0) throw new Error(`the page made requests: ${v.requests.join(', ')}`);
      rows.push([
        `page, Ed25519 ${r.ed25519 === 'js' ? 'JS fallback' : 'WebCrypto'}`,
        r.report.verdict,
        r.report.size,
        r.report.stats.workers,
        r.report.stats.milliseconds,
      ]);
      await v.close();
      console.log(`  page (${r.ed25519}) done, load ${load()}`);
    }
  } finally {
    await browser.close();
  }
  const base = cli.size / (cli.stats.milliseconds / 1000);
  console.log('\n| run | verdict | events | workers | seconds | events/s | of the CLI |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const [name, verdict, size, workers, ms] of rows) {
    const eps = size / (ms / 1000);
    console.log(
      `| ${name} | ${verdict} | ${size} | ${workers} | ${(ms / 1000).toFixed(1)} | ${eps.toFixed(0)} | ${((100 * eps) / base).toFixed(0)} % |`,
    );
  }
  console.log(`\nload after: ${load()} (1, 5, 15 min) on ${availableParallelism()} cores`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
