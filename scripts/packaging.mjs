/**
 * Packing the workspaces and installing the tarballs into a project outside the repository, as a
 * stranger would: shared by `npm run release:check` (scripts/release-check.mjs) and the install
 * test (tests/project/install.test.ts).
 *
 * The install is offline: the project gets a lockfile naming, for every third-party package, the
 * version this repository's own lockfile tested (so npm needs no registry metadata and takes every
 * tarball from the cache `npm ci` filled), and for every `@hoso/*` package the packed tarball. Our
 * packages have never been in the cache, so an install that reached for the registry for one of
 * them fails (`ENOTCACHED`) instead of passing with something else.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * @typedef {object} Manifest the fields of a package.json this module reads
 * @property {string} name
 * @property {string} version
 * @property {boolean} [private]
 * @property {Record<string, string>} [dependencies]
 * @property {Record<string, string>} [devDependencies]
 * @property {Record<string, string>} [peerDependencies]
 * @property {Record<string, { optional?: boolean }>} [peerDependenciesMeta]
 * @property {Record<string, string>} [optionalDependencies]
 * @property {Record<string, boolean>} [allowScripts]
 * @property {Record<string, string> | string} [bin]
 * @property {Record<string, string>} [engines]
 * @property {string} [license]
 */

/**
 * @typedef {object} Workspace
 * @property {string} dir absolute folder of the package
 * @property {Manifest} manifest its package.json
 */

/**
 * A JSON file's value, as `unknown` until the caller says what it holds.
 * @param {string} file
 * @returns {unknown}
 */
export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** @returns {Manifest} */
function readManifest(/** @type {string} */ file) {
  return /** @type {Manifest} */ (readJson(file));
}

/** Every workspace package (packages/*), in folder order. */
export function workspaces() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'package.json')))
    .sort()
    .map((d) => ({ dir: join(dir, d), manifest: readManifest(join(dir, d, 'package.json')) }));
}

/**
 * @typedef {object} Packed what `npm pack --json` tells of one tarball
 * @property {string} name
 * @property {string} version
 * @property {string} filename the tarball's file name, in the destination folder
 * @property {string} integrity
 * @property {number} size
 * @property {number} unpackedSize
 * @property {{ path: string, size: number }[]} files
 */

/**
 * Pack every public workspace into `dest` (from the built dist/: run `tsc -b` first).
 * @param {string} dest
 * @returns {Packed[]}
 */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  const out = execFileSync('npm', ['pack', '--workspaces', '--json', '--pack-destination', dest], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {unknown} */
  const packed = JSON.parse(out);
  return /** @type {Packed[]} */ (packed);
}

/**
 * @typedef {object} LockEntry one `packages` entry of a lockfile (v3)
 * @property {string} [version]
 * @property {string} [resolved]
 * @property {string} [integrity]
 * @property {boolean} [link]
 * @property {boolean} [dev]
 * @property {boolean} [devOptional]
 * @property {boolean} [optional]
 * @property {boolean} [peer]
 * @property {boolean} [hasInstallScript]
 * @property {Record<string, string>} [dependencies]
 * @property {Record<string, string>} [optionalDependencies]
 * @property {Record<string, string>} [peerDependencies]
 * @property {Record<string, { optional?: boolean }>} [peerDependenciesMeta]
 * @property {Record<string, string> | string} [bin]
 */

/**
 * The lockfile path a package `name` required from the lockfile path `from` resolves to, by Node's
 * rule (the nearest node_modules up the path), or undefined.
 * @param {Record<string, LockEntry>} packages
 * @param {string} from
 * @param {string} name
 */
function resolveIn(packages, from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const i = base.lastIndexOf('node_modules/');
    base = base.slice(0, Math.max(0, i - 1));
  }
}

/**
 * A lockfile for a project outside the repository that depends on the packed tarballs (by their
 * path relative to `appDir`) and on third-party packages at the versions the repository's own
 * lockfile holds; only what the project's dependencies reach is listed.
 * @param {{ appDir: string, tarballDir: string, packed: Packed[], app: Manifest }} a
 */
