/**
 * `hoso show`, `hoso log` and `hoso print`: the books, their history, and paper — from a ledger or an export bundle.
 */
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  attendance,
  preschoolBook,
  PRESCHOOL_DEFAULTS,
  primarySummary,
  primaryTranscript,
  register,
  type Cell,
  type PrimaryAspectLine,
  type PrimarySummary,
  type Markbook,
  type Records,
  type SubjectPage,
  sexLabel,
  resolveRecords,
} from '@hoso/books';
import { bytesEqual, decodeEnvelope } from '@hoso/core';
import { approvalsStream, classStream, homeroomStream, markbookStream, studentStream } from '@hoso/ledger';
import type { PrintMeta } from '@hoso/print';
import { gradeOrFail, markbookOrFail, studentClassOrFail, yearOf, type StudentClass } from '../book-select.js';
import { foldStore, personName, schoolInfo, studentName, textOf, transcriptData, transcriptOf } from '../books-view.js';
import { checkpointDir, latestCheckpoint, readCheckpointFile, type KeptCheckpoint } from '../checkpoints.js';
import { accessOptions, personalFor, type AccessArgs } from '../access.js';
import { refused, usage } from '../exit.js';
import { jsonText, terminalSafe, type Output } from '../io.js';
import { withStore, type OpenedStore } from '../store.js';
import { renderTable } from '../table.js';
import { storeOptions } from './checkpoints.js';
import { collect, intOption } from './options.js';

type StoreOpts = { db?: string; store?: string; ledger?: string };

/** A cell for the terminal: its value, `*` when it was corrected. */
const cellText = (c: Cell | null): string => (c === null ? '' : c.value + (c.history.length > 1 ? '*' : ''));

function subjectTable(r: Records, page: SubjectPage): string {
  const n = page.regularCount;
  const header = [
    'STT',
    'Học sinh',
    ...(['HK1', 'HK2'] as const).flatMap((t) => [
      ...Array.from({ length: n }, (_, i) => `${t} tx${i + 1}`),
      `${t} gk`,
      `${t} ck`,
      `${t} TB`,
    ]),
    'Cả năm',
  ];
  const rows = page.rows.map((row, i) => [
    String(i + 1),
    studentName(r, row.student),
    ...(['HK1', 'HK2'] as const).flatMap((t) => [
      ...Array.from({ length: n }, (_, k) => cellText(row[t].regular[k] ?? null)),
      cellText(row[t].mid),
      cellText(row[t].end),
      textOf(row[t].result),
    ]),
    textOf(row.year),
  ]);
  const right = new Set(header.map((_, i) => i).filter((i) => i !== 1));
  const status = (['HK1', 'HK2', 'CN'] as const)
    .map(
      (t) =>
        `${t} ${page.status[t].signedOff === null ? 'not signed off' : `signed off by ${page.status[t].signedOff.by.name ?? '?'}`}`,
    )
    .join('; ');
  return (
    `${page.name} (${page.subject}), ${page.assessment}, ${n} regular assessments per term — ${status}\n` +
    renderTable(header, rows, right) +
    '(* corrected: see hoso log)\n'
  );
}

/** A primary class summary (TT27): each subject's end-of-year level (and test score), and the year result. */
function primaryTable(p: PrimarySummary): string {
  const header = ['STT', 'Học sinh', ...p.subjects.map((x) => x.name), 'Kết quả'];
  const rows = p.pupils.map((u, i) => [
    String(i + 1),
    u.name,
    ...p.subjects.map((x) => {
      const line = u.subjects.find((l) => l.subject === x.subject);
      const level = cellText(line?.levels.CN ?? null);
      const test = line?.tests === null || line === undefined ? '' : cellText(line.tests.CN);
      return test === '' ? level : `${level} (${test})`;
    }),
    textOf(u.result),
  ]);
  return (
    `Lớp ${p.class}, năm học ${p.year} (${p.ruleSet.id}) — cuối năm: mức đạt được (điểm KTĐK)\n` +
    renderTable(header, rows, new Set([0]))
  );
}

