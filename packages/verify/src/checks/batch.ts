/**
 * The verifier's per-event work, one batch at a time: everything that concerns an event line
 * alone — its leaf hash, core's strict decoding (UTF-8, JSON, every field, RFC 8785 canonical
 * form), core's signer rule, the Ed25519 check of every signature and (with the catalogue) the
 * payload against the ledger's event catalogue. The same function runs on a worker (any number
 * of them) and, with no workers, on the calling thread, so both reach the same result by
 * construction. Batches travel as transferred buffers (see `pool/protocol.ts`); nothing here
 * imports a `node:` module.
 */
import { backend, decodeForVerification, leafHash, type Envelope } from '@hoso/core';
import { EVENT_CODECS, isEventType } from '@hoso/ledger';
import type { Transferable } from '../pool/protocol.js';

/** A batch of event lines: `count` × (u32 little-endian length ‖ bytes) in one buffer. */
export interface EventBatch {
  readonly buf: ArrayBuffer;
  readonly count: number;
  /** Check each payload against the ledger's event catalogue too. */
  readonly catalogue: boolean;
}

/** Status bits of one event. 0: a valid envelope, its signers as core's rule wants, its payload in the catalogue. */
export const EVENT_VALID = 0;
/** Not a valid canonical envelope (its problem says why); no other bit is set. */
export const EVENT_INVALID = 1;
/** A valid envelope whose signatures break core's signer rule (its problem says how); none was verified. */
export const EVENT_BAD_SIGNERS = 2;
/** A valid envelope whose type or payload the catalogue does not accept (its problem says which). */
export const EVENT_BAD_PAYLOAD = 4;

/** Which check a {@link BatchProblem} comes from. */
export type ProblemKind = 'envelope' | 'signers' | 'payload';

/**
 * Why event `i` of a batch is invalid, or its signers or its payload are: core's error as data,
 * or, for a payload, `unknown-type` or `invalid-payload` and the event's type.
 */
export interface BatchProblem {
  readonly i: number;
  readonly kind: ProblemKind;
  readonly code: string;
  readonly message: string;
  readonly path?: ReadonlyArray<string | number>;
}

/**
 * What the per-event work found, in fixed-size columns (transferred, never copied): per event a
 * 32-byte leaf hash, a status (bits), and a signature count (32 bits: an event may carry any
 * number of signatures); then one verdict byte per signature, events in order, each in `sigs`
 * order; then the problems, in event order (an event may have a signer and a payload problem).
 */
export interface EventBatchResult {
  readonly count: number;
  readonly leaves: ArrayBuffer;
  readonly status: ArrayBuffer;
  readonly sigCounts: ArrayBuffer;
  readonly sigOk: ArrayBuffer;
  readonly problems: readonly BatchProblem[];
}

/** Pack event lines into one {@link EventBatch} buffer. */
export function packEvents(events: readonly Uint8Array[], catalogue: boolean): EventBatch {
  let total = 4 * events.length;
  for (const e of events) total += e.length;
  const buf = new ArrayBuffer(total);
  const view = new DataView(buf);
  const out = new Uint8Array(buf);
  let o = 0;
  for (const e of events) {
    view.setUint32(o, e.length, true);
    out.set(e, o + 4);
    o += 4 + e.length;
  }
  return { buf, count: events.length, catalogue };
}

/** Grows a byte column without a JS array of numbers behind it. */
class Bytes {
  private buf = new Uint8Array(256);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b;
  }
  /** A buffer of exactly the bytes pushed. */
  take(): ArrayBuffer {
    return this.buf.slice(0, this.length).buffer;
  }
}

function problemOf(
  i: number,
  kind: ProblemKind,
  e: { readonly code: string; readonly message: string; readonly path?: ReadonlyArray<string | number> },
): BatchProblem {
  return e.path === undefined
    ? { i, kind, code: e.code, message: e.message }
    : { i, kind, code: e.code, message: e.message, path: e.path };
}

/** The catalogue's verdict on an envelope's type and payload: null when it accepts both. */
function payloadProblem(i: number, env: Envelope): BatchProblem | null {
  const type = env.type;
  if (!isEventType(type)) return { i, kind: 'payload', code: 'unknown-type', message: type };
  const codec = EVENT_CODECS[type] as { decode(u: unknown): { readonly _tag: 'Left' | 'Right' } };
  return codec.decode(env.data)._tag === 'Right'
    ? null
    : { i, kind: 'payload', code: 'invalid-payload', message: type };
}

/**
 * Check `count` events given by `at(i)`; `keep` receives each envelope that decodes (the calling
 * thread keeps them instead of parsing the bytes again).
 */
function checkEach(
  count: number,
  at: (i: number) => Uint8Array,
  catalogue: boolean,
  keep?: (i: number, env: Envelope) => void,
): Transferable<EventBatchResult> {
  const ed = backend();
  const leaves = new Uint8Array(32 * count);
  const status = new Uint8Array(count);
  const sigCounts = new Uint32Array(count);
  const sigOk = new Bytes();
  const problems: BatchProblem[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = at(i);
    leaves.set(leafHash(bytes), 32 * i);
    const d = decodeForVerification(bytes);
    if (d._tag === 'Left') {
      status[i] = EVENT_INVALID;
      problems.push(problemOf(i, 'envelope', d.left));
      continue;
    }
    const env = d.right.envelope;
    keep?.(i, env);
    const s = d.right.signatures;
    let bits = EVENT_VALID;
    if (s._tag === 'Left') {
      bits |= EVENT_BAD_SIGNERS;
      problems.push(problemOf(i, 'signers', s.left));
    } else {
      const { message, checks } = s.right;
      sigCounts[i] = checks.length;
      for (const c of checks) sigOk.push(ed.verify(c.publicKey, message, c.signature) ? 1 : 0);
    }
    if (catalogue) {
      const p = payloadProblem(i, env);
      if (p !== null) {
        bits |= EVENT_BAD_PAYLOAD;
        problems.push(p);
      }
    }
    status[i] = bits;
  }
  const value: EventBatchResult = {
    count,
    leaves: leaves.buffer,
    status: status.buffer,
    sigCounts: sigCounts.buffer,
    sigOk: sigOk.take(),
    problems,
  };
  return { value, transfer: [value.leaves, value.status, value.sigCounts, value.sigOk] };
}

/** The job a verification worker runs: check every event of a packed batch. */
export function checkEventBatch(batch: EventBatch): Transferable<EventBatchResult> {
  const view = new DataView(batch.buf);
  const data = new Uint8Array(batch.buf);
  let o = 0;
  return checkEach(
    batch.count,
    () => {
      const len = view.getUint32(o, true);
      const bytes = data.subarray(o + 4, o + 4 + len);
      o += 4 + len;
      return bytes;
    },
    batch.catalogue,
  );
}

/**
 * The same job on the calling thread, without packing: also returns the decoded envelopes (by
 * index; undefined where an event does not decode), so nothing is parsed twice.
 */
export function checkEventsHere(
  events: readonly Uint8Array[],
  catalogue: boolean,
): {
  readonly result: EventBatchResult;
  readonly envelopes: ReadonlyArray<Envelope | undefined>;
} {
  const envelopes = new Array<Envelope | undefined>(events.length);
  const { value } = checkEach(
    events.length,
    (i) => events[i]!,
    catalogue,
    (i, env) => (envelopes[i] = env),
  );
  return { result: value, envelopes };
}
