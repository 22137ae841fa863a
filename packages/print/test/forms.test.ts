import { describe, it, expect } from 'vitest';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import {
  attendanceDocument,
  childBookDocument,
  classSummaryDocument,
  correctionMinutesDocument,
  keyFingerprint,
  markbookDocument,
  primaryTranscriptDocument,
  registerDocument,
  renderPdf,
  transcriptDocument,
  validateDocument,
  type CellValue,
  type PrintDocument,
  type PrintError,
  type TableBlock,
} from '../src/index.js';
import {
  META,
  NHUNG,
  attendance,
  childBook,
  classSummary,
  fakeKey,
  markbook,
  minutes,
  primaryTranscript,
  register,
  transcript,
} from './fixtures.js';
import { readPdf } from './pdf-text.js';

function ok<A>(e: Either<PrintError, A>): A {
  if (isLeft(e)) throw new Error(`${e.left.code} at ${JSON.stringify(e.left.path)}: ${e.left.message}`);
  return e.right;
}

function fails(e: Either<PrintError, unknown>, path: ReadonlyArray<string | number>, rule?: RegExp): void {
  expect(isLeft(e)).toBe(true);
  if (isLeft(e)) {
    expect(e.left.code).toBe('print-invalid-input');
    expect(e.left.path).toEqual(path);
    if (rule) expect(e.left.rule).toMatch(rule);
  }
}

const tables = (d: PrintDocument): TableBlock[] =>
  d.sections.flatMap((s) => s.blocks.filter((b): b is TableBlock => b.kind === 'table'));

describe('every form builds a valid document', () => {
  const all: Array<[string, () => Either<PrintError, PrintDocument>, 'portrait' | 'landscape']> = [
    ['markbook', () => markbookDocument(markbook(8), META), 'landscape'],
    ['transcript', () => transcriptDocument(transcript(), META), 'portrait'],
    ['primary transcript', () => primaryTranscriptDocument(primaryTranscript(), META), 'portrait'],
    ['register', () => registerDocument(register(8), META), 'landscape'],
    ['class summary', () => classSummaryDocument(classSummary(8), META), 'landscape'],
    ['attendance', () => attendanceDocument(attendance(8), META), 'landscape'],
    ['child book', () => childBookDocument(childBook(), META), 'portrait'],
    ['correction minutes', () => correctionMinutesDocument(minutes(), META), 'portrait'],
  ];
  it.each(all)('%s', (_n, build, orientation) => {
    const d = ok(build());
    expect(isRight(validateDocument(d))).toBe(true);
    expect(d.sections[0]!.orientation).toBe(orientation);
    expect(d.sections[0]!.header?.motto).toBe(true);
    expect(d.verification).toMatchObject(META.verification);
  });
});

describe('class markbook', () => {
  it('has a section per subject then the summary, a column per regular assessment', () => {
    const d = ok(markbookDocument(markbook(5), META));
    expect(d.sections.map((s) => s.subtitle?.[1] ?? s.title)).toEqual([
      'Môn học: Toán',
      'Môn học: Giáo dục thể chất',
      'TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CẢ NĂM HỌC',
    ]);
    // STT, name, 2 × (4 ĐĐGtx + gk + ck + average), year = 17 columns for Toán.
    expect(tables(d)[0]!.rows[0]!.length).toBe(17);
    expect(tables(d)[1]!.rows[0]!.length).toBe(2 + 2 * (2 + 3) + 1);
  });

  it('puts the correction in the cell (first old value, value in force) and the details in the notes', () => {
    const d = ok(markbookDocument(markbook(5), META));
    const cell = tables(d)[0]!.rows[2]![4] as CellValue;
    expect(cell).toEqual({ text: '9', correction: { old: '6', minutes: '03/BB-SCDL' } });
    expect(tables(d)[0]!.notes).toContain(
      `BB 03/BB-SCDL (12/01/2025) — ${NHUNG}, ĐĐGtx 3 HK I: 6 → 9; lý do: nhập nhầm; đề nghị: Lê Văn Tám; phê duyệt: Phạm Văn Đức; chứng kiến: Đỗ Thị Hạnh`,
    );
    expect(tables(d)[1]!.notes).toEqual([]);
  });

  it('shows a value corrected twice with the first value struck and both minutes', () => {
    const m = markbook(3);
    const row = m.subjects[0]!.students[0]!;
    const twice = {
      ...m,
      subjects: [
        {
          ...m.subjects[0]!,
          students: [
            {
              ...row,
              year: {
                value: '8.0',
                corrections: [
                  { minutes: '1/BB', old: '7.0', new: '7.5' },
                  { minutes: '2/BB', old: '7.5', new: '8.0' },
                ],
              },
            },
          ],
        },
      ],
    };
    const cell = tables(ok(markbookDocument(twice, META)))[0]!.rows[0]![16] as CellValue;
    expect(cell).toMatchObject({ text: '8,0', correction: { old: '7,0', minutes: '1/BB, 2/BB' } });
  });

  it('signs each subject with its teacher and the summary with homeroom teacher and principal, with fingerprints', () => {
    const d = ok(markbookDocument(markbook(3), META));
    const sigs = d.sections.map((s) => s.blocks.find((b) => b.kind === 'signatures'));
    expect(sigs[0]).toMatchObject({
      items: [{ title: 'GIÁO VIÊN BỘ MÔN', name: 'Lê Văn Tám', fingerprint: keyFingerprint(fakeKey('toan')) }],
    });
    expect(sigs[2]).toMatchObject({
      items: [
        { title: 'GIÁO VIÊN CHỦ NHIỆM', name: 'Trần Thị Lan' },
        { title: 'HIỆU TRƯỞNG', name: 'Phạm Văn Đức', signedAt: '2025-05-30T09:00:00+07:00' },
      ],
    });
  });

  it('rejects bad input naming the field', () => {
    const m = markbook(3);
    fails(markbookDocument({ ...m, className: '' }, META), ['className']);
    fails(markbookDocument({ ...m, subjects: [{ ...m.subjects[0]!, regularCount: 9 }] }, META), [
      'subjects',
      0,
      'regularCount',
    ]);
    const s0 = m.subjects[0]!;
    const tooMany = { ...s0, regularCount: 2 };
    fails(markbookDocument({ ...m, subjects: [tooMany] }, META), ['subjects', 0, 'students', 0, 'terms', 0, 'regular']);
    const badCorr = {
      ...s0,
      students: [{ ...s0.students[0]!, year: { value: '9', corrections: [{ minutes: '1', old: '8', new: '7' }] } }],
    };
    fails(
      markbookDocument({ ...m, subjects: [badCorr] }, META),
      ['subjects', 0, 'students', 0, 'year', 'value'],
      /QC Điều 12\.3/,
    );
    fails(markbookDocument({ ...m, leader: { name: 'X', key: 'not-a-key' } }, META), ['leader', 'key']);
    const sum = m.summary!;
    fails(markbookDocument({ ...m, summary: { ...sum, students: [{ ...sum.students[0]!, subjects: ['1'] }] } }, META), [
      'summary',
      'students',
      0,
      'subjects',
    ]);
  });
});

