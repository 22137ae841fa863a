// node run.mjs <module-dir> <bundle> configs...   config = workers:compliance
import { localSigner, toBase64Url, formatVerifierKey } from '@hoso/core';
const [mod, path, ...cfgs] = process.argv.slice(2);
const { verifyBundle, originOf } = await import(mod + '/dist/index.js');
const seed = (k) => new Uint8Array(32).map((_, i) => (i * 13 + k * 7 + 1) & 0xff);
const trust = { rootKeys: [toBase64Url(localSigner(seed(1)).publicKey)], sealKeys: [formatVerifierKey(originOf('bench-school'), localSigner(seed(9)).publicKey)] };
for (const c of cfgs) {
  const [w, comp] = c.split(':');
  const s0 = performance.now();
  const r = await verifyBundle(path, { trust, workers: Number(w), compliance: comp === 'true' });
  const ms = performance.now() - s0;
  const errs = r.right.findings.filter((f) => f.severity === 'error');
  console.log(`workers=${w} compliance=${comp}: ${Math.round(r.right.size / (ms / 1000))} events/s (${(ms / 1000).toFixed(2)} s, ${errs.length} errors ${[...new Set(errs.map((e) => e.code))].join(',')})`);
}
