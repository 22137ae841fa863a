import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import type { Verification } from './model.js';

const RULE = 'C2SP tlog-checkpoint (DESIGN §5)';

/**
 * The verification data of a page from a checkpoint note (`<origin>\n<size>\n<base64 root>\n`,
 * optionally followed by extension lines, a blank line and signature lines). Only the body is
 * read: checking the signatures is the verifier's job, and the page prints what was signed.
 * `extra` adds the book's head event, its id and the printing time.
 */
export function verificationFromCheckpoint(
  note: string,
  extra: Pick<Verification, 'index' | 'leaf' | 'book' | 'printedAt'> = {},
): Either<PrintError, Verification> {
  const bad = (message: string, path: string): Either<PrintError, Verification> => left(printError('print-invalid-verification', message, [path], RULE));
  if (typeof note !== 'string') return bad('expected the checkpoint note text', 'checkpoint');
  const lines = note.split('\n');
  const [origin, sizeS, rootB64] = lines;
  if (origin === undefined || origin === '' || /\s/.test(origin)) return bad('the first line must be the origin', 'origin');
  if (sizeS === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(sizeS) || !Number.isSafeInteger(Number(sizeS))) return bad('the second line must be the tree size', 'size');
  if (rootB64 === undefined || !/^[A-Za-z0-9+/]{43}=$/.test(rootB64)) return bad('the third line must be the base64 SHA-256 root', 'root');
  const root = Buffer.from(rootB64, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootB64) return bad('the root is not canonical base64 of 32 bytes', 'root');
  if (lines.length < 4) return bad('the body must end with a newline', 'checkpoint');
  const v: { -readonly [K in keyof Verification]: Verification[K] } = { origin, size: Number(sizeS), root: root.toString('hex') };
  if (extra.index !== undefined) {
    if (!(Number.isSafeInteger(extra.index) && extra.index >= 0 && extra.index < v.size)) return bad('index must be a ledger position below the checkpoint size', 'index');
    v.index = extra.index;
  }
  if (extra.leaf !== undefined) v.leaf = extra.leaf;
  if (extra.book !== undefined) v.book = extra.book;
  if (extra.printedAt !== undefined) v.printedAt = extra.printedAt;
  return right(v);
}
