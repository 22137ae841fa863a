/** `hoso demo`: the school-year demonstration on the embedded store (see `demo/run.ts`). */
import type { Command } from 'commander';
import { verdictBanner } from '@hoso/verify';
import { jsonText, type Output } from '../io.js';
import { intOption } from './options.js';

/** Register `hoso demo`. */
export function registerDemo(program: Command, io: Output): void {
  program
    .command('demo')
    .description(
      'run a whole school year on the embedded SQLite store: setup, entries, corrections, sign-offs, checkpoints, export, verification, printed books',
    )
    .option('--dir <dir>', 'output folder', './demo-out')
    .option(
      '--students <n>',
      'number of students (classes of about 40; 1500 makes a full-size school)',
      intOption('--students', 1, 100_000),
      80,
    )
    .option('--seed <seed>', 'seed of every key, name and mark (same seed, same ledger)', 'hoso')
    .option('--no-print', 'skip printing the books')
    .option('--no-ca', 'no CA-backed signatures (then the same seed writes a byte-identical ledger)')
    .option('--token', "make the seal's key on a SoftHSM2 token (softhsm2 installed)")
    .option(
      '--sign',
      'sign the printed học bạ, register and correction minutes (PAdES B-T) with a test PKI (certificates without legal weight; root and CRLs in <dir>/pki/)',
    )
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nLeaves in the folder: ledger.db (+ ledger.db.checkpoints/), ledger.hoso (bundle), report.html,\nprint/* (PDF and HTML), seal.vkey, witness.vkey and root.key.pub (trust anchors for hoso verify).\n',
    )
    .action(
      async (o: {
        dir: string;
        students: number;
        seed: string;
        print: boolean;
        ca: boolean;
        token?: boolean;
        sign?: boolean;
        quiet?: boolean;
        json?: boolean;
      }) => {
        // Loaded on use: printing (pdfkit, fonts) is heavy and other commands never need it.
        const { runDemo } = await import('../demo/run.js');
        const r = await runDemo(
          {
            dir: o.dir,
            students: o.students,
            seed: o.seed,
            noPrint: !o.print,
            quiet: o.quiet === true,
            ca: o.ca,
            token: o.token === true,
            sign: o.sign === true,
          },
          io,
        );
        const summary = {
          ok: r.report.ok,
          verdict: r.report.verdict,
          ledger: r.ledger,
          events: r.events,
          root: r.root,
          findings: r.report.findings.length,
          refused: r.refusal,
          certified: r.certified,
          ...(r.sealKey === undefined ? {} : { sealKey: r.sealKey }),
          files: r.files,
          printed: r.printed,
          seconds: Math.round(r.seconds * 10) / 10,
          steps: r.steps,
        };
        if (o.json) {
          io.out(jsonText(summary));
        } else {
          const f = r.files;
          const rows: Array<[string, string]> = [
            [f['ledger']!, `the ledger (SQLite); checkpoints in ${f['checkpoints']}/`],
            [f['bundle']!, 'the export bundle (events + cosigned checkpoints)'],
            [f['report']!, 'the verification report'],
            [
              `${f['print']}/`,
              r.printed.length > 0
                ? `${r.printed.length} printed files (markbooks, học bạ, register, correction minutes; PDF and HTML)`
                : 'not printed (--no-print)',
            ],
            [f['seal']!, "the school's seal verifier key"],
            [f['witness']!, "the district witness's verifier key"],
            [f['root']!, "the school's root key"],
            ...(f['caRoot'] === undefined
              ? []
              : ([[f['caRoot'], 'the test CA\'s root certificate ("CA thử nghiệm": no legal weight)']] as Array<
                  [string, string]
                >)),
          ];
          const w = Math.max(...rows.map(([p]) => p.length));
          io.out(
            [
              '',
              `Done in ${summary.seconds} s (${Object.entries(r.steps)
                .map(([k, v]) => `${k} ${v} s`)
                .join(', ')}).`,
              `Ledger "${r.ledger}": ${r.events} events, root ${r.root}.`,
              `Verification: ${verdictBanner(r.report.verdict)} (${r.report.findings.length} finding(s)).`,
              `Refused as it should be: ${r.refusal.message} [${r.refusal.code}].`,
              r.certified > 0
                ? `CA-backed signatures (test CA): ${r.certified} acts signed off, confirmed, approved, sealed and corrected.`
                : 'No CA-backed signatures (--no-ca).',
              '',
              'Written:',
              ...rows.map(([p, what]) => `  ${p.padEnd(w)}  ${what}`),
              '',
              `Check it yourself: hoso verify ${f['bundle']} --trust ${f['seal']} --trust ${f['witness']} --trust ${f['root']}${f['caRoot'] === undefined ? '' : ` --trust ${f['caRoot']}`}`,
              '',
            ].join('\n'),
          );
        }
        process.exitCode = r.report.verdict === 'verified' ? 0 : 1;
      },
    );
}
