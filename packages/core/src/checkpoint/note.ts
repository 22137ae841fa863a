import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, concatBytes, fromBase64, toBase64, toHex, utf8 } from '../bytes.js';
import { type HosoError } from '../errors.js';
import { ed25519 } from '../ed25519/index.js';
import {
  checkSigner,
  keyId,
  SIG_TYPE_COSIGNATURE,
  SIG_TYPE_ED25519,
  type NoteSigner,
  type NoteVerifier,
} from './keys.js';
import {
  invalidArgument,
  isValidKeyName,
  MAX_NOTE_LENGTH,
  MAX_NOTE_SIGNATURES,
  noteError,
  noteTextProblem,
  splitNote,
} from './text.js';

/**
 * C2SP signed notes (https://c2sp.org/signed-note): a text ending in a newline, a blank line,
 * then one line `— <key name> <base64(key ID ‖ signature)>` per signature (U+2014 em dash).
 * Verification follows the spec: lines from unknown keys are ignored, a known key whose signature
 * fails rejects the whole note, and at least one known key must have signed.
 */

/** The em dash and space that start every signature line. */
export const SIGNATURE_LINE_PREFIX = '\u2014 ';

/** Errors of {@link openNote}. */
export type NoteError =
  /** Not a signed note: no blank line, a malformed signature line, bad characters, too large. */
  | HosoError<'invalid-note'>
  /** A signature line from a known key does not verify. */
  | HosoError<'note-bad-signature'>
  /** No signature line from a known key. */
  | HosoError<'note-unverified'>
  /** Two verifiers share name and key ID but not the key: no way to tell which one signed. */
  | HosoError<'ambiguous-verifier'>;

/** One verified signature line. */
export interface VerifiedSignature {
  readonly verifier: NoteVerifier;
  /** For cosignatures (type 0x04): the witness's POSIX timestamp, in seconds. */
  readonly time?: number;
}

/** A note whose signatures checked out. */
export interface OpenedNote {
  /** The signed text, including its final newline. */
  readonly body: string;
  /** Each known key that signed, once, in order of first appearance. */
  readonly verifiedBy: NoteVerifier[];
  /** Every verified signature line, in note order (cosignatures carry their timestamp). */
  readonly signatures: VerifiedSignature[];
  /** Number of signature lines from keys the caller did not supply (ignored, per the spec). */
  readonly unknown: number;
}

/** The message a cosignature (type 0x04) signs: `cosignature/v1\ntime <t>\n` + body. */
export function cosignatureMessage(body: string, time: number): Uint8Array {
  return utf8(`cosignature/v1\ntime ${time}\n${body}`);
}

/** Throws `invalid-argument` unless `body` is valid note text ending in a newline. */
export function checkNoteBody(body: string, path: ReadonlyArray<string | number> = ['body']): void {
  if (typeof body !== 'string' || body.length === 0 || !body.endsWith('\n')) {
    throw invalidArgument(path, 'note text must be non-empty and end with a newline');
  }
  if (body.length > MAX_NOTE_LENGTH) throw invalidArgument(path, `note text longer than ${MAX_NOTE_LENGTH} characters`);
  const problem = noteTextProblem(body);
  if (problem !== undefined) throw invalidArgument(path, `note text ${problem}`);
}

/** One signature line for `payload` under `id`. */
function line(name: string, id: Uint8Array, payload: Uint8Array): string {
  return `${SIGNATURE_LINE_PREFIX}${name} ${toBase64(concatBytes(id, payload))}\n`;
}

/**
 * The Ed25519 (type 0x01) signature line of `signer` over `body`.
 * @throws HosoFailure `invalid-argument` for a bad body or signer.
 */
export function signatureLine(body: string, signer: NoteSigner): string {
  checkNoteBody(body);
  checkSigner(signer, ['signer']);
  const pub = ed25519.publicKey(signer.seed);
  return line(signer.name, keyId(signer.name, pub, SIG_TYPE_ED25519), ed25519.sign(signer.seed, utf8(body)));
}

/**
 * The tlog-cosignature (type 0x04) line of `signer` over `body` at `time` (POSIX seconds): the
 * signature covers `cosignature/v1\ntime <time>\n` + body; the line carries key ID ‖ u64 BE time ‖ signature.
 * @throws HosoFailure `invalid-argument` for a bad body, signer or time.
 */
export function cosignatureLine(body: string, signer: NoteSigner, time: number): string {
  checkNoteBody(body);
  checkSigner(signer, ['signer']);
  if (!Number.isSafeInteger(time) || time < 0)
    throw invalidArgument(['time'], 'must be a POSIX time in whole seconds, ≥ 0');
  const pub = ed25519.publicKey(signer.seed);
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setBigUint64(0, BigInt(time));
  const sig = ed25519.sign(signer.seed, cosignatureMessage(body, time));
  return line(signer.name, keyId(signer.name, pub, SIG_TYPE_COSIGNATURE), concatBytes(ts, sig));
}

/**
 * Sign `body` with each signer: `body + "\n" + one signature line per signer`.
 * @throws HosoFailure `invalid-argument` when the body is not note text ending in a newline, no
 * signer is given, or a signer has an invalid name or a seed that is not 32 bytes.
 */
export function signNote(body: string, signers: readonly NoteSigner[]): string {
  checkNoteBody(body);
  if (!Array.isArray(signers) || signers.length === 0)
    throw invalidArgument(['signers'], 'at least one signer is needed');
  const list: readonly NoteSigner[] = signers; // Array.isArray narrows a readonly array to any[]
  list.forEach((s, i) => checkSigner(s, ['signers', i]));
  return body + '\n' + list.map((s) => signatureLine(body, s)).join('');
}

