import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  cosignCheckpoint,
  encodeEnvelope,
  formatVerifierKey,
  localSigner,
  newEventId,
  signCheckpoint,
  signEnvelope,
  SIG_TYPE_COSIGNATURE,
  toHex,
  type JsonObject,
} from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { buildSchool, as, type School } from '@hoso/ledger/testing';
import {
  exportBundle,
  originOf,
  proveConsistency,
  proveEvent,
  renderReport,
  verifyBundle,
  verifyConsistencyProof,
  verifyProof,
  verifyStore,
  type VerifyReport,
} from '../src/index.js';
import { seed } from './fixture.js';

/** Real ledger histories, written through `openLedger().execute`, verified end to end. */

let s: School;
let dir: string;
const sealSigner = { name: 'hoso/thpt-test', seed: seed(20) };
const witnessSigner = { name: 'pgd.example', seed: seed(21) };
const sealVkey = formatVerifierKey(sealSigner.name, localSigner(sealSigner.seed).publicKey);
const witnessVkey = formatVerifierKey(
  witnessSigner.name,
  localSigner(witnessSigner.seed).publicKey,
  SIG_TYPE_COSIGNATURE,
);
let trust: { rootKeys: string[]; sealKeys: string[]; witnessKeys: string[] };
let scoreId = '';

async function checkpointOf(store: EventStore, size: number): Promise<string> {
  const note = signCheckpoint(
    { origin: originOf('thpt-test'), size, root: await store.root('thpt-test', size) },
    sealSigner,
  );
  return cosignCheckpoint(note, witnessSigner, 1_730_000_000 + size);
}

beforeAll(async () => {
  s = await buildSchool({ students: 3 });
  dir = mkdtempSync(join(tmpdir(), 'hoso-ledger-verify-'));
  trust = { rootKeys: [s.people.principal.key], sealKeys: [sealVkey], witnessKeys: [witnessVkey] };
  const { teacher, principal, vice } = s.people;
  for (const [i, student] of s.students.entries()) {
    const r = await s.run(
      {
        type: 'EnterScore',
        data: {
          year: s.year,
          class: s.cls,
          subject: 'toan',
          student,
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: `${7 + i}.5`,
        },
      },
      [as(teacher, 'subject')],
    );
    if (student === 'hs-001') scoreId = r.events[0]!.id;
  }
  await s.run(
    {
      type: 'Correct',
      data: {
        target: scoreId,
        old: '7.5',
        new: '8.0',
        reason: 'Cộng nhầm điểm',
        minutes: { number: 'BB-01/2024', date: '2024-10-01', text: 'Biên bản sửa chữa điểm kiểm tra thường xuyên' },
      },
    },
    [as(teacher, 'subject'), as(principal, 'leader'), as(vice, 'admin')],
  );
});

