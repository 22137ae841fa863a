import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatVerifierKey, localSigner, signCheckpoint } from '@hoso/core';
import { fileStateSnapshots, opens, type Ledger } from '@hoso/ledger';
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import {
  openSqliteStore,
  sqlitePersonalData,
  type SqliteEventStore,
  type SqlitePersonalData,
} from '@hoso/store-sqlite';
import {
  applyToRecords,
  transcript,
  emptyRecords,
  ERASED_MARK,
  resolveRecords,
  WITHHELD_MARK,
  type Records,
} from '@hoso/books';
import { exportBundle, originOf, verifyBundle } from '@hoso/verify';

/**
 * Erasure end to end on a real SQLite file: the pupil's values live only in the personal-data
 * table, the erasure is one signed event, and afterwards no byte of any erased value (UTF-8,
 * UTF-16LE, UTF-16BE) is in the database file, its WAL or -shm, the ledger's state snapshots, the
 * books' records (what a checkpoint store keeps) or a bundle exported afterwards; the ledger still
 * verifies and the books show "[đã xóa]".
 */

const LEDGER = 'thpt-test';
const seal = { name: 'hoso/thpt-test', seed: new Uint8Array(32).fill(7) };
const sealVkey = formatVerifierKey(seal.name, localSigner(seal.seed).publicKey);

// Distinctive values, so that a hit in the raw bytes can only be them.
const BIO = {
  name: 'Nguyễn Thị Bích Ngọc Erasable',
  birthDate: '2009-07-23',
  sex: 'F',
  birthPlace: 'Xã Quảng Khê, huyện Đắk Glong',
  ethnicity: 'Mnông',
  address: 'Thôn 7, xã Quảng Khê Uniq',
  guardian: 'Trần Văn Quý Guardianname',
  phone: '0912 345 678',
} as const;
const NEW_ADDRESS = 'Tổ dân phố 3, phường Nghĩa Đức Moved';
const KEPT = { name: 'Lê Văn Kept Pupil', birthDate: '2009-01-02', sex: 'M' } as const;

let dir: string;
let path: string;
let pd: SqlitePersonalData;
let store: SqliteEventStore;
let s: School;
let snapshots: string;

function encodings(value: string): Buffer[] {
  const le = Buffer.from(value, 'utf16le');
  const be = Buffer.from(le).swap16();
  return [Buffer.from(value, 'utf8'), le, be];
}

/** Every file under `dir` (the db, -wal, -shm, snapshots, exports), with the erased values found in it. */
function hits(values: readonly string[], under = dir): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        for (const v of values)
          for (const [i, e] of encodings(v).entries())
            if (bytes.includes(e)) out.push(`${f}: ${v} (${['utf8', 'utf16le', 'utf16be'][i]})`);
      }
    }
  };
  walk(under);
  return out;
}

async function fold(st: SqliteEventStore): Promise<Records> {
  let r = emptyRecords();
  for await (const e of st.read(LEDGER)) r = applyToRecords(r, e);
  return r;
}

const erasedValues = [...Object.values(BIO).filter((v) => v.length > 4), NEW_ADDRESS];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-pd-'));
  path = join(dir, 'ledger.db');
  snapshots = join(dir, 'snapshots');
  pd = sqlitePersonalData();
  store = openSqliteStore({ path, ledger: LEDGER, extensions: [pd.extension] });
  s = await buildSchool({ store, ledger: LEDGER, students: 1, personalData: pd, adoptPersonalData: true });
  const { homeroom, teacher } = s.people;
  for (const [student, bio] of [
    ['hs-erase', BIO],
    ['hs-keep', KEPT],
  ] as const)
    await s.run({ type: 'EnrollStudent', data: { year: s.year, class: s.cls, student, date: '2024-09-05', bio } }, [
      as(homeroom, 'homeroom'),
    ]);
  await s.run(
    {
      type: 'ChangeBiography',
      data: {
        student: 'hs-erase',
        year: s.year,
        class: s.cls,
        changes: { address: NEW_ADDRESS },
        reason: 'chuyển nhà',
      },
    },
    [as(homeroom, 'homeroom')],
  );
  await s.run(
    {
      type: 'EnterScore',
      data: {
        year: s.year,
        class: s.cls,
        subject: 'toan',
        student: 'hs-erase',
        term: 'HK1',
        column: 'tx',
        index: 1,
        value: '8.5',
      },
    },
    [as(teacher, 'subject')],
  );
});

