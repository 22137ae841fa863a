/**
 * RFC 3161 timestamps on checkpoints in the verifier: the time each proves is reported with its
 * TSA; a token of another note, of a TSA from another CA, or without a trust list is a finding;
 * events that claim a time after a timestamp of their checkpoint, or (appended after it) before,
 * are reported, as is a smaller checkpoint stamped after a larger one. Old checkpoints (no
 * timestamp line) verify as before.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { formatVerifierKey, ledgerOrigin, localSigner, signCheckpoint, type NoteSigner } from '@hoso/core';
import { encodePem } from '@hoso/pki';
import { createTestPki, createTestTsa, type TestPki } from '@hoso/pki/testing';
import { timestampCheckpoint, type TimestampEvidence } from '@hoso/ledger';
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import { renderReport, verifyStore, type VerifyReport } from '../src/index.js';

const T0 = new Date('2024-10-01T08:00:00+07:00');
const MIN = 60_000;
const seal: NoteSigner = { name: 'hoso/thpt-test', seed: new Uint8Array(32).fill(5) };
const sealVkey = formatVerifierKey(seal.name, localSigner(seal.seed).publicKey);

describe('timestamps on checkpoints, verified', () => {
  let pki: TestPki;
  let evidence: TimestampEvidence;
  let s: School;
  let first: number;

  beforeAll(async () => {
    pki = await createTestPki({ keyType: 'ecdsa-p256', now: T0 });
    evidence = { crls: [await pki.crl(T0), await pki.crl(T0, pki.root)] };
    s = await buildSchool({ students: 3 });
    first = await s.store.size(s.ledger.id);
    // Written 40 minutes later (beyond the verifier's 10 minutes' tolerance), after the first checkpoint.
    s.clock.now = new Date(T0.getTime() + 40 * MIN);
    await s.run(
      {
        type: 'EnterScore',
        data: {
          year: s.year,
          class: s.cls,
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: '8',
        },
      },
      [as(s.people.teacher, 'subject')],
    );
  }, 60_000);

  async function checkpoint(size: number, stampedAt?: Date, signer = pki.tsa): Promise<string> {
    const note = signCheckpoint(
      { origin: ledgerOrigin(s.ledger.id), size, root: await s.store.root(s.ledger.id, size) },
      seal,
    );
    if (stampedAt === undefined) return note;
    const r = await timestampCheckpoint(note, {
      authority: createTestTsa({ signer: pki.signer(signer), clock: () => stampedAt }),
      evidence,
    });
    if (isLeft(r)) throw new Error(r.left.message);
    return r.right;
  }

  async function verify(checkpoints: string[], certificates = true): Promise<VerifyReport> {
    const r = await verifyStore(s.store, s.ledger.id, {
      checkpoints,
      trust: {
        rootKeys: [s.people.principal.key],
        sealKeys: [sealVkey],
        ...(certificates ? { certificates: [encodePem('CERTIFICATE', pki.root.certificate.der)] } : {}),
      },
      workers: 0,
    });
    if (isLeft(r)) throw new Error(r.left.message);
    return r.right;
  }

  const codes = (r: VerifyReport): string[] => r.findings.map((f) => f.code);
  const size = (): Promise<number> => s.store.size(s.ledger.id);

  it('reports the time each timestamp proves, with its TSA; old checkpoints are unchanged', async () => {
    const at = new Date(T0.getTime() + 50 * MIN);
    const r = await verify([await checkpoint(first), await checkpoint(await size(), at)]);
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe('verified');
    expect(r.checkpoints[0]!.timestamps).toBeUndefined();
    const t = r.checkpoints[1]!.timestamps!;
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ time: at.toISOString(), ok: true, tsaSerial: pki.tsa.certificate.serialNumber });
    expect(t[0]!.tsa).toContain('CN=TSA thử nghiệm hoso');
    expect(renderReport(r)).toContain(`timestamped / dấu thời gian ${at.toISOString()}`);
  });

  it('a token moved onto another checkpoint, or from a TSA of another CA, is a finding', async () => {
    const a = await checkpoint(first, T0);
    const b = await checkpoint(await size());
    const moved = b + a.slice(a.lastIndexOf('— rfc3161-timestamp '));
    let r = await verify([moved]);
    const f = r.findings.find((x) => x.code === 'checkpoint-timestamp-invalid')!;
    expect(f.severity).toBe('error');
    expect(f.rule).toBe('RFC 3161 §2.4.2');
    expect(f.details).toMatchObject({ path: 'timestamps.1.tstInfo.messageImprint' });
    expect(f.message_vi).toContain('Dấu thời gian');
    expect(r.verdict).toBe('failed');
    expect(r.checkpoints[0]!.timestamps![0]!.ok).toBe(false);

    const foreignTsa = await pki.issuePerson({ name: 'TSA khác', cccd: '001185000911', byOtherCa: true });
    r = await verify([await checkpoint(await size(), new Date(T0.getTime() + 50 * MIN), foreignTsa)]);
    expect(r.findings.find((x) => x.code === 'checkpoint-timestamp-invalid')?.details).toMatchObject({
      problems: expect.arrayContaining(['issuer-not-found']) as unknown,
    });
  });

  it('without a trust list, the timestamps are not checked and the report says so', async () => {
    const r = await verify([await checkpoint(await size(), new Date(T0.getTime() + 50 * MIN))], false);
    expect(codes(r)).toEqual(['checkpoint-timestamp-unchecked']);
    expect(r.checkpoints[0]!.timestamps![0]!.ok).toBeNull();
  });

  it('events claiming a time after their checkpoint was stamped, or an earlier one after it, are reported', async () => {
    // The first checkpoint stamped 60 minutes after T0: the score written at T0+40 min comes after it, dated before.
    let r = await verify([await checkpoint(first, new Date(T0.getTime() + 60 * MIN)), await checkpoint(await size())]);
    const back = r.findings.find((f) => f.code === 'time-before-timestamp')!;
    expect(back.position).toBe(first);
    expect(back.severity).toBe('warning');
    expect(back.rule).toBe('docs/design.md §8');
    // The full checkpoint stamped before the score's claimed time.
    r = await verify([await checkpoint(await size(), new Date(T0.getTime() + 2 * MIN))]);
    const ahead = r.findings.find((f) => f.code === 'time-after-timestamp')!;
    expect(ahead.position).toBe(first);
    expect(ahead.message).toContain('minutes after a timestamp');
  });

  it('a smaller checkpoint stamped after a larger one is reported', async () => {
    const r = await verify([
      await checkpoint(first, new Date(T0.getTime() + 90 * MIN)),
      await checkpoint(await size(), new Date(T0.getTime() + 50 * MIN)),
    ]);
    expect(codes(r)).toContain('checkpoint-timestamp-order');
  });
});
