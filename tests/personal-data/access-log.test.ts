import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, localSigner, signCheckpoint } from '@hoso/core';
import { readPersonalData } from '@hoso/ledger';
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import {
  openSqliteStore,
  sqlitePersonalData,
  type SqliteEventStore,
  type SqlitePersonalData,
} from '@hoso/store-sqlite';
import { exportBundle, originOf, verifyBundle } from '@hoso/verify';

/**
 * The access log (docs/personal-data.md, "Access log") on a real SQLite ledger: before the leader
 * adopts it, reads are not logged; after, each read call appends one `PersonalDataAccessed` in the
 * reader's own stream naming the pupils and fields, a read without a purpose or a reader is refused
 * and writes nothing, no value is in the log's bytes, the reader returned opens only what was named,
 * a bundle with the log verifies clean, and an altered log event is found by the verifier.
 */
const LEDGER = 'thpt-access';
const seal = { name: 'hoso/thpt-access', seed: new Uint8Array(32).fill(9) };
const PUPILS = {
  'hs-an': { name: 'Trần Thị Lan Accessone', birthDate: '2009-05-06', sex: 'F', guardian: 'Trần Văn Sơn Guardacc' },
  'hs-binh': { name: 'Lý Văn Bình Accesstwo', birthDate: '2009-07-08', sex: 'M', guardian: 'Lý Thị Hoa Guardacc' },
} as const;
const VALUES = Object.values(PUPILS).flatMap((b) => [b.name, b.birthDate, b.guardian]);

let dir: string;
let store: SqliteEventStore;
let pd: SqlitePersonalData;
let s: School;

async function logEvents(): Promise<Array<{ stream: string; type: string; data: unknown; bytes: Uint8Array }>> {
  const out = [];
  for await (const e of store.read(LEDGER)) {
    const env = JSON.parse(new TextDecoder().decode(e.bytes)) as { stream: string; type: string; data: unknown };
    if (env.type === 'PersonalDataAccessed') out.push({ ...env, bytes: e.bytes });
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-access-'));
  pd = sqlitePersonalData();
  store = openSqliteStore({ path: join(dir, 'ledger.db'), ledger: LEDGER, extensions: [pd.extension] });
  s = await buildSchool({ store, ledger: LEDGER, students: 0, personalData: pd, adoptPersonalData: true });
  for (const [student, bio] of Object.entries(PUPILS))
    await s.run({ type: 'EnrollStudent', data: { year: s.year, class: s.cls, student, date: '2024-09-05', bio } }, [
      as(s.people.homeroom, 'homeroom'),
    ]);
});

