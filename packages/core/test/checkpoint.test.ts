import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import { fromBase64, toBase64, toHex, utf8 } from '../src/bytes.js';
import { isHosoFailure } from '../src/errors.js';
import { sha256, leafHash } from '../src/hash.js';
import { ed25519 } from '../src/ed25519/index.js';
import { CompactRange, consistencyProof, merkleRoot } from '../src/merkle/index.js';
import {
  checkpointsConsistent,
  cosignatureMessage,
  cosignCheckpoint,
  formatAddCheckpoint,
  formatCheckpointBody,
  formatSignerKey,
  formatVerifierKey,
  keyId,
  ledgerOrigin,
  noteVerifier,
  openCheckpoint,
  openNote,
  parseAddCheckpoint,
  parseCheckpointBody,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signerVerifier,
  signNote,
  SIG_TYPE_COSIGNATURE,
  verifyCosignature,
  Witness,
  type Checkpoint,
  type NoteSigner,
} from '../src/checkpoint/index.js';

const seedOf = (n: number) => sha256(utf8(`seed ${n}`));
const school: NoteSigner = { name: 'hoso/thpt-chu-van-an', seed: seedOf(1) };
const other: NoteSigner = { name: 'hoso/other', seed: seedOf(2) };
const witnessSigner: NoteSigner = { name: 'so-gddt.hanoi.example/w1', seed: seedOf(3) };
const schoolV = signerVerifier(school);
const otherV = signerVerifier(other);