/** Level words of qualities and competencies as the học bạ abbreviates them. */
const ASPECT_ABBR: Readonly<Record<string, string>> = { Tốt: 'T', Đạt: 'Đ', 'Cần cố gắng': 'C' };

/**
 * `show --student` for a primary pupil: the primary học bạ (TT27) page of the class's year (else the
 * last page) — each subject's end-of-year level, test score and remark, the qualities and
 * competencies, the year result, award and completion; `--json` prints the whole view.
 */
function primaryTranscriptView(r: Records, student: string, c: StudentClass, json: boolean): string {
  const t = primaryTranscript(r, student);
  if (isLeft(t)) throw refused(t.left.code, t.left.message, '--student', t.left.rule);
  if (json) return jsonText(t.right);
  const head = `Học bạ tiểu học: ${t.right.bio.name} (${student}), born ${t.right.bio.birthDate}\n`;
  const page = t.right.pages.find((p) => p.year === c.year) ?? t.right.pages[t.right.pages.length - 1];
  if (page === undefined) {
    const why = t.right.skipped.find((x) => x.year === c.year)?.reason ?? 'no year of it is graded by Thông tư 27/2020';
    return head + `(no primary học bạ page: ${why})\n`;
  }
  const subjects = renderTable(
    ['Môn học và hoạt động giáo dục', 'Mức đạt được', 'Điểm KTĐK', 'Nhận xét'],
    page.subjects.map((x) => [x.name, cellText(x.level), x.tested ? cellText(x.test) : '', x.remark?.text ?? '']),
    new Set([1, 2]),
  );
  const aspects = (lines: readonly PrimaryAspectLine[]): string =>
    lines
      .map((a) => `${a.aspect} ${a.level === null ? '—' : (ASPECT_ABBR[a.level.value] ?? a.level.value)}`)
      .join(', ');
  return (
    head +
    `Năm học ${page.year}, lớp ${page.class} (${page.ruleSet})\n` +
    subjects +
    `Phẩm chất: ${aspects(page.qualities)}\n` +
    `Năng lực chung: ${aspects(page.generalCompetencies)}\n` +
    `Năng lực đặc thù: ${aspects(page.specificCompetencies)}\n` +
    `Đánh giá kết quả giáo dục: ${textOf(page.result) || '—'}   Khen thưởng: ${textOf(page.award) || '—'}   ${textOf(page.completion)}\n` +
    (page.corrections.length > 0 ? '(* corrected: see hoso log)\n' : '')
  );
}

/**
 * `show --student` for a preschool child: the child's page of the class's child book — attendance
 * counts and every measurement (unclassified: `hoso print --who-reference` classifies them).
 */
function childPageView(r: Records, student: string, c: StudentClass, json: boolean): string {
  const book = preschoolBook(r, c.year, c.class, PRESCHOOL_DEFAULTS);
  if (isLeft(book)) throw refused(book.left.code, book.left.message, '--student', book.left.rule);
  const page = book.right.find((p) => p.student === student);
  if (page === undefined)
    throw refused('no-class-page', `child ${student} is not on the list of ${c.class} in ${c.year}`, '--student');
  if (json) return jsonText(page);
  const bio = r.students[student]?.bio;
  const a = page.attendance;
  const growth = page.growth.map((g) => [g.date, cellText(g.weight), cellText(g.height)]);
  return (
    `Sổ theo dõi trẻ: ${page.name} (${student})${bio === undefined ? '' : `, born ${bio.birthDate}`}\n` +
    `Năm học ${c.year}, lớp ${c.class}\n` +
    `Điểm danh: có mặt ${a.present}, nghỉ có phép ${a.excused}, nghỉ không phép ${a.unexcused} (ngày)\n` +
    (growth.length === 0
      ? '(no measurement yet)\n'
      : renderTable(['Ngày cân đo', 'Cân nặng (kg)', 'Chiều cao (cm)'], growth, new Set([1, 2])))
  );
}

