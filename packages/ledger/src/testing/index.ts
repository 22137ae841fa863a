/**
 * Test helpers for the write side (`@hoso/ledger/testing`), for this package's tests and for
 * packages that build on its events (projections, the verifier):
 *
 * - {@link given}: given/when/then over the pure rules, with no store and no signatures —
 *   `given(f1, f2).when(command, actors).thenEvents(...)` or `.thenRefused('code')`.
 * - {@link person}: a deterministic test identity (seed, signer, key) from a name.
 * - {@link buildSchool}: a small secondary school on any store, set up through `execute`.
 * - {@link completeMarks}: every mark a sign-off still asks for, entered, so a test that is about
 *   something else can sign off (rules/completeness.ts).
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { localSigner, sha256, toBase64Url, utf8, type Envelope, type Signer, type UnsignedEnvelope } from '@hoso/core';
import { createMemoryStore, type EventStore } from '@hoso/store';
import { COMMANDS, decodeCommand, type CommandType } from '../commands.js';
import { decide } from '../decide.js';
import { eventIdFor } from '../ids.js';
import { checkEvent, missingMarks } from '../rules/index.js';
import type { SignerView } from '../views.js';
import { evolve, initialState, type LedgerState } from '../state.js';
import { streamOf } from '../streams.js';
import type { LedgerError, LedgerErrorCode, LedgerErrorOf, MissingCell } from '../errors.js';
import type { LedgerEvent } from '../events.js';
import type { SchoolLevel } from '../codecs.js';
import type { PersonalDataStore } from '../personal/store.js';
import { openLedger, type ActingSigner, type Appended, type Ledger } from '../ledger.js';
import type { CertificateTrust } from '../certs/check.js';

/** A test identity: a person id, a 32-byte seed derived from the name, its signer and key. */
export interface TestPerson {
  readonly id: string;
  readonly name: string;
  readonly seed: Uint8Array;
  readonly signer: Signer;
  /** base64url public key, as envelopes write it. */
  readonly key: string;
}

/** A deterministic test identity; `keyLabel` gives the same person another key. */
export function person(id: string, keyLabel = 'k1'): TestPerson {
  const seed = sha256(utf8(`hoso-test/${id}/${keyLabel}`));
  const signer = localSigner(seed);
  return { id, name: `Test ${id}`, seed, signer, key: toBase64Url(signer.publicKey) };
}

/** The acting signer of `p` in `role`. */
export const as = (p: TestPerson, role: string): ActingSigner => ({ signer: p.signer, role });

/** A fact for {@link given}: an event, its author and co-signers, and when it was written. */
export interface Fact {
  readonly event: LedgerEvent;
  readonly by: SignerView;
  readonly cosigners?: readonly SignerView[];
  readonly at?: Date;
  /** Needed only for corrections (their stream is the target's). */
  readonly stream?: string;
}

/** The outcome of {@link Scenario.when}. */
export interface Outcome {
  readonly result: Either<LedgerError, UnsignedEnvelope[]>;
  /** Assert the command was accepted and wrote these events (type and payload); returns them. */
  thenEvents(...expected: LedgerEvent[]): UnsignedEnvelope[];
  /** Assert the command was refused with `code` (and `path`, when given); returns the error. */
  thenRefused<C extends LedgerErrorCode>(code: C, path?: ReadonlyArray<string | number>): LedgerErrorOf<C>;
  /**
   * Assert the command was refused with exactly these problems, in order (the first is the
   * refusal, the rest its `details.more`), each `code` or `[code, path]`; returns them all.
   */
  thenProblems(
    ...expected: ReadonlyArray<LedgerError['code'] | readonly [LedgerError['code'], ReadonlyArray<string | number>]>
  ): readonly LedgerError[];
}

/** Every problem of a refusal: the refusal itself, then its `details.more`. */
export function problemsOf(e: LedgerError): readonly LedgerError[] {
  return [e, ...(e.details?.more ?? [])];
}

/** A state built from facts, ready for a command. */
export interface Scenario {
  readonly state: LedgerState;
  when(command: unknown, actors: readonly SignerView[], now?: Date): Outcome;
}

