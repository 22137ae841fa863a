import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, fromBase64, localSigner, signCheckpoint, toBase64 } from '@hoso/core';
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import {
  openSqliteStore,
  sqlitePersonalData,
  type SqliteEventStore,
  type SqlitePersonalData,
} from '@hoso/store-sqlite';
import {
  exportBundle,
  formatDisclosure,
  makeDisclosure,
  originOf,
  parseDisclosure,
  signDisclosure,
  verifyBundle,
  verifyTranscript,
  type DiscloseOptions,
  type Disclosure,
  type VerifyReport,
} from '@hoso/verify';

/**
 * Disclosure by scope on a real SQLite ledger: what each scope's files carry and what they do not
 * (the raw bytes are searched for the other pupils' values), the verifier's account per field,
 * and every way a disclosure can be wrong: altered, forged by another key, a wrong opening, an
 * opening of no commitment, another ledger, an erased pupil; a transcript verifying on its own and
 * failing when an event or a proof hash is altered.
 */

const LEDGER = 'thpt-test';
const seal = { name: 'hoso/thpt-test', seed: new Uint8Array(32).fill(7) };
const sealVkey = formatVerifierKey(seal.name, localSigner(seal.seed).publicKey);

const PUPILS = {
  'hs-an': { name: 'Đỗ Thành An Discloseone', birthDate: '2009-03-14', sex: 'M', guardian: 'Đỗ Văn Bảo Guardone' },
  'hs-binh': { name: 'Vũ Thị Bình Disclosetwo', birthDate: '2009-08-30', sex: 'F', guardian: 'Vũ Văn Cường Guardtwo' },
  'hs-chi': { name: 'Hà Minh Chi Erasedthree', birthDate: '2009-11-02', sex: 'F', guardian: 'Hà Văn Dũng Guardthree' },
} as const;
type Pupil = keyof typeof PUPILS;
const valuesOf = (p: Pupil): string[] => Object.values(PUPILS[p]).filter((v) => v.length > 4);

let dir: string;
let store: SqliteEventStore;
let pd: SqlitePersonalData;
let s: School;
let checkpoint: string;
let bundle: string;
let trust: { rootKeys: string[]; sealKeys: string[]; witnessKeys: string[] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-disclose-'));
  pd = sqlitePersonalData();
  store = openSqliteStore({ path: join(dir, 'ledger.db'), ledger: LEDGER, extensions: [pd.extension] });
  s = await buildSchool({ store, ledger: LEDGER, students: 0, personalData: pd, adoptPersonalData: true });
  for (const [student, bio] of Object.entries(PUPILS)) {
    await s.run({ type: 'EnrollStudent', data: { year: s.year, class: s.cls, student, date: '2024-09-05', bio } }, [
      as(s.people.homeroom, 'homeroom'),
    ]);
    await s.run(
      {
        type: 'EnterScore',
        data: { year: s.year, class: s.cls, subject: 'toan', student, term: 'HK1', column: 'tx', index: 1, value: '8' },
      },
      [as(s.people.teacher, 'subject')],
    );
  }
  await s.run(
    {
      type: 'ChangeBiography',
      data: {
        student: 'hs-an',
        year: s.year,
        class: s.cls,
        changes: { guardian: 'Đỗ Thị Hạnh Newguard' },
        reason: 'giám hộ mới',
      },
    },
    [as(s.people.homeroom, 'homeroom')],
  );
  await s.run(
    {
      type: 'ErasePersonalData',
      data: { students: ['hs-chi'], basis: 'guardian-request', reason: 'cha mẹ học sinh yêu cầu' },
    },
    [as(s.people.principal, 'leader')],
  );
  const size = await store.size(LEDGER);
  checkpoint = signCheckpoint({ origin: originOf(LEDGER), size, root: await store.root(LEDGER, size) }, seal);
  bundle = join(dir, 'ledger.hoso');
  expect((await exportBundle(store, LEDGER, bundle, { checkpoints: [checkpoint] }))._tag).toBe('Right');
  trust = { rootKeys: [s.people.principal.key], sealKeys: [sealVkey], witnessKeys: [] };
});

