/** `hoso init` and `hoso exec`: writing to the ledger (`hoso import` is in sheets.ts). */
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import { v7 as uuidv7 } from 'uuid';
import { openLedger } from '@hoso/ledger';
import { formatPath, refused, usage } from '../exit.js';
import { jsonText, readText, terminalSafe, type Output } from '../io.js';
import { readSignerKey } from '../keys.js';
import { openCliLedger, signersFrom, submitBatch } from '../ledger-ops.js';
import { withStore } from '../store.js';
import { storeOptions } from './checkpoints.js';
import { collect } from './options.js';

type StoreOpts = { db?: string; store?: string; ledger?: string; state?: boolean; stateDir?: string };
const NO_STATE = [
  '--no-state',
  'fold the whole ledger: neither read nor write the state snapshot <db>.state/',
] as const;
const STATE_DIR = [
  '--state-dir <dir>',
  'keep the state snapshot in this folder (default <db>.state/; with --store, none unless given)',
] as const;

/**
 * Every bad row on stderr (escaped: a row's text may hold control characters); with --json they
 * also travel in the error's details (printed by main).
 */
function printProblems(
  raw: Output,
  file: string,
  problems: ReadonlyArray<{
    readonly line: number;
    readonly code: string;
    readonly message: string;
    readonly rule?: string;
    readonly column?: string;
    readonly field?: string;
  }>,
): void {
  const io = terminalSafe(raw);
  for (const p of problems)
    io.err(
      `hoso: ${file}:${p.line}${p.column === undefined ? '' : ` column "${p.column}"`}${p.field === undefined ? '' : ` field ${p.field}`}: ${p.message}${p.rule === undefined ? '' : ` (rule: ${p.rule})`} [${p.code}]\n`,
    );
  io.err(`hoso: ${problems.length} bad row(s); nothing was written\n`);
}

