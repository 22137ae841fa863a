/**
 * A small school on a SQLite ledger that adopted the personal-data format, made through the `hoso`
 * command as a school would: the leader founds it, adopts the format, opens a class of 2024-2025,
 * registers a homeroom teacher and their key, and the teacher enrols `pupils`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { hoso } from './run.js';

export const YEAR = '2024-2025';
export const CLASS = '12A1';

export interface PdPupil {
  readonly student: string;
  readonly bio: { readonly name: string; readonly birthDate: string; readonly sex: string; readonly guardian: string };
}

export interface PdSchool {
  readonly dir: string;
  readonly db: string;
  /** The key file of `hieu-truong` (leader, admin), `gvcn-12a1` (homeroom of 12A1) or `hoso/thpt-a` (seal). */
  key(name: 'hieu-truong' | 'gvcn-12a1' | 'hoso/thpt-a'): string;
  /** The verifier key files `verify` trusts: the root key and the seal key. */
  readonly trust: readonly string[];
}

async function ok(args: string[]): Promise<void> {
  const r = await hoso(args);
  expect(r.code, r.stderr).toBe(0);
}

/** Found the school in `dir` (a fresh folder) and enrol `pupils` in 12A1. */
export async function pdSchool(dir: string, pupils: readonly PdPupil[]): Promise<PdSchool> {
  const keys = join(dir, 'keys');
  mkdirSync(keys, { recursive: true });
  const key = (n: string): string => join(keys, `${n.replace('/', '_')}.key`);
  for (const n of ['hieu-truong', 'gvcn-12a1', 'hoso/thpt-a'])
    await ok(['keys', 'generate', '--name', n, '--out', keys]);
  const db = join(dir, 'a.db');
  await ok([
    'init',
    '--db',
    db,
    '--ledger',
    'thpt-a',
    '--name',
    'THPT A',
    '--key',
    key('hieu-truong'),
    '--leader-id',
    'hieu-truong',
    '--leader-name',
    'Nguyễn Văn A',
  ]);
  const setup = [
    { type: 'GrantRole', data: { person: 'hieu-truong', role: 'admin' } },
    { type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } },
    {
      type: 'DefineYear',
      data: {
        year: YEAR,
        terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
      },
    },
    { type: 'OpenClass', data: { year: YEAR, class: CLASS, grade: 12 } },
  ];
  const file = join(dir, 'setup.jsonl');
  writeFileSync(file, setup.map((c) => JSON.stringify(c)).join('\n'));
  await ok(['exec', '--db', db, '--key', key('hieu-truong'), '--role', 'leader', '--file', file]);
  const pub = readFileSync(join(keys, 'gvcn-12a1.pub'), 'utf8').trim();
  for (const [cmd, cos] of [
    [{ type: 'RegisterStaff', data: { person: 'gvcn-12a1', name: 'GV Chủ nhiệm' } }, []],
    [{ type: 'RegisterKey', data: { person: 'gvcn-12a1', key: pub } }, ['--cosigner', `${key('gvcn-12a1')}:holder`]],
  ] as const)
    await ok([
      'exec',
      '--db',
      db,
      '--key',
      key('hieu-truong'),
      '--role',
      'admin',
      ...cos,
      '--command',
      JSON.stringify(cmd),
    ]);
  await ok([
    'exec',
    '--db',
    db,
    '--key',
    key('hieu-truong'),
    '--role',
    'leader',
    '--command',
    JSON.stringify({ type: 'GrantRole', data: { person: 'gvcn-12a1', role: 'homeroom', year: YEAR, class: CLASS } }),
  ]);
  const enrol = (p: PdPupil) => ({
    type: 'EnrollStudent',
    data: { year: YEAR, class: CLASS, student: p.student, date: '2024-09-05', bio: p.bio },
  });
  writeFileSync(file, pupils.map((p) => JSON.stringify(enrol(p))).join('\n'));
  await ok(['exec', '--db', db, '--key', key('gvcn-12a1'), '--role', 'homeroom', '--file', file]);
  rmSync(file); // the clerk's input, not the ledger's
  return { dir, db, key, trust: [join(keys, 'hieu-truong.pub'), join(keys, 'hoso_thpt-a.vkey')] };
}
