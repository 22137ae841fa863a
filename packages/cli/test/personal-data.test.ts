import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hoso } from './run.js';

/**
 * The personal-data format through the `hoso` command: `exec` commits the biography, `show` and
 * `log` read it through the personal-data store, `retention` finds the pupil due under a policy
 * and erases them in one signed decision, after which the file holds none of the values.
 */
const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

const NAME = 'Hoàng Thị Mỹ Duyên Clitest';
const GUARDIAN = 'Hoàng Văn Cường Clitest';

function filesWith(dir: string, value: string): string[] {
  const needles = [Buffer.from(value, 'utf8'), Buffer.from(value, 'utf16le'), Buffer.from(value, 'utf16le').swap16()];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (needles.some((n) => readFileSync(p).includes(n))) out.push(f);
    }
  };
  walk(dir);
  return out;
}

describe('hoso and personal data', () => {
  it('commits, shows, finds due, erases in one decision, and leaves no value in the files', async () => {
    const d = mkdtempSync(join(tmpdir(), 'hoso-cli-pd-'));
    scratch.push(d);
    const k = (n: string) => join(d, 'keys', `${n}.key`);
    for (const n of ['hieu-truong', 'gvcn-12a1', 'hoso/thpt-a'])
      expect((await hoso(['keys', 'generate', '--name', n, '--out', join(d, 'keys')])).code).toBe(0);
    const db = join(d, 'a.db');
    let r = await hoso([
      'init',
      '--db',
      db,
      '--ledger',
      'thpt-a',
      '--name',
      'THPT A',
      '--key',
      k('hieu-truong'),
      '--leader-id',
      'hieu-truong',
      '--leader-name',
      'Nguyễn Văn A',
    ]);
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
      { type: 'OpenClass', data: { year: Y, class: '12A1', grade: 12 } },
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
    const pub = readFileSync(join(d, 'keys', 'gvcn-12a1.pub'), 'utf8').trim();
    for (const [cmd, cos] of [
      [{ type: 'RegisterStaff', data: { person: 'gvcn-12a1', name: 'GV Chủ nhiệm' } }, []],
      [{ type: 'RegisterKey', data: { person: 'gvcn-12a1', key: pub } }, ['--cosigner', `${k('gvcn-12a1')}:holder`]],
    ] as const) {
      r = await hoso([
        'exec',
        '--db',
        db,
        '--key',
        k('hieu-truong'),
        '--role',
        'admin',
        ...cos,
        '--command',
        JSON.stringify(cmd),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('hieu-truong'),
      '--role',
      'leader',
      '--command',
      JSON.stringify({ type: 'GrantRole', data: { person: 'gvcn-12a1', role: 'homeroom', year: Y, class: '12A1' } }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const enrol = (student: string, name: string) => ({
      type: 'EnrollStudent',
      data: {
        year: Y,
        class: '12A1',
        student,
        date: '2024-09-05',
        bio: { name, birthDate: '2007-04-05', sex: 'F', guardian: GUARDIAN },
      },
    });
    writeFileSync(
      join(d, 'pupils.jsonl'),
      [enrol('hs-1', NAME), enrol('hs-2', 'Trịnh Văn Ở Lại')].map((c) => JSON.stringify(c)).join('\n'),
    );
    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      k('gvcn-12a1'),
      '--role',
      'homeroom',
      '--file',
      join(d, 'pupils.jsonl'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    rmSync(join(d, 'pupils.jsonl')); // the clerk's input, not the ledger's

    r = await hoso(['show', '--db', db, '--register', '--year', Y]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(NAME);

    // hs-1 left at the end of grade 12 (2025-05-25); a 5-year policy makes it due on 2030-05-25.
    const policy = join(d, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({
        format: 'hoso/retention@v1',
        rules: [{ kind: 'so-dang-bo', name: 'Sổ đăng bộ', years: 5, source: 'the school’s decision' }],
      }),
    );
    r = await hoso(['retention', '--db', db, '--policy', policy, '--today', '2030-05-24', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      due: 0,
      lines: [{ student: 'hs-1', status: 'kept', due: '2030-05-25' }, { student: 'hs-2' }],
    });
    r = await hoso(['retention', '--db', db, '--today', '2040-01-01', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ due: 0 });
    writeFileSync(
      join(d, 'bad.json'),
      JSON.stringify({ format: 'hoso/retention@v1', rules: [{ kind: 'x', name: 'x', years: -1, source: '' }] }),
    );
    r = await hoso(['retention', '--db', db, '--policy', join(d, 'bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules.0.years');

    expect(filesWith(d, NAME).length).toBeGreaterThan(0);
    r = await hoso([
      'retention',
      '--db',
      db,
      '--policy',
      policy,
      '--today',
      '2030-05-25',
      '--erase',
      '--key',
      k('hieu-truong'),
      '--decision',
      '7/QĐ-THPT@2030-05-25',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // Both pupils of 12A1 left with the class: one decision erases both.
    expect(JSON.parse(r.stdout)).toMatchObject({ due: 2, erased: 2 });

    r = await hoso(['show', '--db', db, '--register', '--year', Y]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[đã xóa]');
    expect(r.stdout).not.toContain(NAME);
    r = await hoso(['log', '--db', db, '--student', 'hs-1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('[đã xóa]');
    r = await hoso(['checkpoint', '--db', db, '--key', join(d, 'keys', 'hoso_thpt-a.key')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['export', '--db', db, '--out', join(d, 'after.hoso')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      'verify',
      join(d, 'after.hoso'),
      '--trust',
      join(d, 'keys', 'hieu-truong.pub'),
      '--trust',
      join(d, 'keys', 'hoso_thpt-a.vkey'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesWith(d, NAME)).toEqual([]);
    expect(filesWith(d, GUARDIAN)).toEqual([]);
  }, 300_000);
});
