/**
 * Trust anchors from the command line (`--trust K`, repeatable): each K is a file or the text
 * itself, and is sorted by its form — a base64url 32-byte key is the school's root key, a type 0x01
 * vkey a seal key (it signs checkpoints), a type 0x04 vkey a witness (it cosigns them), and a
 * file of X.509 root certificates (PEM `CERTIFICATE` blocks, or one DER certificate) the trust list
 * of CA-backed signatures (docs/legal.md). A key file holding a signer key is refused: an inspector
 * never needs a secret.
 */
import { readFileSync } from 'node:fs';
import { fromBase64Url, parseVerifierKey, SIG_TYPE_COSIGNATURE } from '@hoso/core';
import { keyText, type TrustAnchors } from '@hoso/verify';
import { usage } from './exit.js';
import { isFile, readText } from './io.js';

/** Sort `--trust`, `--root`, `--seal` and `--witness` values into trust anchors. */
export function trustAnchors(o: {
  readonly trust?: readonly string[];
  readonly root?: readonly string[];
  readonly seal?: readonly string[];
  readonly witness?: readonly string[];
}): TrustAnchors {
  const rootKeys: string[] = [];
  const sealKeys: string[] = [];
  const witnessKeys: string[] = [];
  const certificates: Uint8Array[] = [];
  const text = (v: string, arg: string): string => keyText(isFile(v) ? readText(v, arg) : v);
  for (const v of o.trust ?? []) {
    const cert = certificateFile(v);
    if (cert !== undefined) {
      certificates.push(cert);
      continue;
    }
    const t = text(v, '--trust');
    if (t.startsWith('PRIVATE+KEY+'))
      throw usage('secret-key', `${v} is a signer (secret) key; pass its .vkey or public key instead`, '--trust');
    const raw = fromBase64Url(t);
    if (raw !== undefined && raw.length === 32 && /^[A-Za-z0-9_-]{43}$/.test(t)) {
      rootKeys.push(t);
      continue;
    }
    const vk = parseVerifierKey(t);
    if (vk._tag === 'Left' && !isFile(v) && /[\\/]|\.(vkey|pub|key)$/.test(v)) {
      throw usage('unreadable-file', `cannot read ${v}: no such file`, '--trust');
    }
    if (vk._tag === 'Left')
      throw usage(
        'invalid-trust',
        `${v} is neither a root key (base64url, 32 bytes) nor a verifier key: ${vk.left.message}`,
        '--trust',
        'docs/design.md §5',
      );
    (vk.right.type === SIG_TYPE_COSIGNATURE ? witnessKeys : sealKeys).push(t);
  }
  for (const v of o.root ?? []) rootKeys.push(text(v, '--root'));
  for (const v of o.seal ?? []) sealKeys.push(text(v, '--seal'));
  for (const v of o.witness ?? []) witnessKeys.push(text(v, '--witness'));
  return { rootKeys, sealKeys, witnessKeys, ...(certificates.length === 0 ? {} : { certificates }) };
}

/** The bytes of a certificate file — PEM with a CERTIFICATE block, or DER (a SEQUENCE) — else undefined. */
function certificateFile(v: string): Uint8Array | undefined {
  if (!isFile(v)) return undefined;
  let b: Uint8Array;
  try {
    b = readFileSync(v);
  } catch {
    return undefined; // readText reports it
  }
  if (b[0] === 0x30 && b[1] !== undefined && b[1] >= 0x80) return b;
  return new TextDecoder().decode(b.subarray(0, 4096)).includes('-----BEGIN CERTIFICATE-----') ? b : undefined;
}
