import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hoso } from './run.js';
import { pdSchool, type PdPupil, type PdSchool } from './pd-school.js';

/**
 * `hoso export --scope inspector|transcript|vendor` (docs/personal-data.md §6): each scope's files
 * hold the values asked for and nothing more (their raw bytes are searched for every pupil's name,
 * birth date and guardian), `hoso verify --disclosure` accepts each, and a refused request writes
 * no file.
 */
const PUPILS: readonly PdPupil[] = [
  {
    student: 'hs-1',
    bio: { name: 'Lê Thị Xuân Scopeone', birthDate: '2007-01-11', sex: 'F', guardian: 'Lê Văn Hạ Guardone' },
  },
  {
    student: 'hs-2',
    bio: { name: 'Phạm Văn Thu Scopetwo', birthDate: '2007-02-22', sex: 'M', guardian: 'Phạm Thị Đông Guardtwo' },
  },
  {
    student: 'hs-3',
    bio: { name: 'Ngô Minh Tết Scopethree', birthDate: '2007-03-30', sex: 'M', guardian: 'Ngô Văn Rằm Guardthree' },
  },
];
const valuesOf = (student: string): string[] => {
  const b = PUPILS.find((p) => p.student === student)!.bio;
  return [b.name, b.birthDate, b.guardian];
};
const ALL = PUPILS.flatMap((p) => valuesOf(p.student));

let d: string;
let school: PdSchool;
const trust = (): string[] => school.trust.flatMap((t) => ['--trust', t]);
const found = (file: string, values: readonly string[]): string[] => {
  const bytes = readFileSync(file);
  return values.filter((v) => bytes.includes(Buffer.from(v, 'utf8')));
};
const scoped = (scope: string, out: string, ...more: string[]): string[] => [
  'export',
  '--db',
  school.db,
  '--out',
  out,
  '--scope',
  scope,
  '--key',
  school.key('hieu-truong'),
  '--audience',
  'Phòng GD&ĐT — đoàn kiểm tra',
  '--purpose',
  'kiểm tra hồ sơ học sinh',
  '--json',
  ...more,
];

beforeAll(async () => {
  d = mkdtempSync(join(tmpdir(), 'hoso-cli-scope-'));
  school = await pdSchool(d, PUPILS);
  const r = await hoso(['checkpoint', '--db', school.db, '--key', school.key('hoso/thpt-a')]);
  expect(r.code, r.stderr).toBe(0);
}, 300_000);
afterAll(() => rmSync(d, { recursive: true, force: true }));

describe('hoso export --scope', () => {
  it('inspector: the bundle holds no value; the disclosure only the pupils and fields asked for', async () => {
    const out = join(d, 'insp.hoso');
    const r = await hoso(
      scoped('inspector', out, '--pupil', 'hs-1', '--pupil', 'hs-2', '--field', 'name', '--field', 'birthDate'),
    );
    expect(r.code, r.stderr).toBe(0);
    const file = `${out}.disclosure.json`;
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: out,
      disclosure: { file, scope: 'inspector', pupils: 2, openings: 4 },
    });
    expect(found(out, ALL)).toEqual([]);
    expect(found(file, ALL).sort()).toEqual(
      ['Lê Thị Xuân Scopeone', '2007-01-11', 'Phạm Văn Thu Scopetwo', '2007-02-22'].sort(),
    );
    const v = await hoso(['verify', out, '--disclosure', file, ...trust(), '--json']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const pd = (
      JSON.parse(v.stdout) as {
        personalData: {
          disclosure: { accepted: boolean };
          fields: Array<{ field: string; opened: number; failed: number }>;
        };
      }
    ).personalData;
    expect(pd.disclosure.accepted).toBe(true);
    expect(pd.fields.find((f) => f.field === 'name')).toMatchObject({ opened: 2, failed: 0 });
    expect(pd.fields.find((f) => f.field === 'guardian')).toMatchObject({ opened: 0 });
  }, 120_000);

  it('transcript: one file holding only that pupil, verified on its own', async () => {
    const out = join(d, 'hs-2.transcript.json');
    const r = await hoso(scoped('transcript', out, '--pupil', 'hs-2'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: out, scope: 'transcript', pupils: 1 });
    expect(existsSync(`${out}.disclosure.json`)).toBe(false);
    expect(found(out, ALL).sort()).toEqual(valuesOf('hs-2').sort());
    const v = await hoso(['verify', '--disclosure', out, ...trust(), '--json']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ personalData: { partial: true, disclosure: { accepted: true } } });
  }, 120_000);

  it('vendor: neither file holds a personal value', async () => {
    const out = join(d, 'vendor.hoso');
    const file = join(d, 'vendor.disclosure.json');
    const r = await hoso(scoped('vendor', out, '--disclosure', file));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ disclosure: { file, scope: 'vendor', openings: 0 } });
    expect(found(out, ALL)).toEqual([]);
    expect(found(file, ALL)).toEqual([]);
    const v = await hoso(['verify', out, '--disclosure', file, ...trust(), '--json']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ personalData: { disclosure: { scope: 'vendor', accepted: true } } });
  }, 120_000);

  it('a refused request writes no file', async () => {
    const cases: Array<[string[], string]> = [
      [scoped('inspector', join(d, 'r1.hoso'), '--pupil', 'hs-9'), 'unknown-student'],
      [scoped('transcript', join(d, 'r2.hoso')), 'missing-option'],
      [scoped('vendor', join(d, 'r3.hoso'), '--field', 'name'), 'conflicting-options'],
      [scoped('inspector', join(d, 'r4.hoso'), '--field', 'shoeSize'), 'invalid-argument'],
      [scoped('everyone', join(d, 'r5.hoso')), 'invalid-option'],
      [
        [
          'export',
          '--db',
          school.db,
          '--out',
          join(d, 'r6.hoso'),
          '--scope',
          'inspector',
          '--key',
          school.key('hieu-truong'),
          '--audience',
          'x',
          '--json',
        ],
        'missing-option',
      ],
    ];
    for (const [args, code] of cases) {
      const r = await hoso(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`[${code}]`);
    }
    for (const n of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) {
      expect(existsSync(join(d, `${n}.hoso`))).toBe(false);
      expect(existsSync(join(d, `${n}.hoso.disclosure.json`))).toBe(false);
    }
  }, 120_000);
});
