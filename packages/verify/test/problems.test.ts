import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cosignCheckpoint,
  decodeEnvelope,
  encodeEnvelope,
  formatVerifierKey,
  localSigner,
  signCheckpoint,
  signEnvelope,
  SIG_TYPE_COSIGNATURE,
  type Signer,
} from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { buildSchool, as, type School } from '@hoso/ledger/testing';
import {
  exportBundle,
  finding,
  groupProblems,
  originOf,
  verifyBundle,
  verifyStore,
  type Problem,
  type VerifyReport,
} from '../src/index.js';
import { seed } from './fixture.js';

/**
 * Findings in the inspector's terms, on a real school ledger (marks, a correction) exported as a
 * bundle and tampered with line by line: each problem names the line, the student, the mark and
 * the people by name, and carries its knock-on findings; a deletion, insertion or swap in the
 * middle is named as such.
 */

let s: School;
let dir: string;
let lines: string[];
let trust: { rootKeys: string[]; sealKeys: string[]; witnessKeys: string[] };
const sealSigner = { name: 'hoso/thpt-test', seed: seed(20) };
const witnessSigner = { name: 'pgd.example', seed: seed(21) };

async function checkpointOf(store: EventStore, size: number): Promise<string> {
  const note = signCheckpoint(
    { origin: originOf('thpt-test'), size, root: await store.root('thpt-test', size) },
    sealSigner,
  );
  return cosignCheckpoint(note, witnessSigner, 1_730_000_000 + size);
}

beforeAll(async () => {
  s = await buildSchool({ students: 3 });
  const { teacher, principal, vice } = s.people;
  let first = '';
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
    if (i === 0) first = r.events[0]!.id;
  }
  await s.run(
    {
      type: 'Correct',
      data: {
        target: first,
        old: '7.5',
        new: '8.0',
        reason: 'Cộng nhầm điểm',
        minutes: { number: 'BB-01/2024', date: '2024-10-01', text: 'Biên bản sửa chữa điểm' },
      },
    },
    [as(teacher, 'subject'), as(principal, 'leader'), as(vice, 'admin')],
  );
  trust = {
    rootKeys: [principal.key],
    sealKeys: [formatVerifierKey(sealSigner.name, localSigner(sealSigner.seed).publicKey)],
    witnessKeys: [
      formatVerifierKey(witnessSigner.name, localSigner(witnessSigner.seed).publicKey, SIG_TYPE_COSIGNATURE),
    ],
  };
  dir = mkdtempSync(join(tmpdir(), 'hoso-problems-'));
  const size = await s.store.size('thpt-test');
  const path = join(dir, 'clean.hoso');
  const r = await exportBundle(s.store, 'thpt-test', path, {
    checkpoints: [await checkpointOf(s.store, 10), await checkpointOf(s.store, size)],
  });
  if (r._tag === 'Left') throw new Error(r.left.message);
  lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
});