const GIVEN_LEDGER = 'test-school';
let counter = 0;

function testId(): string {
  counter += 1;
  const n = counter.toString(16).padStart(12, '0');
  return `01900000-0000-7000-8000-${n}`;
}

/**
 * Fold `facts` in order into a fresh state (ledger id `test-school`). Each fact is checked by the
 * rules first, so a scenario cannot start from a history the ledger would refuse; a refused fact
 * throws with its error.
 */
export function given(...facts: Fact[]): Scenario {
  const state = initialState();
  for (const [i, f] of facts.entries()) {
    const stream = f.stream ?? streamOf(f.event);
    if (stream === null) throw new Error(`given: fact ${i} (${f.event.type}) needs a stream`);
    const signers = [f.by, ...(f.cosigners ?? [])];
    const at = f.at ?? new Date('2024-10-01T08:00:00+07:00');
    const refusal = checkEvent(state, {
      ledger: GIVEN_LEDGER,
      stream,
      type: f.event.type,
      data: f.event.data,
      by: f.by,
      signers,
      at,
    });
    if (refusal.length > 0)
      throw new Error(
        `given: fact ${i} (${f.event.type}) refused: ${refusal.map((e) => `${e.code}: ${e.message}`).join('; ')}`,
      );
    const head = state.heads.get(stream);
    const env: Envelope = {
      v: 1,
      id: testId(),
      ledger: GIVEN_LEDGER,
      stream,
      rev: head === undefined ? 0 : head.rev + 1,
      prev: head === undefined ? null : head.leafHash,
      type: f.event.type,
      data: f.event.data,
      at: at.toISOString(),
      by: f.by,
      sigs: signers.map((s) => ({ ...s, sig: '' })),
    };
    evolve(state, env, `${i}`.padStart(64, '0'));
  }
  return {
    state,
    when(command, actors, now = new Date('2024-10-01T08:00:00+07:00')): Outcome {
      const cmd = decodeCommand(command);
      const id = testId();
      const result: Either<LedgerError, UnsignedEnvelope[]> = isLeft(cmd)
        ? cmd
        : decide(state, cmd.right, { ledger: GIVEN_LEDGER, now, actors, eventId: (i) => eventIdFor(id, i) });
      return {
        result,
        thenEvents(...expected) {
          if (isLeft(result))
            throw new Error(`expected events, got refusal ${result.left.code}: ${result.left.message}`);
          const got = result.right.map((e) => ({ type: e.type, data: e.data }));
          const want = JSON.stringify(expected);
          if (JSON.stringify(got) !== want) throw new Error(`expected ${want}\n     got ${JSON.stringify(got)}`);
          return result.right;
        },
        thenRefused<C extends LedgerErrorCode>(code: C, path?: ReadonlyArray<string | number>): LedgerErrorOf<C> {
          if (!isLeft(result)) throw new Error(`expected refusal ${code}, got ${result.right.length} event(s)`);
          const e = result.left;
          if (e.code !== code) throw new Error(`expected refusal ${code}, got ${e.code}: ${e.message}`);
          if (path !== undefined && JSON.stringify(e.path) !== JSON.stringify(path)) {
            throw new Error(`expected path ${JSON.stringify(path)}, got ${JSON.stringify(e.path)} (${e.message})`);
          }
          return e as LedgerErrorOf<C>;
        },
        thenProblems(...expected) {
          if (!isLeft(result)) throw new Error(`expected refusal, got ${result.right.length} event(s)`);
          const got = problemsOf(result.left);
          const show = (x: readonly LedgerError[]): string =>
            x.map((e) => `${e.code} ${JSON.stringify(e.path)}`).join(', ');
          const ok =
            got.length === expected.length &&
            expected.every((x, i) => {
              const g = got[i]!;
              if (typeof x === 'string') return g.code === x;
              return g.code === x[0] && JSON.stringify(g.path) === JSON.stringify(x[1]);
            });
          if (!ok) throw new Error(`expected problems ${JSON.stringify(expected)}\n     got ${show(got)}`);
          return got;
        },
      };
    },
  };
}

