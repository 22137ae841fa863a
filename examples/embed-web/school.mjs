/**
 * The demo school of the embed-web example: who works there and how the school is set up through
 * `ledger.execute`. Every demo identity's 32-byte seed is derived from a fixed label, so the page
 * can pre-fill the demo teacher's seed. A real deployment never derives seeds like this: each
 * person generates a key on their own device and only the public key reaches the school.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { localSigner, sha256, toBase64Url, utf8 } from '@hoso/core';

/** The seed of a demo identity (*khóa demo*): SHA-256 of a fixed label. Demo only. */
export function demoSeed(/** @type {string} */ person) {
  return sha256(utf8(`hoso/embed-web-demo/${person}`));
}

/** A demo person: id, display name, seed, signer and base64url public key. */
export function demoPerson(/** @type {string} */ id, /** @type {string} */ name) {
  const seed = demoSeed(id);
  const signer = localSigner(seed);
  return { id, name, seed, signer, key: toBase64Url(signer.publicKey) };
}

/**
 * The people of the demo school. The server holds the principal's, the vice-principal's and the homeroom teacher's keys
 * (it plays the school office that sets the ledger up); the subject teacher's key belongs to the
 * browser: the server uses it only once, to co-sign the key's own registration (proof of
 * possession, QC Điều 7.1), and never signs a mark with it.
 */
export const DEMO_PEOPLE = Object.freeze({
  principal: demoPerson('hieu-truong', 'Nguyễn Văn Hiệu'),
  /** Vice-principal in charge of the office (admin): the witness of corrections (QC Điều 12.3). */
  vice: demoPerson('pho-hieu-truong', 'Đặng Thị Phó'),
  homeroom: demoPerson('gvcn-10a1', 'Trần Thị Chủ Nhiệm'),
  teacher: demoPerson('gv-toan', 'Lê Văn Toán'),
});

/** The students of class 10A1. */
/** @type {readonly (readonly [id: string, name: string, birthDate: string, sex: string])[]} */
export const DEMO_STUDENTS = Object.freeze([
  ['hs-001', 'Phạm Minh An', '2009-04-12', 'M'],
  ['hs-002', 'Đỗ Thu Bình', '2009-07-30', 'F'],
  ['hs-003', 'Hoàng Gia Châu', '2009-01-05', 'M'],
  ['hs-004', 'Vũ Ngọc Diệp', '2009-11-21', 'F'],
]);

/** The class the demo teacher teaches. */
export const DEMO_CLASS = '10A1';

/**
 * The school year that contains `now` (`YYYY-YYYY`, starting in August), with the usual terms:
 * HK1 5 Sep – 15 Jan, HK2 20 Jan – 25 May.
 */
export function schoolYearOf(/** @type {Date} */ now) {
  const y = now.getUTCMonth() >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return {
    year: `${y}-${y + 1}`,
    terms: {
      HK1: { start: `${y}-09-05`, end: `${y + 1}-01-15` },
      HK2: { start: `${y + 1}-01-20`, end: `${y + 1}-05-25` },
    },
  };
}

/**
 * Found and set up the demo school on an empty ledger through `execute`: genesis, staff and keys,
 * the year, subjects `toan` (4 regular assessments a term) and `van` (2), class 10A1 with its
 * students, the teacher's subject roles, and a school-wide entry window for the year.
 * Throws with the ledger's refusal if any step is refused (the ledger is then left as far as it got).
 * @param {import('@hoso/ledger').Ledger} ledger
 * @param {Date} now
 */
export async function setUpDemoSchool(ledger, now) {
  const P = DEMO_PEOPLE.principal;
  const H = DEMO_PEOPLE.homeroom;
  const T = DEMO_PEOPLE.teacher;
  const V = DEMO_PEOPLE.vice;
  /**
   * @param {import('@hoso/ledger').Command} command
   * @param {readonly import('@hoso/ledger').ActingSigner[]} signers
   */
  const run = async (command, signers) => {
    const r = await ledger.execute(command, signers);
    if (isLeft(r)) throw new Error(`demo setup: ${command.type} refused: ${r.left.code}: ${r.left.message}`);
    return r.right;
  };
  const leader = [{ signer: P.signer, role: 'leader' }];
  const admin = [{ signer: P.signer, role: 'admin' }];
  const { year, terms } = schoolYearOf(now);
  await run(
    {
      type: 'FoundSchool',
      data: {
        school: ledger.id,
        name: 'THPT Hòa Bình (demo)',
        levels: ['upper-secondary'],
        leader: { person: P.id, name: P.name },
        rootKey: P.key,
        timeZone: 'Asia/Ho_Chi_Minh',
      },
    },
    leader,
  );
  await run({ type: 'GrantRole', data: { person: P.id, role: 'admin' } }, leader);
  for (const p of [V, H, T]) {
    await run({ type: 'RegisterStaff', data: { person: p.id, name: p.name } }, admin);
    // Proof of possession: the new key co-signs its registration. In a real school this
    // signature is made on the teacher's own device.
    await run({ type: 'RegisterKey', data: { person: p.id, key: p.key } }, [
      ...admin,
      { signer: p.signer, role: 'holder' },
    ]);
  }
  await run({ type: 'DefineYear', data: { year, terms } }, leader);
  await run({ type: 'DefineSubject', data: { subject: 'toan', name: 'Toán' } }, leader);
  await run({ type: 'DefineSubject', data: { subject: 'van', name: 'Ngữ văn' } }, leader);
  await run(
    { type: 'OfferSubject', data: { year, grade: 10, subject: 'toan', periodsPerYear: 105, assessment: 'scored' } },
    leader,
  );
  await run(
    { type: 'OfferSubject', data: { year, grade: 10, subject: 'van', periodsPerYear: 35, assessment: 'scored' } },
    leader,
  );
  await run({ type: 'OpenClass', data: { year, class: DEMO_CLASS, grade: 10 } }, leader);
  await run({ type: 'GrantRole', data: { person: V.id, role: 'admin' } }, leader);
  await run({ type: 'GrantRole', data: { person: H.id, role: 'homeroom', year, class: DEMO_CLASS } }, leader);
  for (const subject of ['toan', 'van']) {
    await run({ type: 'GrantRole', data: { person: T.id, role: 'subject', year, class: DEMO_CLASS, subject } }, leader);
  }
  for (const [student, name, birthDate, sex] of DEMO_STUDENTS) {
    await run(
      {
        type: 'EnrollStudent',
        data: { year, class: DEMO_CLASS, student, date: terms.HK1.start, bio: { name, birthDate, sex } },
      },
      [{ signer: H.signer, role: 'homeroom' }],
    );
  }
  await run({ type: 'OpenWindow', data: { window: `nam-hoc-${year}`, year, period: 'CN', scope: {} } }, leader);
  return { year };
}
