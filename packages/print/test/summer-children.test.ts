/** The summer results (re-test, re-evaluated conduct) and the preschool adapters added for `hoso print`. */
import { describe, it, expect } from 'vitest';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import type { Cell, ChildPage, StudentSummary } from '@hoso/books';
import {
  attendanceDataFromChildPages,
  childBookDocument,
  markbookDocument,
  summerResultsOf,
  transcriptDocument,
  type PrintDocument,
  type PrintError,
  type TableBlock,
} from '../src/index.js';
import { META, markbook, transcript } from './fixtures.js';

const actor = (name: string) => ({ key: 'k'.repeat(43), role: 'x', person: name, name });

function cell(
  key: string,
  value: string,
  extra: Partial<Cell> = {},
  corrected?: { old: string; minutes: string },
): Cell {
  const v0 = {
    value: corrected ? corrected.old : value,
    eventId: 'e0',
    position: 1,
    at: '2024-10-01T00:00:00Z',
    by: actor('GV'),
  };
  const history = corrected
    ? [
        v0,
        {
          value,
          eventId: 'e1',
          position: 2,
          at: '2024-10-02T00:00:00Z',
          by: actor('GV'),
          correction: {
            target: 'e0',
            old: corrected.old,
            oldMatches: true,
            reason: 'nhầm',
            minutes: { number: corrected.minutes, date: '2024-10-02', text: 'BB' },
            requester: actor('GV'),
            approver: actor('HT'),
            witness: actor('QT'),
          },
        },
      ]
    : [v0];
  return {
    key,
    type: 'AttendanceRecorded',
    stream: 's',
    year: '2024-2025',
    class: 'MG5',
    student: 'tre',
    column: 'x',
    value,
    history,
    ...extra,
  };
}

const ok = (d: Either<PrintError, PrintDocument>): PrintDocument => {
  if (isLeft(d)) throw new Error(d.left.message);
  return d.right;
};
const tables = (d: PrintDocument): TableBlock[] =>
  d.sections.flatMap((s) => s.blocks.filter((b): b is TableBlock => b.kind === 'table'));
const labels = (t: TableBlock): string[] =>
  t.columns.flatMap((c) => [c.label, ...(c.children ?? []).map((x) => x.label)]);

describe('summer results (TT22 Điều 12)', () => {
  const year = (over: Partial<StudentSummary['year']>): StudentSummary['year'] =>
    ({ afterRetest: null, conductReevaluated: null, ...over }) as StudentSummary['year'];

  it('are absent without a re-test or re-evaluation; learning after re-tests is empty while one is missing', () => {
    expect(summerResultsOf(year({}))).toEqual({});
    expect(
      summerResultsOf(
        year({ afterRetest: { retests: {}, learning: { tag: 'incomplete', missing: [['retest', 'van']] } } as never }),
      ),
    ).toEqual({ reLearning: '' });
    expect(summerResultsOf(year({ afterRetest: { retests: {}, learning: { level: 'Đạt' } } as never }))).toEqual({
      reLearning: 'Đạt',
    });
    const re = cell(
      'r',
      'Đạt',
      { type: 'ConductReevaluated', column: 'reevaluation' },
      { old: 'Chưa đạt', minutes: '03/BB' },
    );
    expect(summerResultsOf(year({ conductReevaluated: { value: 'Đạt', cell: re } as never }))).toEqual({
      reConduct: {
        value: 'Đạt',
        corrections: [expect.objectContaining({ minutes: '03/BB', old: 'Chưa đạt', new: 'Đạt' })],
      },
    });
  });

  it('the học bạ gets the extra column for a conduct re-evaluation alone, labelled rèn luyện lại', () => {
    const plain = tables(ok(transcriptDocument(transcript(), META)))[0]!;
    const re = tables(ok(transcriptDocument({ ...transcript(), reConduct: 'Đạt' }, META)))[0]!;
    expect(re.rows[0]!.length).toBe(plain.rows[0]!.length + 1);
    expect(labels(re)).toContain('Rèn luyện lại');
    expect(labels(plain)).not.toContain('Rèn luyện lại');
    const last = re.rows[re.rows.length - 1]!;
    expect(last).toContain('Đạt');
  });

  it('the markbook summary shows learning after re-tests and conduct re-evaluated beside the year', () => {
    const m = markbook();
    const sum = m.summary!;
    const withRe = {
      ...m,
      summary: {
        ...sum,
        students: [{ ...sum.students[0]!, reLearning: 'Đạt', reConduct: 'Khá' }, ...sum.students.slice(1)],
      },
    };
    const t = tables(ok(markbookDocument(withRe, META)));
    const summary = t[t.length - 1]!;
    expect(labels(summary)).toEqual(
      expect.arrayContaining(['Sau hè (đánh giá lại)', 'Học tập sau KT lại', 'Rèn luyện lại']),
    );
    expect(labels(tables(ok(markbookDocument(m, META))).at(-1)!)).not.toContain('Rèn luyện lại');
  });
});

describe('preschool adapters', () => {
  const page: ChildPage = {
    student: 'tre',
    name: 'Bé Na',
    attendance: {
      present: 2,
      excused: 1,
      unexcused: 2,
      days: [
        cell('1', 'C', { date: '2024-09-05' }),
        cell('2', 'P', { date: '2024-09-06' }),
        cell('3', 'K', { date: '2024-09-09' }),
        cell('4', 'P', { date: '2024-09-10' }, { old: 'K', minutes: '04/BB' }),
        cell('5', 'K', { date: '2024-10-01' }),
      ],
    },
    growth: [],
  };

  it('a preschool month: excused and unexcused days, present days empty, other months left out, corrections kept', () => {
    const d = attendanceDataFromChildPages(
      [page],
      { className: 'MG5', schoolYear: '2024-2025', month: '2024-09' },
      { name: 'Cô Lan' },
    );
    expect(d.teacher).toEqual({ name: 'Cô Lan' });
    expect(d.students).toEqual([
      {
        name: 'Bé Na',
        days: {
          6: 'P',
          9: 'K',
          10: { value: 'P', corrections: [expect.objectContaining({ minutes: '04/BB', old: 'K', new: 'P' })] },
        },
      },
    ]);
  });

  it('the child book prints its note under the growth table; an empty note is refused naming the field', () => {
    const data = { child: { name: 'Bé Na' }, className: 'MG5', schoolYear: '2024-2025', attendance: [], growth: [] };
    const doc = ok(childBookDocument({ ...data, note: 'Chưa phân loại.' }, META));
    const blocks = doc.sections[0]!.blocks;
    const growthAt = blocks.findIndex((b) => b.kind === 'table' && labels(b).includes('Tháng tuổi'));
    expect(blocks[growthAt + 1]).toMatchObject({ kind: 'paragraph', text: 'Chưa phân loại.' });
    expect(
      ok(childBookDocument(data, META)).sections[0]!.blocks.some(
        (b) => b.kind === 'paragraph' && b.text === 'Chưa phân loại.',
      ),
    ).toBe(false);
    const bad = childBookDocument({ ...data, note: ' ' }, META);
    expect(isLeft(bad) && bad.left.path).toEqual(['note']);
    expect(isRight(childBookDocument({ ...data, note: 'x' }, META))).toBe(true);
  });
});
