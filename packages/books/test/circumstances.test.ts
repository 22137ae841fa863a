/**
 * The school year as it really runs, fed straight into the records: make-ups owed and taken,
 * exemptions, a pupil on an individual education plan, transfers out and in, two sessions a day.
 * The numbers are the worked examples of docs/grading.md ("The school year as it runs").
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft } from 'fp-ts/lib/Either.js';
import { foldRecords } from '../src/records/apply.js';
import { classMarkbook, type Markbook } from '../src/books/markbook.js';
import { transcript } from '../src/books/transcript.js';
import { countedAbsences, promotion, TT22_DEFAULTS, type LearningOutcome } from '../src/rules/index.js';
import type { Actor, Cell, CellVersion, Records } from '../src/records/state.js';
import { CLASS, YEAR, writeSchoolYear } from './support/school.js';

let base: Records;
beforeAll(async () => {
  base = foldRecords((await writeSchoolYear()).events);
});

const LEADER: Actor = { key: 'k-leader', role: 'leader', person: 'hieu-truong', name: 'Nguyễn Văn Hiệu' };
const TEACHER: Actor = { key: 'k-teacher', role: 'subject', person: 'gvbm', name: 'Phạm Bộ Môn' };
const mb = (subject: string) => `markbook/${YEAR}/${CLASS}/${subject}`;

/** A copy of the school year's records with `change` applied. */
function recordsWith(change: (r: Records) => void): Records {
  const r = structuredClone(base);
  change(r);
  return r;
}

function bookOf(r: Records): Markbook {
  const b = classMarkbook(r, YEAR, CLASS);
  if (isLeft(b)) throw new Error(b.left.message);
  return b.right;
}

/** Put a cell the way the fold does (a first entry of its key). */
function putCell(r: Records, cell: Omit<Cell, 'history' | 'value'>, version: Omit<CellVersion, 'by' | 'at'>): void {
  const full: Cell = {
    ...cell,
    value: version.value,
    history: [{ ...version, at: '2025-05-20T08:00:00.000+07:00', by: TEACHER }],
  };
  r.cells[cell.key] = full;
  (r.streamCells[cell.stream] ??= []).push(cell.key);
}

const row = (b: Markbook, subject: string, student: string) =>
  b.subjects.find((p) => p.subject === subject)!.rows.find((x) => x.student === student)!;
const summary = (b: Markbook, student: string) => b.students.find((s) => s.student === student)!;
const doc = { number: 'QĐ-15/2025', date: '2025-01-10' };

describe('make-up tests (TT22 Điều 7)', () => {
  const ck = `${mb('hoa-hoc')}#binh/HK2/ck`;
  it('a missed end-of-term test is a gap the rules allow while its make-up is owed', () => {
    const b = bookOf(
      recordsWith((r) => {
        r.missedTests[ck] = { cell: ck, reason: 'ốm, nằm viện', position: 900, by: TEACHER };
      }),
    );
    expect(row(b, 'hoa-hoc', 'binh').HK2.result).toEqual({ tag: 'incomplete', missing: [['end']] });
    expect(row(b, 'hoa-hoc', 'binh').HK2.gaps).toEqual([{ column: 'ck', reason: 'make-up-pending' }]);
    expect(summary(b, 'binh').gaps).toEqual([
      { subject: 'hoa-hoc', term: 'HK2', column: 'ck', reason: 'make-up-pending' },
    ]);
  });
  it('without a recorded miss the same gap has no reason', () => {
    expect(row(bookOf(base), 'hoa-hoc', 'binh').HK2.gaps).toEqual([{ column: 'ck', reason: null }]);
  });
  it('the make-up counts as the test it replaces: 6.5 ×3 | 6.5 | make-up 7.0 → 53.5/8 = 6.6875 → 6.7', () => {
    const b = bookOf(
      recordsWith((r) => {
        r.missedTests[ck] = { cell: ck, reason: 'ốm, nằm viện', position: 900, by: TEACHER };
        putCell(
          r,
          {
            key: ck,
            type: 'ScoreEntered',
            stream: mb('hoa-hoc'),
            year: YEAR,
            class: CLASS,
            student: 'binh',
            subject: 'hoa-hoc',
            term: 'HK2',
            column: 'ck',
          },
          { value: '7.0', eventId: 'e-makeup', position: 901, makeUp: { taken: true } },
        );
      }),
    );
    const r = row(b, 'hoa-hoc', 'binh');
    expect(r.HK2.result).toBe('6.7');
    expect(r.HK2.end!.history[0]!.makeUp).toEqual({ taken: true });
    expect(r.HK2.gaps).toEqual([]);
    expect(r.year).toBe('6.6'); // (6.5 + 2·6.7) / 3 = 6.633… → 6.6
  });
});

