import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDbStandIn } from '@hoso/store-eventstoredb/testing';
import { hoso } from './run.js';

// The `hoso` command on EventStoreDB: the built CLI (a child process) talks to the protocol
// stand-in on 127.0.0.1 through the real @eventstore/db-client, over real gRPC.
describe('hoso with --store esdb://… (EventStoreDB adapter)', () => {
  let standIn: EventStoreDbStandIn;
  let d: string;
  beforeAll(async () => {
    standIn = await EventStoreDbStandIn.start();
    d = mkdtempSync(join(tmpdir(), 'hoso-cli-esdb-'));
  });
  afterAll(async () => {
    await standIn.stop();
    rmSync(d, { recursive: true, force: true });
  });

  it('founds a ledger, runs commands, checkpoints, exports and verifies, all on the EventStoreDB store', async () => {
    const url = standIn.connectionString;
    const store = ['--store', url, '--ledger', 'thcs-esdb'];
    const cps = ['--checkpoints', join(d, 'checkpoints')];
    const k = (n: string) => join(d, 'keys', `${n}.key`);
    for (const n of ['hieu-truong', 'hoso/thcs-esdb'])
      expect((await hoso(['keys', 'generate', '--name', n, '--out', join(d, 'keys')])).code).toBe(0);
    let r = await hoso([
      'init',
      ...store,
      '--name',
      'Trường THCS E',
      '--key',
      k('hieu-truong'),
      '--leader-id',
      'hieu-truong',
      '--leader-name',
      'Nguyễn Văn E',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const Y = '2024-2025';
    const setup = [
      { type: 'GrantRole', data: { person: 'hieu-truong', role: 'admin' } },
      {
        type: 'DefineYear',
        data: {
          year: Y,
          terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
        },
      },
      { type: 'DefineSubject', data: { subject: 'toan', name: 'Toán' } },
      { type: 'OpenClass', data: { year: Y, class: '10A', grade: 10 } },
    ];
    writeFileSync(join(d, 'setup.jsonl'), setup.map((c) => JSON.stringify(c)).join('\n'));
    r = await hoso(['exec', ...store, '--key', k('hieu-truong'), '--role', 'leader', '--file', join(d, 'setup.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    // The events are in one physical EventStoreDB stream, one record per hoso event.
    expect(standIn.records('hoso-ledger-thcs-esdb').length).toBe(1 + setup.length);
    // A refused command writes nothing to the server either.
    r = await hoso([
      'exec',
      ...store,
      '--key',
      k('hieu-truong'),
      '--role',
      'leader',
      '--command',
      JSON.stringify({ type: 'OpenClass', data: { year: Y, class: '10A', grade: 10 } }),
    ]);
    expect(r.code).toBe(1);
    expect(standIn.records('hoso-ledger-thcs-esdb').length).toBe(1 + setup.length);

    r = await hoso([
      'checkpoint',
      ...store,
      ...cps,
      '--key',
      k('hoso/thcs-esdb').replace('hoso/thcs-esdb', 'hoso_thcs-esdb'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['export', ...store, ...cps, '--out', join(d, 'e.hoso')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      'verify',
      join(d, 'e.hoso'),
      '--trust',
      join(d, 'keys', 'hoso_thcs-esdb.vkey'),
      '--trust',
      join(d, 'keys', 'hieu-truong.pub'),
      '--json',
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { ok: boolean; size: number };
    expect(report).toMatchObject({ ok: true, size: 1 + setup.length });
    expect(readFileSync(join(d, 'e.hoso'), 'utf8').split('\n')[0]).toContain('"origin":"hoso/thcs-esdb"');
  }, 90_000);

  it("keeps pupils' personal data in their own streams: shown to the school, absent from the ledger stream", async () => {
    const url = standIn.connectionString;
    const id = 'thcs-esdb-pd';
    const store = ['--store', url, '--ledger', id];
    const keys = join(d, 'keys-pd');
    const k = (n: string) => join(keys, `${n}.key`);
    for (const n of ['hieu-truong', 'gvcn-6a'])
      expect((await hoso(['keys', 'generate', '--name', n, '--out', keys])).code).toBe(0);
    const leader = ['--key', k('hieu-truong'), '--role', 'leader'];
    let r = await hoso(
      [...['init', ...store, '--name', 'Trường THCS P'], '--key', k('hieu-truong')].concat([
        '--leader-id',
        'hieu-truong',
        '--leader-name',
        'Nguyễn Văn P',
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const Y = '2024-2025';
    const setup = [
      { type: 'GrantRole', data: { person: 'hieu-truong', role: 'admin' } },
      { type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } },
      {
        type: 'DefineYear',
        data: {
          year: Y,
          terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
        },
      },
      { type: 'OpenClass', data: { year: Y, class: '10P', grade: 10 } },
    ];
    writeFileSync(join(d, 'setup-pd.jsonl'), setup.map((c) => JSON.stringify(c)).join('\n'));
    r = await hoso(['exec', ...store, ...leader, '--file', join(d, 'setup-pd.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      ...['exec', ...store, '--key', k('hieu-truong'), '--role', 'admin', '--command'],
      JSON.stringify({ type: 'RegisterStaff', data: { person: 'gvcn-6a', name: 'Lê Thị Chủ Nhiệm' } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const pub = readFileSync(join(keys, 'gvcn-6a.pub'), 'utf8').trim();
    const admin = ['--key', k('hieu-truong'), '--role', 'admin', '--cosigner', `${k('gvcn-6a')}:holder`];
    r = await hoso([
      ...['exec', ...store, ...admin, '--command'],
      JSON.stringify({ type: 'RegisterKey', data: { person: 'gvcn-6a', key: pub } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      ...['exec', ...store, ...leader, '--command'],
      JSON.stringify({ type: 'GrantRole', data: { person: 'gvcn-6a', role: 'homeroom', year: Y, class: '10P' } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const name = 'Đặng Thị Riêng Tư';
    const birthPlace = 'Xã Hòa Bình Esdb';
    const enrol = {
      type: 'EnrollStudent',
      data: {
        year: Y,
        class: '10P',
        student: 'hs-6a-01',
        date: '2024-09-05',
        bio: { name, birthDate: '2013-04-02', sex: 'F', birthPlace },
      },
    };
    r = await hoso(['exec', ...store, '--key', k('gvcn-6a'), '--role', 'homeroom', '--command', JSON.stringify(enrol)]);
    expect(r.code, r.stderr).toBe(0);

    // Another process reads the name back through the pupil's stream.
    r = await hoso(['show', ...store, '--class', '10P']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(name);
    // The signed ledger stream holds commitments only; the pupil's stream holds the values.
    const has = (recs: readonly { data: Uint8Array }[], v: string) =>
      recs.some((x) => Buffer.from(x.data).includes(Buffer.from(v, 'utf8')));
    const ledgerRecords = standIn.records(`hoso-ledger-${id}`);
    expect(ledgerRecords.filter((x) => x.type === 'StudentEnrolled')).toHaveLength(1);
    expect(has(ledgerRecords, name) || has(ledgerRecords, birthPlace)).toBe(false);
    expect(has(standIn.records(`hoso-pd-${id}/hs-6a-01`), name)).toBe(true);
  }, 120_000);
});
