/**
 * The worked example of docs/grading.md ("After the year: re-tests and re-evaluation"), written
 * through @hoso/ledger with column commands: a grade-10 class, eight scored subjects and one
 * comment subject; An and Cường end the year with learning Chưa đạt (Toán and Ngữ văn at 3.0),
 * Bình with conduct Chưa đạt. After the summer the book shows the year results AND the re-test /
 * re-evaluation beside them, and decides promotion with the latter.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isRight } from 'fp-ts/lib/Either.js';
import { buildSchool, as, type School } from '@hoso/ledger/testing';
import { foldRecords } from '../src/records/apply.js';
import { classMarkbook, type Markbook, type StudentSummary } from '../src/books/markbook.js';
import { transcript } from '../src/books/transcript.js';
import type { Records } from '../src/records/state.js';
import type { StoredEvent } from '@hoso/store';

const Y = '2024-2025';
const C = '10A1';
const EXTRA = ['ly', 'hoa', 'sinh', 'su', 'dia', 'anh'] as const;
// An (hs-001) and Cường (hs-003): 3.0 in Toán and Ngữ văn, 7.0 elsewhere. Bình (hs-002): 7.0 everywhere.
const mark = (student: string, subject: string): string =>
  student !== 'hs-002' && (subject === 'toan' || subject === 'van') ? '3.0' : '7.0';

async function records(s: School): Promise<Records> {
  const events: StoredEvent[] = [];
  for await (const e of s.store.read('thpt-test')) events.push(e);
  return foldRecords(events);
}

function book(r: Records): Markbook {
  const b = classMarkbook(r, Y, C);
  if (!isRight(b)) throw new Error(b.left.message);
  expect(b.right.problems).toEqual([]);
  return b.right;
}

const student = (b: Markbook, id: string): StudentSummary => b.students.find((x) => x.student === id)!;

describe('after the year: re-tests and conduct re-evaluation (TT22 Điều 12–13)', () => {
  let s: School;
  const L = () => [as(s.people.principal, 'leader')];
  const teacherOf = (subject: string) => (subject === 'van' ? s.people.homeroom : s.people.teacher);

  beforeAll(async () => {
    s = await buildSchool({ students: 3 });
    for (const subject of EXTRA) {
      await s.run({ type: 'DefineSubject', data: { subject, name: subject } }, L());
      await s.run(
        { type: 'OfferSubject', data: { year: Y, grade: 10, subject, periodsPerYear: 70, assessment: 'scored' } },
        L(),
      );
      await s.run(
        { type: 'GrantRole', data: { person: s.people.teacher.id, role: 'subject', year: Y, class: C, subject } },
        L(),
      );
    }
    const scored: Array<[string, number]> = [['toan', 4], ['van', 2], ...EXTRA.map((x) => [x, 3] as [string, number])];
    for (const term of ['HK1', 'HK2'] as const) {
      for (const [subject, tx] of scored) {
        const T = [as(teacherOf(subject), 'subject')];
        const cols = [
          ...Array.from({ length: tx }, (_, i) => ({ column: 'tx', index: i + 1 })),
          { column: 'gk' },
          { column: 'ck' },
        ];
        for (const c of cols) {
          await s.run(
            {
              type: 'EnterScores',
              data: {
                year: Y,
                class: C,
                subject,
                term,
                ...c,
                entries: s.students.map((st) => ({ student: st, value: mark(st, subject) })),
              },
            },
            T,
          );
        }
      }
      for (const c of [{ column: 'tx', index: 1 }, { column: 'tx', index: 2 }, { column: 'gk' }, { column: 'ck' }]) {
        await s.run(
          {
            type: 'EnterCommentLevels',
            data: {
              year: Y,
              class: C,
              subject: 'the-duc',
              term,
              ...c,
              entries: s.students.map((st) => ({ student: st, value: 'Đ' })),
            },
          },
          [as(s.people.teacher, 'subject')],
        );
      }
      for (const st of s.students) {
        const value = st === 'hs-002' ? (term === 'HK1' ? 'Đạt' : 'Chưa đạt') : 'Khá';
        await s.run({ type: 'AssessConduct', data: { year: Y, class: C, student: st, term, value } }, [
          as(s.people.homeroom, 'homeroom'),
        ]);
      }
    }
    for (const subject of [...scored.map(([x]) => x), 'the-duc']) {
      await s.run({ type: 'SignOffSubject', data: { year: Y, class: C, subject, term: 'HK2' } }, [
        as(teacherOf(subject), 'subject'),
      ]);
    }
    await s.run({ type: 'ConfirmClass', data: { year: Y, class: C, term: 'HK2' } }, [
      as(s.people.homeroom, 'homeroom'),
    ]);
  });

  it('at year end: learning or conduct Chưa đạt, promotion pending on the summer', async () => {
    const b = book(await records(s));
    const an = student(b, 'hs-001');
    expect(an.year.learning).toMatchObject({ level: 'Chưa đạt' });
    expect(an.year.retest).toEqual(['toan', 'van']);
    expect(an.year.promotion).toEqual({ status: 'pending', needs: ['learning-retest'] });
    expect(an.year.afterRetest).toBeNull();
    const binh = student(b, 'hs-002');
    expect(binh.year.learning).toMatchObject({ level: 'Khá' });
    expect(binh.year.conduct).toBe('Chưa đạt');
    expect(binh.year.promotion).toEqual({ status: 'pending', needs: ['conduct-retraining'] });
  });

  it('in the summer: the book shows both, and promotion follows the re-tests and re-evaluation', async () => {
    s.clock.now = new Date('2025-07-10T08:00:00+07:00');
    await s.run({ type: 'OpenWindow', data: { window: 'he-2025', year: Y, period: 'HE', scope: {} } }, L());
    const retest = (st: string, subject: string, value: string) =>
      s.run(
        { type: 'EnterRetestScore', data: { year: Y, class: C, subject, student: st, value, date: '2025-07-08' } },
        [as(teacherOf(subject), 'subject')],
      );

    // Toán first: An's result waits for Ngữ văn.
    await retest('hs-001', 'toan', '5.0');
    let b = book(await records(s));
    expect(student(b, 'hs-001').year.afterRetest?.learning).toEqual({
      tag: 'incomplete',
      missing: [['retest', 'van']],
    });
    expect(student(b, 'hs-001').year.promotion).toEqual({ status: 'pending', needs: ['learning-retest'] });

    await retest('hs-001', 'van', '4.0');
    await retest('hs-003', 'toan', '4.0');
    await retest('hs-003', 'van', '3.0');
    await s.run(
      { type: 'ReevaluateConduct', data: { year: Y, class: C, student: 'hs-002', value: 'Đạt', date: '2025-08-01' } },
      [as(s.people.homeroom, 'homeroom')],
    );
    const r = await records(s);
    b = book(r);

    // An: Toán 5.0, Ngữ văn 4.0 (≥ 3.5), six subjects at 7.0 → Đạt → promoted. The year result stays Chưa đạt.
    const an = student(b, 'hs-001');
    expect(an.year.learning).toMatchObject({ level: 'Chưa đạt' });
    expect(an.year.afterRetest?.learning).toMatchObject({ level: 'Đạt' });
    expect(Object.keys(an.year.afterRetest?.retests ?? {})).toEqual(['toan', 'van']);
    expect(an.year.promotion).toEqual({ status: 'promoted' });
    const toan = b.subjects.find((p) => p.subject === 'toan')!.rows.find((x) => x.student === 'hs-001')!;
    expect(toan.year).toBe('3.0');
    expect(toan.retest?.value).toBe('5.0');
    expect(toan.retest?.history[0]?.by).toMatchObject({ person: s.people.teacher.id, role: 'subject' });

    // Cường: Ngữ văn 3.0 after the re-test (< 3.5) → still Chưa đạt → retained.
    const cuong = student(b, 'hs-003');
    expect(cuong.year.afterRetest?.learning).toMatchObject({ level: 'Chưa đạt' });
    expect(cuong.year.promotion).toEqual({ status: 'retained', reasons: ['learning'] });

    // Bình: conduct Chưa đạt for the year, Đạt after summer training → promoted; both shown.
    const binh = student(b, 'hs-002');
    expect(binh.year.conduct).toBe('Chưa đạt');
    expect(binh.year.conductReevaluated?.value).toBe('Đạt');
    expect(binh.year.conductReevaluated?.cell.history[0]?.by).toMatchObject({
      person: s.people.homeroom.id,
      role: 'homeroom',
    });
    expect(binh.year.promotion).toEqual({ status: 'promoted' });
    expect(binh.year.afterRetest).toBeNull();

    // The học bạ page prints the re-test beside the year result and carries the same decisions.
    const tr = transcript(r, 'hs-001');
    if (!isRight(tr)) throw new Error(tr.left.message);
    const page = tr.right.pages[0]!;
    expect(page.subjects.find((x) => x.subject === 'toan')).toMatchObject({ CN: '3.0', retest: '5.0' });
    expect(page.subjects.find((x) => x.subject === 'ly')?.retest).toBeUndefined();
    expect(page.results.promotion).toEqual({ status: 'promoted' });
    expect(page.results.afterRetest?.learning).toMatchObject({ level: 'Đạt' });
  });
});
