/**
 * The book an act signs: the heads of every stream of a class's record books — its list
 * (`class/…`), the homeroom teacher's book (`homeroom/…`), every subject's markbook offered to its
 * grade (`markbook/…`) and its approvals (`approvals/…`) — sorted by stream name. A
 * `ClassConfirmed`, `ClassApproved` or `BookSealed` carrying them commits, through each head's
 * leaf hash, to every entry of those books, so a signature over the act signs them all
 * (docs/legal.md#what-a-ca-signature-signs).
 */
import type { BookHead } from './events.js';
import { PENDING_PREV } from './chain.js';
import { listValues } from './lists.js';
import type { LedgerState } from './state.js';
import { approvalsStream, classStream, homeroomStream, markbookStream } from './streams.js';

/** The streams of a class's books for `year` that exist in `s`, sorted (empty for a class not open). */
export function bookStreams(s: LedgerState, year: string, cls: string): string[] {
  const grade = s.classes.get(`${year}/${cls}`);
  if (grade === undefined) return [];
  const names = [classStream(year, cls), homeroomStream(year, cls), approvalsStream(year, cls)];
  for (const subject of listValues(s.curriculum, `${year}/${grade}`)) names.push(markbookStream(year, cls, subject));
  return names.filter((n) => s.heads.has(n)).sort();
}

/**
 * The heads of the class's book streams in `s`, or null when one of them is an event of the same
 * command not signed yet (its hash is not known: the act then goes without `book`).
 */
export function bookHeads(s: LedgerState, year: string, cls: string): BookHead[] | null {
  const out: BookHead[] = [];
  for (const stream of bookStreams(s, year, cls)) {
    const h = s.heads.get(stream)!;
    if (h.leafHash === PENDING_PREV) return null;
    out.push({ stream, rev: h.rev, hash: h.leafHash });
  }
  return out;
}
