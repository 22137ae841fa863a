import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import { formatVerifierKey, localSigner, signCheckpoint } from '@hoso/core';
import { openLedger, opens } from '@hoso/ledger';
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import type { EventStore } from '@hoso/store';
import {
  openEventStoreDbPersonalData,
  openEventStoreDbStore,
  personalStreamName,
  type EventStoreDbPersonalData,
} from '@hoso/store-eventstoredb';
import { EventStoreDbStandIn } from '@hoso/store-eventstoredb/testing';
import { applyToRecords, emptyRecords, ERASED_MARK, resolveRecords, WITHHELD_MARK, type Records } from '@hoso/books';
import { exportBundle, originOf, verifyBundle } from '@hoso/verify';

/**
 * Personal data on EventStoreDB, through the real client and the wire protocol (the stand-in
 * server): openings live in one stream per pupil beside the ledger's stream, are written before
 * the append that commits to them, are read back by another process, and an erasure truncates the
 * pupil's stream so that no read returns them — and, once the server scavenges, no byte of them
 * remains in its log — while the ledger verifies end to end.
 */

const LEDGER = 'thpt-esdb-pd';
const seal = { name: `hoso/${LEDGER}`, seed: new Uint8Array(32).fill(9) };
const sealVkey = formatVerifierKey(seal.name, localSigner(seal.seed).publicKey);

const BIO = {
  name: 'Hoàng Thị Esdb Erasable',
  birthDate: '2009-03-14',
  sex: 'F',
  birthPlace: 'Xã Ea Tiêu, huyện Krông Ana Uniq',
  guardian: 'Hoàng Văn Guardianesdb',
} as const;
const KEPT = { name: 'Phạm Văn Esdb Kept', birthDate: '2009-05-06', sex: 'M' } as const;
const erasedValues = [BIO.name, BIO.birthPlace, BIO.guardian];

let standIn: EventStoreDbStandIn;
let client: EventStoreDBClient;
let store: EventStore;
let pd: EventStoreDbPersonalData;
let s: School;

function bytesHold(haystack: Uint8Array, value: string): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(Buffer.from(value, 'utf8'));
}

async function fold(): Promise<Records> {
  let r = emptyRecords();
  for await (const e of store.read(LEDGER)) r = applyToRecords(r, e);
  return r;
}

beforeAll(async () => {
  standIn = await EventStoreDbStandIn.start();
  client = EventStoreDBClient.connectionString(standIn.connectionString);
  store = openEventStoreDbStore({ client });
  pd = await openEventStoreDbPersonalData({ client, ledger: LEDGER });
  s = await buildSchool({ store, ledger: LEDGER, students: 0, personalData: pd, adoptPersonalData: true });
  for (const [student, bio] of [
    ['hs-erase', BIO],
    ['hs-keep', KEPT],
  ] as const)
    await s.run({ type: 'EnrollStudent', data: { year: s.year, class: s.cls, student, date: '2024-09-05', bio } }, [
      as(s.people.homeroom, 'homeroom'),
    ]);
});

afterAll(async () => {
  await store.close();
  // Stopped before the client is disposed: the client's open BatchAppend call ends with the server.
  await standIn.stop();
  await client.dispose();
});

