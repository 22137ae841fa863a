#!/usr/bin/env node
/**
 * `npm run release:check`: pack every workspace as `npm publish` would and inspect each tarball
 * before anything is published (docs/contributing.md#releasing):
 *
 * - the manifest: publint's rules (exports, types, files, engines, sideEffects, license), every
 *   `@hoso/*` package at the one version of the fixed group, and sibling dependencies pinned to it;
 * - the files: package.json, README.md and the repository's LICENSE; every entry point, type file
 *   and command present; no tests, build info or stale output (a dist file without its source);
 *   every source map's sources shipped (src/ is published for them);
 * - the dependencies: every module the compiled code or its .d.ts files import is declared
 *   (Node's types included, through `@types/node`), and every declared dependency is used.
 *
 * Exits 1 with each problem named, 0 with a table of the tarballs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packAll, readJson, root, workspaces } from './packaging.mjs';

/** Every file under `dir`, as paths relative to it. */
function walk(/** @type {string} */ dir, prefix = '') {
  /** @type {string[]} */
  const out = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** The package a bare module specifier names (`@scope/name` or `name`), or undefined for a relative one. */
function packageOf(/** @type {string} */ spec) {
  if (spec.startsWith('.') || spec.startsWith('/')) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const builtins = new Set(builtinModules);
const isBuiltin = (/** @type {string} */ spec) => spec.startsWith('node:') || builtins.has(spec.split('/')[0] ?? '');

/** Module specifiers in ES import/export statements, dynamic imports and `/// <reference types>`. */
function specifiers(/** @type {string} */ text) {
  /** @type {string[]} */
  const out = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm, // import … from 'x' (over several lines too)
    /^\s*import\s*['"]([^'"]+)['"]/gm, // import 'x'
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('x'), in code and in .d.ts types
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1] ?? '');
  for (const m of text.matchAll(/\/\/\/\s*<reference\s+types=["']([^"']+)["']/g)) out.push(m[1] ?? '');
  return out;
}

/** `@types/` name of a package (`@scope/name` → `@types/scope__name`). */
const typesName = (/** @type {string} */ name) =>
  name.startsWith('@') ? `@types/${name.slice(1).replace('/', '__')}` : `@types/${name}`;

/**
 * @typedef {import('./packaging.mjs').Manifest & {
 *   exports?: Record<string, unknown>, main?: string, types?: string
 * }} PackageManifest
 */

/**
 * Every problem of one packed package, as sentences naming the package and the file.
 * @param {object} a
 * @param {string} a.dir the unpacked tarball (its `package/` folder)
 * @param {string} a.sourceDir the workspace it was packed from (for stale output)
 * @param {string} a.version the version every package of the group has
 * @param {ReadonlySet<string>} a.group the names of the packages of the group
 * @returns {Promise<string[]>}
 */
