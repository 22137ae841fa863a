/**
 * The random command histories of the property test (property.test.ts): commands from random
 * actors claiming random roles, and a small model of the rules, written independently of
 * `rules.ts`, that predicts each outcome. Shared with the snapshot test, which replays the same
 * histories through a snapshot.
 */
import fc from 'fast-check';
import { person, type School, type TestPerson } from '@hoso/ledger/testing';
import { Y, minutes } from './helpers.js';

export type Who = 'principal' | 'vice' | 'teacher' | 'homeroom' | 'office' | 'inspector' | 'stranger';
export const WHO: Who[] = ['principal', 'vice', 'teacher', 'homeroom', 'office', 'inspector', 'stranger'];
export const ROLE_CLAIMS = ['leader', 'admin', 'office', 'homeroom', 'subject', 'inspector'] as const;
export type Subject = 'toan' | 'van' | 'the-duc';
export type Term = 'HK1' | 'HK2';

/** The model's knowledge of who holds what (mirrors buildSchool, restated here on purpose). */
export const HOLDS: Record<Who, ReadonlyArray<string>> = {
  principal: ['leader', 'admin'],
  vice: ['admin'],
  teacher: ['subject:toan', 'subject:the-duc'],
  homeroom: ['homeroom', 'subject:van'],
  office: ['office'],
  inspector: ['inspector'],
  stranger: [],
};
export const REGULAR: Record<Subject, number> = { toan: 4, van: 2, 'the-duc': 2 };

export type Cmd =
  | {
      k: 'score';
      who: Who;
      role: string;
      student: number;
      subject: 'toan' | 'van';
      term: Term;
      column: 'tx' | 'gk' | 'ck';
      index: number;
      value: string;
    }
  | { k: 'sign'; who: Who; role: string; subject: Subject; term: Term }
  | { k: 'confirm' | 'approve' | 'seal'; who: Who; role: string; term: Term }
  | { k: 'close'; who: Who; role: string }
  | { k: 'open'; who: Who; role: string; reason: boolean }
  | { k: 'correct'; who: Who | 'writer'; role: string; approver: Who; witness: Who; target: number; value: string }
  | { k: 'revoke'; who: Who; role: string; victim: Who };

export const anyWho = fc.constantFrom(...WHO);
export const anyRole = fc.constantFrom(...ROLE_CLAIMS);
/** Mostly the right person (or role), sometimes anyone: both outcomes stay likely. */
export const biased = <T>(right: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: any });
/** A command whose correction requester is resolved to a person. */
export type Concrete = Exclude<Cmd, { k: 'correct' }> | (Extract<Cmd, { k: 'correct' }> & { who: Who });
export const strongly = <T>(right: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 7, arbitrary: right }, { weight: 1, arbitrary: any });
export const term = fc.constantFrom<Term>('HK1', 'HK2');
export const value = fc.constantFrom('8', '7.5', '10', '0', '11', '6.25');
export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        pair: biased(
          fc.constantFrom<[Who, 'toan' | 'van']>(['teacher', 'toan'], ['homeroom', 'van']),
          fc.tuple(anyWho, fc.constantFrom<'toan' | 'van'>('toan', 'van')),
        ),
        role: biased(fc.constant('subject'), anyRole),
        student: fc.integer({ min: 1, max: 3 }),
        term,
        column: fc.constantFrom<'tx' | 'gk' | 'ck'>('tx', 'tx', 'gk', 'ck'),
        index: fc.integer({ min: 1, max: 4 }),
        value,
      })
      .map(({ pair, ...r }) => ({ k: 'score' as const, who: pair[0], subject: pair[1], ...r })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        pair: biased(
          fc.constantFrom<[Who, Subject]>(['teacher', 'toan'], ['teacher', 'the-duc'], ['homeroom', 'van']),
          fc.tuple(anyWho, fc.constantFrom<Subject>('toan', 'van', 'the-duc')),
        ),
        role: biased(fc.constant('subject'), anyRole),
        // Mostly term I, so that whole terms get signed and the confirm → approve → seal chain runs.
        term: strongly(fc.constant<Term>('HK1'), term),
      })
      .map(({ pair, ...r }) => ({ k: 'sign' as const, who: pair[0], subject: pair[1], ...r })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        k: fc.constantFrom('confirm' as const, 'approve' as const, 'seal' as const),
        who: anyWho,
        role: anyRole,
        right: strongly(fc.constant(true), fc.boolean()),
        term: strongly(fc.constant<Term>('HK1'), term),
      })
      .map(({ right, ...c }) =>
        right
          ? {
              ...c,
              ...{
                confirm: { who: 'homeroom' as Who, role: 'homeroom' },
                approve: { who: 'principal' as Who, role: 'leader' },
                seal: { who: 'office' as Who, role: 'office' },
              }[c.k],
            }
          : c,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('close' as const),
      who: biased(fc.constant<Who>('principal'), anyWho),
      role: biased(fc.constant('leader'), anyRole),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('open' as const),
      who: biased(fc.constant<Who>('principal'), anyWho),
      role: biased(fc.constant('leader'), anyRole),
      reason: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('correct' as const),
      // 'writer': the subject teacher of the target cell, resolved when the command runs.
      who: strongly(fc.constant<Who | 'writer'>('writer'), anyWho),
      role: strongly(fc.constant('subject'), anyRole),
      approver: strongly(fc.constant<Who>('principal'), anyWho),
      witness: strongly(fc.constant<Who>('vice'), anyWho),
      target: fc.nat(),
      value: strongly(fc.constantFrom('9', '7.5', '10', '0', '6'), value),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('revoke' as const),
      who: biased(fc.constantFrom<Who>('vice', 'principal'), anyWho),
      role: biased(fc.constant('admin'), anyRole),
      victim: anyWho,
    }),
  },
);