function classTable(book: Markbook): string {
  const header = [
    'STT',
    'Học sinh',
    'KQHT HK1',
    'HK2',
    'CN',
    'KQRL HK1',
    'HK2',
    'CN',
    'Vắng P',
    'K',
    'Khen thưởng',
    'Lên lớp',
  ];
  const rows = book.students.map((s, i) => [
    String(i + 1),
    s.name,
    textOf(s.HK1.learning),
    textOf(s.HK2.learning),
    textOf(s.year.learning),
    textOf(s.HK1.conduct),
    textOf(s.HK2.conduct),
    textOf(s.year.conduct),
    String(s.year.absences.excused),
    String(s.year.absences.unexcused),
    textOf(s.year.award),
    textOf(s.year.promotion),
  ]);
  const steps = (['HK1', 'HK2', 'CN'] as const)
    .map(
      (t) =>
        `${t}: ${book.signoffs.confirmed[t] ? 'confirmed' : '—'}/${book.signoffs.approved[t] ? 'approved' : '—'}/${book.signoffs.sealed[t] ? 'sealed' : '—'}`,
    )
    .join('  ');
  return (
    `Lớp ${book.class}, năm học ${book.year} (${book.ruleSet.id}) — ${steps}\n` +
    renderTable(header, rows, new Set([0, 8, 9]))
  );
}

/** One event in words for `hoso log`. */
function describeEvent(r: Records, type: string, d: Record<string, unknown>): string {
  const s = (k: string): string => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : '');
  const who = d['student'] === undefined ? '' : ` ${studentName(r, s('student'))}`;
  switch (type) {
    case 'ScoreEntered':
    case 'CommentLevelEntered':
      return `${s('subject')} ${s('term')} ${s('column')}${s('index')}${who} = ${s('value')}`;
    case 'AbsenceRecorded':
      return `absent${who} ${s('date')} ${s('session')} (${s('value')})`;
    case 'ConductAssessed':
      return `conduct ${s('term')}${who} = ${s('value')}`;
    case 'CorrectionMade': {
      const m = d['minutes'] as { number?: string } | undefined;
      return `correction of ${s('target')}: ${s('old')} → ${s('new')}, minutes ${m?.number ?? '?'}: ${s('reason')}`;
    }
    case 'StudentEnrolled':
      return `${s('student')}${who} enrolled in ${s('class')} on ${s('date')}`;
    case 'StudentRegistered':
      // A committed name (docs/personal-data.md) is read through the personal-data store (or marked).
      return `registered ${s('student')} (${(d['bio'] as { name?: string } | undefined)?.name ?? studentName(r, s('student'))})`;
    case 'PersonalDataErased': {
      const n = Array.isArray(d['students']) ? d['students'].length : 0;
      return `personal data of ${n} student(s) erased (${s('basis')}): ${s('reason')}`;
    }
    case 'SubjectSignedOff':
      return `${s('subject')} ${s('class')} signed off for ${s('term')}`;
    case 'ClassConfirmed':
    case 'ClassApproved':
    case 'BookSealed':
      return `${s('class')} ${s('term')}`;
    case 'WindowOpened':
    case 'WindowClosed':
      return `window ${s('window')}${d['period'] === undefined ? '' : ` ${s('period')}`}${d['reason'] === undefined ? '' : `: ${s('reason')}`}`;
    default:
      return JSON.stringify(d).slice(0, 120);
  }
}