function options(o: Partial<DiscloseOptions>): DiscloseOptions {
  return {
    scope: 'inspector',
    checkpoint,
    audience: 'Phòng GD&ĐT — đoàn kiểm tra',
    purpose: 'kiểm tra hồ sơ học sinh',
    issuedAt: '2024-10-02T09:00:00+07:00',
    signer: s.people.principal.signer,
    ...o,
  };
}

async function disclose(o: Partial<DiscloseOptions>): Promise<Disclosure> {
  const r = await makeDisclosure(store, LEDGER, pd, options(o));
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

async function verifyWith(d: Disclosure | string): Promise<VerifyReport> {
  const r = await verifyBundle(bundle, {
    trust,
    workers: 0,
    disclosure: typeof d === 'string' ? d : formatDisclosure(d),
  });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const account = (r: VerifyReport, field: string) => r.personalData!.fields.find((f) => f.field === field)!;
const codes = (r: VerifyReport) => r.findings.filter((f) => f.severity === 'error').map((f) => f.code);

describe('the inspector scope', () => {
  it('opens every pupil not erased; the bundle itself carries no value; the verifier checks each', async () => {
    const d = await disclose({});
    const text = formatDisclosure(d);
    for (const v of [...valuesOf('hs-an'), 'Đỗ Thị Hạnh Newguard', ...valuesOf('hs-binh')]) expect(text).toContain(v);
    for (const v of valuesOf('hs-chi')) expect(text).not.toContain(v);
    expect(d.erased).toEqual(['hs-chi']);
    const bundleBytes = readFileSync(bundle, 'utf8');
    for (const p of Object.keys(PUPILS) as Pupil[]) for (const v of valuesOf(p)) expect(bundleBytes).not.toContain(v);
    const r = await verifyWith(d);
    expect(r.verdict).toBe('verified');
    expect(r.personalData!.disclosure).toMatchObject({ scope: 'inspector', accepted: true, erased: ['hs-chi'] });
    expect(account(r, 'name')).toEqual({
      field: 'name',
      commitments: 3,
      opened: 2,
      failed: 0,
      notDisclosed: 0,
      erased: 1,
    });
    // hs-an's guardian changed: both commitments are opened (the old value stays in the history).
    expect(account(r, 'guardian')).toMatchObject({ commitments: 4, opened: 3, erased: 1, notDisclosed: 0 });
    expect(account(r, 'phone')).toMatchObject({ commitments: 0, opened: 0 });
  });

  it('opens only the pupils and fields asked for', async () => {
    const d = await disclose({ students: ['hs-an'], fields: ['name', 'birthDate'] });
    const text = formatDisclosure(d);
    expect(text).toContain(PUPILS['hs-an'].name);
    expect(text).not.toContain(PUPILS['hs-an'].guardian);
    for (const v of valuesOf('hs-binh')) expect(text).not.toContain(v);
    expect(d.openings.map((o) => `${o.student}.${o.field}`).sort()).toEqual(['hs-an.birthDate', 'hs-an.name']);
    const r = await verifyWith(d);
    expect(r.verdict).toBe('verified');
    expect(account(r, 'name')).toMatchObject({ opened: 1, notDisclosed: 1, erased: 1 });
    expect(account(r, 'guardian')).toMatchObject({ opened: 0, notDisclosed: 3 });
  });

  it('a class narrows the pupils; a pupil not in the ledger is refused; an erased one is named, not disclosed', async () => {
    const cls = await disclose({ class: { year: s.year, class: s.cls } });
    expect(new Set(cls.openings.map((o) => o.student))).toEqual(new Set(['hs-an', 'hs-binh']));
    const other = await disclose({ class: { year: s.year, class: '12A9' } });
    expect(other.openings).toEqual([]);
    expect(await makeDisclosure(store, LEDGER, pd, options({ students: ['hs-an', 'hs-zz'] }))).toMatchObject({
      _tag: 'Left',
      left: { code: 'unknown-student', path: ['students', 1] },
    });
    const erased = await disclose({ students: ['hs-chi'] });
    expect(erased.openings).toEqual([]);
    expect(erased.erased).toEqual(['hs-chi']);
    expect(await makeDisclosure(store, LEDGER, pd, options({ fields: ['name', 'shoeSize'] }))).toMatchObject({
      _tag: 'Left',
      left: { code: 'invalid-argument', path: ['fields', 1] },
    });
  });
});

describe('the vendor scope', () => {
  it('carries no opening at all, and the verifier says nothing was disclosed', async () => {
    const d = await disclose({ scope: 'vendor' });
    expect(d.openings).toEqual([]);
    const text = formatDisclosure(d);
    for (const p of Object.keys(PUPILS) as Pupil[]) for (const v of valuesOf(p)) expect(text).not.toContain(v);
    const r = await verifyWith(d);
    expect(r.verdict).toBe('verified');
    expect(account(r, 'name')).toMatchObject({ commitments: 3, opened: 0, notDisclosed: 2, erased: 1 });
  });

  it('without any disclosure the account still counts what was signed and not disclosed', async () => {
    const r = await verifyBundle(bundle, { trust, workers: 0 });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.personalData!.disclosure).toBeNull();
    expect(account(r.right, 'birthDate')).toMatchObject({ commitments: 3, opened: 0, notDisclosed: 2, erased: 1 });
  });
});

describe('a disclosure that is wrong', () => {
  it('altered after signing: the signature fails and no value is accepted', async () => {
    const d = await disclose({ students: ['hs-an'] });
    const altered = formatDisclosure(d).replace(PUPILS['hs-an'].name, 'Đỗ Thành Ân Altered');
    const r = await verifyWith(altered);
    expect(r.verdict).toBe('failed');
    expect(codes(r)).toEqual(['disclosure-signature-invalid']);
    expect(r.personalData!.disclosure!.accepted).toBe(false);
    expect(account(r, 'name').opened).toBe(0);
  });

  it("signed by a key that is not the leader's: refused", async () => {
    const d = await disclose({ students: ['hs-an'], signer: s.people.teacher.signer });
    const r = await verifyWith(d);
    expect(codes(r)).toEqual(['disclosure-signer-untrusted']);
    const stranger = await disclose({ students: ['hs-an'], signer: localSigner(new Uint8Array(32).fill(9)) });
    expect(codes(await verifyWith(stranger))).toEqual(['disclosure-signer-untrusted']);
  });

  it('a wrong opening signed by the school is a finding naming pupil and field, never the value', async () => {
    const d = await disclose({ students: ['hs-an'], fields: ['name', 'sex'] });
    const wrong = 'Đỗ Thành <script>Wrongvalue';
    const { signature: _s, signer: _k, ...body } = d;
    void _s;
    void _k;
    const resigned = await signDisclosure(
      { ...body, openings: d.openings.map((o) => (o.field === 'name' ? { ...o, value: wrong } : o)) },
      s.people.principal.signer,
    );
    const r = await verifyWith(resigned);
    expect(r.verdict).toBe('failed');
    const f = r.findings.find((x) => x.code === 'opening-mismatch')!;
    expect(f.details).toMatchObject({ student: 'hs-an', field: 'name' });
    expect(JSON.stringify(r.findings)).not.toContain('Wrongvalue');
    expect(account(r, 'name')).toMatchObject({ opened: 0, failed: 1 });
    expect(account(r, 'sex')).toMatchObject({ opened: 1, failed: 0 });
  });

  it('an opening of a commitment the ledger does not sign, or of an erased pupil, is a finding', async () => {
    const d = await disclose({ students: ['hs-an'], fields: ['name'] });
    const { signature: _s, signer: _k, ...body } = d;
    void _s;
    void _k;
    const o = d.openings[0]!;
    const moved = await signDisclosure(
      {
        ...body,
        openings: [
          { ...o, student: 'hs-binh' },
          { ...o, student: 'hs-chi' },
        ],
      },
      s.people.principal.signer,
    );
    const r = await verifyWith(moved);
    expect(codes(r).sort()).toEqual(['opening-erased', 'opening-unknown']);
  });

  it('a disclosure of another ledger or another history is refused', async () => {
    const d = await disclose({});
    const { signature: _s, signer: _k, ...body } = d;
    void _s;
    void _k;
    const foreign = await signDisclosure({ ...body, origin: 'hoso/thpt-other' }, s.people.principal.signer);
    expect(codes(await verifyWith(foreign))).toEqual(['disclosure-refused']);
    const older = await signDisclosure({ ...body, size: body.size - 1 }, s.people.principal.signer);
    expect(codes(await verifyWith(older))).toEqual(['disclosure-refused']);
    expect(parseDisclosure('{"format":"hoso/disclosure@v1"}')).toMatchObject({
      _tag: 'Left',
      left: { code: 'disclosure-invalid', path: ['disclosure', 'origin'] },
    });
    const bad = await verifyBundle(bundle, { trust, workers: 0, disclosure: '{"format":"x"}' });
    expect(bad).toMatchObject({ _tag: 'Left', left: { code: 'invalid-argument', path: ['disclosure', 'format'] } });
  });
});

describe('the transcript scope', () => {
  let t: Disclosure;
  beforeAll(async () => {
    t = await disclose({
      scope: 'transcript',
      students: ['hs-an'],
      audience: 'Trường THPT mới',
      purpose: 'chuyển trường',
    });
  });

  it("carries only that pupil's events and openings, and verifies on its own", async () => {
    const text = formatDisclosure(t);
    for (const v of [...valuesOf('hs-binh'), ...valuesOf('hs-chi')]) expect(text).not.toContain(v);
    const events = t.events!.map((p) => {
      const extra = p
        .split('\n')
        .find((l) => l.startsWith('extra '))!
        .slice(6);
      return JSON.parse(new TextDecoder().decode(fromBase64(extra))) as { type: string; data: { student?: string } };
    });
    const students = new Set(events.map((e) => e.data.student).filter((x) => x !== undefined));
    expect(students).toEqual(new Set(['hs-an']));
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['SchoolFounded', 'StudentRegistered', 'ScoreEntered', 'BiographyChanged']),
    );
    expect(new Set(t.openings.map((o) => o.student))).toEqual(new Set(['hs-an']));
    const r = await verifyTranscript(text, { trust });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.verdict).toBe('verified');
    expect(r.right.passes.compliance).toBe('skipped');
    expect(r.right.personalData!.partial).toBe(true);
    expect(r.right.findings.map((f) => f.code)).toContain('partial-bundle');
    expect(account(r.right, 'name')).toMatchObject({ commitments: 1, opened: 1, notDisclosed: 0 });
  });

  it('fails when an event or an inclusion hash is altered', async () => {
    const alterEvent = (p: string): string => {
      const lines = p.split('\n');
      const i = lines.findIndex((l) => l.startsWith('extra '));
      const json = new TextDecoder().decode(fromBase64(lines[i]!.slice(6)));
      lines[i] = `extra ${toBase64(new TextEncoder().encode(json.replace('"8"', '"9"')))}`;
      return lines.join('\n');
    };
    const score = t.events!.findIndex((p) => {
      const extra = p
        .split('\n')
        .find((l) => l.startsWith('extra '))!
        .slice(6);
      return new TextDecoder().decode(fromBase64(extra)).includes('"ScoreEntered"');
    });
    const flipHash = (p: string): string => {
      const lines = p.split('\n');
      const i = lines.findIndex((l) => l.startsWith('index ')) + 1;
      lines[i] = `${lines[i]![0] === 'A' ? 'B' : 'A'}${lines[i]!.slice(1)}`;
      return lines.join('\n');
    };
    for (const change of [alterEvent, flipHash]) {
      const events = t.events!.map((p, k) => (k === score ? change(p) : p));
      const { signature: _s, signer: _k, ...body } = t;
      void _s;
      void _k;
      // Re-signed by the school: the disclosure's signature holds, the event's proof does not.
      const resigned = await signDisclosure({ ...body, events }, s.people.principal.signer);
      const r = await verifyTranscript(formatDisclosure(resigned), { trust });
      if (r._tag === 'Left') throw new Error(r.left.message);
      expect(r.right.verdict).toBe('failed');
      expect(r.right.findings.map((f) => f.code)).toContain('transcript-event-invalid');
    }
  });

  it('of an erased pupil is refused; a transcript is not verified as a companion of a bundle', async () => {
    expect(
      await makeDisclosure(store, LEDGER, pd, options({ scope: 'transcript', students: ['hs-chi'] })),
    ).toMatchObject({
      _tag: 'Left',
      left: { code: 'personal-data-erased' },
    });
    const file = join(dir, 'transcript.json');
    writeFileSync(file, formatDisclosure(t));
    expect(await verifyBundle(bundle, { trust, workers: 0, disclosure: readFileSync(file, 'utf8') })).toMatchObject({
      _tag: 'Left',
      left: { path: ['disclosure', 'scope'] },
    });
  });
});
