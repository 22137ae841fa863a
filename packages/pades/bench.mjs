// Signing học bạ PDFs with three PAdES signatures each (homeroom teacher and principal with
// visible blocks, then the school's seal), with software keys and with the seal on a SoftHSM2
// token (where softhsm2 is installed), B-B and B-T (the in-process test TSA); per document: time,
// bytes added, the heap retained and the peak RSS; extrapolated to a 1,500-student school; and
// verifyPdf per document. Build first: `npx tsc -b packages/pades`, then
// `node packages/pades/bench.mjs [documents]`. Prints a table, then one JSON object. Figures
// inform; nothing is asserted.
import { performance } from 'node:perf_hooks';
import { renderPdfWithLayout, transcriptDocument } from '@hoso/print';
import { createSealOnToken, createTestPki, createTestTsa, softHsmLibrary } from '@hoso/pki/testing';
import { signPdf, verifyPdf } from './dist/index.js';

const N = Number(process.argv[2] ?? 20);
const SCHOOL = 1500;

/**
 * @template A
 * @param {{ _tag: 'Left', left: { code: string, message: string } } | { _tag: 'Right', right: A }} e
 * @returns {A}
 */
function must(e) {
  if (e._tag === 'Left') throw new Error(`${e.left.code}: ${e.left.message}`);
  return e.right;
}

const subjects = ['Toán', 'Ngữ văn', 'Tiếng Anh', 'Lịch sử', 'Vật lí', 'Hóa học', 'Sinh học', 'Tin học'].map(
  (name, i) => ({
    name,
    term1: `${6 + (i % 3)}.4`,
    term2: `${7 + (i % 2)}.1`,
    year: `${7 + (i % 2)}.0`,
    teacher: 'Lê Văn Tám',
  }),
);
const doc = must(
  transcriptDocument(
    {
      student: {
        name: 'Nguyễn Thị Hồng Nhung',
        birthDate: '2009-03-15',
        gender: 'Nữ',
        birthPlace: 'Đắk Nông',
        ethnicity: 'Kinh',
        id: 'HS-0003',
      },
      schoolYear: '2024-2025',
      className: '10A1',
      subjects,
      learning: ['Khá', 'Khá', 'Tốt'],
      conduct: ['Tốt', 'Tốt', 'Tốt'],
      absences: 2,
      outcome: 'Được lên lớp',
      remarks: 'Chăm ngoan.',
      homeroom: { name: 'Trần Thị Lan' },
      principal: { name: 'Phạm Văn Đức' },
    },
    {
      school: { authority: 'SỞ GD&ĐT ĐẮK NÔNG', name: 'TRƯỜNG THPT CHU VĂN AN', place: 'Gia Nghĩa' },
      verification: { origin: 'hoso/thpt-chu-van-an', size: 12345, root: 'ab'.repeat(32), book: 'student/hs-0003' },
      printedOn: '2025-05-31',
    },
  ),
);
const { pdf, layout } = await renderPdfWithLayout(doc, { creationDate: new Date('2025-05-31T03:00:00Z') });
const place = (/** @type {string} */ role) => layout.signatures.find((p) => p.role === role);

const pki = await createTestPki({ keyType: 'rsa-pss' });
const tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
const homeroom = pki.signer(await pki.issuePerson({ name: 'Trần Thị Lan', cccd: '066185000123' }));
const principal = pki.signer(await pki.issuePerson({ name: 'Phạm Văn Đức', cccd: '066175000456' }));
const softSeal = pki.signer(await pki.issueSeal({ name: 'Trường THPT Chu Văn An', taxCode: '6400123456' }));
const evidence = await pki.evidence();

/**
 * Three signatures on one PDF.
 * @param {import('@hoso/pki').X509Signer} seal
 * @param {boolean} timestamp
 */
async function signThree(seal, timestamp) {
  const t = timestamp ? { tsa } : {};
  let b = must(
    await signPdf(pdf, {
      signer: homeroom,
      place: place('homeroom'),
      name: 'Trần Thị Lan',
      role: 'Giáo viên chủ nhiệm',
      ...t,
    }),
  );
  b = must(
    await signPdf(b, { signer: principal, place: place('principal'), name: 'Phạm Văn Đức', role: 'Hiệu trưởng', ...t }),
  );
  return must(
    await signPdf(b, { signer: seal, name: 'Trường THPT Chu Văn An', role: 'Chữ ký số của nhà trường', ...t }),
  );
}

/** @type {string[][]} */
const rows = [];
/** @type {Record<string, unknown>} */
const results = { documents: N, unsignedBytes: pdf.length };

/**
 * @param {string} label
 * @param {import('@hoso/pki').X509Signer} seal
 * @param {boolean} timestamp
 */
async function run(label, seal, timestamp) {
  await signThree(seal, timestamp); // warm-up
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let rssPeak = process.memoryUsage().rss;
  let last = pdf;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    last = await signThree(seal, timestamp);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const ms = (performance.now() - t0) / N;
  globalThis.gc?.();
  // What stays on the heap per document once garbage is collected (a leak would show here).
  const heap = (process.memoryUsage().heapUsed - heap0) / N;
  const v0 = performance.now();
  const v = must(await verifyPdf(last, { roots: [pki.root.certificate], evidence }));
  if (!v.ok) throw new Error(v.problems.map((p) => p.code).join(', '));
  const verifyMs = performance.now() - v0;
  const school = (ms * SCHOOL) / 60_000;
  rows.push([
    label,
    timestamp ? 'B-T' : 'B-B',
    ms.toFixed(0),
    school.toFixed(1),
    `${((last.length - pdf.length) / 1024).toFixed(0)} KiB`,
    `${(heap / 1024).toFixed(0)} KiB`,
    `${(rssPeak / 2 ** 20).toFixed(0)} MiB`,
    verifyMs.toFixed(0),
  ]);
  results[`${label} ${timestamp ? 'B-T' : 'B-B'}`] = {
    msPerDocument: Math.round(ms),
    schoolMinutes: Number(school.toFixed(1)),
    addedBytes: last.length - pdf.length,
    retainedHeapPerDocument: Math.round(heap),
    rssPeak,
    verifyMs: Math.round(verifyMs),
  };
}

await run('software keys', softSeal, false);
await run('software keys', softSeal, true);
if (softHsmLibrary()) {
  const made = must(await createSealOnToken(pki, { name: 'Trường THPT Chu Văn An', taxCode: '6400123456' }));
  await run('seal on SoftHSM2', made.signer, false);
  await run('seal on SoftHSM2', made.signer, true);
  await made.signer.close();
} else rows.push(['seal on SoftHSM2', '', 'not installed', '', '', '', '', '']);

console.log(`${N} học bạ PDFs (${pdf.length} bytes, one page), three PAdES signatures each; RSA-PSS 2048`);
console.log(
  ['keys', 'level', 'ms/document', `min for ${SCHOOL}`, 'added', 'retained heap/doc', 'peak RSS', 'verifyPdf ms'].join(
    '\t',
  ),
);
for (const r of rows) console.log(r.join('\t'));
console.log(JSON.stringify(results));