describe('personal data in a SQLite ledger', () => {
  it('signs commitments, keeps the values in the personal-data table, and the books open them', async () => {
    for await (const e of store.read(LEDGER)) {
      const text = new TextDecoder().decode(e.bytes);
      for (const v of erasedValues) expect(text).not.toContain(v);
    }
    const rows = pd.openings('hs-erase');
    expect(rows.map((r) => r.field).sort()).toEqual(
      ['address', 'address', 'birthDate', 'birthPlace', 'ethnicity', 'guardian', 'name', 'phone', 'sex'].sort(),
    );
    for (const r of rows) expect(opens(r.commitment, r.salt, r.value)).toBe(true);
    const raw = await fold(store);
    // The records (what a books checkpoint keeps) hold commitments and marks, never a value.
    expect(JSON.stringify(raw)).not.toContain(BIO.name);
    expect(raw.students['hs-erase']!.bio.name).toBe(WITHHELD_MARK);
    const shown = resolveRecords(raw, pd);
    expect(shown.students['hs-erase']!.bio).toMatchObject({ name: BIO.name, sex: 'F', address: NEW_ADDRESS });
    expect(shown.students['hs-erase']!.changes[0]).toMatchObject({
      changes: { address: NEW_ADDRESS },
      previous: { address: BIO.address },
    });
  });

  it('a clear biography after adoption is refused and nothing is written', async () => {
    const noPd = await (await import('@hoso/ledger')).openLedger({ store, ledger: LEDGER, clock: () => s.clock.now });
    const before = await store.size(LEDGER);
    const r = await noPd.execute(
      {
        type: 'EnrollStudent',
        data: { year: s.year, class: s.cls, student: 'hs-clear', date: '2024-09-05', bio: KEPT },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-in-clear', path: ['data', 'bio'] } });
    const erase = await noPd.execute(
      { type: 'ErasePersonalData', data: { students: ['hs-erase'], basis: 'guardian-request', reason: 'x' } },
      [as(s.people.principal, 'leader')],
    );
    expect(erase).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-store-required' } });
    expect(await store.size(LEDGER)).toBe(before);
    expect(pd.openings('hs-clear')).toEqual([]);
  });

  it('erases: the ledger verifies, the books show [đã xóa], and no byte of a value remains anywhere', async () => {
    // A snapshot of the ledger state and a file copy of the records before the erasure.
    const withSnapshots: Ledger = await (
      await import('@hoso/ledger')
    ).openLedger({ store, ledger: LEDGER, snapshots: fileStateSnapshots(snapshots), personalData: pd });
    expect((await withSnapshots.saveSnapshot())._tag).toBe('Right');
    // The search can fail: before the erasure the values are in the file.
    expect(hits(erasedValues).length).toBeGreaterThan(0);
    const sizeBefore = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);

    await s.run(
      {
        type: 'ErasePersonalData',
        data: {
          students: ['hs-erase'],
          basis: 'guardian-request',
          reason: 'cha mẹ học sinh yêu cầu xóa',
          decision: { number: '12/QĐ-THPT', date: '2024-10-01' },
        },
      },
      [as(s.people.principal, 'leader')],
    );
    expect(pd.openings('hs-erase')).toEqual([]);
    expect(pd.openings('hs-keep').length).toBe(3);
    expect(pd.lastPurge()).toEqual({ wal: 'truncated' });

    const r = resolveRecords(await fold(store), pd);
    expect(r.students['hs-erase']!.bio).toMatchObject({ name: ERASED_MARK, birthDate: ERASED_MARK, sex: ERASED_MARK });
    expect(r.students['hs-keep']!.bio.name).toBe(KEPT.name);
    const t = transcript(r, 'hs-erase');
    expect(t._tag === 'Right' && t.right.bio.name).toBe(ERASED_MARK);
    expect(JSON.stringify(r)).not.toContain(BIO.guardian);

    // A snapshot saved after the erasure, and a bundle exported after it.
    expect((await withSnapshots.saveSnapshot())._tag).toBe('Right');
    const size = await store.size(LEDGER);
    const bundle = join(dir, 'after.hoso');
    const cp = signCheckpoint({ origin: originOf(LEDGER), size, root: await store.root(LEDGER, size) }, seal);
    expect((await exportBundle(store, LEDGER, bundle, { checkpoints: [cp] }))._tag).toBe('Right');
    const v = await verifyBundle(bundle, {
      trust: { rootKeys: [s.people.principal.key], sealKeys: [sealVkey], witnessKeys: [] },
      workers: 0,
    });
    expect(v._tag).toBe('Right');
    if (v._tag === 'Right') expect(v.right.findings.filter((f) => f.severity === 'error')).toEqual([]);

    expect(hits(erasedValues)).toEqual([]);
    // The kept pupil's values are still there: the search is not blind.
    expect(hits([KEPT.name]).length).toBeGreaterThan(0);
    const sizeAfter = statSync(path).size + (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
    expect(sizeAfter).toBeLessThanOrEqual(sizeBefore + 64 * 1024);
  });

  it('reopening with the personal-data store keeps the erasure, and a new biography for the pupil is refused', async () => {
    const pd2 = sqlitePersonalData();
    const store2 = openSqliteStore({ path, ledger: LEDGER, extensions: [pd2.extension] });
    const l2 = await (
      await import('@hoso/ledger')
    ).openLedger({ store: store2, ledger: LEDGER, personalData: pd2, clock: () => s.clock.now });
    expect(pd2.openings('hs-keep').length).toBe(3);
    const r = await l2.execute(
      {
        type: 'ChangeBiography',
        data: { student: 'hs-erase', year: s.year, class: s.cls, changes: { name: 'X' }, reason: 'y' },
      },
      [as(s.people.homeroom, 'homeroom')],
    );
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'personal-data-erased' } });
  });

  it('the openings commit or roll back with the events that sign them', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hoso-pd-tx-'));
    const p2 = sqlitePersonalData();
    let fail = false;
    // A second extension that fails inside the append's transaction, after the openings were inserted.
    const failing = {
      open: () => undefined,
      appended: () => {
        if (fail) throw new Error('disk full (simulated)');
      },
    };
    const st = openSqliteStore({ path: join(d, 'l.db'), ledger: LEDGER, extensions: [p2.extension, failing] });
    const school = await buildSchool({
      store: st,
      ledger: LEDGER,
      students: 0,
      personalData: p2,
      adoptPersonalData: true,
    });
    const size = await st.size(LEDGER);
    fail = true;
    const r = await school.ledger.execute(
      {
        type: 'EnrollStudent',
        data: { year: school.year, class: school.cls, student: 'hs-tx', date: '2024-09-05', bio: KEPT },
      },
      [as(school.people.homeroom, 'homeroom')],
    );
    expect(r).toMatchObject({ _tag: 'Left', left: { code: 'store-error' } });
    expect(await st.size(LEDGER)).toBe(size);
    expect(p2.openings('hs-tx')).toEqual([]);
    fail = false;
    await school.run(
      {
        type: 'EnrollStudent',
        data: { year: school.year, class: school.cls, student: 'hs-tx', date: '2024-09-05', bio: KEPT },
      },
      [as(school.people.homeroom, 'homeroom')],
    );
    expect(p2.openings('hs-tx').map((o) => o.value)).toEqual([KEPT.name, KEPT.birthDate, KEPT.sex]);
    await st.close();
  });
});