/** Register `init`, `exec`. */
export function registerLedgerCommands(program: Command, io: Output): void {
  storeOptions(program.command('init'))
    .description("found a school's ledger: the genesis event, signed by the leader's root key")
    .requiredOption('--name <name>', 'the school\'s name, e.g. "Trường THPT Chu Văn An"')
    .requiredOption('--key <file>', "the leader's signer key (its public key becomes the root key)")
    .requiredOption('--leader-id <id>', "the leader's person id, e.g. hieu-truong")
    .requiredOption('--leader-name <name>', "the leader's full name")
    .option(
      '--level <level>',
      'a level the school runs (repeatable): preschool, primary, lower-secondary, upper-secondary, continuing',
      collect,
      [],
    )
    .option('--province <name>', 'province or city')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        o: StoreOpts & {
          name: string;
          key: string;
          leaderId: string;
          leaderName: string;
          level: string[];
          province?: string;
          json?: boolean;
        },
      ) => {
        if (o.store === undefined && o.ledger === undefined)
          throw usage('missing-option', 'name the new ledger with --ledger <id>', '--ledger');
        const key = readSignerKey(o.key, '--key');
        await withStore(
          o,
          async (s) => {
            if ((await s.store.size(s.ledger)) > 0)
              throw refused('already-founded', `${s.where} already holds ledger "${s.ledger}"`, '--db');
            const ledger = await openLedger({ store: s.store, ledger: s.ledger });
            const data = {
              school: s.ledger,
              name: o.name,
              levels: o.level.length > 0 ? o.level : ['upper-secondary'],
              leader: { person: o.leaderId, name: o.leaderName },
              rootKey: key.publicKey,
              timeZone: 'Asia/Ho_Chi_Minh',
              ...(o.province === undefined ? {} : { province: o.province }),
            };
            const r = await ledger.execute({ type: 'FoundSchool', id: uuidv7(), data }, [
              { signer: key.signer, role: 'leader' },
            ]);
            if (isLeft(r)) throw refused(r.left.code, r.left.message, r.left.path, r.left.rule);
            io.out(
              o.json
                ? jsonText({
                    ledger: s.ledger,
                    rootKey: key.publicKey,
                    fingerprint: key.fingerprint,
                    size: r.right.size,
                  })
                : `founded ledger "${s.ledger}" in ${s.where}; root key ${key.publicKey} (${key.fingerprint})\n`,
            );
          },
          { create: true },
        );
      },
    );

  storeOptions(program.command('exec'))
    .description(
      'execute ledger commands ({"type","data"} JSON, see docs/ledger.md): one with --command, or a JSON-lines file appended whole with --file',
    )
    .requiredOption('--key <file>', "the author's signer key")
    .requiredOption(
      '--role <role>',
      'the role the author acts in (leader, admin, office, homeroom, subject, inspector)',
    )
    .option(
      '--cosigner <key:role>',
      'a co-signer: key file and role, e.g. new.key:holder, vp.key:admin (repeatable)',
      collect,
      [],
    )
    .option('--command <json>', 'one command as JSON')
    .option('--file <file>', 'a file of commands, one JSON object per line')
    .option(...NO_STATE)
    .option(...STATE_DIR)
    .option('--json', 'print the result as JSON')
    .action(
      async (
        o: StoreOpts & {
          key: string;
          role: string;
          cosigner: string[];
          command?: string;
          file?: string;
          json?: boolean;
        },
      ) => {
        if ((o.command === undefined) === (o.file === undefined))
          throw usage('missing-option', 'give one of --command <json> or --file <file>', '--command');
        const source = o.command !== undefined ? '--command' : o.file!;
        const text = o.command ?? readText(o.file!, '--file');
        const commands: Array<{ type: string; data: unknown; id?: string }> = [];
        // Blank and comment lines are skipped, so a command's number is not its line: keep both.
        const lines: number[] = [];
        // --command is one JSON value (it may span lines); a file is JSON lines.
        const entries: Array<[string, string]> =
          o.command !== undefined
            ? [['--command', o.command]]
            : text.split('\n').map((l, i): [string, string] => [`${o.file}:${i + 1}`, l]);
        for (const [n, [where, line]] of entries.entries()) {
          if (line.trim() === '' || (o.file !== undefined && line.trimStart().startsWith('#'))) continue;
          let v: unknown;
          try {
            v = JSON.parse(line);
          } catch (e) {
            throw usage('invalid-json', `not JSON: ${e instanceof Error ? e.message : String(e)}`, where);
          }
          if (typeof v !== 'object' || v === null || Array.isArray(v))
            throw usage('invalid-command', 'a command is a JSON object {"type", "data"}', where);
          commands.push(v as { type: string; data: unknown });
          lines.push(n + 1);
        }
        if (commands.length === 0) throw usage('invalid-command', 'no command given', source);
        const signers = signersFrom(o.key, o.role, o.cosigner);
        await withStore(o, async (s) => {
          const opened = await openCliLedger(s, {
            state: o.state,
            ...(o.stateDir === undefined ? {} : { stateDir: o.stateDir }),
            warn: (l) => io.err(l),
          });
          const r = await submitBatch(opened.ledger, commands, signers);
          if (isLeft(r)) {
            const problems = r.left.map((p) => ({
              line: lines[p.index]!,
              code: p.error.code,
              message: p.error.message,
              ...(p.error.path === undefined || p.error.path.length === 0 ? {} : { field: formatPath(p.error.path) }),
              ...(p.error.rule === undefined ? {} : { rule: p.error.rule }),
            }));
            printProblems(io, source, problems);
            const first = r.left[0]!;
            throw refused(
              problems[0]!.code,
              `${problems.length} command(s) refused; nothing was written`,
              {
                path: [o.command !== undefined ? source : `${source}:${lines[first.index]!}`, ...first.error.path],
                where: source,
              },
              problems[0]!.rule,
              { written: 0, problems },
            );
          }
          await opened.afterCommand(r.right.duplicate ? 0 : r.right.events);
          io.out(
            o.json
              ? jsonText({ ok: true, ...r.right })
              : `appended ${r.right.events} event(s) at ${r.right.from}; ledger size ${r.right.size}\n`,
          );
        });
      },
    );
}
