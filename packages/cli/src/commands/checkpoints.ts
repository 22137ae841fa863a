/** `hoso checkpoint` (sign), `hoso witness` (cosign), `hoso export` (write a bundle). */
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import { noteTimestamps, peekCheckpoint, toHex } from '@hoso/core';
import { timestampCheckpoint, type TimestampEvidence } from '@hoso/ledger';
import { httpTimestampAuthority, parseCrl, parseOcspResponse } from '@hoso/pki';
import { exportBundle, formatDisclosure, type Disclosure } from '@hoso/verify';
import {
  checkpointDir,
  cosign,
  keep,
  latestCheckpoint,
  listCheckpoints,
  readCheckpointFile,
  signAndKeep,
} from '../checkpoints.js';
import { discloseAt, scopeRequest, type ScopeArgs } from '../disclosure-export.js';
import { refused, usage } from '../exit.js';
import { isFile, jsonText, readBytes, readText, refuseOverwrite, writeText, type Output } from '../io.js';
import { readSignerKey, readVerifierKey } from '../keys.js';
import { withStore, type StoreArgs } from '../store.js';
import { collect, intOption } from './options.js';

/** The store options every ledger command takes. */
export function storeOptions(c: Command): Command {
  return c
    .option('--db <file>', 'the SQLite ledger file')
    .option('--store <url>', 'an EventStoreDB/KurrentDB connection string (esdb://…), with --ledger')
    .option('--ledger <id>', 'the ledger id (required with --store)');
}

type StoreOpts = StoreArgs & { checkpoints?: string };

