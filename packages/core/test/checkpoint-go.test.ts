/**
 * Cross-check against an independent implementation: Go's golang.org/x/mod/sumdb/note (signed
 * notes, vkeys) and sumdb/tlog (RFC 6962/9162 trees and proofs), through `go/notecheck.go`.
 * Skipped, with the reason printed, when `go` or the Debian Go sources are not installed
 * (`apt-get install golang-go golang-golang-x-mod-dev`).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { fromBase64, toBase64, toHex, utf8 } from '../src/bytes.js';
import { leafHash, sha256 } from '../src/hash.js';
import { ed25519 } from '../src/ed25519/index.js';
import {
  consistencyProof,
  inclusionProof,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from '../src/merkle/index.js';
import {
  cosignCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
  type NoteSigner,
} from '../src/checkpoint/index.js';

const GOPATH = '/usr/share/gocode';
const source = fileURLToPath(new URL('./go/notecheck.go', import.meta.url));

function goProblem(): string | undefined {
  const v = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (v.error !== undefined || v.status !== 0) return '`go` is not installed';
  if (!existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/note/note.go')))
    return `golang.org/x/mod is not under ${GOPATH}`;
  return undefined;
}
const problem = goProblem();
if (problem !== undefined)
  console.log(`[checkpoint-go] skipped: ${problem} (apt-get install golang-go golang-golang-x-mod-dev)`);

interface GoResult {
  ok: boolean;
  err?: string;
  text?: string;
  sigs?: string[];
  unverified?: number;
  out?: string;
  skey?: string;
  vkey?: string;
  root?: string;
  proof?: string[];
}

let dir = '';
let bin = '';
function go(reqs: object[]): GoResult[] {
  const r = spawnSync(bin, { input: JSON.stringify(reqs), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`notecheck failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as GoResult[];
}
const ok = <E, A>(e: Either<E, A>): A => {
  if (isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

const school: NoteSigner = { name: 'hoso/thpt-nguyen-trai', seed: sha256(utf8('go school')) };
const witness: NoteSigner = { name: 'sgd.example/w2', seed: sha256(utf8('go witness')) };
const pub = ed25519.publicKey(school.seed);
const vkey = formatVerifierKey(school.name, pub);

describe.skipIf(problem !== undefined)('cross-check with Go sumdb/note and sumdb/tlog', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-notecheck-'));
    bin = join(dir, 'notecheck');
    const b = spawnSync('go', ['build', '-o', bin, source], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '-mod=mod', GOCACHE: join(dir, 'cache') },
      encoding: 'utf8',
    });
    if (b.status !== 0) throw new Error(`go build failed: ${b.stderr}`);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('Go writes the same vkey and reads hoso signer keys', () => {
    const [v] = go([{ op: 'vkey', name: school.name, pub: toHex(pub) }]);
    expect(v!.vkey).toBe(vkey);
    const [signed] = go([{ op: 'sign', skeys: [formatSignerKey(school.name, school.seed)], body: 'hello\n' }]);
    expect(signed!.out).toBe(signNote('hello\n', [school]));
  });

  it('hoso reads keys Go generates and verifies what Go signs with them', () => {
    const [g] = go([{ op: 'generate', name: 'go.example/k' }]);
    const s = ok(parseSignerKey(g!.skey!));
    const v = ok(parseVerifierKey(g!.vkey!));
    expect(s.publicKey).toEqual(v.publicKey);
    expect(formatVerifierKey(s.name, s.publicKey)).toBe(g!.vkey);
    const [signed] = go([{ op: 'sign', skeys: [g!.skey], body: 'origin\n1\nAAAA\n' }]);
    expect(ok(openNote(signed!.out!, [v])).body).toBe('origin\n1\nAAAA\n');
  });

  it('Go opens hoso checkpoints, ignores cosignatures and rejects tampering', () => {
    const root = merkleRoot([leafHash(utf8('a')), leafHash(utf8('b')), leafHash(utf8('c'))]);
    const note = signCheckpoint({ origin: 'hoso/thpt-nguyen-trai', size: 3, root }, school);
    const cosigned = cosignCheckpoint(note, witness, 1_760_000_000);
    const tampered = note.replace('\n3\n', '\n4\n');
    const otherVkey = formatVerifierKey('hoso/other', ed25519.publicKey(witness.seed));
    const [a, b, c, d] = go([
      { op: 'open', note, vkeys: [vkey] },
      { op: 'open', note: cosigned, vkeys: [vkey] },
      { op: 'open', note: tampered, vkeys: [vkey] },
      { op: 'open', note, vkeys: [otherVkey] },
    ]);
    expect(a).toMatchObject({ ok: true, sigs: [school.name] });
    expect(a!.text).toBe(note.slice(0, note.indexOf('\n\n') + 1));
    expect(b).toMatchObject({ ok: true, sigs: [school.name], unverified: 1 });
    expect(c!.ok).toBe(false);
    expect(c!.err).toContain('invalid signature');
    expect(d!.ok).toBe(false);
    expect(d!.err).toContain('no verifiable signatures');
  });

  it('tlog computes the same roots and proofs, and each side verifies the other', () => {
    const sizes = [1, 2, 3, 5, 8, 13, 64, 100, 257];
    const data = Array.from({ length: 257 }, (_, i) => utf8(`{"position":${i}}`));
    const leaves = data.map(leafHash);
    const reqs = sizes.map((n) => ({
      op: 'tree',
      leaves: data.slice(0, n).map(toHex),
      index: (n * 7) % n,
      m: Math.max(1, n - 3),
    }));
    const res = go(reqs);
    const checks: object[] = [];
    sizes.forEach((n, k) => {
      const r = res[k]!;
      const goProof = r.proof ?? []; // Go's JSON omits empty lists
      const goConsistency = r.sigs ?? [];
      const d = leaves.slice(0, n);
      const root = merkleRoot(d);
      const index = (n * 7) % n;
      const m = Math.max(1, n - 3);
      expect(r.root).toBe(toBase64(root));
      expect(goProof).toEqual(inclusionProof(d, index).map(toBase64));
      if (m < n) {
        expect(goConsistency).toEqual(consistencyProof(d, m).map(toBase64));
        expect(
          verifyConsistency(
            m,
            n,
            merkleRoot(d.slice(0, m)),
            root,
            goConsistency.map((s) => fromBase64(s)!),
          ),
        ).toBe(true);
      }
      expect(
        verifyInclusion(
          d[index]!,
          index,
          n,
          goProof.map((s) => fromBase64(s)!),
          root,
        ),
      ).toBe(true);
      // Go checks proofs hoso made, for every index of the smaller trees
      for (let i = 0; i < n; i += n > 20 ? 17 : 1) {
        checks.push({
          op: 'checkRecord',
          leaves: [toHex(data[i]!)],
          index: i,
          m: n,
          proof: inclusionProof(d, i).map(toBase64),
          root: toBase64(root),
        });
      }
      for (let j = 1; j < n; j += n > 20 ? 19 : 1) {
        checks.push({
          op: 'checkTree',
          index: j,
          m: n,
          proof: consistencyProof(d, j).map(toBase64),
          root: toBase64(root),
          oldRoot: toBase64(merkleRoot(d.slice(0, j))),
        });
      }
    });
    const verdicts = go(checks);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    expect(verdicts.length).toBeGreaterThan(50);
    // and Go refuses a proof with a flipped byte
    const d = leaves.slice(0, 13);
    const bad = inclusionProof(d, 4);
    bad[1] = bad[1]!.slice();
    bad[1][0]! ^= 1;
    const [refused] = go([
      {
        op: 'checkRecord',
        leaves: [toHex(data[4]!)],
        index: 4,
        m: 13,
        proof: bad.map(toBase64),
        root: toBase64(merkleRoot(d)),
      },
    ]);
    expect(refused!.ok).toBe(false);
  });
});