export function freshLock({ appDir, tarballDir, packed, app }) {
  const repoLock = /** @type {{ packages: Record<string, LockEntry> }} */ (readJson(join(root, 'package-lock.json')));
  /** @type {Record<string, LockEntry>} */
  const pool = {};
  for (const [path, e] of Object.entries(repoLock.packages)) {
    if (!path.startsWith('node_modules/') || e.link || path.startsWith('node_modules/@hoso/')) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const base = name.split('/').pop() ?? name;
    // The flags say why the repository needed a package; the project's npm decides its own.
    const entry = { ...e };
    delete entry.dev;
    delete entry.devOptional;
    delete entry.peer;
    // The repository's lockfile omits registry URLs (omit-lockfile-registry-resolved); the cache
    // keys tarballs by them.
    entry.resolved ??= `https://registry.npmjs.org/${name}/-/${base}-${e.version}.tgz`;
    pool[path] = entry;
  }
  const byName = new Map(workspaces().map((w) => [w.manifest.name, w.manifest]));
  for (const p of packed) {
    const m = byName.get(p.name);
    if (!m) throw new Error(`packed ${p.name}, which is no workspace`);
    pool[`node_modules/${p.name}`] = {
      version: p.version,
      resolved: `file:${relative(appDir, join(tarballDir, p.filename))}`,
      integrity: p.integrity,
      ...(m.dependencies ? { dependencies: m.dependencies } : {}),
      ...(m.peerDependencies ? { peerDependencies: m.peerDependencies } : {}),
      ...(m.peerDependenciesMeta ? { peerDependenciesMeta: m.peerDependenciesMeta } : {}),
      // npm links a package's commands from its lockfile entry.
      ...(m.bin ? { bin: m.bin } : {}),
    };
  }

  /** @type {Record<string, LockEntry>} */
  const packages = {
    '': {
      ...(app.dependencies ? { dependencies: app.dependencies } : {}),
      ...(app.devDependencies ? { devDependencies: app.devDependencies } : {}),
    },
  };
  /** @type {string[]} */
  const todo = [];
  const want = (/** @type {string} */ from, /** @type {string} */ name, /** @type {boolean} */ optional) => {
    const at = resolveIn(pool, from, name);
    if (!at) {
      if (optional) return;
      throw new Error(`no version of ${name} (needed by ${from || 'the project'}) in the repository's lockfile`);
    }
    if (!packages[at]) {
      packages[at] = /** @type {LockEntry} */ (pool[at]);
      todo.push(at);
    }
  };
  for (const name of Object.keys({ ...app.dependencies, ...app.devDependencies })) {
    if (!name.startsWith('@hoso/')) want('', name, false);
  }
  for (const p of packed) want('', p.name, false);
  for (let at = todo.pop(); at !== undefined; at = todo.pop()) {
    const e = /** @type {LockEntry} */ (packages[at]);
    for (const name of Object.keys(e.dependencies ?? {})) want(at, name, false);
    for (const name of Object.keys(e.optionalDependencies ?? {})) want(at, name, true);
    for (const name of Object.keys(e.peerDependencies ?? {})) {
      want(at, name, e.peerDependenciesMeta?.[name]?.optional === true);
    }
  }
  return { name: app.name, lockfileVersion: 3, requires: true, packages };
}

/**
 * Native addons: after an install with `--ignore-scripts`, reuse the binary the repository's
 * `npm ci` built when the version is the same (better-sqlite3 builds SQLite from source, about a
 * minute on two cores), else build it (`npm rebuild`). Only packages the project's `allowScripts`
 * allows are built, as npm itself would.
 * @param {string} appDir
 * @param {Record<string, LockEntry>} packages the project's lockfile entries
 * @param {Record<string, boolean>} allowScripts
 * @returns {{ name: string, how: 'copied' | 'built' }[]}
 */
export function provideNativeAddons(appDir, packages, allowScripts) {
  /** @type {{ name: string, how: 'copied' | 'built' }[]} */
  const done = [];
  for (const [path, e] of Object.entries(packages)) {
    if (!e.hasInstallScript || !path.startsWith('node_modules/')) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (allowScripts[name] !== true) continue;
    const ours = join(root, path);
    const release = join(ours, 'build', 'Release');
    const built = existsSync(release) ? readdirSync(release).filter((f) => f.endsWith('.node')) : [];
    if (readManifest(join(ours, 'package.json')).version === e.version && built.length > 0) {
      const to = join(appDir, path, 'build', 'Release');
      mkdirSync(to, { recursive: true });
      for (const f of built) copyFileSync(join(release, f), join(to, f));
      done.push({ name, how: 'copied' });
    } else {
      execFileSync('npm', ['rebuild', name, '--offline'], { cwd: appDir, stdio: 'pipe' });
      done.push({ name, how: 'built' });
    }
  }
  return done;
}

/**
 * Write `app` (package.json and its lockfile) into `appDir` and install it offline from the
 * tarballs in `tarballDir`; returns the lockfile written and the native addons provided.
 * @param {{ appDir: string, tarballDir: string, packed: Packed[], app: Manifest }} a
 */
export function installFresh(a) {
  const lock = freshLock(a);
  writeFileSync(join(a.appDir, 'package.json'), JSON.stringify(a.app, null, 2) + '\n');
  writeFileSync(join(a.appDir, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
  execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: a.appDir,
    stdio: 'pipe',
  });
  const addons = provideNativeAddons(a.appDir, lock.packages, a.app.allowScripts ?? {});
  return { lock, addons };
}
