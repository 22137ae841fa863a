/**
 * `hoso demo`: a school year on the embedded SQLite store, start to finish. It founds a school,
 * registers staff and their keys, opens classes, enrols students, runs both terms (scores and
 * comments from subject teachers, absences and conduct from homeroom teachers, entry windows
 * opened and closed), makes two corrections with minutes and three signatures, shows the
 * correction the ledger refuses (one person as approver and witness), signs off, confirms,
 * approves and seals, signs checkpoints that a district witness cosigns, exports the bundle,
 * verifies it, prints the books and writes the report.
 *
 * Deterministic for a seed: key seeds, names and marks come from the seed, the ledger's clock is
 * simulated and command ids (UUID v7) are built from that clock and a seeded generator, so the
 * same seed writes a byte-identical ledger.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { signerVerifier } from '@hoso/core';
import { openLedger, timestampCheckpoint, type ActingSigner, type Appended, type Ledger } from '@hoso/ledger';
import { openSqliteStore, sqlitePersonalData } from '@hoso/store-sqlite';
import { classMarkbook } from '@hoso/books';
import { exportBundle, renderReport, verdictBanner, verifyBundle, type VerifyReport } from '@hoso/verify';
import {
  correctionMinutesDocument,
  correctionMinutesOfRecords,
  markbookDocument,
  printAll,
  registerDocument,
  transcriptDocument,
  verificationFromCheckpoint,
  type PrintJob,
  type PrintMeta,
} from '@hoso/print';
import { cosign, keep, signAndKeep, type KeptCheckpoint } from '../checkpoints.js';
import { refused, usage } from '../exit.js';
import { ensureDir, writeText, type Output } from '../io.js';
import { keyFromSeed, verifierKeyText, type KeyMaterial } from '../keys.js';
import { derivedSeed, seededRng, uuidV7At, type Rng } from '../prng.js';
import { progressFor, type ProgressFactory } from '../progress.js';
import { foldStore, markbookData, registerData, schoolInfo, transcriptData, transcriptOf } from '../books-view.js';
import type { OpenedStore } from '../store.js';
import { demoCa, type DemoCa } from './ca.js';
import { planSchool, regularCount, SUBJECTS, type DemoPerson, type DemoSchool, type DemoStudent } from './school.js';
import { notAssessed, onList, yearCases, type YearCases } from './year.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Output folder (created if needed). */
  readonly dir: string;
  /** Number of students (classes of about 40). */
  readonly students: number;
  /** The seed every key, name and mark derives from. */
  readonly seed: string;
  /** Skip printing the books (faster for very large demos). */
  readonly noPrint?: boolean;
  /** Sign the printed học bạ, register and minutes (PAdES) with a test PKI (`demo/sign.ts`). */
  readonly sign?: boolean;
  readonly quiet?: boolean;
  /**
   * Put CA-backed signatures from a test PKI on every act (default true). Its keys are random, so
   * only a demo without them (`ca: false`) writes a byte-identical ledger for a seed.
   */
  readonly ca?: boolean;
  /** Make the seal's key on a SoftHSM2 token (needs softhsm2 and the pkcs11js addon). */
  readonly token?: boolean;
}

/** What the demo wrote. */
export interface DemoResult {
  readonly ledger: string;
  readonly events: number;
  readonly root: string;
  readonly files: Readonly<Record<string, string>>;
  readonly printed: readonly string[];
  readonly report: VerifyReport;
  readonly refusal: { readonly code: string; readonly message: string; readonly rule?: string };
  /** CA-backed signatures written (0 without `ca`), and where the seal's key was. */
  readonly certified: number;
  readonly sealKey?: 'software' | 'SoftHSM2';
  readonly seconds: number;
  /** Wall-clock seconds of each step (setup, HK1, HK2, export, verify, print). */
  readonly steps: Readonly<Record<string, number>>;
}

const YEAR = '2024-2025';
const TERMS = {
  HK1: { start: '2024-09-05', end: '2025-01-15' },
  HK2: { start: '2025-01-20', end: '2025-05-25' },
} as const;
type TermId = keyof typeof TERMS;

/** Assessment days of each term: regular 1–4, mid-term, end of term. */
const ROUNDS: Record<TermId, ReadonlyArray<{ date: string; column: 'tx' | 'gk' | 'ck'; index?: number }>> = {
  HK1: [
    { date: '2024-09-20', column: 'tx', index: 1 },
    { date: '2024-10-08', column: 'tx', index: 2 },
    { date: '2024-11-01', column: 'gk' },
    { date: '2024-11-18', column: 'tx', index: 3 },
    { date: '2024-12-02', column: 'tx', index: 4 },
    { date: '2024-12-20', column: 'ck' },
  ],
  HK2: [
    { date: '2025-02-10', column: 'tx', index: 1 },
    { date: '2025-03-03', column: 'tx', index: 2 },
    { date: '2025-03-20', column: 'gk' },
    { date: '2025-04-07', column: 'tx', index: 3 },
    { date: '2025-04-21', column: 'tx', index: 4 },
    { date: '2025-05-12', column: 'ck' },
  ],
};

/** Vietnam time 07:30 on `date`. */
const morning = (date: string): Date => new Date(`${date}T07:30:00+07:00`);

