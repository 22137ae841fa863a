import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { fetchRevocationEvidence, signCades, validatePath, verifyCades } from '@hoso/pki';
import { createTestPki, startRevocationServer, type RevocationServer, type TestPki } from '@hoso/pki/testing';
import { must } from './support.js';

// Evidence gathered at signing time from where the certificates say: the OCSP responder (with a
// nonce) or the CRL distribution point, served by the test CA on 127.0.0.1.

let server: RevocationServer;
let pki: TestPki;

beforeAll(async () => {
  server = await startRevocationServer();
  pki = await createTestPki({ keyType: 'ecdsa-p256', crlBase: server.base });
  server.serve(pki);
});
afterAll(() => server.close());

describe('fetchRevocationEvidence', () => {
  it('asks the OCSP responder for the person and the root CRL for the intermediate; the path then holds', async () => {
    const t = await pki.issuePerson({ name: 'Tạ Thị Bích', cccd: '001186000135' });
    const chain = [t.certificate, pki.intermediate.certificate, pki.root.certificate];
    const seen = server.requests.length;
    const e = must(await fetchRevocationEvidence(chain));
    expect(server.requests.slice(seen)).toEqual(['POST /ocsp', 'GET /root.crl']);
    expect([e.ocspDers.length, e.crlDers.length]).toEqual([1, 1]);
    expect(e.ocspResponses[0]!.basic!.nonce).toMatch(/^0410[0-9a-f]{32}$/);
    const v = await validatePath(t.certificate, {
      trustAnchors: [pki.root.certificate],
      intermediates: [pki.intermediate.certificate],
      time: new Date(),
      purpose: 'signature',
      evidence: e,
    });
    expect(v.problems).toEqual([]);
    expect(v.revocation.map((r) => r.source)).toEqual(['ocsp', 'crl']);
  });

  it('CRLs only when told; a revoked certificate shows revoked; the evidence travels inside a signature', async () => {
    const t = await pki.issuePerson({ name: 'Ông Văn Đức', cccd: '001186000246' });
    const chain = [t.certificate, pki.intermediate.certificate, pki.root.certificate];
    const e = must(await fetchRevocationEvidence(chain, { prefer: 'crl' }));
    expect([e.ocspDers.length, e.crlDers.length]).toEqual([0, 2]);
    const sig = must(
      await signCades({ signer: pki.signer(t), content: new Uint8Array([1, 2, 3]), embed: { crls: e.crlDers } }),
    );
    const v = await verifyCades(sig.der, { content: new Uint8Array([1, 2, 3]), trustAnchors: [pki.root.certificate] });
    expect(v.problems).toEqual([]);
    pki.revoke(t.certificate, new Date(Date.now() - 60_000), 'keyCompromise');
    const after = must(await fetchRevocationEvidence(chain));
    const r = await validatePath(t.certificate, {
      trustAnchors: [pki.root.certificate],
      intermediates: [pki.intermediate.certificate],
      time: new Date(),
      purpose: 'signature',
      evidence: after,
    });
    expect(r.problems.map((p) => p.code)).toEqual(['certificate-revoked']);
  });

  it('a CA that cannot be reached is revocation-missing, naming the certificate and what was tried', async () => {
    const offline = await createTestPki({ keyType: 'ecdsa-p256', crlBase: 'http://127.0.0.1:9' });
    const t = await offline.issuePerson({ name: 'Không Mạng', cccd: '001186000357' });
    const r = await fetchRevocationEvidence(
      [t.certificate, offline.intermediate.certificate, offline.root.certificate],
      { timeoutMs: 2000 },
    );
    expect(isLeft(r) && r.left).toMatchObject({ code: 'revocation-missing', path: ['chain', 0] });
    expect(isLeft(r) && (r.left.details as { tried: string[] }).tried).toHaveLength(2);
  });
});
