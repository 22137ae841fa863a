/** The proof reference in every page's QR code: writing it, and parsing it strictly back. */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import type { Verification } from './model.js';

/**
 * The proof reference printed in every page's QR code (*mã tham chiếu kiểm chứng*): what a
 * reader of the paper needs to check it against the school's signed checkpoint with
 * `hoso verify`. Written as a URI (docs/printing.md §"The proof reference"):
 *
 * ```
 * hoso:proof?v=1&origin=hoso%2F<ledger>&size=<N>&root=<64 hex>[&index=<i>][&leaf=<64 hex>][&book=<book id>]
 * ```
 */
export interface ProofReference {
  /** Checkpoint origin, `hoso/<ledger id>`. */
  readonly origin: string;
  /** Checkpoint tree size. */
  readonly size: number;
  /** Checkpoint root hash, 64 lowercase hex digits. */
  readonly root: string;
  /** Ledger position of the book's head event (the last event that changed it); `< size`. */
  readonly index?: number;
  /** Leaf hash of that event, 64 lowercase hex digits. */
  readonly leaf?: string;
  /** Book identifier (its stream), e.g. `hocba/2024-2025/hs-0001`. */
  readonly book?: string;
}

/** URI scheme and path of a proof reference. */
export const PROOF_REF_PREFIX = 'hoso:proof?';
/** The only version this package writes and reads. */
export const PROOF_REF_VERSION = '1';

const RULE = 'hoso proof reference v1 (docs/printing.md)';
const HEX64 = /^[0-9a-f]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** The proof reference of a document's verification data. */
export function proofReferenceOf(v: Verification): ProofReference {
  const r: { -readonly [K in keyof ProofReference]: ProofReference[K] } = {
    origin: v.origin,
    size: v.size,
    root: v.root,
  };
  if (v.index !== undefined) r.index = v.index;
  if (v.leaf !== undefined) r.leaf = v.leaf;
  if (v.book !== undefined) r.book = v.book;
  return r;
}

/** Write a proof reference as its URI, parameters in a fixed order (so equal references give equal QR codes). */
export function formatProofReference(r: ProofReference): string {
  let s = `${PROOF_REF_PREFIX}v=${PROOF_REF_VERSION}&origin=${encodeURIComponent(r.origin)}&size=${r.size}&root=${r.root}`;
  if (r.index !== undefined) s += `&index=${r.index}`;
  if (r.leaf !== undefined) s += `&leaf=${r.leaf}`;
  if (r.book !== undefined) s += `&book=${encodeURIComponent(r.book)}`;
  return s;
}

/**
 * Parse a proof reference read from a QR code. Strict on what it knows (version 1, decimal
 * numbers without leading zeros, lowercase hex, each parameter at most once, `index < size`,
 * `leaf` only with `index`); parameters it does not know are ignored so later versions can add
 * some without breaking old readers.
 */
export function parseProofReference(text: string): Either<PrintError, ProofReference> {
  const bad = (message: string, path: string[] = []): Either<PrintError, ProofReference> =>
    left(printError('proof-ref-invalid', message, path, RULE));
  if (typeof text !== 'string') return bad('expected a string');
  const s = text.trim();
  if (!s.startsWith(PROOF_REF_PREFIX)) return bad(`must start with "${PROOF_REF_PREFIX}"`);
  const params = new Map<string, string>();
  for (const part of s.slice(PROOF_REF_PREFIX.length).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return bad(`malformed parameter "${part}"`);
    const key = part.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return bad('malformed percent-encoding', [key]);
    }
    if (params.has(key)) return bad('parameter given twice', [key]);
    params.set(key, value);
  }
  const v = params.get('v');
  if (v === undefined) return bad('missing version', ['v']);
  if (v !== PROOF_REF_VERSION) return bad(`unsupported version ${v}`, ['v']);
  const origin = params.get('origin');
  if (origin === undefined || origin === '' || /\s/.test(origin))
    return bad('origin must be a non-empty string without white space', ['origin']);
  const sizeS = params.get('size');
  if (sizeS === undefined || !DECIMAL.test(sizeS) || !Number.isSafeInteger(Number(sizeS)))
    return bad('size must be a decimal integer', ['size']);
  const size = Number(sizeS);
  const root = params.get('root');
  if (root === undefined || !HEX64.test(root)) return bad('root must be 64 lowercase hex digits', ['root']);
  const r: { -readonly [K in keyof ProofReference]: ProofReference[K] } = { origin, size, root };
  const indexS = params.get('index');
  if (indexS !== undefined) {
    if (!DECIMAL.test(indexS) || !Number.isSafeInteger(Number(indexS)))
      return bad('index must be a decimal integer', ['index']);
    const index = Number(indexS);
    if (index >= size) return bad('index must be below size', ['index']);
    r.index = index;
  }
  const leaf = params.get('leaf');
  if (leaf !== undefined) {
    if (!HEX64.test(leaf)) return bad('leaf must be 64 lowercase hex digits', ['leaf']);
    if (r.index === undefined) return bad('leaf needs index', ['leaf']);
    r.leaf = leaf;
  }
  const book = params.get('book');
  if (book !== undefined) {
    if (book === '') return bad('book must not be empty', ['book']);
    r.book = book;
  }
  return right(r);
}
