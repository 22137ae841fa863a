import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, fromHex, fromUtf8, sha256, toHex, utf8 } from '@hoso/core';
import { LedgerIndex } from './ledger-index.js';
import { uuidString, uuidWords } from './id-table.js';

/**
 * The binary snapshot of a ledger index, in SEGMENTS keyed by position range (pure encoding and
 * decoding; the I/O and the policy are in `snapshot-store.ts`). A snapshot of size n is a list of
 * segments covering [0, n) in order: a *base* [0, b) and *tails* [b, c), [c, d), …, each written
 * once and reused by every later snapshot until the next base, so a snapshot costs what the ledger
 * grew by, not its whole size. A segment holds, per position, what cannot be recomputed cheaply —
 * the id, the logical stream and the leaf hash — and nothing that can: revs are recounted per
 * stream and every interior Merkle node is recomputed from the leaves when it is loaded, so a
 * loaded snapshot's tree is never taken on trust, only its leaves (which are then checked, see
 * {@link decodeSegments} and the store).
 *
 * Segment payload (big-endian):
 * ```
 * "HOSOSEG1"                     8 bytes
 * from, to                       u32, u32   positions [from, to)
 * streamsBefore, streamsAfter    u32, u32   logical streams known at `from` and at `to`
 * (streamsAfter − streamsBefore) × (u32 length, UTF-8 name)   the streams first seen in the range
 * (to − from) × 16 bytes         ids (UUID bytes)
 * (to − from) × u32              stream number of each position (numbered by first appearance)
 * (to − from) × 32 bytes         leaf hashes
 * ```
 * About 52 bytes per event plus the new stream names. A segment is cut into chunk events (each one
 * side-stream event under the server's append limit), and a manifest event lists the segments.
 * Snapshots of format 1 (one "HOSOIDX1" payload of the whole index, written by earlier versions)
 * are still read, as a snapshot of one segment.
 */

const SEGMENT_MAGIC = utf8('HOSOSEG1');
const LEGACY_MAGIC = utf8('HOSOIDX1');
const CHUNK_MAGIC = utf8('HOSOIXC1');

/** One segment of a snapshot, as its manifest describes it. */
export interface SegmentRef {
  /** A random UUID naming the segment (each of its chunks carries it). */
  readonly id: string;
  readonly from: number;
  readonly to: number;
  /** Logical streams known at `to`. */
  readonly streams: number;
  /** Payload length in bytes. */
  readonly bytes: number;
  /** SHA-256 of the payload (hex). */
  readonly sha256: string;
  /** Side stream revision of each chunk, in payload order. */
  readonly chunks: readonly number[];
}

/** The manifest event written after a snapshot's new chunks: what the snapshot is and where its segments are. */
export interface SnapshotManifest {
  readonly v: 2;
  readonly ledger: string;
  readonly physicalStream: string;
  /** A random UUID naming this snapshot. */
  readonly snapshot: string;
  /** Events covered: positions [0, size). */
  readonly size: number;
  /** RFC 9162 root of the first `size` leaves (hex). */
  readonly root: string;
  /** Segments covering [0, size) in order; the first is the base. */
  readonly segments: readonly SegmentRef[];
  /** Read from a format-1 manifest: one legacy payload, never reused by a later snapshot. */
  readonly legacy?: true;
}

/** Event types on the side stream. */
export const CHUNK_TYPE = 'hoso-index-chunk';
export const MANIFEST_TYPE = 'hoso-index-snapshot';

/** Bytes of a chunk event's data besides its payload slice (magic, segment UUID, chunk number). */
export const CHUNK_HEADER_BYTES = 28;

/**
 * The payload of the index's positions [from, to), given the logical streams known at `from` and at
 * `to` (the index may have grown past `to` since: positions below it never change).
 */
export function encodeSegment(
  index: LedgerIndex,
  from: number,
  streamsBefore: number,
  to: number,
  streamsAfter: number,
): Uint8Array {
  const n = to - from;
  const names = index
    .streamNames()
    .slice(streamsBefore, streamsAfter)
    .map((s) => utf8(s));
  const namesBytes = names.reduce((t, b) => t + 4 + b.length, 0);
  const payload = new Uint8Array(24 + namesBytes + n * 52);
  const dv = new DataView(payload.buffer);
  payload.set(SEGMENT_MAGIC, 0);
  dv.setUint32(8, from);
  dv.setUint32(12, to);
  dv.setUint32(16, streamsBefore);
  dv.setUint32(20, streamsAfter);
  let at = 24;
  for (const b of names) {
    dv.setUint32(at, b.length);
    payload.set(b, at + 4);
    at += 4 + b.length;
  }
  const idsAt = at;
  const streamsAt = idsAt + 16 * n;
  const leavesAt = streamsAt + 4 * n;
  for (let i = 0; i < n; i++) {
    const p = from + i;
    index.writeId(p, dv, idsAt + 16 * i);
    dv.setUint32(streamsAt + 4 * i, index.streamNumber(p));
    payload.set(index.leafView(p), leavesAt + 32 * i);
  }
  return payload;
}

