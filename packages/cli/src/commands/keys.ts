/** `hoso keys generate` and `hoso keys show`: key files, fingerprints, verifier keys. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { fromBase64Url, parseSignerKey, parseVerifierKey, SIG_TYPE_COSIGNATURE, toBase64Url, toHex } from '@hoso/core';
import { usage } from '../exit.js';
import { isFile, jsonText, readText, refuseOverwrite, writeText, type Output } from '../io.js';
import { fingerprintOf, generateKey, keyFromSeed, signerKeyText, verifierKeyText, writeSecretFile } from '../keys.js';

/** Register `hoso keys`. */
export function registerKeys(program: Command, io: Output): void {
  const keys = program.command('keys').description("generate keys; show a key's fingerprint and verifier key");
  keys
    .command('generate')
    .description(
      'generate an Ed25519 key: <name>.key (secret, mode 0600), <name>.vkey (verifier key) and <name>.pub (ledger public key)',
    )
    .requiredOption(
      '--name <name>',
      'key name: a person id for ledger keys, hoso/<ledger> for a seal, a host-like name for a witness',
    )
    .option('--out <dir>', 'folder to write the files into', '.')
    .option('--witness', 'write the verifier key as a witness cosigner key (C2SP tlog-cosignature, type 0x04)')
    .option('--force', 'overwrite existing files')
    .option('--json', 'print the result as JSON')
    .action((o: { name: string; out: string; witness?: boolean; force?: boolean; json?: boolean }) => {
      const k = generateKey(o.name);
      const base = join(o.out, o.name.replace(/[^A-Za-z0-9._-]+/g, '_'));
      for (const ext of ['.key', '.vkey', '.pub']) refuseOverwrite(base + ext, '--out', o.force === true);
      const vkey = verifierKeyText(k, o.witness === true);
      // The secret first: if its file cannot be made safely, nothing else is written.
      writeSecretFile(`${base}.key`, signerKeyText(k), '--out', o.force === true);
      writeText(`${base}.vkey`, vkey, '--out');
      writeText(`${base}.pub`, k.publicKey + '\n', '--out');
      const r = {
        name: k.name,
        publicKey: k.publicKey,
        fingerprint: k.fingerprint,
        vkey: vkey.trim(),
        files: { key: `${base}.key`, vkey: `${base}.vkey`, pub: `${base}.pub` },
      };
      io.out(
        o.json
          ? jsonText(r)
          : `name         ${r.name}\npublic key   ${r.publicKey}\nfingerprint  ${r.fingerprint}\nvkey         ${r.vkey}\nwrote        ${r.files.key} (secret), ${r.files.vkey}, ${r.files.pub}\n`,
      );
    });
  keys
    .command('show')
    .description(
      'show the name, public key, fingerprint and verifier keys of a key file (or of a vkey / public key given as text)',
    )
    .argument('<key>', 'a .key, .vkey or .pub file, or the key text')
    .option('--json', 'print the result as JSON')
    .action((arg: string, o: { json?: boolean }) => {
      const t = isFile(arg) ? readText(arg, '<key>').trim() : arg.trim();
      let r: Record<string, unknown>;
      if (t.startsWith('PRIVATE+KEY+')) {
        const p = parseSignerKey(t);
        if (p._tag === 'Left') throw usage('invalid-key', p.left.message, '<key>', 'C2SP signed-note');
        const k = keyFromSeed(p.right.name, p.right.seed);
        r = {
          kind: 'signer',
          name: k.name,
          publicKey: k.publicKey,
          fingerprint: k.fingerprint,
          vkey: verifierKeyText(k).trim(),
          witnessVkey: verifierKeyText(k, true).trim(),
        };
      } else if (/^[A-Za-z0-9_-]{43}$/.test(t)) {
        const raw = fromBase64Url(t);
        if (raw === undefined || raw.length !== 32)
          throw usage('invalid-key', 'not a base64url 32-byte public key', '<key>');
        r = { kind: 'public', publicKey: t, fingerprint: fingerprintOf(raw) };
      } else {
        const v = parseVerifierKey(t);
        if (v._tag === 'Left') throw usage('invalid-key', `not a key: ${v.left.message}`, '<key>', 'C2SP signed-note');
        const pub = toBase64Url(v.right.publicKey);
        r = {
          kind: v.right.type === SIG_TYPE_COSIGNATURE ? 'witness-vkey' : 'vkey',
          name: v.right.name,
          keyId: toHex(v.right.keyId),
          publicKey: pub,
          fingerprint: fingerprintOf(v.right.publicKey),
        };
      }
      io.out(
        o.json
          ? jsonText(r)
          : Object.entries(r)
              .map(([k, v]) => `${k.padEnd(12)} ${String(v)}`)
              .join('\n') + '\n',
      );
    });
}