/** Throw unless `r` is Right; return its value. */
export function ok<A>(r: Either<LedgerError, A>, what = 'command'): A {
  if (isLeft(r))
    throw new Error(`${what} refused: ${r.left.code} at ${JSON.stringify(r.left.path)}: ${r.left.message}`);
  return r.right;
}

/** The people of {@link buildSchool}. */
export interface SchoolPeople {
  /** Principal: founder, `leader`, also `admin` for bootstrapping. */
  readonly principal: TestPerson;
  /** Vice-principal in charge of the office: `admin` (the witness of corrections). */
  readonly vice: TestPerson;
  /** Subject teacher of `toan` and `the-duc` in 10A1. */
  readonly teacher: TestPerson;
  /** Homeroom teacher of 10A1 (also teaches `van` in 10A1). */
  readonly homeroom: TestPerson;
  readonly office: TestPerson;
  readonly inspector: TestPerson;
}

/** What {@link buildSchool} returns. */
export interface School {
  readonly ledger: Ledger;
  readonly store: EventStore;
  readonly people: SchoolPeople;
  readonly year: '2024-2025';
  readonly cls: '10A1';
  readonly students: readonly string[];
  /** The clock the ledger reads; set `clock.now` to move time. */
  readonly clock: { now: Date };
  /** Execute or throw. */
  run(command: unknown, signers: readonly ActingSigner[]): Promise<Appended>;
  /**
   * Enter every mark of 10A1 a sign-off of `term` still asks for ({@link completeMarks}), by the
   * teacher who writes it; cells `leave` names stay empty. Returns how many were entered.
   */
  complete(term: 'HK1' | 'HK2' | 'CN', leave?: (cell: MissingCell) => boolean): Promise<number>;
}

/** The values {@link completeMarks} enters, by the kind of cell. */
const FILL = { scored: '7', comment: 'Đ', level: 'H', test: '7', conduct: 'Tốt', quality: 'Đạt' } as const;

/** The command that enters {@link FILL}'s value into a missing cell of `cls`, or null for a subject not offered. */
export function fillCommand(
  s: LedgerState,
  year: string,
  cls: string,
  cell: MissingCell,
): { type: string; data: Record<string, unknown> } | null {
  const base = { year, class: cls, student: cell.student };
  if (cell.subject === undefined) {
    if (cell.column === 'conduct')
      return { type: 'AssessConduct', data: { ...base, term: cell.term, value: FILL.conduct } };
    return { type: 'AssessQuality', data: { ...base, period: cell.period, aspect: cell.column, value: FILL.quality } };
  }
  const grade = s.classes.get(`${year}/${cls}`);
  const off = s.offerings.get(`${year}/${grade ?? ''}/${cell.subject}`);
  if (off === undefined) return null;
  const subj = { ...base, subject: cell.subject };
  if (cell.column === 'level')
    return { type: 'EnterSubjectLevel', data: { ...subj, period: cell.period, value: FILL.level } };
  if (cell.column === 'test')
    return { type: 'EnterTestScore', data: { ...subj, period: cell.period, value: FILL.test } };
  const regular = /^tx(\d)$/.exec(cell.column);
  const column = regular === null ? cell.column : { column: 'tx', index: Number(regular[1]) };
  return {
    type: off.assessment === 'scored' ? 'EnterScore' : 'EnterCommentLevel',
    data: {
      ...subj,
      term: cell.term,
      ...(typeof column === 'string' ? { column } : column),
      value: off.assessment === 'scored' ? FILL.scored : FILL.comment,
    },
  };
}

/**
 * The facts that enter {@link FILL}'s value into every cell of `cls` a sign-off of `term` would find
 * missing after `facts` (for {@link given}: `given(...facts, ...completeFacts(facts, …))`), each by
 * `by(cell)`; cells `leave` names stay empty.
 */
export function completeFacts(
  facts: readonly Fact[],
  o: {
    readonly year: string;
    readonly class: string;
    readonly term: 'HK1' | 'HK2' | 'CN';
    readonly by: (cell: MissingCell) => SignerView;
    readonly leave?: (cell: MissingCell) => boolean;
  },
): Fact[] {
  const s = given(...facts).state;
  return missingMarks(s, o.year, o.class, o.term).flatMap((cell): Fact[] => {
    if (o.leave?.(cell) === true) return [];
    const cmd = fillCommand(s, o.year, o.class, cell);
    if (cmd === null) return [];
    const type = COMMANDS[cmd.type as CommandType].writes[0];
    return type === undefined ? [] : [{ event: { type, data: cmd.data } as LedgerEvent, by: o.by(cell) }];
  });
}