export async function inspectPackage({ dir, sourceDir, version, group }) {
  const m = /** @type {PackageManifest} */ (readJson(join(dir, 'package.json')));
  /** @type {string[]} */
  const problems = [];
  const problem = (/** @type {string} */ what) => problems.push(`${m.name}: ${what}`);
  const files = new Set(walk(dir));

  // publint, on exactly what was packed.
  const lint = await publint({ pkgDir: dir, level: 'suggestion', strict: true, pack: false });
  for (const msg of lint.messages) problem(`publint ${msg.code}: ${formatMessage(msg, lint.pkg, { color: false })}`);

  // The version group.
  if (m.version !== version) problem(`version ${m.version}, not the group's ${version}`);
  for (const [dep, range] of Object.entries({ ...m.dependencies, ...m.peerDependencies })) {
    if (group.has(dep) && range !== version) problem(`depends on ${dep}@${range}, not the group's ${version}`);
  }

  // Files that must be there, and files that must not.
  for (const f of ['package.json', 'README.md', 'LICENSE']) if (!files.has(f)) problem(`${f} missing`);
  if (files.has('LICENSE') && !readFileSync(join(dir, 'LICENSE')).equals(readFileSync(join(root, 'LICENSE'))))
    problem('LICENSE differs from the repository LICENSE');
  /** @type {string[]} */
  const targets = [];
  const collect = (/** @type {unknown} */ v) => {
    if (typeof v === 'string') targets.push(v.replace(/^\.\//, ''));
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(m.exports);
  collect(m.main);
  collect(m.types);
  collect(m.bin);
  for (const t of targets) if (!files.has(t)) problem(`entry point ${t} is not in the tarball`);
  for (const f of files) {
    if (/(^|\/)(test|tests|__tests__|fixtures)\//.test(f) || /\.(test|spec)\.[cm]?[jt]s$/.test(f))
      problem(`test file ${f} is published`);
    if (/(^|\/|\.)tsbuildinfo$/.test(f)) problem(`build info ${f} is published`);
    const js = /^dist\/(.+)\.js$/.exec(f);
    if (js) {
      if (!existsSync(join(sourceDir, 'src', `${js[1]}.ts`)))
        problem(`${f} has no source (stale output: delete dist/ and build again)`);
      if (!files.has(`dist/${js[1]}.d.ts`)) problem(`${f} has no .d.ts`);
    }
    if (f.endsWith('.map')) {
      const map = /** @type {{ sources?: string[] }} */ (readJson(join(dir, f)));
      for (const s of map.sources ?? []) {
        const resolved = join(f, '..', s);
        if (!files.has(resolved)) problem(`${f} names a source ${resolved} that is not published`);
      }
    }
  }

  // Dependencies: what the code imports is declared; what is declared is used.
  const declared = new Set([...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
  /** @type {Set<string>} */
  const used = new Set();
  /** @type {Map<string, string[]>} files needing each undeclared package */
  const undeclared = new Map();
  const need = (/** @type {string} */ name, /** @type {string} */ file) => {
    used.add(name);
    const by = undeclared.get(name) ?? [];
    if (!declared.has(name) && !by.includes(file)) undeclared.set(name, [...by, file]);
  };
  for (const f of [...files].filter((f) => f.startsWith('dist/') && /\.(js|d\.ts)$/.test(f))) {
    const text = readFileSync(join(dir, f), 'utf8');
    const dts = f.endsWith('.d.ts');
    for (const spec of specifiers(text)) {
      if (isBuiltin(spec) || spec === 'node') {
        if (dts) need('@types/node', f);
        continue;
      }
      const name = packageOf(spec);
      if (!name || name === m.name) continue;
      need(name, f);
      // A package without its own types is typed by @types/<name>, which the user must get from us.
      if (dts && existsSync(join(root, 'node_modules', typesName(name)))) need(typesName(name), f);
    }
    // Node's globals in the declarations need @types/node too.
    if (dts && /\b(Buffer|NodeJS)\b/.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) need('@types/node', f);
    // Modules loaded by name at run time (createRequire, require.resolve) count as used.
    if (!dts) for (const d of declared) if (text.includes(`'${d}'`) || text.includes(`'${d}/`)) used.add(d);
  }
  for (const [name, by] of undeclared) {
    const more = by.length > 1 ? ` and ${by.length - 1} more` : '';
    problem(`${by[0] ?? ''}${more} needs ${name}, which is not a dependency`);
  }
  for (const d of declared) if (!used.has(d)) problem(`declares ${d} but never imports it`);
  return problems;
}

/** Build, pack every workspace, and inspect each tarball; resolves to the problems and the tarballs. */
export async function releaseCheck() {
  const all = workspaces();
  const versions = [...new Set(all.map((w) => w.manifest.version))];
  /** @type {string[]} */
  const problems = [];
  if (versions.length !== 1)
    problems.push(`the packages do not share one version (fixed group): ${versions.join(', ')}`);
  const group = new Set(all.map((w) => w.manifest.name));
  execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'hoso-release-'));
  try {
    const packed = packAll(join(work, 'tarballs'));
    for (const w of all)
      if (!packed.some((p) => p.name === w.manifest.name)) problems.push(`${w.manifest.name}: not packed`);
    for (const p of packed) {
      const ws = all.find((w) => w.manifest.name === p.name);
      if (!ws) {
        problems.push(`${p.name}: packed, but no workspace has this name`);
        continue;
      }
      const dir = join(work, 'unpacked', p.filename);
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['xzf', join(work, 'tarballs', p.filename), '-C', dir, '--strip-components=1']);
      problems.push(...(await inspectPackage({ dir, sourceDir: ws.dir, version: versions[0] ?? '', group })));
    }
    return { problems, packed };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { problems, packed } = await releaseCheck();
  if (problems.length > 0) {
    console.error(`release check: ${problems.length} problem(s)\n${problems.map((x) => `  - ${x}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      `release check: ${packed.length} packages at ${packed[0]?.version ?? '?'}, every tarball as it should be`,
    );
    for (const p of packed) {
      const counts = `${String(p.files.length).padStart(4)} files ${kib(p.size).padStart(9)} packed`;
      console.log(`  ${p.name.padEnd(26)} ${counts} ${kib(p.unpackedSize).padStart(9)} unpacked`);
    }
  }
}