/** A parsed signature line. */
interface SignatureLine {
  readonly name: string;
  readonly keyId: Uint8Array;
  readonly payload: Uint8Array;
}

/** Parse the signature block (one or more newline-terminated lines). */
function parseSignatureLines(text: string): Either<NoteError, SignatureLine[]> {
  if (text.length === 0 || !text.endsWith('\n')) {
    return left(
      noteError(
        'invalid-note',
        'a signed note needs at least one newline-terminated signature line after the blank line',
        { path: ['signatures'] },
      ),
    );
  }
  const lines = text.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    return left(
      noteError('invalid-note', `more than ${MAX_NOTE_SIGNATURES} signature lines`, { path: ['signatures'] }),
    );
  }
  const out: SignatureLine[] = [];
  for (const [i, l] of lines.entries()) {
    const bad = (why: string) =>
      left(noteError('invalid-note', `signature line ${i + 1}: ${why}`, { path: ['signatures', i] }));
    if (!l.startsWith(SIGNATURE_LINE_PREFIX)) return bad('must start with "\u2014 " (U+2014, space)');
    const rest = l.slice(SIGNATURE_LINE_PREFIX.length);
    const sp = rest.indexOf(' ');
    if (sp < 0) return bad('must be "\u2014 <key name> <base64 signature>"');
    const name = rest.slice(0, sp);
    if (!isValidKeyName(name)) return bad('invalid key name');
    const raw = fromBase64(rest.slice(sp + 1));
    if (raw === undefined || raw.length < 5)
      return bad('the signature must be standard base64 of a 4-byte key ID and a signature');
    out.push({ name, keyId: raw.slice(0, 4), payload: raw.slice(4) });
  }
  return right(out);
}

/** Check one signature line against its verifier; the cosignature time when it verifies. */
function checkLine(body: string, v: NoteVerifier, payload: Uint8Array): { ok: boolean; time?: number } {
  if (v.type === SIG_TYPE_ED25519)
    return { ok: payload.length === 64 && ed25519.verify(v.publicKey, utf8(body), payload) };
  if (payload.length !== 72) return { ok: false };
  const t = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0);
  // The spec caps the timestamp at 2^63 − 1; hoso also needs it exact as a JS number.
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false };
  const time = Number(t);
  return { ok: ed25519.verify(v.publicKey, cosignatureMessage(body, time), payload.slice(8)), time };
}

/**
 * Open a signed note with the verifiers the caller trusts (type 0x01 signatures and type 0x04
 * cosignatures alike). Lines from unknown keys — a key is known when both its name and key ID
 * match — are counted and ignored; a known key whose signature fails rejects the note
 * (`note-bad-signature`); no verified known key is `note-unverified`.
 */
export function openNote(text: string, verifiers: readonly NoteVerifier[]): Either<NoteError, OpenedNote> {
  if (typeof text !== 'string') return left(noteError('invalid-note', 'a note is a string', { path: ['text'] }));
  if (text.length > MAX_NOTE_LENGTH)
    return left(noteError('invalid-note', `note longer than ${MAX_NOTE_LENGTH} characters`, { path: ['text'] }));
  const problem = noteTextProblem(text);
  if (problem !== undefined) return left(noteError('invalid-note', `the note ${problem}`, { path: ['text'] }));
  const parts = splitNote(text);
  if (parts === undefined)
    return left(noteError('invalid-note', 'no blank line between the text and its signatures', { path: ['text'] }));
  const { body } = parts;
  if (body.length === 0) return left(noteError('invalid-note', 'empty note text', { path: ['body'] }));
  const parsed = parseSignatureLines(parts.signatures);
  if (parsed._tag === 'Left') return parsed;
  // A caller passing no list trusts no key: the note then fails as unverified below.
  const known: readonly NoteVerifier[] = Array.isArray(verifiers) ? verifiers : [];

  for (let i = 0; i < known.length; i++) {
    for (let j = i + 1; j < known.length; j++) {
      const a = known[i]!;
      const b = known[j]!;
      if (
        a.name === b.name &&
        bytesEqual(a.keyId, b.keyId) &&
        !(a.type === b.type && bytesEqual(a.publicKey, b.publicKey))
      ) {
        return left(
          noteError('ambiguous-verifier', `two verifiers named ${a.name} share key ID ${toHex(a.keyId)}`, {
            path: ['verifiers', j],
          }),
        );
      }
    }
  }

  const signatures: VerifiedSignature[] = [];
  const verifiedBy: NoteVerifier[] = [];
  let unknown = 0;
  for (const [i, sl] of parsed.right.entries()) {
    const v = known.find((x) => x.name === sl.name && bytesEqual(x.keyId, sl.keyId));
    if (v === undefined) {
      unknown++;
      continue;
    }
    const r = checkLine(body, v, sl.payload);
    if (!r.ok) {
      return left(
        noteError('note-bad-signature', `the signature of known key ${v.name}+${toHex(v.keyId)} does not verify`, {
          path: ['signatures', i],
          details: { name: v.name, keyId: toHex(v.keyId), type: v.type },
        }),
      );
    }
    signatures.push(r.time === undefined ? { verifier: v } : { verifier: v, time: r.time });
    if (!verifiedBy.includes(v)) verifiedBy.push(v);
  }
  if (signatures.length === 0) {
    return left(
      noteError('note-unverified', 'no signature from a known key', { path: ['signatures'], details: { unknown } }),
    );
  }
  return right({ body, verifiedBy, signatures, unknown });
}