/** Register `show`, `log`, `print`. */
export function registerBookCommands(program: Command, io: Output): void {
  // What `show` and `log` print comes from the ledger (names, reasons, minutes): escaped on the way out.
  const screen = terminalSafe(io);
  accessOptions(storeOptions(program.command('show')))
    .description(
      'show a book as a terminal table, or with --json every cell with its value, history, and the computed averages and levels',
    )
    .option('--class <class>', 'the class, e.g. 10A1')
    .option('--subject <subject>', "one subject's page of the class markbook, e.g. toan")
    .option('--attendance', "with --class: the class's absences (theo dõi chuyên cần) per term and year")
    .option(
      '--student <id>',
      "a student's page by the level of their class in --year (else their last class): the học bạ (TT22), the primary học bạ (TT27) or a preschool child's page",
    )
    .option('--register', "the school's register of students (sổ đăng bộ)")
    .option('--year <year>', 'school year (default: the latest)')
    .option('--json', 'print the book as JSON')
    .argument(
      '[bundle]',
      'an export bundle (ledger.hoso) to read instead of a ledger (not verified: run hoso verify first)',
    )
    .action(
      async (
        bundle: string | undefined,
        o: StoreOpts &
          AccessArgs & {
            class?: string;
            subject?: string;
            attendance?: boolean;
            student?: string;
            register?: boolean;
            year?: string;
            json?: boolean;
          },
      ) => {
        if (o.class === undefined && o.student === undefined && !o.register)
          throw usage(
            'missing-option',
            'name a book: --class <class> [--subject <subject> | --attendance], --student <id> or --register',
            '--class',
          );
        await withSource(bundle, o, async (s) => {
          const r = await openedRecords(s, o, 'show', o.student === undefined ? undefined : [o.student], undefined, io);
          if (o.register) {
            const entries = register(r);
            if (o.json) return screen.out(jsonText(entries));
            const rows = entries.map((e) => [
              String(e.number),
              e.student,
              e.bio.name,
              e.bio.birthDate,
              sexLabel(e.bio.sex),
              e.bio.birthPlace ?? '',
              e.enrolments
                .map((x) => `${x.class} (${x.year}) ${x.enrolled}${x.left === undefined ? '' : ` → ${x.left.date}`}`)
                .join('; '),
            ]);
            return screen.out(
              'Sổ đăng bộ\n' +
                renderTable(
                  ['Số', 'Mã HS', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Nơi sinh', 'Lớp (năm học), nhập học → rời'],
                  rows,
                  new Set([0]),
                ),
            );
          }
          if (o.student !== undefined) {
            const year = o.year === undefined ? undefined : yearOf(r, o.year);
            // The level of the student's class in --year (else of their last class) picks the book,
            // as for `hoso print --student`: preschool child page, primary (TT27) or TT22 học bạ.
            const c = studentClassOrFail(r, o.student, year ?? '', s.ledger);
            if (c !== null && c.grade === 0) return screen.out(childPageView(r, o.student, c, !!o.json));
            if (c !== null && c.grade <= 5) return screen.out(primaryTranscriptView(r, o.student, c, !!o.json));
            const t = transcriptOf(r, o.student);
            if (t === null) throw usage('unknown-student', `no student "${o.student}" in ${s.ledger}`, '--student');
            if (o.json) return screen.out(jsonText(t));
            const d = transcriptData(r, t, o.year);
            screen.out(`Học bạ: ${t.bio.name} (${t.student}), born ${t.bio.birthDate}\n`);
            if (d === null) return screen.out('(no class page yet)\n');
            const mv = (v: unknown): string => (typeof v === 'string' ? v : textOf((v as { value?: string }).value));
            screen.out(
              `Năm học ${d.schoolYear}, lớp ${d.className}\n` +
                renderTable(
                  ['Môn', 'HK1', 'HK2', 'Cả năm'],
                  d.subjects.map((x) => [x.name, mv(x.term1), mv(x.term2), mv(x.year)]),
                  new Set([1, 2, 3]),
                ),
            );
            screen.out(
              `Học tập: ${d.learning.map(mv).join(' / ')}   Rèn luyện: ${d.conduct.map(mv).join(' / ')}   Vắng: ${d.absences ?? 0}   ${d.outcome ?? ''} ${d.award ?? ''}\n`,
            );
            if (d.remarks !== undefined) screen.out(`Nhận xét của giáo viên chủ nhiệm: ${d.remarks}\n`);
            return;
          }
          const year = yearOf(r, o.year);
          const grade = gradeOrFail(r, year, o.class!);
          if (grade <= 5 && !o.attendance) {
            // Primary (TT27) and preschool classes keep no TT22 markbook: show the class summary.
            if (o.subject !== undefined)
              throw usage(
                'invalid-option',
                '--subject shows a TT22 markbook page; a primary class has a class summary (omit --subject)',
                '--subject',
              );
            const sum = primarySummary(r, year, o.class!);
            if (isLeft(sum)) throw refused(sum.left.code, sum.left.message, '--class', sum.left.rule);
            return screen.out(o.json ? jsonText(sum.right) : primaryTable(sum.right));
          }
          if (o.attendance) {
            const lines = attendance(r, year, o.class!);
            if (isLeft(lines)) throw refused(lines.left.code, lines.left.message, '--class', lines.left.rule);
            if (o.json) return screen.out(jsonText(lines.right));
            const rows = lines.right.map((l, i) => [
              String(i + 1),
              l.name,
              String(l.HK1.excused),
              String(l.HK1.unexcused),
              String(l.HK2.excused),
              String(l.HK2.unexcused),
              String(l.year.total),
            ]);
            return screen.out(
              `Chuyên cần lớp ${o.class}, năm học ${year} (buổi vắng)\n` +
                renderTable(
                  ['STT', 'Học sinh', 'HK1 P', 'HK1 K', 'HK2 P', 'HK2 K', 'Cả năm'],
                  rows,
                  new Set([0, 2, 3, 4, 5, 6]),
                ),
            );
          }
          const book = markbookOrFail(r, year, o.class!);
          if (o.subject !== undefined) {
            const page = book.subjects.find((p) => p.subject === o.subject);
            if (page === undefined)
              throw usage(
                'unknown-subject',
                `class ${o.class} has no subject "${o.subject}" (known: ${book.subjects.map((p) => p.subject).join(', ')})`,
                '--subject',
              );
            screen.out(o.json ? jsonText(page) : subjectTable(r, page));
            return;
          }
          screen.out(o.json ? jsonText(book) : classTable(book));
        });
      },
    );

  accessOptions(storeOptions(program.command('log')))
    .description('the readable history of one book or one student: every event, who signed it in which role, and when')
    .option(
      '--class <class>',
      "a class: its list, homeroom records and approvals (or one subject's markbook with --subject)",
    )
    .option('--subject <subject>', 'with --class: that subject markbook')
    .option('--student <id>', 'everything about one student')
    .option('--stream <name>', 'one logical stream, e.g. markbook/2024-2025/10A1/toan')
    .option('--year <year>', 'school year (default: the latest)')
    .option('--limit <n>', 'at most this many events (the latest)', intOption('--limit', 1, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print the events as JSON lines')
    .argument(
      '[bundle]',
      'an export bundle (ledger.hoso) to read instead of a ledger (not verified: run hoso verify first)',
    )
    .action(
      async (
        bundle: string | undefined,
        o: StoreOpts &
          AccessArgs & {
            class?: string;
            subject?: string;
            student?: string;
            stream?: string;
            year?: string;
            limit?: number;
            json?: boolean;
          },
      ) => {
        if (o.class === undefined && o.student === undefined && o.stream === undefined)
          throw usage('missing-option', 'name what to show: --class, --student or --stream', '--class');
        await withSource(bundle, o, async (s) => {
          const r = await openedRecords(s, o, 'log', o.student === undefined ? undefined : [o.student], undefined, io);
          let match: (stream: string, data: Record<string, unknown>) => boolean;
          if (o.stream !== undefined) match = (st) => st === o.stream;
          else if (o.student !== undefined) {
            if (r.students[o.student] === undefined)
              throw usage('unknown-student', `no student "${o.student}" in ${s.ledger}`, '--student');
            const own = studentStream(o.student);
            match = (st, d) => st === own || d['student'] === o.student;
          } else {
            const year = yearOf(r, o.year);
            const streams =
              o.subject !== undefined
                ? new Set([markbookStream(year, o.class!, o.subject)])
                : new Set([
                    classStream(year, o.class!),
                    homeroomStream(year, o.class!),
                    approvalsStream(year, o.class!),
                  ]);
            match = (st) => streams.has(st);
          }
          const lines: Array<Record<string, unknown>> = [];
          for await (const e of s.store.read(s.ledger)) {
            const env = decodeEnvelope(e.bytes);
            if (isLeft(env)) continue;
            const d = env.right.data as Record<string, unknown>;
            if (!match(env.right.stream, d)) continue;
            const signers = env.right.sigs.map((x) => ({
              person: r.keys[x.key] ?? null,
              name: personName(r, r.keys[x.key] ?? x.key.slice(0, 8)),
              role: x.role,
            }));
            lines.push({
              position: e.position,
              id: env.right.id,
              at: env.right.at,
              stream: env.right.stream,
              type: env.right.type,
              signers,
              summary: describeEvent(r, env.right.type, d),
              data: d,
            });
          }
          const shown = o.limit === undefined ? lines : lines.slice(-o.limit);
          if (o.json)
            return screen.out(shown.map((l) => JSON.stringify(l)).join('\n') + (shown.length > 0 ? '\n' : ''));
          for (const l of shown) {
            const signers = (l['signers'] as Array<{ name: string; role: string }>)
              .map((x) => `${x.name} (${x.role})`)
              .join(', ');
            screen.out(
              `#${String(l['position'])}  ${String(l['at'])}  ${String(l['type']).padEnd(20)} ${String(l['summary'])}\n      signed by ${signers}\n`,
            );
          }
          if (shown.length === 0) screen.out('(no events)\n');
        });
      },
    );

  accessOptions(storeOptions(program.command('print')))
    .description(
      "print books as the Ministry's paper forms (PDF and HTML) against a signed checkpoint, from a ledger (--db/--store) or a bundle: class markbooks (secondary), class summaries at the end of term I and of the year (primary), child books (preschool), attendance sheets, a student's học bạ (secondary or primary) or child-book page (preschool), the register, correction minutes",
    )
    .argument(
      '[bundle]',
      'an export bundle (ledger.hoso) to print from instead of a ledger; printing does not verify it: run hoso verify first',
    )
    .requiredOption('--out <dir>', 'folder to write into')
    .option(
      '--class <class>',
      "a class's book (repeatable; default: every class of the year): markbook, primary class summary or preschool child book by its grade",
      collect,
      [],
    )
    .option(
      '--student <id>',
      "a student's page (repeatable), by the level of their class in --year: the học bạ (TT22 secondary, TT27 primary) or a preschool child's page of the child book (classified with --who-reference)",
      collect,
      [],
    )
    .option(
      '--attendance',
      'print the attendance sheets (sổ điểm danh) of the classes for --month instead of their books',
    )
    .option('--month <YYYY-MM>', 'with --attendance: the month')
    .option(
      '--who-reference <file>',
      'WHO growth reference (JSON, L/M/S tables) to classify preschool measurements (class books and --student pages); without it they print unclassified',
    )
    .option('--minutes', 'also print every correction minutes (biên bản sửa chữa dữ liệu)')
    .option('--register', "also print the school's register (sổ đăng bộ)")
    .option('--year <year>', 'school year (default: the latest)')
    .option('--format <f>', 'pdf, html or both', 'both')
    .option('--no-pdfa', 'write plain PDFs instead of archival PDF/A-2b (about 4 KB smaller each)')
    .option('--checkpoint <file>', "the checkpoint to print against (default: the latest kept, or the bundle's last)")
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--authority <text>', 'supervising authority on the form header', 'SỞ GIÁO DỤC VÀ ĐÀO TẠO')
    .option(
      '--place <text>',
      "place of the date line (default: the province of the school's founding event; none: left blank to write by hand)",
    )
    .option(
      '--sign <role=file>',
      'sign the PDFs (PAdES) as <role> with the PEM key and certificates in <file> (repeatable; roles: homeroom, principal, subject-teacher, teacher, requester, witness, approver, seal)',
      collect,
      [],
    )
    .option('--token <role=label[/key]>', 'sign as <role> with a key on a PKCS #11 token (repeatable)', collect, [])
    .option('--token-library <file>', 'the PKCS #11 module for --token')
    .option('--token-pin <pin>', 'the token PIN (or HOSO_TOKEN_PIN)')
    .option('--tsa <url>', 'an RFC 3161 timestamp authority: signatures at level B-T (B-B without)')
    .option(
      '--hoc-ba-so',
      "with --student and --sign/--token: also write each học bạ's data file (.json), its signature (.json.p7s) and the offline proof (.proof)",
    )
    .option('--json', 'print the files written as JSON')
    .addHelpText(
      'after',
      "\nA bundle is read into memory and printed exactly as the ledger it came from; the pages carry its last\ncheckpoint. Printing checks the bundle's form, chains and checkpoint roots, NOT its signatures or the\nschool rules: run `hoso verify <bundle> --trust …` first.\n",
    )
    .action(async (bundle: string | undefined, o: StoreOpts & AccessArgs & PrintOpts) => {
      const formats =
        o.format === 'both'
          ? (['pdf', 'html'] as const)
          : o.format === 'pdf' || o.format === 'html'
            ? ([o.format] as const)
            : null;
      if (formats === null) throw usage('invalid-option', '--format is pdf, html or both', '--format');
      if (o.attendance && o.month === undefined)
        throw usage('missing-option', '--attendance needs --month YYYY-MM', '--month');
      if (o.month !== undefined && !o.attendance)
        throw usage('invalid-option', '--month goes with --attendance', '--month');
      if (o.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month))
        throw usage('invalid-option', `--month is YYYY-MM, got "${o.month}"`, '--month');
      const { readWhoReference } = await import('../who-reference.js');
      const who = o.whoReference === undefined ? undefined : readWhoReference(o.whoReference);
      const { printAll, verificationFromCheckpoint } = await import('@hoso/print');
      const { printJobs } = await import('../print-books.js');
      await withSource(bundle, o, async (s) => {
        const cp = await booksCheckpoint(s, o);
        const r = await openedRecords(s, o, 'print', o.student, cp.checkpoint.size, io);
        const year = yearOf(r, o.year);
        const meta = (book: string): PrintMeta => {
          const v = verificationFromCheckpoint(cp.note, { book });
          if (isLeft(v)) throw usage(v.left.code, v.left.message, '--checkpoint', v.left.rule);
          return {
            school: schoolInfo(r, o.authority, o.place),
            verification: v.right,
            printedOn: new Date().toISOString().slice(0, 10),
          };
        };
        // Every class of the year when nothing is named (or for attendance sheets when no class is).
        const everyClass = Object.values(r.classes)
          .filter((c) => c.year === year)
          .map((c) => c.class)
          .sort();
        const named = o.class.length > 0 || o.student.length > 0 || o.register;
        const classes = o.class.length > 0 ? o.class : o.attendance || !named ? everyClass : [];
        const jobs = printJobs(
          r,
          {
            year,
            classes,
            students: o.student,
            register: !!o.register,
            minutes: !!o.minutes,
            ...(o.month === undefined ? {} : { attendanceMonth: o.month }),
            ...(who === undefined ? {} : { who }),
          },
          meta,
          s.ledger,
        );
        if (jobs.length === 0)
          throw usage(
            'nothing-to-print',
            `nothing to print: no class open in ${year} and no --student or --register`,
            '--class',
          );
        if (o.sign.length > 0 || o.token.length > 0 || o.hocBaSo) {
          const { printSignedCommand } = await import('../signed-print-command.js');
          return printSignedCommand(io, s, cp, jobs, { ...o, formats: [...formats] });
        }
        const out = await printAll(o.out, jobs, { formats: [...formats], pdfa: o.pdfa });
        if (isLeft(out))
          throw out.left.code === 'print-write-failed'
            ? usage(out.left.code, out.left.message, '--out', out.left.rule)
            : refused(out.left.code, out.left.message, out.left.path?.join('.'), out.left.rule);
        io.out(
          o.json
            ? jsonText({ checkpoint: cp.checkpoint.size, files: out.right })
            : out.right.map((f) => `wrote ${f}\n`).join(''),
        );
      });
    });
}

type PrintOpts = {
  out: string;
  class: string[];
  student: string[];
  attendance?: boolean;
  month?: string;
  whoReference?: string;
  minutes?: boolean;
  register?: boolean;
  year?: string;
  format: string;
  /** False with `--no-pdfa`. */
  pdfa: boolean;
  checkpoint?: string;
  checkpoints?: string;
  authority: string;
  place?: string;
  json?: boolean;
  sign: string[];
  token: string[];
  tokenLibrary?: string;
  tokenPin?: string;
  tsa?: string;
  hocBaSo?: boolean;
};

/**
 * The checkpoint books are computed at for paper or a workbook: `--checkpoint`, else a bundle's
 * last, else the latest kept beside the ledger — one of this ledger whose root the ledger has
 * (never print pages a checkpoint does not cover).
 */
export async function booksCheckpoint(
  s: Source,
  o: { readonly checkpoint?: string; readonly checkpoints?: string; readonly db?: string },
): Promise<KeptCheckpoint> {
  const cp =
    o.checkpoint !== undefined
      ? readCheckpointFile(o.checkpoint, '--checkpoint')
      : (s.checkpoints?.[s.checkpoints.length - 1] ?? latestCheckpoint(checkpointDir(o)));
  if (cp === null)
    throw usage(
      'no-checkpoint',
      'printed and exported books carry a signed checkpoint: sign one with hoso checkpoint first',
      '--checkpoint',
      'QC Điều 3.3',
    );
  if (cp.checkpoint.origin !== `hoso/${s.ledger}`)
    throw usage('wrong-ledger', `the checkpoint is of ${cp.checkpoint.origin}, not hoso/${s.ledger}`, '--checkpoint');
  // The footer's root must be the root of what is printed: never print pages a checkpoint does not cover.
  const size = await s.store.size(s.ledger);
  if (cp.checkpoint.size > size)
    throw usage(
      'checkpoint-ahead',
      `the checkpoint is of size ${cp.checkpoint.size}, the ledger holds ${size} events`,
      '--checkpoint',
    );
  if (!bytesEqual(await s.store.root(s.ledger, cp.checkpoint.size), cp.checkpoint.root)) {
    throw refused(
      'checkpoint-mismatch',
      `the checkpoint's root is not the root of the ledger's first ${cp.checkpoint.size} events: the ledger does not extend it`,
      '--checkpoint',
      'RFC 9162',
    );
  }
  return cp;
}

/** A ledger or a bundle to read books from: the store, its ledger id, and a bundle's checkpoints. */
export type Source = OpenedStore & { readonly checkpoints?: readonly KeptCheckpoint[] };

/** Open the bundle (read into memory) or the ledger the options name, run `f`, and close. */
export async function withSource<A>(
  bundle: string | undefined,
  o: StoreOpts,
  f: (s: Source) => Promise<A>,
): Promise<A> {
  if (bundle === undefined) return withStore(o, f, { readonly: true });
  if (o.db !== undefined || o.store !== undefined)
    throw usage('conflicting-options', 'give a bundle file or --db/--store, not both', '<bundle>');
  const { openBundle } = await import('../bundle-store.js');
  const s = await openBundle(bundle);
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

/**
 * The records with the biographies opened, the read logged when the ledger logs reads
 * (docs/personal-data.md, "Access log"): `--student` opens that pupil, any other book every pupil
 * the ledger holds.
 */
async function openedRecords(
  s: Source,
  o: StoreOpts & AccessArgs,
  via: string,
  only: readonly string[] | undefined,
  size: number | undefined,
  io: Output,
): Promise<Records> {
  const r = await foldStore(s.store, s.ledger, size);
  const students = only !== undefined && only.length > 0 ? [...only] : Object.keys(r.students);
  const personal = await personalFor(s, o, via, students, (l) => io.err(l));
  return personal === undefined ? r : resolveRecords(r, personal);
}
