/**
 * `hoso keys generate` writes the secret so that nobody else can read it or steer where it goes:
 * created exclusively, without following links, with mode 0600 from its first byte.
 */
import { describe, it, expect, afterAll } from 'vitest';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '@hoso/cli';
import { writeSecretFile } from '../src/keys.js';
import { hoso } from './run.js';

const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hoso-keys-'));
  scratch.push(d);
  return d;
};

describe('keys generate: the secret key file', () => {
  it('is created with mode 0600 and holds the signer key', async () => {
    const d = dir();
    const r = await hoso(['keys', 'generate', '--name', 'gv-toan', '--out', d]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(d, 'gv-toan.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, 'gv-toan.key'), 'utf8')).toMatch(/^PRIVATE\+KEY\+gv-toan\+/);
    // No temporary file is left beside it.
    expect(existsSync(join(d, 'gv-toan.key.tmp'))).toBe(false);
  });

  it('refuses a planted symlink (even a dangling one) and writes nothing through it', async () => {
    const d = dir();
    const target = join(d, 'victim.txt');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(d, 'gv-a.key'));
    let r = await hoso(['keys', 'generate', '--name', 'gv-a', '--out', d]);
    expect(r.code).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    // A link to where an attacker waits for the file to appear.
    symlinkSync(join(d, 'not-yet-there'), join(d, 'gv-b.key'));
    r = await hoso(['keys', 'generate', '--name', 'gv-b', '--out', d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists/);
    expect(existsSync(join(d, 'not-yet-there'))).toBe(false);
    expect(existsSync(join(d, 'gv-b.vkey'))).toBe(false);
  });

  it('refuses a pre-existing file without --force; with --force replaces a link instead of writing through it', async () => {
    const d = dir();
    writeFileSync(join(d, 'gv-c.key'), 'planted by someone else', { mode: 0o644 });
    expect((await hoso(['keys', 'generate', '--name', 'gv-c', '--out', d])).code).toBe(2);
    expect(readFileSync(join(d, 'gv-c.key'), 'utf8')).toBe('planted by someone else');
    const target = join(d, 'victim.txt');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(d, 'gv-d.key'));
    const r = await hoso(['keys', 'generate', '--name', 'gv-d', '--out', d, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(lstatSync(join(d, 'gv-d.key')).isSymbolicLink()).toBe(false);
    expect(statSync(join(d, 'gv-d.key')).mode & 0o777).toBe(0o600);
  });

  it('writeSecretFile: an existing file or link is a usage error naming the option', () => {
    const d = dir();
    const p = join(d, 'x.key');
    writeSecretFile(p, 'secret\n', '--out', false);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(() => writeSecretFile(p, 'other\n', '--out', false)).toThrow(CliError);
    expect(readFileSync(p, 'utf8')).toBe('secret\n');
    symlinkSync(p, join(d, 'y.key'));
    expect(() => writeSecretFile(join(d, 'y.key'), 'other\n', '--out', false)).toThrow(/already exists/);
    expect(readlinkSync(join(d, 'y.key'))).toBe(p);
  });
});
