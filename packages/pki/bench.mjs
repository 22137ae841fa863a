// Throughput of @hoso/pki: CAdES-BES signatures per second with a software key (WebCrypto) and
// with a SoftHSM2 token (PKCS #11, where softhsm2 is installed), and verifications per second
// (signature, signing-certificate-v2, path to the test root with CRLs). RSA-PSS 2048 and ECDSA
// P-256. Build first: `npx tsc -b packages/pki`, then `node packages/pki/bench.mjs [seconds]`.
// Prints a table, then one JSON object. Figures inform; nothing is asserted.
import { performance } from 'node:perf_hooks';
import { signCades, verifyCades } from './dist/index.js';
import { openPkcs11Signer } from './dist/node/index.js';
import {
  createSoftHsmToken,
  createTestPki,
  generateTokenKey,
  softHsmLibrary,
  storeTokenCertificate,
} from './dist/testing/index.js';

const seconds = Number(process.argv[2] ?? 2);
const content = new TextEncoder().encode('Sổ điểm lớp 10A1 — môn Toán — học kỳ I: mã băm của sổ'.repeat(8));

/**
 * Run `f` again and again for `seconds`, after a short warm-up; operations per second.
 * @param {() => Promise<unknown>} f
 */
async function rate(f) {
  for (let i = 0; i < 3; i++) await f();
  let n = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  while (performance.now() < until) {
    await f();
    n++;
  }
  return Math.round((n * 1000) / (performance.now() - t0));
}

/**
 * @template A
 * @param {{ _tag: 'Left', left: { code: string, message: string } } | { _tag: 'Right', right: A }} e
 * @returns {A}
 */
function must(e) {
  if (e._tag === 'Left') throw new Error(`${e.left.code}: ${e.left.message}`);
  return e.right;
}

/** @type {Record<string, number>} */
const results = {};
/** @type {string[][]} */
const rows = [];

for (const keyType of /** @type {const} */ (['rsa-pss', 'ecdsa-p256'])) {
  const pki = await createTestPki({ keyType });
  const teacher = await pki.issuePerson({ name: 'Nguyễn Thị Hoa', cccd: '001185000123' });
  const signer = pki.signer(teacher);
  const sign = await rate(async () => must(await signCades({ signer, content })));
  const sig = must(await signCades({ signer, content }));
  const evidence = await pki.evidence();
  const trustAnchors = [pki.root.certificate];
  const verify = await rate(async () => {
    const v = await verifyCades(sig.der, { content, trustAnchors, evidence });
    if (!v.ok) throw new Error(v.problems.map((p) => p.code).join(', '));
  });
  results[`${keyType} sign software`] = sign;
  results[`${keyType} verify`] = verify;
  rows.push([keyType, 'software key (WebCrypto)', `${sign}`, `${verify}`]);

  if (softHsmLibrary()) {
    const token = must(createSoftHsmToken({ label: `bench-${keyType}`, pin: '123456' }));
    const id = new Uint8Array([1]);
    const spki = must(await generateTokenKey(token, { label: 'seal', id, type: keyType === 'rsa-pss' ? 'rsa' : 'ec' }));
    const certificate = await pki.issueForKey({
      subject: [
        { type: 'C', value: 'VN' },
        { type: 'CN', value: 'Trường THCS Hòa Bình' },
        { type: 'UID', value: 'MST:0101234567' },
      ],
      publicKey: spki,
    });
    must(await storeTokenCertificate(token, { label: 'seal', id, certificate }));
    const hsm = must(
      await openPkcs11Signer({
        library: token.library,
        token: { label: token.label },
        pin: token.pin,
        key: { id },
        chain: [pki.intermediate.certificate.der],
      }),
    );
    const hsmSign = await rate(async () => must(await signCades({ signer: hsm, content })));
    await hsm.close();
    results[`${keyType} sign softhsm2`] = hsmSign;
    rows.push([keyType, 'SoftHSM2 token (PKCS #11)', `${hsmSign}`, '']);
  } else rows.push([keyType, 'SoftHSM2 token (PKCS #11)', 'not installed', '']);
}

console.log(`CAdES-BES, detached, ${content.length}-byte content, ${seconds} s per figure`);
console.log(['key', 'where the key is', 'sign/s', 'verify/s'].join('\t'));
for (const r of rows) console.log(r.join('\t'));
console.log(JSON.stringify(results));
