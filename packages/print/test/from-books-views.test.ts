import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRight } from 'fp-ts/lib/Either.js';
import type { AttendanceLine, Cell, ChildPage, PrimarySummary } from '@hoso/books';
import {
  attendanceDataFromBook,
  attendanceDocument,
  childBookDataFromBook,
  childBookDocument,
  classSummaryDataFromBook,
  classSummaryDocument,
  growthStatusName,
  renderPdf,
} from '../src/index.js';
import { META } from './fixtures.js';

const actor = (name: string) => ({ key: 'k'.repeat(43), role: 'x', person: name, name });

/** A books cell with a plain history, or a corrected one (old → new with minutes). */
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
    type: 'AbsenceRecorded',
    stream: 's',
    year: '2024-2025',
    class: '1A',
    student: 'hs',
    column: 'x',
    value,
    history,
    ...extra,
  };
}

describe('primary class summary from @hoso/books', () => {
  const summary: PrimarySummary = {
    year: '2024-2025',
    class: '1A',
    grade: 1,
    ruleSet: { id: 'tt27', overridden: [] },
    homeroom: ['Dương Thị Mai'],
    subjects: [
      { subject: 'toan', name: 'Toán', tested: true },
      { subject: 'dao-duc', name: 'Đạo đức', tested: false },
    ],
    pupils: [
      {
        student: 'hs',
        name: 'Lê Minh Khôi',
        subjects: [
          {
            subject: 'toan',
            levels: { GK1: null, CK1: null, GK2: null, CN: cell('a', 'T') },
            tests: { GK1: null, CK1: null, GK2: null, CN: cell('b', '9', {}, { old: '7', minutes: '09/BB' }) },
          },
          { subject: 'dao-duc', levels: { GK1: null, CK1: null, GK2: null, CN: cell('c', 'H') }, tests: null },
        ],
        qualities: {
          'yeu-nuoc': { GK1: null, CK1: null, GK2: null, CN: cell('d', 'Tốt') },
          'tu-chu-tu-hoc': { GK1: null, CK1: null, GK2: null, CN: cell('e', 'Cần cố gắng') },
        },
        result: 'Hoàn thành tốt',
        award: { tag: 'incomplete', missing: [['class-recognition']] },
        recognition: null,
        completion: 'Hoàn thành chương trình lớp học',
        circumstances: { exemptions: [], plan: null, decision: null, left: null, arrived: null },
      },
    ],
    position: 10,
  };
  it('prints levels, the corrected test score, abbreviations and the result', () => {
    const d = classSummaryDataFromBook(summary);
    expect(d.competencies).toEqual(['Tự chủ, tự học']);
    expect(d.qualities).toEqual(['Yêu nước']);
    expect(d.students[0]).toMatchObject({
      name: 'Lê Minh Khôi',
      subjects: [
        { level: 'T', score: { value: '9', corrections: [{ minutes: '09/BB', old: '7', new: '9' }] } },
        { level: 'H' },
      ],
      competencies: ['C'],
      qualities: ['T'],
      result: 'HTT',
      completion: 'HTCTLH',
    });
    // HTT: "Học sinh Tiêu biểu" needs the class's recognition, which the records do not hold — blank.
    expect(d.students[0]!.award).toBeUndefined();
    // No exemption, plan, decision or transfer in the pupil's year: the form prints no notes.
    expect(d).not.toHaveProperty('notes');
    expect(isRight(classSummaryDocument(d, META))).toBe(true);
    // End of term I: no result, award or completion — the form has them only at the end of the year.
    const ck1 = classSummaryDataFromBook(summary, 'CK1');
    expect(ck1).toMatchObject({ period: 'Cuối học kỳ I', endOfYear: false });
    expect(ck1.students[0]).not.toHaveProperty('result');
    expect(ck1.students[0]!.subjects).toEqual([{ level: '', score: '' }, { level: '' }]);
    expect(isRight(classSummaryDocument(ck1, META))).toBe(true);
  });

  it("prints the pupils' year under the table: the exemption with its decision, the plan, the principal's decision, the transfer", async () => {
    const leader = actor('Nguyễn Văn Hiệu');
    const year = '2024-2025';
    const pupil = summary.pupils[0]!;
    const d = classSummaryDataFromBook({
      ...summary,
      pupils: [
        {
          ...pupil,
          circumstances: {
            exemptions: [
              {
                year,
                student: 'hs',
                subject: 'dao-duc',
                period: 'HK2',
                scope: 'subject',
                decision: { number: '15/QĐ-TH', date: '2025-01-20' },
                reason: 'khuyết tật',
                position: 5,
                by: leader,
              },
            ],
            plan: {
              year,
              student: 'hs',
              mode: 'inclusive',
              plan: { number: '07/KH-GDCN', date: '2024-09-12' },
              planSubjects: ['toan'],
              position: 4,
              by: leader,
            },
            decision: {
              year,
              class: '1A',
              student: 'hs',
              decision: 'promoted',
              document: { number: '40/QĐ-TH', date: '2025-05-22' },
              position: 9,
              by: leader,
            },
            left: null,
            arrived: { date: '2024-11-12', from: { school: 'TH Lê Lợi, Hà Nội' } },
          },
        },
      ],
    });
    expect(d.notes).toEqual([
      'Lê Minh Khôi: chuyển đến ngày 12/11/2024 từ TH Lê Lợi, Hà Nội',
      'Lê Minh Khôi: miễn học môn Đạo đức học kỳ II, quyết định số 15/QĐ-TH ngày 20/01/2025',
      'Lê Minh Khôi: học sinh khuyết tật, đánh giá theo kế hoạch giáo dục cá nhân số 07/KH-GDCN ngày 12/09/2024 (môn Toán)',
      'Lê Minh Khôi: hiệu trưởng quyết định lên lớp, số 40/QĐ-TH ngày 22/05/2025',
    ]);
    const doc = classSummaryDocument(d, META);
    if (!isRight(doc)) throw new Error(doc.left.message);
    const dir = mkdtempSync(join(tmpdir(), 'hoso-class-summary-notes-'));
    const file = join(dir, 'tong-hop.pdf');
    writeFileSync(file, await renderPdf(doc.right, { creationDate: new Date('2025-06-01T08:00:00Z') }));
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(
      /\s+/g,
      ' ',
    );
    expect(text).toContain('Ghi chú:');
    for (const n of d.notes!) expect(text).toContain(n);
    // Anything but lines of text is refused, naming the field.
    const bad = classSummaryDocument({ ...d, notes: [42 as unknown as string] }, META);
    expect(!isRight(bad) && bad.left.path).toEqual(['notes']);
  });
});