/** The independent model. */
export class Model {
  revoked = new Set<Who>();
  /** Open windows by number; the command generator closes the latest. */
  open = new Set<number>([0]);
  latest = 0;
  everClosed = false;
  get windowOpen(): boolean {
    return this.open.size > 0;
  }
  signed = new Set<string>();
  marks = new Set<string>();
  cells = new Map<string, { value: string; subject: Subject }>();
  entries: Array<{ id: string; cell: string }> = [];
  /** Terms whose conduct is assessed for every student. */
  conduct = new Set<Term>();

  /** Every mark of `term` entered before the commands run (the school's `complete(term)`). */
  seed(term: Term): void {
    for (const subject of ['toan', 'van', 'the-duc'] as const)
      for (const key of termCells(subject, term)) this.cells.set(key, { value: '7', subject });
    this.conduct.add(term);
  }
  /** Every mark a sign-off of the subject's term asks for is in (rules/completeness.ts). */
  complete(subject: Subject, term: Term): boolean {
    return termCells(subject, term).every((k) => this.cells.has(k));
  }

  active(w: Who): boolean {
    return w !== 'stranger' && !this.revoked.has(w);
  }
  acts(w: Who, claimed: string, need: string, scope?: string): boolean {
    return this.active(w) && claimed === need && HOLDS[w].includes(scope === undefined ? need : `${need}:${scope}`);
  }
  static valid(v: string): boolean {
    return /^(10(\.0)?|\d(\.\d)?)$/.test(v);
  }

  allows(c: Concrete): boolean {
    switch (c.k) {
      case 'score': {
        if (!this.acts(c.who, c.role, 'subject', c.subject) || !Model.valid(c.value) || !this.windowOpen) return false;
        if (c.column === 'tx' && c.index > REGULAR[c.subject]) return false;
        if (this.signed.has(`${c.subject}/${c.term}`)) return false;
        return !this.cells.has(cellKey(c));
      }
      case 'sign':
        return (
          this.acts(c.who, c.role, 'subject', c.subject) &&
          !this.signed.has(`${c.subject}/${c.term}`) &&
          this.complete(c.subject, c.term)
        );
      case 'confirm':
        return (
          this.acts(c.who, c.role, 'homeroom') &&
          !this.marks.has(`confirm/${c.term}`) &&
          this.conduct.has(c.term) &&
          (['toan', 'van', 'the-duc'] as const).every((s) => this.signed.has(`${s}/${c.term}`))
        );
      case 'approve':
        return (
          this.acts(c.who, c.role, 'leader') &&
          !this.marks.has(`approve/${c.term}`) &&
          this.marks.has(`confirm/${c.term}`)
        );
      case 'seal':
        return (
          this.acts(c.who, c.role, 'office') && !this.marks.has(`seal/${c.term}`) && this.marks.has(`approve/${c.term}`)
        );
      case 'close':
        return this.acts(c.who, c.role, 'leader') && this.open.has(this.latest);
      case 'open':
        return this.acts(c.who, c.role, 'leader') && (c.reason || !this.everClosed);
      case 'correct': {
        const t = this.entries[c.target % Math.max(1, this.entries.length)];
        if (t === undefined) return false;
        const cell = this.cells.get(t.cell)!;
        const people = new Set([c.who, c.approver, c.witness]);
        return (
          this.acts(c.who, c.role, 'subject', cell.subject) &&
          this.acts(c.approver, 'leader', 'leader') &&
          this.acts(c.witness, 'admin', 'admin') &&
          people.size === 3 &&
          Model.valid(c.value) &&
          Number(c.value) !== Number(cell.value)
        );
      }
      case 'revoke':
        return this.acts(c.who, c.role, 'admin') && this.active(c.victim);
    }
  }

