/**
 * Writing a bundle (docs/design.md §7) from a store: the header, the events' stored bytes in
 * ledger order, the checkpoint lines; to a file (atomically) or a stream.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, hosoError, peekCheckpoint, toHex, type HosoError } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { formatBundleHeader, formatCheckpointLine, originOf } from './format.js';

/** Options for {@link exportBundle}. */
export interface ExportOptions {
  /**
   * Signed checkpoint notes to append, oldest first. The last one fixes the bundle's size: the
   * export holds exactly its first `size` events, so a ledger still being written exports a
   * consistent snapshot. Each must be of this ledger and match the store's root at its size.
   */
  readonly checkpoints: readonly string[];
}

/** What an export wrote. */
export interface ExportResult {
  /** Events written (the bundle's `size`). */
  readonly size: number;
  /** Bytes written. */
  readonly bytes: number;
  /** Hex RFC 9162 root at `size`. */
  readonly root: string;
}

/** Why an export was refused; nothing was written (a path target is left untouched). */
export type ExportError =
  | HosoError<'invalid-argument'>
  | HosoError<'checkpoint-invalid'>
  | HosoError<'checkpoint-mismatch'>
  | HosoError<'storage-failure'>;

const NEWLINE = Buffer.from('\n');

async function writeAll(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Write a ledger as a bundle (docs/design.md §7): line 1 the header, then one canonical event per line in
 * ledger order, then one `{"checkpoint": …}` line per checkpoint (the last of size N). Streams
 * from the store with backpressure, so memory stays bounded whatever the ledger's size.
 *
 * `out` is a writable stream (left open) or a file path (written to a temporary file beside it and
 * renamed into place only when complete, so a failed export never leaves a half bundle).
 */
export async function exportBundle(
  store: EventStore,
  ledger: string,
  out: Writable | string,
  options: ExportOptions,
): Promise<Either<ExportError, ExportResult>> {
  const given: unknown = options?.checkpoints;
  const notes: readonly unknown[] = Array.isArray(given) ? (given as unknown[]) : [];
  if (notes.length === 0)
    return left(
      hosoError(
        'invalid-argument',
        'checkpoints: at least one signed checkpoint is needed; the last fixes the bundle size',
        { path: ['checkpoints'], rule: 'docs/design.md §7' },
      ),
    );
  const origin = originOf(ledger);
  const storeSize = await store.size(ledger);
  const sizes: number[] = [];
  for (let i = 0; i < notes.length; i++) {
    const note: unknown = notes[i];
    const cp = typeof note === 'string' ? peekCheckpoint(note) : undefined;
    if (cp === undefined || cp._tag === 'Left')
      return left(
        hosoError('checkpoint-invalid', `checkpoints[${i}]: not a signed checkpoint note`, {
          path: ['checkpoints', i],
          rule: 'C2SP tlog-checkpoint',
        }),
      );
    const c = cp.right;
    if (c.origin !== origin)
      return left(
        hosoError('checkpoint-invalid', `checkpoints[${i}]: origin is "${c.origin}", expected "${origin}"`, {
          path: ['checkpoints', i],
          rule: 'docs/design.md §5',
        }),
      );
    if (c.size > storeSize)
      return left(
        hosoError('checkpoint-mismatch', `checkpoints[${i}]: size ${c.size} exceeds the ledger size ${storeSize}`, {
          path: ['checkpoints', i],
          rule: 'RFC 9162 §2.1',
        }),
      );
    const root = await store.root(ledger, c.size);
    if (!bytesEqual(root, c.root))
      return left(
        hosoError('checkpoint-mismatch', `checkpoints[${i}]: root differs from the ledger's root at size ${c.size}`, {
          path: ['checkpoints', i],
          rule: 'RFC 9162 §2.1',
        }),
      );
    sizes.push(c.size);
  }
  const size = sizes[sizes.length - 1]!;
  const tooBig = sizes.findIndex((s) => s > size);
  if (tooBig >= 0)
    return left(
      hosoError(
        'invalid-argument',
        `checkpoints[${tooBig}]: larger than the last checkpoint, which fixes the bundle size`,
        { path: ['checkpoints', tooBig], rule: 'docs/design.md §7' },
      ),
    );

  const target = typeof out === 'string' ? out : null;
  const tmp = target === null ? null : `${target}.${process.pid}.${Date.now()}.tmp`;
  const stream: Writable = tmp === null ? (out as Writable) : createWriteStream(tmp);
  let written = 0;
  const put = async (line: string): Promise<void> => {
    const text = line + '\n';
    written += Buffer.byteLength(text);
    await writeAll(stream, text);
  };
  try {
    await put(formatBundleHeader(origin, size));
    let expected = 0;
    for await (const batch of store.readBytes(ledger, { from: 0, to: size })) {
      const lines: Uint8Array[] = [];
      for (const ev of batch) {
        if (ev.position !== expected) throw new Error(`store returned position ${ev.position}, expected ${expected}`);
        expected++;
        // Stored bytes are canonical JSON: no raw newline can occur inside them, so one per line.
        lines.push(ev.bytes, NEWLINE);
        written += ev.bytes.length + 1;
      }
      if (!stream.write(Buffer.concat(lines))) await once(stream, 'drain');
    }
    if (expected !== size) throw new Error(`store returned ${expected} events, expected ${size}`);
    for (const note of notes) await put(formatCheckpointLine(note as string)); // each checked to be a note above
    if (tmp !== null && target !== null) {
      stream.end();
      await once(stream, 'finish');
      await rename(tmp, target);
    }
  } catch (e) {
    if (tmp !== null) {
      stream.destroy();
      await rm(tmp, { force: true });
    }
    return left(
      hosoError('storage-failure', `export failed: ${e instanceof Error ? e.message : String(e)}`, {
        rule: 'docs/design.md §7',
      }),
    );
  }
  return right({ size, bytes: written, root: toHex(await store.root(ledger, size)) });
}
