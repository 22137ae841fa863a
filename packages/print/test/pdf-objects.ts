import { inflateSync } from 'node:zlib';

/**
 * A minimal reader of the objects of a PDF as pdfkit writes them (a classic cross-reference
 * table, no object streams), for the archival (PDF/A) checks: each indirect object's dictionary
 * text and, for a stream, its decoded bytes. Independent of pdfkit: it reads the bytes only.
 */
export interface PdfObject {
  readonly id: number;
  /** The object's dictionary (or value) source text, up to `stream` or `endobj`. */
  readonly dict: string;
  /** The stream's bytes, inflated when `/FlateDecode`; undefined for objects without a stream. */
  readonly stream?: Buffer;
}

/** The PDF's header version, objects by id, and trailer dictionary text. */
export interface PdfObjects {
  readonly version: string;
  readonly objects: ReadonlyMap<number, PdfObject>;
  readonly trailer: string;
}

/** Split a PDF into its indirect objects. */
export function pdfObjects(bytes: Uint8Array): PdfObjects {
  const buf = Buffer.from(bytes);
  const text = buf.toString('latin1');
  const version = /^%PDF-(\d\.\d)/.exec(text)?.[1] ?? '';
  const objects = new Map<number, PdfObject>();
  const head = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = head.exec(text)) !== null) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const s = body.indexOf('stream');
    if (s < 0) {
      objects.set(Number(m[1]), { id: Number(m[1]), dict: body.trim() });
      continue;
    }
    const dict = body.slice(0, s).trim();
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? NaN);
    const dataStart = start + s + 'stream'.length + (text[start + s + 6] === '\r' ? 2 : 1);
    const raw = buf.subarray(dataStart, dataStart + length);
    objects.set(Number(m[1]), {
      id: Number(m[1]),
      dict,
      stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw,
    });
    head.lastIndex = end;
  }
  const trailer = text.slice(text.lastIndexOf('trailer'));
  return { version, objects, trailer };
}

/** The object a `/Key n 0 R` entry of `dict` refers to. */
export function ref(p: PdfObjects, dict: string, key: string): PdfObject | undefined {
  const m = new RegExp(`/${key}\\s+(\\d+) 0 R`).exec(dict);
  return m === null ? undefined : p.objects.get(Number(m[1]));
}

/** Every object whose dictionary has `/Type /<type>`. */
export function ofType(p: PdfObjects, type: string): PdfObject[] {
  const re = new RegExp(`/Type\\s*/${type}\\b`);
  return [...p.objects.values()].filter((o) => re.test(o.dict));
}