/** Register `checkpoint`, `witness`, `export`. */
export function registerCheckpointCommands(program: Command, io: Output): void {
  storeOptions(program.command('checkpoint'))
    .description(
      "sign a checkpoint of the ledger's current size with the school's seal key and keep it in the checkpoint folder",
    )
    .requiredOption('--key <file>', 'the seal signer key (.key)')
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--tsa <url>', 'an RFC 3161 timestamp authority: its token over the signed note is kept in it')
    .option(
      '--tsa-crl <file>',
      "a CRL or OCSP response (DER or PEM) for the TSA's certificates, kept inside the token (repeatable)",
      collect,
      [],
    )
    .option('--json', 'print origin, size, root and the file as JSON')
    .action(async (o: StoreOpts & { key: string; tsa?: string; tsaCrl: string[]; json?: boolean }) => {
      const seal = readSignerKey(o.key, '--key');
      const dir = checkpointDir(o);
      if (o.tsa === undefined && o.tsaCrl.length > 0)
        throw usage('missing-option', '--tsa-crl needs --tsa', '--tsa-crl');
      const stamp = o.tsa === undefined ? undefined : checkpointStamper(o.tsa, await readTsaEvidence(o.tsaCrl));
      await withStore(o, async (s) => {
        const k = await signAndKeep(s, seal, dir, stamp);
        io.out(
          o.json
            ? jsonText({
                origin: k.checkpoint.origin,
                size: k.checkpoint.size,
                root: toHex(k.checkpoint.root),
                file: k.path,
                note: k.note,
                timestamps: noteTimestamps(k.note).length,
              })
            : k.note,
        );
      });
    });

  storeOptions(program.command('witness'))
    .description(
      'cosign a checkpoint as a witness (C2SP tlog-cosignature): checks the seal signature and consistency with what this witness cosigned before',
    )
    .requiredOption('--key <file>', "the witness's signer key (.key)")
    .requiredOption('--trust <vkey>', "the school's seal verifier key (file or text)")
    .option('--checkpoint <file>', 'the checkpoint note to cosign (default: the latest kept)')
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--state <file>', "the witness's state: the last checkpoint it cosigned (default <key>.state)")
    .option('--time <seconds>', 'cosignature time, POSIX seconds (default now)', intOption('--time', 0, 2 ** 40))
    .option('--json', 'print the result as JSON')
    .action(
      async (
        o: StoreOpts & {
          key: string;
          trust: string;
          checkpoint?: string;
          state?: string;
          time?: number;
          json?: boolean;
        },
      ) => {
        const key = readSignerKey(o.key, '--key');
        const seal = readVerifierKey(o.trust, '--trust').verifier;
        const dir = checkpointDir(o);
        const target =
          o.checkpoint !== undefined ? readCheckpointFile(o.checkpoint, '--checkpoint') : latestCheckpoint(dir);
        if (target === null)
          throw usage('no-checkpoint', `no checkpoint in ${dir}; sign one with hoso checkpoint`, '--checkpoints');
        const statePath = o.state ?? `${o.key}.state`;
        let previous = null;
        if (isFile(statePath)) {
          const p = peekCheckpoint(readText(statePath, '--state'));
          if (isLeft(p)) throw usage('invalid-state', `${statePath} is not a checkpoint: ${p.left.message}`, '--state');
          previous = p.right;
        }
        await withStore(o, async (s) => {
          const note = await cosign(s, target.note, {
            key,
            seal,
            previous,
            time: o.time ?? Math.floor(Date.now() / 1000),
          });
          let file: string;
          if (o.checkpoint !== undefined) {
            writeText(o.checkpoint, note, '--checkpoint');
            file = o.checkpoint;
          } else file = keep(dir, note).path;
          writeText(statePath, note, '--state');
          io.out(o.json ? jsonText({ file, state: statePath, note }) : note);
        });
      },
    );

  storeOptions(program.command('export'))
    .description(
      'write the ledger as a bundle (docs/design.md §7): events in ledger order, then the kept checkpoints; the last fixes its size. With --scope, also the disclosure file of one audience (docs/personal-data.md §6)',
    )
    .requiredOption('--out <file>', 'the bundle to write (e.g. ledger.hoso); with --scope transcript, the transcript')
    .option('--checkpoints <dir>', 'checkpoint folder (default <db>.checkpoints)')
    .option('--checkpoint <file>', 'a checkpoint note to include (repeatable; default: every kept one)', collect, [])
    .option(
      '--scope <scope>',
      "a disclosure for one audience: inspector (the pupils' and fields' openings asked for), transcript (one pupil's events and openings, on its own), vendor (no opening)",
    )
    .option('--key <file>', "with --scope: the leader's signer key that signs the disclosure")
    .option('--audience <text>', 'with --scope: who receives it, e.g. "Phòng GD&ĐT — đoàn kiểm tra"')
    .option('--purpose <text>', 'with --scope: why it is given, e.g. "kiểm tra hồ sơ học sinh"')
    .option(
      '--pupil <code>',
      'with --scope: a pupil to disclose (repeatable; default all; a transcript: exactly one)',
      collect,
      [],
    )
    .option('--class <year/class>', 'with --scope inspector: only the pupils of this class, e.g. 2024-2025/10A1')
    .option(
      '--field <field>',
      'with --scope: a field to open (repeatable; default every biographical field)',
      collect,
      [],
    )
    .option(
      '--decision <number@date>',
      'with --scope: the school\'s decision to disclose, e.g. "15/QĐ-THPT@2026-12-06"',
    )
    .option(
      '--disclosure <file>',
      'with --scope inspector or vendor: where the disclosure file goes (default <out>.disclosure.json)',
    )
    .option('--force', 'overwrite an existing bundle or disclosure file')
    .option('--json', 'print size, bytes and root as JSON')
    .action(
      async (
        o: StoreOpts &
          ScopeArgs & { out: string; checkpoint: string[]; disclosure?: string; force?: boolean; json?: boolean },
      ) => {
        const request = scopeRequest(o);
        if (request === null && o.disclosure !== undefined)
          throw usage('missing-option', '--disclosure goes with --scope', '--scope', 'docs/personal-data.md §6');
        const transcript = request?.scope === 'transcript';
        if (transcript && o.disclosure !== undefined)
          throw usage(
            'conflicting-options',
            'a transcript is one file on its own, written to --out: give no --disclosure',
            '--disclosure',
            'docs/formats.md §8',
          );
        const disclosureFile = request === null || transcript ? null : (o.disclosure ?? `${o.out}.disclosure.json`);
        refuseOverwrite(o.out, '--out', o.force === true);
        if (disclosureFile !== null) refuseOverwrite(disclosureFile, '--disclosure', o.force === true);
        const notes =
          o.checkpoint.length > 0
            ? o.checkpoint.map((f) => readCheckpointFile(f, '--checkpoint'))
            : listCheckpoints(checkpointDir(o));
        if (notes.length === 0)
          throw usage(
            'no-checkpoint',
            'a bundle ends with a signed checkpoint: sign one with hoso checkpoint first',
            '--checkpoints',
            'docs/design.md §7',
          );
        notes.sort((a, b) => a.checkpoint.size - b.checkpoint.size);
        await withStore(o, async (s) => {
          // Made before anything is written: a refused disclosure leaves no file behind.
          const disclosure = request === null ? null : await discloseAt(s, notes[notes.length - 1]!.note, request);
          const summary = disclosure === null ? null : disclosureSummary(disclosure);
          if (disclosure !== null && transcript) {
            writeText(o.out, formatDisclosure(disclosure), '--out');
            io.out(
              o.json
                ? jsonText({
                    file: o.out,
                    scope: disclosure.scope,
                    size: disclosure.size,
                    root: disclosure.root,
                    ...summary!,
                  })
                : `wrote ${o.out}: transcript of ${disclosure.request.students[0] ?? ''}, ${summary!.events} events, ${summary!.openings} openings, root ${disclosure.root}\n`,
            );
            return;
          }
          const r = await exportBundle(s.store, s.ledger, o.out, { checkpoints: notes.map((n) => n.note) });
          if (isLeft(r)) {
            const e = r.left;
            if (e.code === 'storage-failure') throw usage(e.code, e.message, '--out', e.rule);
            throw refused(e.code, e.message, '--checkpoint', e.rule);
          }
          if (disclosure !== null) writeText(disclosureFile!, formatDisclosure(disclosure), '--disclosure');
          io.out(
            o.json
              ? jsonText({
                  file: o.out,
                  ...r.right,
                  ...(disclosure === null
                    ? {}
                    : { disclosure: { file: disclosureFile, scope: disclosure.scope, ...summary! } }),
                })
              : `wrote ${o.out}: ${r.right.size} events, ${r.right.bytes} bytes, root ${r.right.root}\n` +
                  (disclosure === null
                    ? ''
                    : `wrote ${disclosureFile}: ${disclosure.scope} disclosure, ${summary!.pupils} pupils, ${summary!.openings} openings${disclosure.erased.length > 0 ? `, ${disclosure.erased.length} erased (not disclosed)` : ''}\n`),
          );
        });
      },
    );
}