/** Decoding state carried from one segment to the next. */
interface Decoding {
  readonly index: LedgerIndex;
  readonly names: string[];
  readonly revs: number[];
}

function readNames(
  dv: DataView,
  payload: Uint8Array,
  at: number,
  count: number,
  into: string[],
): Either<string, number> {
  for (let i = 0; i < count; i++) {
    if (at + 4 > payload.length) return left('truncated in the stream names');
    const len = dv.getUint32(at);
    if (at + 4 + len > payload.length) return left('truncated in the stream names');
    const name = fromUtf8(payload.subarray(at + 4, at + 4 + len));
    if (name === undefined) return left('a stream name is not UTF-8');
    into.push(name);
    at += 4 + len;
  }
  return right(at);
}

function readRecords(d: Decoding, dv: DataView, payload: Uint8Array, at: number, n: number): Either<string, void> {
  if (payload.length !== at + 52 * n)
    return left(`payload is ${payload.length} bytes, ${at + 52 * n} expected for ${n} events`);
  const idsAt = at;
  const streamsAt = idsAt + 16 * n;
  const leavesAt = streamsAt + 4 * n;
  try {
    for (let i = 0; i < n; i++) {
      const o = idsAt + 16 * i;
      const no = dv.getUint32(streamsAt + 4 * i);
      const stream = d.names[no];
      if (stream === undefined) return left(`position ${d.index.size}: stream number ${no} out of range`);
      const id: [number, number, number, number] = [
        dv.getInt32(o),
        dv.getInt32(o + 4),
        dv.getInt32(o + 8),
        dv.getInt32(o + 12),
      ];
      d.index.addWords(id, stream, d.revs[no] ?? 0, payload.subarray(leavesAt + 32 * i, leavesAt + 32 * i + 32));
      d.revs[no] = (d.revs[no] ?? 0) + 1;
    }
  } catch (err) {
    return left(err instanceof Error ? err.message : String(err));
  }
  return right(undefined);
}

/** Append one segment (or a format-1 payload) to the index being rebuilt; Left(reason) if it does not fit. */
function applySegment(d: Decoding, payload: Uint8Array, ref: SegmentRef): Either<string, void> {
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload.length >= 16 && bytesEqual(payload.subarray(0, 8), LEGACY_MAGIC)) {
    if (ref.from !== 0 || d.index.size !== 0) return left('a format-1 payload can only be a whole snapshot');
    const n = dv.getUint32(8);
    if (n !== ref.to) return left(`payload holds ${n} events, the manifest says ${ref.to}`);
    const at = readNames(dv, payload, 16, dv.getUint32(12), d.names);
    if (isLeft(at)) return at;
    return readRecords(d, dv, payload, at.right, n);
  }
  if (payload.length < 24 || !bytesEqual(payload.subarray(0, 8), SEGMENT_MAGIC))
    return left('not a hoso index segment (magic)');
  const from = dv.getUint32(8);
  const to = dv.getUint32(12);
  const before = dv.getUint32(16);
  const after = dv.getUint32(20);
  if (from !== ref.from || to !== ref.to || after !== ref.streams)
    return left(
      `segment [${from}, ${to}) with ${after} streams, the manifest says [${ref.from}, ${ref.to}) with ${ref.streams}`,
    );
  if (from !== d.index.size) return left(`segment starts at ${from}, the segments before it end at ${d.index.size}`);
  if (before !== d.names.length || after < before)
    return left(`segment knows ${before} streams before it, the segments before it name ${d.names.length}`);
  const at = readNames(dv, payload, 24, after - before, d.names);
  if (isLeft(at)) return at;
  return readRecords(d, dv, payload, at.right, to - from);
}

/**
 * Rebuild an index from a snapshot's segment payloads, in order: ids, streams and revs as recorded,
 * every interior node recomputed from the leaves. Left(reason) for anything malformed (a payload
 * that is not its manifest's, segments that do not follow each other, a stream number out of
 * range, a repeated or invalid id) and when the recomputed root is not the manifest's.
 */
export function decodeSegments(payloads: readonly Uint8Array[], m: SnapshotManifest): Either<string, LedgerIndex> {
  const d: Decoding = { index: new LedgerIndex(), names: [], revs: [] };
  for (let k = 0; k < m.segments.length; k++) {
    const ref = m.segments[k]!;
    const payload = payloads[k]!;
    if (payload.length !== ref.bytes)
      return left(`segment ${k}: payload is ${payload.length} bytes, the manifest says ${ref.bytes}`);
    if (toHex(sha256(payload)) !== ref.sha256) return left(`segment ${k}: payload hash differs from the manifest`);
    const r = applySegment(d, payload, ref);
    if (isLeft(r)) return left(`segment ${k}: ${r.left}`);
  }
  if (d.index.size !== m.size) return left(`the segments cover ${d.index.size} events, the manifest says ${m.size}`);
  if (!bytesEqual(d.index.root(), fromHex(m.root)!))
    return left(`the root recomputed from the snapshot's leaves differs from its manifest's`);
  return right(d.index);
}

