import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  digest,
  httpTimestampAuthority,
  parseTimestampResponse,
  verifyTimestampToken,
  type Certificate,
  type TimestampAuthority,
} from '@hoso/pki';
import {
  createTestPki,
  createTestTsa,
  serveTsa,
  TEST_TSA_POLICY,
  type Served,
  type TestPki,
  type TestTsa,
} from '@hoso/pki/testing';
import { codes, must, openssl, tempDir, writeBytes, writeCerts, writePem } from './support.js';

// RFC 3161 both ways: OpenSSL's client and verifier accept the in-process TSA served on
// 127.0.0.1, and @hoso/pki accepts tokens that `openssl ts -reply` makes.

let pki: TestPki;
let tsa: TestTsa;
let served: Served;
let dir: string;
let rootPem: string;
let trust: { trustAnchors: Certificate[] };
const data = new TextEncoder().encode('chữ ký cần dấu thời gian');

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'ecdsa-p256' });
  tsa = createTestTsa({ signer: pki.signer(pki.tsa), accuracyMs: 1500 });
  served = await serveTsa(tsa);
  dir = tempDir();
  rootPem = writeCerts(dir, 'root.pem', pki.root.certificate);
  writeBytes(dir, 'data.bin', data);
  trust = { trustAnchors: [pki.root.certificate] };
});
afterAll(() => served.close());

describe('the in-process TSA over HTTP', () => {
  it('answers an OpenSSL request, and OpenSSL verifies the reply against the request and the data', async () => {
    const q = join(dir, 'q.tsq');
    expect(openssl(['ts', '-query', '-data', join(dir, 'data.bin'), '-sha256', '-cert', '-out', q]).code).toBe(0);
    const res = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: readFileSync(q),
    });
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    const reply = writeBytes(dir, 'r.tsr', new Uint8Array(await res.arrayBuffer()));
    const text = openssl(['ts', '-reply', '-in', reply, '-text']).out;
    expect(text).toContain('Status: Granted.');
    expect(text).toContain(`Policy OID: ${TEST_TSA_POLICY}`);
    expect(text).toMatch(/Accuracy: 0x01 seconds, 0x01F4 millis/);
    expect(text).toMatch(/Nonce: 0x[0-9A-F]+/);
    const byQuery = openssl(['ts', '-verify', '-in', reply, '-queryfile', q, '-CAfile', rootPem]);
    expect(byQuery.out).toContain('Verification: OK');
    const byData = openssl(['ts', '-verify', '-in', reply, '-data', join(dir, 'data.bin'), '-CAfile', rootPem]);
    expect(byData.out).toContain('Verification: OK');
    // and refuses other data
    const other = openssl(['ts', '-verify', '-in', reply, '-data', rootPem, '-CAfile', rootPem]);
    expect(other.out).toContain('Verification: FAILED');
  });

  it('the HTTP client gets a token that verifies, with serials and nonces', async () => {
    const client = httpTimestampAuthority({ url: served.url });
    const imprint = { hash: 'SHA-256' as const, digest: await digest('SHA-256', data) };
    const t1 = must(await client.timestamp(imprint));
    const t2 = must(await client.timestamp(imprint));
    const v1 = await verifyTimestampToken(t1, { ...trust, data, evidence: await pki.evidence() });
    const v2 = await verifyTimestampToken(t2, { ...trust, data, evidence: await pki.evidence() });
    expect(v1.problems).toEqual([]);
    expect(v1.ok && v2.ok).toBe(true);
    expect(v1.info!.serialNumber).not.toBe(v2.info!.serialNumber);
    expect(v1.info!.nonce).toBeDefined();
    expect(v1.info!.nonce).not.toBe(v2.info!.nonce);
    expect(v1.info!.accuracyMs).toBe(1500);
    expect(v1.tsa!.subject.commonName).toBe('TSA thử nghiệm hoso');
    expect(Math.abs(v1.info!.genTime.getTime() - Date.now())).toBeLessThan(600_000);
  });

  it('a token for other data is refused', async () => {
    const client = httpTimestampAuthority({ url: served.url });
    const token = must(await client.timestamp({ hash: 'SHA-256', digest: await digest('SHA-256', data) }));
    const v = await verifyTimestampToken(token, {
      ...trust,
      data: new TextEncoder().encode('khác'),
      evidence: await pki.evidence(),
    });
    expect(codes(v.problems)).toEqual(['timestamp-mismatch']);
  });

  it('a reply to another request (wrong nonce or imprint) is refused by the client', async () => {
    const replay = async (): Promise<Uint8Array> => {
      const res = await fetch(served.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: readFileSync(join(dir, 'q.tsq')),
      });
      return new Uint8Array(await res.arrayBuffer());
    };
    const stale = await replay();
    const client = httpTimestampAuthority({
      url: served.url,
      fetch: () => Promise.resolve(new Response(stale, { status: 200 })),
    });
    const r = await client.timestamp({ hash: 'SHA-256', digest: await digest('SHA-256', data) });
    expect(isLeft(r) && r.left.code).toBe('timestamp-mismatch');
  });

  it('a refusal and an unreachable TSA are typed errors', async () => {
    const refusing = httpTimestampAuthority({ url: served.url, policy: '1.2.3.4' });
    const r = await refusing.timestamp({ hash: 'SHA-256', digest: new Uint8Array(32) });
    expect(isLeft(r) && r.left).toMatchObject({
      code: 'timestamp-refused',
      details: { status: 2, failures: ['unacceptedPolicy'] },
    });
    const gone = httpTimestampAuthority({ url: 'http://127.0.0.1:9/', timeoutMs: 2000 });
    const g = await gone.timestamp({ hash: 'SHA-256', digest: new Uint8Array(32) });
    expect(isLeft(g) && g.left.code).toBe('http-error');
    const weak = await httpTimestampAuthority({ url: served.url }).timestamp({
      hash: 'SHA-256',
      digest: new Uint8Array(5),
    });
    expect(isLeft(weak) && weak.left.code).toBe('timestamp-refused');
  });

  it('a TSA whose certificate is not for timestamping is refused', async () => {
    const person = await pki.issuePerson({ name: 'Không phải TSA', cccd: '001000000001' });
    const fake: TimestampAuthority = createTestTsa({ signer: pki.signer(person) });
    const token = must(await fake.timestamp({ hash: 'SHA-256', digest: await digest('SHA-256', data) }));
    const v = await verifyTimestampToken(token, { ...trust, data, evidence: await pki.evidence() });
    expect(codes(v.problems)).toEqual(['extended-key-usage']);
    expect(v.problems[0]!.rule).toBe('RFC 3161 §2.3');
  });
});

