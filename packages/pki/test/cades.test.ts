import { describe, it, expect, beforeAll } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { addSignatureTimestamp, decodeSignedData, parseCrl, signCades, verifyCades, type Certificate } from '@hoso/pki';
import { keyObjectSigner } from '@hoso/pki/node';
import {
  createTestPki,
  createTestTsa,
  issueCertificate,
  mustParse,
  type TestPki,
  type TestTsa,
} from '@hoso/pki/testing';
import { encodeSignedData } from '../src/cms/signed-data.js';
import { hashAlgorithmDer } from '../src/algorithms.js';
import { childrenOf, readOnly, tlvBytes } from '../src/der.js';
import { codes, must, openssl, tempDir, writeBytes, writeCerts, writePem } from './support.js';

// CAdES beyond the OpenSSL round trip: evidence inside the CMS (RFC 5940), the signing
// certificate bound by signing-certificate-v2, B-B → B-T, validation at the timestamp's time
// after the certificate expired, and CAdES made by OpenSSL read by verifyCades.

const DAY = 86_400_000;
const content = new TextEncoder().encode('Sổ gọi tên và ghi điểm — lớp 7A — chốt học kỳ I');
let pki: TestPki;
let tsa: TestTsa;
let dir: string;
let trust: { trustAnchors: Certificate[] };

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'rsa-pss' });
  tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
  dir = tempDir();
  writeBytes(dir, 'content.bin', content);
  trust = { trustAnchors: [pki.root.certificate] };
});