/** The data of chunk `k` of segment `segment`: a small header, then the payload slice. */
export function encodeChunk(segment: string, k: number, slice: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_BYTES + slice.length);
  const dv = new DataView(out.buffer);
  out.set(CHUNK_MAGIC, 0);
  const w = uuidWords(segment);
  if (w === undefined) throw new Error('segment id is not a lowercase UUID');
  w.forEach((x, i) => dv.setInt32(8 + 4 * i, x));
  dv.setUint32(24, k);
  out.set(slice, CHUNK_HEADER_BYTES);
  return out;
}

/** The payload slice of a chunk, after checking it belongs to `segment` at place `k`. */
export function decodeChunk(data: Uint8Array, segment: string, k: number): Either<string, Uint8Array> {
  if (data.length < CHUNK_HEADER_BYTES || !bytesEqual(data.subarray(0, 8), CHUNK_MAGIC))
    return left(`chunk ${k} is not a snapshot chunk`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const id = uuidString(dv.getInt32(8), dv.getInt32(12), dv.getInt32(16), dv.getInt32(20));
  if (id !== segment || dv.getUint32(24) !== k) return left(`chunk ${k} belongs to another segment or place`);
  return right(data.subarray(CHUNK_HEADER_BYTES));
}

/** The manifest's bytes (UTF-8 JSON). */
export function encodeManifest(m: SnapshotManifest): Uint8Array {
  const { legacy: _legacy, ...rest } = m;
  return utf8(JSON.stringify(rest));
}

const nat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const hex32 = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
const uuid = (x: unknown): x is string => typeof x === 'string' && uuidWords(x) !== undefined;
const revisions = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every(nat);

function decodeSegmentRef(x: unknown, k: number): Either<string, SegmentRef> {
  if (typeof x !== 'object' || x === null) return left(`manifest segment ${k} is not an object`);
  const o = x as Record<string, unknown>;
  if (!uuid(o['id'])) return left(`manifest segment ${k}: id is not a UUID`);
  if (!nat(o['from']) || !nat(o['to']) || o['to'] <= o['from'])
    return left(`manifest segment ${k}: from/to is not a range`);
  if (!nat(o['streams']) || !nat(o['bytes']) || !hex32(o['sha256']))
    return left(`manifest segment ${k}: streams, bytes or sha256 malformed`);
  if (!revisions(o['chunks'])) return left(`manifest segment ${k}: chunks is not a list of revisions`);
  return right({
    id: o['id'],
    from: o['from'],
    to: o['to'],
    streams: o['streams'],
    bytes: o['bytes'],
    sha256: o['sha256'],
    chunks: o['chunks'],
  });
}

/** A manifest from its bytes, checked field by field; Left(reason) otherwise. Format 1 is read as one segment. */
export function decodeManifest(data: Uint8Array): Either<string, SnapshotManifest> {
  const text = fromUtf8(data);
  if (text === undefined) return left('manifest is not UTF-8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return left('manifest is not JSON');
  }
  if (typeof v !== 'object' || v === null) return left('manifest is not an object');
  const o = v as Record<string, unknown>;
  if (o['v'] !== 1 && o['v'] !== 2) return left('manifest field v is neither 1 nor 2');
  if (typeof o['ledger'] !== 'string' || typeof o['physicalStream'] !== 'string')
    return left('manifest ledger or physicalStream is not a string');
  if (!uuid(o['snapshot'])) return left('manifest snapshot is not a UUID');
  if (!nat(o['size']) || o['size'] < 1) return left('manifest size is not a positive integer');
  if (!hex32(o['root'])) return left('manifest root is not a hex SHA-256');
  const head = {
    v: 2 as const,
    ledger: o['ledger'],
    physicalStream: o['physicalStream'],
    snapshot: o['snapshot'],
    size: o['size'],
    root: o['root'],
  };
  if (o['v'] === 1) {
    if (!hex32(o['sha256']) || !nat(o['bytes'])) return left('manifest sha256 or bytes malformed');
    if (!revisions(o['chunks'])) return left('manifest chunks is not a list of revisions');
    // Format 1 named its chunks by the snapshot's UUID.
    const seg: SegmentRef = {
      id: o['snapshot'],
      from: 0,
      to: o['size'],
      streams: 0,
      bytes: o['bytes'],
      sha256: o['sha256'],
      chunks: o['chunks'],
    };
    return right({ ...head, segments: [seg], legacy: true });
  }
  const raw = o['segments'];
  if (!Array.isArray(raw) || raw.length === 0) return left('manifest segments is not a non-empty list');
  const segments: SegmentRef[] = [];
  for (let k = 0; k < raw.length; k++) {
    const s = decodeSegmentRef(raw[k], k);
    if (isLeft(s)) return s;
    const expectedFrom = k === 0 ? 0 : segments[k - 1]!.to;
    if (s.right.from !== expectedFrom)
      return left(`manifest segment ${k} starts at ${s.right.from}, not ${expectedFrom}`);
    segments.push(s.right);
  }
  if (segments[segments.length - 1]!.to !== o['size']) return left('manifest segments do not end at its size');
  return right({ ...head, segments });
}
