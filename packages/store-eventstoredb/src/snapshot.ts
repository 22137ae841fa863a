import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { bytesEqual, fromHex, fromUtf8, sha256, toHex, utf8 } from '@hoso/core';
import { LedgerIndex } from './ledger-index.js';
import { uuidString, uuidWords } from './id-table.js';

/**
 * The binary snapshot of a ledger index (pure encoding and decoding; the I/O is in
 * `snapshot-store.ts`). A snapshot of size n holds, per position, what cannot be recomputed cheaply
 * — the id, the logical stream and the leaf hash — and nothing that can: revs are recounted per
 * stream and every interior Merkle node is recomputed from the leaves when it is loaded, so a loaded
 * snapshot's tree is never taken on trust, only its leaves (which are then checked, see
 * {@link decodeSnapshot} and the store).
 *
 * Payload (big-endian):
 * ```
 * "HOSOIDX1"                     8 bytes
 * n                              u32   events
 * s                              u32   logical streams, in order of first appearance
 * s × (u32 length, UTF-8 name)
 * n × 16 bytes                   ids (UUID bytes)
 * n × u32                        stream number of each position
 * n × 32 bytes                   leaf hashes
 * ```
 * About 52 bytes per event plus the stream names. The payload is cut into chunks (each one side
 * stream event under the server's 1 MiB append limit) and described by a manifest event.
 */

const MAGIC = utf8('HOSOIDX1');
const CHUNK_MAGIC = utf8('HOSOIXC1');

/** The manifest event written after a snapshot's chunks: what the snapshot is and where its chunks are. */
export interface SnapshotManifest {
  readonly v: 1;
  readonly ledger: string;
  readonly physicalStream: string;
  /** A random UUID naming this snapshot (each chunk carries it). */
  readonly snapshot: string;
  /** Events covered: positions [0, size). */
  readonly size: number;
  /** RFC 9162 root of the first `size` leaves (hex). */
  readonly root: string;
  /** SHA-256 of the whole payload (hex). */
  readonly sha256: string;
  /** Payload length in bytes. */
  readonly bytes: number;
  /** Side stream revision of each chunk, in payload order. */
  readonly chunks: readonly number[];
}

/** Event types on the side stream. */
export const CHUNK_TYPE = 'hoso-index-chunk';
export const MANIFEST_TYPE = 'hoso-index-snapshot';

/** The payload of `index` as of its current size, with that size and its root. */
export function encodeSnapshot(index: LedgerIndex): { payload: Uint8Array; size: number; root: Uint8Array } {
  const n = index.size;
  const names = index.streamNames().map((s) => utf8(s));
  const namesBytes = names.reduce((t, b) => t + 4 + b.length, 0);
  const payload = new Uint8Array(16 + namesBytes + n * 52);
  const dv = new DataView(payload.buffer);
  payload.set(MAGIC, 0);
  dv.setUint32(8, n);
  dv.setUint32(12, names.length);
  let at = 16;
  for (const b of names) {
    dv.setUint32(at, b.length);
    payload.set(b, at + 4);
    at += 4 + b.length;
  }
  const idsAt = at;
  const streamsAt = idsAt + 16 * n;
  const leavesAt = streamsAt + 4 * n;
  for (let p = 0; p < n; p++) {
    index.writeId(p, dv, idsAt + 16 * p);
    dv.setUint32(streamsAt + 4 * p, index.streamNumber(p));
    payload.set(index.leafView(p), leavesAt + 32 * p);
  }
  return { payload, size: n, root: index.root() };
}

/**
 * Rebuild an index from a payload: ids, streams and revs as recorded, every interior node
 * recomputed from the leaves. Left(reason) for anything malformed (truncated, a stream number out
 * of range, a repeated or invalid id) and when the recomputed root is not `root`.
 */
