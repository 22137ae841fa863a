/** `hoso demo`: the school-year demonstration on the embedded store (see `demo/run.ts`). */
import type { Command } from 'commander';
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
            sign: o.sign === true,
            quiet: o.quiet === true,
          },
          io,
        );
        const summary = {
          ok: r.report.ok,
          ledger: r.ledger,
          events: r.events,
          root: r.root,
          findings: r.report.findings.length,
          refused: r.refusal,
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
          ];
          const w = Math.max(...rows.map(([p]) => p.length));
          io.out(
            [
              '',
              `Done in ${summary.seconds} s (${Object.entries(r.steps)
                .map(([k, v]) => `${k} ${v} s`)
                .join(', ')}).`,
              `Ledger "${r.ledger}": ${r.events} events, root ${r.root}.`,
              `Verification: ${r.report.ok ? 'VERIFIED / ĐẠT' : 'NOT VERIFIED / KHÔNG ĐẠT'} (${r.report.findings.length} finding(s)).`,
              `Refused as it should be: ${r.refusal.message} [${r.refusal.code}].`,
              '',
              'Written:',
              ...rows.map(([p, what]) => `  ${p.padEnd(w)}  ${what}`),
              '',
              `Check it yourself: hoso verify ${f['bundle']} --trust ${f['seal']} --trust ${f['witness']} --trust ${f['root']}`,
              '',
            ].join('\n'),
          );
        }
        process.exitCode = r.report.ok ? 0 : 1;
      },
    );
}
