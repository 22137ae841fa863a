import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hoso, type Ran } from './run.js';
import { planSchool } from '../src/demo/school.js';
import { yearCases } from '../src/demo/year.js';
import { seededRng } from '../src/prng.js';

/** The text of a printed PDF as pdftotext reads it (layout kept, so a table row stays on one line). */
function printed(file: string): string {
  return spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', join(dir, 'print', file), '-'], { encoding: 'utf8' })
    .stdout;
}

/** The id of the first ActCertified in the demo's bundle (one canonical event per line). */
function actCertifiedId(): string {
  for (const line of readFileSync(join(dir, 'ledger.hoso'), 'utf8').split('\n'))
    if (line.includes('"type":"ActCertified"')) return (JSON.parse(line) as { id: string }).id;
  throw new Error('no ActCertified in the demo');
}

// One small demo school year (12 students, one class), shared by the tests below.
const dir = mkdtempSync(join(tmpdir(), 'hoso-demo-'));
let demo: Ran;

beforeAll(async () => {
  demo = await hoso(['demo', '--dir', dir, '--students', '12', '--seed', 'test-seed']);
}, 120_000);

const scratch: string[] = [dir];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('hoso demo', () => {
  it('runs a school year end to end and leaves every file it promises', () => {
    expect(demo.code, demo.stderr).toBe(0);
    for (const f of [
      'ledger.db',
      'ledger.hoso',
      'report.html',
      'seal.vkey',
      'witness.vkey',
      'root.key.pub',
      'ca-root.pem',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const printed = readdirSync(join(dir, 'print'));
    expect(printed).toContain('so-theo-doi-danh-gia-10a1.pdf');
    expect(printed).toContain('so-theo-doi-danh-gia-10a1.html');
    expect(printed.some((f) => f.startsWith('hoc-ba-') && f.endsWith('.pdf'))).toBe(true);
    expect(printed.filter((f) => f.startsWith('bien-ban-') && f.endsWith('.pdf'))).toHaveLength(2);
    expect(printed).toContain('so-dang-bo.pdf');
    expect(
      readFileSync(join(dir, 'print', 'so-theo-doi-danh-gia-10a1.pdf'))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    // Verifier keys are one line each, in the C2SP vkey form.
    expect(readFileSync(join(dir, 'seal.vkey'), 'utf8')).toMatch(
      /^hoso\/thpt-nguyen-du-demo\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+\n$/,
    );
    expect(readFileSync(join(dir, 'witness.vkey'), 'utf8')).toMatch(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+\n$/);
  });

  it('prints the school year as it ran: the make-up, the exemptions, the plan and its promotion, the transfers', () => {
    const school = planSchool(12, seededRng('test-seed', 'school'));
    const cases = yearCases(school.classes[0]!)!;
    const [makeUp, plan, practice, departure, arrival] = [
      cases.makeUp.student,
      cases.plan.student,
      cases.practice.student,
      cases.departure.student,
      cases.arrival.student,
    ].map((s) => ({ id: s.id, name: s.name }));
    const book = printed('so-theo-doi-danh-gia-10a1.pdf');
    // The make-up fills the missed mid-term test, marked * with its note.
    expect(book).toMatch(new RegExp(`${makeUp!.name} +.*\\d\\*`));
    expect(book).toMatch(new RegExp(`${makeUp!.name}, ĐĐGgk HK I: \\d+(,\\d)? — điểm kiểm tra bù \\(TT22 Điều 7\\)`));
    // The whole subject the pupil on an individual plan is exempt from prints Miễn; the decisions are noted.
    expect(book).toMatch(new RegExp(`${plan!.name} +Miễn +Miễn +Miễn`));
    expect(book).toContain(
      `${plan!.name}: miễn học môn Giáo dục thể chất cả năm, quyết định số 15/QĐ-THPT ngày 12/09/2024`,
    );
    expect(book).toContain(
      `${plan!.name}: học sinh khuyết tật, đánh giá theo kế hoạch giáo dục cá nhân số 07/KH-GDCN ngày 12/09/2024 (môn Toán)`,
    );
    expect(book).toContain(`${plan!.name}: hiệu trưởng quyết định lên lớp, số 40/QĐ-THPT ngày 22/05/2025`);
    expect(book).toContain(
      `${practice!.name}: miễn phần thực hành môn Giáo dục thể chất học kỳ II, quyết định số 21/QĐ-THPT ngày 22/01/2025`,
    );
    // The transfers, with their dates and schools; the marks the newcomer brought are marked and sourced.
    expect(book).toContain(
      `${departure!.name}: chuyển đi ngày 14/03/2025 đến THPT Chu Văn An, Hà Nội, hồ sơ số 05/GCT ngày 14/03/2025`,
    );
    expect(book).toContain(`${arrival!.name}: chuyển đến ngày 12/11/2024 từ THPT Lê Lợi, Hà Nội`);
    expect(book).toMatch(
      new RegExp(
        `${arrival!.name}, ĐĐGtx 1 HK I: [\\d,]+ — kết quả chuyển đến từ THPT Lê Lợi, Hà Nội, theo số HB-112/2024 ngày 08/11/2024 \\(QC Điều 8.2\\)`,
      ),
    );
    // Each pupil's học bạ says the same under its table.
    expect(printed(`hoc-ba-${makeUp!.id}.pdf`)).toMatch(/Hóa học, ĐĐGgk học kỳ I: \d+(,\d)? — điểm kiểm tra bù/);
    const hb = printed(`hoc-ba-${plan!.id}.pdf`);
    expect(hb).toMatch(/Giáo dục thể chất +Miễn +Miễn +Miễn/);
    expect(hb).toContain('miễn học môn Giáo dục thể chất cả năm, quyết định số 15/QĐ-THPT ngày 12/09/2024');
    expect(hb).toContain('học sinh khuyết tật, đánh giá theo kế hoạch giáo dục cá nhân số 07/KH-GDCN');
    expect(hb).toContain('hiệu trưởng quyết định lên lớp, số 40/QĐ-THPT ngày 22/05/2025');
    expect(printed(`hoc-ba-${practice!.id}.pdf`)).toContain('miễn phần thực hành môn Giáo dục thể chất học kỳ II');
    const left = printed(`hoc-ba-${departure!.id}.pdf`);
    expect(left).toContain('chuyển đi ngày 14/03/2025 đến THPT Chu Văn An, Hà Nội, hồ sơ số 05/GCT ngày 14/03/2025');
    expect(left).toContain('Chuyển trường');
    const came = printed(`hoc-ba-${arrival!.id}.pdf`);
    expect(came).toContain('chuyển đến ngày 12/11/2024 từ THPT Lê Lợi, Hà Nội');
    expect(came).toContain('kết quả chuyển đến từ THPT Lê Lợi, Hà Nội');
    // The register notes the year's circumstances beside each line (its narrow column wraps them).
    const register = printed('so-dang-bo.pdf').replace(/\s+/g, ' ');
    expect(register).toContain('14/03/2025 →');
    expect(register).toContain('2024-2025, lớp 10A1: chuyển đến');
    expect(register).toContain('ngày 12/11/2024 từ THPT Lê Lợi, Hà Nội');
    expect(register).toContain('miễn học môn Giáo dục thể chất cả năm');
  });

  it("signs the pupils' biographies as commitments: the bundle carries no pupil's name, the printed forms do", () => {
    const school = planSchool(12, seededRng('test-seed', 'school'));
    const bundle = readFileSync(join(dir, 'ledger.hoso'), 'utf8');
    expect(bundle).toContain('"type":"PersonalDataFormatAdopted"');
    // Staff names are signed in clear, so the search would find a name written as the bundle writes them.
    expect(bundle).toContain(school.principal.name);
    const register = printed('so-dang-bo.pdf');
    for (const st of school.classes[0]!.students) {
      expect(bundle, st.name).not.toContain(st.name);
      expect(register, st.name).toContain(st.name);
    }
    expect(printed('so-theo-doi-danh-gia-10a1.pdf')).toContain(school.classes[0]!.students[0]!.name);
  });

  it('tells the story: the refused correction, the verdict and where it wrote', () => {
    expect(demo.stderr).toContain('REFUSED correction');
    expect(demo.stderr).toContain('same-person-twice');
    expect(demo.stdout).toContain('VERIFIED / ĐẠT');
    expect(demo.stdout).toContain(join(dir, 'ledger.hoso'));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('✔ VERIFIED / ĐẠT');
  });

  it('the bundle verifies with the trust anchors it left (exit 0), and checkpoints are cosigned', async () => {
    const r = await hoso([
      'verify',
      join(dir, 'ledger.hoso'),
      '--trust',
      join(dir, 'seal.vkey'),
      '--trust',
      join(dir, 'witness.vkey'),
      '--trust',
      join(dir, 'root.key.pub'),
      '--trust',
      join(dir, 'ca-root.pem'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      size: number;
      root: string;
      findings: unknown[];
      checkpoints: Array<{
        ok: boolean;
        cosignedBy: string[];
        timestamps?: Array<{ ok: boolean | null; time: string }>;
      }>;
      legal: { weight: string; acts: number; certifiedActs: number };
    };
    expect(j.ok).toBe(true);
    expect(j.findings).toEqual([]);
    // Every sign-off, confirmation, approval, seal and correction carries a CA signature that holds.
    expect(j.legal.weight).toBe('full');
    expect(j.legal.certifiedActs).toBe(j.legal.acts);
    expect(j.legal.acts).toBeGreaterThan(10);
    expect(j.root).toMatch(/^[0-9a-f]{64}$/);
    expect(j.checkpoints).toHaveLength(2);
    expect(j.checkpoints.every((c) => c.ok && c.cosignedBy.length === 1)).toBe(true);
    // Each checkpoint timestamped by the test TSA at the demo's clock (school year 2024-2025).
    expect(j.checkpoints.every((c) => c.timestamps?.length === 1 && c.timestamps[0]!.ok === true)).toBe(true);
    const stamped = j.checkpoints.map((c) => Date.parse(c.timestamps![0]!.time));
    expect(stamped[0]).toBeLessThan(stamped[1]!);
    for (const t of stamped) expect(t > Date.parse('2024-09-01') && t < Date.parse('2025-07-01')).toBe(true);
    // An inspector holding the term-I checkpoint checks the year extends it.
    const held = join(dir, 'ledger.db.checkpoints', readdirSync(join(dir, 'ledger.db.checkpoints')).sort()[0]!);
    const s = await hoso([
      'verify',
      join(dir, 'ledger.hoso'),
      '--seal',
      join(dir, 'seal.vkey'),
      '--root',
      join(dir, 'root.key.pub'),
      '--since',
      held,
    ]);
    expect(s.code, s.stdout + s.stderr).toBe(0);
    expect(s.stdout).toContain('VERIFIED');
    // The school can check its own ledger in place, against the kept checkpoints.
    const inPlace = await hoso([
      'verify',
      '--db',
      join(dir, 'ledger.db'),
      '--trust',
      join(dir, 'seal.vkey'),
      '--trust',
      join(dir, 'root.key.pub'),
      '--json',
    ]);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(JSON.parse(inPlace.stdout)).toMatchObject({ ok: true, size: j.size, root: j.root });
  });

  it('a tampered bundle gives exit 1 with the findings in --json', async () => {
    const lines = readFileSync(join(dir, 'ledger.hoso'), 'utf8').split('\n');
    const k = lines.findIndex((l) => l.includes('"type":"ScoreEntered"'));
    lines[k] = lines[k]!.replace(/"value":"([0-9.]+)"/, (_m, v: string) => `"value":"${v === '1' ? '2' : '1'}"`);
    const bad = join(dir, 'tampered.hoso');
    writeFileSync(bad, lines.join('\n'));
    const r = await hoso(['verify', bad, '--trust', join(dir, 'seal.vkey'), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      findings: Array<{ code: string; severity: string; position: number | null; rule: string }>;
    };
    expect(j.ok).toBe(false);
    const sig = j.findings.find((f) => f.code === 'signature-invalid');
    expect(sig?.severity).toBe('error');
    expect(sig?.position).toBe(k - 1);
  });

  it('input that is not a bundle is unusable: exit 2', async () => {
    const junk = join(dir, 'junk.hoso');
    writeFileSync(junk, 'this is not a bundle\n');
    const r = await hoso(['verify', junk, '--json']);
    expect(r.code).toBe(2);
  });

  it('without the test root, the CA signatures are reported unchecked: no legal weight established', async () => {
    const r = await hoso([
      'verify',
      join(dir, 'ledger.hoso'),
      '--trust',
      join(dir, 'seal.vkey'),
      '--trust',
      join(dir, 'root.key.pub'),
    ]);
    expect(r.stdout).toContain('ca-signatures-unchecked');
    expect(r.stdout).toContain('legal weight / giá trị pháp lý: unchecked');
  });

  it('exports a CA signature that openssl cms -verify accepts', async () => {
    const id = actCertifiedId();
    const out = mkdtempSync(join(tmpdir(), 'hoso-demo-p7s-'));
    scratch.push(out);
    const r = await hoso(['export-signature', id, '--db', join(dir, 'ledger.db'), '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout) as { signature: string; content: string };
    // Plain OpenSSL, at its own clock (no -attime): the demo's certificates are valid until after today.
    const v = spawnSync('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      files.signature,
      '-content',
      files.content,
      '-CAfile',
      join(dir, 'ca-root.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    expect(v.status, String(v.stderr)).toBe(0);
    const bad = await hoso([
      'export-signature',
      '00000000-0000-7000-8000-000000000000',
      '--db',
      join(dir, 'ledger.db'),
    ]);
    expect(bad.code).toBe(1);
  });

  it('is deterministic without CA signatures: the same seed writes the same ledger, another seed another one', async () => {
    const first = mkdtempSync(join(tmpdir(), 'hoso-demo-first-'));
    scratch.push(first);
    const f = await hoso([
      'demo',
      '--dir',
      first,
      '--students',
      '12',
      '--seed',
      'test-seed',
      '--no-print',
      '--quiet',
      '--no-ca',
    ]);
    expect(f.code, f.stderr).toBe(0);
    const again = mkdtempSync(join(tmpdir(), 'hoso-demo-again-'));
    scratch.push(again);
    const r = await hoso([
      'demo',
      '--dir',
      again,
      '--students',
      '12',
      '--seed',
      'test-seed',
      '--no-print',
      '--quiet',
      '--no-ca',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(again, 'ledger.hoso')).equals(readFileSync(join(first, 'ledger.hoso')))).toBe(true);
    expect(readFileSync(join(again, 'seal.vkey'), 'utf8')).toBe(readFileSync(join(dir, 'seal.vkey'), 'utf8'));
    const other = mkdtempSync(join(tmpdir(), 'hoso-demo-other-'));
    scratch.push(other);
    const o = await hoso([
      'demo',
      '--dir',
      other,
      '--students',
      '12',
      '--seed',
      'other-seed',
      '--no-print',
      '--quiet',
      '--no-ca',
      '--json',
    ]);
    expect(o.code, o.stderr).toBe(0);
    expect(readFileSync(join(other, 'ledger.hoso')).equals(readFileSync(join(first, 'ledger.hoso')))).toBe(false);
    expect((JSON.parse(o.stdout) as { ok: boolean }).ok).toBe(true);
  }, 120_000);

  it.skipIf(!existsSync('/usr/lib/softhsm/libsofthsm2.so'))(
    "--token makes the seal's key on SoftHSM2, and the seals it signs verify",
    async () => {
      const tok = mkdtempSync(join(tmpdir(), 'hoso-demo-token-'));
      scratch.push(tok);
      const r = await hoso(['demo', '--dir', tok, '--students', '12', '--no-print', '--quiet', '--token', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, sealKey: 'SoftHSM2' });
    },
    120_000,
  );

  it('proves an event and the consistency of the two checkpoints, offline', async () => {
    const db = join(dir, 'ledger.db');
    const cps = readdirSync(`${db}.checkpoints`).sort();
    expect(cps).toHaveLength(2);
    const proof = join(dir, 'event.proof');
    let r = await hoso(['prove', '--db', db, '--index', '5', '--out', proof]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso([
      'prove',
      '--check',
      proof,
      '--trust',
      join(dir, 'seal.vkey'),
      '--trust',
      join(dir, 'witness.vkey'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, position: 5 });
    const cons = join(dir, 'cons.proof');
    r = await hoso(['consistency', '--db', db, '--old', join(`${db}.checkpoints`, cps[0]!), '--out', cons]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['consistency', '--check', cons, '--trust', join(dir, 'seal.vkey'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    // Checking needs a seal key: a root key alone is unusable input (exit 2).
    r = await hoso(['prove', '--check', proof, '--trust', join(dir, 'root.key.pub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--trust');
  });

  it('proves an event and the consistency of a held checkpoint straight from the bundle, as an inspector has it', async () => {
    const bundle = join(dir, 'ledger.hoso');
    const proof = join(dir, 'bundle-event.proof');
    let r = await hoso(['prove', bundle, '--position', '7', '--out', proof]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['prove', '--check', proof, '--trust', join(dir, 'seal.vkey'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const checkpoints = lines.filter((l) => l.startsWith('{"checkpoint":'));
    const last = (JSON.parse(checkpoints[checkpoints.length - 1]!) as { checkpoint: string }).checkpoint;
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      position: 7,
      event: (JSON.parse(lines[8]!) as { id: string }).id,
      checkpoint: { size: Number(last.split('\n')[1]) },
    });
    // --position and --index name the same thing; two different ones are refused.
    r = await hoso(['prove', bundle, '--position', '7', '--index', '8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--position');
    // The held checkpoint (the bundle's first) against the bundle's last.
    const held = join(dir, 'held.checkpoint');
    writeFileSync(held, (JSON.parse(checkpoints[0]!) as { checkpoint: string }).checkpoint);
    const cons = join(dir, 'bundle-cons.proof');
    r = await hoso(['consistency', bundle, '--old', held, '--out', cons]);
    expect(r.code, r.stderr).toBe(0);
    r = await hoso(['consistency', '--check', cons, '--trust', join(dir, 'seal.vkey'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    // A bundle and --db together are refused, naming the bundle.
    r = await hoso(['prove', bundle, '--db', join(dir, 'ledger.db'), '--position', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('<bundle>');
  });

  it('shows books as tables and JSON with history, and the log names the signers', async () => {
    const db = join(dir, 'ledger.db');
    let r = await hoso(['show', '--db', db, '--class', '10A1', '--subject', 'toan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('HK1 tx1');
    expect(r.stdout).toMatch(/\d\*/); // the corrected cell is marked
    r = await hoso(['show', '--db', db, '--class', '10A1', '--subject', 'toan', '--json']);
    const page = JSON.parse(r.stdout) as {
      rows: Array<{
        HK1: {
          regular: Array<{ value: string; history: Array<{ correction?: { minutes: { number: string } } }> } | null>;
        };
      }>;
    };
    const corrected = page.rows.flatMap((x) => x.HK1.regular).filter((c) => c !== null && c.history.length > 1);
    expect(corrected).toHaveLength(1);
    expect(corrected[0]!.history[1]!.correction?.minutes.number).toBe('01/BB-SCDL');
    r = await hoso(['show', '--db', db, '--register']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3 + 12);
    r = await hoso(['show', '--db', db, '--class', '10A1', '--attendance', '--json']);
    const att = JSON.parse(r.stdout) as Array<{ year: { total: number }; absences: unknown[] }>;
    expect(att).toHaveLength(12);
    expect(att.every((a) => a.year.total === a.absences.length)).toBe(true);
    r = await hoso(['log', '--db', db, '--class', '10A1', '--subject', 'toan', '--json']);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; signers: Array<{ role: string }> });
    const corr = events.find((e) => e.type === 'CorrectionMade');
    expect(corr?.signers.map((s) => s.role)).toEqual(['subject', 'leader', 'admin']);
  });
});
