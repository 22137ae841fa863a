/** A page's verification data (origin, size, root) read from a checkpoint note, for the footer and QR code. */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { parseCheckpointBody, peekCheckpoint, toHex } from '@hoso/core';
import { printError, type PrintError } from './errors.js';
import type { Verification } from './model.js';

/**
 * The verification data of a page from a checkpoint: a signed note (body, blank line, signature
 * lines) or its body alone (`<origin>\n<size>\n<base64 root>\n`), parsed by `@hoso/core`. The
 * signatures are not checked here — that is the verifier's job; the page prints what was signed.
 * `extra` adds the book's head event, its id and the printing time.
 */
export function verificationFromCheckpoint(
  note: string,
  extra: Pick<Verification, 'index' | 'leaf' | 'book' | 'printedAt'> = {},
): Either<PrintError, Verification> {
  if (typeof note !== 'string')
    return left(
      printError(
        'print-invalid-verification',
        'expected the checkpoint note text',
        ['checkpoint'],
        'C2SP tlog-checkpoint',
      ),
    );
  const parsed = note.includes('\n\n') ? peekCheckpoint(note) : parseCheckpointBody(note);
  if (parsed._tag === 'Left') {
    const e = parsed.left;
    return left(
      printError('print-invalid-verification', e.message, e.path ?? ['checkpoint'], e.rule ?? 'C2SP tlog-checkpoint'),
    );
  }
  const cp = parsed.right;
  if (/\s/.test(cp.origin))
    return left(
      printError(
        'print-invalid-verification',
        'origin must not contain white space',
        ['origin'],
        'docs/design.md §5 (origin hoso/<ledger id>)',
      ),
    );
  const v: { -readonly [K in keyof Verification]: Verification[K] } = {
    origin: cp.origin,
    size: cp.size,
    root: toHex(cp.root),
  };
  if (extra.index !== undefined) {
    if (!(Number.isSafeInteger(extra.index) && extra.index >= 0 && extra.index < v.size))
      return left(
        printError(
          'print-invalid-verification',
          'index must be a ledger position below the checkpoint size',
          ['index'],
          'RFC 9162 §2.1.3 (index < tree size)',
        ),
      );
    v.index = extra.index;
  }
  if (extra.leaf !== undefined) v.leaf = extra.leaf;
  if (extra.book !== undefined) v.book = extra.book;
  if (extra.printedAt !== undefined) v.printedAt = extra.printedAt;
  return right(v);
}