/**
 * Enter a plain value (7, Đ, H, Tốt, Đạt) into every cell of class `cls` that a sign-off of `term`
 * still finds empty without an allowed reason (`missingMarks`), each signed by `signers(cell)`;
 * cells `leave` names stay empty. Throws on a refusal. Returns how many cells were entered.
 */
export async function completeMarks(
  ledger: Ledger,
  o: {
    readonly year: string;
    readonly class: string;
    readonly term: 'HK1' | 'HK2' | 'CN';
    readonly signers: (cell: MissingCell) => readonly ActingSigner[];
    readonly leave?: (cell: MissingCell) => boolean;
  },
): Promise<number> {
  await ledger.refresh();
  let n = 0;
  for (const cell of missingMarks(ledger.state(), o.year, o.class, o.term)) {
    if (o.leave?.(cell) === true) continue;
    const cmd = fillCommand(ledger.state(), o.year, o.class, cell);
    if (cmd === null) continue;
    ok(await ledger.execute(cmd, o.signers(cell)), `${cmd.type} ${JSON.stringify(cell)}`);
    n++;
  }
  return n;
}

/**
 * An upper-secondary school on `store` (default: in memory): year 2024-2025, class 10A1 (grade 10)
 * with `students` (default 3), subjects `toan` (scored, 105 periods: 4 regular assessments), `van`
 * (scored, 35 periods: 2) and `the-duc` (comment), roles as in {@link SchoolPeople}, and a
 * school-wide window for the year opened by the principal. Clock: 2024-10-01 08:00 +07:00.
 */
