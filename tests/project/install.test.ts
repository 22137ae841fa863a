import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFresh, packAll, root, workspaces, type Manifest, type Packed } from '../../scripts/packaging.mjs';

// hoso as a stranger installs it: every workspace packed, the tarballs installed into a project in
// a temporary folder (no workspace links, nothing from the registry for our packages), a program
// typechecked against the installed .d.ts files with `strict` and `skipLibCheck: false`, and run.

const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const core = workspaces().find((w) => w.manifest.name === '@hoso/core')!.manifest;

let work = '';
let app = '';
let packed: Packed[] = [];
let addons: { name: string; how: string }[] = [];

/** Every entry point of every package (`exports` keys but ./package.json), as import specifiers. */
function entryPoints(): string[] {
  return workspaces().flatMap(({ manifest }) => {
    const exports = (manifest as Manifest & { exports?: Record<string, unknown> }).exports ?? { '.': {} };
    return Object.keys(exports)
      .filter((k) => k !== './package.json')
      .map((k) => (k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`));
  });
}

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: app, encoding: 'utf8' });

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'pipe' });
  work = mkdtempSync(join(tmpdir(), 'hoso-install-'));
  const tarballs = join(work, 'tarballs');
  app = join(work, 'app');
  mkdirSync(app);
  packed = packAll(tarballs);
  const manifest: Manifest = {
    name: 'school-software',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries(packed.map((p) => [p.name, `file:../tarballs/${p.filename}`])),
      'fp-ts': core.dependencies!['fp-ts']!,
    },
    devDependencies: {
      typescript: rootManifest.devDependencies!.typescript!,
      '@types/node': rootManifest.devDependencies!['@types/node']!,
    },
    // What docs/embedding.md tells a project to allow (npm ≥ 11.16 asks, npm 12 requires it).
    allowScripts: { 'better-sqlite3': true, protobufjs: false },
  } as Manifest & { type: string };
  addons = installFresh({ appDir: app, tarballDir: tarballs, packed, app: manifest }).addons;

  mkdirSync(join(app, 'src'));
  copyFileSync(join(root, 'tests/project/install-app/main.ts'), join(app, 'src/main.ts'));
  // Every entry point's declarations in one program, so that each .d.ts is checked.
  writeFileSync(
    join(app, 'src/types.ts'),
    entryPoints()
      .map((e, i) => `export type * as entry${i} from '${e}';\n`)
      .join(''),
  );
  const compilerOptions = {
    target: 'ES2022',
    lib: ['ES2022'],
    types: ['node'],
    strict: true,
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    outDir: 'dist',
    rootDir: 'src',
  };
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...compilerOptions, module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  writeFileSync(
    join(app, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, module: 'ESNext', moduleResolution: 'bundler', noEmit: true },
    }),
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('installed from the packed tarballs, outside the repository', () => {
  it('installs every package from its tarball, not from a registry or a workspace link', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      workspaces()
        .map((w) => w.manifest.name)
        .sort(),
    );
    const lock = JSON.parse(readFileSync(join(app, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; link?: boolean }>;
    };
    const ours = Object.entries(lock.packages).filter(([path]) => /(^|\/)node_modules\/@hoso\//.test(path));
    expect(ours.map(([path]) => path).sort()).toEqual(packed.map((p) => `node_modules/${p.name}`).sort());
    for (const [path, e] of ours) {
      expect(e.resolved, path).toMatch(/^file:\.\.\/tarballs\/hoso-[a-z-]+-\d+\.\d+\.\d+\.tgz$/);
      expect(e.link, path).toBeUndefined();
      expect(lstatSync(join(app, path)).isSymbolicLink(), path).toBe(false);
    }
    const installed = readdirSync(join(app, 'node_modules/@hoso')).sort();
    expect(installed).toEqual(packed.map((p) => p.name.slice('@hoso/'.length)).sort());
    expect(addons.find((a) => a.name === 'better-sqlite3')?.how).toMatch(/^(copied|built)$/);
  });

  it('every dependency of the installed tree is satisfied (npm ls)', () => {
    const r = run('npm', ['ls', '--all', '--offline']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('typechecks a program against every entry point with strict and skipLibCheck: false (NodeNext)', () => {
    const r = run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('typechecks the same program under moduleResolution: bundler', () => {
    const r = run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.bundler.json']);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs it: founds a school, enters a mark, exports and verifies the ledger', () => {
    const r = run(process.execPath, ['dist/main.js']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; size: number; mark: string; findings: string[] };
    expect(out).toEqual({ ok: true, size: 14, mark: 'ScoreEntered', findings: [] });
  });

  it('the installed hoso command runs', () => {
    const r = run(join(app, 'node_modules/.bin/hoso'), ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verify/);
  });
});