describe('CAdES signatures', () => {
  it('carry their revocation evidence inside (a CRL and an RFC 5940 OCSP response); OpenSSL still accepts them', async () => {
    const t = await pki.issuePerson({ name: 'Phan Thị Nga', cccd: '001186000123' });
    const ocsp = await pki.ocsp(t.certificate);
    const rootCrl = await pki.crl(pki.now, pki.root);
    const sig = must(
      await signCades({ signer: pki.signer(t), content, tsa, embed: { crls: [rootCrl], ocspResponses: [ocsp] } }),
    );
    const sd = must(decodeSignedData(sig.der));
    expect(sd.version).toBe(5);
    expect(sd.crls).toHaveLength(1);
    expect(sd.ocspResponses).toEqual([ocsp]);
    const r = openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      writeBytes(dir, 'embedded.p7s', sig.der),
      '-content',
      join(dir, 'content.bin'),
      '-CAfile',
      writeCerts(dir, 'root.pem', pki.root.certificate),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    expect(r.out).toContain('Verification successful');
    // Nothing supplied beside it: what it carries covers the teacher (OCSP) and the intermediate (CRL).
    // The TSA's own certificate is covered by the CRL of the intermediate, given beside it.
    const interCrl = must(await parseCrl(await pki.crl()));
    const v = await verifyCades(sig.der, { content, ...trust, evidence: { crls: [interCrl] } });
    expect(v.problems).toEqual([]);
    expect(v.revocation.map((x) => x.source)).toEqual(['ocsp', 'crl']);
    const bare = await verifyCades(sig.der, { content, ...trust });
    expect(codes(bare.problems)).toEqual(['revocation-missing']);
    expect(bare.problems.every((p) => p.path?.[0] === 'signerInfos')).toBe(true);
  });

  it('a certificate swapped for another with the same key, issuer and serial is caught by signing-certificate-v2', async () => {
    const t = await pki.issuePerson({ name: 'Trịnh Văn Sơn', cccd: '001186000456' });
    const impostor = await mustParse(
      await issueCertificate(pki.intermediate.issuer, {
        subject: [{ type: 'CN', value: 'Hiệu trưởng giả' }],
        publicKey: t.key.spki,
        serialNumber: t.certificate.serialNumber,
        notBefore: t.certificate.notBefore,
        notAfter: t.certificate.notAfter,
        keyUsage: ['digitalSignature', 'nonRepudiation'],
      }),
    );
    const sig = must(await signCades({ signer: pki.signer(t), content }));
    const sd = must(decodeSignedData(sig.der));
    const signerInfo = rawSignerInfo(sig.der);
    const swapped = encodeSignedData({
      digestAlgorithm: hashAlgorithmDer('SHA-256'),
      eContentType: sd.eContentType,
      // a SET OF is sorted by encoding: the signer's certificate is not necessarily first
      certificates: [
        impostor.der,
        ...sd.certificates.filter(
          (c) => c.length !== t.certificate.der.length || c.some((x, i) => x !== t.certificate.der[i]),
        ),
      ],
      signerInfo,
    });
    const v = await verifyCades(swapped, { content, ...trust, evidence: await pki.evidence() });
    expect(codes(v.problems)).toEqual(['signing-certificate-mismatch']);
    expect(v.problems[0]).toMatchObject({
      rule: 'RFC 5035 §5.4',
      path: ['signerInfos', 0, 'signedAttrs', 'signingCertificateV2'],
    });
  });

  it('B-B becomes B-T by adding a timestamp; requireTimestamp refuses a B-B', async () => {
    const t = await pki.issuePerson({ name: 'Hồ Thị Yến', cccd: '001186000789' });
    const bb = must(await signCades({ signer: pki.signer(t), content }));
    const noTs = await verifyCades(bb.der, {
      content,
      ...trust,
      evidence: await pki.evidence(),
      requireTimestamp: true,
    });
    expect(noTs.problems.map((p) => [p.code, p.rule])).toEqual([['timestamp-missing', 'ETSI EN 319 122-1 §5.3']]);
    const bt = must(await addSignatureTimestamp(bb.der, tsa));
    const v = await verifyCades(bt, { content, ...trust, evidence: await pki.evidence(), requireTimestamp: true });
    expect(v.problems).toEqual([]);
    expect(v.level).toBe('B-T');
  });

  it('a B-T signature verifies years later, after its certificate expired, at the timestamp’s time', async () => {
    const t = await pki.issuePerson({ name: 'Đặng Văn Lâm', cccd: '001186000999' });
    const sig = must(await signCades({ signer: pki.signer(t), content, tsa }));
    const years = new Date(pki.now.getTime() + 5 * 365 * DAY);
    const bt = await verifyCades(sig.der, { content, ...trust, evidence: await pki.evidence(), time: years });
    expect(bt.problems).toEqual([]);
    expect(bt.validationTime.getTime()).toBeLessThan(years.getTime());
    // The same signature without its timestamp, checked then: expired.
    const bb = must(await signCades({ signer: pki.signer(t), content }));
    const late = await verifyCades(bb.der, {
      content,
      ...trust,
      evidence: await pki.evidence(),
      revocation: 'ignore',
      time: years,
    });
    expect(codes(late.problems)).toEqual(['certificate-expired']);
  });

  it('signs from a node:crypto KeyObject (PKCS #8 file), RSA-PSS', async () => {
    const t = await pki.issuePerson({ name: 'Kiều Thị Hà', cccd: '001186000321' });
    const privateKey = createPrivateKey({ key: Buffer.from(t.key.pkcs8), format: 'der', type: 'pkcs8' });
    const signer = keyObjectSigner({
      privateKey,
      certificate: t.certificate.der,
      chain: [pki.intermediate.certificate.der],
    });
    const sig = must(
      await signCades({ signer, content, algorithm: { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 } }),
    );
    const v = await verifyCades(sig.der, { content, ...trust, evidence: await pki.evidence() });
    expect(v.problems).toEqual([]);
    const wrong = await signCades({ signer, content, algorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    expect(isLeft(wrong) && wrong.left.code).toBe('mechanism-unsupported');
  });

  it('a refused input writes nothing: both content and digest, or a digest of the wrong size', async () => {
    const t = await pki.issuePerson({ name: 'Lâm Văn Phú', cccd: '001186000654' });
    const both = await signCades({ signer: pki.signer(t), content, contentDigest: new Uint8Array(32) });
    expect(isLeft(both) && both.left).toMatchObject({ code: 'content-missing', path: ['content'] });
    const short = await signCades({ signer: pki.signer(t), contentDigest: new Uint8Array(20) });
    expect(isLeft(short) && short.left).toMatchObject({ code: 'content-digest-mismatch', path: ['contentDigest'] });
    const pades = await signCades({ signer: pki.signer(t), content, profile: 'pades', signingTime: new Date() });
    expect(isLeft(pades) && pades.left.rule).toBe('ETSI EN 319 142-1 §6.3');
  });
});

describe('CAdES made by OpenSSL (cms -sign -cades)', () => {
  for (const pss of [true, false]) {
    it(`verifies with verifyCades (${pss ? 'RSASSA-PSS' : 'PKCS #1 v1.5, reported as legacy'})`, async () => {
      const t = await pki.issuePerson({ name: 'Quách Văn Tài', cccd: '001186000111' });
      const cert = writeCerts(dir, `ossl-${pss}.pem`, t.certificate);
      const key = writePem(dir, `ossl-${pss}.key`, 'PRIVATE KEY', t.key.pkcs8);
      const out = join(dir, `ossl-${pss}.p7s`);
      const r = openssl([
        'cms',
        '-sign',
        '-cades',
        '-binary',
        '-md',
        'sha256',
        '-in',
        join(dir, 'content.bin'),
        '-signer',
        cert,
        '-inkey',
        key,
        '-certfile',
        writeCerts(dir, 'inter.pem', pki.intermediate.certificate),
        '-outform',
        'DER',
        '-out',
        out,
        ...(pss ? ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32'] : []),
      ]);
      expect(r.code, r.out).toBe(0);
      const v = await verifyCades(new Uint8Array(readFileSync(out)), {
        content,
        ...trust,
        evidence: await pki.evidence(),
      });
      expect(v.problems).toEqual([]);
      expect(v.algorithm?.name).toBe(pss ? 'RSASSA-PSS' : 'RSASSA-PKCS1-v1_5');
      expect(v.legacyPadding).toBe(!pss);
      expect(v.signer?.fingerprint).toBe(t.certificate.fingerprint);
    });
  }
});

/** The DER of the only SignerInfo of a ContentInfo: inside the SET that ends the SignedData. */
function rawSignerInfo(der: Uint8Array): Uint8Array {
  const ci = childrenOf(der, readOnly(der)!)!;
  const sd = childrenOf(der, childrenOf(der, ci[1]!)![0]!)!;
  return tlvBytes(der, childrenOf(der, sd[sd.length - 1]!)![0]!).slice();
}
