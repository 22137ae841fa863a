/**
 * The bundle's own lines (docs/design.md §7): the header and the checkpoint lines, written and
 * read back in exactly their canonical form — a byte-order mark, a carriage return or a space
 * makes a line invalid.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, utf8, type HosoError } from '@hoso/core';

/** The bundle format tag of docs/design.md §7. */
export const BUNDLE_FORMAT = 'bundle/v1';

/** The prefix every ledger origin carries (docs/design.md §5). */
export const ORIGIN_PREFIX = 'hoso/';

/** Line 1 of a bundle: `{"hoso":"bundle/v1","origin":"hoso/<ledger>","size":N}`. */
export interface BundleHeader {
  readonly hoso: typeof BUNDLE_FORMAT;
  readonly origin: string;
  readonly size: number;
}

/** The checkpoint origin of a ledger: `hoso/<ledger id>`. */
export function originOf(ledger: string): string {
  return ORIGIN_PREFIX + ledger;
}

/** The ledger id named by an origin, or undefined when it is not a hoso origin. */
export function ledgerOfOrigin(origin: string): string | undefined {
  return origin.startsWith(ORIGIN_PREFIX) && origin.length > ORIGIN_PREFIX.length
    ? origin.slice(ORIGIN_PREFIX.length)
    : undefined;
}

/** Canonical text of a header line (RFC 8785: its keys are already in sorted order). */
export function formatBundleHeader(origin: string, size: number): string {
  return JSON.stringify({ hoso: BUNDLE_FORMAT, origin, size });
}

/** Canonical text of a checkpoint line: `{"checkpoint":"<note>"}`. */
export function formatCheckpointLine(note: string): string {
  return JSON.stringify({ checkpoint: note });
}

/** Bytes of the first line that mark a checkpoint line (`{"checkpoint":`). */
export const CHECKPOINT_LINE_PREFIX = utf8('{"checkpoint":');

/** True when a line starts like a checkpoint line (cheap test before parsing). */
export function looksLikeCheckpointLine(bytes: Uint8Array): boolean {
  if (bytes.length < CHECKPOINT_LINE_PREFIX.length) return false;
  for (let i = 0; i < CHECKPOINT_LINE_PREFIX.length; i++) if (bytes[i] !== CHECKPOINT_LINE_PREFIX[i]) return false;
  return true;
}

/** Strict UTF-8 that keeps a byte-order mark as a character (the default decoder drops it silently). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fromUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJsonLine(bytes: Uint8Array, what: string): Either<HosoError<'invalid-line'>, unknown> {
  const text = fromUtf8(bytes);
  if (text === undefined)
    return left(hosoError('invalid-line', `${what}: not valid UTF-8`, { rule: 'docs/design.md §7' }));
  if (text.charCodeAt(0) === 0xfeff)
    return left(
      hosoError('invalid-line', `${what}: starts with a byte-order mark; every line is canonical JSON`, {
        rule: 'docs/design.md §7',
      }),
    );
  try {
    return right(JSON.parse(text) as unknown);
  } catch {
    return left(hosoError('invalid-line', `${what}: not valid JSON`, { rule: 'docs/design.md §7' }));
  }
}

/** Parse and check line 1 of a bundle: exact keys, format tag, hoso origin, size, canonical form. */
export function parseBundleHeader(bytes: Uint8Array): Either<HosoError<'invalid-line'>, BundleHeader> {
  const j = parseJsonLine(bytes, 'header');
  if (j._tag === 'Left') return j;
  const v = j.right;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return left(hosoError('invalid-line', 'header: must be a JSON object', { rule: 'docs/design.md §7' }));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  if (keys.join(',') !== 'hoso,origin,size')
    return left(
      hosoError('invalid-line', 'header: must have exactly the fields hoso, origin and size', {
        rule: 'docs/design.md §7',
        details: { keys },
      }),
    );
  if (o.hoso !== BUNDLE_FORMAT)
    return left(
      hosoError('invalid-line', `header: hoso must be "${BUNDLE_FORMAT}"`, {
        path: ['hoso'],
        rule: 'docs/design.md §7',
      }),
    );
  if (typeof o.origin !== 'string' || ledgerOfOrigin(o.origin) === undefined)
    return left(
      hosoError('invalid-line', 'header: origin must be "hoso/<ledger id>"', {
        path: ['origin'],
        rule: 'docs/design.md §5',
      }),
    );
  if (typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0)
    return left(
      hosoError('invalid-line', 'header: size must be an integer ≥ 0', { path: ['size'], rule: 'docs/design.md §7' }),
    );
  const canonical = formatBundleHeader(o.origin, o.size);
  if (fromUtf8(bytes) !== canonical)
    return left(hosoError('invalid-line', 'header: not in canonical form (RFC 8785)', { rule: 'RFC 8785 §3' }));
  return right({ hoso: BUNDLE_FORMAT, origin: o.origin, size: o.size });
}

/** Parse a checkpoint line `{"checkpoint":"<note>"}` (exactly that key, canonical form). */
export function parseCheckpointLine(bytes: Uint8Array): Either<HosoError<'invalid-line'>, string> {
  const j = parseJsonLine(bytes, 'checkpoint line');
  if (j._tag === 'Left') return j;
  const v = j.right;
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    Object.keys(v).length !== 1 ||
    typeof (v as { checkpoint?: unknown }).checkpoint !== 'string'
  )
    return left(
      hosoError('invalid-line', 'checkpoint line: must be {"checkpoint": "<signed note>"}', {
        rule: 'docs/design.md §7',
      }),
    );
  const note = (v as { checkpoint: string }).checkpoint;
  if (fromUtf8(bytes) !== formatCheckpointLine(note))
    return left(
      hosoError('invalid-line', 'checkpoint line: not in canonical form (RFC 8785)', { rule: 'RFC 8785 §3' }),
    );
  return right(note);
}