describe('preschool book and attendance from @hoso/books', () => {
  it('counts attendance by month and names the WHO classes', () => {
    const page: ChildPage = {
      student: 'c',
      name: 'Lê Ngọc Bảo Châu',
      attendance: {
        present: 2,
        excused: 1,
        unexcused: 1,
        days: [
          cell('1', 'C', { date: '2024-09-09' }),
          cell('2', 'P', { date: '2024-09-10' }),
          cell('3', 'C', { date: '2024-10-01' }),
          cell('4', 'K', { date: '2024-10-02' }),
        ],
      },
      growth: [
        {
          date: '2024-09-10',
          ageDays: 1196,
          weight: cell('w', '13.2'),
          height: cell('h', '94.5'),
          status: { 'weight-for-age': { z: -0.3, status: 'normal' }, 'height-for-age': { z: -2.4, status: 'stunted' } },
        },
      ],
    };
    const d = childBookDataFromBook(page, {
      className: 'Mầm',
      schoolYear: '2024-2025',
      birthDate: '2021-06-02',
      gender: 'Nữ',
    });
    expect(d.attendance).toEqual([
      { month: '2024-09', present: 1, excused: 1, unexcused: 0 },
      { month: '2024-10', present: 1, excused: 0, unexcused: 1 },
    ]);
    expect(d.growth).toEqual([
      {
        date: '2024-09-10',
        ageMonths: 39,
        weight: '13.2',
        height: '94.5',
        weightClass: 'Bình thường',
        heightClass: 'Thấp còi',
      },
    ]);
    expect(growthStatusName('obese')).toBe('Béo phì');
    expect(isRight(childBookDocument(d, META))).toBe(true);
  });

  it('marks each day of the month once, the unexcused session winning', () => {
    const line: AttendanceLine = {
      student: 'hs',
      name: 'Nguyễn Văn An',
      absences: [
        cell('1', 'P', { date: '2024-10-03', session: 'morning' }),
        cell('2', 'K', { date: '2024-10-03', session: 'afternoon' }),
        cell('3', 'P', { date: '2024-10-17' }, { old: 'K', minutes: '02/BB' }),
        cell('4', 'P', { date: '2024-11-01' }),
      ],
      HK1: { excused: 3, unexcused: 1, total: 4, sessionsPerDay: 1, counted: 4 },
      HK2: { excused: 0, unexcused: 0, total: 0, sessionsPerDay: 1, counted: 0 },
      year: { excused: 3, unexcused: 1, total: 4, sessionsPerDay: 1, counted: 4 },
    };
    const d = attendanceDataFromBook([line], { className: '10A1', schoolYear: '2024-2025', month: '2024-10' });
    expect(d.students[0]!.days).toEqual({
      3: 'K',
      17: { value: 'P', corrections: [expect.objectContaining({ minutes: '02/BB', old: 'K', new: 'P' })] },
    });
    expect(isRight(attendanceDocument(d, META))).toBe(true);
  });
});
