import { verifyBundle } from '@hoso/verify';
const path = process.argv[2]; const workers = Number(process.argv[3]);
let peak = 0; const iv = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
const s0 = performance.now();
const r = await verifyBundle(path, { workers, compliance: false });
clearInterval(iv);
console.log(`workers=${workers} ${r.right.size} events ${(performance.now()-s0).toFixed(0)} ms, peak rss ${Math.round(peak/1e6)} MB heapUsed ${Math.round(process.memoryUsage().heapUsed/1e6)} MB ok=${r.right.findings.filter(f=>f.severity==='error').length===0}`);