function ok<E, A>(e: Either<E, A>): A {
  if (isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`);
  return e.right;
}
function err<E, A>(e: Either<E, A>): E {
  if (isRight(e)) throw new Error('expected Left');
  return e.left;
}
function throwsInvalid(f: () => unknown, path: string): void {
  try {
    f();
  } catch (e) {
    expect(isHosoFailure(e) && e.error.code).toBe('invalid-argument');
    if (isHosoFailure(e)) expect(e.error.path?.join('.')).toBe(path);
    return;
  }
  throw new Error('expected invalid-argument');
}

function tree(n: number) {
  const leaves = Array.from({ length: n }, (_, i) => leafHash(utf8(`event ${i}`)));
  return { leaves, root: merkleRoot(leaves) };
}
const cpOf = (n: number, origin = ledgerOrigin('thpt-chu-van-an')): Checkpoint => ({
  origin,
  size: n,
  root: tree(n).root,
});

describe('Go note package vectors (golang.org/x/mod/sumdb/note tests)', () => {
  const skey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
  const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const signed = `${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

  it('parse the signer and verifier keys, which agree', () => {
    const s = ok(parseSignerKey(skey));
    const v = ok(parseVerifierKey(vkey));
    expect(s.name).toBe('PeterNeumann');
    expect(toHex(v.keyId)).toBe('c74f20a3');
    expect(s.publicKey).toEqual(v.publicKey);
    expect(formatVerifierKey(v.name, v.publicKey)).toBe(vkey);
    expect(formatSignerKey(s.name, s.seed)).toBe(skey);
  });

  it('signing reproduces the Go signature byte for byte, and it opens', () => {
    const s = ok(parseSignerKey(skey));
    expect(signNote(text, [s])).toBe(signed);
    const opened = ok(openNote(signed, [ok(parseVerifierKey(vkey))]));
    expect(opened.body).toBe(text);
    expect(opened.verifiedBy.map((v) => v.name)).toEqual(['PeterNeumann']);
    expect(opened.unknown).toBe(0);
  });

  it('reject the malformed vkeys of the Go tests', () => {
    for (const bad of [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // wrong key ID
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann',
      '',
    ]) {
      expect(err(parseVerifierKey(bad)).code).toBe('invalid-key');
    }
    expect(err(parseSignerKey(vkey)).code).toBe('invalid-key');
    expect(
      err(parseSignerKey('PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz')).path,
    ).toEqual(['skey', 'keyId']);
  });
});

describe('keys', () => {
  it('keyId is SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]', () => {
    const pub = ed25519.publicKey(school.seed);
    const expected = sha256(utf8(school.name), Uint8Array.of(0x0a, 0x01), pub).slice(0, 4);
    expect(keyId(school.name, pub)).toEqual(expected);
    expect(keyId(school.name, pub, 0x04)).not.toEqual(expected);
    expect(schoolV.keyId).toEqual(expected);
  });

  it('vkeys round trip for both types and carry the type byte', () => {
    for (const type of [0x01, 0x04] as const) {
      const pub = ed25519.publicKey(witnessSigner.seed);
      const vk = formatVerifierKey(witnessSigner.name, pub, type);
      const b64 = vk.split('+').slice(2).join('+');
      expect(fromBase64(b64)![0]).toBe(type);
      expect(ok(parseVerifierKey(vk))).toEqual(noteVerifier(witnessSigner.name, pub, type));
    }
  });

  it('refuse invalid names and key sizes', () => {
    const pub = ed25519.publicKey(school.seed);
    throwsInvalid(() => keyId('a+b', pub), 'name');
    throwsInvalid(() => keyId('a b', pub), 'name');
    throwsInvalid(() => keyId('', pub), 'name');
    throwsInvalid(() => keyId('a\u0085b', pub), 'name');
    throwsInvalid(() => keyId('ok', pub.slice(1)), 'publicKey');
    throwsInvalid(() => formatSignerKey('ok', new Uint8Array(31)), 'signer.seed');
  });
});

describe('checkpoint bodies', () => {
  it('format as origin, size and base64 root lines', () => {
    const root = tree(3).root;
    expect(formatCheckpointBody({ origin: 'hoso/x', size: 3, root })).toBe(`hoso/x\n3\n${toBase64(root)}\n`);
    expect(formatCheckpointBody({ origin: 'hoso/x', size: 0, root: sha256(), extensions: ['a b'] })).toBe(
      `hoso/x\n0\n${toBase64(sha256())}\na b\n`,
    );
  });

  it('round trip (property)', () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
          // eslint-disable-next-line no-control-regex -- control characters are what the filter excludes
          .filter((s) => !/[\u0000-\u001f\uD800-\uDFFF]/.test(s)),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (origin, size, root) => {
          const cp = { origin, size, root };
          expect(ok(parseCheckpointBody(formatCheckpointBody(cp)))).toEqual(cp);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reject malformed bodies naming the field', () => {
    const r = toBase64(tree(2).root);
    const cases: Array<[string, string]> = [
      [`o\n2\n${r}`, 'body'], // no final newline
      [`o\n2\n`, 'body'], // two lines
      [`\n2\n${r}\n`, 'origin'],
      [`o\n02\n${r}\n`, 'size'],
      [`o\n-2\n${r}\n`, 'size'],
      [`o\n9007199254740992\n${r}\n`, 'size'],
      [`o\n 2\n${r}\n`, 'size'],
      [`o\n2\n${r.slice(0, -4)}\n`, 'root'],
      [`o\n2\n${toBase64(new Uint8Array(31))}\n`, 'root'],
      [`o\n2\n${r}\n\n`, 'extensions.0'],
      [`o\t\n2\n${r}\n`, 'body'],
    ];
    for (const [text, path] of cases) {
      const e = err(parseCheckpointBody(text));
      expect(e.code).toBe('invalid-checkpoint');
      expect(e.path?.join('.')).toBe(path);
    }
  });

  it('formatting refuses bad checkpoints', () => {
    const root = tree(2).root;
    throwsInvalid(() => formatCheckpointBody({ origin: '', size: 1, root }), 'origin');
    throwsInvalid(() => formatCheckpointBody({ origin: 'a\nb', size: 1, root }), 'origin');
    throwsInvalid(() => formatCheckpointBody({ origin: 'a', size: -1, root }), 'size');
    throwsInvalid(() => formatCheckpointBody({ origin: 'a', size: 1.5, root }), 'size');
    throwsInvalid(() => formatCheckpointBody({ origin: 'a', size: 1, root: root.slice(1) }), 'root');
    throwsInvalid(() => formatCheckpointBody({ origin: 'a', size: 1, root, extensions: [''] }), 'extensions.0');
  });
});

describe('signed checkpoints', () => {
  const cp = cpOf(5);
  const note = signCheckpoint(cp, school);

  it('have the C2SP shape and open with the school key', () => {
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual([cp.origin, '5', toBase64(cp.root), '']);
    expect(lines[4]).toMatch(/^— hoso\/thpt-chu-van-an [A-Za-z0-9+/]+=*$/);
    const raw = fromBase64(lines[4]!.split(' ')[2]!)!;
    expect(raw.length).toBe(68);
    expect(raw.slice(0, 4)).toEqual(schoolV.keyId);
    const opened = ok(openCheckpoint(note, [schoolV], { origin: cp.origin }));
    expect(opened.checkpoint).toEqual(cp);
    expect(opened.verifiedBy).toEqual([schoolV]);
  });

  it('a tampered body or root is rejected as a bad signature', () => {
    const tamperedRoot = note.replace(toBase64(cp.root), toBase64(tree(6).root));
    expect(err(openNote(tamperedRoot, [schoolV])).code).toBe('note-bad-signature');
    const tamperedSize = note.replace('\n5\n', '\n6\n');
    expect(err(openNote(tamperedSize, [schoolV])).code).toBe('note-bad-signature');
    const sigLine = note.split('\n')[4]!;
    const raw = fromBase64(sigLine.split(' ')[2]!)!;
    raw[10]! ^= 1;
    const badSig = note.replace(sigLine, `— ${school.name} ${toBase64(raw)}`);
    expect(err(openNote(badSig, [schoolV])).code).toBe('note-bad-signature');
  });

  it('a signature line with a wrong key ID belongs to an unknown key: no known key → note-unverified', () => {
    const sigLine = note.split('\n')[4]!;
    const raw = fromBase64(sigLine.split(' ')[2]!)!;
    raw[0]! ^= 1;
    const wrongId = note.replace(sigLine, `— ${school.name} ${toBase64(raw)}`);
    const e = err(openNote(wrongId, [schoolV]));
    expect(e.code).toBe('note-unverified');
    expect(e.details).toEqual({ unknown: 1 });
    // same key ID but another name is also an unknown key
    const wrongName = note.replace(`— ${school.name} `, '— hoso/impostor ');
    expect(err(openNote(wrongName, [schoolV])).code).toBe('note-unverified');
  });

  it('unknown keys are ignored and counted; a known key must still verify', () => {
    const both = signNote(formatCheckpointBody(cp), [other, school]);
    const opened = ok(openNote(both, [schoolV]));
    expect(opened.unknown).toBe(1);
    expect(opened.verifiedBy).toEqual([schoolV]);
    expect(ok(openNote(both, [schoolV, otherV])).verifiedBy).toEqual([otherV, schoolV]);
    expect(err(openNote(note, [otherV])).code).toBe('note-unverified');
    expect(err(openNote(note, [])).code).toBe('note-unverified');
  });

  it('a verifier with the school name and key ID but another key makes the signature fail', () => {
    const impostor = { ...schoolV, publicKey: ed25519.publicKey(other.seed) };
    expect(err(openNote(note, [impostor])).code).toBe('note-bad-signature');
    expect(err(openNote(note, [schoolV, impostor])).code).toBe('ambiguous-verifier');
  });

  it('origin mismatch is reported', () => {
    expect(err(openCheckpoint(note, [schoolV], { origin: 'hoso/other' })).code).toBe('checkpoint-origin-mismatch');
  });

  it('malformed notes are invalid-note, never a throw', () => {
    const body = formatCheckpointBody(cp);
    const line = note.slice(body.length + 1);
    const cases = [
      body, // no signatures
      body + '\n', // blank line, no signature line
      body + '\n' + line.slice(0, -1), // last line not terminated
      body + '\n' + line.replace('— ', '- '), // hyphen, not em dash
      body + '\n' + line.replace('— ', '—'), // no space
      body + '\n' + `— ${school.name}\n`,
      body + '\n' + `— ${school.name} AAAA\n`, // fewer than 5 bytes
      body + '\n' + `— ${school.name} !!!!\n`,
      body + '\n' + line + line.replace(school.name, 'a+b'),
      body.replace('\n', '\r\n') + '\n' + line,
      body + '\n' + line.repeat(101),
    ];
    for (const c of cases) expect(err(openNote(c, [schoolV])).code).toBe('invalid-note');
    for (const junk of [undefined, 42, null, {}] as unknown as string[])
      expect(err(openNote(junk, [schoolV])).code).toBe('invalid-note');
  });

  it('openNote never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat(note.length), (s, cut) => {
        for (const t of [s, note.slice(0, cut) + s, s + note.slice(cut)]) {
          const r = openNote(t, [schoolV]);
          expect(r._tag === 'Right' ? t.endsWith('\n') : typeof r.left.code).toBeTruthy();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('signing refuses bad bodies and signers', () => {
    throwsInvalid(() => signNote('no newline', [school]), 'body');
    throwsInvalid(() => signNote('', [school]), 'body');
    throwsInvalid(() => signNote('bell\u0007\n', [school]), 'body');
    throwsInvalid(() => signNote('ok\n', []), 'signers');
    throwsInvalid(() => signNote('ok\n', [{ name: 'a b', seed: school.seed }]), 'signers.0.name');
    throwsInvalid(() => signNote('ok\n', [{ name: 'a', seed: school.seed.slice(1) }]), 'signers.0.seed');
  });

  it('notes whose text has blank lines split at the last one', () => {
    const text = 'first\n\nsecond\n';
    const signed = signNote(text, [school]);
    expect(ok(openNote(signed, [schoolV])).body).toBe(text);
  });
});

describe('cosignatures (type 0x04)', () => {
  const cp = cpOf(9);
  const note = signCheckpoint(cp, school);
  const wV = signerVerifier(witnessSigner, SIG_TYPE_COSIGNATURE);
  const cosigned = cosignCheckpoint(note, witnessSigner, 1_700_000_000);

  it('sign cosignature/v1 + time + body and carry key ID ‖ u64 time ‖ signature', () => {
    const line = cosigned.slice(note.length);
    expect(line.startsWith(`— ${witnessSigner.name} `)).toBe(true);
    const raw = fromBase64(line.trim().split(' ')[2]!)!;
    expect(raw.length).toBe(4 + 8 + 64);
    expect(raw.slice(0, 4)).toEqual(wV.keyId);
    expect(new DataView(raw.buffer).getBigUint64(4)).toBe(1_700_000_000n);
    const msg = cosignatureMessage(formatCheckpointBody(cp), 1_700_000_000);
    expect(new TextDecoder().decode(msg)).toBe(`cosignature/v1\ntime 1700000000\n${formatCheckpointBody(cp)}`);
    expect(ed25519.verify(wV.publicKey, msg, raw.slice(12))).toBe(true);
  });

  it('verify, and open together with the school signature', () => {
    expect(ok(verifyCosignature(cosigned, wV))).toEqual({ checkpoint: cp, time: 1_700_000_000 });
    const opened = ok(openNote(cosigned, [schoolV, wV]));
    expect(opened.verifiedBy).toEqual([schoolV, wV]);
    expect(opened.signatures[1]).toEqual({ verifier: wV, time: 1_700_000_000 });
    // a school-only verifier ignores the cosignature as an unknown key
    expect(ok(openNote(cosigned, [schoolV])).unknown).toBe(1);
  });

  it('a changed timestamp or body breaks the cosignature; a type 0x01 key with that name is another key', () => {
    const line = cosigned.slice(note.length);
    const raw = fromBase64(line.trim().split(' ')[2]!)!;
    new DataView(raw.buffer).setBigUint64(4, 1_700_000_001n);
    const shifted = note + `— ${witnessSigner.name} ${toBase64(raw)}\n`;
    expect(err(verifyCosignature(shifted, wV)).code).toBe('note-bad-signature');
    new DataView(raw.buffer).setBigUint64(4, 2n ** 62n);
    expect(err(verifyCosignature(note + `— ${witnessSigner.name} ${toBase64(raw)}\n`, wV)).code).toBe(
      'note-bad-signature',
    );
    expect(err(verifyCosignature(cosigned.replace('\n9\n', '\n8\n'), wV)).code).not.toBe(undefined);
    const asEd = signerVerifier(witnessSigner);
    expect(err(openNote(cosigned, [asEd])).code).toBe('note-unverified');
    expect(err(verifyCosignature(cosigned, asEd)).code).toBe('invalid-argument');
  });

  it('cosigning refuses non-checkpoints and bad times', () => {
    throwsInvalid(() => cosignCheckpoint('x\n', witnessSigner, 1), 'noteText');
    throwsInvalid(() => cosignCheckpoint(signNote('just text\n', [school]), witnessSigner, 1), 'noteText');
    throwsInvalid(() => cosignCheckpoint(note, witnessSigner, -1), 'time');
    throwsInvalid(() => cosignCheckpoint(note, witnessSigner, 1.5), 'time');
  });
});

describe('parsers never throw', () => {
  it('on arbitrary strings and non-strings', () => {
    const parsers = [
      parseCheckpointBody,
      parseVerifierKey,
      parseSignerKey,
      parseAddCheckpoint,
      (t: string) => openCheckpoint(t, [schoolV]),
    ];
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.anything()), (x) => {
        for (const p of parsers) expect(['Left', 'Right']).toContain(p(x as string)._tag);
      }),
      { numRuns: 400 },
    );
    const note = signCheckpoint(cpOf(3), school);
    expect(err(openNote(note, undefined as never)).code).toBe('note-unverified');
  });
});

