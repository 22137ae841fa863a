/**
 * A PDF file's structure as revisions (ISO 32000-1 §7.5.6 incremental updates): each revision is
 * one cross-reference section with its trailer, the newest last, and an object is looked up as
 * of a revision by searching that revision's section, then the earlier ones (§7.5.4, §7.5.5).
 *
 * Only cross-reference tables are read. hoso's renderer and this package's writer never produce
 * cross-reference streams (§7.5.8); a file that uses them is refused with a typed error rather
 * than half-read.
 */
import { isDict, latin1, PdfName, PdfRef, PdfSyntaxError, Scanner, type PdfDict, type PdfValue } from './syntax.js';

/** One revision: where its cross-reference section starts and where the revision ends. */
export interface Revision {
  /** 1-based, the original file's revision first. */
  readonly number: number;
  /** Byte offset of its `xref` keyword (the `startxref` value). */
  readonly xrefOffset: number;
  /** Byte offset just past its `%%EOF` marker and the end-of-line after it, if any. */
  readonly end: number;
  /** Byte offset just past `%%EOF` itself. */
  readonly eofEnd: number;
  readonly trailer: PdfDict;
  /** The objects its section lists as in use: number → byte offset (generation 0 and others). */
  readonly offsets: ReadonlyMap<number, { readonly offset: number; readonly gen: number }>;
  /** The object numbers its section marks free. */
  readonly freed: ReadonlySet<number>;
}

/** An indirect object as read: its value, the stream's raw bytes (still encoded) if any. */
export interface PdfObject {
  readonly num: number;
  readonly gen: number;
  readonly value: PdfValue;
  readonly stream?: Uint8Array;
  /** Byte offset of the object in the file. */
  readonly offset: number;
}

/** The structure could not be read; `offset` where it went wrong, when known. */
export class PdfStructureError extends Error {
  constructor(
    readonly reason: 'syntax' | 'xref-stream' | 'missing-object',
    message: string,
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'PdfStructureError';
  }
}

const EOF = '%%EOF';

/** Read every revision of a PDF, oldest first. Throws {@link PdfStructureError}. */
export function readRevisions(bytes: Uint8Array): Revision[] {
  const text = latin1(bytes);
  const tail = text.lastIndexOf('startxref');
  if (tail < 0) throw new PdfStructureError('syntax', 'no startxref: not a complete PDF file');
  const s = new Scanner(bytes, tail + 'startxref'.length);
  let offset = Number(s.word());
  const seen = new Set<number>();
  const newestFirst: Revision[] = [];
  while (Number.isInteger(offset)) {
    if (seen.has(offset) || seen.size > 10_000)
      throw new PdfStructureError('syntax', 'the cross-reference sections form a loop', offset);
    seen.add(offset);
    const r = readSection(bytes, text, offset);
    newestFirst.push(r);
    const prev = r.trailer.get('Prev');
    offset = typeof prev === 'number' ? prev : NaN;
  }
  return newestFirst.reverse().map((r, i) => ({ ...r, number: i + 1 }));
}

function readSection(bytes: Uint8Array, text: string, offset: number): Revision {
  const s = new Scanner(bytes, offset);
  try {
    if (s.peekWord() !== 'xref') {
      const w = s.peekWord();
      if (/^\d+$/.test(w))
        throw new PdfStructureError(
          'xref-stream',
          'the file uses a cross-reference stream (ISO 32000-1 §7.5.8), which this reader does not read',
          offset,
        );
      throw new PdfStructureError('syntax', `no cross-reference table at byte ${offset}`, offset);
    }
    s.expect('xref');
    const offsets = new Map<number, { offset: number; gen: number }>();
    const freed = new Set<number>();
    while (s.peekWord() !== 'trailer') {
      const first = Number(s.word());
      const count = Number(s.word());
      if (!Number.isInteger(first) || !Number.isInteger(count))
        throw new PdfStructureError('syntax', 'a cross-reference subsection header is not two integers', s.pos);
      for (let i = 0; i < count; i++) {
        const at = Number(s.word());
        const gen = Number(s.word());
        const kind = s.word();
        if (kind === 'n') offsets.set(first + i, { offset: at, gen });
        else if (kind === 'f') freed.add(first + i);
        else throw new PdfStructureError('syntax', 'a cross-reference entry is neither n nor f', s.pos);
      }
    }
    s.expect('trailer');
    const trailer = s.value();
    if (!isDict(trailer)) throw new PdfStructureError('syntax', 'the trailer is not a dictionary', s.pos);
    const eof = text.indexOf(EOF, s.pos);
    const eofEnd = eof < 0 ? bytes.length : eof + EOF.length;
    let end = eofEnd;
    if (bytes[end] === 0x0d) end++;
    if (bytes[end] === 0x0a) end++;
    return { number: 0, xrefOffset: offset, end, eofEnd, trailer, offsets, freed };
  } catch (e) {
    if (e instanceof PdfSyntaxError) throw new PdfStructureError('syntax', e.message, e.offset);
    throw e;
  }
}

