// Time one verification of an existing bundle and sample its peak memory (run after
// `npx tsc -b packages/verify`):  node packages/verify/bench/verify-file.mjs <bundle> [workers] [compliance]
import { verifyBundle } from '@hoso/verify';

const [path, workersArg = '1', complianceArg = 'false'] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: verify-file.mjs <bundle> [workers] [compliance]');
let peak = 0;
const iv = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const t0 = performance.now();
const r = await verifyBundle(path, { workers: Number(workersArg), compliance: complianceArg === 'true' });
clearInterval(iv);
if (r._tag === 'Left') throw new Error(r.left.message);
const ms = performance.now() - t0;
const errors = r.right.findings.filter((f) => f.severity === 'error');
console.log(
  `${r.right.size} events in ${(ms / 1000).toFixed(2)} s = ${Math.round(r.right.size / (ms / 1000))} events/s; workers ${workersArg}; ` +
    `peak rss ${Math.round(peak / 1e6)} MB, heap used ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB; ${errors.length} errors`,
);
