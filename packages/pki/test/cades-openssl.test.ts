import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signCades, verifyCades, decodeSignedData, parseCrl, type Certificate } from '@hoso/pki';
import { createTestPki, createTestTsa, type TestPki, type TestTsa } from '@hoso/pki/testing';
import { codes, must, openssl, tempDir, writeBytes, writeCerts, writePem } from './support.js';

// The outside check: every CAdES signature @hoso/pki writes is accepted by `openssl cms -verify`
// and its timestamp by `openssl ts -verify`; tampering, an expired or revoked certificate, or a
// certificate from another CA is refused by OpenSSL and by verifyCades alike.

const content = new TextEncoder().encode('Sổ điểm 10A1 — Toán — HK1 2024-2025: sha256 của sổ\n');

for (const keyType of ['rsa-pss', 'ecdsa-p256'] as const) {
  describe(`CAdES with ${keyType}, checked by OpenSSL`, () => {
    let pki: TestPki;
    let tsa: TestTsa;
    let dir: string;
    let rootPem: string;
    let trust: { trustAnchors: Certificate[] };

    beforeAll(async () => {
      pki = await createTestPki({ keyType });
      tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
      dir = tempDir();
      rootPem = writeCerts(dir, 'root.pem', pki.root.certificate);
      writeBytes(dir, 'content.bin', content);
      trust = { trustAnchors: [pki.root.certificate] };
    });

    const cmsVerify = (p7s: string, data = join(dir, 'content.bin'), extra: string[] = [], caFile = rootPem) =>
      openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        p7s,
        '-content',
        data,
        '-CAfile',
        caFile,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
        ...extra,
      ]);

    it('a B-T signature by a teacher: OpenSSL accepts the CMS and the timestamp, and so does verifyCades', async () => {
      const teacher = await pki.issuePerson({ name: 'Nguyễn Thị Hoa', cccd: '001185000123', title: 'Giáo viên' });
      const sig = must(await signCades({ signer: pki.signer(teacher), content, tsa }));
      expect(sig.level).toBe('B-T');
      const p7s = writeBytes(dir, `${keyType}-ok.p7s`, sig.der);
      const cms = cmsVerify(p7s);
      expect(cms.out).toContain('Verification successful');
      expect(cms.code).toBe(0);

      // The timestamp token on its own: its imprint is over the signature value.
      const token = writeBytes(dir, `${keyType}-token.der`, sig.timestamp!);
      const sigValue = writeBytes(dir, `${keyType}-sigvalue.bin`, sig.signatureValue);
      const ts = openssl(['ts', '-verify', '-token_in', '-in', token, '-data', sigValue, '-CAfile', rootPem]);
      expect(ts.out).toContain('Verification: OK');

      const v = await verifyCades(sig.der, { content, ...trust, evidence: await pki.evidence() });
      expect(v.problems).toEqual([]);
      expect(v.ok).toBe(true);
      expect(v.level).toBe('B-T');
      expect(v.signer?.subject.commonName).toBe('Nguyễn Thị Hoa');
      expect(v.validationTime).toEqual(v.timestamp?.info?.genTime);
      expect(v.legacyPadding).toBe(false);
      expect(v.algorithm?.name).toBe(keyType === 'rsa-pss' ? 'RSASSA-PSS' : 'ECDSA');
      // Every certificate below the root was shown good by a CRL.
      expect(v.revocation.map((r) => r.status)).toEqual(['good', 'good']);
    });

    it('the PAdES profile: no signing-time in the CMS, still accepted by OpenSSL', async () => {
      const seal = await pki.issueSeal({ name: 'Trường THPT Chu Văn An', taxCode: '0101234567' });
      const sig = must(await signCades({ signer: pki.signer(seal), content, profile: 'pades' }));
      const sd = must(decodeSignedData(sig.der));
      expect(sd.signerInfos[0]!.signedAttrs!.map((a) => a.type)).not.toContain('1.2.840.113549.1.9.5');
      expect(cmsVerify(writeBytes(dir, `${keyType}-pades.p7s`, sig.der)).code).toBe(0);
      const v = await verifyCades(sig.der, { content, ...trust, evidence: await pki.evidence(), profile: 'pades' });
      expect(v.problems).toEqual([]);
      expect(v.level).toBe('B-B');
    });

    it('tampered content is refused by both', async () => {
      const teacher = await pki.issuePerson({ name: 'Trần Văn Bình', cccd: '001090000456' });
      const sig = must(await signCades({ signer: pki.signer(teacher), content, tsa }));
      const p7s = writeBytes(dir, `${keyType}-tamper.p7s`, sig.der);
      const changed = content.slice();
      changed[10]! ^= 1;
      const r = cmsVerify(p7s, writeBytes(dir, `${keyType}-changed.bin`, changed));
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/digest failure|verification failure/i);
      const v = await verifyCades(sig.der, { content: changed, ...trust, evidence: await pki.evidence() });
      expect(v.ok).toBe(false);
      expect(codes(v.problems)).toEqual(['content-digest-mismatch']);
    });

    it('an expired certificate is refused by both', async () => {
      const day = 86_400_000;
      const old = await pki.issuePerson({
        name: 'Lê Văn Cũ',
        cccd: '001070000789',
        notBefore: new Date(pki.now.getTime() - 1100 * day),
        notAfter: new Date(pki.now.getTime() - 365 * day),
      });
      const sig = must(await signCades({ signer: pki.signer(old), content, tsa }));
      const r = cmsVerify(writeBytes(dir, `${keyType}-expired.p7s`, sig.der));
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/certificate has expired/i);
      // A CRL issued while the certificate was still valid shows it was never revoked: only the expiry is left.
      const evidence = await pki.evidence();
      const oldCrl = must(await parseCrl(await pki.crl(new Date(pki.now.getTime() - 400 * day))));
      const v = await verifyCades(sig.der, {
        content,
        ...trust,
        evidence: { crls: [...evidence.crls, oldCrl] },
        revocation: 'ignore',
      });
      expect(v.ok).toBe(false);
      expect(codes(v.problems)).toEqual(['certificate-expired']);
      expect(v.problems[0]!.path).toEqual(['signer', 'chain', 0, 'validity', 'notAfter']);
      expect(v.problems[0]!.message_vi).toContain('đã hết hạn');
    });

    it('a revoked certificate is refused by both', async () => {
      const t = await pki.issuePerson({ name: 'Phạm Thị Dung', cccd: '001188000321' });
      const good = await pki.issuePerson({ name: 'Hoàng Văn Em', cccd: '001189000654' });
      pki.revoke(t.certificate, new Date(Date.now() - 3_600_000), 'keyCompromise');
      // OpenSSL reads CRLs from the CA file: the root and the intermediate's CRL in one PEM file.
      const caWithCrl = join(dir, `${keyType}-ca-crl.pem`);
      writeFileSync(
        caWithCrl,
        readFileSync(rootPem, 'utf8') +
          readFileSync(writePem(dir, `${keyType}-crl.pem`, 'X509 CRL', await pki.crl(new Date())), 'utf8'),
      );
      const sig = must(await signCades({ signer: pki.signer(t), content, tsa }));
      const sigGood = must(await signCades({ signer: pki.signer(good), content, tsa }));
      const crlCheck = ['-crl_check'];
      // OpenSSL with the CRL: the good certificate passes (so the check is real), the revoked one does not.
      const okRun = cmsVerify(writeBytes(dir, `${keyType}-good.p7s`, sigGood.der), undefined, crlCheck, caWithCrl);
      expect(okRun.out).toContain('Verification successful');
      const r = cmsVerify(writeBytes(dir, `${keyType}-revoked.p7s`, sig.der), undefined, crlCheck, caWithCrl);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/certificate revoked/i);
      const v = await verifyCades(sig.der, { content, ...trust, evidence: await pki.evidence(new Date()) });
      expect(v.ok).toBe(false);
      expect(codes(v.problems)).toEqual(['certificate-revoked']);
      expect(v.revocation[0]).toMatchObject({ status: 'revoked', source: 'crl', reason: 'keyCompromise' });
    });

    it('a certificate from another CA is refused by both', async () => {
      const stranger = await pki.issuePerson({ name: 'Người Lạ', cccd: '079000000999', byOtherCa: true });
      const sig = must(await signCades({ signer: pki.signer(stranger), content, tsa }));
      const r = cmsVerify(writeBytes(dir, `${keyType}-other.p7s`, sig.der));
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/unable to get local issuer certificate|self.signed|unable to get issuer/i);
      const v = await verifyCades(sig.der, { content, ...trust, evidence: await pki.evidence() });
      expect(v.ok).toBe(false);
      expect(codes(v.problems)).toEqual(['issuer-not-found']);
    });
  });
}