describe('a make-up not taken', () => {
  it('counts with the consequence the teacher entered, marked as such: 0 → (19.5 + 13 + 0)/8 = 4.0625 → 4.1', () => {
    const ck = `${mb('hoa-hoc')}#binh/HK2/ck`;
    const b = bookOf(
      recordsWith((r) => {
        r.missedTests[ck] = { cell: ck, reason: 'ốm, nằm viện', position: 900, by: TEACHER };
        putCell(
          r,
          {
            key: ck,
            type: 'ScoreEntered',
            stream: mb('hoa-hoc'),
            year: YEAR,
            class: CLASS,
            student: 'binh',
            subject: 'hoa-hoc',
            term: 'HK2',
            column: 'ck',
          },
          { value: '0', eventId: 'e-makeup-missed', position: 901, makeUp: { taken: false } },
        );
      }),
    );
    const r = row(b, 'hoa-hoc', 'binh');
    expect([r.HK2.result, r.year]).toEqual(['4.1', '4.9']); // (6.5 + 2·4.1)/3 = 4.9
    expect(r.HK2.end!.history[0]!.makeUp).toEqual({ taken: false });
    expect(r.HK2.gaps).toEqual([]);
  });
});

describe('exemptions', () => {
  it('from the practical part (TT22 Điều 10): assessed on the theory, nothing left out', () => {
    const b = bookOf(
      recordsWith((r) => {
        r.exemptions.push({
          year: YEAR,
          student: 'an',
          subject: 'the-duc',
          period: 'CN',
          scope: 'practice',
          decision: doc,
          reason: 'gãy tay',
          position: 900,
          by: LEADER,
        });
      }),
    );
    const r = row(b, 'the-duc', 'an');
    expect(r.HK1.exemption).toMatchObject({ scope: 'practice', decision: doc });
    expect([r.HK1.result, r.HK2.result, r.year]).toEqual(['Đ', 'Đ', 'Đ']);
    expect((summary(b, 'an').year.learning as LearningOutcome).level).toBe('Tốt');
  });
  it('from a whole subject (TT22 Điều 11.2): "Miễn", no column asked for, out of the levels', () => {
    const b = bookOf(
      recordsWith((r) => {
        r.exemptions.push({
          year: YEAR,
          student: 'an',
          subject: 'dia-li',
          period: 'CN',
          scope: 'subject',
          decision: doc,
          reason: 'khuyết tật',
          position: 900,
          by: LEADER,
        });
        // Nothing is entered for an exempt subject.
        for (const k of r.streamCells[mb('dia-li')]!.filter((k) => k.includes('#an/'))) delete r.cells[k];
      }),
    );
    const r = row(b, 'dia-li', 'an');
    expect([r.HK1.result, r.HK2.result, r.year]).toEqual(['Miễn', 'Miễn', 'Miễn']);
    expect(r.HK1.gaps).toEqual([]);
    // Seven scored subjects left, six of them ≥ 8.0, every one ≥ 6.5: still Tốt.
    expect((summary(b, 'an').year.learning as LearningOutcome).level).toBe('Tốt');
  });
});

describe('an exemption for one term', () => {
  it("term II exempt: the year result is term I's and counts in the year levels, not in term II's", () => {
    const b = bookOf(
      recordsWith((r) => {
        r.exemptions.push({
          year: YEAR,
          student: 'an',
          subject: 'dia-li',
          period: 'HK2',
          scope: 'subject',
          decision: doc,
          reason: 'điều trị dài ngày',
          position: 900,
          by: LEADER,
        });
      }),
    );
    const r = row(b, 'dia-li', 'an');
    // Địa lí HK1 7 7 7 | 7 | 7 → 7.0; HK2 not assessed.
    expect([r.HK1.result, r.HK2.result, r.year]).toEqual(['7.0', 'Miễn', '7.0']);
    expect(r.HK2.gaps).toEqual([]);
    const learning = summary(b, 'an').year.learning as LearningOutcome;
    expect(learning.level).toBe('Tốt');
  });
});

describe('a pupil with an individual education plan (TT22 Điều 11, 12.4)', () => {
  const plan = {
    year: YEAR,
    student: 'an',
    mode: 'inclusive' as const,
    plan: { number: 'KHGDCN-03', date: '2024-09-20' },
    planSubjects: ['toan'],
    position: 900,
    by: LEADER,
  };
  it('the plan subject stays out of the levels and the principal decides promotion', () => {
    const b = bookOf(recordsWith((r) => (r.plans[`${YEAR}/an`] = plan)));
    expect(row(b, 'toan', 'an').individualPlan).toBe(true);
    // Without Toán (8.3) five subjects are ≥ 8.0: Khá, where the whole record gives Tốt.
    expect((summary(b, 'an').year.learning as LearningOutcome).level).toBe('Khá');
    expect(summary(b, 'an').year.promotion).toEqual({ status: 'pending', needs: ['principal-decision'] });
  });
  it('the decision, once recorded, is the promotion', () => {
    const b = bookOf(
      recordsWith((r) => {
        r.plans[`${YEAR}/an`] = plan;
        r.decisions[`${YEAR}/an`] = {
          year: YEAR,
          class: CLASS,
          student: 'an',
          decision: 'promoted',
          document: { number: 'QĐ-40/2025', date: '2025-05-28' },
          position: 901,
          by: LEADER,
        };
      }),
    );
    expect(summary(b, 'an').year.promotion).toEqual({ status: 'promoted' });
    expect(summary(b, 'an').circumstances.decision?.document.number).toBe('QĐ-40/2025');
  });
});

