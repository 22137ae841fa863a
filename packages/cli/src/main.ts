/**
 * The `hoso` command line: parses arguments with commander, runs one command, and turns every
 * outcome into an exit code (docs/design.md §9): 0 done or clean, 1 findings or a refused command, 2
 * unusable input (bad arguments, unreadable files). Problems are printed in plain words on
 * stderr, naming the argument or field and the rule; `--json` prints them as JSON on stdout.
 */
import { Command, CommanderError } from 'commander';
import { isHosoFailure } from '@hoso/core';
import { CliError, describeProblem, EXIT_USAGE, problem } from './exit.js';
import { jsonText, processOutput, type Output } from './io.js';
import { registerCommands } from './commands/index.js';

/** Run `hoso` with `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: readonly string[], io: Output = processOutput): Promise<number> {
  const program = new Command();
  const state: { json: boolean } = { json: argv.includes('--json') };
  program
    .name('hoso')
    .description('hoso — signed, hash-chained, Merkle-logged school records (hồ sơ điện tử)')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText(
      'after',
      '\nExit codes: 0 done (verify: verified), 1 findings or a refused command, 2 unusable input (bad arguments, unreadable file), 3 verify found nothing wrong but was not anchored (no root or seal key).\nStores: --db <file> (SQLite, one ledger per file) or --store esdb://… --ledger <id> (EventStoreDB/KurrentDB).\nStart with: hoso demo --dir ./demo-out   (docs/cli.md)\n',
    );
  registerCommands(program, io);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; every parsing error is unusable input.
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof CliError) {
      if (state.json) io.out(jsonText({ ok: false, error: e.problem }));
      io.err(`hoso: ${describeProblem(e.problem)}\n`);
      return e.exitCode;
    }
    if (isHosoFailure(e)) {
      // A store or file that failed under us (unreachable EventStoreDB, unreadable SQLite file):
      // the input is unusable, not a finding.
      const p = problem(e.error.code, e.error.message, e.error.path, e.error.rule);
      if (state.json) io.out(jsonText({ ok: false, error: p }));
      io.err(`hoso: ${describeProblem(p)}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