/** What a disclosure holds, counted for the command's output (never a value). */
function disclosureSummary(d: Disclosure): { pupils: number; openings: number; erased: number; events: number } {
  return {
    pupils: new Set(d.openings.map((x) => x.student)).size,
    openings: d.openings.length,
    erased: d.erased.length,
    events: d.events?.length ?? 0,
  };
}

/** CRLs and OCSP responses read from `files` (each PEM or DER; a CRL is tried first), for the token. */
async function readTsaEvidence(files: readonly string[]): Promise<TimestampEvidence> {
  const crls: Uint8Array[] = [];
  const ocspResponses: Uint8Array[] = [];
  for (const f of files) {
    const bytes = readBytes(f, '--tsa-crl');
    const crl = await parseCrl(bytes);
    if (crl._tag === 'Right') {
      crls.push(crl.right.der);
      continue;
    }
    const ocsp = await parseOcspResponse(bytes);
    if (ocsp._tag === 'Right') ocspResponses.push(ocsp.right.der);
    else
      throw usage(
        'invalid-evidence',
        `${f} is neither a CRL nor an OCSP response: ${crl.left.message}`,
        '--tsa-crl',
        'RFC 5280 §5',
      );
  }
  return { crls, ocspResponses };
}

/** Adds the TSA's RFC 3161 timestamp to a signed note; a TSA that fails is exit 1 and nothing is kept. */
function checkpointStamper(url: string, evidence: TimestampEvidence): (note: string) => Promise<string> {
  const authority = httpTimestampAuthority({ url });
  return async (note) => {
    const r = await timestampCheckpoint(note, { authority, evidence });
    if (isLeft(r))
      throw refused(r.left.code, `the TSA at ${url}: ${r.left.message}`, '--tsa', r.left.rule ?? 'RFC 3161 §2.4.2');
    return r.right;
  };
}
