/**
 * The checkpoint lines at the end of a bundle file, read before the events: their witnesses'
 * cosignature times bound the events' signing times (`time-ahead`, docs/design.md §8) in the
 * one streaming pass. Only a file can be read from its end; a one-shot stream cannot.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { looksLikeCheckpointLine, parseCheckpointLine } from './format.js';

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
    let want = 64 * 1024;
    for (;;) {
      const start = Math.max(0, size - Math.min(want, maxBytes));
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const notes: string[] = [];
      let end = buf.length;
      if (end > 0 && buf[end - 1] === 0x0a) end--;
      let complete = true;
      while (end > 0 && notes.length < maxNotes) {
        const nl = buf.lastIndexOf(0x0a, end - 1);
        if (nl < 0 && start > 0) {
          complete = false; // the line starts before what was read
          break;
        }
        const line = buf.subarray(nl + 1, end);
        if (!looksLikeCheckpointLine(line)) return notes.reverse();
        const note = parseCheckpointLine(line);
        if (note._tag === 'Right') notes.push(note.right);
        end = nl < 0 ? 0 : nl;
      }
      if (complete || start === 0 || want >= maxBytes) return notes.reverse();
      want *= 4;
    }
  } catch {
    return [];
  } finally {
    closeSync(fd);
  }
}