export async function buildSchool(
  options: {
    store?: EventStore;
    ledger?: string;
    students?: number;
    openWindow?: boolean;
    levels?: readonly SchoolLevel[];
    rules?: { authorMayAmend?: boolean };
    /** The trust list the ledger checks certificates against (none: certificate events are refused). */
    trust?: CertificateTrust;
    /** The personal-data store the ledger writes openings to. */
    personalData?: PersonalDataStore;
    /** Adopt the personal-data format (`hoso/pd/v1`) right after genesis, so the students are committed. */
    adoptPersonalData?: boolean;
  } = {},
): Promise<School> {
  const store = options.store ?? createMemoryStore();
  const ledgerId = options.ledger ?? 'thpt-test';
  const clock = { now: new Date('2024-10-01T08:00:00+07:00') };
  const ledger = await openLedger({
    store,
    ledger: ledgerId,
    clock: () => clock.now,
    ...(options.trust === undefined ? {} : { trust: options.trust }),
    ...(options.personalData === undefined ? {} : { personalData: options.personalData }),
  });
  const people: SchoolPeople = {
    principal: person('hieu-truong'),
    vice: person('pho-hieu-truong'),
    teacher: person('gv-toan'),
    homeroom: person('gvcn-10a1'),
    office: person('van-thu'),
    inspector: person('thanh-tra'),
  };
  const run = async (command: unknown, signers: readonly ActingSigner[]): Promise<Appended> =>
    ok(await ledger.execute(command, signers), JSON.stringify(command).slice(0, 80));
  const P = people.principal;
  const year = '2024-2025' as const;
  const cls = '10A1' as const;
  await run(
    {
      type: 'FoundSchool',
      data: {
        school: ledgerId,
        name: 'THPT Thử Nghiệm',
        levels: options.levels ?? ['upper-secondary'],
        leader: { person: P.id, name: P.name },
        rootKey: P.key,
        timeZone: 'Asia/Ho_Chi_Minh',
        ...(options.rules === undefined ? {} : { rules: options.rules }),
      },
    },
    [as(P, 'leader')],
  );
  await run({ type: 'GrantRole', data: { person: P.id, role: 'admin' } }, [as(P, 'leader')]);
  if (options.adoptPersonalData === true)
    await run({ type: 'AdoptPersonalDataFormat', data: { format: 'hoso/pd/v1' } }, [as(P, 'leader')]);
  for (const p of [people.vice, people.teacher, people.homeroom, people.office, people.inspector]) {
    await run({ type: 'RegisterStaff', data: { person: p.id, name: p.name } }, [as(P, 'admin')]);
    await run({ type: 'RegisterKey', data: { person: p.id, key: p.key } }, [as(P, 'admin'), as(p, 'holder')]);
  }
  await run(
    {
      type: 'DefineYear',
      data: {
        year,
        terms: { HK1: { start: '2024-09-05', end: '2025-01-15' }, HK2: { start: '2025-01-20', end: '2025-05-25' } },
      },
    },
    [as(P, 'leader')],
  );
  for (const [subject, name] of [
    ['toan', 'Toán'],
    ['van', 'Ngữ văn'],
    ['the-duc', 'Giáo dục thể chất'],
  ] as const) {
    await run({ type: 'DefineSubject', data: { subject, name } }, [as(P, 'leader')]);
  }
  await run(
    { type: 'OfferSubject', data: { year, grade: 10, subject: 'toan', periodsPerYear: 105, assessment: 'scored' } },
    [as(P, 'leader')],
  );
  await run(
    { type: 'OfferSubject', data: { year, grade: 10, subject: 'van', periodsPerYear: 35, assessment: 'scored' } },
    [as(P, 'leader')],
  );
  await run(
    { type: 'OfferSubject', data: { year, grade: 10, subject: 'the-duc', periodsPerYear: 70, assessment: 'comment' } },
    [as(P, 'leader')],
  );
  await run({ type: 'OpenClass', data: { year, class: cls, grade: 10 } }, [as(P, 'leader')]);
  await run({ type: 'GrantRole', data: { person: people.vice.id, role: 'admin' } }, [as(P, 'leader')]);
  await run({ type: 'GrantRole', data: { person: people.office.id, role: 'office' } }, [as(P, 'leader')]);
  await run({ type: 'GrantRole', data: { person: people.inspector.id, role: 'inspector' } }, [as(P, 'leader')]);
  await run({ type: 'GrantRole', data: { person: people.homeroom.id, role: 'homeroom', year, class: cls } }, [
    as(P, 'leader'),
  ]);
  await run(
    { type: 'GrantRole', data: { person: people.homeroom.id, role: 'subject', year, class: cls, subject: 'van' } },
    [as(P, 'leader')],
  );
  await run(
    { type: 'GrantRole', data: { person: people.teacher.id, role: 'subject', year, class: cls, subject: 'toan' } },
    [as(P, 'leader')],
  );
  await run(
    { type: 'GrantRole', data: { person: people.teacher.id, role: 'subject', year, class: cls, subject: 'the-duc' } },
    [as(P, 'leader')],
  );
  const students: string[] = [];
  for (let i = 1; i <= (options.students ?? 3); i++) {
    const id = `hs-${String(i).padStart(3, '0')}`;
    students.push(id);
    await run(
      {
        type: 'EnrollStudent',
        data: {
          year,
          class: cls,
          student: id,
          date: '2024-09-05',
          bio: { name: `Học sinh ${i}`, birthDate: '2009-03-0' + ((i % 9) + 1), sex: i % 2 === 0 ? 'F' : 'M' },
        },
      },
      [as(people.homeroom, 'homeroom')],
    );
  }
  if (options.openWindow !== false) {
    await run({ type: 'OpenWindow', data: { window: 'nam-hoc', year, period: 'CN', scope: {} } }, [as(P, 'leader')]);
  }
  const complete = (term: 'HK1' | 'HK2' | 'CN', leave?: (cell: MissingCell) => boolean): Promise<number> =>
    completeMarks(ledger, {
      year,
      class: cls,
      term,
      signers: (c) =>
        c.subject === undefined
          ? [as(people.homeroom, 'homeroom')]
          : [as(c.subject === 'van' ? people.homeroom : people.teacher, 'subject')],
      ...(leave === undefined ? {} : { leave }),
    });
  return { ledger, store, people, year, cls, students, clock, run, complete };
}