/** A PDF read for its objects, as of its newest revision unless told. */
export class PdfFile {
  readonly revisions: Revision[];
  private readonly cache = new Map<string, PdfObject>();

  constructor(readonly bytes: Uint8Array) {
    this.revisions = readRevisions(bytes);
  }

  get newest(): Revision {
    return this.revisions[this.revisions.length - 1]!;
  }

  /** Where object `num` is as of revision `rev` (1-based; the newest unless told). */
  locate(num: number, rev = this.revisions.length): { offset: number; gen: number; revision: number } | undefined {
    for (let i = rev - 1; i >= 0; i--) {
      const r = this.revisions[i]!;
      const at = r.offsets.get(num);
      if (at) return { ...at, revision: r.number };
      if (r.freed.has(num)) return undefined;
    }
    return undefined;
  }

  /** The object `num` as of revision `rev`; throws {@link PdfStructureError} when it is not there. */
  object(num: number, rev = this.revisions.length): PdfObject {
    const at = this.locate(num, rev);
    if (!at) throw new PdfStructureError('missing-object', `object ${num} is not in the file`);
    return this.objectAt(num, at.offset);
  }

  /** The object written at a byte offset (any revision). */
  objectAt(num: number, offset: number): PdfObject {
    const key = `${num}@${offset}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const s = new Scanner(this.bytes, offset);
    try {
      const n = Number(s.word());
      const gen = Number(s.word());
      s.expect('obj');
      if (n !== num) throw new PdfStructureError('syntax', `byte ${offset} holds object ${n}, not ${num}`, offset);
      const value = s.value();
      let stream: Uint8Array | undefined;
      if (isDict(value) && s.peekWord() === 'stream') {
        s.pos += 'stream'.length;
        if (this.bytes[s.pos] === 0x0d) s.pos++;
        if (this.bytes[s.pos] === 0x0a) s.pos++;
        const len = this.resolve(value.get('Length'));
        if (typeof len !== 'number' || len < 0 || s.pos + len > this.bytes.length)
          throw new PdfStructureError('syntax', `object ${num}'s stream has no usable /Length`, offset);
        stream = this.bytes.subarray(s.pos, s.pos + len);
      }
      const o: PdfObject = { num, gen, value, offset, ...(stream ? { stream } : {}) };
      this.cache.set(key, o);
      return o;
    } catch (e) {
      if (e instanceof PdfSyntaxError) throw new PdfStructureError('syntax', e.message, e.offset);
      throw e;
    }
  }

  /** A reference's value (as of revision `rev`); other values as they are. */
  resolve(v: PdfValue | undefined, rev?: number): PdfValue | undefined {
    let x = v;
    for (let i = 0; x instanceof PdfRef && i < 32; i++) x = this.object(x.num, rev).value;
    return x;
  }

  dictOf(v: PdfValue | undefined, rev?: number): PdfDict | undefined {
    const d = this.resolve(v, rev);
    return isDict(d) ? d : undefined;
  }

  /** The document catalog as of a revision. */
  catalog(rev = this.revisions.length): { ref: PdfRef; dict: PdfDict } {
    const root = this.revisions[rev - 1]!.trailer.get('Root');
    const d = this.dictOf(root, rev);
    if (!(root instanceof PdfRef) || !d) throw new PdfStructureError('syntax', 'the trailer has no /Root catalog');
    return { ref: root, dict: d };
  }

  /** The page objects in order (the page tree's leaves, §7.7.3). */
  pages(rev = this.revisions.length): PdfRef[] {
    const out: PdfRef[] = [];
    const seen = new Set<number>();
    const walk = (ref: PdfValue | undefined): void => {
      if (!(ref instanceof PdfRef) || seen.has(ref.num)) return;
      seen.add(ref.num);
      const node = this.dictOf(ref, rev);
      if (!node) return;
      const type = node.get('Type');
      const kids = this.resolve(node.get('Kids'), rev);
      if (type instanceof PdfName && type.name === 'Pages' && Array.isArray(kids)) kids.forEach(walk);
      else out.push(ref);
    };
    walk(this.catalog(rev).dict.get('Pages'));
    return out;
  }

  /** The highest object number in use plus one (the trailer's /Size, or more if the file lies). */
  size(): number {
    let n = 0;
    for (const r of this.revisions) {
      const s = r.trailer.get('Size');
      if (typeof s === 'number') n = Math.max(n, s);
      for (const k of r.offsets.keys()) n = Math.max(n, k + 1);
    }
    return n;
  }
}
