/**
 * `hoso print` through the built command: from a ledger or its export bundle (same pages), the
 * primary class summaries (end of term I and of the year), the preschool child book (with and
 * without a WHO reference), monthly attendance sheets, the summer re-test / re-evaluated conduct on
 * the markbook and học bạ, and `--student` for a primary pupil (TT27 học bạ) and a preschool child.
 * Ledgers are written with `@hoso/ledger` onto a SQLite file, then read by the CLI.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, buildSchool, type School } from '@hoso/ledger/testing';
import { fillPrimaryYear } from '../../books/test/support/primary-school.js';
import { openSqliteStore, sqlitePersonalData } from '@hoso/store-sqlite';
import { hoso } from './run.js';

const Y = '2024-2025';
const REMARK_TOAN = 'Em cần luyện thêm phép chia.';
const REMARK_CONDUCT = 'Ngoan, giúp đỡ bạn bè.';
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

/** A school written by `@hoso/ledger` onto a SQLite file, with a seal key and a signed checkpoint. */
async function ledgerFile(
  dir: string,
  levels: Array<'preschool' | 'primary' | 'upper-secondary'>,
  fill: (s: School) => Promise<void>,
): Promise<string> {
  const db = join(dir, 'ledger.db');
  const store = openSqliteStore({ path: db, ledger: 'thpt-test' });
  const s = await buildSchool({ store, ledger: 'thpt-test', levels });
  await fill(s);
  await store.flush();
  await store.close();
  expect((await hoso(['keys', 'generate', '--name', 'seal', '--out', dir])).code).toBe(0);
  const r = await hoso(['checkpoint', '--db', db, '--key', join(dir, 'seal.key')]);
  expect(r.code, r.stderr).toBe(0);
  return db;
}

/** Page sizes (width × height, points) of a pdfkit PDF: its page objects are not compressed. */
function pageSizes(pdf: string): string[] {
  return [
    ...readFileSync(pdf)
      .toString('latin1')
      .matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g),
  ].map((m) => `${Math.round(Number(m[1]))}x${Math.round(Number(m[2]))}`);
}
const A4_PORTRAIT = '595x842';
const A4_LANDSCAPE = '842x595';

