/** `hoso verify`, `hoso prove`, `hoso consistency`: the inspector's side. */
import { statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  MISSING_ANCHOR,
  originSentence,
  proveConsistency,
  proveEvent,
  renderReport,
  verdictBanner,
  verdictSentence,
  verifyBundle,
  verifyConsistencyProof,
  verifyProof,
  verifyStore,
  verifyTranscript,
  parseDisclosure,
  personalDataSentences,
  type Verdict,
  type VerifyReport,
} from '@hoso/verify';
import {
  checkpointDir,
  latestCheckpoint,
  listCheckpoints,
  readCheckpointFile,
  type KeptCheckpoint,
} from '../checkpoints.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_UNANCHORED, EXIT_USAGE, refused, usage, type ExitCode } from '../exit.js';
import { isFile, jsonText, readText, terminalSafe, writeText, type Output } from '../io.js';
import { withStore } from '../store.js';
import { trustAnchors } from '../trust.js';
import { withSource } from './books.js';
import { storeOptions } from './checkpoints.js';
import { collect, intOption } from './options.js';

type TrustOpts = { trust: string[]; root: string[]; seal: string[]; witness: string[] };

function trustOptions(c: Command): Command {
  return c
    .option(
      '--trust <key>',
      'a trust anchor, file or text (repeatable): root key (base64url), seal vkey, witness vkey (type 0x04), or a file of X.509 root certificates (PEM or DER) for CA-backed signatures',
      collect,
      [],
    )
    .option('--root <key>', "the school's root key (base64url; repeatable)", collect, [])
    .option('--seal <vkey>', 'a seal verifier key (repeatable)', collect, [])
    .option('--witness <vkey>', 'a witness verifier key (repeatable)', collect, []);
}

const both = (s: { en: string; vi: string }): string => `${s.en} / ${s.vi}`;

/** Most CA signatures listed on the terminal (all are in --json and --report). */
const CA_LINES = 20;

/** One line per CA-backed signature on an act: its certificate's subject, issuer, serial and validity. */
function caSignatureLines(sigs: NonNullable<VerifyReport['legal']['signatures']>): string[] {
  const lines = sigs
    .slice(0, CA_LINES)
    .map(
      (g) =>
        `  CA signature / chữ ký số ${g.ok ? 'ok' : 'NOT VALID / KHÔNG HỢP LỆ'}: ${g.actType} ${g.act} by ${g.who}; subject ${g.subject ?? '?'}; issuer ${g.issuer ?? '?'}; serial ${g.serial ?? '?'}; valid ${g.notBefore ?? '?'} – ${g.notAfter ?? '?'}`,
    );
  if (sigs.length > CA_LINES)
    lines.push(`  … and ${sigs.length - CA_LINES} more CA signatures (use --json or --report)`);
  return lines;
}

/** `; timestamped / dấu thời gian <time> (<TSA>)` for each RFC 3161 timestamp on a checkpoint. */
function timestampText(c: VerifyReport['checkpoints'][number]): string {
  return (c.timestamps ?? [])
    .map(
      (t) =>
        `; timestamped / dấu thời gian ${t.time ?? '?'}${t.tsa === null ? '' : ` (${t.tsa})`}${t.ok === true ? '' : t.ok === null ? ' UNCHECKED / CHƯA KIỂM TRA' : ' NOT VALID / KHÔNG HỢP LỆ'}`,
    )
    .join('');
}

