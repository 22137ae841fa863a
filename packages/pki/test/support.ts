// Shared by the @hoso/pki tests: a temp folder, PEM files for OpenSSL, and running OpenSSL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { encodePem, type Certificate } from '@hoso/pki';

export function tempDir(prefix = 'hoso-pki-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writePem(dir: string, name: string, label: string, ...ders: Uint8Array[]): string {
  const p = join(dir, name);
  writeFileSync(p, ders.map((d) => encodePem(label, d)).join(''));
  return p;
}

export function writeCerts(dir: string, name: string, ...certs: Certificate[]): string {
  return writePem(dir, name, 'CERTIFICATE', ...certs.map((c) => c.der));
}

export function writeBytes(dir: string, name: string, b: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, b);
  return p;
}

export interface Run {
  readonly code: number;
  readonly out: string;
}

/** Run openssl; its exit code and what it printed (both streams). */
export function openssl(args: readonly string[], input?: Uint8Array): Run {
  const r = spawnSync('openssl', args, { encoding: 'utf8', input: input ? Buffer.from(input) : undefined });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export function must<A>(e: Either<{ message: string; code: string }, A>): A {
  if (isLeft(e)) throw new Error(`${e.left.code}: ${e.left.message}`);
  return e.right;
}

export function codes(problems: readonly { code: string }[]): string[] {
  return [...new Set(problems.map((p) => p.code))].sort();
}