describe('personal data on EventStoreDB', () => {
  it('keeps the values in the pupils’ streams, never in the ledger’s, and the books open them', async () => {
    for await (const e of store.read(LEDGER)) {
      const text = new TextDecoder().decode(e.bytes);
      for (const v of erasedValues) expect(text).not.toContain(v);
    }
    const pupil = Buffer.concat(
      standIn.records(personalStreamName(LEDGER, 'hs-erase')).map((r) => Buffer.from(r.data)),
    );
    expect(bytesHold(pupil, BIO.name)).toBe(true);
    const rows = pd.openings('hs-erase');
    expect(rows.map((r) => r.field).sort()).toEqual(['birthDate', 'birthPlace', 'guardian', 'name', 'sex']);
    for (const r of rows) expect(opens(r.commitment, r.salt, r.value)).toBe(true);
    const raw = await fold();
    expect(raw.students['hs-erase']!.bio.name).toBe(WITHHELD_MARK);
    expect(resolveRecords(raw, pd).students['hs-erase']!.bio).toMatchObject({ name: BIO.name, sex: 'F' });
  });

  it('another process reads them back, and `refresh` sees what another writer added', async () => {
    const other = await openEventStoreDbPersonalData({ client, ledger: LEDGER });
    expect(other.openings('hs-keep').map((o) => o.value)).toEqual([KEPT.name, KEPT.birthDate, KEPT.sex]);
    expect(other.count()).toBe(pd.count());
    await s.run(
      {
        type: 'EnrollStudent',
        data: {
          year: s.year,
          class: s.cls,
          student: 'hs-late',
          date: '2024-09-06',
          bio: { name: 'Đỗ Văn Late', birthDate: '2009-02-02', sex: 'M' },
        },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(other.openings('hs-late')).toEqual([]);
    await other.refresh();
    expect(other.openings('hs-late').map((o) => o.value)).toEqual(['Đỗ Văn Late', '2009-02-02', 'M']);
  });

  it('an append whose openings cannot be written is refused, and nothing enters the ledger', async () => {
    const before = await store.size(LEDGER);
    standIn.failNext('append', { count: 1 });
    const r = await s.ledger.execute(
      {
        type: 'EnrollStudent',
        data: {
          year: s.year,
          class: s.cls,
          student: 'hs-down',
          date: '2024-09-06',
          bio: { name: 'Lý Thị Down', birthDate: '2009-04-04', sex: 'F' },
        },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-unavailable', path: [] } });
    expect(await store.size(LEDGER)).toBe(before);
    expect(pd.openings('hs-down')).toEqual([]);
  });

  it('erases: no read returns the values, the scavenge removes their bytes, and the ledger verifies', async () => {
    const elsewhere = await openEventStoreDbPersonalData({ client, ledger: LEDGER });
    expect(elsewhere.openings('hs-erase').length).toBe(5);
    await s.run(
      {
        type: 'ErasePersonalData',
        data: {
          students: ['hs-erase'],
          basis: 'guardian-request',
          reason: 'cha mẹ học sinh yêu cầu xóa',
          decision: { number: '3/QĐ-THPT', date: '2024-10-01' },
        },
      },
      [as(s.people.principal, 'leader')],
    );
    expect(pd.openings('hs-erase')).toEqual([]);
    expect(pd.lastPurge()).toEqual({ truncated: ['hs-erase'], pending: [], scavenge: 'required' });
    expect((await openEventStoreDbPersonalData({ client, ledger: LEDGER })).openings('hs-erase')).toEqual([]);

    // A process that loaded the openings before the erasure drops them when its ledger opens.
    await openLedger({ store, ledger: LEDGER, personalData: elsewhere });
    expect(elsewhere.openings('hs-erase')).toEqual([]);
    expect(elsewhere.openings('hs-keep').length).toBe(3);

    // Hidden, but the server still holds the bytes until it scavenges (docs/personal-data.md §7).
    for (const v of erasedValues) expect(bytesHold(standIn.bytes(), v)).toBe(true);
    expect(standIn.scavenge()).toBeGreaterThan(0);
    for (const v of erasedValues) expect(bytesHold(standIn.bytes(), v)).toBe(false);
    expect(bytesHold(standIn.bytes(), KEPT.name)).toBe(true);

    const r = resolveRecords(await fold(), pd);
    expect(r.students['hs-erase']!.bio).toMatchObject({ name: ERASED_MARK, sex: ERASED_MARK });
    expect(r.students['hs-keep']!.bio.name).toBe(KEPT.name);

    const dir = mkdtempSync(join(tmpdir(), 'hoso-esdb-pd-'));
    const size = await store.size(LEDGER);
    const cp = signCheckpoint({ origin: originOf(LEDGER), size, root: await store.root(LEDGER, size) }, seal);
    const bundle = join(dir, 'after.hoso');
    expect((await exportBundle(store, LEDGER, bundle, { checkpoints: [cp] }))._tag).toBe('Right');
    const text = readFileSync(bundle, 'utf8');
    for (const v of [...erasedValues, KEPT.name]) expect(text).not.toContain(v);
    const v = await verifyBundle(bundle, {
      trust: { rootKeys: [s.people.principal.key], sealKeys: [sealVkey], witnessKeys: [] },
      workers: 0,
    });
    expect(v._tag).toBe('Right');
    if (v._tag === 'Right') expect(v.right.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('an erasure the server could not finish is finished by the next open', async () => {
    // The ledger's append lands; the truncation after it (a metadata write) fails.
    standIn.beforeNextCommit = () => standIn.failNext('append', { count: 1 });
    await s.run(
      {
        type: 'ErasePersonalData',
        data: { students: ['hs-late'], basis: 'guardian-request', reason: 'chuyển vùng, gia đình yêu cầu' },
      },
      [as(s.people.principal, 'leader')],
    );
    expect(pd.openings('hs-late')).toEqual([]);
    expect(pd.lastPurge()).toMatchObject({ truncated: [], pending: ['hs-late'] });
    // Still readable on the server: a process opening the store alone would see it …
    const before = await openEventStoreDbPersonalData({ client, ledger: LEDGER });
    expect(before.openings('hs-late').length).toBe(3);
    // … until a ledger opens with it: `reconcile` truncates the stream.
    await openLedger({ store, ledger: LEDGER, personalData: before });
    expect(before.openings('hs-late')).toEqual([]);
    expect(before.lastPurge()).toMatchObject({ truncated: ['hs-late'], pending: [] });
    expect((await openEventStoreDbPersonalData({ client, ledger: LEDGER })).openings('hs-late')).toEqual([]);
  });

  it('refuses a new biography for an erased pupil, and writes nothing for it', async () => {
    const before = standIn.records(personalStreamName(LEDGER, 'hs-erase')).length;
    const r = await s.ledger.execute(
      {
        type: 'ChangeBiography',
        data: { student: 'hs-erase', year: s.year, class: s.cls, changes: { name: 'X' }, reason: 'y' },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-erased' } });
    expect(standIn.records(personalStreamName(LEDGER, 'hs-erase')).length).toBe(before);
  });
});