/** The verdict, what it was checked against, and the findings, as the terminal shows them. */
function summaryLines(r: VerifyReport): string {
  const a = r.anchors;
  const list = (xs: readonly string[]): string => (xs.length === 0 ? 'none / không có' : xs.join(', '));
  const lines = [
    `${verdictBanner(r.verdict)}: ${r.size} events, root ${r.root}`,
    `  ${both(verdictSentence(r))}`,
    `  ledger / sổ: ${both(originSentence(a.origin))}`,
    `  root keys / khóa gốc: ${list(a.rootKeys)}`,
    `  seal keys / khóa đóng dấu: ${list(a.sealKeys)}`,
    `  witness keys / khóa chứng kiến: ${list(a.witnessKeys)}`,
    `  held checkpoint / điểm kiểm tra đang giữ: ${a.since === null ? 'none / không có' : `size ${a.since}`}`,
    ...a.missing.map((m) => `  NOT CHECKED / CHƯA ĐỐI CHIẾU: ${both(MISSING_ANCHOR[m])}`),
    `  integrity ${r.passes.integrity}, authenticity ${r.passes.authenticity}, compliance ${r.passes.compliance}`,
    `  legal weight / giá trị pháp lý: ${r.legal.weight} — ${r.legal.statement} / ${r.legal.statement_vi}`,
    ...caSignatureLines(r.legal.signatures ?? []),
    ...r.checkpoints.map(
      (c) =>
        `  checkpoint size ${c.size ?? '?'}: ${c.ok ? 'ok' : 'NOT ok'}; signed by ${c.signedBy.join(', ') || '—'}; cosigned by ${c.cosignedBy.join(', ') || '—'}${timestampText(c)}`,
    ),
    ...(r.personalData === undefined ? [] : personalDataSentences(r.personalData)).map(
      (x) => `  personal data / dữ liệu cá nhân: ${x.en}\n      ${x.vi}`,
    ),
  ];
  // Findings grouped as problems: what happened, at which line, then the findings it explains.
  let shown = 0;
  for (const [k, p] of r.problems.entries()) {
    if (shown >= 50) break;
    lines.push(
      `  ${p.severity === 'error' ? 'PROBLEM' : 'NOTE'} ${k + 1} / ${p.severity === 'error' ? 'VẤN ĐỀ' : 'LƯU Ý'} ${k + 1}: ${p.summary} [${p.rule}]`,
      `      ${p.summary_vi}`,
    );
    for (const i of [p.cause, ...p.consequences]) {
      const f = r.findings[i];
      if (f === undefined || shown >= 50) continue;
      shown++;
      lines.push(`    ${i === p.cause ? '' : '└ '}${findingLine(f)}`);
    }
  }
  if (r.findings.length > shown) lines.push(`  … and ${r.findings.length - shown} more (use --json or --report)`);
  return lines.join('\n') + '\n';
}

/** One finding: severity, code, position with the bundle line beside it, stream, sentence, rule. */
function findingLine(f: VerifyReport['findings'][number]): string {
  const place = f.position === null ? '' : ` at ${f.position}${typeof f.line === 'number' ? `, line ${f.line}` : ''}`;
  return `${f.severity.toUpperCase()} ${f.code}${place}${f.stream === null ? '' : ` (${f.stream})`}: ${f.message} [${f.rule}]`;
}

/** The exit code of a verdict (docs/design.md §9). */
const VERDICT_EXIT: { readonly [V in Verdict]: ExitCode } = {
  verified: EXIT_OK,
  failed: EXIT_FINDINGS,
  unusable: EXIT_USAGE,
  unanchored: EXIT_UNANCHORED,
};

/**
 * The checkpoint a proof is made against: the file given, else a bundle's last checkpoint line,
 * else the latest in the ledger's checkpoint folder.
 */
function chosenCheckpoint(
  file: string | undefined,
  arg: string,
  inBundle: readonly KeptCheckpoint[] | undefined,
  o: { readonly checkpoints?: string; readonly db?: string },
): KeptCheckpoint {
  if (file !== undefined) return readCheckpointFile(file, arg);
  const cp = inBundle !== undefined ? (inBundle[inBundle.length - 1] ?? null) : latestCheckpoint(checkpointDir(o));
  if (cp === null) throw usage('no-checkpoint', 'no checkpoint kept: sign one with hoso checkpoint', arg);
  return cp;
}

