/**
 * RFC 3161 timestamps on checkpoints (docs/formats.md §2): a timestamp token travels inside the
 * note as one more C2SP signature line, so that every place a note goes (checkpoint files,
 * bundles, proofs) carries it and every C2SP verifier that does not know it ignores it (C2SP
 * signed-note: lines of unknown keys are ignored):
 *
 *     — rfc3161-timestamp base64(key ID ‖ DER TimeStampToken)
 *
 * The token's message imprint is the SHA-256 of the note's exact bytes **before** that line: the
 * body, the blank line and every signature line above it — the seal's, when the school stamps a
 * checkpoint as it signs it. Witness cosignatures appended later are not covered, and they carry
 * their own times. The key ID uses signature type 0xff (C2SP: "signature types without an
 * identifier byte"), followed by a longer identifier, as the spec recommends.
 */
import { concatBytes, fromBase64, toBase64, utf8 } from '../bytes.js';
import { sha256 } from '../hash.js';
import { SIGNATURE_LINE_PREFIX } from './note.js';
import { invalidArgument, splitNote } from './text.js';

/** The key name of a timestamp line. */
export const TIMESTAMP_KEY_NAME = 'rfc3161-timestamp';

/** The rule a timestamp line's format cites. */
export const TIMESTAMP_RULE = 'docs/formats.md §2';

/** C2SP signed-note signature type 0xff and the identifier after it. */
const TIMESTAMP_TYPE_ID = concatBytes(Uint8Array.of(0xff), utf8('hoso.rfc3161-timestamp-token.v1'));

/** The key ID of timestamp lines: SHA-256(name ‖ 0x0A ‖ 0xff ‖ identifier)[:4]. */
export const TIMESTAMP_KEY_ID: Uint8Array = sha256(
  utf8(TIMESTAMP_KEY_NAME),
  Uint8Array.of(0x0a),
  TIMESTAMP_TYPE_ID,
).slice(0, 4);

const LINE_START = `${SIGNATURE_LINE_PREFIX}${TIMESTAMP_KEY_NAME} `;

/** One timestamp line of a note. */
export interface NoteTimestamp {
  /** 0-based index among the note's signature lines. */
  readonly index: number;
  /** The DER TimeStampToken (a CMS ContentInfo). */
  readonly token: Uint8Array;
  /** The exact text the token's imprint covers: the note up to the line. */
  readonly data: string;
}

/** The SHA-256 a TSA is asked to stamp for `note` as it is now (its UTF-8 bytes). */
export function noteImprint(note: string): Uint8Array {
  return sha256(utf8(note));
}

/**
 * `note` with a timestamp line carrying `token` appended (the token must stamp `note`'s bytes).
 * @throws HosoFailure `invalid-argument` when `note` has no signature block or `token` is empty.
 */
export function addTimestampLine(note: string, token: Uint8Array): string {
  if (typeof note !== 'string' || !note.endsWith('\n') || splitNote(note) === undefined)
    throw invalidArgument(['note'], 'must be a signed note ending in a newline', TIMESTAMP_RULE);
  if (!(token instanceof Uint8Array) || token.length === 0)
    throw invalidArgument(['token'], 'must be the DER bytes of a timestamp token', TIMESTAMP_RULE);
  return `${note}${LINE_START}${toBase64(concatBytes(TIMESTAMP_KEY_ID, token))}\n`;
}

/**
 * The timestamp lines of a signed note, in order, each with the text its token covers. A line
 * of the timestamp key name with another key ID, or whose base64 does not decode, is not a
 * timestamp line (C2SP: a line of an unknown key is ignored); the note's own form is checked by
 * `openNote`/`peekCheckpoint`.
 */
export function noteTimestamps(note: string): NoteTimestamp[] {
  if (typeof note !== 'string') return [];
  const parts = splitNote(note);
  if (parts === undefined) return [];
  const out: NoteTimestamp[] = [];
  let offset = parts.body.length + 1;
  const lines = parts.signatures.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith(LINE_START)) {
      const raw = fromBase64(l.slice(LINE_START.length));
      if (raw !== undefined && raw.length > 4 && raw.subarray(0, 4).every((b, k) => b === TIMESTAMP_KEY_ID[k]))
        out.push({ index: i, token: raw.slice(4), data: note.slice(0, offset) });
    }
    offset += l.length + 1;
  }
  return out;
}