describe('checkpointsConsistent', () => {
  it('accepts a real consistency proof and refuses forks', () => {
    const { leaves } = tree(20);
    const a = cpOf(7);
    const b = cpOf(20);
    const p = consistencyProof(leaves, 7);
    expect(checkpointsConsistent(a, b, p)).toBe(true);
    expect(checkpointsConsistent(b, a, p)).toBe(false);
    expect(checkpointsConsistent(a, { ...b, origin: 'hoso/x' }, p)).toBe(false);
    expect(checkpointsConsistent(a, { ...b, root: tree(21).root }, p)).toBe(false);
    expect(checkpointsConsistent(a, a, [])).toBe(true);
    expect(checkpointsConsistent(a, { ...a, root: tree(8).root }, [])).toBe(false);
    expect(checkpointsConsistent(cpOf(0), b, [])).toBe(true);
    expect(checkpointsConsistent(cpOf(0), b, p)).toBe(false);
  });
});

describe('Witness (tlog-witness semantics)', () => {
  const origin = ledgerOrigin('thpt-chu-van-an');
  const { leaves } = tree(40);
  const rootAt = (n: number) => merkleRoot(leaves.slice(0, n));
  const noteAt = (n: number, signer = school) => signCheckpoint({ origin, size: n, root: rootAt(n) }, signer);
  let now = 1_700_000_000;
  const make = () =>
    new Witness({ signer: witnessSigner, logs: [{ origin, verifiers: [schoolV] }], clock: () => now++ });

  it('cosigns a first checkpoint from size 0, then consistent successors', () => {
    const w = make();
    const first = ok(w.cosign(noteAt(10), [], 0));
    expect(first.checkpoint.size).toBe(10);
    expect(ok(verifyCosignature(first.note, w.verifier)).time).toBe(first.time);
    expect(first.note).toBe(noteAt(10) + first.cosignature);
    expect(w.latest(origin)?.size).toBe(10);
    const second = ok(w.cosign(noteAt(25), consistencyProof(leaves.slice(0, 25), 10), 10));
    expect(second.checkpoint.size).toBe(25);
    // the same checkpoint again (same size, same root) is fine
    ok(w.cosign(noteAt(25), [], 25));
    expect(ok(parseVerifierKey(w.vkey()))).toEqual(w.verifier);
  });

  it('refuses an old size that is not its latest (409) and says which size it holds', () => {
    const w = make();
    ok(w.cosign(noteAt(10), [], 0));
    const e = err(w.cosign(noteAt(25), consistencyProof(leaves.slice(0, 25), 5), 5));
    expect(e.code).toBe('witness-conflict');
    expect(e.details).toMatchObject({ status: 409, latestSize: 10 });
    expect(err(w.cosign(noteAt(12), [], 0)).code).toBe('witness-conflict');
    expect(w.latest(origin)?.size).toBe(10);
  });

  it('refuses a fork at the same size (409) and a bad proof (422)', () => {
    const w = make();
    ok(w.cosign(noteAt(10), [], 0));
    const forked = signCheckpoint({ origin, size: 10, root: tree(11).root }, school);
    expect(err(w.cosign(forked, [], 10)).code).toBe('witness-conflict');
    // a rewritten history of 25 events is not consistent with the cosigned 10
    const fakeLeaves = leaves.slice(0, 25).map((h, i) => (i === 3 ? leafHash(utf8('rewritten')) : h));
    const fake = signCheckpoint({ origin, size: 25, root: merkleRoot(fakeLeaves) }, school);
    const e = err(w.cosign(fake, consistencyProof(fakeLeaves, 10), 10));
    expect(e.code).toBe('witness-bad-proof');
    expect(e.details).toMatchObject({ status: 422 });
    expect(err(w.cosign(noteAt(25), [], 10)).code).toBe('witness-bad-proof');
    expect(err(w.cosign(noteAt(25), [rootAt(3)], 0)).code).toBe('witness-conflict');
    expect(w.latest(origin)?.size).toBe(10);
  });

  it('refuses unknown origins (404), unsigned checkpoints (403) and old > size (400)', () => {
    const w = make();
    const foreign = signCheckpoint({ origin: 'hoso/other', size: 1, root: rootAt(1) }, school);
    expect(err(w.cosign(foreign, [], 0)).details).toMatchObject({ status: 404 });
    expect(err(w.cosign(noteAt(3, other), [], 0)).code).toBe('witness-unauthenticated');
    ok(w.cosign(noteAt(3), [], 0));
    expect(err(w.cosign(noteAt(2), [], 3)).code).toBe('witness-bad-request');
    expect(err(w.cosign('garbage', [], 0)).code).toBe('witness-bad-request');
    const first = new Witness({ signer: witnessSigner, logs: [{ origin, verifiers: [schoolV] }] });
    expect(err(first.cosign(noteAt(5), [rootAt(1)], 0)).code).toBe('witness-bad-proof');
  });

  it('refuses an empty tree with a non-empty root, and corrupt saved state', () => {
    const w = make();
    expect(err(w.cosign(signCheckpoint({ origin, size: 0, root: rootAt(1) }, school), [], 0)).code).toBe(
      'witness-bad-request',
    );
    ok(w.cosign(signCheckpoint({ origin, size: 0, root: sha256() }, school), [], 0));
    throwsInvalid(
      () =>
        new Witness({
          signer: witnessSigner,
          logs: [{ origin, verifiers: [schoolV] }],
          latest: [{ origin: 'hoso/elsewhere', size: 1, root: rootAt(1) }],
        }),
      'latest.0.origin',
    );
    throwsInvalid(
      () =>
        new Witness({
          signer: witnessSigner,
          logs: [{ origin, verifiers: [schoolV] }],
          latest: [{ origin, size: 1, root: new Uint8Array(2) }],
        }),
      'root',
    );
  });

  it('resumes from persisted latest checkpoints', () => {
    const w = new Witness({
      signer: witnessSigner,
      logs: [{ origin, verifiers: [schoolV] }],
      latest: [{ origin, size: 10, root: rootAt(10) }],
    });
    expect(err(w.cosign(noteAt(12), [], 0)).details).toMatchObject({ latestSize: 10 });
    ok(w.cosign(noteAt(12), consistencyProof(leaves.slice(0, 12), 10), 10));
  });

  it('speaks the add-checkpoint request format', () => {
    const w = make();
    ok(w.addCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], note: noteAt(8) })));
    const req = { oldSize: 8, proof: consistencyProof(leaves.slice(0, 30), 8), note: noteAt(30) };
    const text = formatAddCheckpoint(req);
    expect(text.startsWith('old 8\n')).toBe(true);
    expect(ok(parseAddCheckpoint(text))).toEqual(req);
    const res = ok(w.addCheckpoint(text));
    expect(res.cosignature).toMatch(/^— so-gddt\.hanoi\.example\/w1 [A-Za-z0-9+/=]+\n$/);
    for (const bad of [
      'old 8\n' + noteAt(30),
      'new 8\n\n' + noteAt(30),
      'old 08\n\n' + noteAt(30),
      'old 8\nAAAA\n\n' + noteAt(30),
    ]) {
      expect(err(parseAddCheckpoint(bad)).code).toBe('witness-bad-request');
    }
  });
});

describe('incremental checkpoints', () => {
  it('a CompactRange root signed at each size is consistent with every later one', () => {
    const r = CompactRange.empty();
    const { leaves } = tree(33);
    const w = new Witness({
      signer: witnessSigner,
      logs: [{ origin: 'hoso/t', verifiers: [schoolV] }],
      clock: () => 1,
    });
    let last = 0;
    for (const [i, h] of leaves.entries()) {
      r.append(h);
      if ((i + 1) % 4 !== 0) continue;
      const note = signCheckpoint({ origin: 'hoso/t', size: r.size, root: r.root() }, school);
      const proof = last === 0 ? [] : consistencyProof(leaves.slice(0, r.size), last);
      ok(w.cosign(note, proof, last));
      last = r.size;
    }
    expect(last).toBe(32);
  });
});