/** Register `verify`, `prove`, `consistency`. */
export function registerVerifyCommands(program: Command, raw: Output): void {
  // A ledger's names, reasons and checkpoint key names reach the terminal only escaped.
  const io = terminalSafe(raw);
  trustOptions(storeOptions(program.command('verify')))
    .description(
      'verify a bundle (or, with --db/--store, a ledger in place): integrity, authenticity, compliance; exit 0 verified, 1 findings, 2 unusable input, 3 nothing wrong found but unanchored (no root or seal key given)',
    )
    .argument('[bundle]', 'the bundle file (ledger.hoso)')
    .option(
      '--checkpoints <dir>',
      'with --db/--store: the checkpoint folder to check against (default <db>.checkpoints)',
    )
    .option('--since <checkpoint>', 'a checkpoint note you already hold: the bundle must extend it')
    .option(
      '--origin <origin>',
      "the ledger you expect, hoso/<ledger id>: a bundle of any other is refused (default: the trusted seal key's name when it is an origin)",
    )
    .option('--report <file>', 'write the HTML report here')
    .option(
      '--disclosure <file>',
      "a disclosure file (hoso/disclosure@v1): its openings are checked against the bundle's commitments; a transcript is verified on its own (no bundle)",
    )
    .option('--workers <n>', 'signature worker threads (default: cores − 1)', intOption('--workers', 0, 256))
    .option(
      '--temp-dir <dir>',
      'where the sorted runs of event ids go once a large ledger fills the in-memory buffer (default: the system temp folder; removed afterwards)',
    )
    .option('--json', 'print { ok, size, root, findings, … } as JSON')
    .action(
      async (
        bundle: string | undefined,
        o: TrustOpts & {
          db?: string;
          store?: string;
          ledger?: string;
          checkpoints?: string;
          since?: string;
          origin?: string;
          report?: string;
          disclosure?: string;
          workers?: number;
          tempDir?: string;
          json?: boolean;
        },
      ) => {
        const trust = trustAnchors(o);
        const inPlace = o.db !== undefined || o.store !== undefined;
        const disclosure = o.disclosure === undefined ? undefined : readText(o.disclosure, '--disclosure');
        const parsed = disclosure === undefined ? undefined : parseDisclosure(disclosure);
        if (parsed !== undefined && isLeft(parsed))
          throw usage('invalid-disclosure', parsed.left.message, '--disclosure', parsed.left.rule);
        const transcript = parsed?._tag === 'Right' && parsed.right.scope === 'transcript';
        if (transcript && (inPlace || bundle !== undefined))
          throw usage(
            'conflicting-options',
            'a transcript is a partial bundle verified on its own: give --disclosure without a bundle or --db',
            '--disclosure',
            'docs/formats.md §8',
          );
        if (!transcript && inPlace === (bundle !== undefined))
          throw usage(
            'missing-argument',
            'give a bundle file, or --db/--store to verify a ledger in place (not both)',
            '<bundle>',
          );
        if (bundle !== undefined && !isFile(bundle))
          throw usage('unreadable-file', `cannot read ${bundle}: no such file`, '<bundle>');
        const since = o.since === undefined ? undefined : readText(o.since, '--since');
        const options = {
          trust,
          ...(since === undefined ? {} : { since }),
          ...(o.origin === undefined ? {} : { expectedOrigin: o.origin }),
          ...(o.workers === undefined ? {} : { workers: o.workers }),
          ...(o.tempDir === undefined ? {} : { tempDir: o.tempDir }),
          ...(disclosure === undefined ? {} : { disclosure }),
        };
        const r = transcript
          ? await verifyTranscript(disclosure!, { trust })
          : bundle !== undefined
            ? await verifyBundle(bundle, options)
            : await withStore(
                o,
                (s) =>
                  verifyStore(s.store, s.ledger, {
                    ...options,
                    checkpoints: listCheckpoints(checkpointDir(o)).map((k) => k.note),
                  }),
                { readonly: true },
              );
        if (isLeft(r)) {
          const field = r.left.path?.[0];
          const option =
            field === 'since'
              ? '--since'
              : field === 'tempDir'
                ? '--temp-dir'
                : field === 'expectedOrigin'
                  ? '--origin'
                  : field === 'disclosure'
                    ? '--disclosure'
                    : '--trust';
          throw usage(r.left.code, r.left.message, option, r.left.rule);
        }
        const report = r.right;
        if (o.report !== undefined)
          writeText(
            o.report,
            renderReport(report, {
              source: bundle ?? o.db ?? o.store ?? o.disclosure ?? '',
              ...(bundle !== undefined ? { bytes: statSync(bundle).size } : {}),
            }),
            '--report',
          );
        if (o.json) {
          const { timeline: _t, ...rest } = report;
          io.out(jsonText(rest));
        } else io.out(summaryLines(report));
        process.exitCode = VERDICT_EXIT[report.verdict];
      },
    );

  trustOptions(storeOptions(program.command('prove')))
    .description(
      'write an offline inclusion proof (C2SP tlog-proof) of one event of a bundle or a ledger, or check one with --check',
    )
    .argument('[bundle]', 'the bundle file (ledger.hoso), instead of --db/--store')
    .option(
      '--position <n>',
      'ledger position of the event (0-based, as hoso verify reports it)',
      intOption('--position', 0, Number.MAX_SAFE_INTEGER),
    )
    .option('--index <n>', 'the same as --position', intOption('--index', 0, Number.MAX_SAFE_INTEGER))
    .option('--event <id>', 'the event id (instead of --index)')
    .option(
      '--checkpoint <file>',
      "the checkpoint to prove against (default: a bundle's last checkpoint, or the latest kept for --db)",
    )
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--out <file>', 'write the proof here (default: stdout)')
    .option('--check <proof>', 'check a proof file offline against --trust keys instead')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        bundle: string | undefined,
        o: TrustOpts & {
          db?: string;
          store?: string;
          ledger?: string;
          position?: number;
          index?: number;
          event?: string;
          checkpoint?: string;
          checkpoints?: string;
          out?: string;
          check?: string;
          json?: boolean;
        },
      ) => {
        if (o.check !== undefined) {
          const r = verifyProof(readText(o.check, '--check'), trustAnchors(o));
          if (isLeft(r))
            throw r.left.code === 'invalid-argument'
              ? usage(r.left.code, r.left.message, '--trust', r.left.rule)
              : refused(r.left.code, r.left.message, '--check', r.left.rule);
          const v = r.right;
          const out = {
            ok: true,
            position: v.position,
            event: v.event.id,
            stream: v.event.stream,
            type: v.event.type,
            checkpoint: v.checkpoint,
            signedBy: v.signedBy,
            cosignedBy: v.cosignedBy,
          };
          io.out(
            o.json
              ? jsonText(out)
              : `PROVEN: event ${v.event.id} (${v.event.type}, ${v.event.stream}) is at position ${v.position} of ${v.checkpoint.origin} size ${v.checkpoint.size}; signed by ${v.signedBy.join(', ')}${v.cosignedBy.length > 0 ? `; cosigned by ${v.cosignedBy.join(', ')}` : ''}\n`,
          );
          return;
        }
        if (o.position !== undefined && o.index !== undefined && o.position !== o.index)
          throw usage('conflicting-options', 'give --position or --index, not both', '--position');
        const position = o.position ?? o.index;
        if ((position === undefined) === (o.event === undefined))
          throw usage('missing-option', 'name the event with --position <n> or --event <id>', '--position');
        await withSource(bundle, o, async (s) => {
          const cp = chosenCheckpoint(o.checkpoint, '--checkpoint', s.checkpoints, o);
          let index = position;
          if (o.event !== undefined) {
            const e = await s.store.getById(s.ledger, o.event);
            if (e === null) throw usage('unknown-event', `no event ${o.event} in ${s.ledger}`, '--event');
            index = e.position;
          }
          const r = await proveEvent(s.store, s.ledger, index!, cp.note);
          if (isLeft(r))
            throw r.left.code === 'invalid-argument'
              ? usage(r.left.code, r.left.message, '--index', r.left.rule)
              : refused(r.left.code, r.left.message, '--checkpoint', r.left.rule);
          if (o.out !== undefined) writeText(o.out, r.right, '--out');
          io.out(
            o.json
              ? jsonText({
                  index,
                  checkpointSize: cp.checkpoint.size,
                  proof: r.right,
                  ...(o.out === undefined ? {} : { file: o.out }),
                })
              : o.out === undefined
                ? r.right
                : `wrote ${o.out}: event at position ${index} in checkpoint of size ${cp.checkpoint.size}\n`,
          );
        });
      },
    );

  trustOptions(storeOptions(program.command('consistency')))
    .description(
      'write a consistency proof (RFC 9162) between two checkpoints of a bundle or a ledger, or check one with --check',
    )
    .argument('[bundle]', 'the bundle file (ledger.hoso), instead of --db/--store')
    .option('--old <file>', 'the older checkpoint note (e.g. the one you already hold)')
    .option(
      '--new <file>',
      "the newer checkpoint note (default: a bundle's last checkpoint, or the latest kept for --db)",
    )
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--out <file>', 'write the proof here (default: stdout)')
    .option('--check <proof>', 'check a proof file offline against --trust keys instead')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        bundle: string | undefined,
        o: TrustOpts & {
          db?: string;
          store?: string;
          ledger?: string;
          old?: string;
          new?: string;
          checkpoints?: string;
          out?: string;
          check?: string;
          json?: boolean;
        },
      ) => {
        if (o.check !== undefined) {
          const r = verifyConsistencyProof(readText(o.check, '--check'), trustAnchors(o));
          if (isLeft(r))
            throw r.left.code === 'invalid-argument'
              ? usage(r.left.code, r.left.message, '--trust', r.left.rule)
              : refused(r.left.code, r.left.message, '--check', r.left.rule);
          const v = r.right;
          io.out(
            o.json
              ? jsonText({ ok: true, ...v })
              : `CONSISTENT: ${v.origin} size ${v.new.size} extends size ${v.old.size}; signed by ${v.signedBy.join(', ')}${v.cosignedBy.length > 0 ? `; cosigned by ${v.cosignedBy.join(', ')}` : ''}\n`,
          );
          return;
        }
        if (o.old === undefined) throw usage('missing-option', 'name the older checkpoint with --old <file>', '--old');
        const older = readCheckpointFile(o.old, '--old');
        await withSource(bundle, o, async (s) => {
          const newer = chosenCheckpoint(o.new, '--new', s.checkpoints, o);
          const r = await proveConsistency(s.store, s.ledger, older.note, newer.note);
          if (isLeft(r))
            throw r.left.code === 'invalid-argument'
              ? usage(r.left.code, r.left.message, '--old', r.left.rule)
              : refused(r.left.code, r.left.message, '--new', r.left.rule);
          if (o.out !== undefined) writeFileSync(o.out, r.right);
          io.out(
            o.json
              ? jsonText({ old: older.checkpoint.size, new: newer.checkpoint.size, proof: r.right })
              : o.out === undefined
                ? r.right
                : `wrote ${o.out}: size ${older.checkpoint.size} → ${newer.checkpoint.size}\n`,
          );
        });
      },
    );
}