let counter = 0;
async function verify(ls: readonly string[]): Promise<VerifyReport> {
  const path = join(dir, `t${counter++}.hoso`);
  writeFileSync(path, ls.join('\n') + '\n');
  const r = await verifyBundle(path, { trust, workers: 0 });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

/** The 1-based file line of the first event line containing `needle`. */
const lineWith = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;
const errorProblems = (r: VerifyReport): Problem[] => r.problems.filter((p) => p.severity === 'error');
const codesOf = (r: VerifyReport, p: Problem): string[] => p.consequences.map((i) => r.findings[i]!.code);

describe('problems an inspector can act on', () => {
  it('an untouched bundle has no problem', async () => {
    const r = await verify(lines);
    expect(r.verdict).toBe('verified');
    expect(r.problems).toEqual([]);
  });

  it('an edited mark is one problem at its line: the student, class, subject, column, value and the teacher by name; the broken chain and roots listed under it', async () => {
    const l = lineWith('"value":"8.5"');
    const ls = [...lines];
    ls[l - 1] = ls[l - 1]!.replace('"value":"8.5"', '"value":"9.5"');
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems).toHaveLength(1);
    const p = problems[0]!;
    expect(p).toMatchObject({ kind: 'event-altered', line: l, position: l - 2 });
    expect(r.findings[p.cause]).toMatchObject({ code: 'signature-invalid', line: l, position: l - 2 });
    expect(p.claim).toMatchObject({
      type: 'ScoreEntered',
      class: s.cls,
      student: { id: 'hs-002', name: 'Học sinh 2' },
      subject: { id: 'toan' },
      column: 'HK1 tx 1',
      value: '9.5',
    });
    expect(p.claim!.subject!.name).not.toBeNull();
    expect(p.claim!.signers).toEqual([
      expect.objectContaining({ role: 'subject', person: s.people.teacher.id, name: s.people.teacher.name }),
    ]);
    expect(p.summary).toContain(`line ${l}`);
    expect(p.summary).toContain('Học sinh 2 (hs-002)');
    expect(p.summary_vi).toContain(`dòng ${l}`);
    // The next event of the markbook stream no longer chains: a consequence, not a second problem.
    expect(codesOf(r, p)).toEqual(expect.arrayContaining(['stream-prev-mismatch', 'checkpoint-root-mismatch']));
    const knock = r.findings.find((f) => f.code === 'stream-prev-mismatch')!;
    expect(knock.problem).toBe(r.problems.indexOf(p));
    expect(knock.details?.previous).toBe(l - 2);
    // Every finding belongs to exactly one problem.
    expect(r.findings.every((f) => typeof f.problem === 'number')).toBe(true);
  });

  it('a correction names old → new, its minutes and its three signers by name', async () => {
    const l = lineWith('"CorrectionMade"');
    const ls = [...lines];
    ls[l - 1] = ls[l - 1]!.replace('Cộng nhầm điểm', 'Cộng nhầm điểM');
    const r = await verify(ls);
    const p = errorProblems(r)[0]!;
    expect(p).toMatchObject({ kind: 'event-altered', line: l });
    expect(p.claim).toMatchObject({
      type: 'CorrectionMade',
      class: s.cls,
      subject: { id: 'toan' },
      correction: { old: '7.5', new: '8.0', minutes: 'BB-01/2024' },
    });
    expect(p.claim!.signers.map((x) => x.name)).toEqual([
      s.people.teacher.name,
      s.people.principal.name,
      s.people.vice.name,
    ]);
    expect(p.summary).toContain('"7.5" → "8.0"');
  });

  it('a line deleted in the middle is named a deletion with its place, not a removal from the end', async () => {
    const l = lineWith('"value":"8.5"');
    const ls = lines.filter((_, i) => i !== l - 1);
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems.map((p) => p.kind)).toEqual(['event-removed']);
    const p = problems[0]!;
    // The next event of the markbook stream now sits on the deleted line.
    expect(p.line).toBe(l);
    expect(p.summary).toContain('deleted from the middle');
    expect(p.summary).toContain(`line ${l - 1}`);
    expect(p.summary_vi).toContain('bị xóa khỏi giữa tệp xuất');
    expect(codesOf(r, p)).toEqual(expect.arrayContaining(['size-mismatch', 'checkpoint-beyond-bundle']));
    expect(r.problems.some((x) => x.kind === 'events-removed-at-end')).toBe(false);
    expect(r.findings.find((f) => f.code === 'checkpoint-beyond-bundle')!.message).not.toContain('from the end');
  });

  it('lines cut from the end are a removal from the end', async () => {
    const firstCheckpoint = lines.findIndex((l) => l.startsWith('{"checkpoint":'));
    const ls = [...lines.slice(0, firstCheckpoint - 2), ...lines.slice(firstCheckpoint)];
    const r = await verify(ls);
    expect(errorProblems(r).map((p) => p.kind)).toEqual(['events-removed-at-end']);
    expect(errorProblems(r)[0]!.summary).toContain('The last 2 event(s) were removed from the end');
  });

  it('a copied line is an insertion naming the original line', async () => {
    const l = lineWith('"value":"8.5"');
    const ls = [...lines];
    ls.splice(l, 0, lines[l - 1]!);
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems.map((p) => p.kind)).toEqual(['event-inserted']);
    expect(problems[0]!.line).toBe(l + 1);
    expect(problems[0]!.summary).toContain(`copy of the event on line ${l} was inserted at line ${l + 1}`);
    expect(codesOf(r, problems[0]!)).toEqual(expect.arrayContaining(['stream-rev-gap', 'size-mismatch']));
  });

  it('a line that is no event, added among the events: one problem at its line, the size and roots under it', async () => {
    const l = lineWith('"value":"8.5"');
    const ls = [...lines];
    ls.splice(l - 1, 0, 'not json at all');
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'event-altered', line: l });
    expect(r.findings[problems[0]!.cause]!.code).toBe('event-invalid');
    expect(codesOf(r, problems[0]!)).toEqual(expect.arrayContaining(['size-mismatch', 'checkpoint-root-mismatch']));
  });

  it('two events of one stream swapped are one move', async () => {
    const a = lineWith('"value":"7.5"');
    const b = lineWith('"value":"8.5"');
    const ls = [...lines];
    [ls[a - 1], ls[b - 1]] = [ls[b - 1]!, ls[a - 1]!];
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems.map((p) => p.kind)).toEqual(['events-moved']);
    expect(problems[0]!.summary).toContain(`line ${b} belongs before the one on line ${a}`);
  });

  /** The event line `l` (1-based) with its mark changed to `value`, signed again by `who` as `role`. */
  async function resigned(l: number, value: string, who: Signer, role: string): Promise<string> {
    const d = decodeEnvelope(new TextEncoder().encode(lines[l - 1]));
    if (d._tag === 'Left') throw new Error('not an event');
    const { sigs: _drop, ...unsigned } = d.right;
    const data = { ...(unsigned.data as Record<string, unknown>), value };
    const key = Buffer.from(who.publicKey).toString('base64url');
    const env = await signEnvelope({ ...unsigned, data, by: { key, role } }, [{ signer: who, role }]);
    return new TextDecoder().decode(encodeEnvelope(env));
  }

  it("a mark changed and signed again with the teacher's own (stolen) key: the broken chain is the problem, naming both lines", async () => {
    const l = lineWith('"value":"8.5"');
    const ls = [...lines];
    ls[l - 1] = await resigned(l, '9.5', s.people.teacher.signer, 'subject');
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems.map((p) => p.kind)).toEqual(['chain-broken']);
    const p = problems[0]!;
    expect(p.position).toBe(l - 2);
    expect(p.summary).toContain(`The event on line ${l} (stream "markbook/`);
    expect(p.summary).toContain(`line ${l + 1}`);
    expect(codesOf(r, p)).toContain('checkpoint-root-mismatch');
  });

  it('a mark changed and signed again by the principal, who teaches nothing: one problem, altered and against the rules, the principal named', async () => {
    const l = lineWith('"value":"8.5"');
    const ls = [...lines];
    ls[l - 1] = await resigned(l, '9.5', s.people.principal.signer, 'subject');
    const r = await verify(ls);
    const problems = errorProblems(r);
    expect(problems).toHaveLength(1);
    const p = problems[0]!;
    expect(p).toMatchObject({ kind: 'event-altered', line: l });
    expect(p.summary).toContain('was changed and signed again');
    expect(r.findings[p.cause]!.code).toBe('rule-violation');
    expect(p.claim!.signers).toEqual([
      expect.objectContaining({ role: 'subject', person: s.people.principal.id, name: s.people.principal.name }),
    ]);
    expect(codesOf(r, p)).toEqual(expect.arrayContaining(['stream-prev-mismatch', 'checkpoint-root-mismatch']));
  });

  it('a root that differs with no event to blame is placed between the last checkpoint that matched and the first that did not', () => {
    const { problems, findings } = groupProblems(
      [
        finding('checkpoint-root-mismatch', { position: 39 }, 'm', 'm', { details: { size: 40 } }),
        finding('checkpoint-root-mismatch', { position: 59 }, 'm', 'm', { details: { size: 60 } }),
      ],
      {
        size: 60,
        declaredSize: 60,
        checkpoints: [
          { line: 62, source: 'bundle', origin: 'o', size: 20, root: null, signedBy: [], cosignedBy: [], ok: true },
          { line: 63, source: 'bundle', origin: 'o', size: 40, root: null, signedBy: [], cosignedBy: [], ok: false },
        ],
      },
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'history-changed', cause: 0, consequences: [1] });
    expect(problems[0]!.summary).toContain('the first 20 events match a checkpoint, the first 40 do not');
    expect(findings.map((f) => f.problem)).toEqual([0, 0]);
  });

  it('verified from a store, findings carry no line but the same claims', async () => {
    const r = await verifyStore(s.store, 'thpt-test', { trust, workers: 0 });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});