describe('hoso print from a bundle', () => {
  const dir = tempDir('hoso-print-bundle-');
  beforeAll(async () => {
    const r = await hoso(['demo', '--dir', dir, '--students', '12', '--seed', 'print-seed', '--no-print', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it("prints the same pages from the export bundle as from the ledger, against the bundle's last checkpoint", async () => {
    // The demo's biographies are commitments (docs/personal-data.md §3): their values are in the
    // ledger file's personal-data store, which a bundle never carries (§6). So the bundle prints
    // what the ledger prints to a reader without that store: the same file copied, its openings
    // deleted, every committed field then "[không công khai]". Byte for byte, everything else.
    const ledger = 'thpt-nguyen-du-demo';
    const personal = sqlitePersonalData();
    const original = openSqliteStore({
      path: join(dir, 'ledger.db'),
      ledger,
      readonly: true,
      extensions: [personal.extension],
    });
    const name = personal.openings('hs-00001').find((o) => o.field === 'name')?.value;
    await original.close();
    expect(name).toBeTruthy();
    const bare = join(dir, 'bare');
    mkdirSync(bare);
    for (const f of readdirSync(dir).filter((f) => f.startsWith('ledger.db')))
      cpSync(join(dir, f), join(bare, f), { recursive: true });
    const emptied = openSqliteStore({
      path: join(bare, 'ledger.db'),
      ledger,
      extensions: [{ open: (d) => void d.prepare('DELETE FROM personal_data').run(), appended: () => undefined }],
    });
    await emptied.flush();
    await emptied.close();

    const args = ['--register', '--minutes', '--class', '10A1', '--student', 'hs-00001', '--format', 'html', '--json'];
    const [fromDb, fromBare, fromBundle] = await Promise.all([
      hoso(['print', '--db', join(dir, 'ledger.db'), '--out', join(dir, 'p-db'), ...args]),
      hoso(['print', '--db', join(bare, 'ledger.db'), '--out', join(dir, 'p-bare'), ...args]),
      hoso(['print', join(dir, 'ledger.hoso'), '--out', join(dir, 'p-bundle'), ...args]),
    ]);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    expect(fromBare.code, fromBare.stderr).toBe(0);
    expect(fromBundle.code, fromBundle.stderr).toBe(0);
    const sizeDb = (JSON.parse(fromDb.stdout) as { checkpoint: number }).checkpoint;
    expect((JSON.parse(fromBundle.stdout) as { checkpoint: number }).checkpoint).toBe(sizeDb);
    expect((JSON.parse(fromBare.stdout) as { checkpoint: number }).checkpoint).toBe(sizeDb);
    const files = readdirSync(join(dir, 'p-db')).sort();
    expect(files).toEqual(readdirSync(join(dir, 'p-bundle')).sort());
    expect(files).toEqual(readdirSync(join(dir, 'p-bare')).sort());
    expect(files).toEqual(
      expect.arrayContaining(['so-theo-doi-danh-gia-10a1.html', 'hoc-ba-hs-00001.html', 'so-dang-bo.html']),
    );
    expect(files.filter((f) => f.startsWith('bien-ban-'))).toHaveLength(2);
    for (const f of files)
      expect(readFileSync(join(dir, 'p-bundle', f)).equals(readFileSync(join(dir, 'p-bare', f))), f).toBe(true);
    // The ledger's own print names the pupil; the bundle's withholds the name on every page.
    for (const f of ['hoc-ba-hs-00001.html', 'so-theo-doi-danh-gia-10a1.html', 'so-dang-bo.html']) {
      expect(readFileSync(join(dir, 'p-db', f), 'utf8'), f).toContain(name!);
      const printed = readFileSync(join(dir, 'p-bundle', f), 'utf8');
      expect(printed, f).not.toContain(name!);
      expect(printed, f).toContain('[không công khai]');
    }
    // The footer carries the bundle's last checkpoint.
    const html = readFileSync(join(dir, 'p-bundle', 'so-theo-doi-danh-gia-10a1.html'), 'utf8');
    expect(html).toContain(`size=${sizeDb}&amp;`);
    expect(html).toContain('hoso%2Fthpt-nguyen-du-demo');
    // The date line's place is the province the demo school was founded in.
    expect(html).toMatch(/Hà Nội, ngày \d+ tháng \d+ năm \d{4}/);
  }, 60_000);

  it('show and log read a bundle like the ledger', async () => {
    const [a, b] = await Promise.all([
      hoso(['show', '--db', join(dir, 'ledger.db'), '--class', '10A1', '--subject', 'toan', '--json']),
      hoso(['show', join(dir, 'ledger.hoso'), '--class', '10A1', '--subject', 'toan', '--json']),
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const log = await hoso(['log', join(dir, 'ledger.hoso'), '--stream', 'school', '--limit', '2']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('signed by');
  }, 30_000);

  it('refuses, exit 2 naming the file, a bundle that is not readable; the help says to verify first', async () => {
    const bundle = readFileSync(join(dir, 'ledger.hoso'), 'utf8').split('\n');
    writeFileSync(join(dir, 'garbage.hoso'), 'this is not a bundle\n');
    // An event line changed: its stream chain (and the checkpoint root) no longer hold.
    const tampered = [...bundle];
    tampered[5] = tampered[5]!.replace(/"at":"[^"]+"/, '"at":"2024-09-05T00:00:00.000Z"');
    writeFileSync(join(dir, 'tampered.hoso'), tampered.join('\n'));
    // No checkpoint at the end.
    writeFileSync(join(dir, 'no-checkpoint.hoso'), bundle.filter((l) => !l.startsWith('{"checkpoint":')).join('\n'));
    for (const f of ['garbage.hoso', 'tampered.hoso', 'no-checkpoint.hoso', 'missing.hoso']) {
      const r = await hoso(['print', join(dir, f), '--out', join(dir, 'never'), '--register']);
      expect(r.code, `${f}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(join(dir, f));
    }
    expect(() => readdirSync(join(dir, 'never'))).toThrow();
    const both = await hoso([
      'print',
      join(dir, 'ledger.hoso'),
      '--db',
      join(dir, 'ledger.db'),
      '--out',
      join(dir, 'never'),
      '--register',
    ]);
    expect(both.code).toBe(2);
    const help = await hoso(['print', '--help']);
    expect(help.stdout).toContain('hoso verify');
    expect(help.stdout).toContain('NOT its signatures');
  }, 30_000);
});

describe('hoso print: primary class summary, preschool child book, attendance', () => {
  const dir = tempDir('hoso-print-levels-');
  let db = '';
  beforeAll(async () => {
    db = await ledgerFile(dir, ['preschool', 'primary', 'upper-secondary'], async (s) => {
      const L = [as(s.people.principal, 'leader')];
      const H = [as(s.people.homeroom, 'homeroom')];
      const T = [as(s.people.teacher, 'subject')];
      await s.run({ type: 'DefineSubject', data: { subject: 'tieng-viet', name: 'Tiếng Việt' } }, L);
      await s.run(
        {
          type: 'OfferSubject',
          data: {
            year: Y,
            grade: 4,
            subject: 'tieng-viet',
            periodsPerYear: 245,
            assessment: 'level-tested',
            midTermTests: true,
          },
        },
        L,
      );
      await s.run({ type: 'DefineSubject', data: { subject: 'dao-duc', name: 'Đạo đức' } }, L);
      await s.run(
        {
          type: 'OfferSubject',
          data: { year: Y, grade: 4, subject: 'dao-duc', periodsPerYear: 35, assessment: 'level' },
        },
        L,
      );
      await s.run({ type: 'OpenClass', data: { year: Y, class: '4A', grade: 4 } }, L);
      await s.run({ type: 'OpenClass', data: { year: Y, class: 'MG5', grade: 0 } }, L);
      for (const subject of ['tieng-viet', 'dao-duc'])
        await s.run(
          { type: 'GrantRole', data: { person: s.people.teacher.id, role: 'subject', year: Y, class: '4A', subject } },
          L,
        );
      for (const cls of ['4A', 'MG5'])
        await s.run(
          { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: Y, class: cls } },
          L,
        );
      await s.run(
        {
          type: 'EnrollStudent',
          data: {
            year: Y,
            class: '4A',
            student: 'hs-401',
            date: '2024-09-05',
            bio: { name: 'Phạm Thị Bốn', birthDate: '2015-01-01', sex: 'F' },
          },
        },
        H,
      );
      await s.run(
        {
          type: 'EnrollStudent',
          data: {
            year: Y,
            class: 'MG5',
            student: 'tre-01',
            date: '2024-09-05',
            bio: { name: 'Bé Na', birthDate: '2020-01-15', sex: 'F' },
          },
        },
        H,
      );
      await s.run(
        {
          type: 'EnterSubjectLevel',
          data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-401', period: 'CN', value: 'T' },
        },
        T,
      );
      await s.run(
        {
          type: 'EnterTestScore',
          data: { year: Y, class: '4A', subject: 'tieng-viet', student: 'hs-401', period: 'CN', value: '9' },
        },
        T,
      );
      await s.run(
        {
          type: 'EnterSubjectLevel',
          data: { year: Y, class: '4A', subject: 'dao-duc', student: 'hs-401', period: 'CN', value: 'H' },
        },
        T,
      );
      await s.run(
        {
          type: 'AssessQuality',
          data: { year: Y, class: '4A', student: 'hs-401', period: 'CN', aspect: 'trung-thuc', value: 'Tốt' },
        },
        H,
      );
      for (const [date, value] of [
        ['2024-09-05', 'C'],
        ['2024-09-06', 'P'],
        ['2024-09-09', 'K'],
        ['2024-09-10', 'C'],
      ] as const) {
        await s.run({ type: 'RecordAttendance', data: { year: Y, class: 'MG5', student: 'tre-01', date, value } }, H);
      }
      await s.run(
        {
          type: 'RecordGrowth',
          data: { year: Y, class: 'MG5', student: 'tre-01', date: '2024-09-15', measure: 'weight-kg', value: '12.0' },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordGrowth',
          data: { year: Y, class: 'MG5', student: 'tre-01', date: '2024-09-15', measure: 'height-cm', value: '95.0' },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordAbsence',
          data: { year: Y, class: '10A1', student: 'hs-002', date: '2024-09-12', session: 'morning', value: 'P' },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordAbsence',
          data: { year: Y, class: '10A1', student: 'hs-002', date: '2024-09-12', session: 'afternoon', value: 'K' },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordAbsence',
          data: { year: Y, class: '10A1', student: 'hs-003', date: '2024-09-30', session: 'morning', value: 'P' },
        },
        H,
      );
    });
  }, 60_000);

  it('prints every class by its level: markbook, TT27 class summary (landscape), child book (portrait)', async () => {
    const r = await hoso(['print', '--db', db, '--out', join(dir, 'all')]);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(join(dir, 'all')).sort();
    expect(files).toEqual([
      'bang-tong-hop-4a-ck1.html',
      'bang-tong-hop-4a-ck1.pdf',
      'bang-tong-hop-4a-cn.html',
      'bang-tong-hop-4a-cn.pdf',
      'so-theo-doi-danh-gia-10a1.html',
      'so-theo-doi-danh-gia-10a1.pdf',
      'so-theo-doi-tre-mg5.html',
      'so-theo-doi-tre-mg5.pdf',
    ]);
    expect(new Set(pageSizes(join(dir, 'all', 'bang-tong-hop-4a-cn.pdf')))).toEqual(new Set([A4_LANDSCAPE]));
    expect(new Set(pageSizes(join(dir, 'all', 'so-theo-doi-tre-mg5.pdf')))).toEqual(new Set([A4_PORTRAIT]));
    // The end of term I has no entries here: its sheet is the blank form, without the year-end columns.
    const ck1 = readFileSync(join(dir, 'all', 'bang-tong-hop-4a-ck1.html'), 'utf8');
    expect(ck1).toContain('Lớp 4A — Cuối học kỳ I — Năm học 2024-2025');
    expect(ck1).not.toContain('Khen thưởng');
    const sum = readFileSync(join(dir, 'all', 'bang-tong-hop-4a-cn.html'), 'utf8');
    expect(sum).toContain('BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC CỦA LỚP');
    expect(sum).toContain('Lớp 4A — Cuối năm học — Năm học 2024-2025');
    // This school was founded without a province: the date line's place is left for the clerk's pen.
    expect(sum).toMatch(/……………, ngày \d+ tháng \d+ năm \d{4}/);
    expect(sum).not.toContain('Hà Nội');
    expect(sum).toContain('Phạm Thị Bốn');
    expect(sum).toContain('Tiếng Việt');
    expect(sum).toContain('Trung thực');
    expect(sum).toMatch(/<td[^>]*>T<\/td>\s*<td[^>]*>9<\/td>/);
    // Without a WHO reference: the measurements, unclassified, and a note saying so.
    const child = readFileSync(join(dir, 'all', 'so-theo-doi-tre-mg5.html'), 'utf8');
    expect(child).toContain('SỔ THEO DÕI TRẺ');
    expect(child).toContain('Bé Na');
    expect(child).toContain('Chưa phân loại: không có bảng tham chiếu chuẩn tăng trưởng WHO');
    expect(child).not.toContain('Thấp còi');
    expect(child).toMatch(/<td[^>]*>9\/2024<\/td>\s*<td[^>]*>2<\/td>\s*<td[^>]*>1<\/td>\s*<td[^>]*>1<\/td>/);
  }, 60_000);

  it('prints the place the printer names with --place on the date line', async () => {
    const r = await hoso([
      'print',
      '--db',
      db,
      '--class',
      '4A',
      '--format',
      'html',
      '--place',
      'Gia Nghĩa',
      '--out',
      join(dir, 'place'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const sum = readFileSync(join(dir, 'place', 'bang-tong-hop-4a-cn.html'), 'utf8');
    expect(sum).toMatch(/Gia Nghĩa, ngày \d+ tháng \d+ năm \d{4}/);
  }, 60_000);

  it('classifies the child book against a WHO reference file; a malformed one is exit 2 naming the field', async () => {
    // An illustrative reference (not WHO data): weight z = (12 − 14) / 1.4 → normal; height z = (95 − 110) / 5.5 →
    // stunted.
    const who = {
      source: 'Bảng thử (không phải số liệu WHO)',
      'weight-for-age': {
        F: [
          [1600, 1, 14, 0.1],
          [1800, 1, 14.5, 0.1],
        ],
      },
      'height-for-age': {
        F: [
          [1700, 1, 110, 0.05],
          [1710, 1, 110.1, 0.05],
        ],
      },
    };
    writeFileSync(join(dir, 'who.json'), JSON.stringify(who));
    let r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'who'),
      '--class',
      'MG5',
      '--who-reference',
      join(dir, 'who.json'),
      '--format',
      'html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const child = readFileSync(join(dir, 'who', 'so-theo-doi-tre-mg5.html'), 'utf8');
    expect(child).toContain('Thấp còi');
    expect(child).toContain('Bình thường');
    expect(child).toContain(
      'Phân loại theo chuẩn tăng trưởng WHO, bảng tham chiếu: Bảng thử (không phải số liệu WHO).',
    );
    writeFileSync(
      join(dir, 'bad-who.json'),
      JSON.stringify({
        'weight-for-age': {
          F: [
            [1600, 1, 14, 0.1],
            [1500, 1, 14, 0.1],
          ],
        },
      }),
    );
    r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'never'),
      '--class',
      'MG5',
      '--who-reference',
      join(dir, 'bad-who.json'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--who-reference');
    expect(r.stderr).toContain('weight-for-age.F[1]');
    expect(r.stderr).toContain('[invalid-who-reference]');
  }, 30_000);

  it('prints monthly attendance sheets (landscape) for a school class and a preschool class', async () => {
    const r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'att'),
      '--attendance',
      '--month',
      '2024-09',
      '--class',
      '10A1',
      '--class',
      'MG5',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'att')).sort()).toEqual([
      'diem-danh-10a1-2024-09.html',
      'diem-danh-10a1-2024-09.pdf',
      'diem-danh-mg5-2024-09.html',
      'diem-danh-mg5-2024-09.pdf',
    ]);
    for (const f of ['diem-danh-10a1-2024-09.pdf', 'diem-danh-mg5-2024-09.pdf'])
      expect(new Set(pageSizes(join(dir, 'att', f)))).toEqual(new Set([A4_LANDSCAPE]));
    const sheet = readFileSync(join(dir, 'att', 'diem-danh-10a1-2024-09.html'), 'utf8');
    expect(sheet).toContain('SỔ ĐIỂM DANH');
    expect(sheet).toContain('Lớp 10A1 — Tháng 9/2024 — Năm học 2024-2025');
    // Học sinh 2: a P and a K session on the 12th → K (the stricter) that day; Học sinh 3: P on the 30th.
    const row = (name: string): string => sheet.slice(sheet.indexOf(name), sheet.indexOf('</tr>', sheet.indexOf(name)));
    expect([...row('Học sinh 2').matchAll(/<td[^>]*>([PK])<\/td>/g)].map((m) => m[1])).toEqual(['K']);
    expect([...row('Học sinh 3').matchAll(/<td[^>]*>([PK])<\/td>/g)].map((m) => m[1])).toEqual(['P']);
    const mg = readFileSync(join(dir, 'att', 'diem-danh-mg5-2024-09.html'), 'utf8');
    expect([...mg.slice(mg.indexOf('Bé Na')).matchAll(/<td[^>]*>([PK])<\/td>/g)].map((m) => m[1]).slice(0, 2)).toEqual([
      'P',
      'K',
    ]);
    const bad = await Promise.all([
      hoso(['print', '--db', db, '--out', join(dir, 'never'), '--attendance']),
      hoso(['print', '--db', db, '--out', join(dir, 'never'), '--attendance', '--month', '2024-13']),
      hoso(['print', '--db', db, '--out', join(dir, 'never'), '--month', '2024-09']),
    ]);
    for (const b of bad) {
      expect(b.code).toBe(2);
      expect(b.stderr).toContain('--month');
    }
  }, 60_000);
});

describe('hoso print after the summer: re-tests and re-evaluated conduct beside the year results', () => {
  const dir = tempDir('hoso-print-summer-');
  const C = '10A1';
  const EXTRA = ['ly', 'hoa', 'sinh', 'su', 'dia', 'anh'] as const;
  // As in packages/books/test/summer.test.ts: An (hs-001) 3.0 in Toán and Ngữ văn, Bình (hs-002) conduct Chưa đạt.
  const mark = (student: string, subject: string): string =>
    student === 'hs-001' && (subject === 'toan' || subject === 'van') ? '3.0' : '7.0';
  let db = '';
  beforeAll(async () => {
    db = await ledgerFile(dir, ['upper-secondary'], async (s) => {
      const L = [as(s.people.principal, 'leader')];
      const teacherOf = (subject: string) => (subject === 'van' ? s.people.homeroom : s.people.teacher);
      for (const subject of EXTRA) {
        await s.run({ type: 'DefineSubject', data: { subject, name: subject } }, L);
        await s.run(
          { type: 'OfferSubject', data: { year: Y, grade: 10, subject, periodsPerYear: 70, assessment: 'scored' } },
          L,
        );
        await s.run(
          { type: 'GrantRole', data: { person: s.people.teacher.id, role: 'subject', year: Y, class: C, subject } },
          L,
        );
      }
      const scored: Array<[string, number]> = [
        ['toan', 4],
        ['van', 2],
        ...EXTRA.map((x) => [x, 3] as [string, number]),
      ];
      for (const term of ['HK1', 'HK2'] as const) {
        for (const [subject, tx] of scored) {
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
              [as(teacherOf(subject), 'subject')],
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
      for (const subject of [...scored.map(([x]) => x), 'the-duc'])
        await s.run({ type: 'SignOffSubject', data: { year: Y, class: C, subject, term: 'HK2' } }, [
          as(teacherOf(subject), 'subject'),
        ]);
      await s.run({ type: 'ConfirmClass', data: { year: Y, class: C, term: 'HK2' } }, [
        as(s.people.homeroom, 'homeroom'),
      ]);
      s.clock.now = new Date('2025-07-10T08:00:00+07:00');
      await s.run({ type: 'OpenWindow', data: { window: 'he-2025', year: Y, period: 'HE', scope: {} } }, L);
      for (const [subject, value] of [
        ['toan', '5.0'],
        ['van', '4.0'],
      ] as const) {
        await s.run(
          {
            type: 'EnterRetestScore',
            data: { year: Y, class: C, subject, student: 'hs-001', value, date: '2025-07-08' },
          },
          [as(teacherOf(subject), 'subject')],
        );
      }
      await s.run(
        { type: 'ReevaluateConduct', data: { year: Y, class: C, student: 'hs-002', value: 'Đạt', date: '2025-08-01' } },
        [as(s.people.homeroom, 'homeroom')],
      );
    });
  }, 60_000);

  it('the markbook shows the re-test column and the summer results; the học bạ shows them beside the year', async () => {
    const r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'p'),
      '--class',
      C,
      '--student',
      'hs-001',
      '--student',
      'hs-002',
      '--format',
      'html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const book = readFileSync(join(dir, 'p', 'so-theo-doi-danh-gia-10a1.html'), 'utf8');
    expect(book).toContain('Kiểm tra lại');
    expect(book).toContain('Rèn luyện lại');
    expect(book).toContain('Học tập sau KT lại');
    // Toán page: An's year average 3,0 stays, the re-test 5,0 beside it.
    expect(book).toMatch(/<td[^>]*>(<b>)?3,0(<\/b>)?<\/td>\s*<td[^>]*>5,0<\/td>/);
    // Summary: An's learning Chưa đạt for the year, Đạt after the re-tests; Bình's conduct Chưa đạt, then Đạt.
    const summary = book.slice(book.indexOf('TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CẢ NĂM HỌC'));
    const row = (name: string): string[] =>
      [
        ...summary
          .slice(summary.indexOf(name), summary.indexOf('</tr>', summary.indexOf(name)))
          .matchAll(/<td[^>]*>(.*?)<\/td>/g),
      ].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
    const an = row('Học sinh 1');
    expect(an.slice(-4)).toEqual(['Đạt', '', '', 'Được lên lớp']);
    expect(an).toContain('Chưa đạt');
    const binh = row('Học sinh 2');
    expect(binh.slice(-4)).toEqual(['', 'Đạt', '', 'Được lên lớp']);
    expect(binh).toContain('Chưa đạt');
    const hocBa = readFileSync(join(dir, 'p', 'hoc-ba-hs-001.html'), 'utf8');
    expect(hocBa).toContain('Kiểm tra lại');
    expect(hocBa).toMatch(/<td[^>]*>3,0<\/td>\s*<td[^>]*>5,0<\/td>/);
    expect(hocBa).toContain('Sau kiểm tra lại / rèn luyện trong hè');
    const hocBa2 = readFileSync(join(dir, 'p', 'hoc-ba-hs-002.html'), 'utf8');
    expect(hocBa2).toContain('Rèn luyện lại');
    expect(hocBa2).toContain('rèn luyện Đạt');
  }, 60_000);
});

describe("hoso print --student: a primary pupil's học bạ (TT27) and a preschool child's page", () => {
  const dir = tempDir('hoso-print-student-');
  let db = '';
  beforeAll(async () => {
    db = await ledgerFile(dir, ['preschool', 'primary', 'upper-secondary'], async (s) => {
      await fillPrimaryYear(s);
      const L = [as(s.people.principal, 'leader')];
      const H = [as(s.people.homeroom, 'homeroom')];
      await s.run({ type: 'OpenClass', data: { year: Y, class: 'MG4', grade: 0 } }, L);
      await s.run(
        { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: Y, class: 'MG4' } },
        L,
      );
      await s.run(
        {
          type: 'EnrollStudent',
          data: {
            year: Y,
            class: 'MG4',
            student: 'tre-02',
            date: '2024-09-05',
            bio: { name: 'Bé Ngọc Ánh', birthDate: '2020-01-15', sex: 'F' },
          },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordAttendance',
          data: { year: Y, class: 'MG4', student: 'tre-02', date: '2024-09-05', value: 'C' },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordGrowth',
          data: { year: Y, class: 'MG4', student: 'tre-02', date: '2024-09-15', measure: 'weight-kg', value: '12.0' },
        },
        H,
      );
      await s.run(
        {
          type: 'RecordGrowth',
          data: { year: Y, class: 'MG4', student: 'tre-02', date: '2024-09-15', measure: 'height-cm', value: '95.0' },
        },
        H,
      );
      // A pupil of a year still under the older primary rules (grade 5 in 2023-2024: Thông tư 30/2014).
      await s.run(
        {
          type: 'DefineYear',
          data: {
            year: '2023-2024',
            terms: { HK1: { start: '2023-09-05', end: '2024-01-15' }, HK2: { start: '2024-01-20', end: '2024-05-25' } },
          },
        },
        L,
      );
      await s.run({ type: 'OpenClass', data: { year: '2023-2024', class: '5C', grade: 5 } }, L);
      await s.run(
        { type: 'GrantRole', data: { person: s.people.homeroom.id, role: 'homeroom', year: '2023-2024', class: '5C' } },
        L,
      );
      await s.run(
        {
          type: 'EnrollStudent',
          data: {
            year: '2023-2024',
            class: '5C',
            student: 'cu-01',
            date: '2023-09-05',
            bio: { name: 'Học sinh Cũ', birthDate: '2013-02-02', sex: 'M' },
          },
        },
        H,
      );
      // Remarks (nhận xét): a primary subject teacher's with a level, a homeroom teacher's with conduct.
      await s.run(
        {
          type: 'EnrollStudent',
          data: {
            year: Y,
            class: '3A',
            student: 'dung',
            date: '2024-09-05',
            bio: { name: 'Phạm Văn Dũng', birthDate: '2016-06-01', sex: 'M' },
          },
        },
        H,
      );
      await s.run(
        {
          type: 'EnterSubjectLevel',
          data: {
            year: Y,
            class: '3A',
            subject: 'toan',
            student: 'dung',
            period: 'CN',
            value: 'H',
            comment: REMARK_TOAN,
          },
        },
        [as(s.people.teacher, 'subject')],
      );
      await s.run(
        {
          type: 'AssessConduct',
          data: { year: Y, class: '10A1', student: 'hs-001', term: 'HK1', value: 'Tốt', comment: REMARK_CONDUCT },
        },
        H,
      );
    });
  }, 60_000);

  it('hoso show --student shows the primary học bạ of a primary pupil, with the remarks', async () => {
    const [an, dung, json] = await Promise.all([
      hoso(['show', '--db', db, '--student', 'an']),
      hoso(['show', '--db', db, '--student', 'dung']),
      hoso(['show', '--db', db, '--student', 'dung', '--json']),
    ]);
    expect(an.code, an.stderr).toBe(0);
    expect(an.stdout).not.toContain('no class page');
    for (const s of [
      'Học bạ tiểu học: Nguyễn Văn An (an)',
      'Năm học 2024-2025, lớp 3A (tt27)',
      'Hoàn thành xuất sắc',
      'Học sinh Xuất sắc',
      'Phẩm chất: yeu-nuoc T',
    ])
      expect(an.stdout).toContain(s);
    // The corrected test score is marked, as on the markbook page.
    expect(an.stdout).toMatch(/Toán\s+T\s+10\*/);
    expect(dung.code, dung.stderr).toBe(0);
    expect(dung.stdout).toMatch(new RegExp(`Toán\\s+H\\s+${REMARK_TOAN}`));
    const view = JSON.parse(json.stdout) as {
      pages: Array<{ subjects: Array<{ subject: string; remark: { text: string } | null }> }>;
    };
    expect(view.pages[0]!.subjects.find((x) => x.subject === 'toan')!.remark!.text).toBe(REMARK_TOAN);
  }, 30_000);

  it("hoso show --student shows a preschool child's page, and why an old primary year has none", async () => {
    const [child, old] = await Promise.all([
      hoso(['show', '--db', db, '--student', 'tre-02']),
      hoso(['show', '--db', db, '--student', 'cu-01', '--year', '2023-2024']),
    ]);
    expect(child.code, child.stderr).toBe(0);
    for (const s of [
      'Sổ theo dõi trẻ: Bé Ngọc Ánh (tre-02), born 2020-01-15',
      'Năm học 2024-2025, lớp MG4',
      'có mặt 1, nghỉ có phép 0, nghỉ không phép 0',
    ])
      expect(child.stdout).toContain(s);
    expect(child.stdout).toMatch(/2024-09-15\s+12\.0\s+95\.0/);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stdout).toContain('no primary học bạ page');
    expect(old.stdout).toContain('Thông tư 30/2014');
  }, 30_000);

  it("shows and prints the homeroom teacher's remarks on the secondary học bạ, and the primary subject remark", async () => {
    const show = await hoso(['show', '--db', db, '--student', 'hs-001']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`Nhận xét của giáo viên chủ nhiệm: Học kỳ I: ${REMARK_CONDUCT}`);
    const r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'remarks'),
      '--student',
      'hs-001',
      '--student',
      'dung',
      '--format',
      'html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'remarks', 'hoc-ba-hs-001.html'), 'utf8')).toContain(REMARK_CONDUCT);
    expect(readFileSync(join(dir, 'remarks', 'hoc-ba-dung.html'), 'utf8')).toContain(REMARK_TOAN);
  }, 30_000);

  it("prints the primary học bạ of each pupil named (a spread of two A4 portrait pages) and the child's page of the preschool book", async () => {
    const r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'p'),
      '--student',
      'an',
      '--student',
      'chi',
      '--student',
      'tre-02',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'p')).sort()).toEqual([
      'hoc-ba-an.html',
      'hoc-ba-an.pdf',
      'hoc-ba-chi.html',
      'hoc-ba-chi.pdf',
      'so-theo-doi-tre-tre-02.html',
      'so-theo-doi-tre-tre-02.pdf',
    ]);
    for (const f of ['hoc-ba-an.pdf', 'hoc-ba-chi.pdf'])
      expect(pageSizes(join(dir, 'p', f))).toEqual([A4_PORTRAIT, A4_PORTRAIT]);
    expect(pageSizes(join(dir, 'p', 'so-theo-doi-tre-tre-02.pdf'))).toEqual([A4_PORTRAIT]);
    const an = readFileSync(join(dir, 'p', 'hoc-ba-an.html'), 'utf8');
    for (const s of [
      'HỌC BẠ',
      'Tiểu học — Năm học 2024-2025',
      'Nguyễn Văn An',
      'Hoàn thành xuất sắc',
      'Học sinh Xuất sắc',
      'Hoàn thành chương trình lớp học',
      'BB 02/BB-SCDL',
      'student%2Fan',
    ])
      expect(an).toContain(s);
    // Before the year is approved the principal prints by name, without a key.
    expect(an).toContain('Test hieu-truong');
    const chi = readFileSync(join(dir, 'p', 'hoc-ba-chi.html'), 'utf8');
    for (const s of ['Lê Thị Chi', 'Hoàn thành tốt', 'chuyển sang lớp 3B']) expect(chi).toContain(s);
    const child = readFileSync(join(dir, 'p', 'so-theo-doi-tre-tre-02.html'), 'utf8');
    for (const s of ['SỔ THEO DÕI TRẺ', 'Bé Ngọc Ánh', 'MG4', 'Chưa phân loại: không có bảng tham chiếu'])
      expect(child).toContain(s);
  }, 60_000);

  it('writes archival PDF/A-2b by default, plain PDF with --no-pdfa', async () => {
    const [a, b] = await Promise.all([
      hoso(['print', '--db', db, '--out', join(dir, 'pdfa'), '--student', 'an', '--format', 'pdf']),
      hoso(['print', '--db', db, '--out', join(dir, 'plain'), '--student', 'an', '--format', 'pdf', '--no-pdfa']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const archival = readFileSync(join(dir, 'pdfa', 'hoc-ba-an.pdf')).toString('latin1');
    expect(archival.startsWith('%PDF-1.7')).toBe(true);
    expect(archival).toContain('<pdfaid:part>2</pdfaid:part>');
    expect(archival).toContain('/OutputIntents');
    const plain = readFileSync(join(dir, 'plain', 'hoc-ba-an.pdf')).toString('latin1');
    expect(plain.startsWith('%PDF-1.3')).toBe(true);
    expect(plain).not.toContain('pdfaid');
  }, 30_000);

  it("classifies the child's page with --who-reference, as the class print does", async () => {
    const who = {
      source: 'Bảng thử (không phải số liệu WHO)',
      'weight-for-age': {
        F: [
          [1600, 1, 14, 0.1],
          [1800, 1, 14.5, 0.1],
        ],
      },
      'height-for-age': {
        F: [
          [1700, 1, 110, 0.05],
          [1710, 1, 110.1, 0.05],
        ],
      },
    };
    writeFileSync(join(dir, 'who.json'), JSON.stringify(who));
    const r = await hoso([
      'print',
      '--db',
      db,
      '--out',
      join(dir, 'who'),
      '--student',
      'tre-02',
      '--who-reference',
      join(dir, 'who.json'),
      '--format',
      'html',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const child = readFileSync(join(dir, 'who', 'so-theo-doi-tre-tre-02.html'), 'utf8');
    expect(child).toContain('Thấp còi');
    expect(child).toContain(
      'Phân loại theo chuẩn tăng trưởng WHO, bảng tham chiếu: Bảng thử (không phải số liệu WHO).',
    );
  }, 30_000);

  it('says clearly why a student has nothing to print, naming --student', async () => {
    const [old, unknown] = await Promise.all([
      hoso(['print', '--db', db, '--out', join(dir, 'never'), '--student', 'cu-01', '--year', '2023-2024']),
      hoso(['print', '--db', db, '--out', join(dir, 'never'), '--student', 'nobody']),
    ]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('--student');
    expect(old.stderr).toContain('no primary học bạ page for 2023-2024 (class 5C)');
    expect(old.stderr).toContain('Thông tư 30/2014');
    expect(old.stderr).toContain('[no-class-page]');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--student');
    expect(unknown.stderr).toContain('no student "nobody"');
    expect(() => readdirSync(join(dir, 'never'))).toThrow();
  }, 30_000);
});