describe('tokens made by openssl ts -reply', () => {
  for (const essAlg of ['sha256', 'sha1'] as const) {
    it(`verify with @hoso/pki (ESS certificate id by ${essAlg})`, async () => {
      const d = tempDir();
      writeCerts(d, 'tsa.pem', pki.tsa.certificate);
      writeCerts(d, 'chain.pem', pki.intermediate.certificate);
      writePem(d, 'tsa.key', 'PRIVATE KEY', pki.tsa.key.pkcs8);
      writeFileSync(join(d, 'serial'), '0A\n');
      writeFileSync(
        join(d, 'tsa.cnf'),
        [
          '[ tsa ]',
          'default_tsa = t',
          '[ t ]',
          `serial = ${d}/serial`,
          `signer_cert = ${d}/tsa.pem`,
          `certs = ${d}/chain.pem`,
          `signer_key = ${d}/tsa.key`,
          'signer_digest = sha256',
          `default_policy = ${TEST_TSA_POLICY}`,
          'digests = sha256, sha384, sha512',
          'accuracy = secs:1, millisecs:500',
          `ess_cert_id_alg = ${essAlg}`,
          '',
        ].join('\n'),
      );
      const q = join(d, 'q.tsq');
      expect(openssl(['ts', '-query', '-data', join(dir, 'data.bin'), '-sha256', '-cert', '-out', q]).code).toBe(0);
      const made = openssl(['ts', '-reply', '-config', join(d, 'tsa.cnf'), '-queryfile', q, '-out', join(d, 'r.tsr')]);
      expect(made.code).toBe(0);
      const token = must(parseTimestampResponse(new Uint8Array(readFileSync(join(d, 'r.tsr')))));
      const v = await verifyTimestampToken(token, { ...trust, data, evidence: await pki.evidence() });
      expect(v.problems).toEqual([]);
      // OpenSSL increments the serial file before it uses it.
      expect(v.info!.serialNumber).toBe('0b');
      expect(v.info!.policy).toBe(TEST_TSA_POLICY);
      expect(v.info!.accuracyMs).toBe(1500);
    });
  }
});
