/**
 * The incremental-update writer (ISO 32000-1 §7.5.6): the original bytes are kept exactly and a
 * new revision is appended — the new and changed objects, a cross-reference section listing only
 * them (§7.5.4, 20-byte entries), and a trailer whose /Prev points at the previous section. An
 * earlier signature's byte range therefore still covers the same bytes.
 */
import type { PdfFile } from './file.js';
import { ascii, PdfString, serialize, type PdfValue } from './syntax.js';

/** An object of the new revision: a value, or text written as it is (for placeholders). */
export interface UpdateObject {
  readonly num: number;
  readonly value?: PdfValue;
  readonly raw?: string;
  /** Stream data, written as it is (already encoded; the value carries /Filter and /Length). */
  readonly stream?: Uint8Array;
}

/** The new file and where each new object starts in it. */
export interface Update {
  readonly bytes: Uint8Array;
  readonly offsets: ReadonlyMap<number, number>;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Append one revision holding `objects` (generation 0) to `file`. */
export function appendRevision(file: PdfFile, objects: ReadonlyArray<UpdateObject>): Update {
  const base = file.bytes;
  const parts: Uint8Array[] = [base];
  let at = base.length;
  const push = (b: Uint8Array): void => {
    parts.push(b);
    at += b.length;
  };
  // The previous revision may end right after %%EOF; the next object must start on a new line.
  if (base[base.length - 1] !== 0x0a && base[base.length - 1] !== 0x0d) push(ascii('\n'));
  const offsets = new Map<number, number>();
  for (const o of [...objects].sort((a, b) => a.num - b.num)) {
    offsets.set(o.num, at);
    const body = o.raw ?? serialize(o.value ?? null);
    push(ascii(`${o.num} 0 obj\n${body}\n`));
    if (o.stream) {
      push(ascii('stream\n'));
      push(o.stream);
      push(ascii('\nendstream\n'));
    }
    push(ascii('endobj\n'));
  }
  const xrefAt = at;
  const nums = [...offsets.keys()];
  let xref = 'xref\n';
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    xref += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) xref += `${pad(offsets.get(nums[k]!)!, 10)} 00000 n \n`;
    i = j + 1;
  }
  const prev = file.newest;
  const size = Math.max(file.size(), ...nums.map((n) => n + 1));
  const trailer = new Map<string, PdfValue>([['Size', size]]);
  for (const k of ['Root', 'Info', 'ID'] as const) {
    const v = prev.trailer.get(k);
    if (v !== undefined) trailer.set(k, v);
  }
  // §14.4: the first identifier stays, the second changes with each revision.
  const id = prev.trailer.get('ID');
  if (Array.isArray(id) && id[0] instanceof PdfString) trailer.set('ID', [id[0], changedId(id[0].bytes, xrefAt)]);
  trailer.set('Prev', prev.xrefOffset);
  push(ascii(`${xref}trailer\n${serialize(trailer)}\nstartxref\n${xrefAt}\n%%EOF\n`));
  const bytes = new Uint8Array(at);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, offsets };
}

/** A new second file identifier: the first's bytes mixed with the revision's offset (unique per revision). */
function changedId(first: Uint8Array, salt: number): PdfString {
  const out = Uint8Array.from(first.length ? first : new Uint8Array(16));
  for (let i = 0; i < out.length; i++) out[i] = out[i]! ^ ((salt >>> ((i % 4) * 8)) & 0xff) ^ (i * 31);
  return new PdfString(out, true);
}