  apply(c: Concrete, ids: string[]): void {
    switch (c.k) {
      case 'score':
        this.cells.set(cellKey(c), { value: c.value, subject: c.subject });
        this.entries.push({ id: ids[0]!, cell: cellKey(c) });
        break;
      case 'sign':
        this.signed.add(`${c.subject}/${c.term}`);
        break;
      case 'confirm':
      case 'approve':
      case 'seal':
        this.marks.add(`${c.k}/${c.term}`);
        break;
      case 'close':
        this.open.delete(this.latest);
        this.everClosed = true;
        break;
      case 'open':
        this.latest += 1;
        this.open.add(this.latest);
        break;
      case 'correct': {
        const t = this.entries[c.target % this.entries.length]!;
        this.cells.get(t.cell)!.value = c.value;
        this.entries.push({ id: ids[0]!, cell: t.cell });
        break;
      }
      case 'revoke':
        this.revoked.add(c.victim);
        break;
    }
  }
}

/** Resolve a correction's 'writer' requester to the teacher of the target cell's subject. */
export function resolve(c: Cmd, m: Model): Concrete {
  if (c.k !== 'correct' || c.who !== 'writer') return c as Concrete;
  const t = m.entries[c.target % Math.max(1, m.entries.length)];
  const subject = t === undefined ? 'toan' : m.cells.get(t.cell)!.subject;
  return { ...c, who: subject === 'van' ? 'homeroom' : 'teacher' };
}

/** The keys of every cell of `subject` the three students owe in `term`: tx1…n, gk, ck (TT22 Điều 6.2, 7). */
export function termCells(subject: Subject, term: Term): string[] {
  const columns = [...Array.from({ length: REGULAR[subject] }, (_, i) => `tx${i + 1}`), 'gk', 'ck'];
  return [1, 2, 3].flatMap((st) => columns.map((col) => `${subject}/${st}/${term}/${col}`));
}

export function cellKey(c: Extract<Cmd, { k: 'score' }>): string {
  return `${c.subject}/${c.student}/${c.term}/${c.column}${c.column === 'tx' ? c.index : ''}`;
}

export function toCommand(c: Concrete, m: Model): unknown {
  const windowN = m.latest;
  const base = { year: Y, class: '10A1' };
  switch (c.k) {
    case 'score':
      return {
        type: 'EnterScore',
        data: {
          ...base,
          subject: c.subject,
          student: `hs-00${c.student}`,
          term: c.term,
          column: c.column,
          ...(c.column === 'tx' ? { index: c.index } : {}),
          value: c.value,
        },
      };
    case 'sign':
      return { type: 'SignOffSubject', data: { ...base, subject: c.subject, term: c.term } };
    case 'confirm':
      return { type: 'ConfirmClass', data: { ...base, term: c.term } };
    case 'approve':
      return { type: 'ApproveClass', data: { ...base, term: c.term } };
    case 'seal':
      return { type: 'SealBook', data: { ...base, term: c.term } };
    case 'close':
      return { type: 'CloseWindow', data: { window: `w${windowN}` } };
    case 'open':
      return {
        type: 'OpenWindow',
        data: {
          window: `w${windowN + 1}`,
          year: Y,
          period: 'CN',
          scope: {},
          ...(c.reason ? { reason: 'mở lại' } : {}),
        },
      };
    case 'correct': {
      const t = m.entries[c.target % Math.max(1, m.entries.length)];
      const old = t === undefined ? '0' : m.cells.get(t.cell)!.value;
      return {
        type: 'Correct',
        data: { target: t?.id ?? '01900000-0000-7000-8000-000000000000', old, new: c.value, reason: 'sửa', minutes },
      };
    }
    case 'revoke':
      return { type: 'RevokeKey', data: { key: person(idOf(c.victim)).key, reason: 'thu hồi' } };
  }
}

export const IDS: Record<Who, string> = {
  principal: 'hieu-truong',
  vice: 'pho-hieu-truong',
  teacher: 'gv-toan',
  homeroom: 'gvcn-10a1',
  office: 'van-thu',
  inspector: 'thanh-tra',
  stranger: 'nguoi-la',
};
export const idOf = (w: Who): string => IDS[w];
export const personOf = (s: School, w: Who): TestPerson => (w === 'stranger' ? person('nguoi-la') : s.people[w]);
