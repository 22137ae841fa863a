// Ad hoc benchmark of verification with the compliance pass on a real school history
// (run after `npx tsc -b packages/verify`):  node packages/verify/bench/compliance-bench.mjs [scores]
// Writes scores through openLedger().execute (so every rule holds), then times verifyStore.
import { buildSchool, as } from '@hoso/ledger/testing';
import { verifyStore } from '@hoso/verify';

const SCORES = Number(process.argv[2] ?? 5000);
const s = await buildSchool({ students: 40 });
const t0 = performance.now();
let n = 0;
outer: for (const term of ['HK1', 'HK2']) {
  for (const subject of ['toan', 'van']) {
    const teacher = subject === 'toan' ? s.people.teacher : s.people.homeroom;
    /** @type {ReadonlyArray<readonly [string, ReadonlyArray<number | undefined>]>} */
    const columns = [
      ['tx', [1, 2, 3, 4]],
      ['gk', [undefined]],
      ['ck', [undefined]],
    ];
    for (const [column, indexes] of columns) {
      for (const index of indexes) {
        if (subject === 'van' && column === 'tx' && index !== undefined && index > 2) continue;
        for (const student of s.students) {
          if (n++ >= SCORES) break outer;
          await s.run(
            {
              type: 'EnterScore',
              data: {
                year: s.year,
                class: s.cls,
                subject,
                student,
                term,
                column,
                ...(index !== undefined ? { index } : {}),
                value: `${5 + (n % 5)}.5`,
              },
            },
            [as(teacher, 'subject')],
          );
        }
      }
    }
  }
}
const size = await s.store.size('thpt-test');
console.log(`wrote ${size} events through the ledger in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const compliance of [false, true]) {
  for (const workers of [0, 2]) {
    const a = performance.now();
    const r = await verifyStore(s.store, 'thpt-test', {
      trust: { rootKeys: [s.people.principal.key] },
      workers,
      compliance,
    });
    const ms = performance.now() - a;
    if (r._tag === 'Left') throw new Error(r.left.message);
    const errs = r.right.findings.filter((f) => f.severity === 'error');
    console.log(
      `verifyStore workers=${workers} compliance=${compliance}: ${Math.round(size / (ms / 1000))} events/s (${errs.length} errors; verdict ${r.right.verdict})`,
    );
  }
}
