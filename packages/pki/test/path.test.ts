import { describe, it, expect, beforeAll } from 'vitest';
import { parseCrl, parseOcspResponse, validatePath, type PathOptions } from '@hoso/pki';
import {
  createTestPki,
  generateTestKey,
  issueCertificate,
  issueCrl,
  issueOcspResponse,
  issuerOf,
  mustParse,
  type TestIdentity,
  type TestPki,
} from '@hoso/pki/testing';
import { codes, must, openssl, tempDir, writeBytes, writeCerts } from './support.js';

// Path validation (RFC 5280 §6) at a given time, with revocation evidence: every problem is
// reported, each with the field, the rule and both messages.

const DAY = 86_400_000;
let pki: TestPki;
let teacher: TestIdentity;
let dir: string;

const base = (o: Partial<PathOptions> = {}): PathOptions => ({
  trustAnchors: [pki.root.certificate],
  intermediates: [pki.intermediate.certificate],
  time: pki.now,
  purpose: 'signature',
  ...o,
});

async function evidence(at = pki.now) {
  return {
    crls: [must(await parseCrl(await pki.crl(at))), must(await parseCrl(await pki.crl(at, pki.root)))],
  };
}

async function leafFrom(
  issuer: TestIdentity,
  o: { serial: string; keyUsage?: ('digitalSignature' | 'keyEncipherment')[]; ca?: boolean; critical?: string },
) {
  const key = await generateTestKey('ecdsa-p256');
  const der = await issueCertificate(await issuerOf(issuer.certificate, issuer.key), {
    subject: [{ type: 'CN', value: `thử ${o.serial}` }],
    publicKey: key.spki,
    serialNumber: o.serial,
    notBefore: new Date(pki.now.getTime() - DAY),
    notAfter: new Date(pki.now.getTime() + 30 * DAY),
    keyUsage: o.keyUsage ?? ['digitalSignature'],
    ...(o.ca ? { ca: {}, keyUsage: ['keyCertSign', 'cRLSign'] } : {}),
    ...(o.critical ? { extraExtensions: [{ oid: o.critical, critical: true, value: new Uint8Array([5, 0]) }] } : {}),
  });
  return { certificate: await mustParse(der), key, chain: [] } as TestIdentity;
}

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'ecdsa-p256' });
  teacher = await pki.issuePerson({ name: 'Bùi Thị Mai', cccd: '001185000777' });
  dir = tempDir();
});