async function verified(store: EventStore, opts: Parameters<typeof verifyStore>[2] = {}): Promise<VerifyReport> {
  const r = await verifyStore(store, 'thpt-test', { trust, workers: 0, ...opts });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

/** Append a hand-made, validly signed event straight to the store (bypassing the ledger's rules). */
async function forge(
  store: EventStore,
  stream: string,
  type: string,
  data: JsonObject,
  signers: Array<{ p: { signer: ReturnType<typeof localSigner>; key: string }; role: string }>,
): Promise<number> {
  const head = await store.streamHead('thpt-test', stream);
  const size = await store.size('thpt-test');
  const env = await signEnvelope(
    {
      v: 1,
      id: newEventId(),
      ledger: 'thpt-test',
      stream,
      rev: head === null ? 0 : head.rev + 1,
      prev: head === null ? null : toHex(head.leafHash),
      type,
      data,
      at: '2024-10-01T09:00:00.000+07:00',
      by: { key: signers[0]!.p.key, role: signers[0]!.role },
    },
    signers.map((x) => ({ signer: x.p.signer, role: x.role })),
  );
  const r = await store.append('thpt-test', [encodeEnvelope(env)], { expected: size });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return size;
}

describe('a real school ledger', () => {
  it('verifies clean from the store: integrity, authenticity and compliance', async () => {
    const rep = await verified(s.store);
    expect(rep.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(rep.ok).toBe(true);
    expect(rep.passes).toEqual({ integrity: 'passed', authenticity: 'passed', compliance: 'passed' });
    expect(rep.timeline.some((t) => t.type === 'CorrectionMade' && t.summary.includes('"7.5" → "8.0"'))).toBe(true);
  });

  it('exports a bundle that verifies clean, with workers, and renders a report', async () => {
    const size = await s.store.size('thpt-test');
    const path = join(dir, 'ledger.hoso');
    const ex = await exportBundle(s.store, 'thpt-test', path, {
      checkpoints: [await checkpointOf(s.store, 10), await checkpointOf(s.store, size)],
    });
    expect(ex).toMatchObject({ _tag: 'Right', right: { size } });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toBe(`{"hoso":"bundle/v1","origin":"hoso/thpt-test","size":${size}}`);
    expect(text.split('\n').length).toBe(size + 4); // header, events, two checkpoints, final newline
    const r = await verifyBundle(path, { trust, workers: 2 });
    expect(r._tag).toBe('Right');
    if (r._tag !== 'Right') return;
    expect(r.right.findings).toEqual([]);
    expect(r.right.checkpoints.map((c) => c.ok)).toEqual([true, true]);
    const html = renderReport(r.right, { source: 'ledger.hoso' });
    expect(html).toContain('VERIFIED / ĐẠT');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('export writes the same bytes to a stream, and refuses a checkpoint of another history', async () => {
    const size = await s.store.size('thpt-test');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const cp = await checkpointOf(s.store, size);
    await exportBundle(s.store, 'thpt-test', out, { checkpoints: [cp] });
    const path = join(dir, 'b2.hoso');
    await exportBundle(s.store, 'thpt-test', path, { checkpoints: [cp] });
    expect(Buffer.concat(chunks).equals(readFileSync(path))).toBe(true);
    const wrong = signCheckpoint({ origin: originOf('thpt-test'), size, root: new Uint8Array(32) }, sealSigner);
    const bad = await exportBundle(s.store, 'thpt-test', join(dir, 'b3.hoso'), { checkpoints: [wrong] });
    expect(bad).toMatchObject({ _tag: 'Left', left: { code: 'checkpoint-mismatch', path: ['checkpoints', 0] } });
    const none = await exportBundle(s.store, 'thpt-test', join(dir, 'b4.hoso'), { checkpoints: [] });
    expect(none).toMatchObject({ _tag: 'Left', left: { code: 'invalid-argument', path: ['checkpoints'] } });
  });

  it('proves an event offline, and a consistency between two checkpoints', async () => {
    const size = await s.store.size('thpt-test');
    const cp = await checkpointOf(s.store, size);
    const proof = await proveEvent(s.store, 'thpt-test', 5, cp);
    expect(proof._tag).toBe('Right');
    if (proof._tag !== 'Right') return;
    expect(proof.right.startsWith('c2sp.org/tlog-proof@v1\nextra ')).toBe(true);
    const v = verifyProof(proof.right, trust);
    expect(v).toMatchObject({
      _tag: 'Right',
      right: { position: 5, signedBy: [sealSigner.name], cosignedBy: [witnessSigner.name] },
    });
    // Another position's index with this event: refused.
    const moved = proof.right.replace(/\nindex 5\n/, '\nindex 4\n');
    expect(verifyProof(moved, trust)).toMatchObject({ _tag: 'Left', left: { code: 'inclusion-proof-failed' } });
    // A seal key the inspector does not trust: refused.
    expect(
      verifyProof(proof.right, { sealKeys: [formatVerifierKey('other', localSigner(seed(50)).publicKey)] }),
    ).toMatchObject({ _tag: 'Left', left: { code: 'checkpoint-untrusted' } });
    const old = await checkpointOf(s.store, 7);
    const cons = await proveConsistency(s.store, 'thpt-test', old, cp);
    expect(cons._tag).toBe('Right');
    if (cons._tag !== 'Right') return;
    expect(verifyConsistencyProof(cons.right, trust)).toMatchObject({
      _tag: 'Right',
      right: { old: { size: 7 }, new: { size } },
    });
    const lines = cons.right.split('\n');
    lines[3] = Buffer.alloc(32, 1).toString('base64');
    expect(verifyConsistencyProof(lines.join('\n'), trust)).toMatchObject({
      _tag: 'Left',
      left: { code: 'consistency-proof-failed' },
    });
  });
});

describe('store and bundle agree', () => {
  it('verifyStore and verifyBundle of its export give the same verdict, size, root and checkpoint chain', async () => {
    const size = await s.store.size('thpt-test');
    const notes = [await checkpointOf(s.store, 4), await checkpointOf(s.store, size)];
    const path = join(dir, 'same.hoso');
    await exportBundle(s.store, 'thpt-test', path, { checkpoints: notes });
    const a = await verified(s.store, { checkpoints: notes, since: notes[0]! });
    const b = await verifyBundle(path, { trust, workers: 1, since: notes[0]! });
    expect(b._tag).toBe('Right');
    if (b._tag !== 'Right') return;
    const pick = (r: VerifyReport) => ({
      ok: r.ok,
      size: r.size,
      root: r.root,
      findings: r.findings,
      chain: r.checkpoints.map((c) => [c.source, c.size, c.root, c.ok]),
      timeline: r.timeline,
    });
    expect(pick(a)).toEqual(pick(b.right));
    expect(a.ok).toBe(true);
  });
});

describe('rule violations a signature cannot hide', () => {
  it('a score entered by a teacher not assigned to the subject', async () => {
    const t = await buildSchool({ students: 1 });
    const pos = await forge(
      t.store,
      'markbook/2024-2025/10A1/van',
      'ScoreEntered',
      {
        year: '2024-2025',
        class: '10A1',
        subject: 'van',
        student: 'hs-001',
        term: 'HK1',
        column: 'tx',
        index: 1,
        value: '9.0',
      },
      [{ p: t.people.teacher, role: 'subject' }],
    );
    const rep = await verified(t.store, { trust: { rootKeys: [t.people.principal.key] } });
    const v = rep.findings.filter((f) => f.code === 'rule-violation');
    expect(v.map((f) => f.position)).toEqual([pos]);
    expect(rep.passes).toMatchObject({ authenticity: 'passed', compliance: 'failed' });
  });

  it('a correction witnessed by someone who is not the administrator', async () => {
    const t = await buildSchool({ students: 1 });
    const { teacher, principal, homeroom } = t.people;
    const r = await t.run(
      {
        type: 'EnterScore',
        data: {
          year: '2024-2025',
          class: '10A1',
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'gk',
          value: '6.0',
        },
      },
      [as(teacher, 'subject')],
    );
    const target = r.events[0]!.id;
    const pos = await forge(
      t.store,
      'markbook/2024-2025/10A1/toan',
      'CorrectionMade',
      {
        target,
        old: '6.0',
        new: '9.0',
        reason: 'Sửa',
        minutes: { number: 'BB-9', date: '2024-10-01', text: 'Không có quản trị' },
        requester: teacher.key,
        approver: principal.key,
        witness: homeroom.key,
      },
      [
        { p: teacher, role: 'subject' },
        { p: principal, role: 'leader' },
        { p: homeroom, role: 'admin' },
      ],
    );
    const rep = await verified(t.store, { trust: { rootKeys: [t.people.principal.key] } });
    const v = rep.findings.filter((f) => f.code === 'rule-violation');
    expect(v.map((f) => f.position)).toEqual([pos]);
    expect(v[0]!.details).toMatchObject({ ledgerCode: 'role-not-held' });
    expect(v[0]!.message).toContain('CorrectionMade');
  });

  it('an event signed with a key that was never registered is an authenticity failure', async () => {
    const t = await buildSchool({ students: 1 });
    const intruder = localSigner(seed(66));
    const pos = await forge(
      t.store,
      'markbook/2024-2025/10A1/toan',
      'ScoreEntered',
      { year: '2024-2025', class: '10A1', subject: 'toan', student: 'hs-001', term: 'HK1', column: 'ck', value: '10' },
      [{ p: { signer: intruder, key: Buffer.from(intruder.publicKey).toString('base64url') }, role: 'subject' }],
    );
    const rep = await verified(t.store, { trust: { rootKeys: [t.people.principal.key] } });
    expect(rep.findings.filter((f) => f.code === 'key-unregistered').map((f) => f.position)).toEqual([pos]);
    expect(rep.passes.authenticity).toBe('failed');
  });
});