export function decodeSnapshot(
  payload: Uint8Array,
  expected: { size: number; root: Uint8Array },
): Either<string, LedgerIndex> {
  if (payload.length < 16 || !bytesEqual(payload.subarray(0, 8), MAGIC))
    return left('not a hoso index snapshot (magic)');
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const n = dv.getUint32(8);
  const s = dv.getUint32(12);
  if (n !== expected.size) return left(`payload holds ${n} events, the manifest says ${expected.size}`);
  const names: string[] = [];
  let at = 16;
  for (let i = 0; i < s; i++) {
    if (at + 4 > payload.length) return left('truncated in the stream names');
    const len = dv.getUint32(at);
    if (at + 4 + len > payload.length) return left('truncated in the stream names');
    const name = fromUtf8(payload.subarray(at + 4, at + 4 + len));
    if (name === undefined) return left('a stream name is not UTF-8');
    names.push(name);
    at += 4 + len;
  }
  if (payload.length !== at + 52 * n)
    return left(`payload is ${payload.length} bytes, ${at + 52 * n} expected for ${n} events`);
  const idsAt = at;
  const streamsAt = idsAt + 16 * n;
  const leavesAt = streamsAt + 4 * n;
  const index = new LedgerIndex();
  const revs = new Array<number>(s).fill(0);
  try {
    for (let p = 0; p < n; p++) {
      const o = idsAt + 16 * p;
      const no = dv.getUint32(streamsAt + 4 * p);
      const stream = names[no];
      if (stream === undefined) return left(`position ${p}: stream number ${no} out of range`);
      const id: [number, number, number, number] = [
        dv.getInt32(o),
        dv.getInt32(o + 4),
        dv.getInt32(o + 8),
        dv.getInt32(o + 12),
      ];
      index.addWords(id, stream, revs[no]!, payload.subarray(leavesAt + 32 * p, leavesAt + 32 * p + 32));
      revs[no] = revs[no]! + 1;
    }
  } catch (err) {
    return left(err instanceof Error ? err.message : String(err));
  }
  if (!bytesEqual(index.root(), expected.root))
    return left(`the root recomputed from the snapshot's leaves differs from its manifest's`);
  return right(index);
}

/** The data of chunk `k` of snapshot `snapshot`: a small header, then the payload slice. */
export function encodeChunk(snapshot: string, k: number, slice: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 16 + 4 + slice.length);
  const dv = new DataView(out.buffer);
  out.set(CHUNK_MAGIC, 0);
  const w = uuidWords(snapshot);
  if (w === undefined) throw new Error('snapshot id is not a lowercase UUID');
  w.forEach((x, i) => dv.setInt32(8 + 4 * i, x));
  dv.setUint32(24, k);
  out.set(slice, 28);
  return out;
}

/** The payload slice of a chunk, after checking it belongs to `snapshot` at place `k`. */
export function decodeChunk(data: Uint8Array, snapshot: string, k: number): Either<string, Uint8Array> {
  if (data.length < 28 || !bytesEqual(data.subarray(0, 8), CHUNK_MAGIC))
    return left(`chunk ${k} is not a snapshot chunk`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const id = uuidString(dv.getInt32(8), dv.getInt32(12), dv.getInt32(16), dv.getInt32(20));
  if (id !== snapshot || dv.getUint32(24) !== k) return left(`chunk ${k} belongs to another snapshot or place`);
  return right(data.subarray(28));
}

/** The manifest's bytes (UTF-8 JSON). */
export function encodeManifest(m: SnapshotManifest): Uint8Array {
  return utf8(JSON.stringify(m));
}

/** A manifest from its bytes, checked field by field; Left(reason) otherwise. */
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
  const nat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const hex32 = (x: unknown): x is string => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
  if (o['v'] !== 1) return left('manifest field v is not 1');
  if (typeof o['ledger'] !== 'string' || typeof o['physicalStream'] !== 'string')
    return left('manifest ledger or physicalStream is not a string');
  if (typeof o['snapshot'] !== 'string' || uuidWords(o['snapshot']) === undefined)
    return left('manifest snapshot is not a UUID');
  if (!nat(o['size']) || o['size'] < 1) return left('manifest size is not a positive integer');
  if (!hex32(o['root']) || !hex32(o['sha256'])) return left('manifest root or sha256 is not a hex SHA-256');
  if (!nat(o['bytes'])) return left('manifest bytes is not a non-negative integer');
  const chunks = o['chunks'];
  if (!Array.isArray(chunks) || chunks.length === 0 || !chunks.every(nat))
    return left('manifest chunks is not a list of revisions');
  return right({
    v: 1,
    ledger: o['ledger'],
    physicalStream: o['physicalStream'],
    snapshot: o['snapshot'],
    size: o['size'],
    root: o['root'],
    sha256: o['sha256'],
    bytes: o['bytes'],
    chunks: chunks as number[],
  });
}

/** Check the reassembled payload against the manifest's length and hash. */
export function checkPayload(payload: Uint8Array, m: SnapshotManifest): Either<string, Uint8Array> {
  if (payload.length !== m.bytes) return left(`payload is ${payload.length} bytes, the manifest says ${m.bytes}`);
  if (toHex(sha256(payload)) !== m.sha256) return left('payload hash differs from the manifest');
  return right(payload);
}

/** The manifest root as bytes. */
export function manifestRoot(m: SnapshotManifest): Uint8Array {
  return fromHex(m.root)!;
}
