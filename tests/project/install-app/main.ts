/**
 * The program a stranger writes first, run by tests/project/install.test.ts in a project outside
 * the repository that installed the packed tarballs: found a school, enter a mark, seal a
 * checkpoint, export the bundle and verify it as an inspector would. It prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  formatVerifierKey,
  ledgerOrigin,
  localSigner,
  newEventId,
  sha256,
  signCheckpoint,
  toBase64Url,
  utf8,
  type Signer,
} from '@hoso/core';
import { openSqliteStore } from '@hoso/store-sqlite';
import { openLedger, type ActingSigner, type Command } from '@hoso/ledger';
import { exportBundle, verifyBundle } from '@hoso/verify';

const school = 'thcs-cai-dat';
const dir = mkdtempSync(join(tmpdir(), 'hoso-install-'));
// A fixed seed per person keeps the run repeatable; real keys are made on each person's device.
const person = (id: string) => ({ id, signer: localSigner(sha256(utf8(`install-test/${id}`))) });
const principal = person('hieu-truong');
const teacher = person('gv-toan');
const key = (s: Signer) => toBase64Url(s.publicKey);

try {
  const store = openSqliteStore({ path: join(dir, 'ledger.db'), ledger: school });
  const ledger = await openLedger({ store, ledger: school, clock: () => new Date('2024-10-01T08:00:00+07:00') });
  const run = async (command: Command, signers: readonly ActingSigner[]) => {
    const r = await ledger.execute({ ...command, id: newEventId() }, signers);
    if (isLeft(r)) throw new Error(`${command.type}: ${r.left.code} ${JSON.stringify(r.left.path)}: ${r.left.message}`);
    return r.right;
  };
  const leader = [{ signer: principal.signer, role: 'leader' }];
  const admin = [{ signer: principal.signer, role: 'admin' }];
  const year = '2024-2025';

  await run(
    {
      type: 'FoundSchool',
      data: {
        school,
        name: 'THCS Cài Đặt',
        levels: ['lower-secondary'],
        leader: { person: principal.id, name: 'Nguyễn Văn Hiệu' },
        rootKey: key(principal.signer),
        timeZone: 'Asia/Ho_Chi_Minh',
      },
    },
    leader,
  );
  await run({ type: 'GrantRole', data: { person: principal.id, role: 'admin' } }, leader);
  await run({ type: 'RegisterStaff', data: { person: teacher.id, name: 'Lê Văn Toán' } }, admin);
  await run({ type: 'RegisterKey', data: { person: teacher.id, key: key(teacher.signer) } }, [
    ...admin,
    { signer: teacher.signer, role: 'holder' },
  ]);
  const terms = { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } };
  await run({ type: 'DefineYear', data: { year, terms } }, leader);
  await run({ type: 'DefineSubject', data: { subject: 'toan', name: 'Toán' } }, leader);
  await run(
    { type: 'OfferSubject', data: { year, grade: 6, subject: 'toan', periodsPerYear: 140, assessment: 'scored' } },
    leader,
  );
  await run({ type: 'OpenClass', data: { year, class: '6A', grade: 6 } }, leader);
  await run({ type: 'GrantRole', data: { person: principal.id, role: 'homeroom', year, class: '6A' } }, leader);
  await run(
    { type: 'GrantRole', data: { person: teacher.id, role: 'subject', year, class: '6A', subject: 'toan' } },
    leader,
  );
  await run(
    {
      type: 'EnrollStudent',
      data: {
        year,
        class: '6A',
        student: 'hs-001',
        date: '2024-09-05',
        bio: { name: 'Phạm Minh An', birthDate: '2013-04-12', sex: 'M' },
      },
    },
    [{ signer: principal.signer, role: 'homeroom' }],
  );
  await run({ type: 'OpenWindow', data: { window: 'hk1', year, period: 'HK1', scope: {} } }, leader);

  const mark = await run(
    {
      type: 'EnterScore',
      data: { year, class: '6A', subject: 'toan', student: 'hs-001', term: 'HK1', column: 'gk', value: '8.5' },
    },
    [{ signer: teacher.signer, role: 'subject' }],
  );

  // The school seals a checkpoint of its log; the inspector trusts the root and seal keys.
  const seal = { name: ledgerOrigin(school), seed: sha256(utf8('install-test/seal')) };
  const size = await store.size(school);
  const checkpoint = signCheckpoint({ origin: ledgerOrigin(school), size, root: await store.root(school, size) }, seal);
  const bundle = join(dir, 'ledger.hoso');
  const exported = await exportBundle(store, school, bundle, { checkpoints: [checkpoint] });
  if (isLeft(exported)) throw new Error(`export: ${exported.left.code}: ${exported.left.message}`);
  await store.close();

  const verified = await verifyBundle(bundle, {
    trust: {
      rootKeys: [key(principal.signer)],
      sealKeys: [formatVerifierKey(seal.name, localSigner(seal.seed).publicKey)],
    },
    workers: 1,
  });
  if (isLeft(verified)) throw new Error(`verify: ${verified.left.message}`);
  const report = verified.right;
  console.log(
    JSON.stringify({
      ok: report.ok,
      size: report.size,
      mark: mark.events[0]?.type,
      findings: report.findings.map((f) => f.code),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
