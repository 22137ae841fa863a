/**
 * The outside check of what the ledger stores: a CA signature on an act, exported as a .p7s with
 * the act's bytes as content, is accepted by `openssl cms -verify`; tampered content, an expired
 * or revoked certificate, or one from another CA is refused by OpenSSL and by the ledger's own
 * certificate check (the one the verifier runs).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodePem, type Certificate } from '@hoso/pki';
import { createTestPki, createTestTsa, type TestIdentity, type TestPki } from '@hoso/pki/testing';
import {
  caSign,
  certificateChecker,
  exportActSignature,
  forkState,
  type EvidenceDers,
  type LedgerError,
} from '../src/index.js';
import { as, buildSchool, ok, type School } from '../src/testing/index.js';

const NOW = new Date('2024-10-01T08:00:00+07:00');
const DAY = 86_400_000;

function openssl(args: readonly string[]): { code: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('CA signatures in the ledger, checked by OpenSSL', () => {
  let pki: TestPki;
  let evidence: EvidenceDers;
  let roots: Certificate[];
  let dir: string;
  let rootPem: string;
  let s: School;
  let actId: string;
  let certified: string;
  const who: Record<string, TestIdentity> = {};

  beforeAll(async () => {
    pki = await createTestPki({ keyType: 'rsa-pss', now: NOW });
    roots = [pki.root.certificate];
    who['teacher'] = await pki.issuePerson({ name: 'Giáo viên Toán', cccd: '001185000301' });
    who['expired'] = await pki.issuePerson({
      name: 'Hết hạn',
      cccd: '001185000302',
      notBefore: new Date(NOW.getTime() - 400 * DAY),
      notAfter: new Date(NOW.getTime() - DAY),
    });
    who['revoked'] = await pki.issuePerson({ name: 'Đã thu hồi', cccd: '001185000303' });
    who['other'] = await pki.issuePerson({ name: 'CA khác', cccd: '001185000304', byOtherCa: true });
    pki.revoke(who['revoked'].certificate, new Date(NOW.getTime() - DAY));
    const crls = [await pki.crl(NOW), await pki.crl(NOW, pki.root)];
    evidence = { crls };
    dir = mkdtempSync(join(tmpdir(), 'hoso-ledger-cms-'));
    rootPem = join(dir, 'root.pem');
    writeFileSync(rootPem, encodePem('CERTIFICATE', pki.root.certificate.der));

    s = await buildSchool({ trust: { roots } });
    ok(
      await s.ledger.bindCertificate({ person: s.people.teacher.id, signer: pki.signer(who['teacher']), evidence }, [
        as(s.people.principal, 'admin'),
      ]),
    );
    await s.complete('HK1');
    const act = await s.run(
      { type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } },
      [as(s.people.teacher, 'subject')],
    );
    actId = act.events[0]!.id;
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: () => s.clock.now });
    const r = ok(
      await s.ledger.certify({ act: actId, signer: pki.signer(who['teacher']), evidence, tsa }, [
        as(s.people.teacher, 'subject'),
      ]),
    );
    certified = r.events[0]!.id;
  }, 60_000);

  const cmsVerify = (p7s: Uint8Array, content: Uint8Array, extra: readonly string[] = []) => {
    const n = Math.random().toString(36).slice(2);
    const a = join(dir, `${n}.p7s`);
    const b = join(dir, `${n}.bin`);
    writeFileSync(a, p7s);
    writeFileSync(b, content);
    return openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      a,
      '-content',
      b,
      '-CAfile',
      rootPem,
      '-purpose',
      'any',
      '-attime',
      String(Math.floor(NOW.getTime() / 1000)),
      '-out',
      '/dev/null',
      ...extra,
    ]);
  };

  /** The ledger's certificate check of an ActCertified over `cms`, as if `cert` were bound to the teacher. */
  async function hosoCheck(cms: string, cert: Certificate, content: Uint8Array): Promise<readonly LedgerError[]> {
    const state = forkState(s.ledger.state());
    state.certificates.set(cert.fingerprint, {
      person: s.people.teacher.id,
      certificate: Buffer.from(cert.der).toString('base64'),
      chain: [],
      since: 0,
    });
    const r = await certificateChecker({ roots }).check(
      state,
      {
        ledger: s.ledger.id,
        type: 'ActCertified',
        data: { act: actId, certificate: cert.fingerprint, cms },
        at: '2024-10-01T08:00:00.000+07:00',
      },
      () => Promise.resolve(content),
    );
    return r.problems;
  }

  it('exports the signature and its content; OpenSSL accepts them (with the CRLs checked too)', async () => {
    const e = await exportActSignature(s.store, s.ledger.id, certified);
    if (isLeft(e)) throw new Error(e.left.message);
    expect(e.right.act).toBe(actId);
    expect(e.right.actType).toBe('SubjectSignedOff');
    expect(e.right.certificate).toBe(who['teacher']!.certificate.fingerprint);
    const r = cmsVerify(e.right.cms, e.right.content);
    expect(r.out).toContain('Verification successful');
    expect(r.code).toBe(0);
    // With revocation checked on the whole chain, from the CRLs the CMS carries.
    const withCrl = cmsVerify(e.right.cms, e.right.content, ['-crl_check_all']);
    expect(withCrl.code, withCrl.out).toBe(0);
    // Not an ActCertified: refused with a typed error.
    const wrong = await exportActSignature(s.store, s.ledger.id, actId);
    expect(isLeft(wrong) && wrong.left.code).toBe('unknown-act');
  });

  it('tampered content is refused by both', async () => {
    const e = await exportActSignature(s.store, s.ledger.id, certified);
    if (isLeft(e)) throw new Error(e.left.message);
    const changed = e.right.content.slice();
    changed[20]! ^= 1;
    const r = cmsVerify(e.right.cms, changed);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/digest failure|verification failure/i);
    const problems = await hosoCheck(Buffer.from(e.right.cms).toString('base64'), who['teacher']!.certificate, changed);
    expect(problems.map((p) => p.code)).toEqual(['ca-signature-invalid']);
    const p = problems[0]!;
    if (p.code === 'ca-signature-invalid') expect(p.details?.cause).toBe('content-digest-mismatch');
  });

  for (const [name, opensslExtra, cause] of [
    ['expired', [], 'certificate-expired'],
    ['revoked', ['-crl_check_all'], 'certificate-revoked'],
    ['other', [], 'issuer-not-found'],
  ] as const) {
    it(`a signature by ${name === 'other' ? 'a certificate of another CA' : `an ${name} certificate`} is refused by both`, async () => {
      const stored = await s.store.getById(s.ledger.id, actId);
      const sig = await caSign(stored!.bytes, { signer: pki.signer(who[name]!), evidence, signingTime: NOW });
      if (isLeft(sig)) throw new Error(sig.left.message);
      const der = Buffer.from(sig.right.cms, 'base64');
      // For the revoked one OpenSSL reads the CRLs the CMS carries (the evidence at signing time).
      const r = cmsVerify(der, stored!.bytes, opensslExtra);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toMatch(
        name === 'expired' ? /expired/ : name === 'revoked' ? /revoked/ : /unable to get local issuer/,
      );
      const problems = await hosoCheck(sig.right.cms, who[name]!.certificate, stored!.bytes);
      expect(problems.map((p) => p.code)).toEqual(['ca-signature-invalid']);
      const p = problems[0]!;
      if (p.code === 'ca-signature-invalid') expect(p.details?.problems.map((x) => x.code)).toContain(cause);
    });
  }
});