describe('transfers (QC Điều 8.2)', () => {
  it('a student who left in term II: the term\'s empty cells carry "transferred", the school leaves promotion to the next', () => {
    const b = bookOf(
      recordsWith((r) => {
        const entry = r.classes[`${YEAR}/${CLASS}`]!.roster.find((e) => e.student === 'binh')!;
        entry.left = { date: '2025-03-01', to: { school: 'THPT Nguyễn Du' }, reason: 'chuyển nơi ở' };
      }),
    );
    expect(row(b, 'hoa-hoc', 'binh').HK2.gaps).toEqual([{ column: 'ck', reason: 'transferred' }]);
    expect(summary(b, 'binh').year.promotion).toEqual({ status: 'transferred', date: '2025-03-01' });
    expect(summary(b, 'binh').year.award).toBeNull();
  });
  it("a student who arrived for term II: term I counts with the other school's results (7.0 → (7.0 + 2·8.0)/3 = 7.7)", () => {
    const b = bookOf(
      recordsWith((r) => {
        r.classes[`${YEAR}/${CLASS}`]!.roster.push({
          student: 'cuong',
          enrolled: '2025-01-20',
          from: { school: 'THPT Lê Lợi' },
        });
        const source = { school: 'THPT Lê Lợi', document: { number: 'HB-112', date: '2025-01-16' } };
        for (const subject of ['toan', 'ngu-van']) {
          const stream = mb(subject);
          const cell = (term: 'HK1' | 'HK2', column: string, index?: number) => ({
            key: `${stream}#cuong/${term}/${column}${index ?? ''}`,
            type: 'ScoreEntered' as const,
            stream,
            year: YEAR,
            class: CLASS,
            student: 'cuong',
            subject,
            term,
            column,
            ...(index === undefined ? {} : { index }),
          });
          putCell(r, cell('HK1', 'transferred'), { value: '7.0', eventId: `t-${subject}`, position: 910, source });
          for (const [column, index] of [['tx', 1], ['tx', 2], ['tx', 3], ['gk'], ['ck']] as const)
            putCell(r, cell('HK2', column, index), {
              value: '8',
              eventId: `m-${subject}-${column}${index ?? ''}`,
              position: 911,
            });
        }
      }),
    );
    const r = row(b, 'toan', 'cuong');
    expect(r.HK1.transferred!.history[0]!.source).toEqual({
      school: 'THPT Lê Lợi',
      document: { number: 'HB-112', date: '2025-01-16' },
    });
    expect([r.HK1.result, r.HK1.gaps]).toEqual(['7.0', []]);
    expect([r.HK2.result, r.year]).toEqual(['8.0', '7.7']);
    expect(summary(b, 'cuong').circumstances.arrived).toEqual({ date: '2025-01-20', from: { school: 'THPT Lê Lợi' } });
  });
});

describe('45 sessions on a one-session-a-day plan (TT22 Điều 12.1c)', () => {
  it('two sessions a day: two absent sessions count as one', () => {
    expect(countedAbsences(90, 2)).toBe(45);
    expect(countedAbsences(91, 2)).toBe(45.5);
    const good = { conduct: 'Tốt', learning: 'Tốt' } as const;
    expect(promotion(TT22_DEFAULTS, { ...good, absentSessions: countedAbsences(90, 2) })).toEqual({
      status: 'promoted',
    });
    expect(promotion(TT22_DEFAULTS, { ...good, absentSessions: countedAbsences(91, 2) })).toEqual({
      status: 'retained',
      reasons: ['absences'],
    });
    expect(promotion(TT22_DEFAULTS, { ...good, absentSessions: countedAbsences(46, 1) })).toMatchObject({
      status: 'retained',
    });
  });
  it("the school's setting for the year is what the book counts with", () => {
    const one = summary(bookOf(base), 'an').year.absences;
    const two = summary(bookOf(recordsWith((r) => (r.settings[YEAR] = { sessionsPerDay: 2, position: 900 }))), 'an')
      .year.absences;
    expect([one.total, one.sessionsPerDay, one.counted]).toEqual([2, 1, 2]);
    expect([two.total, two.sessionsPerDay, two.counted]).toEqual([2, 2, 1]);
  });
});

describe('the học bạ reads the same circumstances', () => {
  it('an exempt subject prints "Miễn" on the page', () => {
    const r = recordsWith((x) => {
      x.exemptions.push({
        year: YEAR,
        student: 'an',
        subject: 'dia-li',
        period: 'CN',
        scope: 'subject',
        decision: doc,
        reason: 'khuyết tật',
        position: 900,
        by: LEADER,
      });
    });
    const t = transcript(r, 'an');
    if (isLeft(t)) throw new Error(t.left.message);
    const line = t.right.pages[0]!.subjects.find((s) => s.subject === 'dia-li')!;
    expect([line.HK1, line.HK2, line.CN]).toEqual(['Miễn', 'Miễn', 'Miễn']);
  });
});
