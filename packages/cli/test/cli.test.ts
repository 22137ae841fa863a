import { describe, it, expect, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '@hoso/store-sqlite';
import { hoso } from './run.js';

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

const COMMANDS = [
  [],
  ['demo'],
  ['init'],
  ['import'],
  ['import', 'students'],
  ['import', 'marks'],
  ['export-xlsx'],
  ['exec'],
  ['export'],
  ['verify'],
  ['print'],
  ['checkpoint'],
  ['witness'],
  ['prove'],
  ['consistency'],
  ['keys'],
  ['keys', 'generate'],
  ['keys', 'show'],
  ['show'],
  ['log'],
  ['retention'],
];

describe('hoso --help and bad arguments', () => {
  it('every command has --help, exit 0', async () => {
    const runs = await Promise.all(COMMANDS.map((c) => hoso([...c, '--help'])));
    runs.forEach((r, i) => {
      expect(r.code, COMMANDS[i]!.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: hoso');
    });
    expect(runs[0]!.stdout).toContain('Exit codes');
    // Dozens of Node processes at once: on a loaded 2-core machine this alone can pass a minute.
  }, 300_000);

  it('bad arguments exit 2 with a message naming the argument', async () => {
    const cases: Array<[string[], string]> = [
      [['demo', '--students', 'abc'], '--students'],
      [['demo', '--students', '0'], '--students'],
      [['verify', '/nonexistent/ledger.hoso'], '<bundle>'],
      [['verify', '/nonexistent/ledger.hoso', '--trust', 'not-a-key'], '--trust'],
      [['show', '--db', '/nonexistent/ledger.db', '--class', '10A1'], '--db'],
      [['show', '--class', '10A1'], '--db'],
      [['export', '--db', '/nonexistent/x.db'], "'--out"],
      [['keys', 'show', 'garbage+key'], '<key>'],
      [['prove', '--db', '/nonexistent/x.db', '--index', '-3'], '--index'],
      [['no-such-command'], 'unknown command'],
      [['verify', '--bogus'], "unknown option '--bogus'"],
      [['show', '--store', 'esdb://127.0.0.1:1?tls=false', '--ledger', 'x', '--register'], '[storage-failure]'],
      [['show', '--store', 'http://localhost:2113', '--ledger', 'x', '--register'], '--store'],
    ];
    const runs = await Promise.all(cases.map(([args]) => hoso(args)));
    runs.forEach((r, i) => {
      const [args, named] = cases[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(named);
    });
  }, 300_000);
});

describe('init, exec, import, checkpoint, witness, export, print', () => {
  it('builds a ledger from the command line; a CSV with a bad row writes nothing and names line and column', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hoso-cli-'));
    scratch.push(d);
    const k = (n: string) => join(d, 'keys', `${n}.key`);
    for (const n of ['hieu-truong', 'gvcn-10a1', 'gv-toan', 'hoso/thpt-a'])
      expect((await hoso(['keys', 'generate', '--name', n, '--out', join(d, 'keys')])).code).toBe(0);
    expect(
      (await hoso(['keys', 'generate', '--name', 'pgd.example', '--witness', '--out', join(d, 'keys')])).code,
    ).toBe(0);
    const db = join(d, 'a.db');
    let r = await hoso([
      'init',
      '--db',
      db,
      '--ledger',
      'thpt-a',
      '--name',
      'Trường THPT A',
      '--key',
      k('hieu-truong'),
      '--leader-id',
      'hieu-truong',
      '--leader-name',
      'Nguyễn Văn A',
    ]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      'init',
      '--db',
      db,
      '--ledger',
      'thpt-a',
      '--name',
      'Again',
      '--key',
      k('hieu-truong'),
      '--leader-id',
      'hieu-truong',
      '--leader-name',
      'X',
    ]);
    expect(r.code).toBe(1);
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
      {
        type: 'OfferSubject',
        data: { year: Y, grade: 10, subject: 'toan', periodsPerYear: 105, assessment: 'scored' },
      },
      { type: 'OpenClass', data: { year: Y, class: '10A1', grade: 10 } },
    ];
    writeFileSync(join(d, 'setup.jsonl'), setup.map((c) => JSON.stringify(c)).join('\n'));
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('hieu-truong'),
      '--role',
      'leader',
      '--file',
      join(d, 'setup.jsonl'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const p of ['gvcn-10a1', 'gv-toan']) {
      r = await hoso([
        'exec',
        '--db',
        db,
        '--key',
        k('hieu-truong'),
        '--role',
        'admin',
        '--command',
        JSON.stringify({ type: 'RegisterStaff', data: { person: p, name: `GV ${p}` } }),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const pub = readFileSync(join(d, 'keys', `${p}.pub`), 'utf8').trim();
      r = await hoso([
        'exec',
        '--db',
        db,
        '--key',
        k('hieu-truong'),
        '--role',
        'admin',
        '--cosigner',
        `${k(p)}:holder`,
        '--command',
        JSON.stringify({ type: 'RegisterKey', data: { person: p, key: pub } }),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const roles = [
      { type: 'GrantRole', data: { person: 'gvcn-10a1', role: 'homeroom', year: Y, class: '10A1' } },
      { type: 'GrantRole', data: { person: 'gv-toan', role: 'subject', year: Y, class: '10A1', subject: 'toan' } },
      { type: 'OpenWindow', data: { window: 'hk1', year: Y, period: 'HK1', scope: {} } },
    ];
    writeFileSync(join(d, 'roles.jsonl'), roles.map((c) => JSON.stringify(c)).join('\n'));
    expect(
      (
        await hoso([
          'exec',
          '--db',
          db,
          '--key',
          k('hieu-truong'),
          '--role',
          'leader',
          '--file',
          join(d, 'roles.jsonl'),
        ])
      ).code,
    ).toBe(0);
    // A refused command: the subject teacher cannot open windows (exit 1, nothing written).
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('gv-toan'),
      '--role',
      'subject',
      '--command',
      JSON.stringify({ type: 'OpenWindow', data: { window: 'x', year: Y, period: 'HK2', scope: {} } }),
    ]);
    expect(r.code).toBe(1);
    // With --json the error has the library's shape: `path` to the field at fault, `where` as stderr says it.
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('hieu-truong'),
      '--role',
      'admin',
      '--json',
      '--command',
      JSON.stringify({ type: 'RegisterStaff', data: { person: 'gv-moi', name: 42 } }),
    ]);
    expect(r.code).toBe(1);
    const refusal = (JSON.parse(r.stdout) as { error: { code: string; path: unknown; where?: string } }).error;
    expect(refusal.path).toEqual(['--command', 'data', 'name']);
    expect(refusal.where).toBe('--command');
    // In a file, blank and comment lines are skipped: the problem names the file's line, not the command's number.
    const bad = join(d, 'bad.jsonl');
    writeFileSync(
      bad,
      [
        '# two new teachers',
        '',
        JSON.stringify({ type: 'RegisterStaff', data: { person: 'gv-a', name: 'GV A' } }),
        JSON.stringify({ type: 'RegisterStaff', data: { person: 'gv-b', name: 42 } }),
      ].join('\n'),
    );
    r = await hoso(['exec', '--db', db, '--key', k('hieu-truong'), '--role', 'admin', '--json', '--file', bad]);
    expect(r.code).toBe(1);
    const inFile = (
      JSON.parse(r.stdout) as {
        error: { path: unknown; where?: string; details: { written: number; problems: Array<{ line: number }> } };
      }
    ).error;
    expect(inFile.path).toEqual([`${bad}:4`, 'data', 'name']);
    expect(inFile.where).toBe(bad);
    expect(inFile.details.written).toBe(0);
    expect(inFile.details.problems.map((p) => p.line)).toEqual([4]);

    writeFileSync(
      join(d, 'students.csv'),
      'student,name,birth_date,sex\nhs-001,Nguyễn Thị Lan,15/03/2009,Nữ\nhs-002,Trần Văn Nam,2009-07-01,M\n',
    );
    r = await hoso([
      'import',
      'students',
      join(d, 'students.csv'),
      '--db',
      db,
      '--key',
      k('gvcn-10a1'),
      '--year',
      Y,
      '--class',
      '10A1',
      '--date',
      '2024-09-05',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const sizeOf = async (): Promise<number> => {
      const s = openSqliteStore({ path: db, readonly: true });
      try {
        return await s.size('thpt-a');
      } finally {
        await s.close();
      }
    };
    const before = await sizeOf();
    const bytesBefore = readFileSync(db);
    writeFileSync(
      join(d, 'marks.csv'),
      'student,subject,term,column,index,value\nhs-001,toan,HK1,tx,1,"8,5"\nhs-002,toan,HK1,tx,1,11\nhs-001,toan,HK1,tx,2,9\n',
    );
    r = await hoso([
      'import',
      'marks',
      join(d, 'marks.csv'),
      '--db',
      db,
      '--key',
      k('gv-toan'),
      '--year',
      Y,
      '--class',
      '10A1',
      '--json',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('marks.csv:3 cột "value"');
    const err = JSON.parse(r.stdout) as {
      ok: boolean;
      error: { details: { written: number; problems: Array<{ line: number; column: string }> } };
    };
    expect(err.error.details.written).toBe(0);
    expect(err.error.details.problems.map((p) => [p.line, p.column])).toEqual([[3, 'value']]);
    expect(await sizeOf()).toBe(before);
    expect(readFileSync(db).equals(bytesBefore)).toBe(true);
    // A row the rules refuse (a student not on the list) also writes nothing; exit 1.
    writeFileSync(
      join(d, 'marks2.csv'),
      'student,subject,term,column,index,value\nhs-001,toan,HK1,tx,1,8\nhs-009,toan,HK1,tx,1,7\n',
    );
    r = await hoso([
      'import',
      'marks',
      join(d, 'marks2.csv'),
      '--db',
      db,
      '--key',
      k('gv-toan'),
      '--year',
      Y,
      '--class',
      '10A1',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('marks2.csv:3 cột "student"');
    expect(await sizeOf()).toBe(before);
    // The good file goes in whole.
    writeFileSync(
      join(d, 'marks.csv'),
      'student,subject,term,column,index,value\nhs-001,toan,HK1,tx,1,"8,5"\nhs-002,toan,HK1,tx,1,7\n',
    );
    r = await hoso([
      'import',
      'marks',
      join(d, 'marks.csv'),
      '--db',
      db,
      '--key',
      k('gv-toan'),
      '--year',
      Y,
      '--class',
      '10A1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(await sizeOf()).toBe(before + 2);

    // Checkpoint, witness, export, verify, print.
    r = await hoso(['export', '--db', db, '--out', join(d, 'a.hoso')]);
    expect(r.code).toBe(2); // no checkpoint yet
    expect(
      (await hoso(['checkpoint', '--db', db, '--key', k('hoso/thpt-a').replace('hoso/thpt-a', 'hoso_thpt-a')])).code,
    ).toBe(0);
    r = await hoso(['witness', '--db', db, '--key', k('pgd.example'), '--trust', join(d, 'keys', 'gv-toan.vkey')]);
    expect(r.code).toBe(1); // not signed by that key: the witness refuses
    r = await hoso(['witness', '--db', db, '--key', k('pgd.example'), '--trust', join(d, 'keys', 'hoso_thpt-a.vkey')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['export', '--db', db, '--out', join(d, 'a.hoso')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      'verify',
      join(d, 'a.hoso'),
      '--trust',
      join(d, 'keys', 'hoso_thpt-a.vkey'),
      '--trust',
      join(d, 'keys', 'pgd.example.vkey'),
      '--trust',
      join(d, 'keys', 'hieu-truong.pub'),
      '--report',
      join(d, 'r.html'),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(d, 'r.html'), 'utf8')).toContain('VERIFIED');
    // The id runs' temporary folder: a missing one is a usage error naming the option.
    const trustArgs = [
      '--trust',
      join(d, 'keys', 'hoso_thpt-a.vkey'),
      '--trust',
      join(d, 'keys', 'pgd.example.vkey'),
      '--trust',
      join(d, 'keys', 'hieu-truong.pub'),
    ];
    r = await hoso(['verify', join(d, 'a.hoso'), ...trustArgs, '--temp-dir', join(d, 'no-such-dir')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--temp-dir');
    mkdirSync(join(d, 'tmp-ids'));
    r = await hoso(['verify', join(d, 'a.hoso'), ...trustArgs, '--temp-dir', join(d, 'tmp-ids')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readdirSync(join(d, 'tmp-ids'))).toEqual([]);
    r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(d, 'print'),
      '--class',
      '10A1',
      '--student',
      'hs-001',
      '--format',
      'html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(d, 'print', 'hoc-ba-hs-001.html'), 'utf8')).toContain('Nguyễn Thị Lan');
    // About thirty `hoso` processes in a row: generous, so a loaded CI machine does not fail it.
  }, 300_000);

  it('shows a primary class summary (TT27); a malformed --command is exit 2', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hoso-primary-'));
    scratch.push(d);
    const k = (n: string) => join(d, 'k', `${n}.key`);
    for (const n of ['ht', 'gvcn'])
      expect((await hoso(['keys', 'generate', '--name', n, '--out', join(d, 'k')])).code).toBe(0);
    const db = join(d, 'p.db');
    const Y = '2024-2025';
    expect(
      (
        await hoso([
          'init',
          '--db',
          db,
          '--ledger',
          'th-a',
          '--name',
          'Trường TH A',
          '--key',
          k('ht'),
          '--leader-id',
          'ht',
          '--leader-name',
          'Hiệu trưởng',
          '--level',
          'primary',
        ])
      ).code,
    ).toBe(0);
    const jsonl = (f: string, cmds: unknown[]): string => {
      writeFileSync(join(d, f), cmds.map((c) => JSON.stringify(c)).join('\n'));
      return join(d, f);
    };
    const leader = [
      { type: 'GrantRole', data: { person: 'ht', role: 'admin' } },
      {
        type: 'DefineYear',
        data: {
          year: Y,
          terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
        },
      },
      { type: 'DefineSubject', data: { subject: 'tieng-viet', name: 'Tiếng Việt' } },
      {
        type: 'OfferSubject',
        data: {
          year: Y,
          grade: 4,
          subject: 'tieng-viet',
          periodsPerYear: 245,
          assessment: 'level-tested',
          midTermTests: true,
        },
      },
      { type: 'OpenClass', data: { year: Y, class: '4A', grade: 4 } },
      { type: 'OpenWindow', data: { window: 'cn', year: Y, period: 'CN', scope: {} } },
    ];
    let r = await hoso(['exec', '--db', db, '--key', k('ht'), '--role', 'leader', '--file', jsonl('a.jsonl', leader)]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('ht'),
      '--role',
      'admin',
      '--command',
      JSON.stringify({ type: 'RegisterStaff', data: { person: 'gvcn', name: 'Cô Lan' } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const pub = readFileSync(join(d, 'k', 'gvcn.pub'), 'utf8').trim();
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('ht'),
      '--role',
      'admin',
      '--cosigner',
      `${k('gvcn')}:holder`,
      '--command',
      JSON.stringify({ type: 'RegisterKey', data: { person: 'gvcn', key: pub } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const grants = [
      { type: 'GrantRole', data: { person: 'gvcn', role: 'homeroom', year: Y, class: '4A' } },
      { type: 'GrantRole', data: { person: 'gvcn', role: 'subject', year: Y, class: '4A', subject: 'tieng-viet' } },
    ];
    expect(
      (await hoso(['exec', '--db', db, '--key', k('ht'), '--role', 'leader', '--file', jsonl('b.jsonl', grants)])).code,
    ).toBe(0);
    writeFileSync(join(d, 'st.csv'), 'student,name,birth_date,sex\nhs-1,Nguyễn An,2015-01-02,M\n');
    expect(
      (
        await hoso([
          'import',
          'students',
          join(d, 'st.csv'),
          '--db',
          db,
          '--key',
          k('gvcn'),
          '--year',
          Y,
          '--class',
          '4A',
          '--date',
          '2024-09-05',
        ])
      ).code,
    ).toBe(0);
    const marks = [
      {
        type: 'EnterSubjectLevel',
        data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-1', period: 'CN', value: 'T' },
      },
      {
        type: 'EnterTestScore',
        data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-1', period: 'CN', value: '9' },
      },
    ];
    r = await hoso(['exec', '--db', db, '--key', k('gvcn'), '--role', 'subject', '--file', jsonl('c.jsonl', marks)]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['show', '--db', db, '--class', '4A']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Nguyễn An\s+T \(9\)/);
    r = await hoso(['show', '--db', db, '--class', '4A', '--json']);
    expect((JSON.parse(r.stdout) as { pupils: unknown[] }).pupils).toHaveLength(1);
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('ht'),
      '--role',
      'admin',
      '--cosigner',
      `${k('gvcn')}:holder`,
      '--command',
      '{"type":"RegisterKey"',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--command');
  }, 60_000);
});
