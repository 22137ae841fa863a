/**
 * Byte helpers that run the same in Node and in a browser (no `Buffer`): hex, base64, PEM
 * (RFC 7468), comparison, and the WebCrypto digests this package uses.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { pkiError, type PkiError } from './errors.js';

const HEX = '0123456789abcdef';

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += HEX[x >> 4]! + HEX[x & 15]!;
  return s;
}

/** Bytes of an even-length hex string (either case); `undefined` when it is not hex. */
export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    s += i + 1 < b.length ? B64[(n >> 6) & 63]! : '=';
    s += i + 2 < b.length ? B64[n & 63]! : '=';
  }
  return s;
}

/** Strict standard base64 (padding required, no white space); `undefined` when malformed. */
export function fromBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const n =
      (B64_INDEX.get(s[i]!)! << 18) |
      (B64_INDEX.get(s[i + 1]!)! << 12) |
      ((B64_INDEX.get(s[i + 2]!) ?? 0) << 6) |
      (B64_INDEX.get(s[i + 3]!) ?? 0);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  // Non-canonical trailing bits would let two texts mean the same bytes.
  return toBase64(out) === s ? out : undefined;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of byte strings, as DER sorts the members of a SET OF (X.690 §11.6). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A copy in a fresh ArrayBuffer of exactly its length (what WebCrypto and asn1js want). */
export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** One PEM block (RFC 7468): its label and its bytes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block of a text, in order (RFC 7468 §2: explanatory text between blocks is allowed,
 * headers inside a block are not). Fails on a block whose base64 is malformed or whose END label
 * differs from its BEGIN.
 */
export function decodePem(text: string): Either<PkiError, PemBlock[]> {
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] !== m[3])
      return left(
        pkiError(
          'malformed-pem',
          `PEM block "${m[1]}" ends with "${m[3]}"`,
          `Khối PEM "${m[1]}" kết thúc bằng "${m[3]}"`,
          {
            path: ['pem', blocks.length],
            rule: 'RFC 7468 §2',
          },
        ),
      );
    const der = fromBase64(m[2]!.replace(/\s+/g, ''));
    if (der === undefined || der.length === 0)
      return left(
        pkiError(
          'malformed-pem',
          `PEM block "${m[1]}" is not valid base64`,
          `Khối PEM "${m[1]}" không phải base64 hợp lệ`,
          {
            path: ['pem', blocks.length],
            rule: 'RFC 7468 §2',
          },
        ),
      );
    blocks.push({ label: m[1]!, der });
  }
  return right(blocks);
}

/** A PEM block with 64-character lines (RFC 7468 §2). */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** True when the bytes look like PEM text rather than DER (DER starts with a SEQUENCE tag, 0x30). */
export function looksLikePem(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  return b[i] === 0x2d; // '-'
}

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** WebCrypto digest (`globalThis.crypto.subtle`, in Node 20 and every current browser). */
export async function digest(hash: HashName | 'SHA-1', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(hash, toArrayBuffer(data)));
}
