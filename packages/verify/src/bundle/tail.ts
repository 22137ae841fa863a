/**
 * The checkpoint lines at the end of a bundle file, read before the events: their witnesses'
 * cosignature times bound the events' signing times (`time-ahead`, docs/design.md §8) in the
 * one streaming pass. Only a file or a Blob can be read from its end; a one-shot stream cannot.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { looksLikeCheckpointLine, parseCheckpointLine } from './format.js';
import type { BlobSource } from './lines.js';

/** The notes of the checkpoint lines ending `buf` (from byte `start` of the file), and whether the first was whole. */
function notesAtEnd(buf: Uint8Array, start: number, maxNotes: number): { notes: string[]; complete: boolean } {
  const notes: string[] = [];
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 0x0a) end--;
  while (end > 0 && notes.length < maxNotes) {
    const nl = buf.lastIndexOf(0x0a, end - 1);
    if (nl < 0 && start > 0) return { notes: notes.reverse(), complete: false }; // the line starts before what was read
    const line = buf.subarray(nl + 1, end);
    if (!looksLikeCheckpointLine(line)) break;
    const note = parseCheckpointLine(line);
    if (note._tag === 'Right') notes.push(note.right);
    end = nl < 0 ? 0 : nl;
  }
  return { notes: notes.reverse(), complete: true };
}

/**
 * The notes of the checkpoint lines that end the file at `path` (at most `maxNotes`, reading at
 * most `maxBytes` from the end); [] when the file cannot be read or ends otherwise. Lines that do
 * not parse are left to the main pass, which reports them.
 */
export function trailingCheckpoints(path: string, maxNotes: number, maxBytes = 16 << 20): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    for (let want = 64 * 1024; ; want *= 4) {
      const start = Math.max(0, size - Math.min(want, maxBytes));
      const buf = new Uint8Array(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const r = notesAtEnd(buf, start, maxNotes);
      if (r.complete || start === 0 || want >= maxBytes) return r.notes;
    }
  } catch {
    return [];
  } finally {
    closeSync(fd);
  }
}

/** {@link trailingCheckpoints} of a {@link BlobSource} (a page's `File`). */
export async function trailingCheckpointsOfBlob(
  blob: BlobSource,
  maxNotes: number,
  maxBytes = 16 << 20,
): Promise<string[]> {
  try {
    for (let want = 64 * 1024; ; want *= 4) {
      const start = Math.max(0, blob.size - Math.min(want, maxBytes));
      const buf = new Uint8Array(await blob.slice(start, blob.size).arrayBuffer());
      const r = notesAtEnd(buf, start, maxNotes);
      if (r.complete || start === 0 || want >= maxBytes) return r.notes;
    }
  } catch {
    return [];
  }
}
