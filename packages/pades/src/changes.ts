/**
 * What a revision changed after a signature (ISO 32000-1 §12.8.2.2.2 names the changes a later
 * signer may make without breaking an earlier signature's meaning): hoso accepts only those
 * that add signatures — a signature field and its widget added to a page's /Annots and to the
 * form's /Fields, the form's /SigFlags, new objects they reach. Anything else (a page's content,
 * another annotation, the document information) is a change after signing.
 */
import type { PdfFile } from './file.js';
import { isDict, PdfName, PdfRef, type PdfDict, type PdfValue } from './syntax.js';

/** One object a later revision changed in a way that is not adding a signature. */
export interface OtherChange {
  readonly revision: number;
  readonly object: number;
  /** The keys that changed, or `"*"` for the object as a whole. */
  readonly keys: readonly string[];
}

const same = (a: PdfValue | undefined, b: PdfValue | undefined): boolean => {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isDict(a)) return isDict(b) && a.size === b.size && [...a].every(([k, x]) => b.has(k) && same(x, b.get(k)));
  if (typeof a === 'object' && typeof b === 'object' && 'bytes' in a && 'bytes' in b)
    return Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
  return false;
};

/** Is `ref` (as of revision `rev`) a signature field's widget, or a signature field? */
function isSignatureField(file: PdfFile, ref: PdfValue, rev: number): boolean {
  const d = file.dictOf(ref, rev);
  if (!d) return false;
  let node: PdfDict | undefined = d;
  for (let i = 0; node && i < 16; i++) {
    const ft = node.get('FT');
    if (ft instanceof PdfName) return ft.name === 'Sig';
    node = file.dictOf(node.get('Parent'), rev);
  }
  return false;
}

/** `after` keeps every element of `before`, in order, then only signature fields. */
function onlyAddedSignatures(
  file: PdfFile,
  before: PdfValue | undefined,
  after: PdfValue | undefined,
  rev: number,
): boolean {
  const b = file.resolve(before, rev - 1) ?? [];
  const a = file.resolve(after, rev) ?? [];
  if (!Array.isArray(a) || !Array.isArray(b) || a.length < b.length) return false;
  return b.every((x, i) => same(x, a[i])) && a.slice(b.length).every((x) => isSignatureField(file, x, rev));
}

const typeOf = (d: PdfDict): string | undefined => {
  const t = d.get('Type');
  return t instanceof PdfName ? t.name : undefined;
};

/**
 * Keys a revision may change in each kind of object while only adding signatures (what they hold
 * is checked per revision).
 */
const MAY_CHANGE: Record<'catalog' | 'acroform' | 'page', ReadonlySet<string>> = {
  catalog: new Set(['AcroForm']),
  acroform: new Set(['Fields', 'SigFlags']),
  page: new Set(['Annots']),
};

function changedKeys(old: PdfDict, now: PdfDict, role: 'catalog' | 'acroform' | 'other'): string[] {
  const kind = role !== 'other' ? role : typeOf(now) === 'Page' && typeOf(old) === 'Page' ? 'page' : undefined;
  const keys = new Set([...old.keys(), ...now.keys()]);
  return [...keys].filter((k) => !same(old.get(k), now.get(k)) && !(kind && MAY_CHANGE[kind].has(k)));
}

const fieldsOf = (file: PdfFile, rev: number): PdfValue | undefined =>
  file.dictOf(file.catalog(rev).dict.get('AcroForm'), rev)?.get('Fields');

/** Every change revisions after `rev` made that is not adding a signature. */
export function changesAfter(file: PdfFile, rev: number): OtherChange[] {
  const out: OtherChange[] = [];
  for (const r of file.revisions.slice(rev)) {
    const prev = r.number - 1;
    const catalog = file.catalog(r.number);
    if (catalog.ref.num !== file.catalog(prev).ref.num)
      out.push({ revision: r.number, object: catalog.ref.num, keys: ['Root'] });
    const pages = file.pages(r.number);
    const before = file.pages(prev);
    if (!same(pages, before)) out.push({ revision: r.number, object: catalog.ref.num, keys: ['Pages'] });
    // What the form and each page hold: the earlier entries, then signature fields only.
    if (!onlyAddedSignatures(file, fieldsOf(file, prev), fieldsOf(file, r.number), r.number))
      out.push({ revision: r.number, object: catalog.ref.num, keys: ['AcroForm', 'Fields'] });
    for (const p of pages) {
      const a = file.dictOf(p, r.number)?.get('Annots');
      const b = file.locate(p.num, prev) ? file.dictOf(p, prev)?.get('Annots') : undefined;
      if (!onlyAddedSignatures(file, b, a, r.number)) out.push({ revision: r.number, object: p.num, keys: ['Annots'] });
    }
    const acro = catalog.dict.get('AcroForm');
    const acroNum = acro instanceof PdfRef ? acro.num : undefined;
    // The arrays of /Annots and /Fields when they are objects of their own: checked above.
    const arrays = new Set<number>();
    const fieldsRef = fieldsOf(file, r.number);
    if (fieldsRef instanceof PdfRef) arrays.add(fieldsRef.num);
    for (const p of pages) {
      const a = file.dictOf(p, r.number)?.get('Annots');
      if (a instanceof PdfRef) arrays.add(a.num);
    }
    for (const k of r.freed) if (file.locate(k, prev)) out.push({ revision: r.number, object: k, keys: ['*'] });
    for (const num of r.offsets.keys()) {
      // A new object matters only through what refers to it, which is checked.
      if (!file.locate(num, prev) || arrays.has(num)) continue;
      const o = file.object(num, prev);
      const n = file.object(num, r.number);
      if (o.stream || n.stream) {
        if (!(o.stream && n.stream && Buffer.from(o.stream).equals(Buffer.from(n.stream)) && same(o.value, n.value)))
          out.push({ revision: r.number, object: num, keys: ['*'] });
        continue;
      }
      if (same(o.value, n.value)) continue;
      if (!isDict(o.value) || !isDict(n.value)) {
        out.push({ revision: r.number, object: num, keys: ['*'] });
        continue;
      }
      const bad = changedKeys(
        o.value,
        n.value,
        num === catalog.ref.num ? 'catalog' : num === acroNum ? 'acroform' : 'other',
      );
      if (bad.length) out.push({ revision: r.number, object: num, keys: bad });
    }
  }
  return out;
}
