import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hoso } from './run.js';
import { pdSchool, YEAR } from './pd-school.js';

/**
 * The access log through `hoso` (docs/personal-data.md, "Access log"): once the leader adopts it,
 * `show` and `log` refuse to open personal data without `--purpose` and a reader (writing nothing),
 * log one read each with them, `access-log` lists the reads by pupil and day without a value, and
 * the bundle with the log verifies.
 */
const d = mkdtempSync(join(tmpdir(), 'hoso-cli-access-'));
afterAll(() => rmSync(d, { recursive: true, force: true }));
const NAME = 'Đinh Thị Thu Accesscli';

describe('hoso and the access log', () => {
  it('refuses a read without a purpose, logs each read with one, and lists them', async () => {
    const school = await pdSchool(d, [
      { student: 'hs-1', bio: { name: NAME, birthDate: '2007-06-07', sex: 'F', guardian: 'Đinh Văn Hải Accesscli' } },
      {
        student: 'hs-2',
        bio: { name: 'Mai Văn Tư Accesscli', birthDate: '2007-08-09', sex: 'M', guardian: 'Mai Thị Năm' },
      },
    ]);
    const { db } = school;
    let r = await hoso(['show', '--db', db, '--student', 'hs-1', '--year', YEAR]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(NAME);
    r = await hoso(['access-log', '--db', db, '--json']);
    expect(JSON.parse(r.stdout)).toEqual([]);

    r = await hoso([
      'exec',
      '--db',
      db,
      '--key',
      school.key('hieu-truong'),
      '--role',
      'leader',
      '--command',
      JSON.stringify({ type: 'AdoptAccessLog', data: {} }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const before = readFileSync(db);
    r = await hoso(['show', '--db', db, '--student', 'hs-1', '--year', YEAR]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[purpose-required]');
    expect(r.stdout).not.toContain(NAME);
    r = await hoso(['show', '--db', db, '--register', '--year', YEAR, '--purpose', 'kiểm tra sổ đăng bộ']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--key');
    expect(readFileSync(db).equals(before)).toBe(true);

    const reader = ['--key', school.key('gvcn-12a1'), '--role', 'homeroom'];
    r = await hoso(['show', '--db', db, '--student', 'hs-1', '--year', YEAR, '--purpose', 'in học bạ', ...reader]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(NAME);
    r = await hoso([
      'log',
      '--db',
      db,
      '--class',
      '12A1',
      '--purpose',
      'xem nhật ký lớp',
      '--basis',
      'QC Điều 8',
      ...reader,
    ]);
    expect(r.code, r.stderr).toBe(0);

    r = await hoso(['access-log', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as Array<{
      person: string;
      role: string;
      via: string;
      purpose: string;
      reads: Array<{ student: string }>;
    }>;
    expect(all.map((l) => [l.person, l.role, l.via, l.purpose, l.reads.map((x) => x.student)])).toEqual([
      ['gvcn-12a1', 'homeroom', 'show', 'in học bạ', ['hs-1']],
      ['gvcn-12a1', 'homeroom', 'log', 'xem nhật ký lớp', ['hs-1', 'hs-2']],
    ]);
    expect(r.stdout).not.toContain(NAME);
    r = await hoso(['access-log', '--db', db, '--pupil', 'hs-2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nhật ký truy cập dữ liệu cá nhân');
    expect(r.stdout).toContain('1 lần đọc / reads');
    r = await hoso(['access-log', '--db', db, '--to', '2000-01-01', '--json']);
    expect(JSON.parse(r.stdout)).toEqual([]);
    r = await hoso(['access-log', '--db', db, '--from', 'yesterday']);
    expect(r.code).toBe(2);

    r = await hoso(['checkpoint', '--db', db, '--key', school.key('hoso/thpt-a')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['export', '--db', db, '--out', join(d, 'b.hoso')]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['verify', join(d, 'b.hoso'), ...school.trust.flatMap((t) => ['--trust', t]), '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ personalData: { accessLog: { events: 2, reads: 3 } } });
  }, 300_000);
});