describe('transcript (học bạ)', () => {
  it('lists subjects, then learning and conduct rows, with a re-test column only when needed', () => {
    const d = ok(transcriptDocument(transcript(), META));
    const t = tables(d)[0]!;
    expect(t.rows.length).toBe(6 + 2);
    expect(t.rows[0]!.length).toBe(6);
    const re = transcript();
    const withRetest = ok(
      transcriptDocument(
        { ...re, subjects: [{ ...re.subjects[0]!, retest: '6.0' }, ...re.subjects.slice(1)], reLearning: 'Đạt' },
        META,
      ),
    );
    expect(tables(withRetest)[0]!.rows[0]!.length).toBe(7);
  });
  it('rejects a missing name and malformed results', () => {
    fails(transcriptDocument({ ...transcript(), student: { name: ' ' } }, META), ['student', 'name']);
    fails(transcriptDocument({ ...transcript(), learning: ['Khá', 'Khá'] as never }, META), ['learning']);
    fails(transcriptDocument({ ...transcript(), absences: -1 }, META), ['absences']);
  });
});

describe('primary transcript (học bạ tiểu học)', () => {
  it('prints a grade-5 year with every subject, remarks and a correction on a spread of two A4 portrait pages', async () => {
    const d = ok(primaryTranscriptDocument(primaryTranscript(), META));
    const [subjects, qualities] = tables(d);
    expect(subjects!.rows).toHaveLength(11);
    expect(subjects!.rows[8]).toEqual([
      'Âm nhạc',
      { text: 'H', correction: { old: 'C', minutes: '07/BB-SCDL' } },
      '',
      '',
    ]);
    expect(subjects!.notes?.[1]).toBe(
      'BB 07/BB-SCDL (22/05/2025) — Âm nhạc, mức đạt được: C → H; lý do: nhập nhầm dòng; đề nghị: Đinh Thị Hát; phê duyệt: Hồ Văn Hiệu; chứng kiến: Đỗ Thị Hạnh',
    );
    expect(qualities!.rows[3]!.slice(0, 2)).toEqual(['Trung thực', 'Đ']);
    const pdf = await readPdf(await renderPdf(d));
    expect(pdf.pages.map((p) => [Math.round(p.width), Math.round(p.height)])).toEqual([
      [595, 842],
      [595, 842],
    ]);
    for (const s of ['Ngoại ngữ 1 (Tiếng Anh)', 'Hoạt động trải nghiệm', 'Giải toán có lời văn thành thạo.'])
      expect(pdf.pages[0]!.text).toContain(s);
    for (const s of ['Hoàn thành chương trình tiểu học', 'Dương Thị Mai']) expect(pdf.pages[1]!.text).toContain(s);
    // Fingerprints are set in monospace, one item per group.
    expect(pdf.pages[1]!.text.replace(/\s+/g, ' ')).toContain(keyFingerprint(fakeKey('ht-th'))!);
  });
});