/** The demo's people, keys and simulated clock, with a `run` that executes or stops. */
class Demo {
  readonly clock = { now: morning('2024-08-15') };
  readonly keys = new Map<string, KeyMaterial>();
  readonly ids: Rng;
  readonly marks: Rng;
  #ledger: Ledger | undefined;
  ca: DemoCa | undefined;
  certified = 0;
  tick: (n: number) => void = () => undefined;

  constructor(
    readonly school: DemoSchool,
    readonly seed: string,
  ) {
    this.ids = seededRng(seed, 'ids');
    this.marks = seededRng(seed, 'marks');
  }

  key(p: DemoPerson): KeyMaterial {
    let k = this.keys.get(p.id);
    if (k === undefined) {
      k = keyFromSeed(p.id, derivedSeed(this.seed, `key/${p.id}`));
      this.keys.set(p.id, k);
    }
    return k;
  }

  get ledger(): Ledger {
    if (this.#ledger === undefined) throw refused('demo-broken', 'the demo wrote after its ledger was let go');
    return this.#ledger;
  }

  set ledger(l: Ledger) {
    this.#ledger = l;
  }

  /**
   * Let the ledger's in-memory state go once the year is written: export, verification and
   * printing read the store, and that state is most of what the write side holds.
   */
  dropLedger(): void {
    this.#ledger = undefined;
  }

  as(p: DemoPerson, role: string): ActingSigner {
    return { signer: this.key(p).signer, role };
  }

  /** Move the clock to `date` 07:30 (never backwards). */
  at(date: string): void {
    const t = morning(date);
    if (t > this.clock.now) this.clock.now = t;
  }

  /** Execute with a deterministic id, a second after the previous command; a refusal here is a bug in the demo. */
  async run(type: string, data: unknown, signers: readonly ActingSigner[]): Promise<Appended> {
    const r = await this.attempt(type, data, signers);
    if (isLeft(r))
      throw refused(
        r.left.code,
        `the demo's ${type} was refused: ${r.left.message}`,
        r.left.path?.join('.'),
        r.left.rule,
      );
    return r.right;
  }

  /** Bind `p`'s certificate (the office: the seal's) to them, written by `admin`; nothing without a CA. */
  async bind(p: DemoPerson, admin: ActingSigner): Promise<void> {
    if (this.ca === undefined) return;
    this.clock.now = new Date(this.clock.now.getTime() + 1000);
    const id = uuidV7At(this.clock.now.getTime(), this.ids);
    const r = await this.ledger.bindCertificate(
      {
        person: p.id,
        id,
        signer: await this.ca.signer(p),
        evidence: await this.ca.evidence(this.clock.now),
        tsa: this.ca.tsa,
      },
      [admin],
    );
    if (isLeft(r))
      throw refused(
        r.left.code,
        `the demo's certificate of ${p.id} was refused: ${r.left.message}`,
        r.left.path.join('.'),
        r.left.rule,
      );
  }

  /** Put `p`'s CA signature on the act `act` wrote (they signed it in `role`); nothing without a CA. */
  async certify(act: Appended, p: DemoPerson, role: string): Promise<void> {
    if (this.ca === undefined) return;
    this.clock.now = new Date(this.clock.now.getTime() + 1000);
    const id = uuidV7At(this.clock.now.getTime(), this.ids);
    const r = await this.ledger.certify(
      {
        act: act.events[0]!.id,
        id,
        signer: await this.ca.signer(p),
        evidence: await this.ca.evidence(this.clock.now),
        tsa: this.ca.tsa,
      },
      [this.as(p, role)],
    );
    if (isLeft(r))
      throw refused(
        r.left.code,
        `the demo's CA signature was refused: ${r.left.message}`,
        r.left.path.join('.'),
        r.left.rule,
      );
    this.certified++;
  }

  async attempt(type: string, data: unknown, signers: readonly ActingSigner[]) {
    this.clock.now = new Date(this.clock.now.getTime() + 1000);
    const id = uuidV7At(this.clock.now.getTime(), this.ids);
    const r = await this.ledger.execute({ type, id, data }, signers);
    if (!isLeft(r)) this.tick(r.right.events.length);
    return r;
  }
}

/** A score around the student's ability: halves for regular assessments, tenths for tests. */
function score(rng: Rng, s: DemoStudent, column: 'tx' | 'gk' | 'ck'): string {
  const noise = (rng.next() - 0.5) * 3;
  const raw = Math.min(10, Math.max(0, s.ability + noise));
  const v = column === 'tx' ? Math.round(raw * 2) / 2 : Math.round(raw * 10) / 10;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

function conduct(rng: Rng): string {
  const x = rng.next();
  return x < 0.7 ? 'Tốt' : x < 0.92 ? 'Khá' : x < 0.99 ? 'Đạt' : 'Chưa đạt';
}

/** A weekday date in [start, end] (Vietnam calendar dates, computed in UTC). */
function schoolDay(rng: Rng, start: string, end: string): string {
  const a = Date.parse(`${start}T00:00:00Z`);
  const b = Date.parse(`${end}T00:00:00Z`);
  for (;;) {
    const d = new Date(a + rng.int(0, Math.floor((b - a) / 86_400_000)) * 86_400_000);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) return d.toISOString().slice(0, 10);
  }
}

/** A step of a term, run in date order. */
interface Action {
  readonly date: string;
  readonly go: () => Promise<unknown>;
}

/** A demo student's `EnrollStudent` data: the biography in clear (the ledger commits it), `from` if transferred in. */
function enrolment(cls: string, st: DemoStudent, date: string, from?: string) {
  return {
    year: YEAR,
    class: cls,
    student: st.id,
    date,
    ...(from === undefined ? {} : { from: { school: from } }),
    bio: {
      name: st.name,
      birthDate: st.birthDate,
      sex: st.sex,
      birthPlace: st.birthPlace,
      ethnicity: 'Kinh',
      nationality: 'Việt Nam',
    },
  };
}

/** Whether this is the periodic test the make-up case's student misses. */
function missed(cases: YearCases | null, st: DemoStudent, subject: string, term: TermId, column: string): boolean {
  return (
    cases !== null &&
    cases.makeUp.student.id === st.id &&
    cases.makeUp.subject === subject &&
    cases.makeUp.term === term &&
    cases.makeUp.column === column
  );
}

/**
 * The steps of the year's cases in `term` (`year.ts`): the individual plan and the exemptions, the
 * make-up, the arrival with the other school's marks, the departure, the principal's decision.
 */
function caseActions(
  demo: Demo,
  cases: YearCases,
  c: DemoSchool['classes'][number],
  term: TermId,
  say: (s: string) => void,
): Action[] {
  const P = demo.school.principal;
  const leader = [demo.as(P, 'leader')];
  const homeroom = [demo.as(c.homeroom, 'homeroom')];
  const base = (st: DemoStudent) => ({ year: YEAR, class: c.code, student: st.id });
  if (term === 'HK1') {
    const { plan, makeUp, arrival } = cases;
    return [
      {
        date: plan.on,
        go: async () => {
          await demo.run(
            'RecordIndividualPlan',
            { ...base(plan.student), mode: 'inclusive', plan: plan.plan, planSubjects: plan.planSubjects },
            leader,
          );
          await demo.run(
            'DecideExemption',
            {
              ...base(plan.student),
              subject: plan.exempt.subject,
              period: 'CN',
              scope: 'subject',
              decision: plan.exempt.decision,
              reason: plan.exempt.reason,
            },
            leader,
          );
          say(
            `  ${plan.student.name}: individual education plan ${plan.plan.number}, exempt from Giáo dục thể chất for the year (${plan.exempt.decision.number})`,
          );
        },
      },
      {
        date: makeUp.takenOn,
        go: async () => {
          const st = makeUp.student;
          const value = score(demo.marks, st, makeUp.column);
          await demo.run(
            'EnterScore',
            { ...base(st), subject: makeUp.subject, term, column: makeUp.column, value, makeUp: { taken: true } },
            [demo.as(c.teachers[makeUp.subject]!, 'subject')],
          );
          say(
            `  ${st.name} missed the Hóa học mid-term test on ${makeUp.missedOn}; the make-up on ${makeUp.takenOn}: ${value}`,
          );
        },
      },
      {
        date: arrival.date,
        go: async () => {
          const st = arrival.student;
          await demo.run('EnrollStudent', enrolment(c.code, st, arrival.date, arrival.school), homeroom);
          // The marks given before he came, read from the other school's document (QC Điều 8.2).
          const source = { school: arrival.school, document: arrival.document };
          for (const round of ROUNDS.HK1.filter((r) => r.date < arrival.date))
            for (const s of SUBJECTS) {
              if (round.index !== undefined && round.index > regularCount(s)) continue;
              const scored = s.assessment === 'scored';
              await demo.run(
                scored ? 'EnterScore' : 'EnterCommentLevel',
                {
                  ...base(st),
                  subject: s.code,
                  term,
                  column: round.column,
                  ...(round.index === undefined ? {} : { index: round.index }),
                  value: scored ? score(demo.marks, st, round.column) : 'Đ',
                  source,
                },
                [demo.as(c.teachers[s.code]!, 'subject')],
              );
            }
          say(
            `  ${st.name} arrived from ${arrival.school} on ${arrival.date}, with its marks (${arrival.document.number})`,
          );
        },
      },
    ];
  }
  const { practice, departure, plan } = cases;
  return [
    {
      date: practice.on,
      go: async () => {
        await demo.run(
          'DecideExemption',
          {
            ...base(practice.student),
            subject: practice.subject,
            period: practice.period,
            scope: 'practice',
            decision: practice.decision,
            reason: practice.reason,
          },
          leader,
        );
        say(
          `  ${practice.student.name}: exempt from the practical part of Giáo dục thể chất in HK2 (${practice.decision.number})`,
        );
      },
    },
    {
      date: departure.date,
      go: async () => {
        await demo.run(
          'TransferStudent',
          {
            ...base(departure.student),
            date: departure.date,
            to: { school: departure.school },
            reason: departure.reason,
            transcript: departure.transcript,
          },
          homeroom,
        );
        say(
          `  ${departure.student.name} left for ${departure.school} on ${departure.date} (records ${departure.transcript.number})`,
        );
      },
    },
    {
      date: plan.promotion.on,
      go: async () => {
        await demo.run(
          'DecidePromotion',
          { ...base(plan.student), decision: 'promoted', document: plan.promotion.document },
          leader,
        );
        say(`  ${P.name} decided ${plan.student.name} is promoted (${plan.promotion.document.number})`);
      },
    },
  ];
}

/** Remove the files a previous demo left in `dir` (only the demo's own file names). */
function clearDemoFiles(dir: string): void {
  for (const f of [
    'ledger.db',
    'ledger.db-wal',
    'ledger.db-shm',
    'ledger.db.checkpoints',
    'ledger.hoso',
    'report.html',
    'print',
    'seal.vkey',
    'witness.vkey',
    'root.key.pub',
    'ca-root.pem',
    'keys',
  ]) {
    rmSync(join(dir, f), { recursive: true, force: true });
  }
}

/**
 * The documents the demo prints — every class's markbook, three học bạ of the first class and
 * those of the year's cases, the register and the correction minutes — from the records folded up
 * to checkpoint `last`. Names are read through the personal-data store (the signed bytes hold only
 * commitments). The records are local to this function, so they can be collected once the
 * documents exist.
 */
async function demoJobs(
  opened: OpenedStore,
  school: DemoSchool,
  last: KeptCheckpoint,
  cases: YearCases | null,
): Promise<{ jobs: PrintJob[]; schoolName: string }> {
  const c0 = school.classes[0]!;
  const records = await foldStore(opened.store, school.ledger, last.checkpoint.size, opened.personal);
  const jobs: PrintJob[] = [];
  const meta = (book: string): PrintMeta => {
    const v = verificationFromCheckpoint(last.note, { book });
    if (isLeft(v)) throw usage(v.left.code, v.left.message, 'checkpoint');
    return {
      school: schoolInfo(records, 'SỞ GIÁO DỤC VÀ ĐÀO TẠO HÀ NỘI'),
      verification: v.right,
      printedOn: '2025-05-30',
    };
  };
  for (const c of school.classes) {
    const book = classMarkbook(records, YEAR, c.code);
    if (isLeft(book)) throw refused(book.left.code, book.left.message, `class ${c.code}`);
    const doc = markbookDocument(markbookData(records, book.right), meta(`markbook/${YEAR}/${c.code}`));
    if (isLeft(doc)) throw refused(doc.left.code, doc.left.message, doc.left.path?.join('.'), doc.left.rule);
    jobs.push({ name: `so-theo-doi-danh-gia-${c.code.toLowerCase()}`, document: doc.right });
  }
  const transcriptStudents = new Set<string>([
    c0.students[0]!.id,
    c0.students[Math.min(2, c0.students.length - 1)]!.id,
    c0.students[Math.min(4, c0.students.length - 1)]!.id,
    ...(cases === null
      ? []
      : [cases.makeUp, cases.plan, cases.practice, cases.departure, cases.arrival].map((k) => k.student.id)),
  ]);
  for (const id of transcriptStudents) {
    const t = transcriptOf(records, id);
    const data = t === null ? null : transcriptData(records, t, YEAR);
    if (data === null) continue;
    const doc = transcriptDocument(data, meta(`student/${id}`));
    if (isLeft(doc)) throw refused(doc.left.code, doc.left.message, doc.left.path?.join('.'), doc.left.rule);
    jobs.push({ name: `hoc-ba-${id}`, document: doc.right });
  }
  const reg = registerDocument(registerData(records, `Năm học ${YEAR}`), meta('register'));
  if (isLeft(reg)) throw refused(reg.left.code, reg.left.message, reg.left.path?.join('.'), reg.left.rule);
  jobs.push({ name: 'so-dang-bo', document: reg.right });
  for (const m of correctionMinutesOfRecords(records)) {
    const doc = correctionMinutesDocument(m, meta(`minutes/${m.number}`));
    if (isLeft(doc)) throw refused(doc.left.code, doc.left.message, doc.left.path?.join('.'), doc.left.rule);
    jobs.push({ name: `bien-ban-${m.number.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`, document: doc.right });
  }
  return { jobs, schoolName: records.school?.name ?? 'Trường' };
}

/** Run the demo; progress and the story go to `io.err`, nothing to `io.out` (the caller prints the summary). */
export async function runDemo(options: DemoOptions, io: Output): Promise<DemoResult> {
  const started = Date.now();
  const steps: Record<string, number> = {};
  let mark = started;
  const lap = (name: string): void => {
    const now = Date.now();
    steps[name] = Math.round((now - mark) / 100) / 10;
    mark = now;
  };
  if (!Number.isSafeInteger(options.students) || options.students < 1 || options.students > 100_000) {
    throw usage('invalid-option', 'the number of students is an integer from 1 to 100000', '--students');
  }
  const say = (s: string): void => {
    if (!options.quiet) io.err(s + '\n');
  };
  const progress: ProgressFactory = progressFor(io, options.quiet === true);
  const dir = options.dir;
  ensureDir(dir, '--dir');
  clearDemoFiles(dir);
  const school = planSchool(options.students, seededRng(options.seed, 'school'));
  const demo = new Demo(school, options.seed);
  const dbPath = join(dir, 'ledger.db');
  const cpDir = `${dbPath}.checkpoints`;
  // Pupils' biographies are commitments in the signed bytes, their values in this store in the same file.
  const personal = sqlitePersonalData();
  const sqlite = openSqliteStore({ path: dbPath, ledger: school.ledger, extensions: [personal.extension] });
  const opened: OpenedStore = {
    store: sqlite,
    ledger: school.ledger,
    where: dbPath,
    sqlite,
    personal,
    close: () => sqlite.close(),
  };
  const cases = yearCases(school.classes[0]!);
  const P = school.principal;
  const seal = keyFromSeed(`hoso/${school.ledger}`, derivedSeed(options.seed, 'seal'));
  const witnessKey = keyFromSeed('so-gddt-ha-noi.demo', derivedSeed(options.seed, 'witness'));
  const studentCount = school.classes.reduce((n, c) => n + c.students.length, 0);
  try {
    if (options.ca !== false)
      demo.ca = await demoCa({
        start: demo.clock.now,
        clock: () => demo.clock.now,
        school: { name: school.name, taxCode: '0101234567', province: school.province },
        office: school.office,
        token: options.token === true,
      });
    demo.ledger = await openLedger({
      store: sqlite,
      ledger: school.ledger,
      clock: () => demo.clock.now,
      personalData: personal,
      // Without the CA the same seed writes the same bytes, the commitments' salts included.
      ...(demo.ca === undefined
        ? {
            salts: (
              (rng: Rng) => () =>
                rng.bytes(32)
            )(seededRng(options.seed, 'salts')),
          }
        : { trust: { roots: demo.ca.roots } }),
    });
    say(
      `hoso demo — ${school.name}, năm học ${YEAR}: ${school.classes.length} class(es), ${studentCount} students, seed "${options.seed}"`,
    );

    // ---- Setup: school, staff and keys, year, subjects, classes, roles, class lists ----------
    const staff: DemoPerson[] = [
      school.vice,
      school.office,
      ...school.teachers,
      ...school.classes.map((c) => c.homeroom),
    ];
    const grades = [...new Set(school.classes.map((c) => c.grade))];
    const setupTotal =
      3 +
      staff.length * 2 +
      1 +
      SUBJECTS.length * (1 + grades.length) +
      school.classes.length * (2 + SUBJECTS.length) +
      2 +
      studentCount * 2;
    let bar = progress('setting up the school', setupTotal);
    demo.tick = (n) => bar.tick(n);
    await demo.run(
      'FoundSchool',
      {
        school: school.ledger,
        name: school.name,
        levels: ['upper-secondary'],
        leader: { person: P.id, name: P.name },
        rootKey: demo.key(P).publicKey,
        timeZone: 'Asia/Ho_Chi_Minh',
        province: school.province,
      },
      [demo.as(P, 'leader')],
    );
    await demo.run('GrantRole', { person: P.id, role: 'admin' }, [demo.as(P, 'leader')]);
    // From here on every biography is signed as commitments (docs/personal-data.md §3).
    await demo.run('AdoptPersonalDataFormat', { format: 'hoso/pd/v1' }, [demo.as(P, 'leader')]);
    for (const p of staff) {
      const identity = demo.ca === undefined || p === school.office ? {} : { identity: demo.ca.identity(p) };
      await demo.run('RegisterStaff', { person: p.id, name: p.name, position: p.position, ...identity }, [
        demo.as(P, 'admin'),
      ]);
      await demo.run('RegisterKey', { person: p.id, key: demo.key(p).publicKey }, [
        demo.as(P, 'admin'),
        demo.as(p, 'holder'),
      ]);
    }
    // Each signer's certificate, bound by their own key's proof; the office holds the seal's.
    for (const p of [P, ...staff]) await demo.bind(p, demo.as(P, 'admin'));
    if (demo.ca !== undefined)
      say(
        `  certificates from the test CA (no legal weight) bound to ${staff.length + 1} people; the seal's key is ${demo.ca.sealOn === 'SoftHSM2' ? 'on a SoftHSM2 token' : 'a software key'}`,
      );
    await demo.run('DefineYear', { year: YEAR, terms: TERMS }, [demo.as(P, 'leader')]);
    for (const s of SUBJECTS)
      await demo.run('DefineSubject', { subject: s.code, name: s.name }, [demo.as(P, 'leader')]);
    for (const g of grades)
      for (const s of SUBJECTS)
        await demo.run(
          'OfferSubject',
          { year: YEAR, grade: g, subject: s.code, periodsPerYear: s.periods, assessment: s.assessment },
          [demo.as(P, 'leader')],
        );
    await demo.run('GrantRole', { person: school.vice.id, role: 'admin' }, [demo.as(P, 'leader')]);
    await demo.run('GrantRole', { person: school.office.id, role: 'office' }, [demo.as(P, 'leader')]);
    for (const c of school.classes) {
      await demo.run('OpenClass', { year: YEAR, class: c.code, grade: c.grade }, [demo.as(P, 'leader')]);
      await demo.run('GrantRole', { person: c.homeroom.id, role: 'homeroom', year: YEAR, class: c.code }, [
        demo.as(P, 'leader'),
      ]);
      for (const s of SUBJECTS)
        await demo.run(
          'GrantRole',
          { person: c.teachers[s.code]!.id, role: 'subject', year: YEAR, class: c.code, subject: s.code },
          [demo.as(P, 'leader')],
        );
    }
    demo.at(TERMS.HK1.start);
    for (const c of school.classes) {
      for (const st of c.students) {
        // The pupil who comes from another school in term I is enrolled on the day he arrives.
        if (!onList(cases, st.id, TERMS.HK1.start)) continue;
        await demo.run('EnrollStudent', enrolment(c.code, st, TERMS.HK1.start), [demo.as(c.homeroom, 'homeroom')]);
      }
    }
    bar.done('events');
    lap('setup');

    // ---- The two terms -----------------------------------------------------------------------
    // Only the first class's entries are corrected later, so only theirs are remembered.
    const entered = new Map<string, { id: string; value: string }>();
    const c0 = school.classes[0]!;
    const toan = SUBJECTS[0]!;
    let refusal: DemoResult['refusal'] | undefined;
    const kept: KeptCheckpoint[] = [];
    let witnessed: KeptCheckpoint | null = null;

    const checkpoint = async (label: string): Promise<void> => {
      const ca = demo.ca;
      // With the test CA, the seal's checkpoint is timestamped by its TSA, the day's CRLs inside (docs/formats.md §2).
      const stamp =
        ca === undefined
          ? undefined
          : async (signed: string): Promise<string> => {
              const r = await timestampCheckpoint(signed, {
                authority: ca.tsa,
                evidence: await ca.evidence(demo.clock.now),
                trust: { roots: ca.roots },
              });
              if (isLeft(r)) throw refused(r.left.code, r.left.message, 'tsa', r.left.rule);
              return r.right;
            };
      const cp = await signAndKeep(opened, seal, cpDir, stamp);
      const note = await cosign(opened, cp.note, {
        key: witnessKey,
        seal: signerVerifier(seal.note),
        previous: witnessed?.checkpoint ?? null,
        time: Math.floor(demo.clock.now.getTime() / 1000),
      });
      const k = keep(cpDir, note);
      kept.push(k);
      witnessed = k;
      say(
        `  checkpoint ${label}: size ${k.checkpoint.size}, signed with the seal key${stamp === undefined ? '' : ', timestamped by the test TSA'}, cosigned by witness ${witnessKey.name}`,
      );
    };

    for (const term of ['HK1', 'HK2'] as const) {
      const window = `${term.toLowerCase()}-${YEAR}`;
      demo.at(term === 'HK1' ? TERMS.HK1.start : TERMS.HK2.start);
      await demo.run('OpenWindow', { window, year: YEAR, period: term, scope: {} }, [demo.as(P, 'leader')]);
      say(`  ${term}: entry window "${window}" opened by the principal`);
      const actions: Action[] = [];
      for (const round of ROUNDS[term]) {
        actions.push({
          date: round.date,
          go: async () => {
            for (const c of school.classes) {
              for (const s of SUBJECTS) {
                if (round.index !== undefined && round.index > regularCount(s)) continue;
                for (const st of c.students) {
                  if (!onList(cases, st.id, round.date) || notAssessed(cases, st.id, s.code)) continue;
                  if (c === c0 && missed(cases, st, s.code, term, round.column)) {
                    await demo.run(
                      'RecordMissedTest',
                      {
                        year: YEAR,
                        class: c.code,
                        subject: s.code,
                        student: st.id,
                        term,
                        column: round.column,
                        reason: cases!.makeUp.reason,
                      },
                      [demo.as(c.teachers[s.code]!, 'subject')],
                    );
                    continue;
                  }
                  const value =
                    s.assessment === 'scored'
                      ? score(demo.marks, st, round.column)
                      : demo.marks.chance(0.995)
                        ? 'Đ'
                        : 'CĐ';
                  const data = {
                    year: YEAR,
                    class: c.code,
                    subject: s.code,
                    student: st.id,
                    term,
                    column: round.column,
                    ...(round.index === undefined ? {} : { index: round.index }),
                    value,
                  };
                  const r = await demo.run(s.assessment === 'scored' ? 'EnterScore' : 'EnterCommentLevel', data, [
                    demo.as(c.teachers[s.code]!, 'subject'),
                  ]);
                  if (c === c0)
                    entered.set(`${c.code}/${s.code}/${st.id}/${term}/${round.column}${round.index ?? ''}`, {
                      id: r.events[0]!.id,
                      value,
                    });
                }
              }
            }
          },
        });
      }
      for (const c of school.classes) {
        for (const st of c.students) {
          const n = demo.marks.pick([0, 0, 0, 0, 1, 1, 1, 2, 2, 3]);
          const seen = new Set<string>();
          for (let i = 0; i < n; i++) {
            // Absences fall in teaching weeks, before the term's records are closed.
            const date = schoolDay(demo.marks, TERMS[term].start, term === 'HK1' ? '2024-12-31' : '2025-05-20');
            const session = demo.marks.chance(0.7) ? 'morning' : 'afternoon';
            if (seen.has(date + session) || !onList(cases, st.id, date)) continue;
            seen.add(date + session);
            const value = demo.marks.chance(0.75) ? 'P' : 'K';
            actions.push({
              date,
              go: () =>
                demo.run(
                  'RecordAbsence',
                  {
                    year: YEAR,
                    class: c.code,
                    student: st.id,
                    date,
                    session,
                    value,
                    ...(value === 'P' ? { reason: 'Ốm, có giấy phép của gia đình' } : {}),
                  },
                  [demo.as(c.homeroom, 'homeroom')],
                ),
            });
          }
        }
      }
      if (cases !== null) actions.push(...caseActions(demo, cases, c0, term, say));
      const conductDate = term === 'HK1' ? '2025-01-06' : '2025-05-19';
      actions.push({
        date: conductDate,
        go: async () => {
          for (const c of school.classes) {
            for (const st of c.students) {
              if (!onList(cases, st.id, conductDate)) continue;
              const value = conduct(demo.marks);
              const r = await demo.run('AssessConduct', { year: YEAR, class: c.code, student: st.id, term, value }, [
                demo.as(c.homeroom, 'homeroom'),
              ]);
              if (c === c0) entered.set(`${c.code}/conduct/${st.id}/${term}`, { id: r.events[0]!.id, value });
            }
          }
        },
      });
      if (term === 'HK1') {
        const target = c0.students[Math.min(2, c0.students.length - 1)]!;
        actions.push({
          date: '2024-12-09',
          go: async () => {
            const e = entered.get(`${c0.code}/${toan.code}/${target.id}/HK1/tx1`)!;
            const fixed = String(Math.min(10, Math.floor(Number(e.value)) + 1));
            const data = {
              target: e.id,
              old: e.value,
              new: fixed === e.value ? '9' : fixed,
              reason: 'Giáo viên nhập nhầm điểm đánh giá thường xuyên lần 1 so với bài kiểm tra',
              minutes: {
                number: '01/BB-SCDL',
                date: '2024-12-09',
                // The pupil by code: the minutes are signed in clear, a name would never leave the chain.
                text: `Biên bản sửa chữa điểm ĐĐGtx 1 môn Toán của học sinh mã ${target.id}, lớp ${c0.code}.`,
              },
            };
            const teacher = c0.teachers[toan.code]!;
            // The principal tries to sign as approver and as witness: the ledger refuses.
            const attempt = await demo.attempt('Correct', data, [
              demo.as(teacher, 'subject'),
              demo.as(P, 'leader'),
              demo.as(P, 'admin'),
            ]);
            if (!isLeft(attempt))
              throw refused('demo-broken', 'the ledger accepted one person as approver and witness');
            refusal = {
              code: attempt.left.code,
              message: attempt.left.message,
              ...(attempt.left.rule === undefined ? {} : { rule: attempt.left.rule }),
            };
            say(
              `  REFUSED correction: ${attempt.left.message} (${attempt.left.rule ?? ''}) [${attempt.left.code}]; nothing was written`,
            );
            demo.at('2024-12-10');
            const fix = await demo.run('Correct', { ...data, minutes: { ...data.minutes, date: '2024-12-10' } }, [
              demo.as(teacher, 'subject'),
              demo.as(P, 'leader'),
              demo.as(school.vice, 'admin'),
            ]);
            await demo.certify(fix, teacher, 'subject');
            await demo.certify(fix, P, 'leader');
            await demo.certify(fix, school.vice, 'admin');
            say(
              `  correction 01/BB-SCDL: Toán ĐĐGtx 1 of ${target.name} ${e.value} → ${data.new}, signed by ${teacher.name} (requester), ${P.name} (approver), ${school.vice.name} (witness)`,
            );
          },
        });
      } else {
        const target = c0.students[Math.min(4, c0.students.length - 1)]!;
        actions.push({
          date: '2025-02-20',
          go: async () => {
            const e = entered.get(`${c0.code}/conduct/${target.id}/HK1`)!;
            const value = e.value === 'Tốt' ? 'Khá' : 'Tốt';
            const fix = await demo.run(
              'Correct',
              {
                target: e.id,
                old: e.value,
                new: value,
                reason: 'Hội đồng xét lại kết quả rèn luyện học kỳ I theo biên bản họp lớp',
                minutes: {
                  number: '02/BB-SCDL',
                  date: '2025-02-20',
                  text: `Biên bản điều chỉnh kết quả rèn luyện học kỳ I của học sinh mã ${target.id}, lớp ${c0.code}.`,
                },
              },
              [demo.as(c0.homeroom, 'homeroom'), demo.as(P, 'leader'), demo.as(school.vice, 'admin')],
            );
            await demo.certify(fix, c0.homeroom, 'homeroom');
            await demo.certify(fix, P, 'leader');
            await demo.certify(fix, school.vice, 'admin');
            say(
              `  correction 02/BB-SCDL: conduct HK1 of ${target.name} ${e.value} → ${value}, after the class was confirmed and sealed`,
            );
          },
        });
      }
      actions.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
      const perRound = school.classes.reduce((n, c) => n + c.students.length, 0);
      const total =
        ROUNDS[term].reduce(
          (n, r) => n + perRound * SUBJECTS.filter((s) => r.index === undefined || r.index <= regularCount(s)).length,
          0,
        ) +
        actions.length +
        perRound;
      bar = progress(`${term}: entries, absences, conduct`, total);
      demo.tick = (n) => bar.tick(n);
      for (const a of actions) {
        demo.at(a.date);
        await a.go();
      }
      demo.at(term === 'HK1' ? '2025-01-10' : '2025-05-24');
      await demo.run('CloseWindow', { window, reason: `Khóa sổ ${term === 'HK1' ? 'học kỳ I' : 'học kỳ II'}` }, [
        demo.as(P, 'leader'),
      ]);
      bar.done('events');
      say(`  ${term}: window "${window}" closed (khóa sổ)`);

      demo.at(term === 'HK1' ? '2025-01-12' : '2025-05-26');
      const periods = term === 'HK1' ? (['HK1'] as const) : (['HK2', 'CN'] as const);
      for (const period of periods) {
        for (const c of school.classes) {
          for (const s of SUBJECTS) {
            const t = c.teachers[s.code]!;
            const off = await demo.run('SignOffSubject', { year: YEAR, class: c.code, subject: s.code, term: period }, [
              demo.as(t, 'subject'),
            ]);
            await demo.certify(off, t, 'subject');
          }
          const confirmed = await demo.run('ConfirmClass', { year: YEAR, class: c.code, term: period }, [
            demo.as(c.homeroom, 'homeroom'),
          ]);
          await demo.certify(confirmed, c.homeroom, 'homeroom');
          const approved = await demo.run('ApproveClass', { year: YEAR, class: c.code, term: period }, [
            demo.as(P, 'leader'),
          ]);
          await demo.certify(approved, P, 'leader');
          const sealed = await demo.run('SealBook', { year: YEAR, class: c.code, term: period }, [
            demo.as(school.office, 'office'),
          ]);
          await demo.certify(sealed, school.office, 'office');
        }
        say(
          `  ${period}: subjects signed off, classes confirmed by homeroom teachers, approved by ${P.name}, sealed by the office (${school.office.name})`,
        );
      }
      demo.at(term === 'HK1' ? '2025-01-13' : '2025-05-30');
      await checkpoint(term === 'HK1' ? 'after term I' : 'at the end of the year');
      lap(term);
    }

    // ---- Export, verify, print -------------------------------------------------------------------
    demo.dropLedger();
    const size = await sqlite.size(school.ledger);
    const bundlePath = join(dir, 'ledger.hoso');
    const exported = await exportBundle(sqlite, school.ledger, bundlePath, { checkpoints: kept.map((k) => k.note) });
    if (isLeft(exported)) throw refused(exported.left.code, exported.left.message, '--dir', exported.left.rule);
    lap('export');
    say(`  exported ${exported.right.size} events to ${bundlePath} (${(exported.right.bytes / 1e6).toFixed(1)} MB)`);
    const sealVkey = verifierKeyText(seal);
    const witnessVkey = verifierKeyText(witnessKey, true);
    writeText(join(dir, 'seal.vkey'), sealVkey, '--dir');
    writeText(join(dir, 'witness.vkey'), witnessVkey, '--dir');
    const rootKey = demo.key(P).publicKey;
    writeText(join(dir, 'root.key.pub'), rootKey + '\n', '--dir');
    if (demo.ca !== undefined) writeText(join(dir, 'ca-root.pem'), demo.ca.rootPem, '--dir');

    const vbar = progress('verifying the bundle', 1);
    const verified = await verifyBundle(bundlePath, {
      trust: {
        rootKeys: [rootKey],
        sealKeys: [sealVkey.trim()],
        witnessKeys: [witnessVkey.trim()],
        ...(demo.ca === undefined ? {} : { certificates: [demo.ca.rootPem] }),
      },
    });
    vbar.tick();
    vbar.done();
    if (isLeft(verified)) throw usage(verified.left.code, verified.left.message, 'verify');
    const report = verified.right;
    lap('verify');
    const reportPath = join(dir, 'report.html');
    writeText(
      reportPath,
      renderReport(report, {
        title: `${school.name} — ${school.ledger}`,
        source: 'ledger.hoso',
        generatedAt: new Date().toISOString(),
      }),
      '--dir',
    );
    say(`  ${verdictBanner(report.verdict)} — ${report.findings.length} finding(s); report in ${reportPath}`);

    let printed: string[] = [];
    if (!options.noPrint) {
      const last = kept[kept.length - 1]!;
      // The records are folded, made into documents and let go before rendering starts.
      const { jobs, schoolName } = await demoJobs(opened, school, last, cases);
      const pbar = progress('printing the books (PDF and HTML)', jobs.length);
      const printedAt = new Date('2025-05-30T10:00:00+07:00');
      const out = await printAll(join(dir, 'print'), jobs, { creationDate: printedAt, onDocument: () => pbar.tick() });
      pbar.done('documents');
      if (isLeft(out)) throw refused(out.left.code, out.left.message, out.left.path?.join('.'), out.left.rule);
      printed = out.right;
      lap('print');
      if (options.sign) {
        const { signDemoPrints } = await import('./sign.js');
        const signed = await signDemoPrints(jobs, {
          printDir: join(dir, 'print'),
          pkiDir: join(dir, 'pki'),
          creationDate: printedAt,
          school: schoolName,
          ca:
            demo.ca ??
            (await demoCa({
              start: demo.clock.now,
              clock: () => demo.clock.now,
              school: { name: school.name, taxCode: '0101234567', province: school.province },
              office: school.office,
              token: false,
            })),
        });
        say(
          `  signed ${signed.signed.length} PDFs (PAdES B-T, test PKI without legal weight); check one: hoso verify-document ${signed.signed[0] ?? ''} --ca ${signed.root} ${signed.crls.map((c) => `--crl ${c}`).join(' ')}`,
        );
        lap('sign');
      }
    }
    if (refusal === undefined) throw refused('demo-broken', 'the refused correction did not run');
    return {
      ledger: school.ledger,
      events: size,
      root: exported.right.root,
      files: {
        ledger: dbPath,
        checkpoints: cpDir,
        bundle: bundlePath,
        report: reportPath,
        print: join(dir, 'print'),
        seal: join(dir, 'seal.vkey'),
        witness: join(dir, 'witness.vkey'),
        root: join(dir, 'root.key.pub'),
        ...(demo.ca === undefined ? {} : { caRoot: join(dir, 'ca-root.pem') }),
      },
      printed,
      report,
      refusal,
      certified: demo.certified,
      ...(demo.ca === undefined ? {} : { sealKey: demo.ca.sealOn }),
      seconds: (Date.now() - started) / 1000,
      steps,
    };
  } finally {
    await opened.close();
  }
}