describe('the access log', () => {
  it('is off until the leader adopts it: a read is not logged', async () => {
    const r = await readPersonalData(s.ledger, pd, { students: ['hs-an'] });
    expect(r._tag).toBe('Right');
    if (r._tag === 'Left') return;
    expect(r.right.logged).toBeNull();
    expect(r.right.reader.openings('hs-an').some((o) => o.value === PUPILS['hs-an'].name)).toBe(true);
    expect(await logEvents()).toEqual([]);
  });

  it('once adopted, logs each read call as one event of the reader, with codes and fields only', async () => {
    await s.run({ type: 'AdoptAccessLog', data: {} }, [as(s.people.principal, 'leader')]);
    const size = await store.size(LEDGER);
    const refusedNoPurpose = await readPersonalData(
      s.ledger,
      pd,
      { students: ['hs-an'] },
      as(s.people.homeroom, 'homeroom'),
    );
    expect(refusedNoPurpose._tag === 'Left' && refusedNoPurpose.left).toMatchObject({
      code: 'purpose-required',
      path: ['purpose'],
      rule: 'docs/personal-data.md',
    });
    const refusedNoReader = await readPersonalData(s.ledger, pd, { students: ['hs-an'], purpose: 'in học bạ' });
    expect(refusedNoReader._tag === 'Left' && refusedNoReader.left).toMatchObject({
      code: 'purpose-required',
      path: ['reader'],
    });
    // A role the reader does not hold is refused by the rules; nothing is written.
    const wrongRole = await readPersonalData(
      s.ledger,
      pd,
      { students: ['hs-an'], purpose: 'x' },
      as(s.people.homeroom, 'leader'),
    );
    expect(wrongRole._tag === 'Left' && wrongRole.left.code).toBe('role-not-held');
    expect(await store.size(LEDGER)).toBe(size);

    const r = await readPersonalData(
      s.ledger,
      pd,
      {
        students: ['hs-an', 'hs-binh'],
        fields: ['name', 'birthDate'],
        purpose: 'in học bạ cuối năm',
        basis: 'QC Điều 8.1',
        via: 'print',
      },
      as(s.people.homeroom, 'homeroom'),
    );
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.logged?.position).toBe(size);
    expect(
      r.right.reader
        .openings('hs-an')
        .map((o) => o.field)
        .sort(),
    ).toEqual(['birthDate', 'name']);
    expect(r.right.reader.openings('hs-unknown')).toEqual([]);
    const logged = await logEvents();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      stream: `access/${s.people.homeroom.id}`,
      data: {
        person: s.people.homeroom.id,
        purpose: 'in học bạ cuối năm',
        basis: 'QC Điều 8.1',
        via: 'print',
        reads: [
          { student: 'hs-an', fields: ['name', 'birthDate'] },
          { student: 'hs-binh', fields: ['name', 'birthDate'] },
        ],
      },
    });
    const bytes = Buffer.concat(logged.map((e) => Buffer.from(e.bytes)));
    for (const v of VALUES) expect(bytes.includes(Buffer.from(v, 'utf8'))).toBe(false);

    // An unknown pupil is refused by the rules with its path; nothing written.
    const unknown = await readPersonalData(
      s.ledger,
      pd,
      { students: ['hs-x'], purpose: 'x' },
      as(s.people.homeroom, 'homeroom'),
    );
    expect(unknown._tag === 'Left' && unknown.left).toMatchObject({
      code: 'unknown-student',
      path: ['data', 'reads', 0, 'student'],
    });
    expect(await logEvents()).toHaveLength(1);
  });

  it('is kept through an erasure (codes only), verifies in a bundle, and an altered entry is found', async () => {
    await s.run(
      {
        type: 'ErasePersonalData',
        data: { students: ['hs-binh'], basis: 'guardian-request', reason: 'cha mẹ yêu cầu' },
      },
      [as(s.people.principal, 'leader')],
    );
    expect(await logEvents()).toHaveLength(1);
    const size = await store.size(LEDGER);
    const checkpoint = signCheckpoint({ origin: originOf(LEDGER), size, root: await store.root(LEDGER, size) }, seal);
    const bundle = join(dir, 'ledger.hoso');
    expect((await exportBundle(store, LEDGER, bundle, { checkpoints: [checkpoint] }))._tag).toBe('Right');
    const trust = {
      rootKeys: [s.people.principal.key],
      sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)],
      witnessKeys: [],
    };
    const clean = await verifyBundle(bundle, { trust, workers: 0 });
    if (clean._tag === 'Left') throw new Error(clean.left.message);
    expect(clean.right.verdict).toBe('verified');
    expect(clean.right.personalData?.accessLog).toEqual({ events: 1, reads: 2 });

    const text = readFileSync(bundle, 'utf8');
    const altered = text.replace('in học bạ cuối năm', 'in học bạ cuối kỳ');
    expect(altered).not.toBe(text);
    const tampered = join(dir, 'tampered.hoso');
    writeFileSync(tampered, altered);
    const r = await verifyBundle(tampered, { trust, workers: 0 });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.verdict).not.toBe('verified');
    expect(r.right.findings.some((f) => f.severity === 'error')).toBe(true);
  });
});
