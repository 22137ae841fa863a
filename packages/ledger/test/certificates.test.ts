import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { canonicalBytes, decodeEnvelope, signEnvelope, toBase64 } from '@hoso/core';
import { signCades, type Certificate } from '@hoso/pki';
import { createTestPki, createTestTsa, type TestIdentity, type TestPki } from '@hoso/pki/testing';
import { certificateConsent, keyConsentStatement, type EvidenceDers, type LedgerError } from '../src/index.js';
import { as, buildSchool, ok, person, type School } from '../src/testing/index.js';

const NOW = new Date('2024-10-01T08:00:00+07:00');

/** Every stored byte of the store, to show a refusal wrote nothing. */
async function dump(s: School): Promise<string> {
  const out: string[] = [];
  for await (const batch of s.store.readBytes(s.ledger.id, { from: 0, to: await s.store.size(s.ledger.id) }))
    for (const e of batch) out.push(toBase64(e.bytes));
  return out.join('\n');
}

function refused(r: { _tag: string; left?: LedgerError }): LedgerError {
  if (!isLeft(r as never)) throw new Error('expected a refusal');
  return (r as { left: LedgerError }).left;
}

describe('certificates and CA-backed signatures in the ledger', () => {
  let pki: TestPki;
  let evidence: EvidenceDers;
  let roots: Certificate[];
  const certs: Record<string, TestIdentity> = {};

  beforeAll(async () => {
    pki = await createTestPki({ keyType: 'ecdsa-p256', now: NOW });
    roots = [pki.root.certificate];
    evidence = { crls: [await pki.crl(NOW), await pki.crl(NOW, pki.root)] };
    certs['teacher'] = await pki.issuePerson({ name: 'Giáo viên Toán', cccd: '001185000101' });
    certs['homeroom'] = await pki.issuePerson({ name: 'GVCN 10A1', cccd: '001185000102' });
    certs['principal'] = await pki.issuePerson({ name: 'Hiệu trưởng', cccd: '001185000103' });
    certs['vice'] = await pki.issuePerson({ name: 'Phó hiệu trưởng', cccd: '001185000104' });
    certs['other'] = await pki.issuePerson({ name: 'Người khác', cccd: '001185000105', byOtherCa: true });
    certs['expired'] = await pki.issuePerson({
      name: 'Hết hạn',
      cccd: '001185000106',
      notBefore: new Date(NOW.getTime() - 400 * 86_400_000),
      notAfter: new Date(NOW.getTime() - 86_400_000),
    });
    certs['revoked'] = await pki.issuePerson({ name: 'Đã thu hồi', cccd: '001185000107' });
    pki.revoke(certs['revoked'].certificate, new Date(NOW.getTime() - 86_400_000));
    evidence = { crls: [await pki.crl(NOW), await pki.crl(NOW, pki.root)] };
  }, 60_000);

  const school = (): Promise<School> => buildSchool({ trust: { roots } });

  async function bind(s: School, who: keyof School['people'], cert: string): Promise<void> {
    ok(
      await s.ledger.bindCertificate({ person: s.people[who].id, signer: pki.signer(certs[cert]!), evidence }, [
        as(s.people.principal, 'admin'),
      ]),
    );
  }

  it('binds a certificate once, by its own key, and refuses a second binding of it', async () => {
    const s = await school();
    await bind(s, 'teacher', 'teacher');
    const bound = [...s.ledger.state().certificates.entries()];
    expect(bound).toHaveLength(1);
    expect(bound[0]![0]).toBe(certs['teacher']!.certificate.fingerprint);
    expect(bound[0]![1].person).toBe(s.people.teacher.id);
    const before = await dump(s);
    const again = await s.ledger.bindCertificate(
      { person: s.people.homeroom.id, signer: pki.signer(certs['teacher']!), evidence },
      [as(s.people.principal, 'admin')],
    );
    expect(refused(again).code).toBe('certificate-already-bound');
    expect(await dump(s)).toBe(before);
  });

  it('refuses certificates from another CA, expired or revoked, and writes nothing', async () => {
    const s = await school();
    const before = await dump(s);
    for (const [cert, code] of [
      ['other', 'issuer-not-found'],
      ['expired', 'certificate-expired'],
      ['revoked', 'certificate-revoked'],
    ] as const) {
      const r = await s.ledger.bindCertificate(
        { person: s.people.teacher.id, signer: pki.signer(certs[cert]!), evidence },
        [as(s.people.principal, 'admin')],
      );
      const e = refused(r);
      expect(e.code, cert).toBe('ca-signature-invalid');
      if (e.code !== 'ca-signature-invalid') continue;
      expect(
        e.details?.problems.map((p) => p.code),
        cert,
      ).toContain(code);
      expect(e.details?.problems.every((p) => p.message_vi.length > 0)).toBe(true);
      expect(e.path[0]).toBe('data');
    }
    expect(await dump(s)).toBe(before);
  });

  it('refuses a certificate whose identity number is not the staff record’s', async () => {
    const s = await school();
    await s.run(
      {
        type: 'RegisterStaff',
        data: { person: 'gv-ly', name: 'GV Lý', identity: { scheme: 'CCCD', value: '001185000999' } },
      },
      [as(s.people.principal, 'admin')],
    );
    const r = await s.ledger.bindCertificate({ person: 'gv-ly', signer: pki.signer(certs['vice']!), evidence }, [
      as(s.people.principal, 'admin'),
    ]);
    const e = refused(r);
    expect(e.code).toBe('identity-mismatch');
    expect(e.details).toMatchObject({ expected: 'CCCD:001185000999', found: 'CCCD:001185000104' });
    await s.run(
      {
        type: 'RegisterStaff',
        data: { person: 'gv-hoa', name: 'GV Hóa', identity: { scheme: 'CCCD', value: '001185000104' } },
      },
      [as(s.people.principal, 'admin')],
    );
    ok(
      await s.ledger.bindCertificate({ person: 'gv-hoa', signer: pki.signer(certs['vice']!), evidence }, [
        as(s.people.principal, 'admin'),
      ]),
    );
  });

  it('refuses a binding proof signed by another key than the certificate’s', async () => {
    const s = await school();
    const good = await s.ledger.bindCertificate(
      { person: s.people.teacher.id, signer: pki.signer(certs['teacher']!), evidence },
      [as(s.people.principal, 'admin')],
    );
    expect(isRight(good)).toBe(true);
    // The homeroom teacher's certificate with a proof made by the teacher's key.
    const forged = await signCades({
      signer: pki.signer(certs['teacher']!),
      content: new TextEncoder().encode('anything'),
    });
    if (isLeft(forged)) throw new Error(forged.left.message);
    const before = await dump(s);
    const r = await s.ledger.execute(
      {
        type: 'BindCertificate',
        data: {
          person: s.people.homeroom.id,
          certificate: toBase64(certs['homeroom']!.certificate.der),
          chain: certs['homeroom']!.chain.map((c) => toBase64(c.der)),
          proof: toBase64(forged.right.der),
        },
      },
      [as(s.people.principal, 'admin')],
    );
    expect(refused(r).code).toBe('ca-signature-invalid');
    expect(await dump(s)).toBe(before);
  });

  it('puts a CA signature on a sign-off, B-T with a TSA, once, by the act’s own signer only', async () => {
    const s = await school();
    // Toán's marks are in, so it can be signed off; Ngữ văn's stay empty for the entry below.
    await s.complete('HK1', (c) => c.subject === 'van');
    await bind(s, 'teacher', 'teacher');
    await bind(s, 'homeroom', 'homeroom');
    const { teacher, homeroom } = s.people;
    const act = await s.run(
      { type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } },
      [as(teacher, 'subject')],
    );
    const actId = act.events[0]!.id;
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: () => s.clock.now });
    const before = await dump(s);
    // Somebody else's certificate, and somebody else as author.
    expect(
      refused(
        await s.ledger.certify({ act: actId, signer: pki.signer(certs['homeroom']!), evidence }, [
          as(teacher, 'subject'),
        ]),
      ).code,
    ).toBe('certificate-not-bound');
    expect(
      refused(
        await s.ledger.certify({ act: actId, signer: pki.signer(certs['homeroom']!), evidence }, [
          as(homeroom, 'subject'),
        ]),
      ).code,
    ).toBe('not-act-signer');
    expect(await dump(s)).toBe(before);
    const r = ok(
      await s.ledger.certify({ act: actId, signer: pki.signer(certs['teacher']!), evidence, tsa }, [
        as(teacher, 'subject'),
      ]),
    );
    expect(r.events[0]!.stream).toBe(act.events[0]!.stream);
    const stored = await s.store.getById(s.ledger.id, r.events[0]!.id);
    const env = decodeEnvelope(stored!.bytes);
    if (isLeft(env)) throw new Error('undecodable');
    expect(env.right.type).toBe('ActCertified');
    expect(env.right.by).toEqual({ key: teacher.key, role: 'subject' });
    const again = await s.ledger.certify({ act: actId, signer: pki.signer(certs['teacher']!), evidence }, [
      as(teacher, 'subject'),
    ]);
    expect(refused(again).code).toBe('already-certified');
    // A score entry takes no CA signature.
    const score = await s.run(
      {
        type: 'EnterScore',
        data: {
          year: s.year,
          class: s.cls,
          subject: 'van',
          student: s.students[0],
          term: 'HK1',
          column: 'gk',
          value: '7',
        },
      },
      [as(homeroom, 'subject')],
    );
    expect(
      refused(
        await s.ledger.certify({ act: score.events[0]!.id, signer: pki.signer(certs['homeroom']!), evidence }, [
          as(homeroom, 'subject'),
        ]),
      ).code,
    ).toBe('unknown-act');
  });

  it('certifies an act written in the same batch, in one atomic append', async () => {
    const s = await school();
    await bind(s, 'teacher', 'teacher');
    const { teacher } = s.people;
    // Every mark but the one the batch enters, so its sign-off is complete.
    await s.complete('HK1', (c) => c.subject === 'toan' && c.student === s.students[0] && c.column === 'gk');
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: () => s.clock.now });
    const size = await s.store.size(s.ledger.id);
    const r = ok(
      await s.ledger.executeBatch(
        [
          {
            type: 'EnterScore',
            data: {
              year: s.year,
              class: s.cls,
              subject: 'toan',
              student: s.students[0],
              term: 'HK1',
              column: 'gk',
              value: '8',
            },
          },
          { type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } },
        ],
        [as(teacher, 'subject')],
        { certify: [{ command: 1, by: as(teacher, 'subject'), signer: pki.signer(certs['teacher']!), evidence, tsa }] },
      ),
    );
    expect(r.events.map((e) => e.type)).toEqual(['ScoreEntered', 'SubjectSignedOff', 'ActCertified']);
    expect(r.events.map((e) => e.position)).toEqual([size, size + 1, size + 2]);
    const env = decodeEnvelope((await s.store.getById(s.ledger.id, r.events[2]!.id))!.bytes);
    if (isLeft(env)) throw new Error('undecodable');
    expect((env.right.data as { act: string }).act).toBe(r.events[1]!.id);
    expect(r.events[2]!.stream).toBe(r.events[1]!.stream);
    const again = await s.ledger.certify({ act: r.events[1]!.id, signer: pki.signer(certs['teacher']!), evidence }, [
      as(teacher, 'subject'),
    ]);
    expect(refused(again).code).toBe('already-certified');
  });

  it('a same-batch CA signature that does not hold, or on a command without an act, refuses the whole batch', async () => {
    const s = await school();
    await bind(s, 'teacher', 'teacher');
    const { teacher } = s.people;
    // Toán complete for its sign-off; one Văn mark left for the batch without an act.
    await s.complete('HK1', (c) => c.subject === 'van' && c.student === s.students[0] && c.column === 'gk');
    const before = await dump(s);
    const signOff = { type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } };
    const other = refused(
      await s.ledger.executeBatch([signOff], [as(teacher, 'subject')], {
        certify: [{ command: 0, by: as(teacher, 'subject'), signer: pki.signer(certs['homeroom']!), evidence }],
      }),
    );
    expect(other.code).toBe('certificate-not-bound');
    const noAct = refused(
      await s.ledger.executeBatch(
        [
          {
            type: 'EnterScore',
            data: {
              year: s.year,
              class: s.cls,
              subject: 'van',
              student: s.students[0],
              term: 'HK1',
              column: 'gk',
              value: '7',
            },
          },
        ],
        [as(s.people.homeroom, 'subject')],
        {
          certify: [
            { command: 0, by: as(s.people.homeroom, 'subject'), signer: pki.signer(certs['teacher']!), evidence },
          ],
        },
      ),
    );
    expect(noAct.code).toBe('unknown-act');
    expect(noAct.path).toEqual(['certify', 0, 'command']);
    const outOfRange = refused(
      await s.ledger.executeBatch([signOff], [as(teacher, 'subject')], {
        certify: [{ command: 3, by: as(teacher, 'subject'), signer: pki.signer(certs['teacher']!), evidence }],
      }),
    );
    expect(outOfRange.path).toEqual(['certify', 0, 'command']);
    expect(await dump(s)).toBe(before);
  });

  it('refuses a submitted CA signature over other bytes than the act’s', async () => {
    const s = await school();
    await s.complete('HK1');
    await bind(s, 'teacher', 'teacher');
    const { teacher } = s.people;
    const act = await s.run(
      { type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject: 'toan', term: 'HK1' } },
      [as(teacher, 'subject')],
    );
    const sig = await signCades({
      signer: pki.signer(certs['teacher']!),
      content: new TextEncoder().encode('not the act'),
      embed: evidence,
    });
    if (isLeft(sig)) throw new Error(sig.left.message);
    const prepared = await s.ledger.prepare(
      {
        type: 'CertifyAct',
        data: {
          act: act.events[0]!.id,
          certificate: certs['teacher']!.certificate.fingerprint,
          cms: toBase64(sig.right.der),
        },
      },
      [{ key: teacher.key, role: 'subject' }],
    );
    if (isLeft(prepared)) throw new Error(prepared.left.message);
    const env = await signEnvelope(prepared.right[0]!, [{ signer: teacher.signer, role: 'subject' }]);
    const before = await dump(s);
    const r = await s.ledger.submit([canonicalBytes(env)]);
    const e = refused(r);
    expect(e.code).toBe('ca-signature-invalid');
    expect(e.path.slice(0, 4)).toEqual(['events', 0, 'data', 'cms']);
    if (e.code === 'ca-signature-invalid') expect(e.details?.cause).toBe('content-digest-mismatch');
    expect(await dump(s)).toBe(before);
  });

  it('registers a key with the consent of the person’s own certificate; an admin cannot use another’s', async () => {
    const s = await school();
    await bind(s, 'teacher', 'teacher');
    await bind(s, 'vice', 'vice');
    const { teacher, principal, vice } = s.people;
    const fresh = person('gv-toan', 'k2');
    const consent = await certificateConsent(s.ledger.id, teacher.id, fresh.key, {
      signer: pki.signer(certs['teacher']!),
      evidence,
    });
    if (isLeft(consent)) throw new Error(consent.left.message);
    ok(
      await s.ledger.execute(
        { type: 'RegisterKey', data: { person: teacher.id, key: fresh.key, consent: consent.right } },
        [as(principal, 'admin'), as(fresh, 'holder')],
      ),
    );
    // The admin (vice) attaches a fresh key to the principal: with her own certificate's consent…
    const rogue = person('hieu-truong', 'rogue');
    const own = await certificateConsent(s.ledger.id, principal.id, rogue.key, {
      signer: pki.signer(certs['vice']!),
      evidence,
    });
    if (isLeft(own)) throw new Error(own.left.message);
    const before = await dump(s);
    const r1 = await s.ledger.execute(
      { type: 'RegisterKey', data: { person: principal.id, key: rogue.key, consent: own.right } },
      [as(vice, 'admin'), as(rogue, 'holder')],
    );
    expect(refused(r1).code).toBe('invalid-consent');
    // …or replaying the teacher's consent (another person, another key) under the teacher's name.
    const replay = await s.ledger.execute(
      { type: 'RegisterKey', data: { person: teacher.id, key: rogue.key, consent: consent.right } },
      [as(vice, 'admin'), as(rogue, 'holder')],
    );
    const e = refused(replay);
    expect(e.code).toBe('ca-signature-invalid');
    expect(e.path.slice(0, 3)).toEqual(['data', 'consent', 'signature']);
    expect(await dump(s)).toBe(before);
    // The statement signed is domain-tagged: a binding proof is no consent.
    expect(new TextDecoder().decode(keyConsentStatement('l', 'p', 'k'))).toBe(
      'hoso/key-consent/v1\n{"key":"k","ledger":"l","person":"p"}',
    );
  });

  it('the three-signature correction attack fails: an admin cannot attach a key to the approver', async () => {
    const s = await school();
    const { principal, vice } = s.people;
    // vice (admin) tries to register a key of her own making for the principal (the only leader),
    // to sign a correction's three places herself: by key, by leader and by certificate consent.
    const rogue = person('hieu-truong', 'rogue2');
    const byLeader = await s.ledger.execute({ type: 'RegisterKey', data: { person: principal.id, key: rogue.key } }, [
      as(vice, 'admin'),
      as(rogue, 'holder'),
    ]);
    expect(isLeft(byLeader)).toBe(true);
    const byKey = await s.ledger.execute(
      { type: 'RegisterKey', data: { person: principal.id, key: rogue.key, consent: { by: 'key', key: vice.key } } },
      [as(vice, 'admin'), as(rogue, 'holder')],
    );
    expect(refused(byKey).code).toBe('invalid-consent');
    const byCert = await s.ledger.execute(
      {
        type: 'RegisterKey',
        data: {
          person: principal.id,
          key: rogue.key,
          consent: { by: 'certificate', certificate: 'ab'.repeat(32), signature: 'AAAA' },
        },
      },
      [as(vice, 'admin'), as(rogue, 'holder')],
    );
    expect(refused(byCert).code).toBe('invalid-consent');
  });

  it('class acts carry the heads of the class’s books, and a wrong head is refused', async () => {
    const s = await school();
    await s.complete('HK1');
    const { teacher, homeroom } = s.people;
    for (const [who, subject] of [
      [teacher, 'toan'],
      [homeroom, 'van'],
      [teacher, 'the-duc'],
    ] as const)
      await s.run({ type: 'SignOffSubject', data: { year: s.year, class: s.cls, subject, term: 'HK1' } }, [
        as(who, 'subject'),
      ]);
    const conf = await s.run({ type: 'ConfirmClass', data: { year: s.year, class: s.cls, term: 'HK1' } }, [
      as(homeroom, 'homeroom'),
    ]);
    const stored = await s.store.getById(s.ledger.id, conf.events[0]!.id);
    const env = decodeEnvelope(stored!.bytes);
    if (isLeft(env)) throw new Error('undecodable');
    const book = (env.right.data as { book: { stream: string; rev: number; hash: string }[] }).book;
    expect(book.map((h) => h.stream)).toEqual([
      'class/2024-2025/10A1',
      'homeroom/2024-2025/10A1',
      'markbook/2024-2025/10A1/the-duc',
      'markbook/2024-2025/10A1/toan',
      'markbook/2024-2025/10A1/van',
    ]);
    const head = s.ledger.state().heads.get('markbook/2024-2025/10A1/toan')!;
    expect(book[3]).toEqual({ stream: 'markbook/2024-2025/10A1/toan', rev: head.rev, hash: head.leafHash });
    const wrong = book.map((h, i) => (i === 0 ? { ...h, rev: h.rev + 1 } : h));
    const r = await s.ledger.execute(
      { type: 'ApproveClass', data: { year: s.year, class: s.cls, term: 'HK1', book: wrong } },
      [as(s.people.principal, 'leader')],
    );
    const e = refused(r);
    expect(e.code).toBe('book-mismatch');
    expect(e.path).toEqual(['data', 'book', 0]);
  });

  it('without a trust list, certificate events are refused and the rest works', async () => {
    const s = await buildSchool();
    const r = await s.ledger.bindCertificate(
      { person: s.people.teacher.id, signer: pki.signer(certs['teacher']!), evidence },
      [as(s.people.principal, 'admin')],
    );
    expect(refused(r).code).toBe('no-trust-list');
  });
});