describe('validatePath', () => {
  it('a good chain with CRLs for the leaf and the intermediate', async () => {
    const v = await validatePath(teacher.certificate, { ...base(), evidence: await evidence() });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.chain.map((c) => c.subject.commonName)).toEqual([
      'Bùi Thị Mai',
      'CA thử nghiệm hoso cấp 2',
      'CA thử nghiệm hoso (gốc)',
    ]);
    expect(v.anchor?.fingerprint).toBe(pki.root.certificate.fingerprint);
    expect(v.revocation.map((r) => [r.status, r.source])).toEqual([
      ['good', 'crl'],
      ['good', 'crl'],
    ]);
  });

  it('reports every problem, not the first: a person acting as a CA, an expired leaf, no revocation evidence', async () => {
    const fake = await leafFrom(teacher, { serial: '7001' });
    const v = await validatePath(fake.certificate, {
      ...base({ intermediates: [pki.intermediate.certificate, teacher.certificate] }),
      time: new Date(pki.now.getTime() + 60 * DAY),
    });
    expect(v.ok).toBe(false);
    // the intermediate allows no CA below it, and the teacher now is one: path-too-long as well
    expect(codes(v.problems)).toEqual([
      'ca-key-usage',
      'certificate-expired',
      'not-a-ca',
      'path-too-long',
      'revocation-missing',
    ]);
    const notCa = v.problems.find((p) => p.code === 'not-a-ca')!;
    expect(notCa).toMatchObject({ path: ['chain', 1, 'extensions', 'basicConstraints'], rule: 'RFC 5280 §4.2.1.9' });
    expect(notCa.message_vi).toContain('không phải là CA');
    // one revocation-missing per certificate below the anchor: the fake leaf, the teacher, the intermediate
    expect(v.problems.filter((p) => p.code === 'revocation-missing').map((p) => p.path?.[1])).toEqual([0, 1, 2]);
  });

  it('the intermediate from the pool, or issuer-not-found; a root not in the trust list is untrusted-root', async () => {
    const missing = await validatePath(teacher.certificate, { ...base({ intermediates: [] }), revocation: 'ignore' });
    expect(codes(missing.problems)).toEqual(['issuer-not-found']);
    expect(missing.problems[0]!.path).toEqual(['chain', 0, 'issuer']);
    const stranger = await pki.issuePerson({ name: 'Người Lạ', cccd: '079000000999', byOtherCa: true });
    const other = await validatePath(stranger.certificate, {
      ...base({ intermediates: [pki.otherRoot.certificate] }),
      revocation: 'ignore',
    });
    expect(codes(other.problems)).toEqual(['untrusted-root']);
  });

  it('path length, key usage for signing, and unknown critical extensions', async () => {
    const sub = await leafFrom(pki.intermediate, { serial: '7002', ca: true });
    const below = await leafFrom(sub, { serial: '7003' });
    const long = await validatePath(below.certificate, {
      ...base({ intermediates: [pki.intermediate.certificate, sub.certificate] }),
      revocation: 'ignore',
    });
    // the intermediate allows none below it, the root one: both are told (OpenSSL checks the root's too)
    expect(long.problems.map((p) => [p.code, p.path?.[1]])).toEqual([
      ['path-too-long', 2],
      ['path-too-long', 3],
    ]);
    const encOnly = await leafFrom(pki.intermediate, { serial: '7004', keyUsage: ['keyEncipherment'] });
    const ku = await validatePath(encOnly.certificate, { ...base(), revocation: 'ignore' });
    expect(ku.problems.map((p) => [p.code, p.rule])).toEqual([['key-usage', 'RFC 5280 §4.2.1.3']]);
    expect((await validatePath(encOnly.certificate, { ...base(), purpose: 'any', revocation: 'ignore' })).ok).toBe(
      true,
    );
    const crit = await leafFrom(pki.intermediate, { serial: '7005', critical: '1.2.3.4.5' });
    const c = await validatePath(crit.certificate, { ...base(), revocation: 'ignore' });
    expect(codes(c.problems)).toEqual(['unknown-critical-extension']);
  });

  it('a certificate whose signature was altered', async () => {
    const der = teacher.certificate.der.slice();
    der[der.length - 5]! ^= 0x40;
    const { parseCertificate } = await import('@hoso/pki');
    const broken = must(await parseCertificate(der));
    const v = await validatePath(broken, { ...base(), revocation: 'ignore' });
    expect(v.problems.map((p) => p.code)).toEqual(['certificate-signature-invalid']);
  });
});

