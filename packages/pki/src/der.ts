/**
 * A minimal DER reader and writer (ITU-T X.690 §8, §10) for the few places where this package
 * needs exact bytes that a schema parser does not keep: the issuer and subject as encoded, the
 * SignedData's `crls` field, the signed attributes as a SET to sign, a certificate's key bits.
 * Everything else goes through @peculiar/asn1-schema. Tags are single-byte (numbers < 31), which is
 * all that X.509, CMS and TSP use; indefinite lengths are refused (DER has none).
 */
import { compareBytes } from './bytes.js';

/** One TLV: where it starts, where its contents start and where it ends, in the buffer given. */
export interface Tlv {
  /** The identifier octet: class bits, constructed bit, tag number. */
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** The TLV at `offset`, or `undefined` when the bytes there are not one. */
export function readTlv(b: Uint8Array, offset = 0, limit = b.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = b[offset]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = b[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    // DER: the shortest form (X.690 §10.1).
    if (len < 0x80 || (n > 1 && b[p] === 0)) return undefined;
    p += n;
  }
  if (p + len > limit) return undefined;
  return { tag, start: offset, contentStart: p, end: p + len };
}

/** The TLVs directly inside a constructed TLV; `undefined` when they do not fill it exactly. */
export function childrenOf(b: Uint8Array, t: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  let p = t.contentStart;
  while (p < t.end) {
    const c = readTlv(b, p, t.end);
    if (c === undefined) return undefined;
    out.push(c);
    p = c.end;
  }
  return out;
}

/** The whole bytes of a TLV (header and contents). */
export function tlvBytes(b: Uint8Array, t: Tlv): Uint8Array {
  return b.subarray(t.start, t.end);
}

/** The contents of a TLV. */
export function tlvContent(b: Uint8Array, t: Tlv): Uint8Array {
  return b.subarray(t.contentStart, t.end);
}

/** The single TLV filling `b` exactly, or `undefined` (trailing bytes are an error in every format here). */
export function readOnly(b: Uint8Array): Tlv | undefined {
  const t = readTlv(b, 0);
  return t !== undefined && t.end === b.length ? t : undefined;
}

// ---- writer ----

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

/** A TLV with the given identifier octet and contents. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of content) n += c.length;
  const head = [tag, ...lengthBytes(n)];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  let o = head.length;
  for (const c of content) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag `[n]`, constructed (EXPLICIT, or IMPLICIT of a constructed type) or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

export function derSequence(...items: readonly Uint8Array[]): Uint8Array {
  return tlv(TAG.SEQUENCE, ...items);
}

export function derOctetString(b: Uint8Array): Uint8Array {
  return tlv(TAG.OCTET_STRING, b);
}

/**
 * A non-negative INTEGER from its big-endian magnitude (leading zeros trimmed, a 0x00 added when
 * the top bit is set).
 */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return m.length > 0 && m[0]! & 0x80 ? tlv(TAG.INTEGER, new Uint8Array([0]), m) : tlv(TAG.INTEGER, m);
}

/** An INTEGER from a serial number as this package writes it (hex of the magnitude, any length). */
export function derSerial(hex: string): Uint8Array {
  const h = hex.length % 2 ? `0${hex}` : hex;
  const m = new Uint8Array(h.length / 2);
  for (let i = 0; i < m.length; i++) m[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return derUnsignedInteger(m);
}

/** An OBJECT IDENTIFIER from its dotted text (X.690 §8.19). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => BigInt(s));
  const first = arcs[0]! * 40n + arcs[1]!;
  const bytes: number[] = [];
  for (const arc of [first, ...arcs.slice(2)]) {
    const group: number[] = [];
    let v = arc;
    do {
      group.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let k = 0; k < group.length - 1; k++) group[k]! |= 0x80;
    bytes.push(...group);
  }
  return tlv(TAG.OID, new Uint8Array(bytes));
}

/** The dotted text of an OBJECT IDENTIFIER's contents; `undefined` when malformed. */
export function oidText(content: Uint8Array): string | undefined {
  if (content.length === 0 || content[content.length - 1]! & 0x80) return undefined;
  const arcs: bigint[] = [];
  let v = 0n;
  for (const x of content) {
    v = (v << 7n) | BigInt(x & 0x7f);
    if (!(x & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** DER SET OF: the members sorted by their encodings (X.690 §11.6). */
export function derSetOf(members: readonly Uint8Array[], tag: number = TAG.SET): Uint8Array {
  return tlv(tag, ...[...members].sort(compareBytes));
}

/** UTCTime for years 1950–2049, GeneralizedTime after (RFC 5280 §4.1.2.5), to whole seconds. */
export function derTime(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y >= 1950 && y < 2050
    ? tlv(0x17, new TextEncoder().encode(`${p(y % 100)}${rest}`))
    : tlv(0x18, new TextEncoder().encode(`${p(y, 4)}${rest}`));
}

/** GeneralizedTime with milliseconds when there are any, trailing zeros dropped (X.690 §11.7). */
export function derGeneralizedTime(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let s = `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  if (ms) s += `.${p(ms, 3).replace(/0+$/, '')}`;
  return tlv(0x18, new TextEncoder().encode(`${s}Z`));
}

/** BOOLEAN TRUE (DER writes 0xff). */
export const DER_TRUE = new Uint8Array([0x01, 0x01, 0xff]);

/** A BIT STRING of named bits (bit 0 first), with trailing zero bits removed as DER requires (X.690 §11.2.2). */
export function derNamedBits(bits: readonly number[]): Uint8Array {
  const max = bits.length ? Math.max(...bits) : -1;
  const bytes = new Uint8Array(max < 0 ? 0 : (max >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = max < 0 ? 0 : 7 - (max & 7);
  return tlv(TAG.BIT_STRING, new Uint8Array([unused]), bytes);
}

/** A UTCTime or GeneralizedTime TLV as a Date (Z form only, as DER requires); `undefined` otherwise. */
export function readDerTime(b: Uint8Array, t: Tlv): Date | undefined {
  const s = new TextDecoder().decode(b.subarray(t.contentStart, t.end));
  const m =
    t.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : t.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(s)
        : null;
  if (!m) return undefined;
  let y = Number(m[1]);
  if (t.tag === 0x17) y += y < 50 ? 2000 : 1900;
  const ms = m[7] ? Math.round(Number(`0${m[7]}`) * 1000) : 0;
  const d = new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  return Number.isNaN(d.getTime()) ? undefined : d;
}
