/** `hoso export-signature`: a CA-backed signature as OpenSSL (or any CMS tool) checks it. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import { exportActSignature } from '@hoso/ledger';
import { refused } from '../exit.js';
import { ensureDir, jsonText, refuseOverwrite, writeText, type Output } from '../io.js';
import { withStore, type StoreArgs } from '../store.js';
import { storeOptions } from './checkpoints.js';

/** Register `export-signature`. */
export function registerSignatureCommands(program: Command, io: Output): void {
  storeOptions(program.command('export-signature'))
    .description(
      'write a CA-backed signature (an ActCertified event) as <id>.p7s and the act it signs as <id>.bin, for openssl cms -verify',
    )
    .argument('<event>', 'the id of the ActCertified event')
    .option('--out <dir>', 'the folder to write the two files to', '.')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the files and what they are as JSON')
    .action(async (event: string, o: StoreArgs & { out: string; force?: boolean; json?: boolean }) => {
      await withStore(
        o,
        async (s) => {
          const r = await exportActSignature(s.store, s.ledger, event);
          if (isLeft(r)) throw refused(r.left.code, r.left.message, '<event>', r.left.rule);
          ensureDir(o.out, '--out');
          const p7s = join(o.out, `${event}.p7s`);
          const bin = join(o.out, `${event}.bin`);
          refuseOverwrite(p7s, '--out', o.force === true);
          refuseOverwrite(bin, '--out', o.force === true);
          writeText(p7s, r.right.cms, '--out');
          writeText(bin, r.right.content, '--out');
          const check = `openssl cms -verify -binary -inform DER -in ${p7s} -content ${bin} -CAfile <roots.pem> -purpose any -out /dev/null`;
          io.out(
            o.json
              ? jsonText({
                  signature: p7s,
                  content: bin,
                  act: r.right.act,
                  actType: r.right.actType,
                  certificate: r.right.certificate,
                })
              : `wrote ${p7s} (the CMS) and ${bin} (${r.right.actType} ${r.right.act}, its content)\ncheck it: ${check}\n`,
          );
        },
        { readonly: true },
      );
    });
}
