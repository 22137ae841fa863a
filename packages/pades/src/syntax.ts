/**
 * PDF objects as values, read from and written to bytes (ISO 32000-1 §7.2 lexical conventions,
 * §7.3 objects). Only what reading a PDF's structure and writing an incremental update need:
 * the eight basic types and indirect references; content streams are never interpreted.
 */

/** A name object (`/Type`), stored decoded (`#20` → space). */
export class PdfName {
  constructor(readonly name: string) {}
}

/** A string object: its bytes, and whether it was written in hexadecimal (`<…>`). */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex = false,
  ) {}
}

/** An indirect reference (`12 0 R`). */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

/** A dictionary, keys in the order read (a name without its slash). */
export type PdfDict = Map<string, PdfValue>;

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfValue[] | PdfDict;

/** A syntax error at a byte offset; the reader turns it into a typed error. */
export class PdfSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PdfSyntaxError';
  }
}

const WHITE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

export const isWhite = (b: number | undefined): boolean => b !== undefined && WHITE.has(b);
const isRegular = (b: number | undefined): boolean => b !== undefined && !WHITE.has(b) && !DELIM.has(b);

/** A cursor over a file's bytes. */
export class Scanner {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  /** Skip white space and comments (§7.2.3, §7.2.4). */
  skip(): void {
    const b = this.bytes;
    for (;;) {
      while (isWhite(b[this.pos])) this.pos++;
      if (b[this.pos] !== 0x25) return;
      while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
    }
  }

  /** The regular characters at the cursor (a keyword or number), without moving. */
  peekWord(): string {
    this.skip();
    let end = this.pos;
    while (isRegular(this.bytes[end])) end++;
    return latin1(this.bytes.subarray(this.pos, end));
  }

  word(): string {
    const w = this.peekWord();
    this.pos += w.length;
    return w;
  }

  expect(keyword: string): void {
    const at = this.pos;
    const w = this.word();
    if (w !== keyword) throw new PdfSyntaxError(`expected "${keyword}", found "${w.slice(0, 20)}"`, at);
  }

  /** Read one object; `R` after two integers makes a reference. */
  value(depth = 0): PdfValue {
    if (depth > 100) throw new PdfSyntaxError('objects nested more than 100 deep', this.pos);
    this.skip();
    const b = this.bytes;
    const c = b[this.pos];
    if (c === undefined) throw new PdfSyntaxError('unexpected end of file', this.pos);
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literal();
    if (c === 0x3c && b[this.pos + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x5b) {
      this.pos++;
      const out: PdfValue[] = [];
      for (;;) {
        this.skip();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return out;
        }
        out.push(this.value(depth + 1));
      }
    }
    const at = this.pos;
    const w = this.word();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w)) throw new PdfSyntaxError(`unexpected "${w.slice(0, 20)}"`, at);
    const n = Number(w);
    if (/^\d+$/.test(w)) {
      // Two unsigned integers followed by R are a reference (§7.3.10).
      const save = this.pos;
      const g = this.peekWord();
      if (/^\d+$/.test(g)) {
        this.pos += g.length;
        if (this.peekWord() === 'R') {
          this.pos++;
          return new PdfRef(n, Number(g));
        }
      }
      this.pos = save;
    }
    return n;
  }

  private dict(depth: number): PdfDict {
    this.pos += 2;
    const out: PdfDict = new Map();
    for (;;) {
      this.skip();
      if (this.bytes[this.pos] === 0x3e && this.bytes[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return out;
      }
      const at = this.pos;
      const k = this.value(depth + 1);
      if (!(k instanceof PdfName)) throw new PdfSyntaxError('a dictionary key must be a name', at);
      out.set(k.name, this.value(depth + 1));
    }
  }

  private name(): PdfName {
    this.pos++;
    let end = this.pos;
    while (isRegular(this.bytes[end])) end++;
    const raw = latin1(this.bytes.subarray(this.pos, end));
    this.pos = end;
    return new PdfName(raw.replace(/#([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
  }

  private hexString(): PdfString {
    const start = this.pos;
    const end = this.bytes.indexOf(0x3e, start);
    if (end < 0) throw new PdfSyntaxError('unterminated hexadecimal string', start);
    const hex = latin1(this.bytes.subarray(start + 1, end)).replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfSyntaxError('a hexadecimal string holds a non-hex digit', start);
    this.pos = end + 1;
    return new PdfString(hexBytes(hex.length % 2 ? hex + '0' : hex), true);
  }

  /** A literal string with its escapes (§7.3.4.2). */
  private literal(): PdfString {
    const b = this.bytes;
    const start = this.pos++;
    const out: number[] = [];
    let depth = 1;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === 0x5c) {
        const e = b[this.pos++];
        if (e === undefined) break;
        const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (simple[e] !== undefined) out.push(simple[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let i = 0; i < 2 && b[this.pos]! >= 0x30 && b[this.pos]! <= 0x37; i++) v = v * 8 + b[this.pos++]! - 0x30;
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
      } else if (c === 0x28) {
        depth++;
        out.push(c);
      } else if (c === 0x29) {
        if (--depth === 0) return new PdfString(Uint8Array.from(out));
        out.push(c);
      } else out.push(c);
    }
    throw new PdfSyntaxError('unterminated literal string', start);
  }
}

export function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** A text string for a dictionary (§7.9.2.2): UTF-16BE with its byte order mark, written in hex. */
export function textString(s: string): PdfString {
  const u = Buffer.from(s.normalize('NFC'), 'utf16le').swap16();
  return new PdfString(Uint8Array.from([0xfe, 0xff, ...u]), true);
}

/** Read a text string back (UTF-16BE with a BOM, UTF-8 with a BOM, else PDFDocEncoding's ASCII part). */
export function readText(s: PdfString): string {
  const b = s.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return Buffer.from(b.subarray(3)).toString('utf8');
  return latin1(b);
}

/** A number as PDF writes it: integers plainly, reals without exponent (§7.3.3). */
function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a PDF number: ${n}`);
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

const nameText = (n: string): string =>
  '/' +
  [...Buffer.from(n, 'latin1')]
    .map((c) =>
      c < 0x21 || c > 0x7e || c === 0x23 || WHITE.has(c) || DELIM.has(c)
        ? '#' + c.toString(16).padStart(2, '0')
        : String.fromCharCode(c),
    )
    .join('');

/** Write a value; strings in hexadecimal, so no escaping can go wrong. */
export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return num(v);
  if (v instanceof PdfName) return nameText(v.name);
  if (v instanceof PdfString) return '<' + Buffer.from(v.bytes).toString('hex') + '>';
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (Array.isArray(v)) return '[' + v.map(serialize).join(' ') + ']';
  return '<<' + [...v].map(([k, x]) => `${nameText(k)} ${serialize(x)}`).join(' ') + '>>';
}

/** A dictionary from entries (shorthand for the writers). */
export const dict = (entries: Record<string, PdfValue>): PdfDict => new Map(Object.entries(entries));

export const name = (n: string): PdfName => new PdfName(n);

export const isDict = (v: PdfValue | undefined): v is PdfDict => v instanceof Map;

/** Map every reference inside a value (for copying objects under new numbers). */
export function mapRefs(v: PdfValue, f: (r: PdfRef) => PdfRef): PdfValue {
  if (v instanceof PdfRef) return f(v);
  if (Array.isArray(v)) return v.map((x) => mapRefs(x, f));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, mapRefs(x, f)]));
  return v;
}
