/**
 * Make a sample bundle and trust file from a small school year: `node make-sample.mjs [dir]`
 * (default `./sample`) writes `ledger.hoso` (the bundle an inspector receives) and `trust.json`
 * (what the inspector trusts, received separately from the school and the witness).
 *
 * The year is written through the ledger's own `execute` (via `buildSchool` from
 * `@hoso/ledger/testing`): class 10A1, three subjects, every term-I mark, the sign-off chain
 * subject → class → leader → office seal, and one three-signature correction after sign-off.
 * A checkpoint taken after the school's setup is given to the inspector as the held checkpoint;
 * the final checkpoint is sealed by the school and cosigned by a witness (the Department, *Sở GD&ĐT*).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cosignCheckpoint,
  formatVerifierKey,
  ledgerOrigin,
  localSigner,
  sha256,
  signCheckpoint,
  SIG_TYPE_COSIGNATURE,
  utf8,
} from '@hoso/core';
import { createMemoryStore } from '@hoso/store';
import { as, buildSchool } from '@hoso/ledger/testing';
import { exportBundle } from '@hoso/verify';

/** A fixed sample key (demo only): SHA-256 of a label. */
const sampleSeed = (/** @type {string} */ label) => sha256(utf8(`hoso/inspector-sample/${label}`));

/**
 * Write the sample into `dir`; resolves to `{ bundle, trust, size, correction }` (the paths, the
 * ledger size and the id of the correction event).
 * @param {string} dir
 */
export async function makeSample(dir) {
  const ledgerId = 'thpt-mau';
  const store = createMemoryStore();
  const school = await buildSchool({ store, ledger: ledgerId, students: 4 });
  const { people: p, year, cls, students } = school;
  const run = school.run.bind(school);
  const T = [as(p.teacher, 'subject')];
  const H = [as(p.homeroom, 'homeroom')];

  // The seal key signs checkpoints under the origin name; the witness cosigns them.
  const seal = { name: ledgerOrigin(ledgerId), seed: sampleSeed('seal') };
  const witness = { name: 'so-gddt.example', seed: sampleSeed('witness') };
  const checkpoint = async () => {
    const size = await store.size(ledgerId);
    return signCheckpoint({ origin: ledgerOrigin(ledgerId), size, root: await store.root(ledgerId, size) }, seal);
  };
  const held = await checkpoint();

  const scores = ['6.5', '7.0', '8.5', '9.0', '5.5', '8.0'];
  let firstCk = '';
  for (const [i, student] of students.entries()) {
    for (const [j, column] of ['tx1', 'tx2', 'tx3', 'tx4', 'gk', 'ck'].entries()) {
      const m = /^tx(\d)$/.exec(column);
      const data = {
        year,
        class: cls,
        subject: 'toan',
        student,
        term: 'HK1',
        column: m ? 'tx' : column,
        ...(m ? { index: Number(m[1]) } : {}),
        value: scores[(i + j) % scores.length],
      };
      const r = await run({ type: 'EnterScore', data }, T);
      if (column === 'ck' && i === 0) firstCk = r.events[0]?.id ?? '';
    }
    for (const [column, index] of [
      ['tx', 1],
      ['tx', 2],
      ['gk', undefined],
      ['ck', undefined],
    ]) {
      await run(
        {
          type: 'EnterScore',
          data: {
            year,
            class: cls,
            subject: 'van',
            student,
            term: 'HK1',
            column,
            ...(index === undefined ? {} : { index }),
            value: scores[(i + 2) % scores.length],
          },
        },
        [as(p.homeroom, 'subject')],
      );
    }
    for (const [column, index] of [
      ['tx', 1],
      ['tx', 2],
      ['gk', undefined],
      ['ck', undefined],
    ]) {
      await run(
        {
          type: 'EnterCommentLevel',
          data: {
            year,
            class: cls,
            subject: 'the-duc',
            student,
            term: 'HK1',
            column,
            ...(index === undefined ? {} : { index }),
            value: 'Đ',
          },
        },
        T,
      );
    }
    await run({ type: 'AssessConduct', data: { year, class: cls, student, term: 'HK1', value: 'Tốt' } }, H);
  }
  await run({ type: 'SignOffSubject', data: { year, class: cls, subject: 'toan', term: 'HK1' } }, T);
  await run({ type: 'SignOffSubject', data: { year, class: cls, subject: 'the-duc', term: 'HK1' } }, T);
  await run({ type: 'SignOffSubject', data: { year, class: cls, subject: 'van', term: 'HK1' } }, [
    as(p.homeroom, 'subject'),
  ]);
  // After sign-off a value changes only by a correction: requester, approver, witness (QC Điều 12.3).
  const correction = await run(
    {
      type: 'Correct',
      data: {
        target: firstCk,
        old: scores[5],
        new: '8.5',
        reason: 'Cộng sót điểm câu 4',
        minutes: { number: '01/BB-DC', date: '2024-10-01', text: 'Biên bản điều chỉnh điểm kiểm tra cuối kỳ I' },
      },
    },
    [...T, as(p.principal, 'leader'), as(p.vice, 'admin')],
  );
  await run({ type: 'ConfirmClass', data: { year, class: cls, term: 'HK1' } }, H);
  await run({ type: 'ApproveClass', data: { year, class: cls, term: 'HK1' } }, [as(p.principal, 'leader')]);
  await run({ type: 'SealBook', data: { year, class: cls, term: 'HK1' } }, [as(p.office, 'office')]);

  const final = cosignCheckpoint(await checkpoint(), witness, Date.UTC(2025, 0, 20) / 1000);
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'ledger.hoso');
  const exported = await exportBundle(store, ledgerId, bundle, { checkpoints: [held, final] });
  if (exported._tag === 'Left') throw new Error(`export refused: ${exported.left.code}: ${exported.left.message}`);
  const trust = join(dir, 'trust.json');
  writeFileSync(
    trust,
    JSON.stringify(
      {
        rootKeys: [p.principal.key],
        sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)],
        witnessKeys: [formatVerifierKey(witness.name, localSigner(witness.seed).publicKey, SIG_TYPE_COSIGNATURE)],
        checkpoint: held,
      },
      null,
      2,
    ) + '\n',
  );
  return { bundle, trust, size: exported.right.size, correction: correction.events[0]?.id ?? '' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = process.argv[2] ?? 'sample';
  const r = await makeSample(dir);
  console.log(`wrote ${r.bundle} (${r.size} events) and ${r.trust}`);
  console.log(`verify it: node inspect.mjs ${r.bundle} --trust ${r.trust} --report ${join(dir, 'report.html')}`);
}