describe('revocation evidence', () => {
  it('a revocation after the time checked leaves the certificate good then, and revoked after', async () => {
    const t = await pki.issuePerson({ name: 'Lý Văn Hùng', cccd: '001186000888' });
    // whole seconds: CRLs carry UTCTime
    const at = new Date(Math.floor(pki.now.getTime() / 1000) * 1000 + 3_600_000);
    pki.revoke(t.certificate, at, 'affiliationChanged');
    // A CRL issued a day later lists the revocation; it still covers the time of the signature.
    const later = await evidence(new Date(pki.now.getTime() + DAY));
    const before = await validatePath(t.certificate, { ...base(), evidence: later });
    expect(before.ok).toBe(true);
    expect(before.revocation[0]).toMatchObject({ status: 'good', revokedAt: at, reason: 'affiliationChanged' });
    const after = await validatePath(t.certificate, {
      ...base(),
      time: new Date(at.getTime() + 1000),
      evidence: later,
    });
    expect(codes(after.problems)).toEqual(['certificate-revoked']);
    expect(after.problems[0]).toMatchObject({ path: ['chain', 0, 'revocation'], rule: 'RFC 5280 §6.3' });
  });

  it('a CRL no longer in force at the time, and a forged CRL, cannot be relied on', async () => {
    const stale = {
      crls: [
        must(await parseCrl(await pki.crl(new Date(pki.now.getTime() - 30 * DAY)))),
        ...(await evidence()).crls.slice(1),
      ],
    };
    const v = await validatePath(teacher.certificate, { ...base(), evidence: stale });
    expect(codes(v.problems)).toEqual(['revocation-invalid']);
    expect(String((v.problems[0]!.details as { reasons: string[] }).reasons[0])).toContain('not in force');
    const forged = await issueCrl(
      { key: pki.otherRoot.key, name: pki.intermediate.certificate.subject.der },
      { thisUpdate: pki.now, nextUpdate: new Date(pki.now.getTime() + DAY), number: 99, revoked: [] },
    );
    const f = await validatePath(teacher.certificate, {
      ...base(),
      evidence: { crls: [must(await parseCrl(forged)), ...(await evidence()).crls.slice(1)] },
    });
    expect(codes(f.problems)).toEqual(['revocation-invalid']);
    expect(String((f.problems[0]!.details as { reasons: string[] }).reasons[0])).toContain('signature does not check');
  });

  it('OCSP from the delegated responder or from the CA; OpenSSL agrees with the responses', async () => {
    const rootCrl = (await evidence()).crls[1]!;
    for (const byCa of [false, true]) {
      const der = await pki.ocsp(teacher.certificate, pki.now, { byCa });
      const v = await validatePath(teacher.certificate, {
        ...base(),
        evidence: { crls: [rootCrl], ocspResponses: [must(await parseOcspResponse(der))] },
      });
      expect(v.problems).toEqual([]);
      expect(v.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp' });
      const r = openssl([
        'ocsp',
        '-respin',
        writeBytes(dir, `ocsp-${byCa}.der`, der),
        '-issuer',
        writeCerts(dir, 'inter.pem', pki.intermediate.certificate),
        '-cert',
        writeCerts(dir, 'teacher.pem', teacher.certificate),
        '-CAfile',
        writeCerts(dir, 'chain.pem', pki.root.certificate, pki.intermediate.certificate),
        '-no_nonce',
      ]);
      expect(r.out).toContain('Response verify OK');
      expect(r.out).toMatch(/teacher\.pem: good/);
    }
  });

  it('revoked by OCSP; a responder the CA did not authorise is not believed', async () => {
    const t = await pki.issuePerson({ name: 'Mai Văn Tâm', cccd: '001187000999' });
    pki.revoke(t.certificate, new Date(pki.now.getTime() - DAY), 'keyCompromise');
    const rootCrl = (await evidence()).crls[1]!;
    const revoked = must(await parseOcspResponse(await pki.ocsp(t.certificate)));
    const v = await validatePath(t.certificate, { ...base(), evidence: { crls: [rootCrl], ocspResponses: [revoked] } });
    expect(v.problems.map((p) => [p.code, p.rule])).toEqual([['certificate-revoked', 'RFC 6960 §2.2']]);
    expect(v.revocation[0]).toMatchObject({ status: 'revoked', source: 'ocsp', reason: 'keyCompromise' });
    // A response signed by a teacher's key, its certificate attached: not an OCSP responder.
    const rogue = await issueOcspResponse(
      { ...(await issuerOf(teacher.certificate, teacher.key)), certificate: teacher.certificate.der },
      {
        producedAt: pki.now,
        thisUpdate: pki.now,
        nextUpdate: new Date(pki.now.getTime() + DAY),
        answers: [{ certificate: t.certificate, issuer: pki.intermediate.certificate, status: 'good' }],
      },
    );
    const r = await validatePath(t.certificate, {
      ...base(),
      evidence: { crls: [rootCrl], ocspResponses: [must(await parseOcspResponse(rogue))] },
    });
    expect(codes(r.problems)).toEqual(['revocation-invalid']);
    expect(String((r.problems[0]!.details as { reasons: string[] }).reasons[0])).toContain('OCSPSigning');
  });

  it('evidence not required: statuses are unchecked and the path is good', async () => {
    const v = await validatePath(teacher.certificate, { ...base(), revocation: 'ignore' });
    expect(v.ok).toBe(true);
    expect(v.revocation.map((r) => r.status)).toEqual(['unchecked', 'unchecked']);
  });
});