describe('register (sổ đăng bộ)', () => {
  it('prints dates day first and keeps the corrected name with its minutes', () => {
    const t = tables(ok(registerDocument(register(3), META)))[0]!;
    expect(t.rows[0]![3]).toBe('10/01/2009');
    expect(t.rows[2]![2]).toEqual({ text: NHUNG, correction: { old: 'Nguyễn Thị Hồng Nhunq', minutes: '01/BB-SCDL' } });
  });
  it('refuses a register number used twice', () => {
    const r = register(2);
    fails(
      registerDocument({ ...r, entries: [r.entries[0]!, { ...r.entries[1]!, number: r.entries[0]!.number }] }, META),
      ['entries', 1, 'number'],
    );
  });
});

describe('class summary, attendance, child book', () => {
  it('gives tested subjects a score column', () => {
    const t = tables(ok(classSummaryDocument(classSummary(2), META)))[0]!;
    // STT, name, 3 tested × 2 + 6 × 1, 8 competencies, 5 qualities, result, award, completion.
    expect(t.rows[0]!.length).toBe(2 + 12 + 8 + 5 + 3);
    const c = classSummary(1);
    fails(
      classSummaryDocument(
        {
          ...c,
          students: [
            {
              ...c.students[0]!,
              subjects: c.students[0]!.subjects.map((s, k) => (k === 3 ? { ...s, score: '9' } : s)),
            },
          ],
        },
        META,
      ),
      ['students', 0, 'subjects', 3, 'score'],
    );
  });
  it('at the end of term I leaves off the result, award and completion, and refuses rows that carry them', () => {
    const c = { ...classSummary(2), period: 'Cuối học kỳ I', endOfYear: false };
    const bare = { ...c, students: c.students.map(({ result: _r, award: _a, completion: _c, ...rest }) => rest) };
    const d = ok(classSummaryDocument(bare, META));
    expect(tables(d)[0]!.rows[0]!.length).toBe(2 + 12 + 8 + 5);
    expect(d.sections[0]!.subtitle).toEqual(['Lớp 3A — Cuối học kỳ I — Năm học 2024-2025']);
    fails(classSummaryDocument(c, META), ['students', 0, 'result']);
  });
  it('has a column per day of the month and counts absences', () => {
    const t = tables(ok(attendanceDocument(attendance(3), META)))[0]!;
    expect(t.rows[0]!.length).toBe(2 + 31 + 2);
    expect(t.rows[2]!.slice(-2)).toEqual([
      { text: '2', bold: true },
      { text: '0', bold: true },
    ]);
    fails(
      attendanceDocument({ ...attendance(1), month: '2024-02', students: [{ name: 'A', days: { 30: 'P' } }] }, META),
      ['students', 0, 'days', '30'],
    );
    fails(attendanceDocument({ ...attendance(1), students: [{ name: 'A', days: { 3: 'X' } }] }, META), [
      'students',
      0,
      'days',
      '3',
    ]);
  });
  it('prints the growth table with weights in Vietnamese decimals', () => {
    const t = tables(ok(childBookDocument(childBook(), META)))[1]!;
    expect(t.rows[0]![3]).toBe('13,2');
    expect(t.rows[1]![3]).toEqual({ text: '13,9', correction: { old: '19,3', minutes: '04/BB-SCDL' } });
  });
});

describe('correction minutes (biên bản sửa chữa dữ liệu)', () => {
  it('prints number, date, reason, old and new values and three signature blocks with fingerprints', async () => {
    const d = ok(correctionMinutesDocument(minutes(), META));
    const pdf = await readPdf(await renderPdf(d));
    expect(pdf.pages.length).toBe(1);
    const text = pdf.pages[0]!.text;
    for (const s of [
      'BIÊN BẢN SỬA CHỮA DỮ LIỆU',
      'Số: 03/BB-SCDL',
      'Gia Nghĩa, ngày 12 tháng 1 năm 2025',
      'Giáo viên nhập nhầm điểm ĐĐGtx lần 3 của học sinh.',
      NHUNG,
      'NGƯỜI ĐỀ NGHỊ',
      'NGƯỜI CHỨNG KIẾN',
      'LÃNH ĐẠO ĐƠN VỊ',
      'Đỗ Thị Hạnh',
      '#8123',
    ])
      expect(text).toContain(s);
    for (const who of ['toan', 'admin', 'leader'])
      expect(text.replace(/\s+/g, ' ')).toContain(keyFingerprint(fakeKey(who))!);
  });

  it('refuses minutes without a reason, a number, or with one person in two places', () => {
    fails(correctionMinutesDocument({ ...minutes(), reason: '' }, META), ['reason'], /QC Điều 12\.3/);
    fails(correctionMinutesDocument({ ...minutes(), number: ' ' }, META), ['number'], /QC Điều 12\.3/);
    fails(correctionMinutesDocument({ ...minutes(), date: '12/01/2025' }, META), ['date']);
    fails(correctionMinutesDocument({ ...minutes(), items: [] }, META), ['items']);
    fails(
      correctionMinutesDocument({ ...minutes(), witness: { name: 'phạm văn đức' } }, META),
      ['witness', 'name'],
      /three distinct/,
    );
  });
});
