import { writeFileSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import { it } from 'vitest';
import { renderPdfWithLayout, transcriptDocument } from '@hoso/print';
import { createTestPki, createTestTsa } from '@hoso/pki/testing';
import { signPdf } from '../src/index.js';
import { META, transcript } from '../../print/test/fixtures.js';

it('smoke', async () => {
  const d = transcriptDocument(transcript(), META);
  if (isLeft(d)) throw new Error('doc');
  const { pdf, layout } = await renderPdfWithLayout(d.right, { creationDate: new Date('2026-05-26T00:00:00Z') });
  writeFileSync('/tmp/pades-smoke/0.pdf', pdf);
  console.log(JSON.stringify(layout.signatures));
  const pki = await createTestPki({ keyType: 'rsa-pss' });
  const tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
  const t = await pki.issuePerson({ name: 'Nguyễn Thị Hoa', cccd: '001185000123', title: 'Giáo viên' });
  writeFileSync('/tmp/pades-smoke/root.pem', `-----BEGIN CERTIFICATE-----\n${Buffer.from(pki.root.certificate.der).toString('base64')}\n-----END CERTIFICATE-----\n`);
  let bytes = pdf;
  for (const [i, p] of layout.signatures.entries()) {
    const r = await signPdf(bytes, { signer: pki.signer(t), place: p, name: p.name || 'Nguyễn Thị Hoa', role: p.title, tsa });
    if (isLeft(r)) throw new Error(JSON.stringify(r.left));
    bytes = r.right;
    writeFileSync(`/tmp/pades-smoke/${i + 1}.pdf`, bytes);
  }
});
