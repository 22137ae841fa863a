/**
 * The primary học bạ (TT27) and the primary class summary at its two points, printed from a
 * history written by `@hoso/ledger` (the books package's primary test school): form data from the
 * books view, the PDF read back with pdf.js (diacritics, A4 portrait, one page, the QR code), the
 * builder's refusals, and `printJobsFromRecords`.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { primaryTranscript, type PrimaryTranscript, type Records } from '@hoso/books';
import {
  formatProofReference,
  keyFingerprint,
  primaryTranscriptDataFromBook,
  primaryTranscriptDocument,
  printJobsFromRecords,
  proofReferenceOf,
  renderHtml,
  renderPdf,
  type Cell,
  type CellValue,
  type PrintError,
  type PrintMeta,
  type PrimaryTranscriptData,
  type TableBlock,
} from '../src/index.js';
import { writePrimaryYear, Y, type PrimaryYear } from '../../books/test/support/primary-school.js';
import { ROOT } from './fixtures.js';
import { readPdf } from './pdf-text.js';
import { decodeQr, hasTool } from './tools.js';

function ok<A>(e: Either<PrintError | { message: string }, A>): A {
  if (isLeft(e)) throw new Error(e.left.message);
  return e.right;
}

let year: PrimaryYear;
let records: Records;
let meta: PrintMeta;
const book = (student: string): PrimaryTranscript => ok(primaryTranscript(records, student));
const dataOf = (student: string): PrimaryTranscriptData => {
  const t = book(student);
  return primaryTranscriptDataFromBook(t, t.pages[0]!);
};

beforeAll(async () => {
  year = await writePrimaryYear();
  records = year.records;
  meta = {
    school: { authority: 'PHÒNG GD&ĐT TP GIA NGHĨA', name: 'TRƯỜNG TIỂU HỌC THỬ NGHIỆM', place: 'Gia Nghĩa' },
    verification: { origin: 'hoso/thpt-test', size: year.events.length, root: ROOT, book: `hocba/an/${Y}` },
    printedOn: '2025-05-30',
  };
});

describe('primary học bạ from @hoso/books', () => {
  it('carries end-of-year levels, the corrected test score, qualities and competencies, the result, award and completion', () => {
    const d = dataOf('an');
    expect(d).toMatchObject({
      schoolYear: Y,
      className: '3A',
      result: 'Hoàn thành xuất sắc',
      award: 'Học sinh Xuất sắc',
      completion: 'Hoàn thành chương trình lớp học',
    });
    expect(d.student).toMatchObject({
      name: 'Nguyễn Văn An',
      birthDate: '2016-04-12',
      gender: 'Nam',
      birthPlace: 'Đắk Nông',
      ethnicity: 'Kinh',
      id: 'an',
    });
    expect(d.subjects.map((s) => [s.name, s.level, s.score ?? null])).toEqual([
      ['Tiếng Việt', 'T', '9'],
      [
        'Toán',
        'T',
        {
          value: '10',
          corrections: [
            expect.objectContaining({
              minutes: '02/BB-SCDL',
              old: '9',
              new: '10',
              reason: 'cộng sót điểm câu 5',
              approver: 'Test hieu-truong',
              witness: 'Test pho-hieu-truong',
            }),
          ],
        },
      ],
      ['Đạo đức', 'T', null],
    ]);
    expect(d.qualities.map((q) => [q.name, q.level])).toEqual([
      ['Yêu nước', 'T'],
      ['Nhân ái', 'T'],
      ['Chăm chỉ', 'T'],
      ['Trung thực', 'T'],
      ['Trách nhiệm', 'T'],
    ]);
    expect(d.generalCompetencies.map((q) => q.name)).toEqual([
      'Tự chủ và tự học',
      'Giao tiếp và hợp tác',
      'Giải quyết vấn đề và sáng tạo',
    ]);
    expect(d.specificCompetencies.map((q) => q.name)).toEqual([
      'Ngôn ngữ',
      'Tính toán',
      'Khoa học',
      'Công nghệ',
      'Tin học',
      'Thẩm mĩ',
      'Thể chất',
    ]);
    // 3A never confirmed its year: the homeroom teacher by name only, no principal yet.
    expect(d.homeroom).toEqual({ name: 'Test gvcn-10a1' });
    expect(d.principal).toBeUndefined();
    expect(d.enrolment).toBeUndefined();
  });

  it('leaves what the rules cannot decide blank: an incomplete year, and the HTT award the class decides', () => {
    const binh = dataOf('binh');
    for (const k of ['result', 'award', 'completion'] as const) expect(binh[k]).toBeUndefined();
    expect(binh.specificCompetencies.find((c) => c.name === 'Thể chất')!.level).toBe('');
    const chi = dataOf('chi');
    expect(chi).toMatchObject({
      className: '3B',
      result: 'Hoàn thành tốt',
      completion: 'Hoàn thành chương trình lớp học',
    });
    expect(chi.award).toBeUndefined();
  });

  it('a pupil who moved mid-year: the class history, and the signatures of 3B with key fingerprints and times', () => {
    const d = dataOf('chi');
    expect(d.enrolment).toBe(
      'lớp 3A từ 05/09/2024 đến 20/01/2025, chuyển sang lớp 3B (theo nguyện vọng gia đình); lớp 3B từ 20/01/2025 (chuyển đến từ lớp 3A)',
    );
    expect(d.homeroom).toMatchObject({ name: 'Test gvcn-10a1', key: year.school.people.homeroom.key });
    expect(d.principal).toMatchObject({ name: 'Test hieu-truong', key: year.school.people.principal.key });
    expect(d.principal!.signedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const doc = ok(primaryTranscriptDocument(d, meta));
    const sigs = doc.sections[1]!.blocks.find((b) => b.kind === 'signatures');
    expect(sigs).toMatchObject({
      items: [
        { title: 'GIÁO VIÊN CHỦ NHIỆM', fingerprint: keyFingerprint(year.school.people.homeroom.key) },
        { title: 'HIỆU TRƯỞNG', fingerprint: keyFingerprint(year.school.people.principal.key) },
      ],
    });
  });

  it('lays out the form on a spread: subjects on the first page; qualities, competencies, results and signatures on the second', () => {
    const doc = ok(primaryTranscriptDocument(dataOf('an'), meta));
    expect(doc.sections.map((x) => [x.orientation, x.title, x.subtitle, x.header !== undefined])).toEqual([
      ['portrait', 'HỌC BẠ', [`Tiểu học — Năm học ${Y}`], true],
      ['portrait', 'HỌC BẠ', [`Nguyễn Văn An — Lớp 3A — Năm học ${Y}`], false],
    ]);
    const tables = doc.sections.flatMap((x) => x.blocks.filter((b): b is TableBlock => b.kind === 'table'));
    expect(tables.map((t) => t.columns.map((c) => c.label))).toEqual([
      ['Môn học và hoạt động giáo dục', 'Mức đạt được', 'Điểm KTĐK', 'Nhận xét'],
      ['Phẩm chất chủ yếu', 'Mức đạt được', 'Nhận xét'],
      ['Năng lực cốt lõi', 'Mức đạt được', 'Nhận xét'],
    ]);
    expect(tables[0]!.rows[1]![2] as CellValue).toEqual({
      text: '10',
      correction: { old: '9', minutes: '02/BB-SCDL' },
    });
    expect(tables[0]!.notes?.join('\n')).toContain(
      'BB 02/BB-SCDL (20/05/2025) — Toán, điểm KTĐK: 9 → 10; lý do: cộng sót điểm câu 5',
    );
    // Đạo đức has no periodic test: its score cell stays empty.
    expect(tables[0]!.rows[2]![2]).toBe('');
    const text = (c: Cell | undefined): string => (c === undefined ? '' : typeof c === 'string' ? c : c.text);
    expect(tables[1]!.rows.map((r) => text(r[0]))).toEqual([
      'Yêu nước',
      'Nhân ái',
      'Chăm chỉ',
      'Trung thực',
      'Trách nhiệm',
    ]);
    expect(tables[2]!.rows.map((r) => text(r[0]))).toEqual([
      'Năng lực chung',
      'Tự chủ và tự học',
      'Giao tiếp và hợp tác',
      'Giải quyết vấn đề và sáng tạo',
      'Năng lực đặc thù',
      'Ngôn ngữ',
      'Tính toán',
      'Khoa học',
      'Công nghệ',
      'Tin học',
      'Thẩm mĩ',
      'Thể chất',
    ]);
  });

  it('renders two A4 portrait pages whose text reads back with its diacritics, each with a QR code holding the proof reference', async () => {
    const doc = ok(primaryTranscriptDocument(dataOf('an'), meta));
    const pdf = await renderPdf(doc);
    const info = await readPdf(pdf);
    expect(info.pages.map((p) => [Math.round(p.width), Math.round(p.height)])).toEqual([
      [595, 842],
      [595, 842],
    ]);
    const [first, second] = info.pages.map((p) => p.text);
    for (const s of [
      'HỌC BẠ',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Tiểu học — Năm học 2024-2025',
      'Nguyễn Văn An',
      '12/04/2016',
      'Tiếng Việt',
      'Điểm KTĐK',
      '02/BB-SCDL',
      'Trang 1/2',
    ])
      expect(first).toContain(s);
    for (const s of [
      'Những phẩm chất chủ yếu',
      'Trách nhiệm',
      'Năng lực đặc thù',
      'Giải quyết vấn đề và sáng tạo',
      'Hoàn thành xuất sắc',
      'Học sinh Xuất sắc',
      'Hoàn thành chương trình lớp học',
      'GIÁO VIÊN CHỦ NHIỆM',
      'HIỆU TRƯỞNG',
      'Trang 2/2',
    ])
      expect(second).toContain(s);
    expect(info.proof).toBe(formatProofReference(proofReferenceOf(meta.verification)));
    if (hasTool('pdftoppm') && hasTool('zbarimg'))
      for (const page of [1, 2]) expect(decodeQr(pdf, page, 300, 841.89)).toEqual([info.proof]);
    const html = renderHtml(doc);
    for (const s of [
      '3. Những năng lực cốt lõi',
      '6. Hoàn thành chương trình lớp học / chương trình tiểu học',
      'Học sinh Xuất sắc',
    ])
      expect(html).toContain(s);
  });

  it('refuses bad input naming the field and the rule', () => {
    const d = dataOf('an');
    const fails = (x: PrimaryTranscriptData, path: ReadonlyArray<string | number>): void => {
      const r = primaryTranscriptDocument(x, meta);
      expect(isLeft(r) && { code: r.left.code, path: r.left.path }).toEqual({ code: 'print-invalid-input', path });
    };
    fails({ ...d, subjects: d.subjects.map((s, i) => (i === 2 ? { ...s, score: '9' } : s)) }, ['subjects', 2, 'score']);
    fails(
      {
        ...d,
        qualities: [{ name: 'Yêu nước', level: { value: 'T', corrections: [{ minutes: '', old: 'Đ', new: 'T' }] } }],
      },
      ['qualities', 0, 'level', 'corrections', 0, 'minutes'],
    );
    fails({ ...d, student: { name: ' ' } }, ['student', 'name']);
    fails({ ...d, principal: { name: 'X', key: 'not a key' } }, ['principal', 'key']);
  });
});

describe('printJobsFromRecords for a primary school', () => {
  it('prints the class summaries at the end of term I and of the year, and each pupil’s học bạ page', () => {
    const { jobs, skipped } = ok(printJobsFromRecords(records, meta));
    expect(skipped).toEqual([]);
    const names = jobs.map((j) => j.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'bang-tong-hop-2024-2025-3a-ck1',
        'bang-tong-hop-2024-2025-3a-cn',
        'bang-tong-hop-2024-2025-3b-ck1',
        'bang-tong-hop-2024-2025-3b-cn',
        'hoc-ba-an-2024-2025',
        'hoc-ba-binh-2024-2025',
        'hoc-ba-chi-2024-2025',
        'hoc-ba-hs-001-2024-2025',
      ]),
    );
    const job = (name: string) => jobs.find((j) => j.name === name)!.document;
    expect(job('hoc-ba-chi-2024-2025').verification.book).toBe(`hocba/chi/${Y}`);
    expect(job('hoc-ba-chi-2024-2025').sections[0]!.subtitle).toEqual([`Tiểu học — Năm học ${Y}`]);
    const ck1 = job('bang-tong-hop-2024-2025-3a-ck1');
    expect(ck1.verification.book).toBe(`summary/${Y}/3A/CK1`);
    expect(ck1.sections[0]!.subtitle).toEqual([`Lớp 3A — Cuối học kỳ I — Năm học ${Y}`]);
    const cn = job('bang-tong-hop-2024-2025-3a-cn');
    expect(cn.sections[0]!.subtitle).toEqual([`Lớp 3A — Cuối năm học — Năm học ${Y}`]);
    // End of term I has no result columns; Chi's term I (H, test 6, Đạt) is on it.
    const labels = (d: typeof cn) =>
      d.sections[0]!.blocks.find((b): b is TableBlock => b.kind === 'table')!.columns.map((c) => c.label);
    expect(labels(ck1)).not.toContain('Kết quả');
    expect(labels(cn)).toEqual(expect.arrayContaining(['Kết quả', 'Khen thưởng', 'Hoàn thành CTLH / lên lớp']));
    const rowOf = (d: typeof cn, name: string) =>
      d.sections[0]!.blocks.find((b): b is TableBlock => b.kind === 'table')!.rows.find((r) => r[1] === name)!;
    expect(rowOf(ck1, 'Lê Thị Chi').slice(2, 4)).toEqual(['H', '6']);
    expect(rowOf(cn, 'Nguyễn Văn An').slice(-3)).toEqual(['HTXS', 'Học sinh Xuất sắc', 'HTCTLH']);
    // 3B approved its year: the CN summary carries the principal's signature.
    const sig = job('bang-tong-hop-2024-2025-3b-cn').sections[0]!.blocks.find((b) => b.kind === 'signatures');
    expect(sig).toMatchObject({
      items: [
        { name: 'Test gvcn-10a1' },
        { name: 'Test hieu-truong', fingerprint: keyFingerprint(year.school.people.principal.key) },
      ],
    });
    expect(ok(printJobsFromRecords(records, meta, { year: '2023-2024' })).jobs.map((j) => j.name)).toEqual([
      'so-dang-bo',
    ]);
  });
});
