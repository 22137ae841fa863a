/**
 * The verifier's check of CA-backed signatures: through the ledger (what the writer accepted
 * verifies, with the legal weight said plainly) and behind its back (a signature over other bytes,
 * a certificate expired or from another CA appended straight to the store: each a finding naming
 * the person, the act and the reason, in English and Vietnamese).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodeEnvelope, newEventId, signEnvelope, toBase64, type JsonObject } from '@hoso/core';
import { encodePem, signCades, type Certificate } from '@hoso/pki';
import { createTestPki, createTestTsa, type TestIdentity, type TestPki } from '@hoso/pki/testing';
import { certificateBinding, formatAt, type ActingSigner, type EvidenceDers } from '@hoso/ledger';
import { as, buildSchool, ok, type School } from '@hoso/ledger/testing';
import { renderReport, verifyStore, type VerifyReport } from '../src/index.js';

const NOW = new Date('2024-10-01T08:00:00+07:00');
const DAY = 86_400_000;

describe('CA-backed signatures in the verifier', () => {
  let pki: TestPki;
  let roots: Certificate[];
  let evidence: EvidenceDers;
  const who: Record<string, TestIdentity> = {};

  beforeAll(async () => {
    pki = await createTestPki({ keyType: 'ecdsa-p256', now: NOW });
    roots = [pki.root.certificate];
    evidence = { crls: [await pki.crl(NOW), await pki.crl(NOW, pki.root)] };
    who['teacher'] = await pki.issuePerson({ name: 'Giáo viên Toán', cccd: '001185000401' });
    who['expired'] = await pki.issuePerson({
      name: 'Hết hạn',
      cccd: '001185000402',
      notBefore: new Date(NOW.getTime() - 400 * DAY),
      notAfter: new Date(NOW.getTime() - DAY),
    });
    who['other'] = await pki.issuePerson({ name: 'CA khác', cccd: '001185000403', byOtherCa: true });
  }, 60_000);

  async function verify(s: School, certificates = true): Promise<VerifyReport> {
    const r = await verifyStore(s.store, s.ledger.id, {
      trust: {
        rootKeys: [s.people.principal.key],
        ...(certificates ? { certificates: [encodePem('CERTIFICATE', pki.root.certificate.der)] } : {}),
      },
      workers: 0,
    });
    if (isLeft(r)) throw new Error(r.left.message);
    return r.right;
  }

  /** Sign and append one event straight to the store (behind the ledger's back); its position. */
  async function forge(
    s: School,
    event: { type: string; data: unknown },
    signers: readonly ActingSigner[],
    stream: string,
  ): Promise<number> {
    await s.ledger.refresh();
    const head = s.ledger.state().heads.get(stream);
    const author = signers[0]!;
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger: s.ledger.id,
        stream,
        rev: head === undefined ? 0 : head.rev + 1,
        prev: head === undefined ? null : head.leafHash,
        type: event.type,
        data: event.data as JsonObject,
        at: formatAt(s.clock.now),
        by: { key: Buffer.from(author.signer.publicKey).toString('base64url'), role: author.role },
      },
      signers,
    );
    const position = await s.store.size(s.ledger.id);
    const r = await s.store.append(s.ledger.id, [encodeEnvelope(env)], { expected: position });
    if (isLeft(r)) throw new Error(r.left.message);
    return position;
  }

  async function certifiedSchool(): Promise<{ s: School; acts: string[] }> {
    const s = await buildSchool({ trust: { roots } });
    const { teacher, principal } = s.people;
    ok(
      await s.ledger.bindCertificate({ person: teacher.id, signer: pki.signer(who['teacher']!), evidence }, [
        as(principal, 'admin'),
      ]),
    );
    await s.complete('HK1');
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: () => s.clock.now });
    const acts: string[] = [];
    for (const [subject, withTsa] of [
      ['toan', true],
      ['the-duc', false],
    ] as const) {
      const off = await s.run({ type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject, term: 'HK1' } }, [
        as(teacher, 'subject'),
      ]);
      acts.push(off.events[0]!.id);
      ok(
        await s.ledger.certify(
          { act: off.events[0]!.id, signer: pki.signer(who['teacher']!), evidence, ...(withTsa ? { tsa } : {}) },
          [as(teacher, 'subject')],
        ),
      );
    }
    return { s, acts };
  }

  it('what the ledger wrote verifies: every act CA-signed, one without a timestamp warned of', async () => {
    const { s } = await certifiedSchool();
    const r = await verify(s);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true); // (unanchored: a store without a seal key's checkpoint)
    expect(r.legal).toMatchObject({
      weight: 'full',
      acts: 2,
      certifiedActs: 2,
      caSignatures: 2,
      validSignatures: 2,
      untimestamped: 1,
    });
    const warn = r.findings.filter((f) => f.code === 'ca-signature-untimestamped');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.message).toContain('Test gv-toan (gv-toan)');
    expect(warn[0]!.message).toContain('SubjectSignedOff');
    expect(warn[0]!.message_vi).toContain('xác nhận điểm môn học');
  });

  it("lists each CA-signed act with its certificate's subject, issuer, serial and validity (JSON and HTML)", async () => {
    const { s, acts } = await certifiedSchool();
    const r = await verify(s);
    const sigs = r.legal.signatures!;
    expect(sigs.map((g) => g.act)).toEqual(acts);
    const cert = who['teacher']!.certificate;
    expect(sigs[0]).toMatchObject({
      actType: 'SubjectSignedOff',
      who: 'Test gv-toan (gv-toan)',
      ok: true,
      subject: cert.subject.text,
      issuer: cert.issuer.text,
      serial: cert.serialNumber,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      timestamped: true,
    });
    expect(sigs[1]!.timestamped).toBe(false);
    const html = renderReport(r);
    expect(html).toContain('CA-backed signatures / Chữ ký số (2)');
    expect(html).toContain(cert.serialNumber);
  });

  it('an act CA-signed in the batch that wrote it verifies', async () => {
    const s = await buildSchool({ trust: { roots } });
    const { teacher, principal } = s.people;
    ok(
      await s.ledger.bindCertificate({ person: teacher.id, signer: pki.signer(who['teacher']!), evidence }, [
        as(principal, 'admin'),
      ]),
    );
    await s.complete('HK1');
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: () => s.clock.now });
    ok(
      await s.ledger.executeBatch(
        [{ type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } }],
        [as(teacher, 'subject')],
        { certify: [{ command: 0, by: as(teacher, 'subject'), signer: pki.signer(who['teacher']!), evidence, tsa }] },
      ),
    );
    const r = await verify(s);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.legal).toMatchObject({ weight: 'full', acts: 1, certifiedActs: 1, caSignatures: 1, validSignatures: 1 });
  });

  it('without the trust list the CA signatures are not checked, and the report says so', async () => {
    const { s } = await certifiedSchool();
    const r = await verify(s, false);
    expect(r.legal.weight).toBe('unchecked');
    expect(r.findings.map((f) => f.code)).toContain('ca-signatures-unchecked');
  });

  it('a ledger without CA-backed signatures verifies as before and carries no legal weight', async () => {
    const s = await buildSchool();
    await s.complete('HK1');
    await s.run({ type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } }, [
      as(s.people.teacher, 'subject'),
    ]);
    const r = await verify(s);
    expect(r.ok).toBe(true); // (unanchored: a store without a seal key's checkpoint)
    expect(r.legal.weight).toBe('none');
    expect(r.legal.acts).toBe(1);
    expect(r.legal.statement).toMatch(/no legal weight/);
    expect(r.legal.statement_vi).toMatch(/không có giá trị pháp lý/);
  });

  it('a CA signature over other bytes, appended behind the ledger, is a finding naming the person, act and reason', async () => {
    const { s, acts } = await certifiedSchool();
    const sig = await signCades({
      signer: pki.signer(who['teacher']!),
      content: new TextEncoder().encode('khác'),
      embed: evidence,
    });
    if (isLeft(sig)) throw new Error(sig.left.message);
    // A third act, so that the forged signature is not a second one by the same key.
    await s.complete('HK2');
    const off = await s.run(
      { type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK2' } },
      [as(s.people.teacher, 'subject')],
    );
    const position = await forge(
      s,
      {
        type: 'ActCertified',
        data: {
          act: off.events[0]!.id,
          certificate: who['teacher']!.certificate.fingerprint,
          cms: toBase64(sig.right.der),
        },
      },
      [as(s.people.teacher, 'subject')],
      `markbook/${s.year}/${s.cls}/toan`,
    );
    const r = await verify(s);
    expect(r.verdict).toBe('failed');
    expect(r.passes.authenticity).toBe('failed');
    const f = r.findings.find((x) => x.code === 'ca-signature-invalid');
    expect(f).toMatchObject({ position, severity: 'error' });
    expect(f!.message).toContain('Test gv-toan (gv-toan)');
    expect(f!.message).toContain(`SubjectSignedOff ${off.events[0]!.id}`);
    expect(f!.message_vi).toContain('Chữ ký số của Test gv-toan');
    expect(f!.details?.['problems']).toContain('content-digest-mismatch');
    expect(r.legal.weight).toBe('partial');
    expect(r.legal.certifiedActs).toBe(2);
    expect(acts).toHaveLength(2);
  });

  for (const [name, cause] of [
    ['expired', 'certificate-expired'],
    ['other', 'issuer-not-found'],
  ] as const)
    it(`a certificate ${name === 'expired' ? 'expired' : 'of another CA'} bound behind the ledger's back is a finding`, async () => {
      const s = await buildSchool({ trust: { roots } });
      const data = await certificateBinding(s.ledger.id, s.people.homeroom.id, {
        signer: pki.signer(who[name]!),
        evidence,
        signingTime: NOW,
      });
      if (isLeft(data)) throw new Error(data.left.message);
      const position = await forge(
        s,
        { type: 'CertificateBound', data: data.right },
        [as(s.people.principal, 'admin')],
        'school',
      );
      const r = await verify(s);
      const f = r.findings.find((x) => x.code === 'ca-signature-invalid');
      expect(f).toMatchObject({ position });
      expect(f!.message).toContain('The certificate bound to Test gvcn-10a1');
      expect(f!.details?.['problems']).toContain(cause);
    });
});
